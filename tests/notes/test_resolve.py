"""Vault scanning, link resolution (Markdown and Obsidian rules) and target encoding."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagram_assets.errors import ConfigError
from diagram_assets.notes import OutputSet, Vault
from diagram_assets.notes.targets import (
    decode_html,
    decode_markdown,
    encode_html,
    encode_markdown,
    frame_name,
    is_external,
)

FILES = [
    "notes/a.md",
    "notes/img/pic.png",
    "attachments/FF.svg",
    "Drawings/Board.excalidraw.md",
    "Drawings/raw.excalidraw",
    "raw.excalidraw.md",
    "x/sub/same.png",
    "y/sub/same.png",
    "z/other/same.png",
    "Project/Note.md",
    "q/k.excalidraw",
    "r/k.excalidraw.md",
]
VAULT = Vault(Path("/v"), FILES)
INDEX = VAULT.index([OutputSet("Drawings/Board.excalidraw.md", {"svg": "attachments/Board.svg"})])


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("Board.excalidraw", "Drawings/Board.excalidraw.md"),  # name, ".md" left out
        ("Board.excalidraw.md", "Drawings/Board.excalidraw.md"),
        ("Drawings/Board.excalidraw", "Drawings/Board.excalidraw.md"),  # vault path
        ("/Drawings/Board.excalidraw", "Drawings/Board.excalidraw.md"),
        ("board.EXCALIDRAW", "Drawings/Board.excalidraw.md"),  # any case, when unique
        # was "raw.excalidraw.md" (a vault path + ".md" before any name); Obsidian probes a
        # name with a "." as written first, and only on no match adds ".md"
        ("raw.excalidraw", "Drawings/raw.excalidraw"),
        ("/raw.excalidraw.md", "raw.excalidraw.md"),  # a vault path from the root
        ("k.excalidraw", "q/k.excalidraw"),  # the exact name before name + ".md"
        ("Note", "Project/Note.md"),
        ("project/note", "Project/Note.md"),
        ("Board.svg", "attachments/Board.svg"),  # an output not built yet still resolves
        ("./img/pic.png", "notes/img/pic.png"),  # relative to the note
        ("sub/same.png", None),  # ambiguous path suffix
        ("other/same.png", "z/other/same.png"),  # unique path suffix
        ("nothing.png", None),
    ],
)
def test_wikilink_resolution(link, expected):
    assert INDEX.resolve_wikilink(link, "notes/a.md").path == expected


def test_ambiguous_wikilink_lists_candidates():
    res = INDEX.resolve_wikilink("same.png", "notes/a.md")
    assert res.ambiguous and res.path is None
    assert res.candidates == ("x/sub/same.png", "y/sub/same.png", "z/other/same.png")


@pytest.mark.parametrize(
    ("path", "expected", "style"),
    [
        ("img/pic.png", "notes/img/pic.png", "relative"),
        ("./img/pic.png", "notes/img/pic.png", "relative"),
        ("../attachments/FF.svg", "attachments/FF.svg", "relative"),
        ("attachments/FF.svg", "attachments/FF.svg", "vault"),
        ("/attachments/FF.svg", "attachments/FF.svg", "absolute"),
        ("FF.svg", "attachments/FF.svg", "name"),
        ("../../outside.png", None, "outside"),
        ("./attachments/FF.svg", None, "relative"),  # explicit ./ is never a vault path
        ("../Project/Note", "Project/Note.md", "relative"),  # ".md" left out, as Obsidian does
        ("/Project/Note#Heading", "Project/Note.md", "absolute"),
        ("../Project/", None, "outside"),  # a folder: not checked
    ],
)
def test_markdown_resolution(path, expected, style):
    res = INDEX.resolve_markdown(path.split("#")[0], "notes/a.md")
    assert (res.path, res.style) == (expected, style)


def test_shortest_wikilink():
    assert INDEX.shortest_wikilink("attachments/Board.svg") == "Board.svg"
    assert INDEX.shortest_wikilink("x/sub/same.png") == "x/sub/same.png"


def test_index_is_cached_for_the_same_outputs():
    outputs = [OutputSet("a.yaml", {"svg": "a.svg"})]
    assert VAULT.index(outputs) is VAULT.index(list(outputs))
    assert VAULT.index(outputs) is not VAULT.index([OutputSet("a.yaml", {"svg": "b.svg"})])


def test_vault_scan_skips_git_node_modules_venv_and_hidden(tmp_path):
    for rel in [
        "notes/a.md",
        "attachments/图 1.png",
        ".git/config",
        "node_modules/x/y.png",
        ".venv/lib/z.py",
        ".obsidian/app.json",
        "notes/.hidden/q.png",
        "notes/.diagrams-tmp-abc.part",
    ]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    vault = Vault.scan(tmp_path)
    assert vault.files == {"notes/a.md", "attachments/图 1.png"}
    assert "attachments/图 1.png" in vault and "./notes/a.md" in vault


def test_vault_scan_of_a_missing_folder_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="vault folder not found"):
        Vault.scan(tmp_path / "nope")


# -- targets --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "path", "fragment"),
    [
        ("a%20b.png", "a b.png", ""),
        ("<a b.png>", "a b.png", ""),
        ("%E5%9B%BE.png#^frame=T%201", "图.png", "^frame=T 1"),
        ("a\\(1\\).png", "a(1).png", ""),
        ("a&amp;b.png?x=1#y", "a&b.png", "y"),
        ("<a\\>b.png>", "a>b.png", ""),
    ],
)
def test_decode_markdown(raw, path, fragment):
    target = decode_markdown(raw)
    assert (target.path, target.fragment) == (path, fragment)


def test_decode_html_entities_and_fragment():
    target = decode_html("a&amp;b%20c.png#^frame=X&#35;1")
    assert (target.path, target.fragment) == ("a&b c.png", "^frame=X#1")


@pytest.mark.parametrize(
    ("raw", "new_path", "expected"),
    [
        ("x.png", "a b.png", "<a b.png>"),
        ("x.png", "a(1).png", "<a(1).png>"),
        ("x.png", "图.png", "图.png"),
        ("x%20y.png", "图 1.png", "%E5%9B%BE%201.png"),
        ("图%20y.png", "图 1.png", "图%201.png"),
        ("<x y.png>", "plain.png", "<plain.png>"),
        ("x.png", "100%25.png", "100%2525.png"),
        ("x.png", "c#.png", "c%23.png"),
    ],
)
def test_encode_markdown_keeps_the_style(raw, new_path, expected):
    assert encode_markdown(new_path, decode_markdown(raw)) == expected


paths = st.text(
    alphabet=st.sampled_from(list("ab/._-() %#?&<>\\\"'图執@+")), min_size=1, max_size=20
)
styles = st.sampled_from(["x.png", "x%20y.png", "图%20y.png", "<x y.png>", "%E5%9B%BE.png"])


@given(paths, styles)
def test_markdown_targets_round_trip(path, raw_style):
    like = decode_markdown(raw_style)
    written = encode_markdown(path, like)
    assert decode_markdown(written).path == path
    assert encode_markdown(decode_markdown(written).path, decode_markdown(written)) == written


@given(paths, st.sampled_from(["x.png", "x%20y.png", "%E5%9B%BE.png"]), st.sampled_from("\"'"))
def test_html_targets_round_trip(path, raw_style, quote):
    written = encode_html(path, decode_html(raw_style), quote)
    assert quote not in written
    assert decode_html(written).path == path


@given(paths, st.sampled_from(["x.png", "x%20y.png"]))
def test_unquoted_html_values_stay_one_attribute(path, raw_style):
    written = encode_html(path, decode_html(raw_style), "")
    assert not any(ch in written for ch in " \t\n\"'=<>`")
    assert decode_html(written).path == path


def test_external_and_frames():
    assert is_external("https://x/y.png") and is_external("//cdn/x.png")
    assert is_external("data:image/png;base64,AA") and not is_external("a/b:c.png")
    assert frame_name("^frame=Intro") == "Intro"
    assert frame_name("^clippedframe=Two words") == "Two words"
    assert frame_name("^group=abc") is None and frame_name("Heading") is None
