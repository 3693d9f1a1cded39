"""Decode a GIF into the frames a viewer shows, to measure what an encoder really delivers.

The block structure is read here; only each image block's LZW data is decoded by Pillow (wrapped
as a one-image GIF). Frames are composited the way browsers do it: the canvas starts fully
transparent; disposal 2 clears the previous image's rectangle to transparent (browsers ignore
the background colour), disposal 3 restores what was there before it; transparent indices leave
the canvas as it is. Each image block yields one displayed frame with its delay.
"""

from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass, field

import numpy as np
from PIL import Image


class GifFormatError(ValueError):
    """The bytes are not a well-formed GIF."""


@dataclass
class DecodedGif:
    width: int
    height: int
    loop: int | None  # NETSCAPE2.0 loop count; None when the extension is absent (play once)
    frames: list[np.ndarray] = field(default_factory=list)  # displayed RGBA, H×W×4 uint8
    durations_ms: list[int] = field(default_factory=list)
    global_table: bool = False
    local_tables: int = 0


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise GifFormatError(f"truncated at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def sub_blocks(self) -> bytes:
        """Concatenated sub-blocks (with their length bytes) up to and including the 0."""
        start = self.pos
        while True:
            size = self.byte()
            if size == 0:
                return self.data[start : self.pos]
            self.take(size)


def _unblock(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(raw) and raw[i]:
        out += raw[i + 1 : i + 1 + raw[i]]
        i += 1 + raw[i]
    return bytes(out)


def _decode_indices(
    w: int, h: int, table: bytes, interlaced: bool, code_size: int, blocks: bytes
) -> np.ndarray:
    bits = max(1, (len(table) // 3 - 1).bit_length())
    flags = 0x80 | (bits - 1)
    wrapped = (
        b"GIF89a"
        + struct.pack("<HHBBB", w, h, flags, 0, 0)
        + table.ljust(3 << bits, b"\0")
        + b","
        + struct.pack("<HHHHB", 0, 0, w, h, 0x40 if interlaced else 0)
        + bytes([code_size])
        + blocks
        + b";"
    )
    try:
        with Image.open(io.BytesIO(wrapped)) as im:
            im.load()
            return np.asarray(im, dtype=np.uint8).copy()
    except (OSError, ValueError, SyntaxError) as exc:
        raise GifFormatError(f"image data cannot be decoded: {exc}") from None


def decode_gif(data: bytes) -> DecodedGif:
    """Displayed frames, delays and loop count of a GIF; raises GifFormatError when malformed."""
    r = _Reader(data)
    if r.take(6) not in (b"GIF87a", b"GIF89a"):
        raise GifFormatError("not a GIF")
    width, height, flags, _bg, _aspect = struct.unpack("<HHBBB", r.take(7))
    gct = r.take(3 << ((flags & 7) + 1)) if flags & 0x80 else b""
    result = DecodedGif(width, height, None, global_table=bool(gct))
    canvas = np.zeros((height, width, 4), np.uint8)
    pending_disposal: tuple[int, tuple[int, int, int, int], np.ndarray | None] | None = None
    gce: tuple[int, int, int | None] = (0, 0, None)  # disposal, delay cs, transparent index
    while True:
        if r.pos >= len(data):
            break  # a missing trailer: viewers show what they have
        kind = r.byte()
        if kind == 0x3B:
            break
        if kind == 0x21:
            label = r.byte()
            if label == 0xF9:
                body = _unblock(r.sub_blocks())
                if len(body) < 4:
                    raise GifFormatError("short graphic control extension")
                packed, delay, tindex = struct.unpack("<BHB", body[:4])
                gce = ((packed >> 2) & 7, delay, tindex if packed & 1 else None)
            elif label == 0xFF:
                body = _unblock(r.sub_blocks())
                app = body[:11] in (b"NETSCAPE2.0", b"ANIMEXTS1.0")
                if app and len(body) >= 14 and body[11] == 1:
                    result.loop = struct.unpack("<H", body[12:14])[0]
            else:
                r.sub_blocks()
            continue
        if kind != 0x2C:
            raise GifFormatError(f"unexpected block 0x{kind:02x} at byte {r.pos - 1}")
        x, y, w, h, iflags = struct.unpack("<HHHHB", r.take(9))
        table = gct
        if iflags & 0x80:
            table = r.take(3 << ((iflags & 7) + 1))
            result.local_tables += 1
        if not table:
            raise GifFormatError("image without a colour table")
        code_size = r.byte()
        blocks = r.sub_blocks()
        # apply the previous image's disposal before drawing this one
        if pending_disposal is not None:
            disposal, (px0, py0, px1, py1), saved = pending_disposal
            if disposal == 2:
                canvas[py0:py1, px0:px1] = 0
            elif disposal == 3 and saved is not None:
                canvas[py0:py1, px0:px1] = saved
        disposal, delay, tindex = gce
        x0, y0 = min(x, width), min(y, height)
        x1, y1 = min(x + w, width), min(y + h, height)
        saved = canvas[y0:y1, x0:x1].copy() if disposal == 3 else None
        if w and h:
            idx = _decode_indices(w, h, table, bool(iflags & 0x40), code_size, blocks)
            colours = np.frombuffer(table, np.uint8).reshape(-1, 3)
            idx = idx[: y1 - y0, : x1 - x0]
            rgba = np.concatenate(
                [
                    colours[np.minimum(idx, len(colours) - 1)],
                    np.full((*idx.shape, 1), 255, np.uint8),
                ],
                axis=2,
            )
            draw = np.ones(idx.shape, bool) if tindex is None else idx != tindex
            region = canvas[y0:y1, x0:x1]
            region[draw] = rgba[draw]
        result.frames.append(canvas.copy())
        result.durations_ms.append(delay * 10)
        pending_disposal = (disposal, (x0, y0, x1, y1), saved)
        gce = (0, 0, None)
    return result


def as_rgba(image: Image.Image, *, binary_alpha: bool = True) -> np.ndarray:
    """An image as an RGBA array; with ``binary_alpha`` as a GIF can show it (0 or 255)."""
    rgba = np.array(image.convert("RGBA"), dtype=np.uint8)
    if binary_alpha:
        opaque = rgba[:, :, 3] >= 128
        rgba[:, :, 3] = np.where(opaque, 255, 0)
        rgba[~opaque] = 0
    return rgba


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB of two same-shaped uint8 arrays (inf when equal)."""
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    diff = a.astype(np.float64) - b.astype(np.float64)
    mse = float(np.mean(diff * diff))
    return math.inf if mse == 0 else 10 * math.log10(255.0**2 / mse)


def expand_by_time(frames: list[np.ndarray], durations_ms: list[int]) -> list[np.ndarray]:
    """One entry per 10 ms of display: aligns two decodings that merged frames differently."""
    out: list[np.ndarray] = []
    for frame, d in zip(frames, durations_ms, strict=True):
        out.extend([frame] * max(1, round(d / 10)))
    return out


def fidelity(
    source: list[np.ndarray], source_ms: list[int], decoded: DecodedGif
) -> tuple[bool, float]:
    """(pixel-exact?, minimum PSNR over display time) of a decoded GIF against its sources."""
    a = expand_by_time(source, source_ms)
    b = expand_by_time(decoded.frames, decoded.durations_ms)
    if len(a) != len(b):
        raise ValueError(f"display times differ: {len(a) * 10} ms and {len(b) * 10} ms")
    exact = True
    worst = math.inf
    seen: dict[tuple[int, int], float] = {}
    for fa, fb in zip(a, b, strict=True):
        key = (id(fa), id(fb))
        if key not in seen:
            seen[key] = psnr(fa, fb)
        worst = min(worst, seen[key])
        exact = exact and seen[key] == math.inf
    return exact, worst
