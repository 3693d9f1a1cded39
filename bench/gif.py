"""GIF size and encode time: our encoder against Pillow's writer, with and without gifsicle.

For each frame set — the repo's own animation specs (those in diagrams/animations/, such as
Transformer执行.anim.yaml, rendered through Chromium) and two synthetic diagram animations
(flat: under 255 colours; anti-aliased: thousands) — prints bytes, encode time (median of 3)
and fidelity of:

  (a) ours                 diagram_assets.animation.encode_gif
  (b) pillow               Image.save(save_all=True) with Pillow's defaults
  (c) pillow + gifsicle    (b) followed by `gifsicle -O3` (when gifsicle is installed)
  (d) ours + gifsicle      for reference

Fidelity is measured on what a viewer shows: every GIF is decoded by one decoder (browser
compositing rules), frames are aligned by display time, and compared with the source frames:
"lossless" when every displayed pixel is exact, else the minimum PSNR over frames.
The goal: (a) no larger than (c) at equal or better fidelity.

Usage: python bench/gif.py [--no-repo] [SPEC…]   (extra animation specs to measure too)
"""

from __future__ import annotations

import io
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from diagram_assets.animation import compose_animation, encode_gif, load_animation_spec
from diagram_assets.animation.encode import gifsicle_available, gifsicle_pass
from diagram_assets.animation.spec import is_animation_spec

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # tests/support: the GIF decoder, synthetic frames
from support.gif_decode import as_rgba, decode_gif, fidelity  # noqa: E402
from support.synthetic_frames import antialiased_frames, flat_frames  # noqa: E402

RUNS = 3


def pillow_default(frames: list[Image.Image], durations: list[int]) -> bytes:
    """Pillow's writer with its defaults, given the frames as RGB when they are opaque (given
    RGBA, Pillow quantises even an 11-colour animation lossily)."""
    if all(f.mode != "RGBA" or f.getchannel("A").getextrema()[0] == 255 for f in frames):
        frames = [f.convert("RGB") for f in frames]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0)
    return out.getvalue()


def timed(make: Callable[[], bytes]) -> tuple[bytes, float]:
    times = []
    data = b""
    for _ in range(RUNS):
        t0 = time.perf_counter()
        data = make()
        times.append(time.perf_counter() - t0)
    return data, statistics.median(times)


def fidelity_text(
    sources: list[np.ndarray], durations: list[int], data: bytes
) -> tuple[str, float]:
    exact, worst = fidelity(sources, durations, decode_gif(data))
    return ("lossless" if exact else f"min PSNR {worst:.1f} dB"), (math.inf if exact else worst)


def bench_set(name: str, frames: list[Image.Image], durations: list[int]) -> tuple[int, int | None]:
    frames = [f.convert("RGBA") for f in frames]
    sources = [as_rgba(f) for f in frames]
    w, h = frames[0].size
    print(f"\n{name}: {len(frames)} frames, {w}×{h}")
    rows: list[tuple[str, bytes, float]] = []
    ours, t_ours = timed(lambda: encode_gif(frames, durations))
    rows.append(("(a) ours", ours, t_ours))
    pil, t_pil = timed(lambda: pillow_default(frames, durations))
    rows.append(("(b) pillow default", pil, t_pil))
    best_c: int | None = None
    if gifsicle_available():
        pg, t_pg = timed(lambda: gifsicle_pass(pillow_default(frames, durations)))
        rows.append(("(c) pillow + gifsicle -O3", pg, t_pg))
        og, t_og = timed(lambda: gifsicle_pass(encode_gif(frames, durations)))
        rows.append(("(d) ours + gifsicle -O3", og, t_og))
        best_c = len(pg)
    else:
        print("  (gifsicle is not installed: (c) and (d) skipped)")
    fid = {}
    for label, data, seconds in rows:
        text, value = fidelity_text(sources, durations, data)
        fid[label[:3]] = value
        print(f"  {label:<27} {len(data):>9,} bytes  {seconds * 1000:>8.0f} ms  {text}")
    for label, data in (
        ("webp (lossless, reference)", _webp(frames, durations)),
        ("apng (reference)", _apng(frames, durations)),
    ):
        print(f"  {label:<27} {len(data):>9,} bytes")
    if best_c is not None:
        ratio = len(ours) / best_c
        verdict = "goal met" if len(ours) <= best_c and fid["(a)"] >= fid["(c)"] else "GOAL MISSED"
        same = fid["(a)"] >= fid["(c)"]
        print(f"  ours / (c) = {ratio:.3f}; fidelity (a) ≥ (c): {same} → {verdict}")
    return len(ours), best_c


def _webp(frames: list[Image.Image], durations: list[int]) -> bytes:
    from diagram_assets.animation import encode_webp

    return encode_webp(frames, durations)


def _apng(frames: list[Image.Image], durations: list[int]) -> bytes:
    from diagram_assets.animation import encode_apng

    return encode_apng(frames, durations)


def repo_sets(extra: list[Path], with_repo: bool) -> list[tuple[str, list[Image.Image], list[int]]]:
    folder = REPO / "diagrams" / "animations"
    # the animation specs only (the folder also holds the figure steps they read)
    found = sorted(p for p in folder.glob("*.y*ml") if is_animation_spec(p))
    specs = found if folder.is_dir() and with_repo else []
    if with_repo and not specs:
        where = folder.relative_to(REPO)
        print(f"(no animation specs in {where} yet: the repo's animation is skipped)")
    specs += extra
    out = []
    renderer = None
    try:
        for path in specs:
            spec = load_animation_spec(path, root=REPO if path.is_relative_to(REPO) else None)

            def factory():
                nonlocal renderer
                if renderer is None:
                    from diagram_assets.render import Renderer

                    renderer = Renderer()
                return renderer

            composed = compose_animation(spec, factory, lambda _w: None)
            shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
            out.append((f"spec: {shown}", composed.images, composed.durations_ms))
    finally:
        if renderer is not None:
            renderer.close()
    return out


def main() -> int:
    found = "found" if gifsicle_available() else "absent"
    print(f"bench/gif.py — median of {RUNS} runs; gifsicle {found}")
    extra = [Path(a).resolve() for a in sys.argv[1:] if not a.startswith("--")]
    sets = repo_sets(extra, with_repo="--no-repo" not in sys.argv)
    sets += [
        ("synthetic flat (≤255 colours)", flat_frames(12), [600] * 11 + [2000]),
        (
            "synthetic anti-aliased (thousands of colours)",
            antialiased_frames(12),
            [600] * 11 + [2000],
        ),
    ]
    totals = [bench_set(name, frames, durations) for name, frames, durations in sets]
    if all(c is not None for _, c in totals):
        ours = sum(a for a, _ in totals)
        theirs = sum(c for _, c in totals if c is not None)
        print(
            f"\nall sets: ours {ours:,} bytes, pillow + gifsicle {theirs:,} ({ours / theirs:.3f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
