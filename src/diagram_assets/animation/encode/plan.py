"""What each frame of a GIF has to draw: frames as packed RGBA keys, identical neighbours
merged, and each later frame reduced to the rectangle of pixels that changed."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)


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


@dataclass
class FramePlan:
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


def merge_identical(keys: list[np.ndarray], durations: list[int]) -> list[tuple[int, int]]:
    """(input index, summed duration) of the frames left after merging identical neighbours."""
    kept: list[tuple[int, int]] = []
    for i, k in enumerate(keys):
        if kept and np.array_equal(keys[kept[-1][0]], k):
            kept[-1] = (kept[-1][0], kept[-1][1] + durations[i])
        else:
            kept.append((i, durations[i]))
    return kept


def plan_frames(keys: list[np.ndarray], kept: list[tuple[int, int]]) -> list[FramePlan]:
    height, width = keys[0].shape
    full: Rect = (0, 0, width, height)
    seq = [keys[i] for i, _ in kept]
    # clears[j]: pixels opaque in frame j-1 and transparent in frame j; frame j-1 must be
    # disposed (restored to background) over them.
    clears: list[Rect | None] = [None]
    for j in range(1, len(seq)):
        clears.append(_bbox((seq[j - 1] != 0) & (seq[j] == 0)))
    plans: list[FramePlan] = []
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
            FramePlan(
                source=src,
                rect=rect,
                keys=k[y0:y1, x0:x1],
                must=must[y0:y1, x0:x1],
                delay_ms=delay,
                disposal=disposal,
            )
        )
    return plans
