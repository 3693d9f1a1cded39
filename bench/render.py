"""Renderer costs on the shared corpus: start-up (and how long ``start(wait=False)`` keeps the
caller), the page server's small responses, per-drawing SVG/PNG medians, warm throughput with
1 and 2 pages (and where the page's time goes), and a fresh browser per file (the way one-shot
export tools work) as a ratio. Before/after comparisons of the renderer: bench/render_build.py.

    .venv/bin/python bench/render.py [--corpus DIR] [--oneshot N]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from diagram_assets.errors import DiagramsError
from diagram_assets.render import Renderer, RenderOptions, load_manifest
from diagram_assets.render.server import PageServer
from diagram_assets.scene import load_scene

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parents[1] / "shared" / "corpus"
SVG = RenderOptions(formats=("svg",))
PNG = RenderOptions(formats=("png",))
BOTH = RenderOptions()


def load_corpus(folder: Path) -> list[tuple[str, object]]:
    scenes = []
    for path in sorted(folder.iterdir()):
        try:
            scenes.append((path.name, load_scene(path)))
        except DiagramsError:
            continue
    return scenes


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def throughput(scenes: list, pages: int) -> tuple[float, float, Counter]:
    steps: Counter = Counter()
    with Renderer(pages=pages) as r:
        r.start()
        started = time.perf_counter()
        futures = [r.submit(scene, BOTH) for _, scene in scenes]
        for f in futures:
            for step, ms in f.result().timings.items():
                steps[step] += ms / 1000
        seconds = time.perf_counter() - started
    return seconds, len(scenes) / seconds, steps


def start_without_waiting(scene) -> float:
    """Seconds ``start(wait=False)`` keeps its caller (the start-up itself goes on behind)."""
    with Renderer(pages=1) as r:
        seconds = timed(lambda: r.start(wait=False))
        r.render(scene, SVG)
    return seconds


def small_responses(count: int = 20) -> float:
    """Seconds for ``count`` small page-server responses, one after another on one connection:
    with Nagle's algorithm on, each would wait for the client's delayed ACK (~40 ms)."""
    server = PageServer(load_manifest())
    try:
        host, port = server.origin.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        started = time.perf_counter()
        for _ in range(count):
            conn.request("GET", "/config.js")
            conn.getresponse().read()
        seconds = time.perf_counter() - started
        conn.close()
    finally:
        server.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--oneshot", type=int, default=10, help="drawings for the one-shot run")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    scenes = load_corpus(args.corpus)
    print(f"corpus: {len(scenes)} drawings from {args.corpus}")

    # Start-up: browser launch, then the first page ready (bundle loaded, fonts warmed).
    started = time.perf_counter()
    r = Renderer(pages=1)
    r.start()
    ready = time.perf_counter() - started
    print(f"browser launch            {r.stats.launch_seconds:6.3f} s")
    print(f"first page ready          {ready:6.3f} s  (from Renderer() to a warm page)")
    returns, responses = start_without_waiting(scenes[0][1]), small_responses()
    print(f"start(wait=False) returns {returns:6.3f} s  (start-up goes on behind the caller)")
    print(f"20 small page responses   {responses:6.3f} s  (in turn, on one connection)")

    # Per-drawing medians, one warm page (each drawing once as warm-up, then measured).
    svg_times, png_times = [], []
    for _, scene in scenes:
        r.render(scene, BOTH)
        svg_times.append(timed(lambda s=scene: r.render(s, SVG)))
        png_times.append(timed(lambda s=scene: r.render(s, PNG)))
    r.close()
    print(f"SVG per drawing, median   {statistics.median(svg_times):6.3f} s  "
          f"(max {max(svg_times):.2f} s)")  # fmt: skip
    print(f"PNG per drawing, median   {statistics.median(png_times):6.3f} s  "
          f"(max {max(png_times):.2f} s)")  # fmt: skip

    # Warm throughput, SVG + PNG of every drawing.
    one_s, one_rate, steps = throughput(scenes, 1)
    two_s, two_rate, _ = throughput(scenes, 2)
    print(f"warm, 1 page              {one_s:6.2f} s  {one_rate:5.2f} drawings/s (SVG+PNG)")
    print(f"warm, 2 pages             {two_s:6.2f} s  {two_rate:5.2f} drawings/s (SVG+PNG)")
    shown = ", ".join(f"{k} {v:.2f}" for k, v in steps.most_common() if k != "total")
    print(f"page time by step, 1 page  {steps['total']:5.2f} s = {shown} (s)")

    # One-shot: a fresh browser per file, as single-file export tools do.
    sample = scenes[: args.oneshot]
    started = time.perf_counter()
    for _, scene in sample:
        with Renderer(pages=1) as fresh:
            fresh.render(scene, BOTH)
    oneshot = (time.perf_counter() - started) / len(sample)
    with Renderer(pages=1) as warm:
        warm.start()
        started = time.perf_counter()
        for _, scene in sample:
            warm.render(scene, BOTH)
        warm_each = (time.perf_counter() - started) / len(sample)
    print(f"fresh browser per file    {oneshot:6.3f} s/drawing  ({len(sample)} drawings)")
    print(f"warm browser              {warm_each:6.3f} s/drawing  (same drawings)")
    print(f"one-shot / warm ratio     {oneshot / warm_each:6.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
