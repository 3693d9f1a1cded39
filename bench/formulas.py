"""The render time MathJax adds to each Obsidian drawing with LaTeX formulas in the corpus.

For every corpus drawing holding ``$$…$$`` formulas: the median SVG+PNG render time with the
formulas typeset, and without them (the same scene with its formulas dropped, so they are drawn as
placeholders), on one warm renderer; the difference is what typesetting costs. Also prints the
page's own "formulas" step (typesetting and sizing, measured inside the page) and the first
typesetting on a fresh page (MathJax sets itself up then).

Usage: python bench/formulas.py [CORPUS_DIR] [RUNS]   (defaults: ../shared/corpus, 7)
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from diagram_assets.render import Renderer, RenderOptions
from diagram_assets.render.formulas import formula_renderer
from diagram_assets.scene import load_scene
from diagram_assets.scene.model import Scene

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(os.environ.get("DIAGRAMS_CORPUS", REPO.parent / "shared" / "corpus"))


def timed(renderer: Renderer, scene: Scene, runs: int) -> tuple[float, float]:
    """Median wall time of a render and median of the page's "formulas" step, in ms."""
    walls, steps = [], []
    for _ in range(runs):
        start = time.perf_counter()
        result = renderer.render(scene, RenderOptions())
        walls.append((time.perf_counter() - start) * 1000)
        steps.append(result.timings.get("formulas", 0.0))
    return statistics.median(walls), statistics.median(steps)


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    paths = sorted(p for p in corpus.glob("*.excalidraw.md") if "$$" in p.read_text("utf-8"))
    if not paths:
        print(f"no drawings with formulas in {corpus}", file=sys.stderr)
        return 1
    scenes = {p.name: load_scene(p) for p in paths}
    print(f"formula renderer: {formula_renderer()}; median of {runs} renders (SVG + PNG)")
    with Renderer(pages=1) as renderer:
        first = next(iter(scenes.values()))
        renderer.render(replace(first, formulas={}))  # page warm, MathJax not yet used
        cold = renderer.render(first).timings.get("formulas", 0.0)
        print(f"first typesetting on a fresh page (MathJax set-up included): {cold:.1f} ms")
        print(f"{'drawing':<48} {'formulas':>8} {'with ms':>8} {'without ms':>10} "
              f"{'added ms':>8} {'page step ms':>12}")  # fmt: skip
        for name, scene in scenes.items():
            with_formulas, step = timed(renderer, scene, runs)
            without, _ = timed(renderer, replace(scene, formulas={}), runs)
            print(f"{name[:48]:<48} {len(scene.formulas):>8} {with_formulas:>8.1f} "
                  f"{without:>10.1f} {with_formulas - without:>8.1f} {step:>12.1f}")  # fmt: skip
        print(f"browser start and first page: {renderer.stats.first_page_seconds * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
