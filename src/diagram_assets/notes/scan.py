"""Finding every link in a note, with the exact span of its target in the note's text.

The structure comes from markdown-it (see ``mdparse``). Inline tokens carry their matches in
offsets of the token's content; the content is a run of source-line suffixes (paragraphs,
headings, HTML blocks) or a table cell, so each offset maps back to its line and column. Every
mapped target is checked against the characters the parser saw; a link that does not map
exactly is reported as unplaced and never edited.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from markdown_it.common.utils import normalizeReference
from markdown_it.helpers import parseLinkDestination
from markdown_it.token import Token

from .html import ImgSrc, img_srcs, parse_img_tag
from .mapping import Mapper, line_mapper, map_span, row_mappers
from .mdparse import DEFS, parse
from .model import LinkKind
from .targets import split_wikilink
from .text import NoteText


@dataclass(frozen=True)
class RawLink:
    """A link found in a note; offsets are in the note's text (BOM removed), in characters."""

    kind: LinkKind
    start: int  # the target's span (for *_REF: the definition's destination)
    end: int
    link_start: int  # the link itself
    link_end: int
    form: str  # "md", "html" or "wiki"
    label: str | None = None  # reference label (normalised) for *_REF
    quote: str = ""  # HTML attribute quote
    alias: str = ""  # wikilink: the raw text after the target ("|500", "\\|500", "")
    definition_line: int = -1  # *_REF: 0-based line of the definition


@dataclass(frozen=True)
class ScanResult:
    """What :func:`scan` found (read-only: one result is shared by every caller of a text)."""

    links: tuple[RawLink, ...]
    unplaced: tuple[tuple[int, str], ...]  # (0-based line, what) of links that could not be mapped


@dataclass
class _Found:
    """The links and unplaced links found so far, while scanning."""

    links: list[RawLink]
    unplaced: list[tuple[int, str]]


def scan(nt: NoteText) -> ScanResult:
    """Every link and embed outside code, front matter, comments and math.

    Results are cached by the note's text (a note rewritten again, e.g. by ``watch``, is not
    parsed again); they depend on nothing else, and cannot be modified.
    """
    with _LOCK:
        cached = _CACHE.get(nt.text)
        if cached is not None:
            _CACHE.move_to_end(nt.text)
            return cached
    result = _scan(nt)
    with _LOCK:
        _CACHE[nt.text] = result
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


_CACHE_SIZE = 256
_CACHE: OrderedDict[str, ScanResult] = OrderedDict()
_LOCK = threading.Lock()


def _scan(nt: NoteText) -> ScanResult:
    tokens, env = parse(nt.norm)
    out = _Found([], [])
    refs: list[tuple[str, str, int, int]] = []  # (kind, label, link start, link end)
    row: list[Token] = []
    in_row = False
    for token in tokens:
        ttype = token.type
        if ttype == "tr_open":
            in_row, row = True, []
        elif ttype == "tr_close":
            in_row = False
            if any(t.meta.get("links") for t in row):
                for cell, mapper in zip(row, row_mappers(nt, row), strict=True):
                    if cell.meta.get("links"):
                        _inline_links(nt, cell, mapper, out, refs)
        elif ttype == "inline":
            if in_row:
                row.append(token)
            elif token.meta.get("links"):
                _inline_links(nt, token, line_mapper(nt, token), out, refs)
        elif ttype == "html_block" and token.map and "<" in token.content:
            _html_block_links(nt, token, out)
    if refs:
        _reference_links(nt, env, refs, out)
    out.links.sort(key=lambda link: (link.link_start, link.start))
    return ScanResult(tuple(out.links), tuple(out.unplaced))


# -- inline links ---------------------------------------------------------------------------


def _inline_links(
    nt: NoteText,
    token: Token,
    mapper: Mapper,
    out: _Found,
    refs: list[tuple[str, str, int, int]],
) -> None:
    content = token.content
    for kind, start, end, tok in token.meta["links"]:
        whole = map_span(nt, mapper, start, end, content[start:end], whole=True)
        line = nt.line_of_norm(mapper(start) or 0)
        if whole is None:
            out.unplaced.append((line, content[start:end]))
            continue
        if kind == "wikilink":
            _wikilink(nt, mapper, content, start, end, tok, whole, out)
        elif kind == "html":
            _html_inline(nt, mapper, content, start, end, whole, out)
        else:
            _md_link(nt, mapper, content, kind, start, end, tok, whole, out, refs)


def _wikilink(
    nt: NoteText,
    mapper: Mapper,
    content: str,
    start: int,
    end: int,
    tok: Token,
    whole: tuple[int, int],
    out: _Found,
) -> None:
    embed = tok.meta["embed"]
    inner_start = start + (3 if embed else 2)
    inner = content[inner_start : end - 2]
    target_end, _alias = split_wikilink(inner)
    raw = inner[:target_end]
    span = map_span(nt, mapper, inner_start, inner_start + target_end, raw)
    if span is None:
        out.unplaced.append((nt.line_of_norm(mapper(start) or 0), content[start:end]))
        return
    alias = nt.text[span[1] : whole[1] - 2]
    kind = LinkKind.EMBED if embed else LinkKind.WIKILINK
    out.links.append(RawLink(kind, span[0], span[1], whole[0], whole[1], "wiki", alias=alias))


