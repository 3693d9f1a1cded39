"""Table-driven: every link form, before → after, with LF, CRLF and BOM variants.

``CASES`` run with ``normalise`` (every link in the configured format) unless they name their
options, so that links to outputs in another format show how each form is rewritten.
``KEPT`` runs with the default options: links to current outputs keep their format.
"""

from __future__ import annotations

import pytest

from diagram_assets.notes import LinkOptions, rewrite_note
from support.notes_vault import OUTPUTS, VAULT, rewrite, rewritten

NORMALISE = LinkOptions(normalise=True)
PNG = LinkOptions(formats=("png",), normalise=True)
MARKDOWN = LinkOptions(wikilinks="markdown", normalise=True)
PLAIN = LinkOptions(rewrite_plain_links=True)

# (id, note, before, after, options)
CASES: list[tuple[str, str, str, str, LinkOptions | None]] = [
    # Markdown images
    ("relative", "notes/llm.md", "![](../attachments/FF.png)", "![](../attachments/FF.svg)", None),
    (
        "title and alt kept",
        "notes/llm.md",
        '![前馈 *网络*](../attachments/FF.png "Feed forward")',
        '![前馈 *网络*](../attachments/FF.svg "Feed forward")',
        None,
    ),
    (
        "angle brackets with spaces",
        "notes/llm.md",
        "![x](<../attachments/my diagram.png>)",
        "![x](<../attachments/my diagram.svg>)",
        None,
    ),
    (
        "percent-encoded space",
        "notes/llm.md",
        "![x](../attachments/my%20diagram.png)",
        "![x](../attachments/my%20diagram.svg)",
        None,
    ),
    (
        "percent-encoded CJK",
        "notes/llm.md",
        "![](../attachments/Transformer%E6%9E%B6%E6%9E%84.png)",
        "![](../attachments/Transformer%E6%9E%B6%E6%9E%84.svg)",
        None,
    ),
    (
        "raw CJK",
        "notes/llm.md",
        "![架构](../attachments/Transformer架构.png)",
        "![架构](../attachments/Transformer架构.svg)",
        None,
    ),
    (
        "link to the source",
        "notes/llm.md",
        "![](../diagrams/figures/FF.yaml)",
        "![](../attachments/FF.svg)",
        None,
    ),
    (
        "percent-encoded source, encoded output",
        "notes/llm.md",
        "![](../diagrams/my%20diagram.excalidraw)",
        "![](../attachments/my%20diagram.svg)",
        None,
    ),
    (
        "bare path that needs escaping gets <>",
        "notes/llm.md",
        "![p](../diagrams/parens.excalidraw)",
        "![p](<../attachments/with (parens).svg>)",
        None,
    ),
    (
        "vault-absolute stays absolute",
        "notes/llm.md",
        "![](/attachments/FF.png)",
        "![](/attachments/FF.svg)",
        None,
    ),
    (
        "vault path from a nested note",
        "notes/sub/deep.md",
        "![](attachments/FF.png)",
        "![](attachments/FF.svg)",
        None,
    ),
    ("bare file name", "notes/llm.md", "![](FF.png)", "![](FF.svg)", None),
    (
        "./ prefix kept",
        "README.md",
        "![](./attachments/FF.png)",
        "![](./attachments/FF.svg)",
        None,
    ),
    (
        "deeper relative path",
        "notes/sub/deep.md",
        "![](../../diagrams/figures/FF.yaml)",
        "![](../../attachments/FF.svg)",
        None,
    ),
    (
        "query and fragment kept",
        "notes/llm.md",
        "![](../attachments/FF.png?v=2#center)",
        "![](../attachments/FF.svg?v=2#center)",
        None,
    ),
    (
        "animation: the only output is a GIF",
        "notes/llm.md",
        "![动图](../diagrams/animations/Transformer执行.yaml)",
        "![动图](../attachments/Transformer执行.gif)",
        None,
    ),
    (
        "png preferred",
        "notes/llm.md",
        "![](../attachments/FF.svg)",
        "![](../attachments/FF.png)",
        PNG,
    ),
    (
        "image inside a link (badge)",
        "notes/llm.md",
        "[![](../attachments/FF.png)](https://example.com/)",
        "[![](../attachments/FF.svg)](https://example.com/)",
        None,
    ),
    (
        "two images on one line",
        "notes/llm.md",
        "![a](../attachments/FF.png) and ![b](/attachments/proto.png)",
        "![a](../attachments/FF.svg) and ![b](/attachments/proto.svg)",
        None,
    ),
    (
        "destination on the next line",
        "notes/llm.md",
        "![a](\n  ../attachments/FF.png\n  'title')",
        "![a](\n  ../attachments/FF.svg\n  'title')",
        None,
    ),
    # reference-style images
    (
        "reference image",
        "notes/llm.md",
        '![alt][ff]\n\n[ff]: ../attachments/FF.png "Feed forward"',
        '![alt][ff]\n\n[ff]: ../attachments/FF.svg "Feed forward"',
        None,
    ),
    (
        "collapsed and shortcut references",
        "notes/llm.md",
        "![FF][] and ![FF]\n\n[FF]: <../attachments/FF.png>",
        "![FF][] and ![FF]\n\n[FF]: <../attachments/FF.svg>",
        None,
    ),
    (
        "definition inside a blockquote, title on the next line",
        "notes/llm.md",
        "> ![x][Ref Label]\n>\n> [ref label]:\n>   ../attachments/FF.png\n>   'T'",
        "> ![x][Ref Label]\n>\n> [ref label]:\n>   ../attachments/FF.svg\n>   'T'",
        None,
    ),
    # Obsidian embeds
    ("wikilink to an output", "notes/llm.md", "![[FF.png]]", "![[FF.svg]]", None),
    (
        "wikilink to a source, size kept",
        "notes/llm.md",
        "![[proto.excalidraw|500]]",
        "![[proto.svg|500]]",
        None,
    ),
    (
        "wikilink by vault path to .excalidraw.md",
        "notes/llm.md",
        "![[drawings/board.excalidraw.md|500]]",
        "![[board.svg|500]]",
        None,
    ),
    (
        "wikilink name without .md",
        "notes/llm.md",
        "![[board.excalidraw]]",
        "![[board.svg]]",
        None,
    ),
    (
        "wikilink alias kept",
        "notes/llm.md",
        "![[FF.png|Feed forward 网络]]",
        "![[FF.svg|Feed forward 网络]]",
        None,
    ),
    (
        "wikilink with CJK name",
        "notes/llm.md",
        "![[Transformer架构.png]]",
        "![[Transformer架构.svg]]",
        None,
    ),
    (
        "wikilink, case differs",
        "notes/llm.md",
        "![[ff.PNG]]",
        "![[FF.svg]]",
        None,
    ),
    (
        "exported frame",
        "notes/llm.md",
        "![[board.excalidraw#^frame=Intro]]",
        "![[board-Intro.svg]]",
        None,
    ),
    (
        "exported frame, png, size kept",
        "notes/llm.md",
        "![[board.excalidraw#^frame=Intro|300]]",
        "![[board-Intro.png|300]]",
        PNG,
    ),
    (
        "exported frame with a space in its name",
        "notes/llm.md",
        "![[board.excalidraw#^frame=Two words]]",
        "![[board-Two words.svg]]",
        None,
    ),
    (
        "frame output already current",
        "notes/llm.md",
        "![[board-Intro.svg]]",
        "![[board-Intro.svg]]",
        None,
    ),
    (
        "frame link in a Markdown image",
        "notes/llm.md",
        "![](../drawings/board.excalidraw.md#^frame=Intro)",
        "![](../attachments/board-Intro.svg)",
        None,
    ),
    (
        "wikilink in a table keeps the escaped pipe",
        "notes/llm.md",
        "| a | b |\n|---|---|\n| ![[FF.png\\|200]] | ![x](../attachments/FF.png) |",
        "| a | b |\n|---|---|\n| ![[FF.svg\\|200]] | ![x](../attachments/FF.svg) |",
        None,
    ),
    # HTML
    (
        "inline img",
        "notes/llm.md",
        'See <img src="../attachments/FF.png" width="400"> here',
        'See <img src="../attachments/FF.svg" width="400"> here',
        None,
    ),
    (
        "img in an HTML block, single quotes",
        "notes/llm.md",
        "<p align=\"center\">\n  <img alt='x' src='../attachments/FF.png'/>\n</p>",
        "<p align=\"center\">\n  <img alt='x' src='../attachments/FF.svg'/>\n</p>",
        None,
    ),
    (
        "img, unquoted and upper case",
        "notes/llm.md",
        "<IMG SRC=../attachments/FF.png>",
        "<IMG SRC=../attachments/FF.svg>",
        None,
    ),
    (
        "img with spaces in an encoded src",
        "notes/llm.md",
        '<img src="../attachments/my%20diagram.png">',
        '<img src="../attachments/my%20diagram.svg">',
        None,
    ),
    # plain links
    (
        "plain link to a source is left alone",
        "notes/llm.md",
        "[open the prototype](../attachments/proto.excalidraw)",
        "[open the prototype](../attachments/proto.excalidraw)",
        None,
    ),
    (
        "plain link rewritten when asked",
        "notes/llm.md",
        "[open the prototype](../attachments/proto.excalidraw)",
        "[open the prototype](../attachments/proto.svg)",
        PLAIN,
    ),
    (
        "plain wikilink left alone",
        "notes/llm.md",
        "[[proto.excalidraw]]",
        "[[proto.excalidraw]]",
        None,
    ),
    (
        "plain wikilink rewritten when asked",
        "notes/llm.md",
        "[[proto.excalidraw|the sketch]]",
        "[[proto.svg|the sketch]]",
        PLAIN,
    ),
    # wikilinks → Markdown images
    (
        "markdown mode: size",
        "notes/llm.md",
        "![[proto.excalidraw|500]]",
        "![|500](../attachments/proto.svg)",
        MARKDOWN,
    ),
    (
        "brackets inside are not a wikilink",
        "notes/llm.md",
        "![[FF.png|Feed [forward]]]",
        "![[FF.png|Feed [forward]]]",
        MARKDOWN,
    ),
    (
        "markdown mode: plain embed, path needs <>",
        "notes/sub/deep.md",
        "![[my diagram.excalidraw]]",
        "![](<../../attachments/my diagram.svg>)",
        MARKDOWN,
    ),
    (
        "markdown mode: alias",
        "notes/llm.md",
        "![[Transformer架构.png|架构图]]",
        "![架构图](../attachments/Transformer架构.svg)",
        MARKDOWN,
    ),
    (
        "markdown mode: in a table",
        "notes/llm.md",
        "| a |\n|---|\n| ![[FF.png\\|200]] |",
        "| a |\n|---|\n| ![\\|200](../attachments/FF.svg) |",
        MARKDOWN,
    ),
    (
        "markdown mode: an already current embed is converted too",
        "notes/llm.md",
        "![[FF.svg]]",
        "![](../attachments/FF.svg)",
        MARKDOWN,
    ),
    # Obsidian structure around links
    (
        "callout",
        "notes/llm.md",
        "> [!note] Figure\n> ![](../attachments/FF.png)\n> text",
        "> [!note] Figure\n> ![](../attachments/FF.svg)\n> text",
        None,
    ),
    (
        "nested list",
        "notes/llm.md",
        "- one\n  - two ![](../attachments/FF.png)\n    1. three ![[FF.png]]",
        "- one\n  - two ![](../attachments/FF.svg)\n    1. three ![[FF.svg]]",
        None,
    ),
    (
        "heading",
        "notes/llm.md",
        "## Figure ![](../attachments/FF.png) ##",
        "## Figure ![](../attachments/FF.svg) ##",
        None,
    ),
    (
        "footnote text",
        "notes/llm.md",
        "Text[^1].\n\n[^1]: See ![](../attachments/FF.png) there.",
        "Text[^1].\n\n[^1]: See ![](../attachments/FF.svg) there.",
        None,
    ),
    (
        "front matter is kept, body rewritten",
        "notes/llm.md",
        "---\ncover: ../attachments/FF.png\nimage: '![](../attachments/FF.png)'\n"
        "tags:\n  - a\n---\n![](../attachments/FF.png)",
        "---\ncover: ../attachments/FF.png\nimage: '![](../attachments/FF.png)'\n"
        "tags:\n  - a\n---\n![](../attachments/FF.svg)",
        None,
    ),
    (
        "trailing spaces kept",
        "notes/llm.md",
        "![](../attachments/FF.png)   \nnext  ",
        "![](../attachments/FF.svg)   \nnext  ",
        None,
    ),
    (
        "tab-indented list continuation",
        "notes/llm.md",
        "- item\n\tmore ![](../attachments/FF.png)",
        "- item\n\tmore ![](../attachments/FF.svg)",
        None,
    ),
]

