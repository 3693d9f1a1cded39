"""``#^frame=`` names a frame by its name or by its element id (as Obsidian's plugin does)."""

from __future__ import annotations

import pytest

from diagram_assets.notes import LinkOptions, OutputSet, rewrite_note
from support.notes_vault import OUTPUTS, VAULT

BOARD = OutputSet(
    "drawings/board.excalidraw.md",
    {"svg": "attachments/board.svg", "png": "attachments/board.png"},
    {
        "Intro": {"svg": "attachments/board-Intro.svg", "png": "attachments/board-Intro.png"},
        "Two words": {"svg": "attachments/board-Two words.svg"},
    },
    frame_ids={"Wq9xk3TnR2aLbD4vF1mZp": "Intro", "stale-id": "Removed"},
)
WITH_IDS = [BOARD if out.source == BOARD.source else out for out in OUTPUTS]


def rewrite(text: str, options: LinkOptions | None = None) -> tuple[str, list[str]]:
    result = rewrite_note(text.encode(), "notes/llm.md", VAULT, WITH_IDS, options or LinkOptions())
    assert not result.errors, result.errors
    return result.new.decode(), result.warnings


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("![[board.excalidraw#^frame=Wq9xk3TnR2aLbD4vF1mZp]]", "![[board-Intro.svg]]"),
        (
            "![[board.excalidraw#^clippedframe=Wq9xk3TnR2aLbD4vF1mZp|300]]",
            "![[board-Intro.svg|300]]",
        ),
        ("![[board.png#^frame=Wq9xk3TnR2aLbD4vF1mZp]]", "![[board-Intro.png]]"),
        (
            "![](../attachments/board.png#^frame=Wq9xk3TnR2aLbD4vF1mZp)",
            "![](../attachments/board-Intro.png)",
        ),
        ("![[board.excalidraw#^frame=Intro]]", "![[board-Intro.svg]]"),  # by name, as before
    ],
)
def test_a_frame_is_found_by_its_element_id(before: str, after: str) -> None:
    assert rewrite(before) == (after, [])
    assert rewrite(after) == (after, [])  # and it stays


def test_an_id_of_a_frame_that_is_not_exported_is_unknown() -> None:
    text, (warning,) = rewrite("![[board.excalidraw#^frame=stale-id]]")
    assert text == "![[board.svg#^frame=stale-id]]"
    assert warning == (
        "notes/llm.md: line 1: drawings/board.excalidraw.md has no frame named 'stale-id' or "
        "with that element id (its frames: 'Intro', 'Two words'): the link shows the whole "
        "drawing — name one of its frames, by its name or by its element id"
    )


def test_a_source_without_exported_frames_says_so() -> None:
    text, (warning,) = rewrite("![[my diagram.excalidraw#^frame=Intro]]")
    assert text == "![[my diagram.svg#^frame=Intro]]"
    assert "frame 'Intro' of diagrams/my diagram.excalidraw is not exported" in warning


def test_the_output_set_finds_a_frame_by_name_or_id() -> None:
    assert BOARD.frame("Intro") == "Intro"
    assert BOARD.frame("Wq9xk3TnR2aLbD4vF1mZp") == "Intro"
    assert BOARD.frame("stale-id") is None  # its name is not among the exported frames
    assert BOARD.frame("Nope") is None
