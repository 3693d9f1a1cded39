"""Encoders for animations of flat diagram art: GIF (our own optimiser), WebP and APNG (Pillow).

The GIF encoder works on whole frames of one size and writes the GIF container itself; only
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
import shutil
import struct
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

MAX_DELAY_CS = 0xFFFF
_GIFSICLE_TIMEOUT_S = 120

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)


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


# --------------------------------------------------------------------------- pixels as keys


def frame_keys(image: Image.Image) -> np.ndarray:
    """An image as a 2-D array of packed RGBA (uint32); transparent pixels are 0.

    Alpha below 128 counts as transparent, anything else as opaque (alpha 255): GIF pixels are
    either fully transparent or fully opaque.
    """
    rgba = np.array(image.convert("RGBA"), dtype=np.uint8)
    opaque = rgba[:, :, 3] >= 128
    rgba[:, :, 3] = np.where(opaque, 255, 0).astype(np.uint8)
    rgba[~opaque] = 0
    return np.ascontiguousarray(rgba).view("<u4")[:, :, 0]


def keys_to_rgb(keys: np.ndarray) -> np.ndarray:
    """Packed keys (any shape) to an array of shape ``keys.shape + (3,)`` of uint8 RGB."""
    k = keys.astype("<u4")
    return np.stack([(k & 0xFF), (k >> 8) & 0xFF, (k >> 16) & 0xFF], axis=-1).astype(np.uint8)


def _bbox(mask: np.ndarray) -> Rect | None:
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _union(a: Rect | None, b: Rect | None) -> Rect | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


# --------------------------------------------------------------------------- frame planning


@dataclass
class _Plan:
    source: int  # index of the input frame
    rect: Rect
    keys: np.ndarray  # keys inside rect
    must: np.ndarray  # bool inside rect: pixels whose value has to be written
    delay_ms: int
    disposal: int = 1
    uniq: np.ndarray = field(init=False)  # the distinct keys inside rect, sorted
    inverse: np.ndarray = field(init=False)  # keys == uniq[inverse]

    def __post_init__(self) -> None:
        uniq, inverse = np.unique(self.keys, return_inverse=True)
        self.uniq = uniq
        self.inverse = inverse.reshape(self.keys.shape)

    def colours(self, shown: np.ndarray) -> np.ndarray:
        """The distinct opaque keys among the pixels where ``shown`` is true, sorted."""
        present = np.bincount(self.inverse[shown], minlength=len(self.uniq)) > 0
        return self.uniq[present & (self.uniq != 0)]


def _merge_identical(keys: list[np.ndarray], durations: list[int]) -> list[tuple[int, int]]:
    """(input index, summed duration) of the frames left after merging identical neighbours."""
    kept: list[tuple[int, int]] = []
    for i, k in enumerate(keys):
        if kept and np.array_equal(keys[kept[-1][0]], k):
            kept[-1] = (kept[-1][0], kept[-1][1] + durations[i])
        else:
            kept.append((i, durations[i]))
    return kept


def _plan_frames(keys: list[np.ndarray], kept: list[tuple[int, int]]) -> list[_Plan]:
    height, width = keys[0].shape
    full: Rect = (0, 0, width, height)
    seq = [keys[i] for i, _ in kept]
    # clears[j]: pixels opaque in frame j-1 and transparent in frame j; frame j-1 must be
    # disposed (restored to background) over them.
    clears: list[Rect | None] = [None]
    for j in range(1, len(seq)):
        clears.append(_bbox((seq[j - 1] != 0) & (seq[j] == 0)))
    plans: list[_Plan] = []
    for j, (src, delay) in enumerate(kept):
        k = seq[j]
        if j == 0:
            must = k != 0
            rect: Rect | None = full
        else:
            must = k != seq[j - 1]
            prev = plans[-1]
            if prev.disposal == 2:
                x0, y0, x1, y1 = prev.rect
                cleared = np.zeros_like(must)
                cleared[y0:y1, x0:x1] = True
                must |= cleared & (k != 0)
            rect = _bbox(must)
        nxt = clears[j + 1] if j + 1 < len(seq) else None
        disposal = 2 if nxt is not None else 1
        rect = _union(rect, nxt) or (0, 0, 1, 1)
        x0, y0, x1, y1 = rect
        plans.append(
            _Plan(
                source=src,
                rect=rect,
                keys=k[y0:y1, x0:x1],
                must=must[y0:y1, x0:x1],
                delay_ms=delay,
                disposal=disposal,
            )
        )
    return plans


# --------------------------------------------------------------------------- colour tables


def _table_bits(entries: int) -> int:
    """Bits of the smallest GIF colour table holding ``entries`` colours (1..8)."""
    bits = 1
    while (1 << bits) < entries:
        bits += 1
    return bits


class _Table:
    """A colour table: keys in table order, with an optional transparent slot.

    ``lookup`` maps packed keys to table indices through a sorted copy of the keys.
    """

    def __init__(self, colours: np.ndarray, transparent: int | None) -> None:
        self.colours = colours  # uint32 keys in table order (the transparent slot excluded)
        self.transparent = transparent
        entries = len(colours) + (1 if transparent is not None else 0)
        self.bits = _table_bits(max(2, entries))
        order = np.argsort(colours, kind="stable")
        self._sorted = colours[order]
        slots = np.arange(entries, dtype=np.int32)
        if transparent is not None:
            slots = slots[slots != transparent]
        self._slot = slots[order]

    def covers(self, colours: np.ndarray) -> bool:
        if len(self._sorted) == 0:
            return len(colours) == 0
        pos = np.minimum(np.searchsorted(self._sorted, colours), len(self._sorted) - 1)
        return bool((self._sorted[pos] == colours).all())

    def slots(self, keys: np.ndarray) -> np.ndarray:
        """Table index of each key (keys the table lacks get the transparent slot, or 0)."""
        if len(self._sorted) == 0:
            return np.full(keys.shape, self.transparent or 0, np.int32)
        pos = np.minimum(np.searchsorted(self._sorted, keys), len(self._sorted) - 1)
        found = self._sorted[pos] == keys
        return np.where(found, self._slot[pos], self.transparent or 0).astype(np.int32)

    def indices(self, plan: _Plan, hidden: np.ndarray) -> np.ndarray:
        """The frame as table indices; ``hidden`` pixels (and transparent ones) transparent."""
        idx = self.slots(plan.uniq)[plan.inverse]
        if self.transparent is not None:
            idx[hidden | (plan.keys == 0)] = self.transparent
        return idx

    def to_bytes(self) -> bytes:
        rgb = np.zeros((1 << self.bits, 3), np.uint8)
        slots = np.arange(len(self.colours) + (1 if self.transparent is not None else 0))
        if self.transparent is not None:
            slots = slots[slots != self.transparent]
        rgb[slots] = keys_to_rgb(self.colours)
        return rgb.tobytes()


def _lzw(indices: np.ndarray) -> tuple[int, bytes]:
    """LZW-compressed image data (sub-blocks, no terminator) and its minimum code size.

    The code size only has to cover the largest index used, not the colour table: a frame
    that uses the first 4 entries of a 256-colour table starts with 3-bit codes, not 9-bit.
    """
    code_size = max(2, int(indices.max()).bit_length())
    image = Image.fromarray(np.ascontiguousarray(indices, dtype=np.uint8), "L")
    return code_size, image.tobytes("gif", "L", code_size, 0)


@dataclass
class _Block:
    """One encoded image block: what is written after the graphic control extension."""

    local_table: bytes | None
    code_size: int
    data: bytes
    transparent: int | None

    @property
    def size(self) -> int:
        return len(self.data) + (len(self.local_table) if self.local_table else 0)


def _nearest(colours: np.ndarray, palette_rgb: np.ndarray) -> np.ndarray:
    """Index of the nearest palette colour (squared RGB distance) for each of ``colours``."""
    pal = palette_rgb.astype(np.int32)
    out = np.empty(len(colours), np.int32)
    step = max(1, 2_000_000 // max(1, len(pal)))
    for start in range(0, len(colours), step):
        part = colours[start : start + step].astype(np.int32)
        dist = ((part[:, None, :] - pal[None, :, :]) ** 2).sum(axis=2)
        out[start : start + step] = dist.argmin(axis=1)
    return out


def _quantize(keys: np.ndarray, must: np.ndarray, dither: bool) -> tuple[np.ndarray, np.ndarray]:
    """Reduce the drawn pixels to at most 255 colours: (palette keys, index array).

    The palette comes from Pillow's median cut over the drawn pixels; each colour then takes
    its nearest palette entry (exact search: Pillow's own remapping uses a coarse colour
    cache that costs ~20 dB on anti-aliased art). ``dither`` uses Pillow's Floyd–Steinberg.
    """
    drawn = keys[must & (keys != 0)]
    sample = Image.fromarray(keys_to_rgb(drawn).reshape(1, -1, 3), "RGB")
    reduced = sample.quantize(255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    used = np.unique(np.asarray(reduced))
    flat = np.array((reduced.getpalette() or [])[: 3 * 256], np.uint8).reshape(-1, 3)
    colours = flat[used]
    count = len(colours)
    if dither:
        table = np.concatenate([colours, np.repeat(colours[:1], 256 - count, axis=0)])
        holder = Image.new("P", (1, 1))
        holder.putpalette(table.reshape(-1).tolist())
        mapped = Image.fromarray(keys_to_rgb(keys), "RGB").quantize(
            palette=holder, dither=Image.Dither.FLOYDSTEINBERG
        )
        idx = np.asarray(mapped).astype(np.int32)
        idx[idx >= count] = 0  # padding entries repeat colour 0
    else:
        uniq, inverse = np.unique(keys, return_inverse=True)
        idx = _nearest(keys_to_rgb(uniq), colours)[inverse.reshape(keys.shape)]
    rgba = np.concatenate([colours, np.full((count, 1), 255, np.uint8)], axis=1)
    pal_keys = np.ascontiguousarray(rgba).view("<u4")[:, 0]
    return pal_keys, idx


def _run_extension(keys: np.ndarray, must: np.ndarray, backward: bool) -> np.ndarray:
    """Unchanged pixels that continue the colour run of the drawn pixel before them.

    In raster order, a stretch of unchanged pixels that starts with the colour of the last
    drawn pixel (or, before any, of the first pixel) may be drawn in that colour instead of
    transparent: LZW then sees one long run. With ``backward`` the same is done from the end
    (runs leading into a drawn pixel).
    Returns the mask of unchanged pixels to draw with their own colour.
    """
    k = keys.reshape(-1)
    m = must.reshape(-1)
    if backward:
        k, m = k[::-1], m[::-1]
    pos = np.arange(k.size)
    last_must = np.maximum.accumulate(np.where(m, pos, -1))
    # before the first drawn pixel, the run is that of the image's first pixel
    prev = np.where(last_must >= 0, k[np.maximum(last_must, 0)], k[0])
    same = (k == prev) & (k != 0)
    breaks = np.maximum.accumulate(np.where(~m & ~same, pos, -1))
    keep = ~m & same & (breaks < np.maximum(last_must, 0))
    if backward:
        keep = keep[::-1]
    return keep.reshape(keys.shape)


def _variants(plan: _Plan) -> list[np.ndarray]:
    """Ways to write one frame: each the mask of unchanged pixels written transparent.

    All unchanged pixels transparent; transparent except where their colour extends a run of
    drawn pixels (forward, backward, both); or none transparent (all written in colour).
    """
    k, must = plan.keys, plan.must
    free = ~must
    none = np.zeros_like(free)
    if not free.any():
        return [none]
    forward = _run_extension(k, must, backward=False)
    backward = _run_extension(k, must, backward=True)
    return [free, free & ~forward, free & ~backward, free & ~(forward | backward), none]


def _local_blocks(
    plan: _Plan, variants: list[np.ndarray], dither: bool
) -> tuple[list[_Block], np.ndarray | None]:
    """Encodings of a frame with its own exact colour table, or quantised when it must be.

    Returns the blocks and, when they are lossy (the frame's new pixels have more than 255
    colours, so no exact table exists; then the quantised block is the only one), the squared
    error of each pixel of the rectangle summed over R, G and B.
    """
    k = plan.keys
    has_clear = bool(plan.uniq[0] == 0)
    blocks: list[_Block] = []
    for hidden in variants:
        colours = plan.colours(~hidden)
        needs_t = has_clear or bool(hidden.any())
        if len(colours) + (1 if needs_t else 0) <= 256:
            table = _Table(colours, len(colours) if needs_t else None)
            code_size, data = _lzw(table.indices(plan, hidden))
            blocks.append(_Block(table.to_bytes(), code_size, data, table.transparent))
    if blocks:
        return blocks, None
    palette, idx = _quantize(k, plan.must, dither)
    shown = keys_to_rgb(palette)[idx].astype(np.int32)
    error = ((shown - keys_to_rgb(k).astype(np.int32)) ** 2).sum(axis=2).astype(np.int64)
    error[~plan.must | (k == 0)] = 0
    table = _Table(palette, len(palette))
    idx[~plan.must | (k == 0)] = len(palette)
    code_size, data = _lzw(idx)
    return [_Block(table.to_bytes(), code_size, data, table.transparent)], error


def _global_blocks(plan: _Plan, variants: list[np.ndarray], table: _Table) -> list[_Block]:
    """Encodings of a frame with the global table, for the variants whose colours it has."""
    blocks = []
    for hidden in variants:
        if table.covers(plan.colours(~hidden)):
            code_size, data = _lzw(table.indices(plan, hidden))
            blocks.append(_Block(None, code_size, data, table.transparent))
    return blocks


def _fill_tier(
    frame_sets: list[tuple[int, set[int]]],
    placed: set[int],
    capacity: int,
    usage: dict[int, int],
    seed_largest: bool,
) -> list[int]:
    """Colours to add so that frames fit in ``capacity`` entries (see ``_global_order``)."""
    now = set(placed)
    added: list[int] = []
    first = seed_largest
    while True:
        best, best_score = None, -1.0
        for area, colour_set in frame_sets:
            new = colour_set - now
            if not new or len(now) + len(new) > capacity:
                continue
            score = float(area) if first else area / len(new)
            if score > best_score:
                best, best_score = new, score
        if best is None:
            return added
        first = False
        for key in sorted(best, key=lambda c: (-usage.get(c, 0), c)):
            added.append(key)
            now.add(key)


def _global_orders(plans: list[_Plan], colours: np.ndarray) -> list[_Table]:
    """Candidate global tables, each ordered so that frames use low indices.

    A frame's LZW code size follows the largest index it uses: 2 bits up to index 3, 3 bits up
    to 7, and so on. Tables are filled tier by tier (4, 8, 16, … entries): within a tier,
    frames whose colours (the transparent slot counted as one) still fit are added — greedily
    by pixels per new colour, or the largest frame first, or whichever of the two covers more
    pixels. A fourth table simply orders colours by use. The encoder keeps the one that gives
    the smallest file.
    """
    frame_sets: list[tuple[int, set[int]]] = []
    usage: dict[int, int] = {}
    for j, plan in enumerate(plans):
        shown = plan.inverse if j == 0 else plan.inverse[plan.must]
        counts = np.bincount(shown.reshape(-1), minlength=len(plan.uniq))
        uniq, counts = plan.uniq[counts > 0], counts[counts > 0]
        colour_set = set(uniq.tolist())
        if j > 0:
            colour_set.add(0)  # unchanged pixels: the transparent slot
        frame_sets.append((plan.keys.size, colour_set))
        for key, count in zip(uniq.tolist(), counts.tolist(), strict=True):
            usage[key] = usage.get(key, 0) + count
    everything = set(colours.tolist()) | {0}
    by_use = sorted(everything, key=lambda c: (-usage.get(c, 0), c))
    orders = [by_use]
    for strategy in ("cover", "ratio", "largest"):
        order: list[int] = []
        placed: set[int] = set()
        capacity = 4
        while capacity <= 256 and any(not cs <= placed for _, cs in frame_sets):
            fills = []
            for seed_largest in (False, True):
                if strategy == "cover" or seed_largest == (strategy == "largest"):
                    fill = _fill_tier(frame_sets, placed, capacity, usage, seed_largest)
                    now = placed | set(fill)
                    fills.append((sum(a for a, cs in frame_sets if cs <= now), fill))
            fill = max(fills, key=lambda t: t[0])[1]
            order += fill
            placed.update(fill)
            capacity *= 2
        order += [c for c in by_use if c not in placed]
        if order not in orders:
            orders.append(order)
    tables = []
    for order in orders:
        transparent = order.index(0)
        keys = np.array([c for c in order if c != 0], dtype=np.uint32)
        tables.append(_Table(keys, transparent))
    return tables


# --------------------------------------------------------------------------- the encoder


def _check_inputs(frames: Sequence[Image.Image], durations_ms: Sequence[int]) -> None:
    if not frames:
        raise ValueError("no frames to encode")
    if len(frames) != len(durations_ms):
        raise ValueError(f"{len(frames)} frames but {len(durations_ms)} durations")
    size = frames[0].size
    for i, f in enumerate(frames):
        if f.size != size:
            raise ValueError(
                f"frame {i} is {f.size[0]}x{f.size[1]}, frame 0 is {size[0]}x{size[1]}"
            )
    if size[0] > 0xFFFF or size[1] > 0xFFFF or 0 in size:
        raise ValueError(f"GIF frames must be 1..65535 pixels wide and high, not {size}")
    for d in durations_ms:
        if d <= 0:
            raise ValueError(f"durations must be positive, not {d}")


def encode_gif_report(
    frames: Sequence[Image.Image],
    durations_ms: Sequence[int],
    *,
    loop: int | None = 0,
    dither: bool = False,
    gifsicle: bool = False,
) -> GifEncoding:
    """Encode ``frames`` (any modes, one size) as an animated GIF; see the module docstring."""
    _check_inputs(frames, durations_ms)
    if loop is not None and not 0 <= loop <= 0xFFFF:
        raise ValueError(f"loop must be None or 0..65535, not {loop}")
    keys = [frame_keys(f) for f in frames]
    kept = _merge_identical(keys, [int(d) for d in durations_ms])
    plans = _plan_frames(keys, kept)
    height, width = keys[0].shape

    # Every colour that is ever drawn: the first frame's and each later frame's new pixels.
    drawn = [plans[0].uniq]
    drawn += [p.colours(p.must) for p in plans[1:]]
    every = np.unique(np.concatenate(drawn))
    every = every[every != 0]
    tables: list[_Table | None] = [None]
    if len(every) <= 255:
        tables = list(_global_orders(plans, every))
    else:
        first = drawn[0][drawn[0] != 0]
        if len(first) <= 255:
            tables = [_global_orders(plans[:1], first)[0]]

    variants = [_variants(plan) for plan in plans]
    local = [_local_blocks(plan, v, dither) for plan, v in zip(plans, variants, strict=True)]
    quantized = [
        plan.source for plan, (_, err) in zip(plans, local, strict=True) if err is not None
    ]
    best_choice: tuple[int, _Table | None, list[_Block]] | None = None
    for table in tables:
        chosen: list[_Block] = []
        for plan, v, (blocks, _) in zip(plans, variants, local, strict=True):
            extra = _global_blocks(plan, v, table) if table is not None else []
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
            flags = 0x80 | (_table_bits(len(best.local_table) // 3) - 1)
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
    plans: list[_Plan], errors: list[np.ndarray | None], width: int, height: int
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


def gifsicle_available() -> bool:
    return shutil.which("gifsicle") is not None


def gifsicle_pass(data: bytes) -> bytes:
    """``gifsicle -O3`` over ``data`` when gifsicle is installed; the smaller of the two."""
    exe = shutil.which("gifsicle")
    if exe is None:
        return data
    try:
        done = subprocess.run(
            [exe, "-O3", "--no-warnings"],
            input=data,
            capture_output=True,
            timeout=_GIFSICLE_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return data
    if done.returncode != 0 or not done.stdout.startswith(b"GIF"):
        return data
    return done.stdout if len(done.stdout) < len(data) else data


# --------------------------------------------------------------------------- WebP and APNG


def plays_to_gif_loop(plays: int) -> int | None:
    """A number of plays (0 = forever) as the GIF loop value (``None`` = no extension)."""
    if plays == 0:
        return 0
    return None if plays == 1 else plays - 1


def encode_webp(
    frames: Sequence[Image.Image],
    durations_ms: Sequence[int],
    *,
    plays: int = 0,
    lossless: bool = True,
    quality: int = 90,
) -> bytes:
    """An animated WebP (Pillow); ``plays`` is the number of plays, 0 for forever."""
    return _pillow_animation(
        "WEBP",
        frames,
        durations_ms,
        loop=plays,
        lossless=lossless,
        quality=100 if lossless else quality,
        method=4,
        background=(0, 0, 0, 0),
    )


def encode_apng(
    frames: Sequence[Image.Image],
    durations_ms: Sequence[int],
    *,
    plays: int = 0,
) -> bytes:
    """An animated PNG (Pillow); ``plays`` is the number of plays, 0 for forever."""
    return _pillow_animation(
        "PNG", frames, durations_ms, loop=plays, disposal=0, blend=0, optimize=True
    )


def _pillow_animation(
    format: str, frames: Sequence[Image.Image], durations_ms: Sequence[int], **options: object
) -> bytes:
    """RGBA frames saved as one animated image by Pillow's ``format`` writer."""
    _check_inputs(frames, durations_ms)
    rgba = [f.convert("RGBA") for f in frames]
    out = io.BytesIO()
    rgba[0].save(
        out,
        format=format,
        save_all=True,
        append_images=rgba[1:],
        duration=[int(d) for d in durations_ms],
        **options,
    )
    return out.getvalue()
