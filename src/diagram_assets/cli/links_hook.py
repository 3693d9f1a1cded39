"""Glue between the commands and the pipeline's note step: what to print, what fails."""

from __future__ import annotations

from collections.abc import Callable

from ..pipeline import BuildSummary, Plan, Problem, Reporter


def report_notes(results: list, reporter: Reporter, *, verb: str = "rewrote") -> list[str]:
    """Print what happened to each note; return the error lines."""
    import click

    errors: list[str] = []
    for result in results:
        for warning in result.warnings:
            reporter.warning(warning)
        for error in result.errors:
            errors.append(str(error))
            reporter.error(str(error))
        if result.changes and not result.errors:
            click.echo(f"{verb} {len(result.changes)} link(s) in {result.note}")
    return errors


def rewrite_after_build(
    reporter: Reporter, *, quiet: bool = False
) -> Callable[[Plan, BuildSummary], None]:
    def step(plan: Plan, summary: BuildSummary) -> None:
        from ..pipeline.notes_step import rewrite_links

        summary.note_errors.extend(report_notes(rewrite_links(plan), reporter))

    return step


def note_problems(plan: Plan) -> tuple[list[Problem], list[str]]:
    from ..pipeline.notes_step import note_problems as problems

    return problems(plan)
