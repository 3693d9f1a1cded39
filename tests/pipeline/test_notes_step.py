"""The note step is part of `pipeline.build()` and `pipeline.check()` themselves, not of the
command line: called from Python, they rewrite and check note links (when links are enabled).

An image-file animation builds without a browser, so these run without Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from diagram_assets.config import load_config
from diagram_assets.pipeline import Reporter, build, check
from diagram_assets.render import Renderer
from helpers import element, scene_of, write_scene
from support.synthetic_frames import flat_frames

PYPROJECT = """
[tool.diagrams]
sources = ["diagrams"]
output = "attachments"
notes = ["notes/**/*.md"]
"""
STALE_NOTE = "# Loop\n\n![[loop.anim.yaml]]\n"


def no_browser() -> Renderer:
    raise AssertionError("an image animation started a browser")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    frames = tmp_path / "diagrams" / "frames"
    frames.mkdir(parents=True)
    for i, frame in enumerate(flat_frames(2)):
        frame.save(frames / f"f{i}.png")
    (tmp_path / "diagrams" / "loop.anim.yaml").write_text("images: frames/*.png\n")
    (tmp_path / "notes").mkdir()
    summary = build(load_config(tmp_path), renderer_factory=no_browser)
    assert summary.ok and summary.rendered
    return tmp_path


def test_check_called_from_python_reports_a_stale_note_link(repo: Path) -> None:
    (repo / "notes" / "loop.md").write_text(STALE_NOTE, encoding="utf-8")
    report = check(load_config(repo))
    assert not report.ok
    assert [(p.path, p.code, p.line) for p in report.problems] == [("notes/loop.md", "link", 3)]
    assert "should be loop.gif" in report.problems[0].message


def test_check_skips_notes_when_links_are_disabled(repo: Path) -> None:
    (repo / "notes" / "loop.md").write_text(STALE_NOTE, encoding="utf-8")
    with (repo / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write("\n[tool.diagrams.links]\nenabled = false\n")
    assert check(load_config(repo)).ok


class Recorder(Reporter):
    def __init__(self) -> None:
        self.notes: list[tuple[str, int]] = []

    def note_rewritten(self, note: str, links: int) -> None:
        self.notes.append((note, links))


def test_build_called_from_python_rewrites_note_links(repo: Path) -> None:
    note = repo / "notes" / "loop.md"
    note.write_text(STALE_NOTE, encoding="utf-8")
    reporter = Recorder()
    summary = build(load_config(repo), renderer_factory=no_browser, reporter=reporter)
    assert summary.ok and not summary.rendered
    assert note.read_text(encoding="utf-8") == "# Loop\n\n![[loop.gif]]\n"
    assert reporter.notes == [("notes/loop.md", 1)]
    assert check(load_config(repo)).ok


@pytest.mark.browser
def test_a_frame_embedded_by_its_element_id_points_at_the_frame_image(tmp_path: Path) -> None:
    """Obsidian's plugin resolves `#^frame=` by name or by element id: the lock file records
    each exported frame's id, and the note step points an id link at that frame's image."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        PYPROJECT + '\n[[tool.diagrams.overrides]]\nmatch = "diagrams/board.excalidraw"\n'
        "frames = true\n",
        encoding="utf-8",
    )
    write_scene(
        tmp_path / "diagrams" / "board.excalidraw",
        scene_of(
            element("frame", "frame-id-1", 0, 0, 200, 120, name="Intro"),
            element("rectangle", "r1", 20, 20, 80, 60, frameId="frame-id-1"),
        ),
    )
    (tmp_path / "notes").mkdir()
    note = tmp_path / "notes" / "n.md"
    note.write_text("![[board.excalidraw#^frame=frame-id-1]]\n", encoding="utf-8")
    summary = build(load_config(tmp_path))
    assert summary.ok, [o.error for o in summary.failed] + summary.note_errors
    lock = (tmp_path / "attachments" / "diagrams.lock").read_text(encoding="utf-8")
    assert '"frame_ids": {\n        "frame-id-1": "Intro"' in lock
    assert note.read_text(encoding="utf-8") == "![[board.Intro.svg]]\n"
    assert check(load_config(tmp_path)).ok
