"""find_links: every link outside code, with exact byte spans; and the Obsidian corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from diagram_assets.errors import NotesError
from diagram_assets.notes import LinkKind, find_links
from locations import CORPUS


def kinds_and_targets(text: str) -> list[tuple[str, str]]:
    return [(link.kind.value, link.target) for link in find_links(text.encode())]


def test_every_form_is_found_with_its_kind():
    text = (
        '![a](x.png) ![b](<y z.png> "t") [c](doc.md) ![[e.excalidraw|9]] [[f]]\n'
        '<img src="g.png"> ![h][r] [i][r]\n\n'
        "<div>\n<img width=1 src='j.png'>\n</div>\n\n"
        "[r]: k.png\n"
    )
    assert kinds_and_targets(text) == [
        ("image", "x.png"),
        ("image", "<y z.png>"),
        ("link", "doc.md"),
        ("embed", "e.excalidraw"),
        ("wikilink", "f"),
        ("html_img", "g.png"),
        ("image_ref", "k.png"),
        ("link_ref", "k.png"),
        ("html_img", "j.png"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "```\n![](a.png)\n```",
        "    ![](a.png)",
        "`![](a.png)` ``[[a.png]]`` `<img src=a.png>`",
        "<!-- ![](a.png) [[a.png]] -->",
        "<!--\n![](a.png)\n\n[[b.png]]\n-->",
        "---\nimage: ![](a.png)\nlink: '[[a.png]]'\n---\n",
        "$$\n![](a.png)\n$$",
        "text\n$$\n[[a.png]]\n$$",
        "$![](a.png)$ and $$[[b.png]]$$",
        "%%\n![](a.png)\n\n[[a.png]]\n%%",
        "%% unclosed comment\n![](a.png)",
        "a %% [[a.png]] %% b",
        "<pre>\n<img src=a.png>\n</pre>",
        "<script>\nlet s = '<img src=a.png>'\n</script>",
        "![](   ) and ![]() and ![](<>)",
    ],
)
def test_nothing_is_found_in_code_math_comments_front_matter(text):
    assert find_links(text.encode()) == []


def test_dollar_amounts_are_not_math():
    assert kinds_and_targets("costs $5 and ![](a.png) $10") == [("image", "a.png")]


def test_front_matter_only_at_the_start():
    text = "intro\n\n---\n![](a.png)\n---\n"
    assert kinds_and_targets(text) == [("image", "a.png")]


def test_spans_are_byte_offsets_of_the_target():
    text = "\ufeff# 标题\r\n\r\n> ![图 一](<附件/图 一.png> '标题') ![[图.excalidraw\\|3]]\r\n"
    data = text.encode()
    links = find_links(data)
    line3 = text.split("\r\n")[2]
    assert [(lk.kind, lk.line, lk.column) for lk in links] == [
        (LinkKind.IMAGE, 3, line3.index("![图") + 1),
        (LinkKind.EMBED, 3, line3.index("![[") + 1),
    ]
    for link in links:
        assert data[link.start : link.end].decode() == link.target
    assert links[0].target == "<附件/图 一.png>"
    assert links[1].target == "图.excalidraw"
    assert links[1].label == "\\|3"


def test_table_cells_map_back_to_the_row():
    text = (
        "| a | b | c |\n"
        "|:--|:-:|--:|\n"
        "| x \\| y | ![](t1.png) | ![[t2.png\\|20]] |\n"
        "> | in | quote |\n"
        "> |----|-------|\n"
        "> | ![](q.png) | `![](code.png)` |\n"
    )
    data = text.encode()
    links = find_links(data)
    assert [lk.target for lk in links] == ["t1.png", "t2.png", "q.png"]
    for link in links:
        assert data[link.start : link.end].decode() == link.target


def test_reference_definition_span_is_reported_for_each_use():
    text = "![a][ref] and ![ref]\n\n[Ref]:\n  <ref target.png>\n"
    data = text.encode()
    links = find_links(data)
    assert [(lk.kind, lk.line, lk.label) for lk in links] == [
        (LinkKind.IMAGE_REF, 1, "REF"),
        (LinkKind.IMAGE_REF, 1, "REF"),
    ]
    assert {data[lk.start : lk.end] for lk in links} == {b"<ref target.png>"}


def test_first_definition_wins_and_footnotes_are_not_definitions():
    text = "![x][a] ![y][^1]\n\n[a]: first.png\n[a]: second.png\n[^1]: note.png\n"
    assert kinds_and_targets(text) == [("image_ref", "first.png")]


def test_images_in_alt_text_are_not_links():
    assert kinds_and_targets("![outer ![inner](i.png)](o.png)") == [("image", "o.png")]


def test_badge_image_inside_a_link():
    text = "[![](badge.svg)](https://example.com/)"
    assert kinds_and_targets(text) == [("link", "https://example.com/"), ("image", "badge.svg")]


def test_escapes_make_plain_text_or_plain_links():
    assert kinds_and_targets("\\![](a.png) \\[[b.png]] \\<img src=c.png>") == [("link", "a.png")]


def test_non_utf8_raises_notes_error():
    with pytest.raises(NotesError, match="not valid UTF-8"):
        find_links(b"\xff")


def _corpus_notes() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(CORPUS.glob("*.excalidraw.md"))


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", _corpus_notes(), ids=lambda p: p.name[:60])
def test_obsidian_drawings_links_outside_the_drawing_data_only(path):
    """Obsidian Excalidraw notes keep their scene between ``%%`` lines: never links there."""
    data = path.read_bytes()
    text = data.decode("utf-8")
    links = find_links(data)
    comment_start = text.find("\n%%")
    for link in links:
        assert data[link.start : link.end].decode() == link.target
        if comment_start >= 0:
            assert link.start < len(text[:comment_start].encode())


def test_a_cached_scan_cannot_be_changed_by_a_caller() -> None:
    """scan() hands the same result to every caller of a text: nobody may alter it."""
    import dataclasses

    from diagram_assets.notes.scan import scan
    from diagram_assets.notes.text import NoteText

    first = scan(NoteText("see [a](a.png) and ![[b.png]]\n"))
    assert scan(NoteText("see [a](a.png) and ![[b.png]]\n")) is first  # cached
    with pytest.raises(AttributeError):
        first.links.append(first.links[0])  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.links[0].start = 0  # type: ignore[misc]
    assert [link.form for link in first.links] == ["md", "wiki"]
