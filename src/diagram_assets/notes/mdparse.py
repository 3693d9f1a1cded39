"""markdown-it-py, configured for Obsidian-style notes and made to record where links are.

CommonMark plus GFM tables and inline HTML, and the Obsidian syntax that decides what is *not*
a link: YAML front matter, ``$$`` math blocks and ``$…$`` inline math, ``%%`` comments. Wikilinks
(``[[x]]``, ``![[x]]``) get their own inline rule.

markdown-it does not keep source positions below the block level, so the image, link, HTML and
wikilink rules are wrapped: each successful (non-lookahead) match is recorded as
``(kind, start, end, token)`` in offsets of the inline token's content, on the token's
``meta["links"]``. Reference definitions are recorded with absolute offsets in ``env``.
Inline content without ``[`` or ``<`` cannot hold a link and is not inline-parsed at all.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkLabel
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block import reference as _reference
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import html_inline as _html_inline
from markdown_it.rules_inline import image as _image
from markdown_it.rules_inline import link as _link
from markdown_it.token import Token

SINK = "_diagrams_links"  # env key: where inline rules record matches (None: not recording)
DEPTH = "_diagrams_alt_depth"  # env key: >0 while parsing an image's alt text
DEFS = "_diagrams_definitions"  # env key: reference definitions (start line, [(start, end)])

SKIPPED_BLOCKS = frozenset({"fence", "code_block", "front_matter", "math_block", "comment_block"})

InlineRule = Callable[[StateInline, bool], bool]
BlockRule = Callable[[StateBlock, int, int, bool], bool]


# -- block rules ----------------------------------------------------------------------------


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def _front_matter(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``---`` on the first line of the document, up to the next ``---`` (or ``...``) line."""
    if start != 0 or state.parentType != "root" or state.bMarks[0] != 0 or state.tShift[0]:
        return False
    if state.src[: state.eMarks[0]].rstrip(" \t") != "---":
        return False
    close = next(
        (n for n in range(1, end) if _line(state, n).rstrip(" \t") in ("---", "...")), None
    )
    if close is None or state.tShift[close]:
        return False
    if silent:
        return True
    token = state.push("front_matter", "", 0)
    token.map = [0, close + 1]
    token.hidden = True
    state.line = close + 1
    return True


def _fenced(marker: str, kind: str, unclosed_runs_to_end: bool) -> BlockRule:
    """A block from a line starting with ``marker`` to the next line containing it.

    A one-line block must end with the marker (``$$x$$``); text after a closing marker on the
    first line makes it inline syntax in a paragraph instead.
    """

    def rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if state.is_code_block(start):
            return False
        first = _line(state, start)
        if not first.startswith(marker):
            return False
        rest = first[len(marker) :]
        if marker in rest:
            if not rest.rstrip(" \t").endswith(marker):
                return False
            last = start
        else:
            last = -1
            stop = end  # the first line after the container
            for n in range(start + 1, end):
                if state.sCount[n] < state.blkIndent and not state.isEmpty(n):
                    stop = n
                    break
                if marker in _line(state, n):
                    last = n
                    break
            if last < 0:
                if not unclosed_runs_to_end:
                    return False
                last = stop - 1
        if silent:
            return True
        token = state.push(kind, "", 0)
        token.map = [start, last + 1]
        token.hidden = True
        state.line = last + 1
        return True

    return rule


