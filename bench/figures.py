"""Time to build each of this repo's five figures: spec → Scene, and Scene → PNG (Chromium).

Prints one line per figure: median spec→Scene time over several runs (loading + validation +
layout + elements), and the PNG render time with a warm renderer (median of three).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from diagram_assets.figures import build_figure, load_figure_spec
from diagram_assets.render import Renderer, RenderOptions

REPO = Path(__file__).resolve().parent.parent
FIVE = ["FF", "DFF", "RNN", "LSTM", "Transformer架构"]


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    specs = [REPO / "diagrams" / "figures" / f"{name}.figure.yaml" for name in FIVE]
    # first build includes loading the fonts for text measurement: report it separately
    start = time.perf_counter()
    build_figure(load_figure_spec(specs[0]))
    cold = time.perf_counter() - start
    print(f"first build (fonts loaded): {cold * 1000:.1f} ms")
    scenes = {}
    print(f"{'figure':<16} {'elements':>8} {'spec→Scene ms':>14} {'Scene→PNG ms':>13}")
    start = time.perf_counter()
    with Renderer() as renderer:
        renderer.render(build_figure(load_figure_spec(specs[0])), RenderOptions(formats=("png",)))
        warm = time.perf_counter() - start
        for name, path in zip(FIVE, specs, strict=True):
            build = median_time(lambda p=path: build_figure(load_figure_spec(p)), 20)
            scene = build_figure(load_figure_spec(path))
            scenes[name] = scene
            png = median_time(
                lambda s=scene: renderer.render(s, RenderOptions(formats=("png",))), 3
            )
            print(f"{name:<16} {len(scene.elements):>8} {build * 1000:>14.1f} {png * 1000:>13.1f}")
    print(f"renderer start + first render: {warm:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
