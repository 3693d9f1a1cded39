"""Encoders for animations of flat diagram art: GIF (our own optimiser), WebP and APNG (Pillow).

The GIF encoder in parts: :mod:`.plan` (what each frame has to draw), :mod:`.palette` (colour
tables, quantisation, the global table's order), :mod:`.image_blocks` (the ways to encode one
frame's image block), :mod:`.gif` (choosing among them and writing the file) and
:mod:`.gifsicle` (the optional post-pass). :mod:`.webp_apng` hands WebP and APNG to Pillow.
"""

from __future__ import annotations

from .gif import GifEncoding, encode_gif, encode_gif_report, plays_to_gif_loop
from .gifsicle import gifsicle_available, gifsicle_pass
from .webp_apng import encode_apng, encode_webp

__all__ = [
    "GifEncoding",
    "encode_apng",
    "encode_gif",
    "encode_gif_report",
    "encode_webp",
    "gifsicle_available",
    "gifsicle_pass",
    "plays_to_gif_loop",
]
