"""`diagrams figure SPEC… [-o DIR] [--excalidraw]`: figure specs to SVG/PNG (and .excalidraw)."""

from __future__ import annotations

from pathlib import Path

import click

from ..pipeline.kinds import FigureKind
from ..pipeline.oneshot import SourceRun, run_sources
from ..render.options import RenderResult
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


@main.command("figure")
@click.argument("specs", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_option("images")
@click.option(
    "--excalidraw",
    "write_scene",
    is_flag=True,
    help="Also write <name>.excalidraw, to open and adjust the figure in Excalidraw.",
)
@image_formats_option
@scale_option
@click.option(
    "--embed-scene", is_flag=True, help="Embed the scene (the image opens in Excalidraw)."
)
@chromium_option
@reports_errors
def figure_command(
    specs: tuple[Path, ...],
    out_dir: Path | None,
    write_scene: bool,
    formats: tuple[str, ...],
    scale: float,
    embed_scene: bool,
    chromium: Path | None,
) -> None:
    """Generate neural-network figures from YAML specs (layers: or blocks:).

    Each SPEC writes <name>.svg and <name>.png, where <name> is the spec's `name:` or its file
    name. One bad spec prints one error line and the others still build (exit 1 if any failed).
    """
    options = flag_options(
        formats=formats, scale=scale, embed_scene=embed_scene, excalidraw=write_scene
    )
    batch = Batch(len(specs), "built")

    def report(run: SourceRun) -> None:
        for warning in run.warnings:
            warning_line(warning)
        if run.error is not None:
            batch.fail_source(run.path, run.error)
            return
        seconds = run.detail.seconds if isinstance(run.detail, RenderResult) else run.seconds
        # the images; a --excalidraw scene is written beside them without being listed
        names = ", ".join(str(p) for p in run.files if p.suffix != ".excalidraw")
        click.echo(f"built {run.path} → {names} ({seconds:.2f} s)")

    run_sources(
        specs,
        FigureKind(bounded=False),
        options,
        output=out_dir,
        chromium=str(chromium) if chromium is not None else None,
        on_done=report,
    )
    batch.finish()
