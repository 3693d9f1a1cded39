"""Obsidian's link rules (vaultlinks), and drawings and notes resolving a link alike."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagram_assets.notes import Vault
from diagram_assets.scene import load_scene
from diagram_assets.vaultlinks import NameIndex, resolve_linkpath

FILES = [
    "index.md",
    "Notes/Note.md",
    "Notes/deep/Note.md",
    "Oth/note.md",
    "Drawings/board.excalidraw.md",
    "Drawings/board.excalidraw",
    "img/a/same.png",
    "img/b/same.png",
    "img/far/away/same.png",
    "Figures/Figure 1.png",
    "glossary/x.md",
    "case/Pic.png",
    "case/pic.png",
    "Notes/img/shot.png",
    "shot.png",
]
NAMES = NameIndex(FILES)


def resolve(link: str, source: str = "index.md") -> str | None:
    return resolve_linkpath(link, source, NAMES).path


@pytest.mark.parametrize(
    ("link", "source", "expected"),
    [
        ("Note", "index.md", "Oth/note.md"),  # any case; the shortest path from the root
        ("Note", "Notes/a.md", "Notes/Note.md"),  # the linking note's folder first
        ("Note", "Notes/deep/a.md", "Notes/deep/Note.md"),
        ("Notes/Note", "Other/a.md", "Notes/Note.md"),  # a vault path
        ("deep/Note", "Other/a.md", "Notes/deep/Note.md"),  # the end of a path
        ("NOTES/NOTE.MD", "index.md", "Notes/Note.md"),  # any case
        ("board.excalidraw", "index.md", "Drawings/board.excalidraw"),  # a "." name as written
        ("board", "index.md", None),  # no "." : only notes (name + ".md")
        ("Figure 1", "index.md", None),  # an image needs its extension
        ("Figure 1.png", "index.md", "Figures/Figure 1.png"),
        ("same.png", "img/a/n.md", "img/a/same.png"),  # the one beside the note
        ("./same.png", "img/b/n.md", "img/b/same.png"),
        ("../a/same.png", "img/b/n.md", "img/a/same.png"),
        ("./same.png", "index.md", None),  # a relative path names that path only
        ("away/same.png", "index.md", "img/far/away/same.png"),
        ("/shot.png", "Notes/a.md", "shot.png"),  # from the root
        ("shot.png", "Notes/a.md", "shot.png"),  # the vault path before the closer one
        ("img/shot.png", "Notes/a.md", "Notes/img/shot.png"),
        ("/img/shot.png", "Notes/a.md", None),  # a leading "/" ends at the vault path
        ("ary/x", "index.md", None),  # whole folder names, not "glossary"
        ("case/pic.png", "index.md", "case/pic.png"),  # two spellings: the exact one
        ("case/PIC.png", "index.md", None),  # ... or none
        ("missing.png", "index.md", None),
    ],
)
def test_obsidian_rules(link: str, source: str, expected: str | None) -> None:
    assert resolve(link, source) == expected


def test_equally_good_candidates_are_ambiguous_and_listed_best_first() -> None:
    match = resolve_linkpath("same.png", "index.md", NAMES)
    assert match.path is None and match.ambiguous
    assert match.candidates == ("img/a/same.png", "img/b/same.png", "img/far/away/same.png")
    assert resolve_linkpath("case/PIC.png", "index.md", NAMES).candidates == (
        "case/Pic.png",
        "case/pic.png",
    )


def test_a_relative_link_leaving_the_vault_is_outside() -> None:
    match = resolve_linkpath("../../same.png", "img/a.md", NAMES)
    assert match.outside and match.path is None
    assert not resolve_linkpath("../same.png", "img/a/n.md", NAMES).outside


SEGMENT = st.text(alphabet="abAB._- é", min_size=1, max_size=6).filter(
    lambda s: s.strip(".") and s == s.strip()
)
PATHS = st.lists(
    st.lists(SEGMENT, min_size=1, max_size=3).map("/".join), min_size=1, max_size=12, unique=True
)


@given(PATHS, st.data())
def test_a_files_vault_path_resolves_to_that_file(paths: list[str], data: st.DataObject) -> None:
    """Written out in full (with its extension), a path names its file, from any note."""
    names = NameIndex(paths)
    target = data.draw(st.sampled_from([p for p in paths if "." in p.rsplit("/", 1)[-1]] or [""]))
    source = data.draw(st.sampled_from(paths))
    if target:
        assert resolve_linkpath(target, source, names).path == target
        assert resolve_linkpath("/" + target, source, names).path == target


# --- one resolver for drawings and notes --------------------------------------------------

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"  # enough for an image file; the rest tells them apart
IMAGES = ["a.png", "Drawings/a.png", "x/A.png", "x/sub/b.png", "y/sub/b.png", "y/c.PNG"]
LINKS = ["a.png", "A.png", "b.png", "sub/b.png", "x/sub/b.png", "c.png", "/a.png", "./a.png"]


def drawing_with(links: list[str]) -> str:
    elements = [
        {"id": f"e{i}", "type": "image", "x": 0, "y": 0, "width": 1, "height": 1,
         "fileId": f"f{i}", "status": "saved", "scale": [1, 1]}
        for i in range(len(links))
    ]  # fmt: skip
    embedded = "\n\n".join(f"f{i}: [[{link}]]" for i, link in enumerate(links))
    scene = json.dumps({"type": "excalidraw", "elements": elements, "appState": {}})
    return (
        f"# Excalidraw Data\n\n## Embedded Files\n{embedded}\n\n## Drawing\n```json\n{scene}\n```\n"
    )


def test_a_link_leads_to_the_same_file_in_a_drawing_and_in_a_note(tmp_path: Path) -> None:
    for image in IMAGES:
        (tmp_path / image).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / image).write_bytes(PNG_MAGIC + image.encode())
    drawing = tmp_path / "Drawings" / "d.excalidraw.md"
    drawing.write_text(drawing_with(LINKS))
    scene = load_scene(drawing, root=tmp_path)
    index = Vault.scan(tmp_path).index([])
    for i, link in enumerate(LINKS):
        in_note = index.resolve_wikilink(link, "Drawings/d.excalidraw.md").path
        in_drawing = f"f{i}" in scene.files
        assert in_drawing == (in_note is not None), link
        if in_note is not None:
            data = base64.b64encode((tmp_path / in_note).read_bytes()).decode()
            assert scene.files[f"f{i}"]["dataURL"].endswith(data), link