# Text that looks like links but is code, math, a comment or front matter: never touched.
UNTOUCHED = [
    ("fenced code", "```md\n![](../attachments/FF.png)\n![[FF.png]]\n```"),
    ("tilde fence", '~~~\n<img src="../attachments/FF.png">\n~~~'),
    ("fence in a list", "- a\n  ```\n  ![](../attachments/FF.png)\n  ```"),
    ("indented code", "para\n\n    ![](../attachments/FF.png)"),
    ("inline code", "Use `![](../attachments/FF.png)` or ``![[FF.png]]``."),
    (
        "html comment block",
        '<!--\n![](../attachments/FF.png)\n<img src="../attachments/FF.png">\n-->',
    ),
    ("inline html comment", "a <!-- ![](../attachments/FF.png) --> b"),
    ("front matter", '---\ncover: "![[FF.png]]"\nimg: ![](../attachments/FF.png)\n---\nbody'),
    ("math block", "$$\n\\text{![](../attachments/FF.png)}\n$$"),
    ("inline math", "Cost $![x](../attachments/FF.png)$ here."),
    ("obsidian comment block", "%%\n![](../attachments/FF.png)\n![[FF.png]]\n%%"),
    ("obsidian inline comment", "a %% ![[FF.png]] %% b"),
    ("escaped bang and bracket", '\\![](../attachments/FF.png "x") and \\[[FF.png]]'),
    ("pre block", '<pre>\n<img src="../attachments/FF.png">\n</pre>'),
    ("external", "![](https://example.com/attachments/FF.png) ![](data:image/png;base64,AAAA)"),
    ("not managed", "![](attachments/local.png) ![[cat.jpg]] ![](../photos/cat%202.jpg)"),
    ("note embed", "![[Other note]] and ![[Other note#Heading]] and ![[#Local heading]]"),
    ("footnote definition", "x[^1]\n\n[^1]: ../attachments/FF.png"),
]


