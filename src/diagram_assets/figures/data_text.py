"""Wrapping text to a width, measured as Excalidraw measures it (CJK breaks between characters)."""

from __future__ import annotations

import re

from .text import line_width

# a CJK character (ideographs, kana, hangul, full-width forms) is a word of its own; other
# words run to the next space; the spaces themselves are kept as separate tokens
_TOKENS = re.compile(
    r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
    r"|[^\s\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+"
    r"|\s+"
)


def wrap_text(text: str, font_family: int, font_size: float, width: float) -> str:
    """``text`` with line breaks so that no line is wider than ``width`` (a single word wider
    than ``width`` stays on its own line). Existing line breaks are kept."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _TOKENS.findall(paragraph):
            candidate = line + token
            if line.strip() and line_width(candidate.rstrip(), font_family, font_size) > width:
                out.append(line.rstrip())
                line = token.lstrip()
            else:
                line = candidate
        out.append(line.rstrip())
    return "\n".join(out)
