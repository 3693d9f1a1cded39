"""Build progress for people: a progress bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from ..pipeline import JobOutcome, Reporter
from ..pipeline.plan import Job

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.measure import Measurement


def _outputs(outcome: JobOutcome) -> str:
    return ", ".join(outcome.written)


class PlainReporter(Reporter):
    """One line per event, for logs and CI."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet

    def planned(self, stale: Sequence[Job], up_to_date: int) -> None:
        if stale and not self.quiet:
            click.echo(f"building {len(stale)} stale source(s), {up_to_date} up to date")

    def job_finished(self, outcome: JobOutcome) -> None:
        for warning in outcome.warnings:
            self.warning(warning)
        if outcome.ok:
            if not self.quiet:
                click.echo(
                    f"built {outcome.job.source} → {_outputs(outcome)} ({outcome.seconds:.2f} s)"
                )
        else:
            self.error(outcome.error or f"{outcome.job.source}: failed")

    def removed(self, path: str) -> None:
        if not self.quiet:
            click.echo(f"removed {path} (its source is gone)")

    def note_rewritten(self, note: str, links: int) -> None:
        click.echo(f"rewrote {links} link(s) in {note}")

    def info(self, message: str) -> None:
        if not self.quiet:
            click.echo(message)

    def warning(self, message: str) -> None:
        click.secho(f"warning: {message}", fg="yellow", err=True)

    def error(self, message: str) -> None:
        click.secho(f"error: {message}", fg="red", err=True)


class BarReporter(PlainReporter):
    """A progress bar (rich) with the same lines printed above it."""

    def __init__(self, console: Console | None = None) -> None:
        super().__init__()
        # rich is imported only when a bar is shown: `check` and piped builds never load it
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            RenderableColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.table import Column

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
                f"built {outcome.job.source} → {_outputs(outcome)} ({outcome.seconds:.2f} s)",
                highlight=False,
                markup=False,
            )
        else:
            self.error(outcome.error or f"{outcome.job.source}: failed")
        if self.task is not None:
            self.progress.advance(self.task)

    def warning(self, message: str) -> None:
        self.console.print(f"[yellow]warning:[/] {_escape(message)}", highlight=False)

    def error(self, message: str) -> None:
        self.console.print(f"[red]error:[/] {_escape(message)}", highlight=False)

    def close(self) -> None:
        self.progress.stop()


class Tail:
    """Text cut from the left to the width it is given (``…/folder/name.excalidraw``): the end
    of a path names the file."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.cells import cell_len
        from rich.measure import Measurement

        return Measurement(min(1, cell_len(self.text)), cell_len(self.text))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.cells import cell_len
        from rich.text import Text

        text, width = self.text, options.max_width
        if cell_len(text) > width:
            kept = ""
            for char in reversed(text):  # whole characters: CJK ones take two cells
                if cell_len(char + kept) > width - 1:
                    break
                kept = char + kept
            text = "…" + kept if width > 0 else ""
        yield Text(text, no_wrap=True, overflow="crop")


def _escape(text: str) -> str:
    from rich.markup import escape  # lazy: see BarReporter

    return escape(text)


def make_reporter(*, quiet: bool = False) -> PlainReporter:
    if sys.stderr.isatty() and not quiet:
        return BarReporter()
    return PlainReporter(quiet=quiet)
