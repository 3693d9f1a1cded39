"""The image block of one GIF frame, encoded several ways (unchanged pixels transparent, in
colour, or continuing runs; global or local table), so the encoder can keep the smallest."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from .palette import ColourTable, quantize
from .plan import FramePlan, keys_to_rgb


def lzw(indices: np.ndarray) -> tuple[int, bytes]:
    """LZW-compressed image data (sub-blocks, no terminator) and its minimum code size.

    The code size only has to cover the largest index used, not the colour table: a frame
    that uses the first 4 entries of a 256-colour table starts with 3-bit codes, not 9-bit.
    """
    code_size = max(2, int(indices.max()).bit_length())
    image = Image.fromarray(np.ascontiguousarray(indices, dtype=np.uint8), "L")
    return code_size, image.tobytes("gif", "L", code_size, 0)


@dataclass
class ImageBlock:
    """One encoded image block: what is written after the graphic control extension."""

    local_table: bytes | None
    code_size: int
    data: bytes
    transparent: int | None

    @property
    def size(self) -> int:
        return len(self.data) + (len(self.local_table) if self.local_table else 0)


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


def variants_of(plan: FramePlan) -> list[np.ndarray]:
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


def local_blocks(
    plan: FramePlan, variants: list[np.ndarray], dither: bool
) -> tuple[list[ImageBlock], np.ndarray | None]:
    """Encodings of a frame with its own exact colour table, or quantised when it must be.

    Returns the blocks and, when they are lossy (the frame's new pixels have more than 255
    colours, so no exact table exists; then the quantised block is the only one), the squared
    error of each pixel of the rectangle summed over R, G and B.
    """
    k = plan.keys
    has_clear = bool(plan.uniq[0] == 0)
    blocks: list[ImageBlock] = []
    for hidden in variants:
        colours = plan.colours(~hidden)
        needs_t = has_clear or bool(hidden.any())
        if len(colours) + (1 if needs_t else 0) <= 256:
            table = ColourTable(colours, len(colours) if needs_t else None)
            code_size, data = lzw(table.indices(plan, hidden))
            blocks.append(ImageBlock(table.to_bytes(), code_size, data, table.transparent))
    if blocks:
        return blocks, None
    palette, idx = quantize(k, plan.must, dither)
    shown = keys_to_rgb(palette)[idx].astype(np.int32)
    error = ((shown - keys_to_rgb(k).astype(np.int32)) ** 2).sum(axis=2).astype(np.int64)
    error[~plan.must | (k == 0)] = 0
    table = ColourTable(palette, len(palette))
    idx[~plan.must | (k == 0)] = len(palette)
    code_size, data = lzw(idx)
    return [ImageBlock(table.to_bytes(), code_size, data, table.transparent)], error


def global_blocks(
    plan: FramePlan, variants: list[np.ndarray], table: ColourTable
) -> list[ImageBlock]:
    """Encodings of a frame with the global table, for the variants whose colours it has."""
    blocks = []
    for hidden in variants:
        if table.covers(plan.colours(~hidden)):
            code_size, data = lzw(table.indices(plan, hidden))
            blocks.append(ImageBlock(None, code_size, data, table.transparent))
    return blocks
