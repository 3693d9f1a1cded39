"""`diagrams figure SPEC… [-o DIR] [--excalidraw]`: figure specs to SVG/PNG (and .excalidraw)."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

import click

from ..errors import DiagramsError, RenderError
from ..figures import build_figure, load_figure_spec
from ..fsutil import atomic_write
from ..render import Renderer, RenderOptions, RenderResult
from ..render.write import planned_files, write_images
from .base import (
    chromium_option,
    formats_option,
    main,
    output_option,
    reports_errors,
    scale_option,
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
@formats_option(["svg", "png"], "Output format; repeat for both (default: svg and png).")
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
    options = RenderOptions(
        formats=tuple(dict.fromkeys(formats)) or ("svg", "png"),
        scale=scale,
        embed_scene=embed_scene,
    )
    batch = Batch(len(specs), "built")
    renderer: Renderer | None = None
    pending: list[tuple[Path, str, Path, Future[RenderResult]]] = []
    try:
        for path in specs:
            try:
                spec = load_figure_spec(path)
                scene = build_figure(spec)
            except DiagramsError as exc:
                batch.fail(str(exc))
                continue
            target = out_dir if out_dir is not None else path.parent
            if write_scene:
                scene_path = target / f"{spec.name}.excalidraw"
                try:
                    atomic_write(scene_path, scene.dumps())
                except OSError as exc:
                    batch.fail_source(path, exc)
                    continue
            if renderer is None:
                renderer = Renderer(chromium=chromium)
            pending.append((path, spec.name, target, renderer.submit(scene, options)))
        for path, name, target, future in pending:
            try:
                result = future.result()
                written = write_images(planned_files(name, result, target))
            except (RenderError, OSError) as exc:
                batch.fail_source(path, exc)
                continue
            names = ", ".join(str(p) for p in written)
            click.echo(f"built {path} → {names} ({result.seconds:.2f} s)")
    finally:
        if renderer is not None:
            renderer.close()
    batch.finish()
