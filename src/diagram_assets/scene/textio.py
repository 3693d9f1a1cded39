"""Reading a source file, decoding it as UTF-8 and parsing JSON, with precise error places."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable
from typing import Any

from .context import (
    GROWS_WITH_ELEMENTS,
    RAISE_ELEMENTS,
    RAISE_SOURCE,
    SOURCE_SETTING,
    LoadContext,
    human_size,
)

_UTF8_BOM = b"\xef\xbb\xbf"
_CONSTANT = re.compile(r"(?<=[\[:,])\s*(-?Infinity|NaN)")
_BARE_CONSTANT = re.compile(r"(-?Infinity|NaN)")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LONG_NUMBER = re.compile(r"\d{4000}")


def read_source(ctx: LoadContext) -> bytes:
    """The file's bytes, refusing folders, special files and anything over ``max_bytes``."""
    path, limit = ctx.path, ctx.limits.max_bytes
    fix_size = f"split the drawing, or {RAISE_SOURCE}"
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            ctx.fail("is a folder, not a drawing file", fix="give the path of a drawing file")
        if not stat.S_ISREG(st.st_mode):
            ctx.fail("is not a regular file", fix="give the path of a drawing file")
        if st.st_size > limit:
            ctx.fail(
                f"file is {human_size(st.st_size)}, over the source size limit of "
                f"{human_size(limit)} ({SOURCE_SETTING})",
                fix=fix_size,
            )
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        ctx.fail("file not found", fix="check the path and the file name")
    except IsADirectoryError:
        ctx.fail("is a folder, not a drawing file", fix="give the path of a drawing file")
    except PermissionError:
        ctx.fail("permission denied", fix="make the file readable (chmod +r)")
    except OSError as exc:
        ctx.fail(f"cannot read the file: {exc.strerror or exc}", fix="check the path")
    if len(data) > limit:
        ctx.fail(
            f"file is over the source size limit of {human_size(limit)} ({SOURCE_SETTING})",
            fix=fix_size,
        )
    return data


def line_col(text: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    nl = "\n" if isinstance(text, str) else b"\n"
    line = text.count(nl, 0, offset) + 1  # type: ignore[arg-type]
    start = text.rfind(nl, 0, offset) + 1  # type: ignore[arg-type]
    return line, offset - start + 1


def decode_text(ctx: LoadContext, data: bytes) -> str:
    """Strict UTF-8 (a BOM is dropped); UTF-16, Latin-1 and binary data get their own message."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data[:64]):
        ctx.fail(
            "is UTF-16 text, not UTF-8",
            place="byte 0",
            fix="save the file as UTF-8 (Excalidraw and Obsidian write UTF-8)",
        )
    if data.startswith(_UTF8_BOM):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = line_col(data, exc.start)
        head = data[:4096]
        binary = sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 20
        if binary:
            ctx.fail(
                "is binary data, not a text drawing",
                place=f"line {line}, column {col} (byte {exc.start})",
                fix="give an .excalidraw, .excalidraw.md, .svg or .png drawing",
            )
        ctx.fail(
            f"byte 0x{data[exc.start]:02X} is not valid UTF-8 (Latin-1 or Windows-1252 text?)",
            place=f"line {line}, column {col}",
            fix="save the file as UTF-8",
        )


def _looks_utf16(head: bytes) -> bool:
    """ASCII-range UTF-16 without a BOM: every other byte is zero, the others are not."""
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return (even.count(0) == 0 and odd.count(0) == len(odd)) or (
        odd.count(0) == 0 and even.count(0) == len(even)
    )


class _NonFinite(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.token = token


def _reject_constant(token: str) -> Any:
    raise _NonFinite(token)


def parse_json(
    ctx: LoadContext,
    text: str,
    *,
    where: Callable[[int, int], str] | None = None,
    what: str = "not valid JSON",
    fix: str | None = None,
) -> Any:
    """Parse JSON; errors name a line and column (``where`` maps them into the source file).

    NaN and Infinity are refused (they are not JSON and the browser could not read them back);
    nesting too deep for the parser is a SceneError, never a RecursionError.
    """
    place_of = where or (lambda line, col: f"line {line}, column {col}")
    fix = fix or (
        "the file looks truncated or hand-edited: restore it from version control "
        "or save it again from Excalidraw"
    )
    limit = ctx.limits.max_json_values
    if len(text) > limit and (count := text.count("{") + text.count("[")) > limit:
        ctx.fail(
            f"the JSON holds {count:,} objects and lists, over the limit of {limit:,} "
            f"({GROWS_WITH_ELEMENTS}; a JSON bomb?)",
            place_of(1, 1),
            fix=RAISE_ELEMENTS,
        )
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except _NonFinite as exc:
        m = _CONSTANT.search(text) or _BARE_CONSTANT.search(text)  # (a NaN alone: no [ : ,)
        place = place_of(*line_col(text, m.start(1))) if m else None
        ctx.fail(f"{what}: {exc.token} is not a JSON number", place, fix="use a finite number")
    except json.JSONDecodeError as exc:
        msg = exc.msg[:-3] + " here" if exc.msg.endswith(" at") else exc.msg
        ctx.fail(f"{what}: {msg}", place_of(exc.lineno, exc.colno), fix=fix)
    except RecursionError:
        ctx.fail(f"{what}: nested too deeply for a drawing", "$", fix=fix)
    except ValueError:  # an integer with more digits than Python converts
        m = _LONG_NUMBER.search(text)
        place = place_of(*line_col(text, m.start())) if m else None
        ctx.fail(f"{what}: a number has thousands of digits", place, fix="use a plain number")
    if ("\\ud" in text or "\\uD" in text) and _ESCAPED_SURROGATE.search(text):
        value = fix_surrogates(value)
    return value


def fix_surrogate_text(text: str) -> str:
    """Join UTF-16 surrogate pairs into characters; a lone half becomes U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def fix_surrogates(value: Any) -> Any:
    """Apply :func:`fix_surrogate_text` to every string (keys too) in a parsed JSON value."""
    if isinstance(value, str):
        return fix_surrogate_text(value)
    if not isinstance(value, dict | list):
        return value
    root: list[Any] = [value]
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, str):
                    node[i] = fix_surrogate_text(item)
                elif isinstance(item, dict | list):
                    stack.append(item)
        else:
            for key in list(node):
                item = node.pop(key)
                if isinstance(item, str):
                    item = fix_surrogate_text(item)
                elif isinstance(item, dict | list):
                    stack.append(item)
                node[fix_surrogate_text(key)] = item
    return root[0]
