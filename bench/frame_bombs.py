"""How long an animation takes to refuse a frame image that would decode or rasterise to a
billion pixels: the size guard reads only headers, so each refusal should take milliseconds
(an SVG of 30,000 px a side took 45 s of rasterising before the guard knew viewBox and 3e4).
tests/faults/test_huge.py checks the refusals themselves, and their memory; this prints their time.

    .venv/bin/python bench/frame_bombs.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import struct
import tempfile
import time
import warnings
import zlib
from pathlib import Path

from PIL import Image

from diagram_assets.animation import compose_animation, load_animation_spec
from diagram_assets.errors import SpecError


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_pixel_bomb(side: int) -> bytes:
    """A 1-bit PNG of ``side`` x ``side`` black pixels: a few kB that decode to side² pixels."""
    row = b"\0" * (1 + (side + 7) // 8)  # filter byte, then the row's bits
    d = zlib.compressobj(9)
    body = b"".join(d.compress(row) for _ in range(side)) + d.flush()
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"IDAT", body) + png_chunk(b"IEND", b"")


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" %s/>'
CASES = {
    "png-40000.png": png_pixel_bomb(40_000),
    "png-12000.png": png_pixel_bomb(12_000),
    "svg-viewbox.svg": SVG % b'viewBox="0 0 30000 30000"',
    "svg-exponent.svg": SVG % b'width="3e4" height="3e4"',
    "svg-percent.svg": SVG % b'width="100%" viewBox="0 0 3e4 3e4"',
}


def refusal_seconds(folder: Path, name: str, data: bytes) -> float:
    (folder / name).write_bytes(data)
    spec_path = folder / f"{Path(name).stem}.anim.yaml"
    spec_path.write_text(f"images: {name}\n", encoding="utf-8")
    spec = load_animation_spec(spec_path, root=folder)
    started = time.perf_counter()
    try:
        compose_animation(spec, None, lambda _message: None)
    except SpecError:
        return time.perf_counter() - started
    raise SystemExit(f"{name} was not refused")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    # Pillow warns before it refuses images over 89 M pixels (`diagrams build` shows it too)
    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
    print(f"median of {args.repeat} refusals each")
    with tempfile.TemporaryDirectory(prefix="diagrams-bench-") as tmp:
        folder = Path(tmp)
        for name, data in CASES.items():
            times = [refusal_seconds(folder, name, data) for _ in range(args.repeat)]
            ms = statistics.median(times) * 1000
            print(f"{name:18} {len(data):>9,} bytes  refused in {ms:7.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