def _variants(text: str) -> list[tuple[str, bytes]]:
    return [
        ("lf", text.encode()),
        ("crlf", text.replace("\n", "\r\n").encode()),
        ("cr", text.replace("\n", "\r").encode()),
        ("bom+crlf+newline", b"\xef\xbb\xbf" + (text + "\n").replace("\n", "\r\n").encode()),
    ]


@pytest.mark.parametrize(
    ("name", "note", "before", "after", "options"), CASES, ids=[c[0] for c in CASES]
)
def test_rewrite_table(name, note, before, after, options):
    opts = options or NORMALISE
    for variant, data in _variants(before):
        expected = dict(_variants(after))[variant]
        result = rewrite_note(data, note, VAULT, OUTPUTS, opts)
        assert not result.errors, (variant, result.errors)
        assert result.new == expected, (variant, result.new.decode())
        assert result.changed == (before != after)
        again = rewrite_note(result.new, note, VAULT, OUTPUTS, opts)
        assert again.new == result.new, f"not idempotent ({variant})"
        assert not again.changes


@pytest.mark.parametrize(("name", "text"), UNTOUCHED, ids=[c[0] for c in UNTOUCHED])
def test_untouched(name, text):
    for options in (
        LinkOptions(),
        LinkOptions(formats=("png",)),
        LinkOptions(wikilinks="markdown"),
    ):
        for _variant, data in _variants(text):
            result = rewrite_note(data, "notes/llm.md", VAULT, OUTPUTS, options)
            assert result.new == data
            assert not result.changes
            assert not result.errors


