"""GIF colour tables: exact tables, median-cut quantisation when a frame has too many
colours, and the order of the global table that keeps each frame's indices (and codes) small."""

from __future__ import annotations

import numpy as np
from PIL import Image

from .plan import FramePlan, keys_to_rgb


def table_bits(entries: int) -> int:
    """Bits of the smallest GIF colour table holding ``entries`` colours (1..8)."""
    bits = 1
    while (1 << bits) < entries:
        bits += 1
    return bits


class ColourTable:
    """A colour table: keys in table order, with an optional transparent slot.

    ``lookup`` maps packed keys to table indices through a sorted copy of the keys.
    """

    def __init__(self, colours: np.ndarray, transparent: int | None) -> None:
        self.colours = colours  # uint32 keys in table order (the transparent slot excluded)
        self.transparent = transparent
        entries = len(colours) + (1 if transparent is not None else 0)
        self.bits = table_bits(max(2, entries))
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

    def indices(self, plan: FramePlan, hidden: np.ndarray) -> np.ndarray:
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


def quantize(keys: np.ndarray, must: np.ndarray, dither: bool) -> tuple[np.ndarray, np.ndarray]:
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


def _fill_tier(
    frame_sets: list[tuple[int, set[int]]],
    placed: set[int],
    capacity: int,
    usage: dict[int, int],
    seed_largest: bool,
) -> list[int]:
    """Colours to add so that frames fit in ``capacity`` entries (see ``global_orders``)."""
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


def global_orders(plans: list[FramePlan], colours: np.ndarray) -> list[ColourTable]:
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
        tables.append(ColourTable(keys, transparent))
    return tables
