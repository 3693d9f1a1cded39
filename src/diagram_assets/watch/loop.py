"""`diagrams watch`: rebuild on save with one warm browser, through the same `build` as always.

Every burst of file events (editors write a temporary file and rename it; Excalidraw and
Obsidian save often) becomes one incremental build: the plan decides what is stale by digest,
so each changed job runs once and nothing else does. A source that fails keeps its last good
outputs and is not retried until it changes again. A config change re-plans everything.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click
from watchfiles import watch

from ..config import Config, glob_match, load_config
from ..errors import DiagramsError
from ..fsutil import SKIPPED_FOLDERS
from ..pipeline.builder import BuildSummary, JobOutcome, Reporter, build
from ..pipeline.digest import rel
from ..pipeline.kinds import RunContext
from ..pipeline.plan import Plan, is_temporary


@dataclass
class JobState:
    """What the preview shows for one source."""

    source: str
    outputs: list[str] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)
    built: float | None = None
    error: str | None = None


@dataclass
class WatchState:
    """The gallery's data: every source, its outputs and last error. Guarded by ``lock``."""

    jobs: dict[str, JobState] = field(default_factory=dict)
    config_error: str | None = None
    builds: int = 0
    output: str | None = None  # the output folder (repo-relative): the preview serves only it
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Quiet(Reporter):
    """Passes events on, but says a warning or error that every build repeats (a broken note
    link, a source that cannot be planned, a broken config) only once while it lasts: a message
    is said again only after a build that did not repeat it (it was fixed, then came back)."""

    def __init__(self, inner: Reporter) -> None:
        self.inner = inner
        self.said: set[str] = set()  # messages of the last finished build
        self.saying: set[str] = set()  # messages of the build in progress

    def build_started(self) -> None:
        self.saying = set()

    def build_finished(self) -> None:
        self.said = self.saying

    def planned(self, stale: object, up_to_date: int) -> None:
        return

    def job_finished(self, outcome: JobOutcome) -> None:
        self.inner.job_finished(outcome)

    def removed(self, path: str) -> None:
        self.inner.removed(path)

    def note_rewritten(self, note: str, links: int) -> None:
        self.inner.note_rewritten(note, links)

    def warning(self, message: str) -> None:
        if self._new(message):
            self.inner.warning(message)

    def error(self, message: str) -> None:
        if self._new(message):
            self.inner.error(message)

    def _new(self, message: str) -> bool:
        new = message not in self.said and message not in self.saying
        self.saying.add(message)
        return new


