"""`diagrams render FILE…` and `diagrams doctor`."""

from __future__ import annotations

from pathlib import Path

import click

from ..doctor import run_checks
from ..pipeline.kinds import DrawingKind
from ..pipeline.oneshot import SourceRun, run_sources
from ..render.options import DEFAULT_PADDING, MAX_SIZE, PADDING, RenderResult
from .base import (
    chromium_option,
    flag_options,
    image_formats_option,
    main,
    output_option,
    reports_errors,
    scale_option,
    warning_line,
)
from .batch import Batch


@main.command("render")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_option("images")
@image_formats_option
@scale_option
@click.option(
    "--padding",
    type=click.IntRange(PADDING.low, PADDING.high),
    default=DEFAULT_PADDING,
    show_default=True,
    help="Space around the drawing, in drawing units.",
)
@click.option("--transparent", is_flag=True, help="No background colour.")
@click.option("--dark", is_flag=True, help="Excalidraw's dark mode.")
@click.option(
    "--embed-scene", is_flag=True, help="Embed the scene (the image opens in Excalidraw)."
)
@click.option("--frames", is_flag=True, help="Also one image per frame: <stem>.<frame>.svg|png.")
@click.option(
    "--max-size",
    type=click.IntRange(MAX_SIZE.low, MAX_SIZE.high),
    default=None,
    help="Clamp the PNG's longest side to this many pixels.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Pages rendering in parallel (default: CPU cores).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(1),
    default=120,
    show_default=True,
    help="Seconds one drawing may take.",
)
@chromium_option
@reports_errors
def render_command(
    files: tuple[Path, ...],
    out_dir: Path | None,
    formats: tuple[str, ...],
    scale: float,
    padding: int,
    transparent: bool,
    dark: bool,
    embed_scene: bool,
    frames: bool,
    max_size: int | None,
    jobs: int | None,
    timeout: float,
    chromium: Path | None,
) -> None:
    """Render Excalidraw drawings to SVG and PNG.

    FILES are .excalidraw, .excalidraw.md (Obsidian), .excalidrawlib, or .svg/.png files with an
    embedded scene. Each writes <stem>.svg and <stem>.png; one bad file prints one error line and
    the others still render (exit 1 if any failed).
    """
    options = flag_options(
        formats=formats,
        scale=scale,
        padding=padding,
        transparent=transparent,
        dark=dark,
        embed_scene=embed_scene,
        frames=frames,
        max_size=max_size,
    )
    batch = Batch(len(files), "rendered")

    def report(run: SourceRun) -> None:
        for warning in run.warnings:
            warning_line(warning)
        if run.error is not None:
            batch.fail_source(run.path, run.error)
            return
        seconds = run.detail.seconds if isinstance(run.detail, RenderResult) else run.seconds
        names = ", ".join(str(p) for p in run.files)
        click.echo(f"rendered {run.path} → {names} ({seconds:.2f} s)")

    run_sources(
        files,
        DrawingKind(),
        options,
        output=out_dir,
        chromium=str(chromium) if chromium is not None else None,
        jobs=jobs,
        timeout=timeout,
        on_done=report,
    )
    batch.finish()


@main.command("doctor")
@reports_errors
def doctor_command() -> None:
    """Check that Chromium, the render page and fonts are in place and a render works offline."""
    checks = run_checks()
    width = max(len(c.name) for c in checks)
    for check in checks:
        mark = click.style("ok  ", fg="green") if check.ok else click.style("FAIL", fg="red")
        line = f"{mark} {check.name.ljust(width)}  {check.detail}"
        if not check.ok and check.fix:
            line += f" — {check.fix}"
        click.echo(line)
    if not all(c.ok for c in checks):
        raise SystemExit(1)
