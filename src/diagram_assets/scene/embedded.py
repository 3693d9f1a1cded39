"""Scenes embedded in exported images: SVG ``<metadata>`` payloads and PNG text chunks."""

from __future__ import annotations

import binascii
import re
import struct
import zlib
from typing import Any

from .context import LoadContext, human_size
from .textio import decode_text, line_col, parse_json

EXCALIDRAW_MIME = "application/vnd.excalidraw+json"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_KEYWORD = EXCALIDRAW_MIME.encode() + b"\0"  # a text chunk's keyword ends with a NUL byte

_PAYLOAD = re.compile(r"<!--\s*payload-start\s*-->(.*?)<!--\s*payload-end\s*-->", re.S)
_PAYLOAD_VERSION = re.compile(r"<!--\s*payload-version:\s*(\d+)\s*-->")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_NO_SCENE_FIX = (
    "export it from Excalidraw with 'Embed scene' switched on, or render the .excalidraw "
    "source instead"
)


def inflate(ctx: LoadContext, data: bytes, what: str, place: str) -> bytes:
    """zlib-decompress ``data`` incrementally, never past the decompression budget."""
    cap = ctx.budget
    d = zlib.decompressobj()
    try:
        out = d.decompress(data, cap + 1)
    except zlib.error as exc:
        ctx.fail(
            f"{what} is not valid zlib data ({exc})",
            place,
            fix="the file is damaged: export it again from Excalidraw",
        )
    if len(out) > cap:
        ctx.over_decompressed(what, place)
    if not d.eof:
        ctx.fail(
            f"{what} is truncated (the zlib stream does not end)",
            place,
            fix="the file is damaged: export it again from Excalidraw",
        )
    ctx.charge(len(out), what, place)
    return out


def decode_payload(ctx: LoadContext, text: str, place: str) -> dict[str, Any]:
    """The scene from an embedded payload: ``{encoding: "bstring", compressed, encoded}`` JSON,
    or (older exports) the scene JSON itself."""
    payload = parse_json(
        ctx,
        text,
        where=lambda line, col: f"{place}, payload JSON line {line}, column {col}",
        what="the embedded payload is not valid JSON",
        fix="the file is damaged: export it again from Excalidraw",
    )
    if not isinstance(payload, dict):
        ctx.fail(
            f"the embedded payload is a JSON {type_name(payload)}, not an object",
            place,
            fix=_NO_SCENE_FIX,
        )
    if "encoded" not in payload:
        if "elements" in payload or payload.get("type") == "excalidraw":
            return payload  # legacy: the scene itself
        ctx.fail("the embedded payload holds no scene", place, fix=_NO_SCENE_FIX)
    encoding = payload.get("encoding")
    if encoding != "bstring":
        ctx.fail(
            f"unknown payload encoding {encoding!r} (expected 'bstring')",
            place,
            fix="export it again with a current Excalidraw",
        )
    encoded = payload.get("encoded")
    if not isinstance(encoded, str):
        ctx.fail("the payload's 'encoded' field is not a string", place, fix=_NO_SCENE_FIX)
    try:
        raw = encoded.encode("latin-1")
    except UnicodeEncodeError as exc:
        ctx.fail(
            f"the payload's byte string has a character above U+00FF at offset {exc.start}",
            place,
            fix="the file is damaged: export it again from Excalidraw",
        )
    if payload.get("compressed"):
        raw = inflate(ctx, raw, "the embedded scene", place)
    try:
        scene_text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        ctx.fail(
            f"the embedded scene is not valid UTF-8 (byte {exc.start})",
            place,
            fix="the file is damaged: export it again from Excalidraw",
        )
    scene = parse_json(
        ctx,
        scene_text,
        where=lambda line, col: f"{place}, scene JSON line {line}, column {col}",
        what="the embedded scene is not valid JSON",
        fix="the file is damaged: export it again from Excalidraw",
    )
    if not isinstance(scene, dict):
        ctx.fail(
            f"the embedded scene is a JSON {type_name(scene)}, not an object",
            place,
            fix=_NO_SCENE_FIX,
        )
    return scene


