"""Mapping offsets in an inline token's content back to the note's text.

markdown-it gives inline tokens their content and line range, not positions. A paragraph's,
heading's or HTML block's content is a run of source-line suffixes (block prefixes such as
``> `` and indentation removed); a table cell is a piece of its row with ``\\|`` turned into
``|``. The mappers here rebuild where each content character came from; ``map_span`` maps a
target and checks that the original text holds exactly what the parser saw.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from markdown_it.token import Token

try:  # markdown-it-py >= 4 trims with CommonMark's whitespace; older versions with str.strip
    from markdown_it.common.utils import MD_TRIM_CHARS as _TRIM
except ImportError:  # pragma: no cover - depends on the installed markdown-it-py
    _TRIM = None  # type: ignore[assignment]

from .text import NoteText

Mapper = Callable[[int], "int | None"]


def line_mapper(nt: NoteText, token: Token) -> Mapper:
    """Map offsets in a paragraph/heading/HTML block's content to the normalised text."""
    assert token.map is not None
    first_line = token.map[0]
    segments: list[tuple[int, int, int, int]] = []  # content start, end, norm base, lead
    parts = token.content.split("\n")
    last = len(parts) - 1
    pos = 0
    for k, part in enumerate(parts):
        line_no = first_line + k
        if line_no >= len(nt.lines) or line_no >= token.map[1]:
            break
        source = nt.lines[line_no]
        body = part.lstrip(" \t")
        lead = len(part) - len(body)
        if k < last:
            at = len(source) - len(body) if source.endswith(body) else -1
        else:
            at = source.rfind(body)
        if at >= 0:
            segments.append((pos, pos + len(part), nt.nstarts[line_no] + at - lead, lead))
        pos += len(part) + 1

    firsts = [segment[0] for segment in segments]

    def mapper(offset: int) -> int | None:
        i = bisect_right(firsts, offset) - 1
        if i < 0:
            return None
        start, end, base, lead = segments[i]
        if offset > end or offset - start < lead:
            return None
        return base + (offset - start)

    return mapper


def row_mappers(nt: NoteText, cells: list[Token]) -> list[Mapper]:
    """Map offsets in each cell of one table row to the normalised text."""
    none: Mapper = lambda _offset: None  # noqa: E731
    if not cells or cells[0].map is None:
        return [none] * len(cells)
    line_no = cells[0].map[0]
    source = nt.lines[line_no]
    contents = [c.content for c in cells]
    for begin in range(min(len(source), _MAX_PREFIX)):
        if source[begin] in " \t>":
            continue
        split = _split_row(source, begin)
        if split is not None and _cells_match(split, contents):
            base = nt.nstarts[line_no]
            return [
                _cell_mapper(base, split[i]) if i < len(split) else none for i in range(len(cells))
            ]
        if source[begin] not in "-*+.)0123456789":
            break
    return [none] * len(cells)


_MAX_PREFIX = 200  # how far into a row its block prefix ("> ", "- ", indentation) may reach
Cell = tuple[str, list[int]]  # content, and the source column of each content character


def _split_row(source: str, begin: int) -> list[Cell] | None:
    """Split a table row as markdown-it does, keeping the column of every character."""
    end = len(source.rstrip(_TRIM))
    cells: list[Cell] = []
    chars: list[str] = []
    cols: list[int] = []
    escaped = False
    for col in range(begin, end):
        ch = source[col]
        if ch == "|" and not escaped:
            cells.append(("".join(chars), cols))
            chars, cols = [], []
        elif ch == "|":
            chars[-1], cols[-1] = "|", col  # an escaped pipe loses its backslash
        else:
            chars.append(ch)
            cols.append(col)
        escaped = ch == "\\"
    cells.append(("".join(chars), cols))
    if cells and cells[0][0] == "":
        cells.pop(0)
    if cells and cells[-1][0] == "":
        cells.pop()
    trimmed: list[Cell] = []
    for text, columns in cells:
        body = text.strip(_TRIM)
        lead = len(text) - len(text.lstrip(_TRIM))
        trimmed.append((body, columns[lead : lead + len(body)]))
    return trimmed


def _cells_match(split: list[Cell], contents: list[str]) -> bool:
    for i, content in enumerate(contents):
        have = split[i][0] if i < len(split) else ""
        if have != content:
            return False
    return True


def _cell_mapper(base: int, cell: Cell) -> Mapper:
    columns = cell[1]

    def mapper(offset: int) -> int | None:
        if offset < len(columns):
            return base + columns[offset]
        if offset == len(columns) and columns:
            return base + columns[-1] + 1
        return None

    return mapper


def map_span(
    nt: NoteText, mapper: Mapper, start: int, end: int, expect: str, whole: bool = False
) -> tuple[int, int] | None:
    """Map a content span to the original text; None unless it holds exactly ``expect``.

    A ``whole`` link may differ in line endings and in the backslashes a table cell drops
    before ``|``.
    """
    if end <= start:
        first = mapper(start)
        if first is None:
            return None
        at = nt.to_text(first)
        return (at, at) if expect == "" else None
    first, last = mapper(start), mapper(end - 1)
    if first is None or last is None:
        return None
    a, b = nt.to_text(first), nt.to_text(last) + 1
    found = nt.text[a:b]
    if found != expect and not (whole and _loose(found) == expect):
        return None
    return a, b


def _loose(text: str) -> str:
    """A whole link as the parser sees it: ``\\n`` line endings, no backslash before ``|``."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\\|", "|")
