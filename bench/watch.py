"""Save → outputs on disk with `diagrams watch` running: median over repeated saves.

Starts `diagrams watch --no-serve` on a temporary repository holding one drawing, then saves
the drawing N times (each save changes one text, written the way editors do: a temporary file
renamed over the drawing) and times each save until both its SVG and PNG have changed on disk.

    .venv/bin/python bench/watch.py [--saves 20] [--drawing PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / "shared" / "corpus"
DRAWINGS = {
    "latin (corpus: Varun0157 transformer, 25 elements)": CORPUS
    / "Varun0157__language-models__transformer.excalidraw",
    "CJK (this repo's llm-prototype, 36 elements)": HERE.parent
    / "diagrams"
    / "llm-prototype.excalidraw",
}


def save(path: Path, scene: dict, n: int) -> None:
    texts = [e for e in scene["elements"] if e.get("type") == "text" and not e.get("isDeleted")]
    texts[0]["text"] = texts[0]["originalText"] = f"{texts[0]['originalText'].split(' #')[0]} #{n}"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(scene, ensure_ascii=False), "utf-8")
    os.replace(tmp, path)


def measure(drawing: Path, saves: int) -> list[float]:
    root = Path(tempfile.mkdtemp(prefix="diagrams-watch-bench-"))
    try:
        (root / ".git").mkdir()
        (root / "pyproject.toml").write_text("[tool.diagrams]\nnotes = []\n", "utf-8")
        (root / "diagrams").mkdir()
        target = root / "diagrams" / "d.excalidraw"
        shutil.copy(drawing, target)
        scene = json.loads(target.read_text("utf-8"))
        exe = Path(sys.executable).with_name("diagrams")
        proc = subprocess.Popen(
            [str(exe), "watch", "--no-serve", "-C", str(root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("watching "):
                break
        os.set_blocking(proc.stdout.fileno(), False)
        svg, png = root / "attachments" / "d.svg", root / "attachments" / "d.png"
        times = []
        for n in range(saves + 2):  # the first two saves warm up; they are not counted
            before = (svg.read_bytes(), png.read_bytes())
            started = time.perf_counter()
            save(target, scene, n)
            deadline = started + 30
            while time.perf_counter() < deadline:
                try:
                    if svg.read_bytes() != before[0] and png.read_bytes() != before[1]:
                        break
                except OSError:
                    pass
                time.sleep(0.002)
            else:
                raise SystemExit("an output did not change within 30 s")
            if n >= 2:
                times.append(time.perf_counter() - started)
            time.sleep(0.15)  # a pause between saves, as when a person edits
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)
        return times
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--drawing", type=Path, help="time this drawing only")
    args = parser.parse_args()
    drawings = {str(args.drawing): args.drawing} if args.drawing else DRAWINGS
    for label, path in drawings.items():
        if not path.is_file():
            print(f"{label}: not found ({path}), skipped")
            continue
        times = measure(path, args.saves)
        print(
            f"{label}: save → SVG+PNG on disk, median {statistics.median(times):.3f} s "
            f"(min {min(times):.3f}, max {max(times):.3f}, {len(times)} saves)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
