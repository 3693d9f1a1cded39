"""Build progress for people at a terminal: a progress bar (rich), with the same lines as
``progress.PlainReporter`` printed above it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markup import escape
from rich.measure import Measurement
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    RenderableColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column
from rich.text import Text

from ..pipeline import JobOutcome
from ..pipeline.plan import Job
from .progress import PlainReporter, written


class BarReporter(PlainReporter):
    """A progress bar (rich) with the same lines printed above it."""

    def __init__(self, console: Console | None = None) -> None:
        super().__init__()
        self.console = console or Console(stderr=True)
        # The source being built is the one column that gives way on a narrow terminal (rich
        # would otherwise shrink every column: `25… 0:0…` at 80 columns).
        self.current = RenderableColumn(Tail(""), table_column=Column(no_wrap=False))
        self.progress = Progress(
            TextColumn("[bold]building"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            self.current,
            console=self.console,
            transient=True,
        )
        self.task: Any = None

    def planned(self, stale: Sequence[Job], up_to_date: int) -> None:
        if stale:
            self.progress.start()
            self.task = self.progress.add_task("build", total=len(stale))

    def job_started(self, job: Job) -> None:
        if self.task is not None:
            self.current.renderable = Tail(job.source)
            self.progress.refresh()

    def job_finished(self, outcome: JobOutcome) -> None:
        for warning in outcome.warnings:
            self.warning(warning)
        if outcome.ok:
            self.console.print(
                f"built {outcome.job.source} → {written(outcome)} ({outcome.seconds:.2f} s)",
                highlight=False,
                markup=False,
            )
        else:
            self.error(outcome.error or f"{outcome.job.source}: failed")
        if self.task is not None:
            self.progress.advance(self.task)

    def warning(self, message: str) -> None:
        self.console.print(f"[yellow]warning:[/] {escape(message)}", highlight=False)

    def error(self, message: str) -> None:
        self.console.print(f"[red]error:[/] {escape(message)}", highlight=False)

    def close(self) -> None:
        self.progress.stop()


class Tail:
    """Text cut from the left to the width it is given (``…/folder/name.excalidraw``): the end
    of a path names the file."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(1, cell_len(self.text)), cell_len(self.text))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text, width = self.text, options.max_width
        if cell_len(text) > width:
            kept = ""
            for char in reversed(text):  # whole characters: CJK ones take two cells
                if cell_len(char + kept) > width - 1:
                    break
                kept = char + kept
            text = "…" + kept if width > 0 else ""
        yield Text(text, no_wrap=True, overflow="crop")
