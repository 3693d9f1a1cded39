"""Where PNG encoding is cheapest: Chromium's encoder (canvas toBlob, timed inside the page)
against Pillow re-encoding the same pixels at zlib levels 1, 3 and 6 — time and bytes.

    .venv/bin/python bench/png_encode.py [--corpus DIR]

It answers one question: would moving PNG encoding out of the page (pixels to Python, encoded
there, perhaps in parallel with the next render) make builds faster?
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

from PIL import Image

from diagram_assets.errors import DiagramsError
from diagram_assets.render import Renderer, RenderOptions
from diagram_assets.scene import load_scene

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    scenes = []
    for path in sorted(args.corpus.iterdir()):
        try:
            scenes.append(load_scene(path))
        except DiagramsError:
            continue
    chromium_s = 0.0
    pngs: list[bytes] = []
    with Renderer(pages=1) as renderer:
        for scene in scenes:
            try:
                result = renderer.render(scene, RenderOptions(formats=("png",)))
            except DiagramsError:
                continue
            chromium_s += result.timings.get("pngEncode", 0) / 1000
            pngs.extend(image.png for image in result.images if image.png)
    Image.MAX_IMAGE_PIXELS = None  # the corpus's library sheets are large on purpose
    pixels = []
    for data in pngs:
        with Image.open(io.BytesIO(data)) as im:
            pixels.append(im.convert("RGBA"))
    megapixels = sum(im.width * im.height for im in pixels) / 1e6
    print(f"{len(pngs)} PNGs, {megapixels:.0f} megapixels")
    print(f"Chromium toBlob      {chromium_s:6.2f} s  {sum(map(len, pngs)) / 1e6:6.1f} MB")
    for level in (1, 3, 6):
        started = time.perf_counter()
        size = 0
        for im in pixels:
            out = io.BytesIO()
            im.save(out, "PNG", compress_level=level)
            size += out.tell()
        seconds = time.perf_counter() - started
        print(f"Pillow level {level}       {seconds:6.2f} s  {size / 1e6:6.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
