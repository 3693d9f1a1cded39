"""What reading Obsidian drawings' front matter and finding the parts notes embed costs
`diagrams check`: 100 Obsidian drawings (copies of a corpus drawing with export settings in
their front matter) and 100 notes embedding them (one in four with a part), checked in a new
process as a user runs it (the repository is not built: every source and link is reported).

    .venv/bin/python bench/obsidian_check.py [--corpus DIR] [--count 100] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parents[1] / "shared" / "corpus"
PYPROJECT = (
    '[tool.diagrams]\nsources = ["diagrams"]\noutput = "attachments"\nnotes = ["notes/**/*.md"]\n'
)
FRONT = (
    "excalidraw-export-dark: true\nexcalidraw-export-padding: 20\nexcalidraw-export-pngscale: 2\n"
)


def make_repo(root: Path, corpus: Path, count: int) -> None:
    (root / ".git").mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT)
    drawings = sorted(p for p in corpus.glob("*.excalidraw.md") if p.stat().st_size < 1_000_000)
    (root / "diagrams").mkdir()
    (root / "notes").mkdir()
    for i in range(count):
        text = drawings[i % len(drawings)].read_text("utf-8")
        text = text.replace("---\n", "---\n" + FRONT, 1) if text.startswith("---\n") else text
        (root / "diagrams" / f"d{i:03}.excalidraw.md").write_text(text + f"\n%% {i} %%\n")
        part = f"#^group=el{i}" if i % 4 == 0 else ""
        (root / "notes" / f"n{i:03}.md").write_text(
            f"# Note {i}\n\nSome text.\n\n![[d{i:03}.excalidraw{part}]]\n\nMore text.\n"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_repo(root, args.corpus, args.count)
        code = (
            "import time; t=time.perf_counter();"
            "from diagram_assets.config import load_config;"
            "from diagram_assets.pipeline import check;"
            "r=check(load_config());"
            "print(time.perf_counter()-t, r.sources)"
        )
        times = []
        for _ in range(args.runs + 1):  # the first run fills the digest cache
            started = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
            )
            wall = time.perf_counter() - started
            inside, sources = out.stdout.split()
            times.append((float(inside), wall))
        inside_times = [t for t, _ in times[1:]]
        wall_times = [w for _, w in times[1:]]
        print(
            f"check, {sources} Obsidian drawings + {args.count} notes: "
            f"{statistics.median(inside_times):.3f} s in check() "
            f"({statistics.median(wall_times):.3f} s with the interpreter start)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
