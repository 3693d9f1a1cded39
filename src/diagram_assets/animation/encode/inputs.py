"""The checks every encoder makes on its frames and durations."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image


def check_frames(frames: Sequence[Image.Image], durations_ms: Sequence[int]) -> None:
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
