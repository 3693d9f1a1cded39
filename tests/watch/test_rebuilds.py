"""The watcher's rebuilds driven from Python (no subprocess, no file events): what the preview
shows and what the terminal says when a source breaks and is restored, and which repeated
messages are said once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from diagram_assets.config import load_config
from diagram_assets.pipeline import JobOutcome, Reporter, check
from diagram_assets.watch import Watcher
from helpers import element, scene_of, write_scene


class Lines(Reporter):
    """Every line a watch would print, in order."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def job_finished(self, outcome: JobOutcome) -> None:
        if outcome.ok:
            self.lines.append(f"built {outcome.job.source}")
        else:
            self.lines.append(f"error: {outcome.error}")

    def warning(self, message: str) -> None:
        self.lines.append(f"warning: {message}")

    def error(self, message: str) -> None:
        self.lines.append(f"error: {message}")

    def say(self, line: str) -> None:
        self.lines.append(line)

    def take(self) -> list[str]:
        lines, self.lines = self.lines, []
        return lines


def with_notes(watcher: Watcher) -> Watcher:
    """Run the note step after each build as `diagrams watch` does, through the watcher's own
    reporter (once notes are a step of `build()` itself, it already is)."""
    try:
        from diagram_assets.cli.links_hook import rewrite_after_build
    except ImportError:  # notes are a step of build(): nothing to wire
        return watcher
    watcher.rewrite_notes = rewrite_after_build(watcher.reporter)
    return watcher


@pytest.fixture
def lines() -> Lines:
    return Lines()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.diagrams]\nnotes = ["notes/*.md"]\n', "utf-8")
    (tmp_path / "diagrams").mkdir()
    return tmp_path


@pytest.fixture
def watcher(repo: Path, lines: Lines) -> Iterator[Watcher]:
    w = with_notes(Watcher(repo, None, lines, say=lines.say))
    yield w
    w.close()


@pytest.mark.browser
def test_restoring_the_built_content_clears_the_error(
    repo: Path, watcher: Watcher, lines: Lines
) -> None:
    source = repo / "diagrams" / "a.excalidraw"
    write_scene(source, scene_of(element("rectangle", "box", 0, 0, 120, 60)))
    watcher.rebuild()
    assert lines.take() == ["built diagrams/a.excalidraw"]
    built = source.read_bytes()

    source.write_text('{"type": "excalidraw", "elements": [}', "utf-8")  # a broken save
    watcher.rebuild()
    said = lines.take()
    assert len(said) == 1 and said[0].startswith("error: diagrams/a.excalidraw")
    assert watcher.state.jobs["diagrams/a.excalidraw"].error is not None

    source.write_bytes(built)  # `git checkout`: the content its outputs were built from
    watcher.rebuild()
    assert watcher.state.jobs["diagrams/a.excalidraw"].error is None  # the card is green
    assert lines.take() == ["fixed diagrams/a.excalidraw: its outputs are current again"]
    assert check(load_config(repo)).ok

    watcher.rebuild()  # said once
    assert lines.take() == []

    source.write_text('{"type": "excalidraw", "elements": [}', "utf-8")  # the same break again
    watcher.rebuild()
    said = lines.take()
    assert len(said) == 1 and said[0].startswith("error: diagrams/a.excalidraw")
    assert watcher.state.jobs["diagrams/a.excalidraw"].error is not None


def test_a_note_warning_is_said_once_until_it_changes(
    repo: Path, watcher: Watcher, lines: Lines
) -> None:
    note = repo / "notes" / "n.md"
    note.parent.mkdir()
    # an image outside the output folder: a warning (a missing output would be an error)
    note.write_text("![](../images/missing.png)\n", "utf-8")
    watcher.rebuild()
    first = lines.take()
    assert len(first) == 1 and first[0].startswith("warning: notes/n.md")
    for _ in range(3):  # rebuilds for other reasons: the same warning is not said again
        watcher.rebuild()
        assert lines.take() == []

    note.write_text("![](../images/gone.png)\n", "utf-8")  # it changes: said
    watcher.rebuild()
    changed = lines.take()
    assert len(changed) == 1 and "gone.png" in changed[0]

    note.write_text("no images\n", "utf-8")  # fixed …
    watcher.rebuild()
    assert lines.take() == []
    note.write_text("![](../images/gone.png)\n", "utf-8")  # … and back: said again
    watcher.rebuild()
    assert lines.take() == changed