def test_current_links_stay_byte_identical():
    text = (
        '![](../attachments/FF.svg) ![[proto.svg|300]] <img src="/attachments/FF.svg">\n'
        "![](../attachments/Transformer%E6%9E%B6%E6%9E%84.svg) ![](attachments/FF.svg)\n"
        "![](FF.svg) ![[attachments/FF.svg]] ![](<../attachments/my diagram.svg>)"
    )
    for _variant, data in _variants(text):
        result = rewrite_note(data, "notes/llm.md", VAULT, OUTPUTS)
        assert result.new == data and not result.changes and not result.warnings


def test_changes_report_line_and_targets():
    result = rewrite(
        "# T\n\ntext\n![a](../attachments/FF.png) ![[proto.excalidraw|5]]\n", options=NORMALISE
    )
    assert [(c.line, c.old, c.new) for c in result.changes] == [
        (4, "../attachments/FF.png", "../attachments/FF.svg"),
        (4, "proto.excalidraw", "proto.svg"),
    ]
    data = b"# T\n\ntext\n![a](../attachments/FF.png) ![[proto.excalidraw|5]]\n"
    for change in result.changes:
        assert data[change.start : change.end].decode() == change.old


def test_change_offsets_are_bytes_with_bom_and_cjk():
    data = "\ufeff标题\r\n![图](../attachments/FF.png)".encode()
    result = rewrite_note(data, "notes/llm.md", VAULT, OUTPUTS, NORMALISE)
    (change,) = result.changes
    assert data[change.start : change.end] == b"../attachments/FF.png"
    assert change.line == 2


