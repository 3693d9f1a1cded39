"""pipeline.oneshot: files named on the command line through the same kinds as `build` —
written atomically where asked, never over the source or over another source's file.

Image-file animations build without a browser, so these run without Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from diagram_assets.errors import RenderError
from diagram_assets.options import Options
from diagram_assets.pipeline import SourceRun, run_sources
from diagram_assets.pipeline.kinds import AnimationKind
from diagram_assets.render import Renderer
from support.synthetic_frames import flat_frames


def no_browser() -> Renderer:
    raise AssertionError("an image animation made a renderer")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "frames").mkdir()
    for i, frame in enumerate(flat_frames(2)):
        frame.save(tmp_path / "frames" / f"f{i}.png")
    return tmp_path


def spec(folder: Path, file: str, text: str = "images: frames/*.png\n") -> Path:
    (folder / file).write_text(text, encoding="utf-8")
    return folder / file


def test_each_source_is_reported_in_order_with_its_files(folder: Path) -> None:
    heard: list[SourceRun] = []
    good = spec(folder, "good.anim.yaml")
    bad = spec(folder, "bad.anim.yaml", "images: nothing/*.png\n")
    runs = run_sources(
        [good, bad],
        AnimationKind(bounded=False, formats=("gif", "webp")),
        Options(),
        output=folder / "out",
        renderer_factory=no_browser,
        on_done=heard.append,
    )
    assert heard == runs and [r.path for r in runs] == [good, bad]
    assert runs[0].ok and list(runs[0].files) == [folder / "out/good.gif", folder / "out/good.webp"]
    assert runs[0].files[folder / "out/good.gif"] == (folder / "out/good.gif").stat().st_size
    assert not runs[1].ok and "matches no file" in str(runs[1].error)


def test_a_file_another_source_wrote_is_not_overwritten(folder: Path) -> None:
    first = spec(folder, "one.anim.yaml", "name: same\nimages: frames/*.png\n")
    second = spec(folder, "two.anim.yaml", "name: same\nimages: frames/f0.png\n")
    runs = run_sources(
        [first, second], AnimationKind(bounded=False), Options(), renderer_factory=no_browser
    )
    assert runs[0].ok and list(runs[0].files) == [folder / "same.gif"]
    assert isinstance(runs[1].error, RenderError)
    assert f"{folder / 'same.gif'} was already written from {first}" in str(runs[1].error)
    assert not runs[1].files


def test_the_source_itself_is_never_overwritten(folder: Path) -> None:
    source = spec(folder, "loop.gif")  # a spec whose output has its own name
    before = source.read_bytes()
    (run,) = run_sources([source], AnimationKind(bounded=False), Options())
    assert "the output would overwrite the drawing itself" in str(run.error)
    assert source.read_bytes() == before
