"""`diagrams links`: point note links at the current outputs, without building."""

from __future__ import annotations

from pathlib import Path

import click

from ..notes import NoteResult, unified_diff
from ..pipeline import make_plan
from ..pipeline.notes_step import relative_notes, rewrite_links
from .base import (
    config_options,
    error_line,
    load_repo_config,
    main,
    reports_errors,
    warning_line,
)


@main.command("links")
@click.argument("notes", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print a unified diff of what would change.")
@config_options
@reports_errors
def links_command(
    notes: tuple[Path, ...], dry_run: bool, config_file: Path | None, directory: Path | None
) -> None:
    """Rewrite image links in NOTES (default: every note of the config's `notes` globs) so
    embeds of sources and outputs point at the current outputs. Only link targets change.

    With --dry-run, print the diff and exit 1 when any link would change (like `black
    --check`), 0 when none would."""
    config = load_repo_config(config_file, directory)
    plan = make_plan(config)
    chosen = relative_notes(config, list(notes)) if notes else None
    results = rewrite_links(plan, notes=chosen, dry_run=dry_run)
    if dry_run:
        for result in results:
            if result.changed:
                click.echo(unified_diff(result.data, result.new, result.note), nl=False)
    errors = _report_notes(results, verb="would rewrite" if dry_run else "rewrote")
    changed = sum(1 for r in results if r.changed)
    click.echo(
        f"{len(results)} note(s), {changed} {'to change' if dry_run else 'changed'}",
        err=bool(errors),
    )
    if errors or (dry_run and changed):
        raise SystemExit(1)


def _report_notes(results: list[NoteResult], *, verb: str) -> list[str]:
    """Print what happened to each note; return the error lines."""
    errors: list[str] = []
    for result in results:
        for warning in result.warnings:
            warning_line(warning)
        for error in result.errors:
            errors.append(str(error))
            error_line(str(error))
        if result.changes and not result.errors:
            click.echo(f"{verb} {len(result.changes)} link(s) in {result.note}")
    return errors
