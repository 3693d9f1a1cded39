"""Build progress as plain lines, for logs, CI and piped output (a terminal gets a bar:
``progress_bar``)."""

from __future__ import annotations

from collections.abc import Sequence

import click

from ..pipeline import JobOutcome, Reporter
from ..pipeline.plan import Job


def written(outcome: JobOutcome) -> str:
    """The files a job wrote, for its "built" line."""
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
                    f"built {outcome.job.source} → {written(outcome)} ({outcome.seconds:.2f} s)"
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

    def close(self) -> None:
        """Nothing to stop (a bar has: see ``progress_bar.BarReporter``)."""
