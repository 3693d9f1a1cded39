"""Rendering performance, before vs after, in one run: a cold build of corpus drawings (SVG + PNG
on 2 pages, as `diagrams build` runs them), start-up to the first render, and peak memory.

    .venv/bin/python bench/render_build.py [--count 50] [--pages 2] [--repeat 3]
                                           [--variants before,plain,after] [--before-rev REV]

Each measurement runs in a fresh Python process. Variants:

- ``before``: the render page as it was before this work (built from ``--before-rev`` into a
  temporary folder: fonts embedded whole because subsetting failed under the page's CSP),
  driven through Playwright, scenes and images inline through the DevTools protocol, Nagle's
  algorithm on the page server, no pixel budget. (Chromium's command line is today's.)
- ``plain``: today's page and renderer, but Excalidraw's own (uncached) font subsetting.
- ``after``: today's defaults.
- ``protocol``, ``playwright``, ``nagle``, ``wholefonts``, ``nobudget``, ``budget64M``: today's
  defaults with one change undone (inline transfer, Playwright's driver, Nagle's algorithm,
  whole fonts, no pixel budget) or the budget halved, to measure each change on its own.

"Cold build": a new renderer (browser launch included), then every drawing loaded from its file
in a worker thread, rendered to SVG and PNG, and both files written, 3 jobs in flight as the
pipeline runs them. Wall time depends on what else the machine runs; CPU time (this process and
every process it started, sampled with the memory) is the work done, steadier on a shared
machine. Peak memory: the
largest sum of PSS over this process and all its children (Chromium's processes, Playwright's
driver), sampled every 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
# The last commit before the rendering performance work (js/ unchanged since 1b51b67).
BEFORE_REV = "65f8f2691674e609dbab69fd83adaee067de22c4"
VARIANTS = {
    "before": {
        "tuning": "driver=playwright,transfer=protocol,pixel_budget=0,nodelay=false",
        "page": "before",
    },
    "plain": {"tuning": "font_subset=plain", "page": "current"},
    "after": {"tuning": "", "page": "current"},
    # today's defaults but one thing as before, to measure each change on its own
    "protocol": {"tuning": "transfer=protocol", "page": "current"},
    "playwright": {"tuning": "driver=playwright", "page": "current"},
    "nagle": {"tuning": "nodelay=false", "page": "current"},
    "wholefonts": {"tuning": "font_subset=off", "page": "current"},
    # the pixel budget's effect: large canvases one at a time (64M), or never held back (0)
    "budget64M": {"tuning": "pixel_budget=64000000", "page": "current"},
    "nobudget": {"tuning": "pixel_budget=0", "page": "current"},
}


# ----------------------------------------------------------------------------- memory
def _children(root: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _pss(pid: int) -> tuple[str, int]:
    try:
        with open(f"/proc/{pid}/comm") as f:
            name = f.read().strip()
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return name, int(line.split()[1]) * 1024
    except OSError:
        pass
    return "?", 0


class PeakMemory:
    """Samples the PSS of this process tree in a thread; keeps the peak and its breakdown, and
    the CPU time each process of the tree was last seen with (Chromium's renderers are not
    reaped by us, so os.times() would miss them)."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak = 0
        self.by_process: dict[str, int] = {}
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            by: Counter[str] = Counter()
            for pid in _children(os.getpid()):
                name, pss = _pss(pid)
                by[name] += pss
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), _cpu_seconds(pid))
            total = sum(by.values())
            if total > self.peak:
                self.peak, self.by_process = total, dict(by)
            time.sleep(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# ----------------------------------------------------------------------------- child runs
def corpus_files(corpus: Path, count: int) -> list[Path]:
    from diagram_assets.errors import DiagramsError
    from diagram_assets.scene import load_scene

    files = []
    for path in sorted(corpus.iterdir()):
        try:
            load_scene(path)
        except DiagramsError:
            continue
        files.append(path)
        if len(files) == count:
            break
    return files


def child_build(args: argparse.Namespace) -> dict:
    from diagram_assets.fsutil import atomic_write
    from diagram_assets.render import Renderer, RenderOptions
    from diagram_assets.scene import load_scene

    files = [Path(p) for p in json.loads(args.files)]
    out = Path(tempfile.mkdtemp(prefix="diagrams-bench-"))
    options = RenderOptions()
    written = Counter()
    failed: list[str] = []
    with PeakMemory() as memory:
        started = time.perf_counter()
        renderer = Renderer(pages=args.pages, page_dir=Path(args.page))

        def job(path: Path) -> None:
            try:
                result = renderer.render(load_scene(path), options)
            except Exception as exc:
                failed.append(f"{path.name}: {exc}")
                return
            image = result.whole
            atomic_write(out / f"{path.name}.svg", image.svg)
            atomic_write(out / f"{path.name}.png", image.png)
            written["svg"] += len(image.svg)
            written["png"] += len(image.png)

        with ThreadPoolExecutor(max_workers=args.pages + 1) as pool:
            list(pool.map(job, files))
        renderer.close()
        seconds = time.perf_counter() - started
    shutil.rmtree(out, ignore_errors=True)
    top = sorted(memory.by_process.items(), key=lambda kv: -kv[1])[:4]
    return {
        "seconds": seconds,
        "cpu": sum(memory.cpu.values()),
        "drawings": len(files),
        "failed": failed,
        "peak_mib": memory.peak / 2**20,
        "peak_by": {name: round(b / 2**20) for name, b in top},
        "svg_mb": written["svg"] / 1e6,
        "png_mb": written["png"] / 1e6,
    }


def child_startup(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    from diagram_assets.render import Renderer, RenderOptions
    from diagram_assets.scene.model import Scene

    imported = time.perf_counter()
    scene = Scene(
        elements=[
            {
                "type": "text", "id": "t", "x": 0, "y": 0, "width": 120, "height": 25,
                "text": "Hello", "originalText": "Hello", "fontSize": 20, "fontFamily": 5,
                "seed": 1, "version": 1, "versionNonce": 1,
            }
        ]
    )  # fmt: skip
    renderer = Renderer(pages=1, page_dir=Path(args.page))
    renderer.start()
    ready = time.perf_counter()
    renderer.render(scene, RenderOptions())
    first = time.perf_counter()
    renderer.close()
    return {
        "imports": imported - started,
        "ready": ready - imported,
        "first_render": first - imported,
    }


# ----------------------------------------------------------------------------- parent
def build_before_page(rev: str, workdir: Path) -> Path:
    """The render page as it was at ``rev``, built with that revision's build script."""
    src = workdir / "js"
    (src / "src").mkdir(parents=True)
    for name in ("build.mjs", "src/page.js", "src/config.js", "src/index.html"):
        data = subprocess.run(
            ["git", "-C", str(REPO), "show", f"{rev}:js/{name}"],
            check=True,
            capture_output=True,
        ).stdout
        (src / name).write_bytes(data)
    (src / "node_modules").symlink_to(REPO / "js" / "node_modules")
    page = workdir / "page"
    subprocess.run(["node", str(src / "build.mjs"), str(page)], check=True, capture_output=True)
    return page


def run_child(mode: str, variant: str, page: Path, args: argparse.Namespace, files: str) -> dict:
    env = {**os.environ, "DIAGRAMS_RENDER_TUNING": VARIANTS[variant]["tuning"]}
    command = [sys.executable, __file__, "--child", mode, "--page", str(page)]
    command += ["--pages", str(args.pages), "--files", files]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{variant} {mode} run failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--pages", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--variants", default="before,plain,after")
    parser.add_argument("--before-rev", default=BEFORE_REV)
    parser.add_argument("--child", choices=["build", "startup"], help=argparse.SUPPRESS)
    parser.add_argument("--page", help=argparse.SUPPRESS)
    parser.add_argument("--files", default="[]", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        result = child_build(args) if args.child == "build" else child_startup(args)
        print(json.dumps(result))
        return 0

    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    from diagram_assets.render.assets import PAGE_DIR

    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        print(f"unknown variants {unknown}; known: {list(VARIANTS)}", file=sys.stderr)
        return 2
    files = corpus_files(args.corpus, args.count)
    listing = json.dumps([str(p) for p in files])
    load = os.getloadavg()[0]
    print(f"{len(files)} corpus drawings, SVG + PNG (scale 2), {args.pages} pages, "
          f"{os.cpu_count()} cores; load average {load:.2f} at the start; "
          f"medians of {args.repeat} runs")  # fmt: skip

    with tempfile.TemporaryDirectory(prefix="diagrams-before-") as tmp:
        pages = {"current": PAGE_DIR}
        if any(VARIANTS[v]["page"] == "before" for v in variants):
            pages["before"] = build_before_page(args.before_rev, Path(tmp))
        builds: dict[str, list[dict]] = {v: [] for v in variants}
        starts: dict[str, list[dict]] = {v: [] for v in variants}
        for _ in range(args.repeat):  # interleaved, so load changes hit every variant alike
            for v in variants:
                page = pages[VARIANTS[v]["page"]]
                starts[v].append(run_child("startup", v, page, args, "[]"))
                builds[v].append(run_child("build", v, page, args, listing))

    def median(rows: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    print()
    print(f"{'variant':9s} {'cold build':>10s} {'drawings/s':>11s} {'CPU':>7s} {'peak PSS':>10s} "
          f"{'ready':>7s} {'1st render':>10s} {'SVG out':>8s} {'PNG out':>8s}")  # fmt: skip
    for v in variants:
        b, s = builds[v], starts[v]
        rate = statistics.median(r["drawings"] / r["seconds"] for r in b)
        print(f"{v:9s} {median(b, 'seconds'):9.2f}s {rate:11.2f} {median(b, 'cpu'):6.1f}s "
              f"{median(b, 'peak_mib'):7.0f} MiB {median(s, 'ready'):6.3f}s "
              f"{median(s, 'first_render'):9.3f}s {median(b, 'svg_mb'):6.1f}MB "
              f"{median(b, 'png_mb'):6.1f}MB")  # fmt: skip
        failed = {f for r in b for f in r["failed"]}
        for line in sorted(failed):
            print(f"         failed: {line[:150]}")
    for v in variants:
        worst = max(builds[v], key=lambda r: r["peak_mib"])
        print(f"peak of {v}: {worst['peak_mib']:.0f} MiB = {worst['peak_by']}")
    if "before" in variants and "after" in variants:
        b, a = builds["before"], builds["after"]
        speed = median(b, "seconds") / median(a, "seconds")
        start = median(starts["before"], "ready") / median(starts["after"], "ready")
        memory = median(a, "peak_mib") / median(b, "peak_mib")
        print()
        work = median(b, "cpu") / median(a, "cpu")
        print(f"cold build         after is {speed:5.2f}x as fast as before (wall time)")
        print(f"CPU time           after needs {1 / work:5.2f}x before's (all processes)")
        print(f"start-up (ready)   after is {start:5.2f}x as fast as before")
        print(f"peak memory        after is {memory:5.2f}x before's")
        rate = median(a, "drawings") / median(a, "seconds")
        ready = median(starts["after"], "ready")
        print(f"goals: >= 10 drawings/s: {rate:.2f}; ready <= 1.2 s: {ready:.3f} s; "
              f"peak <= 800 MiB: {median(a, 'peak_mib'):.0f} MiB")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