class Watcher:
    """Owns the warm browser and the state; :meth:`rebuild` runs one incremental build."""

    def __init__(
        self,
        start: Path | None,
        config_file: Path | None,
        reporter: Reporter,
        *,
        on_change: Callable[[WatchState, BuildSummary | None], None] | None = None,
        say: Callable[[str], None] = click.echo,
    ) -> None:
        """``say`` prints a line that is neither a warning nor an error (a source fixed)."""
        self._start = start
        self._config_file = config_file
        self.reporter = _Quiet(reporter)
        self.on_change = on_change
        self.say = say
        self.state = WatchState()
        self.config: Config = load_config(start, config_file=config_file)
        self.context = RunContext(self.config)
        self._failed: dict[str, str] = {}  # source → digest that failed
        self._watched_inputs: set[Path] = set()

    # -------------------------------------------------------------- what to watch
    def paths(self) -> list[Path]:
        return [self.config.root]

    def relevant(self, path: Path) -> bool:
        """Does a change to ``path`` matter? Sources, files sources read, notes, the config."""
        config = self.config
        if any(part in SKIPPED_FOLDERS for part in path.parts) or is_temporary(path.name):
            return False
        try:
            relative = path.resolve().relative_to(config.root.resolve()).as_posix()
        except (ValueError, OSError):
            relative = rel(config.root, path)
        if relative.startswith(config.output + "/") or relative == config.output:
            return False
        if "/" not in relative and path.name in ("diagrams.toml", "pyproject.toml"):
            return True
        if any(relative == s or relative.startswith(s + "/") or s == "." for s in config.sources):
            return True
        if path.resolve() in self._watched_inputs:
            return True
        return relative.endswith(".md") and any(glob_match(relative, g) for g in config.notes)

    # -------------------------------------------------------------- building
    def reload_config(self) -> bool:
        try:
            config = load_config(self._start, config_file=self._config_file)
        except DiagramsError as exc:
            with self.state.lock:
                self.state.config_error = str(exc)
            self.reporter.error(str(exc))
            return False
        if config != self.config:
            self.config = config
            self.context.config = config
            self._failed.clear()
        with self.state.lock:
            self.state.config_error = None
        return True

    def rebuild(self, *, config_changed: bool = False) -> BuildSummary | None:
        self.reporter.build_started()
        try:
            return self._rebuild(config_changed)
        finally:
            self.reporter.build_finished()

    def _rebuild(self, config_changed: bool) -> BuildSummary | None:
        if config_changed and not self.reload_config():
            self._notify(None)
            return None
        try:
            summary = build(
                self.config,
                context=self.context,
                reporter=self.reporter,
                skip=lambda job: self._failed.get(job.source) == job.digest,
                wait_seconds=3600,
            )
        except DiagramsError as exc:
            with self.state.lock:
                self.state.config_error = str(exc)
            self.reporter.error(str(exc))
            self._notify(None)
            return None
        self._record(summary)
        self._notify(summary)
        return summary

    def _record(self, summary: BuildSummary) -> None:
        plan = summary.plan
        if plan is None:
            return
        for outcome in summary.failed:
            self._failed[outcome.job.source] = outcome.job.digest
        # A failure is remembered only while the source still holds what failed: one that is
        # neither failing nor passed over now is current again (rebuilt, or its content is
        # back to what its outputs were built from), and one that is gone is forgotten.
        still_failing = {j.source for j in summary.skipped} | {o.job.source for o in summary.failed}
        self._failed = {s: d for s, d in self._failed.items() if s in still_failing}
        inputs: set[Path] = set()
        now = time.time()
        with self.state.lock:
            had_error = {s for s, job in self.state.jobs.items() if job.error is not None}
            self.state.builds += 1
            self.state.config_error = None
            self.state.output = plan.config.output
            live = {job.source for job in plan.jobs} | {s for s, _ in plan.problems}
            for source in list(self.state.jobs):
                if source not in live:
                    del self.state.jobs[source]
            for job in plan.jobs:
                inputs.update(plan.config.root / name for name in job.inputs)
                entry = plan.lock.jobs.get(job.source)
                state = self.state.jobs.setdefault(job.source, JobState(job.source))
                if entry is not None:
                    state.outputs = sorted(entry.outputs)
                    if state.digests != entry.outputs or state.built is None:
                        state.built = now if state.digests else _mtime(plan, entry.outputs)
                    state.digests = dict(entry.outputs)
                if job.source not in self._failed:
                    state.error = None
            for outcome in summary.failed:
                self.state.jobs[outcome.job.source].error = outcome.error
            for source, exc in plan.problems:
                self.state.jobs.setdefault(source, JobState(source)).error = str(exc)
            rendered = {outcome.job.source for outcome in summary.rendered}
            fixed = sorted(
                source
                for source in had_error - rendered  # a rebuilt source says "built …" itself
                if source in self.state.jobs and self.state.jobs[source].error is None
            )
        self._watched_inputs = {p.resolve() for p in inputs}
        for source in fixed:
            # Its content is back to what its outputs were built from (a `git checkout`, an
            # undo): nothing to rebuild, but the error it showed is gone.
            self.say(f"fixed {source}: its outputs are current again")

    def _notify(self, summary: BuildSummary | None) -> None:
        if self.on_change is not None:
            self.on_change(self.state, summary)

    def close(self) -> None:
        self.context.close()

    # -------------------------------------------------------------- the loop
    def run(
        self,
        stop: threading.Event | None = None,
        *,
        step_ms: int = 30,
        on_ready: Callable[[], None] | None = None,
    ) -> None:
        """Build once, then rebuild on every relevant burst of changes until ``stop`` is set
        (Ctrl-C or SIGTERM raise KeyboardInterrupt). ``on_ready`` is called after the first
        build."""
        # The watcher is set up first (the generator's first, empty yield comes after a short
        # timeout), so a save during the initial build is not lost.
        ready = False
        for changes in watch(
            *self.paths(),
            watch_filter=lambda _change, name: self.relevant(Path(name)),
            step=step_ms,
            debounce=1000,
            stop_event=stop,
            rust_timeout=200,
            yield_on_timeout=True,
            # Ctrl-C (and SIGTERM, see interrupts.py) reach the caller as KeyboardInterrupt;
            # with raise_interrupt=False watchfiles would log "KeyboardInterrupt caught …".
            raise_interrupt=True,
            ignore_permission_denied=True,
        ):
            if not ready:
                self.rebuild()
                ready = True
                if on_ready is not None:
                    on_ready()
            if changes:
                self.rebuild(config_changed=_touches_config(changes, self.config))


def _touches_config(changes: Iterable[tuple[object, str]], config: Config) -> bool:
    names = {"diagrams.toml", "pyproject.toml"}
    root = config.root.resolve()
    return any(Path(p).name in names and Path(p).resolve().parent == root for _, p in changes)


def _mtime(plan: Plan, outputs: dict[str, str]) -> float | None:
    times = []
    for name in outputs:
        try:
            times.append((plan.config.root / name).stat().st_mtime)
        except OSError:
            continue
    return max(times) if times else None
