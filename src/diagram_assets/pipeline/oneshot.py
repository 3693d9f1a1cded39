"""One-off runs: source files named on the command line (`render`, `figure`, `animate`) through
the same kinds as `build`, into a folder of the caller's choice, without a lock file.

Each source is planned and run by its kind with a shared run context (one renderer for all),
its files are checked against each other and written atomically, and one report per source
comes back, in the order given. A failing source never stops the others.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config, find_config
from ..errors import DiagramsError, RenderError
from ..fsutil import atomic_write
from ..options import Options
from .kinds import KindPlan, KindResult, RendererFactory, RunContext, SourceKind


@dataclass
class SourceRun:
    """What one source made: the files written (path → size in bytes, in order), or its error."""

    path: Path
    files: dict[Path, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: DiagramsError | OSError | None = None
    detail: object = None  # the kind's own result (see KindResult.detail)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class _Planned:
    path: Path
    config: Config
    plan: KindPlan | None
    started: float
    error: DiagramsError | None = None


def run_sources(
    paths: Sequence[Path],
    kind: SourceKind,
    options: Options,
    *,
    output: Path | None = None,
    chromium: str | None = None,
    jobs: int | None = None,
    timeout: float = 120.0,
    renderer_factory: RendererFactory | None = None,
    on_done: Callable[[SourceRun], None] | None = None,
) -> list[SourceRun]:
    """Build each of ``paths`` with ``kind`` into ``output`` (default: next to each source).

    Obsidian drawings resolve their embedded files in their own repository (the folder found
    upward with a config or ``.git``). ``on_done`` hears about each source as soon as it and
    those before it are done. The renderer (``chromium``, ``jobs`` pages, ``timeout``) is made
    once, before running, when a source needs it — a renderer that cannot be made is an error
    for the whole run — and closed at the end.
    """
    settings = Config(root=Path.cwd(), chromium=chromium, jobs=jobs, timeout=timeout)
    ctx = RunContext(settings, renderer_factory)
    try:
        planned = [_plan(path, kind, options) for path in paths]
        if any(p.plan is not None and p.plan.uses_renderer for p in planned):
            ctx.renderer()
        return _run_all(planned, kind, options, output, ctx, on_done or (lambda run: None))
    finally:
        ctx.close()


def _plan(path: Path, kind: SourceKind, options: Options) -> _Planned:
    started = time.perf_counter()
    config = Config(root=find_config(path.parent)[0])
    try:
        return _Planned(path, config, kind.plan(path, "", options, config), started)
    except DiagramsError as exc:
        return _Planned(path, config, None, started, exc)


def _run_all(
    planned: list[_Planned],
    kind: SourceKind,
    options: Options,
    output: Path | None,
    ctx: RunContext,
    on_done: Callable[[SourceRun], None],
) -> list[SourceRun]:
    workers = max(1, ctx.config.jobs or os.cpu_count() or 1) + 1
    claimed: dict[Path, Path] = {}
    runs: list[SourceRun] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="diagrams-run") as pool:
        futures: list[Future[KindResult] | None] = [
            None
            if p.plan is None
            else pool.submit(kind.run, p.path, p.plan, options, ctx.for_config(p.config))
            for p in planned
        ]
        try:
            for item, future in zip(planned, futures, strict=True):
                run = SourceRun(item.path, error=item.error)
                if future is not None:
                    try:
                        result = future.result()
                        run.warnings, run.detail = list(result.warnings), result.detail
                        target = output if output is not None else item.path.parent
                        run.files = _write(item.path, target, result, claimed)
                    except (DiagramsError, OSError) as exc:
                        run.error = exc
                run.seconds = time.perf_counter() - item.started
                runs.append(run)
                on_done(run)
        except BaseException:
            # Interrupted: drop the sources not started and stop the browser, so the running
            # ones end now (their files would be written atomically anyway).
            for pending in futures:
                if pending is not None:
                    pending.cancel()
            ctx.close()
            raise
    return runs


def _write(
    source: Path, target: Path, result: KindResult, claimed: dict[Path, Path]
) -> dict[Path, int]:
    """Write a source's files into ``target`` atomically, unless one would overwrite the source
    itself or a file an earlier source of this run wrote."""
    outputs = [(target / name, data) for name, data in result.files.items()]
    for out, _ in outputs:
        key = out.resolve()
        if key == source.resolve():
            raise RenderError(
                "the output would overwrite the drawing itself",
                file=source,
                fix="render into another folder with -o DIR",
            )
        if key in claimed:
            raise RenderError(
                f"{out} was already written from {claimed[key]}",
                file=source,
                fix="render files with the same name into different folders",
            )
    for out, data in outputs:
        atomic_write(out, data)
    claimed.update((out.resolve(), source) for out, _ in outputs)
    return {out: len(data) for out, data in outputs}
