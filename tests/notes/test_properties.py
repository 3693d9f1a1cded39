"""Properties over generated notes: idempotence, only targets change, never crashes."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from diagram_assets.errors import NotesError
from diagram_assets.notes import LinkOptions, NoteResult, find_links, rewrite_note
from diagram_assets.notes.plan import Context
from diagram_assets.notes.resolve import norm_path
from diagram_assets.notes.rewrite import _any_interesting, _rewrite
from diagram_assets.notes.text import NoteText
from support.notes_vault import OUTPUTS, VAULT, all_output_paths

NOTE = "notes/llm.md"

LINKS = [
    "![a](../attachments/FF.png)",
    '![b](<../attachments/my diagram.png> "t")',
    "![c](../attachments/Transformer%E6%9E%B6%E6%9E%84.png)",
    "![d](../diagrams/figures/FF.yaml)",
    "![](/attachments/proto.png)",
    "![](FF.png)",
    "![[proto.excalidraw|500]]",
    "![[board.excalidraw#^frame=Intro]]",
    "![[board.excalidraw#^frame=Nope]]",
    "![[Transformer架构.png|图]]",
    "[open](../attachments/proto.excalidraw)",
    '<img src="../attachments/FF.png" width=3>',
    "![r][ref]",
    "\n\n[ref]: ../attachments/FF.png\n\n",
    "![](missing.png)",
    "![[dup.excalidraw]]",
    "[![](../attachments/FF.png)](https://x.org)",
    "![](../attachments/FF.svg)",
]
SYNTAX = [
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "    ",
    "\t",
    "> ",
    "- ",
    "1. ",
    "# ",
    "```\n",
    "~~~",
    "`",
    "``",
    "$",
    "$$",
    "$$\n",
    "%%",
    "%%\n",
    "<!--",
    "-->",
    "---\n",
    "| a | b |\n|---|---|\n",
    "|",
    "\\|",
    "\\",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "!",
    "[[",
    "]]",
    "#",
    "^",
    "*",
    "_",
    "&amp;",
    '"',
    "'",
    "<div>\n",
    "</div>",
    "<pre>",
    "</pre>",
    "[^1]: ",
    "text",
    "图",
    " ",
    "\u3000",
    "\ufeff",
]
pieces = st.one_of(
    st.sampled_from(LINKS),
    st.sampled_from(SYNTAX),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=4),
)
notes = st.lists(pieces, max_size=40).map("".join)
option_sets = st.sampled_from(
    [
        LinkOptions(),
        LinkOptions(formats=("png",)),
        LinkOptions(wikilinks="markdown"),
        LinkOptions(rewrite_plain_links=True),
        LinkOptions(normalise=True),
        LinkOptions(formats=("png",), wikilinks="markdown", normalise=True),
    ]
)
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


def _bytes(text: str, bom: bool) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


@SETTINGS
@given(notes, st.booleans(), option_sets)
@example("![a](../attachments/FF.png)\r\n![[proto.excalidraw|5]]", True, LinkOptions())
def test_rewriting_twice_changes_nothing(text, bom, options):
    first = rewrite_note(_bytes(text, bom), NOTE, VAULT, OUTPUTS, options)
    second = rewrite_note(first.new, NOTE, VAULT, OUTPUTS, options)
    assert second.new == first.new
    assert not second.changes


def _output_links(path: str) -> list[tuple[str, str]]:
    """(link, its target as written) to ``path`` from notes/llm.md, in each form."""
    name = path.rsplit("/", 1)[-1]
    return [
        (f"![](<../{path}>)", f"<../{path}>"),
        (f"![x](../{quote(path)})", f"../{quote(path)}"),
        (f"![](</{path}>)", f"</{path}>"),
        (f"![[{name}|300]]", name),
        (f'<img src="../{path}">', f"../{path}"),
        (f"![r][o]\n\n[o]: <../{path}>\n", f"<../{path}>"),
    ]


OUTPUT_LINKS = [pair for path in all_output_paths() for pair in _output_links(path)]
OUTPUT_TARGETS = {target for _, target in OUTPUT_LINKS}
keeping_options = st.sampled_from(
    [LinkOptions(), LinkOptions(formats=("png",)), LinkOptions(rewrite_plain_links=True)]
)


@SETTINGS
@given(
    st.lists(
        st.one_of(st.sampled_from([link for link, _ in OUTPUT_LINKS]), st.sampled_from(SYNTAX)),
        max_size=30,
    ),
    keeping_options,
)
@example(["![](<../attachments/FF.png>)", "\n", "![[board-Intro.png|300]]"], LinkOptions())
def test_a_link_to_a_current_output_is_never_rewritten(parts, options):
    """Whatever the text around it, a link that names a current output (of any format, whole
    image or frame) is not rewritten unless ``normalise``; with it, such links are."""
    data = "".join(parts).encode()
    result = rewrite_note(data, NOTE, VAULT, OUTPUTS, options)
    assert not [change for change in result.changes if change.old in OUTPUT_TARGETS]


def test_output_links_are_rewritten_with_normalise():
    """The links the property above generates do change with ``normalise`` (so it can fail):
    every PNG output also has an SVG, the preferred format."""
    normalise = LinkOptions(normalise=True)
    for path in all_output_paths():
        for link, target in _output_links(path):
            result = rewrite_note(link.encode(), NOTE, VAULT, OUTPUTS, normalise)
            assert not result.errors, link
            olds = [change.old for change in result.changes]
            assert olds == ([target] if path.endswith(".png") else []), link


@SETTINGS
@given(notes, st.booleans())
def test_a_normalised_note_is_current_by_default(text, bom):
    normalised = rewrite_note(_bytes(text, bom), NOTE, VAULT, OUTPUTS, LinkOptions(normalise=True))
    again = rewrite_note(normalised.new, NOTE, VAULT, OUTPUTS, LinkOptions())
    assert again.new == normalised.new
    assert not again.changes


@SETTINGS
@given(notes, st.booleans(), st.sampled_from([LinkOptions(), LinkOptions(formats=("png",))]))
@example(
    "---\na: ![](../attachments/FF.png)\n---\n![](../attachments/FF.png)  \r\n", True, LinkOptions()
)
def test_only_link_targets_differ(text, bom, options):
    before = _bytes(text, bom)
    result = rewrite_note(before, NOTE, VAULT, OUTPUTS, options)
    if result.errors:
        assert result.new == before
        return
    spans = {(link.start, link.end) for link in find_links(before)}
    rebuilt = bytearray()
    pos = 0
    for change in result.changes:
        assert (change.start, change.end) in spans, change
        assert before[change.start : change.end].decode() == change.old
        rebuilt += before[pos : change.start] + change.new.encode()
        pos = change.end
    rebuilt += before[pos:]
    assert bytes(rebuilt) == result.new


@SETTINGS
@given(notes, option_sets)
def test_fast_path_agrees_with_the_full_scan(text, options):
    """When the prefilter says nothing can change, the full scan finds nothing to do."""
    from diagram_assets.notes.quick import quick_links

    ctx = Context(norm_path(NOTE), VAULT.index(OUTPUTS), options)
    candidates = quick_links(text)
    if candidates is None or _any_interesting(text, candidates, ctx):
        return
    full = _rewrite(NoteResult(NOTE, b"", b""), NoteText(text), ctx)
    assert not full.changes and not full.warnings and not full.errors


@SETTINGS
@given(st.binary(max_size=300), option_sets)
def test_any_bytes_give_a_result_not_an_exception(data, options):
    result = rewrite_note(data, NOTE, VAULT, OUTPUTS, options)
    assert all(isinstance(e, NotesError) for e in result.errors)
    if result.errors:
        assert result.new == data


@SETTINGS
@given(notes, st.booleans())
def test_found_spans_hold_the_targets(text, bom):
    data = _bytes(text, bom)
    for link in find_links(data):
        assert data[link.start : link.end].decode("utf-8") == link.target
        assert link.line >= 1 and link.column >= 1


LINK = "![](../attachments/FF.png)"
PATHOLOGICAL = [
    ("run of dollars", "$a " * 4000 + LINK, 1),
    ("run of unclosed img tags", "<img " * 4000 + LINK, 1),
    ("run of wikilink openers", "![[" * 4000 + LINK, 1),
    ("run of brackets", "[" * 4000 + LINK + "]" * 4000, 1),
    ("run of plain links on one line", "[x](../attachments/proto.excalidraw) " * 2000 + LINK, 1),
    ("deeply nested quotes", ">" * 3000 + " " + LINK, 0),  # beyond markdown-it's nesting limit
    ("many definitions", "".join(f"[r{i}]: ../attachments/FF.png\n" for i in range(2000)), 0),
    ("long table", "| a |\n|---|\n" + f"| {LINK} |\n" * 1000, 1000),
]


@pytest.mark.parametrize(
    ("name", "text", "changes"), PATHOLOGICAL, ids=[p[0] for p in PATHOLOGICAL]
)
def test_pathological_notes(name, text, changes):
    """Long runs of openers: handled correctly (and in linear time, see bench/notes.py)."""
    result = rewrite_note(text.encode(), NOTE, VAULT, OUTPUTS, LinkOptions(normalise=True))
    assert not result.errors
    assert len(result.changes) == changes
    if changes:
        assert result.new.count(b"../attachments/FF.svg") == changes
