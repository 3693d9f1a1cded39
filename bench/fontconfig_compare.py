"""The same bytes on every machine: builds this repository's diagrams and a few corpus drawings
(frame titles, embeddables, emoji, CJK in several font families) with ``diagrams build --force``
twice — under the machine's fontconfig and under a generated one that knows another font set —
and prints how many files were compared and how many bytes differ (0 when no system font decides
what the page draws).

    .venv/bin/python bench/fontconfig_compare.py [--corpus DIR] [--fonts dejavu|noto] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from support.fontconfig_builds import build_twice, font_dirs, write_fontconfig  # noqa: E402

DEFAULT_CORPUS = HERE.parents[1] / "shared" / "corpus"
# Another machine's fonts: only DejaVu (no CJK, no emoji), or only the Noto fonts (CJK, color
# emoji; "Helvetica" then resolves to Noto Sans CJK). A machine with no font at all is no test:
# Chromium then refuses some of Excalidraw's own small font shards (the render fails, loudly).
FONT_SETS = {"dejavu": ["dejavu"], "noto": ["noto"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--fonts", choices=sorted(FONT_SETS), default="dejavu")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    corpus = args.corpus if args.corpus.is_dir() else None
    with tempfile.TemporaryDirectory(prefix="fontconfig-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        dirs = [d for name in FONT_SETS[args.fonts] for d in font_dirs(name)]
        other = write_fontconfig(work / "other" / "fonts.conf", dirs)
        started = time.perf_counter()
        result, picked = build_twice(work, corpus, other)
        seconds = time.perf_counter() - started
    print(f"other fontconfig: {args.fonts} ({', '.join(map(str, dirs)) or 'no font folder'})")
    print(f"corpus drawings: {len(picked)}; two builds: {seconds:.1f} s")
    print(f"files compared: {len(result.compared)}")
    print(f"files differing: {len(result.differing)}")
    for name, n in result.differing.items():
        print(f"  {name}: {n} bytes")
    if result.only_in_one:
        print(f"written by one build only: {', '.join(result.only_in_one)}")
    print(f"bytes differing: {result.bytes_differing}")
    return 0 if result.bytes_differing == 0 and not result.only_in_one else 1


if __name__ == "__main__":
    raise SystemExit(main())
