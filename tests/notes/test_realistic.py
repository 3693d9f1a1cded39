"""A realistic Obsidian note: everything around the links stays byte-identical."""

from __future__ import annotations

import pytest

from diagram_assets.notes import LinkOptions, find_links, rewrite_note
from support.notes_vault import OUTPUTS, VAULT

NOTE = """\
---
title: 神经网络笔记 / Neural network notes
tags:
  - ml
  - 笔记
aliases: [NN notes, "![](../attachments/FF.png)"]
cover: "[[FF.png]]"
---

# 神经网络 (Neural networks)

> [!abstract] 摘要
> The figures below are generated from specs: ![[FF.png|420]]
> - 前馈网络 ![前馈](../attachments/FF.png "Feed-forward")
>   - nested: ![[proto.excalidraw]]

## 前馈网络

Inline math $a = \\sigma(Wx + b)$ and a price of $5, then ![](../diagrams/figures/FF.yaml).
A display block:

$$
\\begin{aligned}
y &= f(x) \\quad \\text{see ![](../attachments/FF.png)}
\\end{aligned}
$$

| 模型 | 图 | 备注 |
| :--- | :-: | ---: |
| FF | ![[FF.png\\|200]] | `![](../attachments/FF.png)` |
| Transformer | ![架构](../attachments/Transformer%E6%9E%B6%E6%9E%84.png) | 见[^arch] |

1. First item
   1. Nested with <img src="../attachments/FF.png" width="300"> inline HTML
   2. Plain link to the editable source: [prototype](../attachments/proto.excalidraw)
2. Second item\t
   ```python
   print("![](../attachments/FF.png)")
   ```

<div align="center">
  <img src="../attachments/Transformer架构.png" alt="架构">
  <!-- <img src="../attachments/FF.png"> old figure -->
</div>

%%
Private comment: ![[FF.png]]
%%

Animation: ![Transformer执行.gif](../diagrams/animations/Transformer执行.yaml)
Frames: ![[board.excalidraw#^frame=Intro|600]]

    ![](../attachments/FF.png) indented code

[^arch]: From the paper; redrawn as ![[Transformer架构.png]].
"""

# Links to sources: pointed at the configured format by default.
SOURCE_REPLACEMENTS = [
    ("nested: ![[proto.excalidraw]]", "nested: ![[proto.svg]]"),
    ("then ![](../diagrams/figures/FF.yaml).", "then ![](../attachments/FF.svg)."),
    (
        "![Transformer执行.gif](../diagrams/animations/Transformer执行.yaml)",
        "![Transformer执行.gif](../attachments/Transformer执行.gif)",
    ),
    ("![[board.excalidraw#^frame=Intro|600]]", "![[board-Intro.svg|600]]"),
]
# Links to current outputs in another format: kept by default, rewritten with normalise.
OUTPUT_REPLACEMENTS = [
    (
        "> The figures below are generated from specs: ![[FF.png|420]]",
        "> The figures below are generated from specs: ![[FF.svg|420]]",
    ),
    (
        '![前馈](../attachments/FF.png "Feed-forward")',
        '![前馈](../attachments/FF.svg "Feed-forward")',
    ),
    ("| FF | ![[FF.png\\|200]] |", "| FF | ![[FF.svg\\|200]] |"),
    (
        "![架构](../attachments/Transformer%E6%9E%B6%E6%9E%84.png)",
        "![架构](../attachments/Transformer%E6%9E%B6%E6%9E%84.svg)",
    ),
    (
        'Nested with <img src="../attachments/FF.png"',
        'Nested with <img src="../attachments/FF.svg"',
    ),
    (
        '<img src="../attachments/Transformer架构.png" alt',
        '<img src="../attachments/Transformer架构.svg" alt',
    ),
    ("redrawn as ![[Transformer架构.png]].", "redrawn as ![[Transformer架构.svg]]."),
]


def expected_note(*, normalise: bool) -> str:
    text = NOTE
    for old, new in SOURCE_REPLACEMENTS + (OUTPUT_REPLACEMENTS if normalise else []):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("normalise", [False, True], ids=["default", "normalise"])
@pytest.mark.parametrize(
    ("newline", "bom", "final_newline"),
    [("\n", False, True), ("\r\n", False, True), ("\r\n", True, False), ("\n", True, False)],
)
def test_realistic_note(newline, bom, final_newline, normalise):
    def encode(text: str) -> bytes:
        if not final_newline:
            text = text.rstrip("\n")
        return (b"\xef\xbb\xbf" if bom else b"") + text.replace("\n", newline).encode()

    options = LinkOptions(normalise=normalise)
    before, after = encode(NOTE), encode(expected_note(normalise=normalise))
    result = rewrite_note(before, "notes/llm.md", VAULT, OUTPUTS, options)
    assert not result.errors and not result.warnings
    assert result.new == after
    replaced = SOURCE_REPLACEMENTS + (OUTPUT_REPLACEMENTS if normalise else [])
    assert len(result.changes) == len(replaced)
    assert rewrite_note(result.new, "notes/llm.md", VAULT, OUTPUTS, options).new == after


def test_realistic_note_links_found():
    links = find_links(NOTE.encode())
    targets = [link.target for link in links]
    assert "../attachments/proto.excalidraw" in targets  # the plain link is found...
    assert targets.count("FF.png") == 2  # the callout embed and the table cell, not the comment
    assert all("indented" not in t for t in targets)
    result = rewrite_note(NOTE.encode(), "notes/llm.md", VAULT, OUTPUTS)
    assert b"[prototype](../attachments/proto.excalidraw)" in result.new  # ...and left alone


def test_realistic_note_in_png_and_markdown_modes():
    png = rewrite_note(NOTE.encode(), "notes/llm.md", VAULT, OUTPUTS, LinkOptions(formats=("png",)))
    text = png.new.decode()
    assert "![[FF.png|420]]" in text and "![[board-Intro.png|600]]" in text
    assert "![](../attachments/FF.png)." in text
    markdown = rewrite_note(
        NOTE.encode(), "notes/llm.md", VAULT, OUTPUTS, LinkOptions(wikilinks="markdown")
    )
    text = markdown.new.decode()
    assert "specs: ![|420](../attachments/FF.png)" in text  # converted, its format kept
    assert "| FF | ![\\|200](../attachments/FF.png) |" in text
    assert "![|600](../attachments/board-Intro.svg)" in text
    assert 'cover: "[[FF.png]]"' in text  # front matter untouched
    assert "Private comment: ![[FF.png]]" in text  # comment untouched
