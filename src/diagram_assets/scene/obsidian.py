"""Obsidian Excalidraw notes (``.excalidraw.md``): the drawing block and the ``Embedded files``
section (its links are resolved in ``vault_images``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .context import LoadContext
from .embedded import type_name
from .lz import LZError, LZTooLarge, decompress_from_base64, invalid_char
from .textio import line_col, parse_json

_DRAWING_HEADING = re.compile(r"^#{1,6}[ \t]+Drawing[ \t]*$", re.M)
_EMBEDDED_HEADING = re.compile(r"^#{1,6}[ \t]+Embedded[ \t]+files[ \t]*$", re.M | re.I)
_FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n`]*$", re.M)
_ANY_HEADING_OR_FENCE = re.compile(r"^(#{1,6}[ \t]|%%|`{3,}|~{3,})", re.M)
_EMBED_LINE = re.compile(r"^([A-Za-z0-9_\-]+):[ \t]*(.*?)[ \t]*$")
_BLOCK_KINDS = ("json", "compressed-json")


@dataclass
class DrawingBlock:
    kind: str  # "json" or "compressed-json"
    content: str
    first_line: int  # line number (1-based) of the block's first content line
    fence_line: int
    fence_offset: int


def _lines_starting(text: str, prefix: str) -> Iterator[int]:
    """Offsets of the lines that start with ``prefix`` (``str.find``: no regex over megabytes)."""
    if text.startswith(prefix):
        yield 0
    needle = "\n" + prefix
    at = text.find(needle)
    while at >= 0:
        yield at + 1
        at = text.find(needle, at + 1)


def _fence_after(text: str, heading: re.Match[str]) -> re.Match[str] | None:
    """The fence opening right after ``heading`` (only blank lines, ``%%`` or text between, no
    other heading), or None."""
    fence = _FENCE_OPEN.search(text, heading.end())
    if fence is None or re.search(r"^#{1,6}[ \t]", text[heading.end() : fence.start()], re.M):
        return None
    return fence


def find_drawing_block(ctx: LoadContext, text: str) -> DrawingBlock:
    """The ```json or ```compressed-json block after the ``# Drawing`` / ``## Drawing`` heading.

    The plugin writes the drawing last, so the last such heading followed by a drawing block
    wins (a note may have a "Drawing" section of its own above). Without such a heading, the
    first ``compressed-json`` block, or a ``json`` block holding an Excalidraw scene, is taken.
    """
    headings = [m for at in _lines_starting(text, "#") if (m := _DRAWING_HEADING.match(text, at))]
    fence = None
    for heading in reversed(headings):
        candidate = _fence_after(text, heading)
        if candidate is not None and candidate.group(2).lower() in _BLOCK_KINDS:
            fence = candidate
            break
    if fence is None and headings:
        heading = headings[-1]
        after = _fence_after(text, heading)
        line = line_col(text, heading.start())[0]
        fail_kind = f"a ```{after.group(2)} block" if after else "no code block"
        ctx.fail(
            f"the 'Drawing' heading is followed by {fail_kind}, not ```json or ```compressed-json",
            f"line {line}",
            fix="open the note in Obsidian's Excalidraw view and save it again",
        )
    if fence is None:
        for at in sorted([*_lines_starting(text, "```"), *_lines_starting(text, "~~~")]):
            candidate = _FENCE_OPEN.match(text, at)
            if candidate is None:
                continue
            info = candidate.group(2).lower()
            head = text[candidate.end() : candidate.end() + 400]
            if info == "compressed-json" or (
                info == "json" and re.search(r'"type"\s*:\s*"excalidraw', head)
            ):
                fence = candidate
                break
    if fence is None:
        last = text.count("\n") + 1
        ctx.fail(
            "no Excalidraw drawing in this Markdown file (no '# Drawing' heading with a ```json "
            "or ```compressed-json block)",
            f"lines 1-{last}",
            fix="give an Obsidian Excalidraw drawing (.excalidraw.md) or an .excalidraw file",
        )
    marker = fence.group(1)
    fence_line = line_col(text, fence.start())[0]
    start = fence.end() + 1
    end = _closing_fence(text, start, marker)
    if end < 0:
        ctx.fail(
            f"the ```{fence.group(2)} block that opens here is never closed",
            f"line {fence_line}",
            fix="the note looks truncated: restore it from version control or Obsidian's "
            "file recovery",
        )
    return DrawingBlock(
        kind=fence.group(2).lower(),
        content=text[start:end],
        first_line=fence_line + 1,
        fence_line=fence_line,
        fence_offset=fence.start(),
    )


def _closing_fence(text: str, start: int, marker: str) -> int:
    """Offset of the line that closes a fence opened with ``marker``, or -1.

    A plain ``str.find`` loop: a regular expression over a multi-megabyte block is slower.
    """
    needle = "\n" + marker
    at = start - 1  # the opening fence's line ends just before ``start``
    while True:
        at = text.find(needle, at)
        if at < 0:
            return -1
        line_end = text.find("\n", at + 1)
        line = text[at + 1 : line_end if line_end >= 0 else len(text)]
        if not line.strip().strip(marker[0]):
            return at + 1
        at += 1


def scene_from_markdown(ctx: LoadContext, text: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The scene JSON object and the ``Embedded files`` entries (file id → link text)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    block = find_drawing_block(ctx, text)
    block_place = f"```{block.kind} block at line {block.fence_line}"
    if block.kind == "json":
        scene = parse_json(
            ctx,
            block.content,
            where=lambda line, col: f"line {block.first_line + line - 1}, column {col}",
            what="the ```json drawing block is not valid JSON",
            fix="the note looks truncated or hand-edited: restore it from version control",
        )
    else:
        scene = _decompress_block(ctx, block, block_place)
    if not isinstance(scene, dict):
        ctx.fail(
            f"the drawing block holds a JSON {type_name(scene)}, not an object",
            block_place,
            fix="open the note in Obsidian's Excalidraw view and save it again",
        )
    embedded = embedded_file_lines(text[: block.fence_offset])
    return scene, embedded


def _decompress_block(ctx: LoadContext, block: DrawingBlock, place: str) -> Any:
    raw = block.content
    bad = invalid_char_outside_space(raw)
    if bad is not None:
        line, col = line_col(raw, bad)
        ctx.fail(
            f"the ```compressed-json block has {raw[bad]!r}, which is not base64",
            f"line {block.first_line + line - 1}, column {col}",
            fix="the note is damaged: restore it from version control",
        )
    data = "".join(raw.split())
    try:
        text = decompress_from_base64(data, ctx.budget)
    except LZTooLarge:
        ctx.over_decompressed("the decompressed ```compressed-json block", place)
    except LZError as exc:
        ctx.fail(
            f"the ```compressed-json block cannot be decompressed: {exc}",
            place,
            fix="the note is damaged: restore it from version control",
        )
    ctx.charge(len(text), "the decompressed ```compressed-json block", place)
    return parse_json(
        ctx,
        text,
        where=lambda line, col: f"{place}, decompressed line {line}, column {col}",
        what="the ```compressed-json block decompresses to text that is not valid JSON",
        fix="the note is damaged: restore it from version control",
    )


def invalid_char_outside_space(raw: str) -> int | None:
    """Offset in ``raw`` of the first character that is neither base64 nor whitespace."""
    squeezed = re.sub(r"\s+", "", raw)
    if invalid_char(squeezed) is None:
        return None
    m = re.search(r"[^A-Za-z0-9+/=\s]", raw)
    return m.start() if m else None


def embedded_file_lines(text: str) -> dict[str, str]:
    """``file id → link`` from every ``# Embedded files`` section in ``text``."""
    entries: dict[str, str] = {}
    for heading in _EMBEDDED_HEADING.finditer(text):
        nxt = _ANY_HEADING_OR_FENCE.search(text, heading.end() + 1)
        section = text[heading.end() : nxt.start() if nxt else len(text)]
        lines = section.split("\n")
        at = 0
        while at < len(lines):
            m = _EMBED_LINE.match(lines[at].strip())
            at += 1
            if not (m and m.group(2)):
                continue
            value = m.group(2)
            if value.startswith("$$"):  # a formula may span lines, up to the line ending in $$
                while not _formula_closed(value) and at < len(lines):
                    value += "\n" + lines[at].rstrip()
                    at += 1
            entries.setdefault(m.group(1), value)
    return entries


def _formula_closed(value: str) -> bool:
    return len(value) >= 4 and value.endswith("$$")
