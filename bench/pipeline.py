"""The pipeline on a repository of 100 drawings (copies of corpus drawings, each with a small
edit): cold build, no-op build and check — the last two as a user runs them (a new process) —
and how long a build waiting for another one takes to give up.

    .venv/bin/python bench/pipeline.py [--corpus DIR] [--count 100] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from diagram_assets.config import load_config
from diagram_assets.errors import ConfigError, DiagramsError
from diagram_assets.pipeline import build
from diagram_assets.pipeline.builder import exclusive
from diagram_assets.scene import load_scene

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parents[1] / "shared" / "corpus"
MAX_BYTES = 1_000_000  # leave out the multi-megabyte library sheets and handwriting scans
PYPROJECT = '[tool.diagrams]\nsources = ["diagrams"]\noutput = "attachments"\nnotes = []\n'


def make_repo(root: Path, corpus: Path, count: int) -> None:
    (root / ".git").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    scenes = []
    for path in sorted(corpus.iterdir()):
        if path.stat().st_size > MAX_BYTES:
            continue
        try:
            scene = load_scene(path)
        except DiagramsError:
            continue
        if scene.live_elements():
            scenes.append((path.name, scene))
    folder = root / "diagrams"
    folder.mkdir()
    for i in range(count):
        _, scene = scenes[i % len(scenes)]
        # a small edit, so every copy is its own drawing: nudge the first live element
        first = scene.live_elements()[0]
        first["x"] = float(first.get("x") or 0) + i
        (folder / f"d{i:03d}.excalidraw").write_text(scene.dumps(), encoding="utf-8")
        first["x"] -= i
    print(f"repository: {count} drawings made from {len(scenes)} corpus drawings (< 1 MB)")


def cli(root: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    exe = Path(sys.executable).with_name("diagrams")
    started = time.perf_counter()
    proc = subprocess.run(
        [str(exe), *args, "-C", str(root)], capture_output=True, text=True, check=False
    )
    return time.perf_counter() - started, proc


def median_of(root: Path, runs: int, *args: str) -> float:
    times = []
    for _ in range(runs):
        seconds, proc = cli(root, *args)
        if proc.returncode != 0:
            raise SystemExit(f"diagrams {' '.join(args)} failed: {proc.stdout}{proc.stderr}")
        times.append(seconds)
    return statistics.median(times)


def give_up_seconds(root: Path, wait: float) -> float:
    """Seconds a build takes to give up while another holds the repository's build lock."""
    config = load_config(root)
    with exclusive(config, wait_seconds=0, on_wait=lambda: None):
        started = time.perf_counter()
        try:
            build(config, wait_seconds=wait)
        except ConfigError:
            return time.perf_counter() - started
    raise SystemExit("the second build did not wait for the first")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    root = args.keep or Path(tempfile.mkdtemp(prefix="diagrams-bench-"))
    if root.exists() and args.keep:
        shutil.rmtree(root)
    try:
        make_repo(root, args.corpus, args.count)
        cold, proc = cli(root, "build", "-q")
        if proc.returncode != 0:
            print(proc.stdout, proc.stderr, file=sys.stderr)
            return 1
        print(f"cold build                {cold:7.2f} s  {args.count / cold:5.2f} drawings/s "
              "(SVG+PNG, browser start included)")  # fmt: skip
        noop = median_of(root, 5, "build", "-q")
        check = median_of(root, 5, "check")
        print(f"no-op build (median of 5) {noop:7.3f} s  (no browser started)")
        print(f"check       (median of 5) {check:7.3f} s")
        print(f"no-op / cold ratio        {noop / cold:7.4f}")
        # one edited drawing: what a user pays after saving one file
        target = root / "diagrams" / "d007.excalidraw"
        target.write_text(target.read_text("utf-8") + " ", "utf-8")
        one, _ = cli(root, "build", "-q")
        print(f"one edited drawing        {one:7.2f} s  (browser start included)")
        gave_up = give_up_seconds(root, 0.5)
        print(f"gives up waiting (0.5 s)  {gave_up:7.2f} s  (while another build runs)")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
