"""Links to current outputs keep the format the writer chose; ``normalise`` points them all at
the configured format. Links to sources are pointed at the configured format either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from diagram_assets.config import parse_config
from diagram_assets.errors import ConfigError
from diagram_assets.notes import LinkOptions, rewrite_note
from diagram_assets.pipeline.notes_step import link_options
from support.notes_vault import OUTPUTS, VAULT, rewrite

DEFAULT = LinkOptions()
PNG = LinkOptions(formats=("png",))
MARKDOWN = LinkOptions(wikilinks="markdown")
NORMALISE = LinkOptions(normalise=True)

# (id, before, after with the default options or the named ones, after with normalise)
KEPT: list[tuple[str, str, str, str, LinkOptions]] = [
    (
        "png output",
        "![](../attachments/FF.png)",
        "![](../attachments/FF.png)",
        "![](../attachments/FF.svg)",
        DEFAULT,
    ),
    (
        "percent-encoded CJK png",
        "![](../attachments/Transformer%E6%9E%B6%E6%9E%84.png)",
        "![](../attachments/Transformer%E6%9E%B6%E6%9E%84.png)",
        "![](../attachments/Transformer%E6%9E%B6%E6%9E%84.svg)",
        DEFAULT,
    ),
    (
        "raw CJK png",
        "![](../attachments/Transformer架构.png)",
        "![](../attachments/Transformer架构.png)",
        "![](../attachments/Transformer架构.svg)",
        DEFAULT,
    ),
    (
        "angle brackets",
        "![x](<../attachments/my diagram.png>)",
        "![x](<../attachments/my diagram.png>)",
        "![x](<../attachments/my diagram.svg>)",
        DEFAULT,
    ),
    (
        "vault path from a nested note",
        "![](attachments/FF.png)",
        "![](attachments/FF.png)",
        "![](attachments/FF.svg)",
        DEFAULT,
    ),
    ("bare name", "![](FF.png)", "![](FF.png)", "![](FF.svg)", DEFAULT),
    (
        "query and fragment",
        "![](/attachments/FF.png?v=2#center)",
        "![](/attachments/FF.png?v=2#center)",
        "![](/attachments/FF.svg?v=2#center)",
        DEFAULT,
    ),
    (
        "reference image",
        "![a][ff]\n\n[ff]: ../attachments/FF.png",
        "![a][ff]\n\n[ff]: ../attachments/FF.png",
        "![a][ff]\n\n[ff]: ../attachments/FF.svg",
        DEFAULT,
    ),
    (
        "html img",
        '<img src="../attachments/FF.png" width="300">',
        '<img src="../attachments/FF.png" width="300">',
        '<img src="../attachments/FF.svg" width="300">',
        DEFAULT,
    ),
    ("wikilink", "![[FF.png|300]]", "![[FF.png|300]]", "![[FF.svg|300]]", DEFAULT),
    ("wikilink, case differs", "![[ff.PNG]]", "![[ff.PNG]]", "![[FF.svg]]", DEFAULT),
    (
        "svg kept when png is preferred",
        "![](../attachments/FF.svg)",
        "![](../attachments/FF.svg)",
        "![](../attachments/FF.png)",
        PNG,
    ),
    (
        "the only output, a GIF",
        "![](../attachments/Transformer执行.gif)",
        "![](../attachments/Transformer执行.gif)",
        "![](../attachments/Transformer执行.gif)",
        DEFAULT,
    ),
    (
        "markdown mode converts the embed and keeps its format",
        "![[FF.png|200]]",
        "![|200](../attachments/FF.png)",
        "![|200](../attachments/FF.svg)",
        MARKDOWN,
    ),
    # sources: the configured format, as before
    (
        "source",
        "![](../diagrams/figures/FF.yaml)",
        "![](../attachments/FF.svg)",
        "![](../attachments/FF.svg)",
        DEFAULT,
    ),
    (
        "source, png preferred",
        "![[proto.excalidraw|500]]",
        "![[proto.png|500]]",
        "![[proto.png|500]]",
        PNG,
    ),
    # frames follow the same rule
    (
        "frame output",
        "![[board-Intro.png]]",
        "![[board-Intro.png]]",
        "![[board-Intro.svg]]",
        DEFAULT,
    ),
    (
        "frame output in a Markdown image",
        "![](../attachments/board-Intro.png)",
        "![](../attachments/board-Intro.png)",
        "![](../attachments/board-Intro.svg)",
        DEFAULT,
    ),
    (
        "whole png asking for an exported frame: the frame's png",
        "![[board.png#^frame=Intro|300]]",
        "![[board-Intro.png|300]]",
        "![[board-Intro.svg|300]]",
        DEFAULT,
    ),
    (
        "same, in a Markdown image",
        "![](../attachments/board.png#^frame=Intro)",
        "![](../attachments/board-Intro.png)",
        "![](../attachments/board-Intro.svg)",
        DEFAULT,
    ),
    (
        "frame without that format: the configured one",
        "![[board.png#^frame=Two words]]",
        "![[board-Two words.svg]]",
        "![[board-Two words.svg]]",
        DEFAULT,
    ),
    (
        "frame of a source",
        "![[board.excalidraw#^frame=Intro]]",
        "![[board-Intro.svg]]",
        "![[board-Intro.svg]]",
        DEFAULT,
    ),
]


def _run(before: str, options: LinkOptions, note: str = "notes/llm.md") -> bytes:
    result = rewrite_note(before.encode(), note, VAULT, OUTPUTS, options)
    assert not result.errors, result.errors
    again = rewrite_note(result.new, note, VAULT, OUTPUTS, options)
    assert again.new == result.new and not again.changes, "not idempotent"
    return result.new


@pytest.mark.parametrize(
    ("name", "before", "kept", "normalised", "options"), KEPT, ids=[c[0] for c in KEPT]
)
def test_keep_and_normalise(name, before, kept, normalised, options):
    note = "notes/sub/deep.md" if name == "vault path from a nested note" else "notes/llm.md"
    assert _run(before, options, note) == kept.encode()
    normalise = LinkOptions(options.formats, options.wikilinks, normalise=True)
    assert _run(before, normalise, note) == normalised.encode()


def test_a_kept_link_is_byte_identical_and_reported_nowhere():
    text = "# 图\r\n![](../attachments/FF.png)\r\n![[Transformer架构.png]]\r\n![[board-Intro.png]]"
    data = b"\xef\xbb\xbf" + text.encode()
    result = rewrite_note(data, "notes/llm.md", VAULT, OUTPUTS)
    assert result.new == data
    assert not result.changes and not result.warnings and not result.errors
    assert len(rewrite_note(data, "notes/llm.md", VAULT, OUTPUTS, NORMALISE).changes) == 3


def test_an_unknown_frame_keeps_the_format_and_warns():
    result = rewrite("![[board.png#^frame=Other]]")
    assert not result.changed
    (warning,) = result.warnings
    assert "drawings/board.excalidraw.md has no frame named 'Other'" in warning
    normalised = rewrite("![[board.png#^frame=Other]]", options=NORMALISE)
    assert normalised.new == b"![[board.svg#^frame=Other]]"


def test_a_file_that_is_not_a_current_output_is_not_managed():
    """A PNG that is no output of any source (an old output, a renamed one) is left alone,
    and a missing one is reported, as before."""
    assert not rewrite("![](attachments/local.png)").changed
    missing = rewrite("![](../attachments/old-name.png)")
    assert not missing.changed
    assert missing.warnings == [
        "notes/llm.md: line 1: image target not found: ../attachments/old-name.png — fix the path"
    ]


# -- the config key -------------------------------------------------------------------------


def test_links_normalise_is_read_from_the_config(tmp_path: Path):
    default = parse_config({}, root=tmp_path)
    assert default.links.normalise is False
    assert link_options(default) == LinkOptions(formats=("svg", "png"))
    config = parse_config({"links": {"format": "png", "normalise": True}}, root=tmp_path, file=None)
    assert config.links.normalise is True
    assert link_options(config) == LinkOptions(formats=("png", "svg"), normalise=True)


def test_links_normalise_must_be_a_boolean(tmp_path: Path):
    file = tmp_path / "pyproject.toml"
    with pytest.raises(ConfigError, match=r"tool\.diagrams\.links\.normalise"):
        parse_config({"links": {"normalise": "yes"}}, root=tmp_path, file=file)
