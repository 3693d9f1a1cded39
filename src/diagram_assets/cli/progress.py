"""Build progress for people: a progress bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from ..pipeline import JobOutcome, Reporter
from ..pipeline.plan import Job


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

    def __init__(self) -> None:
        super().__init__()
        # lazy: rich only for a bar on a terminal (`check`, in the same module, never draws one)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]building"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[current]}"),
            console=self.console,
            transient=True,
        )
        self.task: Any = None

    def planned(self, stale: Sequence[Job], up_to_date: int) -> None:
        if stale:
            self.progress.start()
            self.task = self.progress.add_task("build", total=len(stale), current="")

    def job_started(self, job: Job) -> None:
        if self.task is not None:
            self.progress.update(self.task, current=job.source)

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


def _escape(text: str) -> str:
    from rich.markup import escape  # lazy: see BarReporter

    return escape(text)


def make_reporter(*, quiet: bool = False) -> PlainReporter:
    if sys.stderr.isatty() and not quiet:
        return BarReporter()
    return PlainReporter(quiet=quiet)
