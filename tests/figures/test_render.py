"""Figures through the `diagrams figure` command and through Chromium."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from PIL import Image

from diagram_assets.cli import figure_cmd  # noqa: F401  registers `diagrams figure`
from diagram_assets.cli.base import main
from diagram_assets.figures import figure_scene, figure_steps
from locations import REPO

FIGURES = REPO / "diagrams" / "figures"


def test_bad_specs_give_one_line_each_and_exit_1(tmp_path):
    bad1 = tmp_path / "a.figure.yaml"
    bad1.write_text("layers:\n  - {cells: nope, size: 2}\n")
    bad2 = tmp_path / "b.figure.yaml"
    bad2.write_text("blocks: [\n")
    result = CliRunner().invoke(main, ["figure", str(bad1), str(bad2), "-o", str(tmp_path)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert f"{bad1}: line 2, column 13: unknown cell type" in errors[0]
    assert f"{bad2}: line 2, column 1: YAML syntax error" in errors[1]
    assert "Traceback" not in result.output
    assert "0 of 2 built, 2 failed" in result.output


@pytest.mark.browser
def test_render_through_chromium(tmp_path):
    bad = tmp_path / "bad.figure.yaml"
    bad.write_text("layers: 3\n")
    result = CliRunner().invoke(
        main,
        [
            "figure",
            str(FIGURES / "LSTM.figure.yaml"),
            str(bad),
            "-o",
            str(tmp_path),
            "--excalidraw",
        ],
    )
    assert result.exit_code == 1, result.output  # the bad one failed, the good one built
    assert "1 of 2 built, 1 failed" in result.output
    png = Image.open(io.BytesIO((tmp_path / "LSTM.png").read_bytes())).convert("RGB")
    assert png.width > 400 and png.height > 150
    colours = {png.getpixel((x, y)) for x in range(png.width) for y in range(png.height)}
    for rgb in ((0xFF, 0xCC, 0x00), (0x00, 0x99, 0xFF), (0xFF, 0x66, 0x00)):
        assert rgb in colours  # the Zoo's input, recurrent and output fills are drawn
    svg = (tmp_path / "LSTM.svg").read_text()
    assert svg.startswith("<svg") and "url(https" not in svg  # fonts embedded, not remote
    assert (tmp_path / "LSTM.excalidraw").read_text() == figure_scene(
        FIGURES / "LSTM.figure.yaml"
    ).dumps()


@pytest.mark.browser
def test_steps_render_to_frames_of_one_size():
    from diagram_assets.render import Renderer, RenderOptions

    steps = figure_steps(REPO / "diagrams" / "animations" / "Transformer执行.steps.yaml")[:3]
    with Renderer() as renderer:
        sizes = {
            renderer.render(scene, RenderOptions(formats=("png",), scale=1)).images[0].png_size
            for _, scene in steps
        }
    assert len(sizes) == 1
