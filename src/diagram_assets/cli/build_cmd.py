"""`diagrams build` and `diagrams check`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..interrupts import interrupt_on_sigterm
from ..pipeline import build, check
from ..pipeline.checker import format_github, format_json, format_text
from .base import config_options, load_repo_config, main, reports_errors
from .progress import PlainReporter


@main.command("build")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Rebuild even what is up to date.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Drawings rendered in parallel (default: `jobs` in the config, else CPU cores).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings, errors and the summary.")
@config_options
@reports_errors
def build_command(
    paths: tuple[Path, ...],
    force: bool,
    jobs: int | None,
    quiet: bool,
    config_file: Path | None,
    directory: Path | None,
) -> None:
    """Render every stale source into the output folder and update the lock file.

    With PATHS, only the sources at or under them. Exit 1 if any source failed.
    """
    config = load_repo_config(config_file, directory)
    reporter = make_reporter(quiet=quiet)
    interrupt_on_sigterm()
    try:
        summary = build(
            config,
            paths=list(paths) or None,
            force=force,
            jobs=jobs,
            reporter=reporter,
        )
    finally:
        reporter.close()
    parts = [f"{len(summary.rendered)} built", f"{summary.up_to_date} up to date"]
    if summary.failed or summary.unplanned:
        parts.append(f"{len(summary.failed) + len(summary.unplanned)} failed")
    if summary.removed:
        parts.append(f"{len(summary.removed)} removed")
    browser = "" if summary.browser_started else ", no browser started"
    click.echo(f"{', '.join(parts)} ({summary.seconds:.2f} s{browser})", err=not summary.ok)
    if not summary.ok:
        raise SystemExit(1)


@main.command("check")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="Report format; `github` prints Actions annotations.",
)
@config_options
@reports_errors
def check_command(fmt: str, config_file: Path | None, directory: Path | None) -> None:
    """Exit 1 if any output is stale, missing, edited by hand or orphaned, or a note's links are
    not current; 0 when all is current. Needs no browser."""
    config = load_repo_config(config_file, directory)
    report = check(config)
    formatter = {"text": format_text, "json": format_json, "github": format_github}[fmt]
    click.echo(formatter(report))
    if not report.ok:
        raise SystemExit(1)


def make_reporter(*, quiet: bool = False) -> PlainReporter:
    """A progress bar on a terminal, plain lines otherwise (and with ``quiet``)."""
    if sys.stderr.isatty() and not quiet:
        from .progress_bar import BarReporter  # lazy: rich only for a bar (never for `check`)

        return BarReporter()
    return PlainReporter(quiet=quiet)
