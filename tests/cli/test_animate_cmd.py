"""`diagrams animate` / `diagrams gif`: outputs, one error line per bad spec, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

import diagram_assets.render
from diagram_assets.cli.base import main
from support.gif_decode import decode_gif
from support.synthetic_frames import flat_frames


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for i, frame in enumerate(flat_frames(4)):
        (tmp_path / "frames").mkdir(exist_ok=True)
        frame.save(tmp_path / "frames" / f"f{i + 1}.png")
    (tmp_path / "good.anim.yaml").write_text("images: frames/*.png\nduration: 250\n")
    (tmp_path / "empty.anim.yaml").write_text("images: nothing/*.png\n")
    (tmp_path / "negative.anim.yaml").write_text("images: frames/*.png\nduration: -1\n")
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_animate_writes_next_to_the_spec(project):
    result = run("animate", str(project / "good.anim.yaml"))
    assert result.exit_code == 0, result.output
    decoded = decode_gif((project / "good.gif").read_bytes())
    assert len(decoded.frames) == 4 and decoded.durations_ms == [250] * 4
    assert "built" in result.output and "4 frames, GIF lossless" in result.output


def test_gif_alias_with_output_folder_and_formats(project, tmp_path):
    out = tmp_path / "out"
    result = run("gif", "-o", str(out), "-f", "webp", "-f", "gif", str(project / "good.anim.yaml"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["good.gif", "good.webp"]
    with Image.open(out / "good.webp") as webp:
        assert webp.n_frames == 4


def test_bad_specs_print_one_line_each_and_the_rest_build(project):
    result = run(
        "animate",
        str(project / "empty.anim.yaml"),
        str(project / "good.anim.yaml"),
        str(project / "negative.anim.yaml"),
        str(project / "missing.anim.yaml"),
    )
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 3
    assert (
        f"{project / 'empty.anim.yaml'}: line 1, column 9: `nothing/*.png` matches no file"
        in errors[0]
    )
    assert (
        f"{project / 'negative.anim.yaml'}: line 2, column 11: duration must be more" in errors[1]
    )
    assert "missing.anim.yaml: file not found" in errors[2]
    assert "Traceback" not in result.output
    assert (project / "good.gif").is_file()
    assert "1 of 4 built, 3 failed" in result.output


def test_image_animations_never_start_the_browser(project, monkeypatch):
    def no_browser(*args, **kwargs):
        raise AssertionError("a browser was started")

    monkeypatch.setattr(diagram_assets.render, "Renderer", no_browser)
    assert run("animate", str(project / "good.anim.yaml")).exit_code == 0


def test_unwritable_output_is_one_error_line(project, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("animate", "-o", str(blocker / "sub"), str(project / "good.anim.yaml"))
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("error:")]
    assert "Traceback" not in result.output