def test_missing_images_are_warnings_naming_note_and_line():
    result = rewrite(
        "ok\n![](missing.png)\n![[gone.excalidraw]]\n[doc](nowhere.md)\n[[Not yet written]]\n"
        '<img src="../photos/dog.jpg">\n![](../diagrams/figures/FF.yaml)'
    )
    assert result.warnings == [
        "notes/llm.md: line 2: image target not found: missing.png — fix the path",
        "notes/llm.md: line 3: embedded file not found: ![[gone.excalidraw]] — fix the name",
        "notes/llm.md: line 6: image target not found: ../photos/dog.jpg — fix the path",
    ]
    assert result.new.decode().endswith("![](../attachments/FF.svg)")


def test_plain_links_are_not_checked():
    """Plain links may name pages kept elsewhere (another vault, a site): like Obsidian's
    unwritten [[links]], a missing or ambiguous target is not reported."""
    for options in (LinkOptions(), NORMALISE, PLAIN):
        for text in (
            "[doc](nowhere.md)",
            "[DeepSeek](../DeepSeek/DeepSeek.md)",
            "[the drawing](attachments/excalidraw.excalidraw)",
            "[x](same.png)",
            "[[Not yet written]]",
            "[see](#^frame=Intro)",
        ):
            result = rewrite(text, options=options)
            assert not result.warnings and not result.errors and not result.changed, text


def test_links_leaving_the_vault_are_not_checked():
    result = rewrite("![](../../../outside.png) [x](../../elsewhere.md)")
    assert not result.warnings and not result.changed


def test_an_unknown_frame_keeps_fragment_and_warns():
    result = rewrite("![[board.excalidraw#^frame=Other|300]]")
    assert result.new == b"![[board.svg#^frame=Other|300]]"
    (warning,) = result.warnings
    assert "drawings/board.excalidraw.md has no frame named 'Other'" in warning
    assert warning.startswith("notes/llm.md: line 1:")