def _html_inline(
    nt: NoteText,
    mapper: Mapper,
    content: str,
    start: int,
    end: int,
    whole: tuple[int, int],
    out: _Found,
) -> None:
    tag = parse_img_tag(content, start, end)
    if not isinstance(tag, ImgSrc):
        return
    span = map_span(nt, mapper, tag.start, tag.end, content[tag.start : tag.end])
    if span is None:
        out.unplaced.append((nt.line_of_norm(mapper(start) or 0), content[start:end]))
        return
    out.links.append(
        RawLink(LinkKind.HTML_IMG, span[0], span[1], whole[0], whole[1], "html", quote=tag.quote)
    )


def _md_link(
    nt: NoteText,
    mapper: Mapper,
    content: str,
    kind: str,
    start: int,
    end: int,
    tok: Token,
    whole: tuple[int, int],
    out: _Found,
    refs: list[tuple[str, str, int, int]],
) -> None:
    image = kind == "image"
    if image:
        label_start = start + 2
        label_end = label_start + len(tok.content)
    else:
        label_start = start + 1
        label_end = tok.meta.get("label_end", -1)
        if label_end < 0:
            out.unplaced.append((nt.line_of_norm(mapper(start) or 0), content[start:end]))
            return
    pos = label_end + 1
    if pos < end and content[pos] == "(":
        pos += 1
        while pos < end and content[pos] in " \t\n":
            pos += 1
        result = parseLinkDestination(content, pos, end)
        if not result.ok or not result.str:
            return  # an empty or invalid destination: nothing to rewrite
        raw = content[pos : result.pos]
        span = map_span(nt, mapper, pos, result.pos, raw)
        if span is None:
            out.unplaced.append((nt.line_of_norm(mapper(start) or 0), content[start:end]))
            return
        link_kind = LinkKind.IMAGE if image else LinkKind.LINK
        out.links.append(RawLink(link_kind, span[0], span[1], whole[0], whole[1], "md"))
        return
    label = None
    if pos < end and content[pos] == "[":
        close = _unescaped(content, "]", pos + 1, end)
        if close > pos + 1:
            label = content[pos + 1 : close]
    if not label:
        label = content[label_start:label_end]
    refs.append(("image" if image else "link", normalizeReference(label), whole[0], whole[1]))


def _unescaped(text: str, char: str, pos: int, end: int) -> int:
    while pos < end:
        ch = text[pos]
        if ch == char:
            return pos
        pos += 2 if ch == "\\" else 1
    return -1


# -- HTML blocks ----------------------------------------------------------------------------


def _html_block_links(nt: NoteText, token: Token, out: _Found) -> None:
    content = token.content
    if "<img" not in content.lower():
        return
    mapper = line_mapper(nt, token)
    for tag in img_srcs(content):
        tag_text = content[tag.tag_start : tag.tag_end]
        whole = map_span(nt, mapper, tag.tag_start, tag.tag_end, tag_text, whole=True)
        span = map_span(nt, mapper, tag.start, tag.end, content[tag.start : tag.end])
        if whole is None or span is None:
            line = nt.line_of_norm(mapper(tag.tag_start) or 0)
            out.unplaced.append((line, content[tag.tag_start : tag.tag_end]))
            continue
        out.links.append(
            RawLink(
                LinkKind.HTML_IMG, span[0], span[1], whole[0], whole[1], "html", quote=tag.quote
            )
        )


# -- reference definitions ------------------------------------------------------------------


def _reference_links(
    nt: NoteText,
    env: dict[str, Any],
    refs: list[tuple[str, str, int, int]],
    out: _Found,
) -> None:
    definitions: dict[str, tuple[int, int, int]] = {}  # label -> (start, end, line)
    for line, pieces in env.get(DEFS, []):
        parsed = _definition(nt, pieces)
        if parsed is None:
            continue
        label, span = parsed
        if label and not label.startswith("^") and label not in definitions:
            definitions[label] = (span[0], span[1], line)
    for kind, label, link_start, link_end in refs:
        found = definitions.get(label)
        if found is None:
            continue
        link_kind = LinkKind.IMAGE_REF if kind == "image" else LinkKind.LINK_REF
        out.links.append(
            RawLink(
                link_kind,
                found[0],
                found[1],
                link_start,
                link_end,
                "md",
                label=label,
                definition_line=found[2],
            )
        )


def _definition(nt: NoteText, pieces: list[tuple[int, int]]) -> tuple[str, tuple[int, int]] | None:
    """The label and the destination's span of one reference definition."""
    src = nt.norm
    text = "".join(src[a:b] for a, b in pieces)
    offsets: list[int] = []
    for a, b in pieces:
        offsets.extend(range(a, min(b, len(src))))
    pos, n, label_end = 1, len(text), -1
    while pos < n:
        ch = text[pos]
        if ch == "]":
            label_end = pos
            break
        if ch == "\\":
            pos += 1
        pos += 1
    if label_end < 0 or label_end + 1 >= n or text[label_end + 1] != ":":
        return None
    pos = label_end + 2
    while pos < n and text[pos] in " \t\n":
        pos += 1
    result = parseLinkDestination(text, pos, n)
    if not result.ok or not result.str or result.pos > len(offsets):
        return None
    first, last = offsets[pos], offsets[result.pos - 1]
    a, b = nt.to_text(first), nt.to_text(last) + 1
    if nt.text[a:b] != text[pos : result.pos]:
        return None
    return normalizeReference(text[1:label_end]), (a, b)
