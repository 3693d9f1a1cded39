"""Builders shared by the scene tests: elements, and the file formats a scene travels in."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from typing import Any

from lzstring import LZString

MIME = "application/vnd.excalidraw+json"


def element(
    kind: str, eid: str | None, x: float = 0, y: float = 0, w: float = 10, h: float = 10, **kw: Any
) -> dict:
    e: dict[str, Any] = {
        "type": kind,
        "x": x,
        "y": y,
        "width": w,
        "height": h,
        "angle": 0,
        "strokeColor": "#1e1e1e",
        "backgroundColor": "transparent",
        "strokeWidth": 2,
        "roughness": 1,
        "opacity": 100,
        "seed": 1,
        "version": 1,
        "versionNonce": 1,
        "isDeleted": False,
        "groupIds": [],
    }
    if eid is not None:
        e["id"] = eid
    e.update(kw)
    return e


def scene_doc(
    elements: list[dict], files: dict | None = None, app_state: dict | None = None
) -> dict:
    return {
        "type": "excalidraw",
        "version": 2,
        "source": "https://excalidraw.com",
        "elements": elements,
        "appState": app_state if app_state is not None else {"viewBackgroundColor": "#ffffff"},
        "files": files if files is not None else {},
    }


def small_scene() -> dict:
    return scene_doc(
        [
            element("rectangle", "r1", 0, 0, 100, 50),
            element("text", "t1", 10, 10, 60, 25, text="hi", fontSize=20, fontFamily=1),
            element("arrow", "a1", 100, 25, 50, 0, points=[[0, 0], [50, 0]]),
        ]
    )


def payload_text(scene: dict | str, *, compressed: bool = True) -> str:
    """Excalidraw's embedded payload: JSON with a byte string of (zlib'd) UTF-8 scene JSON."""
    text = scene if isinstance(scene, str) else json.dumps(scene)
    raw = text.encode("utf-8")
    if compressed:
        raw = zlib.compress(raw)
    return json.dumps(
        {
            "version": "1",
            "encoding": "bstring",
            "compressed": compressed,
            "encoded": raw.decode("latin-1"),
        }
    )


def svg_export(scene: dict | None = None, *, payload: str | None = None, version: int = 2) -> bytes:
    """An SVG like Excalidraw's export with an embedded scene (``payload`` as the raw base64)."""
    if payload is None:
        inner = payload_text(scene if scene is not None else small_scene())
        encoding = "latin-1" if version == 2 else "utf-8"
        payload = base64.b64encode(inner.encode(encoding)).decode("ascii")
    return (
        '<svg version="1.1" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 70" width="120" '
        'height="70">\n  <!-- svg-source:excalidraw -->\n  <metadata>'
        f"<!-- payload-type:{MIME} --><!-- payload-version:{version} --><!-- payload-start -->"
        f"{payload}<!-- payload-end --></metadata>\n"
        '  <rect x="0" y="0" width="120" height="70" fill="#ffffff"></rect>\n</svg>\n'
    ).encode()


def png_chunk(ctype: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", zlib.crc32(ctype + data))


def png_image(w: int = 2, h: int = 2, rgb: tuple[int, int, int] = (200, 30, 30)) -> list[bytes]:
    """The chunks (signature first) of a tiny valid RGB PNG, without IEND."""
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    return [
        b"\x89PNG\r\n\x1a\n",
        png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)),
        png_chunk(b"IDAT", zlib.compress(raw)),
    ]


def png_export(scene: dict | None = None, *, chunk: str = "tEXt", text: str | None = None) -> bytes:
    """A PNG with the scene in a text chunk before IEND, as Excalidraw writes it."""
    text = text if text is not None else payload_text(scene if scene is not None else small_scene())
    key = MIME.encode()
    if chunk == "tEXt":
        body = key + b"\0" + text.encode("latin-1")
    elif chunk == "zTXt":
        body = key + b"\0\0" + zlib.compress(text.encode("latin-1"))
    elif chunk == "iTXt":
        body = key + b"\0\1\0" + b"\0" + b"\0" + zlib.compress(text.encode("utf-8"))
    else:
        raise ValueError(chunk)
    return b"".join([*png_image(), png_chunk(chunk.encode(), body), png_chunk(b"IEND", b"")])


def md_note(
    scene: dict | str,
    *,
    layout: str = "new",
    compressed: bool = False,
    embedded: list[str] = (),
    newline: str = "\n",
) -> str:
    """An Obsidian Excalidraw note holding ``scene`` (a dict, or raw block text)."""
    body = scene if isinstance(scene, str) else json.dumps(scene, indent="\t")
    if compressed:
        comp = LZString.compressToBase64(body)
        body = "\n\n".join(comp[i : i + 64] for i in range(0, len(comp), 64))
    kind = "compressed-json" if compressed else "json"
    h1, h2 = ("# Excalidraw Data\n\n## ", "## ") if layout == "new" else ("# ", "# ")
    embedded_part = ""
    if embedded:
        embedded_part = f"{h2}Embedded Files\n" + "\n\n".join(embedded) + "\n\n"
    text = (
        "---\n\nexcalidraw-plugin: parsed\ntags: [excalidraw]\n\n---\n"
        "==⚠  Switch to EXCALIDRAW VIEW in the MORE OPTIONS menu of this document. ⚠==\n\n\n"
        f"{h1}Text Elements\nhi ^t1\n\n{embedded_part}%%\n{h2}Drawing\n```{kind}\n{body}\n```\n%%"
    )
    return text.replace("\n", newline)


def lz_compress(text: str) -> str:
    return LZString.compressToBase64(text)