def test_ambiguous_wikilink_is_an_error_and_note_is_unchanged():
    text = "![](../attachments/FF.png)\n\n![[dup.excalidraw]]\n"
    result = rewrite(text)
    assert result.new == text.encode()
    assert not result.changes
    (error,) = result.errors
    message = str(error)
    assert message.startswith("notes/llm.md: line 3: ![[dup.excalidraw]] is ambiguous")
    assert "a/dup.excalidraw" in message and "b/dup.excalidraw" in message
    assert "\n" not in message


def test_ambiguity_resolved_by_vault_path():
    assert rewritten("![[a/dup.excalidraw]] ![[b/dup]]") == (
        "![[dup-a.svg]] ![[b/dup]]"  # "b/dup" names no file: a missing embed, left alone
    )
    assert rewrite("![[b/dup]]").warnings


def test_ambiguous_plain_wikilink_is_not_an_error():
    result = rewrite("[[dup.excalidraw]] and [[same.png]]")
    assert not result.errors and not result.changed


def test_ambiguous_unmanaged_image_name_is_a_warning():
    result = rewrite("![](same.png)")
    assert not result.errors
    (warning,) = result.warnings
    assert "x/same.png" in warning and "y/same.png" in warning


def test_shortest_wikilink_uses_the_path_when_the_name_is_not_unique():
    from diagram_assets.notes import OutputSet, Vault

    outputs = [OutputSet("d/fig.yaml", {"svg": "out/fig.svg"})]
    vault = Vault(VAULT.root, ["d/fig.yaml", "out/fig.svg", "old/fig.svg", "n.md"])
    result = rewrite_note(b"![[fig.yaml|40]]", "n.md", vault, outputs)
    assert result.new == b"![[out/fig.svg|40]]"


def test_written_links_resolve_back_to_the_output():
    """A vault path or name that a file next to the note would capture is written relative."""
    from diagram_assets.notes import OutputSet, Vault

    outputs = [
        OutputSet("d/fig.yaml", {"svg": "attachments/fig.svg", "png": "attachments/fig.png"})
    ]
    files = ["d/fig.yaml", "attachments/fig.svg", "attachments/fig.png", "n/n.md"]
    vault = Vault(VAULT.root, [*files, "n/attachments/fig.svg", "n/fig.svg", "fig.svg.md"])
    data = b"![](attachments/fig.png) ![](fig.png)"
    result = rewrite_note(data, "n/n.md", vault, outputs, NORMALISE)
    assert result.new == b"![](../attachments/fig.svg) ![](../attachments/fig.svg)"
    result = rewrite_note(b"![[fig.png]]", "n/n.md", vault, outputs, NORMALISE)
    assert result.new == b"![[attachments/fig.svg]]"


def test_definition_shared_by_image_and_plain_link_is_left_with_a_warning():
    text = "![x][p] and [y][p]\n\n[p]: ../attachments/proto.excalidraw"
    result = rewrite(text)
    assert result.new == text.encode()
    assert any("used by an image and by a plain link" in w for w in result.warnings)
    assert rewritten(text, options=PLAIN).endswith("[p]: ../attachments/proto.svg")


def test_non_utf8_note_is_an_error_not_an_exception():
    result = rewrite_note(b"ok\n\xff\xfe bad", "notes/bad.md", VAULT, OUTPUTS)
    (error,) = result.errors
    assert str(error).startswith("notes/bad.md: line 2, column 1: not valid UTF-8")
    assert result.new == result.data


def test_options_are_validated():
    from diagram_assets.errors import ConfigError

    with pytest.raises(ConfigError):
        LinkOptions(wikilinks="html")
    with pytest.raises(ConfigError):
        LinkOptions(formats=())
    assert LinkOptions(formats=["png"]).formats == ("png",)  # type: ignore[arg-type]
