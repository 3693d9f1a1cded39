"""A note's text: decoding, line tables and the offset conversions the scanner needs.

The parser is given a *normalised* copy (every line ending is ``\\n``, NUL is U+FFFD, the BOM is
gone), which has the same lines with the same characters as the original text. Offsets in the
normalised copy convert to offsets in the original text line by line, and those to byte
offsets in the note's bytes, so an edit made on a span never moves any other byte.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ..errors import NotesError
from ..fsutil import decode_utf8

BOM = b"\xef\xbb\xbf"
_LINE_END = re.compile(r"(\r\n|\r|\n)")


def decode_note(data: bytes, note: str) -> tuple[str, bool]:
    """The note's text without a UTF-8 BOM, and whether it had one; NotesError if not UTF-8."""
    bom = data.startswith(BOM)
    body = data[3:] if bom else data
    text = decode_utf8(
        body, file=note, what="not valid UTF-8", fix="save the note as UTF-8", error=NotesError
    )
    return text, bom


@dataclass
class NoteText:
    """The original text of a note and its normalised copy, with line tables for both."""

    text: str  # original, BOM removed
    bom: bool = False
    norm: str = field(init=False)
    starts: list[int] = field(init=False)  # line starts in ``text``
    nstarts: list[int] = field(init=False)  # line starts in ``norm``
    lines: list[str] = field(init=False)  # normalised lines, without line endings

    def __post_init__(self) -> None:
        text = self.text
        if "\r" in text:
            parts = _LINE_END.split(text)
            lines, ends = parts[0::2], parts[1::2]
        else:
            lines = text.split("\n")
            ends = ["\n"] * (len(lines) - 1)
        starts = [0] * len(lines)
        nstarts = [0] * len(lines)
        pos = npos = 0
        for i, line in enumerate(lines):
            starts[i], nstarts[i] = pos, npos
            pos += len(line) + (len(ends[i]) if i < len(ends) else 0)
            npos += len(line) + 1
        if "\0" in text:
            lines = [line.replace("\0", "\ufffd") for line in lines]
        self.starts = starts
        self.nstarts = nstarts
        self.lines = lines
        self.norm = "\n".join(lines)

    # -- conversions ------------------------------------------------------------------------

    def line_of_norm(self, offset: int) -> int:
        """0-based line of an offset in the normalised text."""
        return bisect_right(self.nstarts, offset) - 1

    def to_text(self, offset: int) -> int:
        """Offset in the normalised text → offset in the original text (same line, column)."""
        line = self.line_of_norm(offset)
        return self.starts[line] + (offset - self.nstarts[line])

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset in the original text."""
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


class ByteOffsets:
    """Converts character offsets of a text to byte offsets of its UTF-8 (plus a BOM)."""

    def __init__(self, text: str, bom: bool) -> None:
        self._text = text
        self._base = 3 if bom else 0
        self._ascii = text.isascii()
        self._cache: tuple[int, int] = (0, 0)

    def __call__(self, offset: int) -> int:
        if self._ascii:
            return self._base + offset
        last_char, last_byte = self._cache
        if offset >= last_char:
            byte = last_byte + len(self._text[last_char:offset].encode("utf-8"))
        else:
            byte = len(self._text[:offset].encode("utf-8"))
        self._cache = (offset, byte)
        return self._base + byte
