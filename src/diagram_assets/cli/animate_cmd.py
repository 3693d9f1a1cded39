"""`diagrams animate SPEC… [-o DIR]` (alias `diagrams gif`): animation specs to GIF/WebP/APNG."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import click

from ..animation import build_animation, load_animation_spec
from ..errors import DiagramsError
from ..fsutil import atomic_write
from ..render import Renderer
from .base import (
    chromium_option,
    formats_option,
    main,
    output_option,
    reports_errors,
    warning_line,
)
from .batch import Batch


class _LazyRenderer:
    """Starts Chromium on first use only: image-file animations never launch it."""

    def __init__(self, chromium: Path | None) -> None:
        self.chromium = chromium
        self.renderer: Renderer | None = None

    def __call__(self) -> Renderer:
        if self.renderer is None:
            self.renderer = Renderer(chromium=self.chromium)
        return self.renderer

    def close(self) -> None:
        if self.renderer is not None:
            self.renderer.close()
            self.renderer = None


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
    renderer = _LazyRenderer(chromium)
    try:
        for path in specs:
            t0 = time.perf_counter()
            try:
                spec = load_animation_spec(path)
                if formats:
                    spec = dataclasses.replace(spec, formats=tuple(dict.fromkeys(formats)))
                if gifsicle:
                    spec = dataclasses.replace(spec, gifsicle=True)
                result = build_animation(spec, renderer, on_warning=warning_line)
            except DiagramsError as exc:
                batch.fail(str(exc))
                continue
            target = out_dir if out_dir is not None else path.parent
            written = []
            try:
                for name, data in result.items():
                    atomic_write(target / name, data)
                    written.append(f"{target / name} ({_size(len(data))})")
            except OSError as exc:
                batch.fail_source(path, exc)
                continue
            detail = f"{result.frames} frames"
            if result.gif_frames is not None:
                quality = f"PSNR ≥ {result.min_psnr:.1f} dB" if not result.lossless else "lossless"
                detail += f", GIF {quality}"
            click.echo(
                f"built {path} → {', '.join(written)} ({detail}, {time.perf_counter() - t0:.2f} s)"
            )
    finally:
        renderer.close()
    batch.finish()


main.add_command(animate_command, "gif")