def _recording_reference(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    ok = _reference(state, start, end, silent)
    if ok and not silent:
        pieces = [(state.bMarks[start] + state.tShift[start], state.eMarks[start] + 1)]
        for n in range(start + 1, state.line):
            pieces.append((state.bMarks[n] + state.tShift[n], state.eMarks[n] + 1))
        state.env.setdefault(DEFS, []).append((start, pieces))
    return ok


# -- inline rules ---------------------------------------------------------------------------


def wikilink_end(src: str, pos: int, maximum: int) -> tuple[bool, int, int] | None:
    """Parse ``[[…]]`` or ``![[…]]`` at ``pos``: (embed, inner start, inner end) or None.

    The inner text must be on one line, non-blank, without ``[`` or ``]``. The search for
    ``]]`` stops at the next ``[``, so a run of openers is not quadratic.
    """
    if src.startswith("![[", pos):
        embed, start = True, pos + 3
    elif src.startswith("[[", pos):
        embed, start = False, pos + 2
    else:
        return None
    bracket = src.find("[", start, maximum)
    close = src.find("]]", start, maximum if bracket < 0 else bracket)
    if close < 0:
        return None
    inner = src[start:close]
    if not inner.strip() or "\n" in inner or "\r" in inner or "]" in inner:
        return None
    return embed, start, close


def _wikilink(state: StateInline, silent: bool) -> bool:
    found = wikilink_end(state.src, state.pos, state.posMax)
    if found is None:
        return False
    embed, _inner, close = found
    if not silent:
        token = state.push("wikilink", "", 0)
        token.meta = {"embed": embed}
        sink = state.env.get(SINK)
        if sink is not None and not state.env.get(DEPTH):
            sink.append(("wikilink", state.pos, close + 2, token))
    state.pos = close + 2
    return True


def _math_inline(state: StateInline, silent: bool) -> bool:
    """``$…$`` on one line (no space inside the dollars, no digit after the closing one), and
    ``$$…$$``."""
    src, pos, maximum = state.src, state.pos, state.posMax
    if src[pos] != "$":
        return False
    if src.startswith("$$", pos):
        close = src.find("$$", pos + 2, maximum)
        if close <= pos + 2:
            return False
        end = close + 2
    else:
        first = pos + 1
        if first >= maximum or src[first] in " \t\n$":
            return False
        closers, newlines = _dollar_table(state)
        i = bisect_right(closers, first)
        if i == len(closers):
            return False
        close = closers[i]
        line_end = newlines[bisect_right(newlines, pos)]
        if close >= min(maximum, line_end):
            return False
        end = close + 1
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.content = src[pos:end]
    state.pos = end
    return True


def _dollar_table(state: StateInline) -> tuple[list[int], list[int]]:
    """Where ``$`` can close inline math, and where lines end, in the state's source (cached).

    Computed once per inline source so that a run of dollars is not quadratic.
    """
    cached: tuple[list[int], list[int]] | None = getattr(state, "_diagrams_dollars", None)
    if cached is not None:
        return cached
    src = state.src
    closers: list[int] = []
    j = src.find("$")
    while j >= 0:
        if j > 0 and src[j - 1] not in " \t\n\\" and not src[j + 1 : j + 2].isdigit():
            closers.append(j)
        j = src.find("$", j + 1)
    newlines: list[int] = []
    j = src.find("\n")
    while j >= 0:
        newlines.append(j)
        j = src.find("\n", j + 1)
    newlines.append(len(src) + 1)  # a sentinel past the end
    state._diagrams_dollars = (closers, newlines)  # type: ignore[attr-defined]
    return closers, newlines


def _comment_inline(state: StateInline, silent: bool) -> bool:
    """An Obsidian comment ``%%…%%`` inside one paragraph."""
    src, pos = state.src, state.pos
    if not src.startswith("%%", pos):
        return False
    close = src.find("%%", pos + 2, state.posMax)
    if close < 0:
        return False
    if not silent:
        state.push("comment_inline", "", 0)
    state.pos = close + 2
    return True


def _recording(kind: str, original: InlineRule, token_type: str) -> InlineRule:
    """Wrap an inline rule so that each match it makes is recorded with its span."""
    is_image = kind == "image"

    def rule(state: StateInline, silent: bool) -> bool:
        if silent:
            return original(state, True)
        env = state.env
        depth = env.get(DEPTH, 0)
        start = state.pos
        count = len(state.tokens)
        if is_image:
            env[DEPTH] = depth + 1
            try:
                ok = original(state, False)
            finally:
                env[DEPTH] = depth
        else:
            ok = original(state, False)
        if ok and not depth:
            sink = env.get(SINK)
            if sink is not None:
                token = next((t for t in state.tokens[count:] if t.type == token_type), None)
                if token is not None and (kind != "html" or is_img_tag(token.content)):
                    if kind == "link":  # where the link text ends, as the link rule found it
                        end, old_max = state.pos, state.posMax
                        token.meta["label_end"] = parseLinkLabel(state, start, True)
                        state.pos, state.posMax = end, old_max
                    sink.append((kind, start, state.pos, token))
        return ok

    return rule


def is_img_tag(text: str, pos: int = 0) -> bool:
    """True when an ``<img`` tag starts at ``pos`` (any case)."""
    return (
        text[pos : pos + 4].lower() == "<img"
        and len(text) > pos + 4
        and text[pos + 4] in " \t\r\n/>"
    )


# -- core -----------------------------------------------------------------------------------


def _selective_inline(state: StateCore) -> None:
    """Inline-parse only the inline tokens that can hold a link, recording what is found."""
    md, env = state.md, state.env
    for token in state.tokens:
        if token.type != "inline":
            continue
        content = token.content
        if "[" not in content and "<" not in content:
            continue
        sink: list[tuple[str, int, int, Token]] = []
        env[SINK] = sink
        if token.children is None:
            token.children = []
        md.inline.parse(content, md, env, token.children)
        if sink:
            token.meta["links"] = sink
    env[SINK] = None


@cache
def parser() -> MarkdownIt:
    """The shared parser (markdown-it keeps no per-document state on it)."""
    md = MarkdownIt("commonmark", {"html": True})
    md.enable("table")
    block = md.block.ruler
    terminates = {"alt": ["paragraph", "reference", "blockquote", "list"]}
    block.before("table", "front_matter", _front_matter)
    block.before("fence", "math_block", _fenced("$$", "math_block", False), terminates)
    block.before("fence", "comment_block", _fenced("%%", "comment_block", True), terminates)
    block.at("reference", _recording_reference)
    inline = md.inline.ruler
    inline.after("backticks", "math_inline", _math_inline)
    inline.after("math_inline", "comment_inline", _comment_inline)
    inline.before("link", "wikilink", _wikilink)
    inline.at("link", _recording("link", _link, "link_open"))
    inline.at("image", _recording("image", _image, "image"))
    inline.at("html_inline", _recording("html", _html_inline, "html_inline"))
    md.core.ruler.at("inline", _selective_inline)
    md.core.ruler.disable("text_join")
    return md


def parse(norm: str) -> tuple[list[Token], dict[str, Any]]:
    """Block tokens (inline ones carry ``meta["links"]``) and the env with definitions."""
    env: dict[str, Any] = {}
    tokens = parser().parse(norm, env)
    return tokens, env
