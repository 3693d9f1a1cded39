"""`diagrams animate SPEC… [-o DIR]` (alias `diagrams gif`): animation specs to GIF/WebP/APNG."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from ..animation import AnimationResult
from ..errors import DiagramsError
from ..options import Options
from ..pipeline.kinds import AnimationKind
from ..pipeline.oneshot import SourceRun, run_sources
from .base import (
    chromium_option,
    formats_option,
    main,
    output_option,
    reports_errors,
    warning_line,
)
from .batch import Batch


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.2f} MB"


@main.command("animate")
@click.argument("specs", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_option("animations")
@formats_option(
    ["gif", "webp", "apng"], "Output format, instead of the spec's `formats:`; repeat for several."
)
@click.option(
    "--gifsicle",
    is_flag=True,
    help="Also pass GIFs through `gifsicle -O3` when it is installed (never required).",
)
@chromium_option
@reports_errors
def animate_command(
    specs: tuple[Path, ...],
    out_dir: Path | None,
    formats: tuple[str, ...],
    gifsicle: bool,
    chromium: Path | None,
) -> None:
    """Build animations from specs (*.anim.yaml): frames from image files, an Excalidraw
    drawing's frames, or a figure's steps.

    Each SPEC writes <name>.gif (and .webp/.apng as its `formats:` says), where <name> is the
    spec's `name:` or its file name. One bad spec prints one error line and the others still
    build (exit 1 if any failed). Image-file animations never start a browser.
    """
    batch = Batch(len(specs), "built")

    def report(run: SourceRun) -> None:
        for warning in run.warnings:
            warning_line(warning)
        if isinstance(run.error, DiagramsError):
            batch.fail(str(run.error))
            return
        if run.error is not None:
            batch.fail_source(run.path, run.error)
            return
        written = ", ".join(f"{path} ({_size(size)})" for path, size in run.files.items())
        result = cast(AnimationResult, run.detail)  # what AnimationKind's runs carry
        detail = f"{result.frames} frames"
        if result.gif_frames is not None:
            quality = f"PSNR ≥ {result.min_psnr:.1f} dB" if not result.lossless else "lossless"
            detail += f", GIF {quality}"
        click.echo(f"built {run.path} → {written} ({detail}, {run.seconds:.2f} s)")

    run_sources(
        specs,
        AnimationKind(bounded=False, formats=formats, gifsicle=gifsicle),
        Options(),
        output=out_dir,
        chromium=str(chromium) if chromium is not None else None,
        on_done=report,
    )
    batch.finish()


main.add_command(animate_command, "gif")
