"""`diagrams build`: render what is stale, remove what is orphaned, record it all in the lock file.

Only stale jobs run; when nothing is stale no browser starts. Jobs run in parallel over the
renderer's page pool. A failing source keeps its previous outputs and lock entry and never stops
the others. Every file is written atomically, the lock file last.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from filelock import FileLock, Timeout

from ..config import Config
from ..errors import ConfigError, DiagramsError
from ..fsutil import atomic_write, remove_stale_temporaries
from .digest import MISSING, bytes_digest, rel
from .explain import job_warnings, not_a_source, source_folders
from .guards import set_aside_line
from .kinds import KindResult, RendererFactory, RunContext
from .lockfile import LockEntry
from .notes_step import check_note_globs, missing_output, removed_output_problem, rewrite_links
from .plan import Job, Plan, compute_digest, make_plan, output_file
from .status import job_problems, notice_of

_LOCK_UPDATE = threading.Lock()  # jobs finish on worker threads; the lock file's dict is shared


@dataclass
class JobOutcome:
    job: Job
    ok: bool
    seconds: float = 0.0
    written: list[str] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class BuildSummary:
    rendered: list[JobOutcome] = field(default_factory=list)
    failed: list[JobOutcome] = field(default_factory=list)
    up_to_date: int = 0
    removed: list[str] = field(default_factory=list)
    unplanned: list[str] = field(default_factory=list)  # sources that could not be planned
    skipped: list[Job] = field(default_factory=list)  # stale, but passed over (see `skip`)
    note_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    browser_started: bool = False
    lock_changed: bool = False
    plan: Plan | None = None

    @property
    def ok(self) -> bool:
        return not self.failed and not self.unplanned and not self.note_errors


class Reporter:
    """Receives build events; the CLI prints them (a progress bar or plain lines)."""

    def planned(self, stale: Sequence[Job], up_to_date: int) -> None: ...

    def job_started(self, job: Job) -> None: ...

    def job_finished(self, outcome: JobOutcome) -> None: ...

    def removed(self, path: str) -> None: ...

    def info(self, message: str) -> None: ...

    def warning(self, message: str) -> None: ...

    def error(self, message: str) -> None: ...

    def note_rewritten(self, note: str, links: int) -> None: ...


def build_lock_path(config: Config) -> Path:
    """A lock outside the repository, one per repository, so two builds never overlap."""
    key = hashlib.sha256(str(config.root.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"diagrams-build-{key}.lock"


@contextlib.contextmanager
def exclusive(
    config: Config, *, wait_seconds: float, on_wait: Callable[[], None]
) -> Iterator[None]:
    """Hold the repository's build lock; wait for another build (or watch) to finish first."""
    lock = FileLock(build_lock_path(config))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        on_wait()
        try:
            lock.acquire(timeout=wait_seconds)
        except Timeout:
            raise ConfigError(
                f"another `diagrams build` or `watch` in {config.root} is still running after "
                f"{wait_seconds:g} s",
                fix="wait for it to finish, or stop it",
            ) from None
    try:
        yield
    finally:
        lock.release()


def select_jobs(plan: Plan, paths: Sequence[Path] | None) -> list[Job]:
    if not paths:
        return list(plan.jobs)
    wanted = [p.resolve() for p in paths]
    chosen = []
    for job in plan.jobs:
        source = job.path.resolve()
        if any(source == w or w in source.parents for w in wanted):
            chosen.append(job)
    known = [j.path.resolve() for j in plan.jobs]
    known += [(plan.config.root / source).resolve() for source, _ in plan.problems]
    unknown = [
        p for p, w in zip(paths, wanted, strict=True)
        if not any(k == w or w in k.parents for k in known)
    ]  # fmt: skip
    if unknown:
        raise ConfigError(
            "; ".join(not_a_source(plan, p) for p in unknown[:3]),
            fix=f"name sources, or folders holding them, under {source_folders(plan.config)} — "
            "or run `diagrams build` without paths to build everything and rewrite the notes",
        )
    return chosen


