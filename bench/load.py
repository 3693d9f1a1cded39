"""Time ``load_scene`` on every corpus drawing: total, slowest five, and the largest file
against a bare ``json.loads`` of its text (the floor any loader pays).

Usage: .venv/bin/python bench/load.py [CORPUS_DIR] [--repeat N]
Each file is loaded N times (default 5) and the best CPU time of this process is kept, so
other work on the machine disturbs the numbers less.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

from diagram_assets.scene import load_scene

DEFAULT_CORPUS = Path(
    os.environ.get("DIAGRAMS_CORPUS") or Path(__file__).resolve().parents[2] / "shared" / "corpus"
)


def best_of(n: int, func) -> float:
    best = float("inf")
    for _ in range(n):
        start = time.process_time()
        func()
        best = min(best, time.process_time() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.glob("*") if p.is_file() and p.name != "SOURCES.md")
    if not files:
        print(f"no corpus files in {args.corpus}", file=sys.stderr)
        return 1
    times: list[tuple[float, Path, int]] = []
    for path in files:
        elements = len(load_scene(path).elements)
        times.append((best_of(args.repeat, lambda p=path: load_scene(p)), path, elements))
    total = sum(t for t, _, _ in times)
    size = sum(p.stat().st_size for _, p, _ in times)
    print(
        f"load_scene on {len(times)} corpus files ({size / 2**20:.1f} MiB), best of {args.repeat}"
    )
    print(f"  total        {total * 1000:8.1f} ms")
    print("  slowest 5:")
    for t, path, n in sorted(times, key=lambda x: x[0], reverse=True)[:5]:
        mib = path.stat().st_size / 2**20
        print(f"    {t * 1000:8.1f} ms  {mib:5.2f} MiB  {n:5d} el.  {path.name}")
    largest = max(files, key=lambda p: p.stat().st_size)
    t_load = next(t for t, p, _ in times if p == largest)
    text = largest.read_text(encoding="utf-8")
    m = re.search(r"```json\n(.*?)\n```", text, re.S)
    block = m.group(1) if m else text
    t_json = best_of(args.repeat, lambda: json.loads(block))
    print(
        f"  largest file: load {t_load * 1000:.1f} ms, bare json.loads {t_json * 1000:.1f} ms "
        f"(ratio {t_load / t_json:.2f}) — {largest.name}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