def type_name(value: Any) -> str:
    return {
        dict: "object",
        list: "list",
        str: "string",
        bool: "boolean",
        int: "number",
        float: "number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def scene_from_svg(ctx: LoadContext, data: bytes) -> dict[str, Any]:
    """The scene embedded in an Excalidraw SVG export (between payload-start/-end comments)."""
    text = decode_text(ctx, data)
    m = _PAYLOAD.search(text)
    if m is None:
        what = (
            "the SVG's payload has no payload-start/payload-end markers"
            if EXCALIDRAW_MIME in text
            else "the SVG has no embedded Excalidraw scene"
        )
        ctx.fail(what, "<metadata>", fix=_NO_SCENE_FIX)
    line, col = line_col(text, m.start(1))
    place = f"payload at line {line}, column {col}"
    b64 = "".join(m.group(1).split())
    if not _BASE64.fullmatch(b64) or len(b64) % 4:
        bad = re.search(r"[^A-Za-z0-9+/=]", b64)
        detail = f"character {bad.group()!r}" if bad else "bad padding"
        ctx.fail(
            f"the embedded payload is not valid base64 ({detail})",
            place,
            fix="the file is damaged: export it again from Excalidraw",
        )
    raw = binascii.a2b_base64(b64)
    vm = _PAYLOAD_VERSION.search(text)
    version = vm.group(1) if vm else "1"
    if version == "1":
        try:
            payload_text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            ctx.fail(
                f"the embedded payload is not valid UTF-8 (byte {exc.start})",
                place,
                fix="the file is damaged: export it again from Excalidraw",
            )
    else:
        payload_text = raw.decode("latin-1")
    return decode_payload(ctx, payload_text, place)


def scene_from_png(ctx: LoadContext, data: bytes) -> dict[str, Any]:
    """The scene in a PNG's ``tEXt`` (or ``zTXt``/``iTXt``) chunk keyed with Excalidraw's
    MIME type. Only chunk headers are walked; the image itself is never decoded."""
    if not data.startswith(PNG_SIGNATURE):
        ctx.fail(
            "is not a PNG file (the signature is missing)",
            "byte 0",
            fix="give a PNG exported from Excalidraw",
        )
    offset = len(PNG_SIGNATURE)
    end = len(data)
    found: tuple[bytes, bytes, int] | None = None
    while True:
        if offset + 8 > end:
            ctx.fail(
                f"the PNG is truncated: it ends at byte {end} before its IEND chunk",
                f"byte {offset}",
                fix="the file is damaged: export it again from Excalidraw",
            )
        length, ctype = struct.unpack_from(">I4s", data, offset)
        if length > end - offset - 12:
            ctx.fail(
                f"the PNG is truncated: chunk {ctype.decode('latin-1')!r} of "
                f"{human_size(length)} runs past the end of the file ({human_size(end)})",
                f"byte {offset}",
                fix="the file is damaged: export it again from Excalidraw",
            )
        if not ctype.isalpha():
            ctx.fail(
                f"the PNG is damaged: chunk type {ctype.decode('latin-1')!r} is not valid",
                f"byte {offset}",
                fix="the file is damaged: export it again from Excalidraw",
            )
        body = offset + 8
        if (
            found is None
            and ctype in (b"tEXt", b"zTXt", b"iTXt")
            and data.startswith(_KEYWORD, body)
            and length >= len(_KEYWORD)
        ):
            chunk = data[body : body + length]
            (crc,) = struct.unpack_from(">I", data, body + length)
            if zlib.crc32(data[offset + 4 : body + length]) != crc:
                ctx.fail(
                    "the PNG's scene chunk is damaged (CRC mismatch)",
                    f"{ctype.decode()} chunk at byte {offset}",
                    fix="the file is damaged: export it again from Excalidraw",
                )
            found = (ctype, chunk, offset)
        offset = body + length + 4
        if ctype == b"IEND":
            break
    if found is None:
        ctx.fail(
            f"the PNG has no embedded Excalidraw scene (no text chunk keyed {EXCALIDRAW_MIME})",
            "PNG chunks",
            fix=_NO_SCENE_FIX,
        )
    ctype, chunk, at = found
    place = f"{ctype.decode()} chunk at byte {at}"
    return decode_payload(ctx, _chunk_text(ctx, ctype, chunk, place), place)


def _chunk_text(ctx: LoadContext, ctype: bytes, chunk: bytes, place: str) -> str:
    """The text of a tEXt (Latin-1), zTXt (zlib, Latin-1) or iTXt (UTF-8, maybe zlib) chunk."""
    rest = chunk.split(b"\0", 1)[1] if b"\0" in chunk else b""
    damaged = "the file is damaged: export it again from Excalidraw"
    if ctype == b"tEXt":
        return rest.decode("latin-1")
    if ctype == b"zTXt":
        if not rest or rest[0] != 0:
            ctx.fail("the zTXt chunk uses an unknown compression method", place, fix=damaged)
        return inflate(ctx, rest[1:], "the zTXt chunk", place).decode("latin-1")
    # iTXt: compression flag, method, language tag\0, translated keyword\0, text
    if len(rest) < 2:
        ctx.fail("the iTXt chunk is too short", place, fix=damaged)
    flag, method = rest[0], rest[1]
    parts = rest[2:].split(b"\0", 2)
    if len(parts) != 3:
        ctx.fail("the iTXt chunk is malformed", place, fix=damaged)
    body = parts[2]
    if flag:
        if method != 0:
            ctx.fail("the iTXt chunk uses an unknown compression method", place, fix=damaged)
        body = inflate(ctx, body, "the iTXt chunk", place)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        ctx.fail(f"the iTXt chunk is not valid UTF-8 (byte {exc.start})", place, fix=damaged)