def build(
    config: Config,
    *,
    paths: Sequence[Path] | None = None,
    force: bool = False,
    jobs: int | None = None,
    reporter: Reporter | None = None,
    renderer_factory: RendererFactory | None = None,
    context: RunContext | None = None,
    wait_seconds: float = 600,
    skip: Callable[[Job], bool] | None = None,
) -> BuildSummary:
    """Build what is stale, then (when links are enabled) point the notes' links at the
    current outputs. ``context`` lets a long-lived caller (watch) keep one warm browser;
    ``skip`` lets it pass over stale jobs it knows will fail again (unchanged broken sources)."""
    reporter = reporter or Reporter()
    started = time.perf_counter()
    summary = BuildSummary()

    def waiting() -> None:
        reporter.warning("another diagrams build is running in this repository; waiting for it")

    with exclusive(config, wait_seconds=wait_seconds, on_wait=waiting):
        remove_stale_temporaries(config.output_dir)
        plan = make_plan(config)
        summary.plan = plan
        for source, exc in plan.problems:
            summary.unplanned.append(source)
            reporter.error(str(exc))
        if plan.set_aside:
            reporter.info(set_aside_line(plan.set_aside))
        selected = select_jobs(plan, paths)
        check_note_globs(plan)  # before building: a misspelt glob is found now, not after
        stale = [j for j in selected if force or job_problems(j, plan)]
        summary.up_to_date = len(selected) - len(stale)
        if skip is not None:
            summary.skipped = [j for j in stale if skip(j)]
            stale = [j for j in stale if j not in summary.skipped]
        reporter.planned(stale, summary.up_to_date)
        own_context = context is None
        ctx = context or RunContext(config, renderer_factory, pages=jobs)
        try:
            if any(job.plan.uses_renderer for job in stale):
                # start Chromium now, so its start-up overlaps loading the first sources
                ctx.renderer().start(wait=False)
            if stale:
                _run_jobs(stale, plan, ctx, jobs or config.jobs, reporter, summary)
            if not paths:
                _remove_orphans(plan, reporter, summary)
        finally:
            summary.browser_started = ctx.started_renderer
            if own_context:
                ctx.close()
            summary.lock_changed = plan.lock.write()
            plan.hasher.save()
        _rewrite_notes(plan, reporter, summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _rewrite_notes(plan: Plan, reporter: Reporter, summary: BuildSummary) -> None:
    """The note step: rewrite the notes' links to the current outputs; report each note."""
    for result in rewrite_links(plan):
        for warning in result.warnings:
            notice = notice_of(warning, result.note)
            output = missing_output(plan.config, result.note, notice)
            if output is None:
                reporter.warning(warning)
            else:
                error = removed_output_problem(result.note, notice, output).text()
                summary.note_errors.append(error)
                reporter.error(error)
        for error in result.errors:
            summary.note_errors.append(str(error))
            reporter.error(str(error))
        if result.changes and not result.errors:
            reporter.note_rewritten(result.note, len(result.changes))


def _run_jobs(
    stale: list[Job],
    plan: Plan,
    ctx: RunContext,
    jobs: int | None,
    reporter: Reporter,
    summary: BuildSummary,
) -> None:
    workers = max(1, (jobs or os.cpu_count() or 1)) + 1
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="diagrams-job") as pool:
        pending: dict[Future[JobOutcome], Job] = {}
        queue = list(stale)
        try:
            while queue or pending:
                while queue and len(pending) < workers:
                    job = queue.pop(0)
                    reporter.job_started(job)
                    pending[pool.submit(_run_one, job, plan, ctx)] = job
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    job = pending.pop(future)
                    outcome = future.result()
                    (summary.rendered if outcome.ok else summary.failed).append(outcome)
                    summary.warnings.extend(outcome.warnings)
                    reporter.job_finished(outcome)
        except BaseException:
            # Interrupted: drop queued jobs and stop the browser, so running jobs end now
            # instead of rendering to completion (their files would be written atomically
            # anyway; the lock file records only what finished).
            for future in pending:
                future.cancel()
            ctx.close()
            raise


def _run_one(job: Job, plan: Plan, ctx: RunContext) -> JobOutcome:
    started = time.perf_counter()
    try:
        result = job.kind.run(job.path, job.plan, job.options, ctx)
        written = _commit(job, result, plan)
    except DiagramsError as exc:
        shown = _shown(exc.file, plan) if exc.file is not None else job.source
        error = type(exc)(exc.what, file=shown, place=exc.place, fix=exc.fix)
        return JobOutcome(job, False, time.perf_counter() - started, error=str(error))
    except OSError as exc:
        return JobOutcome(
            job,
            False,
            time.perf_counter() - started,
            error=f"{job.source}: cannot write its outputs: {exc.strerror} ({exc.filename})",
        )
    except Exception as exc:  # a bug in a kind: report it on this source, keep building the rest
        if os.environ.get("DIAGRAMS_DEBUG"):
            raise
        return JobOutcome(
            job,
            False,
            time.perf_counter() - started,
            error=f"{job.source}: internal error: {type(exc).__name__}: {exc} "
            "(rerun with DIAGRAMS_DEBUG=1 for the traceback, and please report it)",
        )
    seconds = time.perf_counter() - started
    return JobOutcome(job, True, seconds, written, warnings=job_warnings(job, result.warnings))


