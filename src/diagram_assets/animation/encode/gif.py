"""The GIF encoder for animations of flat diagram art (our own optimiser).

It works on whole frames of one size and writes the GIF container itself; only
the LZW compression of each image block is Pillow's (its C ``gif`` encoder, asked for the
smallest code size the frame's indices allow). What it does, in order:

1. Frames become arrays of packed RGBA keys; alpha is made binary (GIF has one transparent
   index), every transparent pixel gets the key 0.
2. Identical consecutive frames are merged and their durations summed.
3. Each later frame is reduced to the pixels that differ from the frame before ("must draw");
   its image block covers only their bounding rectangle. Where a pixel becomes transparent
   again, the frame before is given disposal 2 (restore to background) over a rectangle
   enlarged to cover those pixels.
4. Colours: when every colour of the animation fits in 255 (one index kept for transparency),
   one global table serves all frames and the result is lossless. Otherwise the first frame's
   colours (when they fit) become the global table and each frame whose new pixels need other
   colours gets its own table — exact when its pixels have at most 255 colours, median-cut
   quantised (no dithering unless asked; nearest colours found exactly) when they have more;
   only those frames are lossy, and the encoder reports a bound on the PSNR a viewer sees.
5. A frame's LZW code size only has to cover the largest index it uses, so the global table
   is ordered to keep each frame's indices low (filled tier by tier: the first 4 entries give
   3-bit codes, the first 8 give 4-bit codes, …); a few orders are tried.
6. For every frame several encodings are compressed and the smallest kept: unchanged pixels
   all transparent, all in their colour, or transparent except where their colour continues
   the run of the drawn pixel before or after them (LZW then sees one long run) — each with
   the global table when it has the colours, and with a compact local table.

Delays are written in centiseconds (rounded from milliseconds, at least 1); the loop count goes
in the NETSCAPE2.0 extension: 0 loops forever, N repeats N more times, ``None`` omits the
extension so the animation plays once.
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from .gifsicle import gifsicle_pass
from .image_blocks import ImageBlock, global_blocks, local_blocks, variants_of
from .inputs import check_frames
from .palette import ColourTable, global_orders, table_bits
from .plan import FramePlan, frame_keys, merge_identical, plan_frames

MAX_DELAY_CS = 0xFFFF


@dataclass(frozen=True)
class GifEncoding:
    """The bytes of an encoded GIF and what the encoder did to get them."""

    data: bytes
    frames_in: int
    frames_written: int
    global_palette: bool  # every frame uses the one global colour table
    quantized_frames: tuple[int, ...]  # input indices of frames whose colours were reduced
    clamped_delays: int  # merged frames whose summed delay was cut to 655.35 s
    min_psnr: float = math.inf  # lower bound of every displayed frame's PSNR (RGBA, dB)

    @property
    def lossless(self) -> bool:
        return not self.quantized_frames


def encode_gif_report(
    frames: Sequence[Image.Image],
    durations_ms: Sequence[int],
    *,
    loop: int | None = 0,
    dither: bool = False,
    gifsicle: bool = False,
) -> GifEncoding:
    """Encode ``frames`` (any modes, one size) as an animated GIF; see the module docstring."""
    check_frames(frames, durations_ms)
    if loop is not None and not 0 <= loop <= 0xFFFF:
        raise ValueError(f"loop must be None or 0..65535, not {loop}")
    keys = [frame_keys(f) for f in frames]
    kept = merge_identical(keys, [int(d) for d in durations_ms])
    plans = plan_frames(keys, kept)
    height, width = keys[0].shape

    # Every colour that is ever drawn: the first frame's and each later frame's new pixels.
    drawn = [plans[0].uniq]
    drawn += [p.colours(p.must) for p in plans[1:]]
    every = np.unique(np.concatenate(drawn))
    every = every[every != 0]
    tables: list[ColourTable | None] = [None]
    if len(every) <= 255:
        tables = list(global_orders(plans, every))
    else:
        first = drawn[0][drawn[0] != 0]
        if len(first) <= 255:
            tables = [global_orders(plans[:1], first)[0]]

    variants = [variants_of(plan) for plan in plans]
    local = [local_blocks(plan, v, dither) for plan, v in zip(plans, variants, strict=True)]
    quantized = [
        plan.source for plan, (_, err) in zip(plans, local, strict=True) if err is not None
    ]
    best_choice: tuple[int, ColourTable | None, list[ImageBlock]] | None = None
    for table in tables:
        chosen: list[ImageBlock] = []
        for plan, v, (blocks, _) in zip(plans, variants, local, strict=True):
            extra = global_blocks(plan, v, table) if table is not None else []
            chosen.append(min(extra + blocks, key=lambda b: b.size))
        total = sum(b.size for b in chosen) + (3 << table.bits if table is not None else 0)
        if best_choice is None or total < best_choice[0]:
            best_choice = (total, table, chosen)
    assert best_choice is not None
    _, global_table, chosen = best_choice

    out = io.BytesIO()
    if global_table is not None:
        flags = 0xF0 | (global_table.bits - 1)
        out.write(b"GIF89a" + struct.pack("<HHBBB", width, height, flags, 0, 0))
        out.write(global_table.to_bytes())
    else:
        out.write(b"GIF89a" + struct.pack("<HHBBB", width, height, 0x70, 0, 0))
    if loop is not None:
        out.write(b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", loop) + b"\0")
    clamped = 0
    for plan, best in zip(plans, chosen, strict=True):
        delay = max(1, (plan.delay_ms + 5) // 10)
        if delay > MAX_DELAY_CS:
            delay, clamped = MAX_DELAY_CS, clamped + 1
        packed = (plan.disposal << 2) | (1 if best.transparent is not None else 0)
        gce = struct.pack("<BHB", packed, delay, best.transparent or 0)
        out.write(b"!\xf9\x04" + gce + b"\0")
        x0, y0, x1, y1 = plan.rect
        flags = 0
        if best.local_table is not None:
            flags = 0x80 | (table_bits(len(best.local_table) // 3) - 1)
        out.write(b"," + struct.pack("<HHHHB", x0, y0, x1 - x0, y1 - y0, flags))
        if best.local_table is not None:
            out.write(best.local_table)
        out.write(bytes([best.code_size]) + best.data + b"\0")
    out.write(b";")
    data = out.getvalue()
    min_psnr = _psnr_bound(plans, [err for _, err in local], width, height)
    if gifsicle:
        data = gifsicle_pass(data)
    return GifEncoding(
        data=data,
        frames_in=len(frames),
        frames_written=len(plans),
        global_palette=all(b.local_table is None for b in chosen),
        quantized_frames=tuple(quantized),
        clamped_delays=clamped,
        min_psnr=min_psnr,
    )


def _psnr_bound(
    plans: list[FramePlan], errors: list[np.ndarray | None], width: int, height: int
) -> float:
    """The lowest PSNR of any displayed frame, as a bound: an error canvas takes each lossy
    frame's squared errors where it draws and resets where an exact frame draws; pixels a
    frame leaves unchanged keep their error (redrawing them exactly only lowers it)."""
    if all(e is None for e in errors):
        return math.inf
    canvas = np.zeros((height, width), np.int64)
    worst = math.inf
    for plan, error in zip(plans, errors, strict=True):
        x0, y0, x1, y1 = plan.rect
        region = canvas[y0:y1, x0:x1]
        region[plan.must] = 0 if error is None else error[plan.must]
        total = int(canvas.sum())
        if total:
            mse = total / (width * height * 4)  # RGBA, alpha always exact
            worst = min(worst, 10 * math.log10(255.0**2 / mse))
    return worst


def encode_gif(
    frames: Sequence[Image.Image],
    durations_ms: Sequence[int],
    *,
    loop: int | None = 0,
    dither: bool = False,
    gifsicle: bool = False,
) -> bytes:
    """The bytes of an animated GIF of ``frames`` shown for ``durations_ms`` each.

    ``loop``: 0 loops forever, N repeats N more times (N+1 plays), ``None`` plays once.
    ``dither``: Floyd–Steinberg dithering for frames that need colour reduction.
    ``gifsicle``: run ``gifsicle -O3`` afterwards when it is installed (keeping the smaller).
    """
    return encode_gif_report(frames, durations_ms, loop=loop, dither=dither, gifsicle=gifsicle).data


def plays_to_gif_loop(plays: int) -> int | None:
    """A number of plays (0 = forever) as the GIF loop value (``None`` = no extension)."""
    if plays == 0:
        return 0
    return None if plays == 1 else plays - 1