def _shown(file: object, plan: Plan) -> object:
    """A file named in an error, relative to the repository when it is inside it."""
    if isinstance(file, str | Path) and Path(file).is_absolute():
        try:
            return Path(file).resolve().relative_to(plan.config.root.resolve()).as_posix()
        except (ValueError, OSError):
            return file
    return file


def _commit(job: Job, result: KindResult, plan: Plan) -> list[str]:
    """Write a job's files atomically and record them; drop outputs it no longer makes."""
    config = plan.config
    root = config.root
    files: dict[str, bytes] = {}
    for name, data in result.files.items():
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            raise DiagramsError(f"would write outside the output folder: {name}", file=job.source)
        out = f"{config.output}/{pure.as_posix()}"
        if output_file(config, out) is None:  # frame images are not planned: checked here
            raise DiagramsError(
                f"would write {out}, which is a symlink or lies in a symlinked folder",
                file=job.source,
                fix=f"make {config.output}/ a plain folder, without symlinks in it",
            )
        files[out] = data
    missing = [out for out in job.outputs.values() if out not in files]
    if missing:
        raise DiagramsError(f"did not produce {', '.join(missing)}", file=job.source)
    with _LOCK_UPDATE:
        owner = plan.lock.output_owner()
    live = {j.source for j in plan.jobs}
    for out in files:
        other = owner.get(out)
        if other is not None and other != job.source and other in live:
            raise DiagramsError(f"would overwrite {out}, which {other} makes", file=job.source)
    for out, data in files.items():
        atomic_write(root / out, data)
    plan.hasher.forget(root / out for out in files)
    discovered = [rel(root, p) for p in result.inputs]
    with _LOCK_UPDATE:
        previous = plan.lock.jobs.get(job.source)
    compute_digest(job, config, previous, plan.hasher, plan.renderer, discovered=discovered)
    entry = LockEntry(
        kind=job.kind.name,
        digest=job.digest,
        outputs={out: bytes_digest(data) for out, data in files.items()},
        inputs={k: v for k, v in job.inputs.items() if k in set(discovered)},
        frames={
            name: {fmt: f"{config.output}/{file}" for fmt, file in names.items()}
            for name, names in result.frames.items()
        },
        frame_ids=dict(result.frame_ids),
        dark={f"{config.output}/{a}": f"{config.output}/{b}" for a, b in result.dark.items()},
        parts={
            key: {fmt: f"{config.output}/{file}" for fmt, file in names.items()}
            for key, names in result.parts.items()
        },
        made_with=job.made_with,
    )
    if previous is not None:
        for old, recorded in previous.outputs.items():
            if old not in files:
                _remove_if_ours(root, old, recorded, plan)
    with _LOCK_UPDATE:
        plan.lock.jobs[job.source] = entry
    return sorted(files)


def _remove_if_ours(root: Path, output: str, recorded: str, plan: Plan) -> str:
    """Delete an output we made, unless it was edited since. Returns "removed", "absent",
    "edited" (left in place) or "foreign" (not a path inside the output folder: never touched)."""
    path = output_file(plan.config, output)
    if path is None:
        return "foreign"
    actual = plan.hasher.file(path)
    if actual == MISSING:
        return "absent"
    if actual != recorded:
        return "edited"
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    plan.hasher.forget([path])
    return "removed"


def _remove_orphans(plan: Plan, reporter: Reporter, summary: BuildSummary) -> None:
    live = {job.source for job in plan.jobs} | {source for source, _ in plan.problems}
    made_now = {out for job in plan.jobs for out in job.outputs.values()}
    for source in sorted(set(plan.lock.jobs) - live):
        entry = plan.lock.jobs[source]
        for output, recorded in sorted(entry.outputs.items()):
            if output in made_now:
                continue  # another source makes it now (a drawing beside its old export)
            outcome = _remove_if_ours(plan.config.root, output, recorded, plan)
            if outcome == "removed":
                summary.removed.append(output)
                reporter.removed(output)
            elif outcome == "edited":
                reporter.warning(
                    f"{output}: left in place although its source {source} is gone, "
                    "because it was edited by hand — delete it yourself if it is not needed"
                )
        del plan.lock.jobs[source]
