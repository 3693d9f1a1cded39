"""Huge inputs are refused (or handled) within bounded memory and time.

Each case writes one input into a temporary repository and runs ``diagrams`` on it in a
subprocess that reports its own peak RSS (and that of the children it waited for: Chromium's
browser process) when it exits. Every case asserts the exit code, a one-line error naming the
file and the reason, a memory bound, and a time bound (the subprocess is killed past it).
The measurements are printed at the end of the module.

==========================  ================================================  ===========
input                       outcome                                           bound
==========================  ================================================  ===========
50 MB drawing               refused by size (max_source_mb, 32)               200 MiB
100,000 elements            refused by count (max_elements, 50,000)           400 MiB
31 MB of ``{},{},…``        refused before parsing (2 M values, max_elements) 200 MiB
compressed-json → 1 GiB     refused at the decompression cap (64 MiB)         500 MiB
SVG payload → 1 GiB         refused at the decompression cap                  500 MiB
PNG zTXt / iTXt → 1 GiB     refused at the decompression cap                  500 MiB
YAML bomb, figure/anim      refused at 100,000 values                         200 MiB
50 MB note                  refused by size (32 MB)                           200 MiB
40,000 px wide canvas       PNG refused by the canvas limit; with max_size    1.5 GiB
                            clamped to 4,000 px (browser tests)
==========================  ================================================  ===========
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import signal
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

MiB = 2**20
MEASURED: list[tuple[str, float, float, float]] = []  # case, seconds, own MiB, tree MiB

# The CLI, reporting its own peak RSS when it exits: VmHWM, the high-water mark of this
# process's memory since its exec (ru_maxrss would start from the forking pytest's size).
WRAPPER = r"""
import atexit, os, re, sys
def _peak():
    with open("/proc/self/status") as fh:
        kib = re.search(r"VmHWM:\s*(\d+)", fh.read()).group(1)
    with open(os.environ["DIAGRAMS_TEST_RUSAGE"], "w") as fh:
        fh.write(kib)
atexit.register(_peak)
sys.argv = ["diagrams", *sys.argv[1:]]
from diagram_assets.cli import main
main()
"""
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Run:
    code: int
    output: str
    seconds: float
    own_mib: float  # peak of the diagrams process itself (exact)
    tree_mib: float  # peak of it and its children (Chromium), PSS sampled every 20 ms


def _session_memory(session: int) -> int:
    """Bytes of memory of every process of a session (the command and what it started), as
    proportional set sizes: pages shared between Chromium's processes count once in all."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            if int(fields[3]) != session:  # field 6 of stat: the session id
                continue
            try:
                with open(f"/proc/{entry.name}/smaps_rollup", "rb") as fh:
                    pss = re.search(rb"^Pss:\s+(\d+) kB", fh.read(), re.M)
                total += int(pss.group(1)) * 1024 if pss else 0
            except FileNotFoundError:  # kernels before 4.14: resident size
                with open(f"/proc/{entry.name}/statm", "rb") as fh:
                    total += int(fh.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_measured(repo: Path, *args: str, timeout: float, case: str) -> Run:
    """``diagrams ARGS -C repo`` in a new session, sampling the session's memory every 20 ms;
    killed (and the test failed) after ``timeout`` seconds."""
    usage = repo.parent / f"rusage-{os.getpid()}-{time.monotonic_ns()}"
    out = repo.parent / f"output-{time.monotonic_ns()}"
    started = time.perf_counter()
    with out.open("w+", encoding="utf-8") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-c", WRAPPER, *args, "-C", str(repo)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            env={**os.environ, "DIAGRAMS_TEST_RUSAGE": str(usage), "DIAGRAMS_CACHE_DIR": ""},
        )
        tree = 0
        while proc.poll() is None:
            tree = max(tree, _session_memory(proc.pid))
            if time.perf_counter() - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                pytest.fail(f"{case}: `diagrams {' '.join(args)}` took more than {timeout:g} s")
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        sink.seek(0)
        output = sink.read()
    own = int(usage.read_text()) / 1024
    tree = max(tree / MiB, own)
    MEASURED.append((case, seconds, own, tree))
    return Run(proc.returncode, output, seconds, own, tree)


@pytest.fixture(scope="module", autouse=True)
def _print_measurements(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if not MEASURED or reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.write_line(
            "huge inputs: seconds; peak RSS of diagrams; peak PSS of it and its children"
        )
        for case, seconds, own, tree in MEASURED:
            reporter.write_line(f"  {case:<36} {seconds:6.2f} s {own:6.0f} MiB {tree:6.0f} MiB")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for folder in (root / ".git", root / "diagrams", root / "notes"):
        folder.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.diagrams]\nnotes = ["notes/*.md"]\n', encoding="utf-8"
    )
    return root


def one_error(run: Run, name: str, *words: str) -> str:
    """The single ``error:`` line, naming ``name`` and every one of ``words``."""
    assert "Traceback" not in run.output and "internal error" not in run.output, run.output
    errors = [line for line in run.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, run.output
    line = errors[0]
    assert name in line, line
    for word in words:
        assert word in line, line
    assert len(line) < 600, line
    return line


# --------------------------------------------------------------------------- generators


def scene_text(elements: list[dict], pad: str = "") -> str:
    app_state = {"viewBackgroundColor": "#ffffff", "pad": pad} if pad else {}
    return json.dumps(
        {"type": "excalidraw", "version": 2, "elements": elements, "appState": app_state}
    )


def rectangle(i: int, **extra: object) -> dict:
    return {
        "id": f"r{i}", "type": "rectangle", "x": (i % 500) * 30, "y": (i // 500) * 30,
        "width": 20, "height": 20, "seed": i + 1, **extra,
    }  # fmt: skip


def bstring_payload(data: bytes) -> str:
    """Excalidraw's embedded payload: JSON {encoding: bstring, compressed, encoded}."""
    inner = {
        "version": "1",
        "encoding": "bstring",
        "compressed": True,
        "encoded": zlib.compress(data, 9).decode("latin-1"),
    }
    return json.dumps(inner)


def zeros_bomb(size: int) -> bytes:
    """zlib data that inflates to ``size`` bytes of a JSON-looking scene (level 9: ~1/1000)."""
    head = b'{"type":"excalidraw","elements":[],"appState":{"pad":"'
    d = zlib.compressobj(9)
    parts = [d.compress(head)]
    block = b"A" * MiB
    for _ in range(size // MiB):
        parts.append(d.compress(block))
    parts.append(d.compress(b'"}}'))
    parts.append(d.flush())
    return b"".join(parts)


def svg_bomb(size: int) -> str:
    inner = {
        "version": "1",
        "encoding": "bstring",
        "compressed": True,
        "encoded": zeros_bomb(size).decode("latin-1"),
    }
    payload = base64.b64encode(json.dumps(inner).encode("latin-1")).decode()
    return (
        '<svg xmlns="http://www.w3.org/2000/svg"><metadata>'
        "<!-- payload-type:application/vnd.excalidraw+json --><!-- payload-version:2 -->"
        f"<!-- payload-start -->{payload}<!-- payload-end --></metadata></svg>"
    )


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(size: int, kind: bytes) -> bytes:
    keyword = b"application/vnd.excalidraw+json\0"
    if kind == b"zTXt":
        body = keyword + b"\0" + zeros_bomb(size)
    else:  # iTXt: compressed, method 0, no language, no translated keyword
        body = keyword + b"\1\0\0\0" + zeros_bomb(size)
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + png_chunk(kind, body) + png_chunk(b"IEND", b"")


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def lz_bomb(count: int, char: str = "A") -> str:
    """LZ-String ``compressToBase64`` of ``char * count``, computed phrase by phrase.

    For one repeated character the compressor's phrases are ``c``, ``cc``, ``ccc``…, one code
    each: a gibibyte of text is some 45,000 codes (110 kB). Checked against the ``lzstring``
    package in test_lz_bomb_is_what_lzstring_makes.
    """
    out: list[str] = []
    val = pos = 0

    def put(value: int, bits: int) -> None:
        nonlocal val, pos
        for _ in range(bits):
            val = (val << 1) | (value & 1)
            value >>= 1
            if pos == 5:
                out.append(_B64[val])
                val = pos = 0
            else:
                pos += 1

    num_bits, enlarge_in = 2, 2

    def tick() -> None:
        nonlocal num_bits, enlarge_in
        enlarge_in -= 1
        if enlarge_in == 0:
            enlarge_in = 1 << num_bits
            num_bits += 1

    def emit(run: int, literal: bool) -> None:
        if literal:  # the first phrase: the character itself, as an 8-bit literal
            put(0, num_bits)
            put(ord(char), 8)
            tick()
        else:
            put(run + 2, num_bits)  # in the dictionary, char is code 3 and char * k is k + 2
        tick()

    if count > 0:
        remaining, longest, run, literal = count - 1, 1, 1, True
        while remaining >= longest - run + 1:
            remaining -= longest - run + 1
            emit(longest, literal)
            literal, longest, run = False, longest + 1, 1
        emit(run + remaining, literal)
    put(2, num_bits)  # end of stream
    while True:  # flush the last character
        val <<= 1
        if pos == 5:
            out.append(_B64[val])
            break
        pos += 1
    text = "".join(out)
    return text + "=" * (-len(text) % 4)


def yaml_bomb(last: str) -> str:
    """Billion laughs: 10 aliases of 10 aliases … 12 levels deep (10^12 values expanded)."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join([*lines, last]) + "\n"


# --------------------------------------------------------------------------- the cases


def test_lz_bomb_is_what_lzstring_makes() -> None:
    lzstring = pytest.importorskip("lzstring")
    reference = lzstring.LZString()
    from diagram_assets.scene.lz import decompress_from_base64

    for n in [*range(0, 40), 1000, 5051, 12345]:
        assert lz_bomb(n) == reference.compressToBase64("A" * n), n
        if n:
            assert decompress_from_base64(lz_bomb(n), n) == "A" * n
    assert len(lz_bomb(2**30)) < 150_000


def test_a_50_mb_drawing_is_refused_by_size(repo: Path) -> None:
    text = scene_text([rectangle(1)], pad="x" * (50 * MiB))
    (repo / "diagrams" / "big.excalidraw").write_text(text, encoding="utf-8")
    run = run_measured(repo, "build", timeout=60, case="50 MB drawing")
    assert run.code == 1, run.output
    one_error(run, "diagrams/big.excalidraw", "over the source size limit", "max_source_mb")
    assert run.own_mib < 200 and run.tree_mib < 1024, run
    assert not (repo / "attachments" / "big.svg").exists()


def test_100000_elements_are_refused_by_count(repo: Path) -> None:
    text = scene_text([rectangle(i) for i in range(100_000)])
    (repo / "diagrams" / "many.excalidraw").write_text(text, encoding="utf-8")
    run = run_measured(repo, "build", timeout=60, case="100,000 elements")
    assert run.code == 1, run.output
    one_error(run, "diagrams/many.excalidraw", "100000 elements", "limit of 50000")
    assert run.own_mib < 400, run
    assert run.tree_mib < 1024, run


def test_a_json_bomb_is_refused_before_parsing(repo: Path) -> None:
    """31 MB of `{},` (under the size limit) would be 10 million dicts: ~800 MiB parsed."""
    count = (31 * MiB) // 3
    text = '{"type":"excalidraw","elements":[],"appState":{"x":[' + ",".join(["{}"] * count)
    (repo / "diagrams" / "objects.excalidraw").write_text(text + "]}}", encoding="utf-8")
    run = run_measured(repo, "build", timeout=60, case="JSON bomb (31 MB of {})")
    assert run.code == 1, run.output
    one_error(run, "diagrams/objects.excalidraw", "objects and lists", "max_elements")
    assert run.own_mib < 200 and run.tree_mib < 1024, run


@pytest.mark.parametrize(
    ("name", "make"),
    [
        (
            "bomb.excalidraw.md",
            lambda: (
                "---\nexcalidraw-plugin: parsed\n---\n# Drawing\n```compressed-json\n"
                + lz_bomb(2**30)
                + "\n```\n"
            ),
        ),
        ("bomb.excalidraw.svg", lambda: svg_bomb(2**30)),
        ("bomb-ztxt.excalidraw.png", lambda: png_bomb(2**30, b"zTXt")),
        ("bomb-itxt.excalidraw.png", lambda: png_bomb(2**30, b"iTXt")),
    ],
    ids=["compressed-json", "svg-payload", "png-ztxt", "png-itxt"],
)
def test_decompression_bombs_stop_at_the_cap(repo: Path, name: str, make) -> None:
    data = make()
    path = repo / "diagrams" / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    assert path.stat().st_size < 10 * MiB  # a file well under the 32 MB source limit …
    run = run_measured(repo, "build", timeout=60, case=f"1 GiB bomb: {name}")
    assert run.code == 1, run.output
    one_error(run, f"diagrams/{name}", "decompressed data", "decompression bomb")
    # … that would be 1 GiB: stopped at the 64 MiB cap (the browser may have been started
    # for the render before the load failed: its process is bounded too)
    assert run.own_mib < 500, run
    assert run.tree_mib < 1024, run


@pytest.mark.parametrize(
    ("rel", "last"),
    [
        ("diagrams/figures/bomb.figure.yaml", "layers: []"),
        ("diagrams/bomb.anim.yaml", "images: x.png"),
    ],
    ids=["figure", "animation"],
)
def test_yaml_bombs_are_refused(repo: Path, rel: str, last: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml_bomb(last), encoding="utf-8")
    for command in ("check", "build"):
        run = run_measured(
            repo, command, timeout=60, case=f"YAML bomb ({rel.split('.')[-2]}), {command}"
        )
        assert run.code == 1, run.output
        lines = [line for line in run.output.splitlines() if rel in line]
        assert len(lines) == 1, run.output
        assert "more than 100000 values" in lines[0] and "line 1" in lines[0], lines[0]
        assert "Traceback" not in run.output
        assert run.tree_mib < 200, run


def test_a_50_mb_note_is_refused_by_size(repo: Path) -> None:
    note = repo / "notes" / "huge.md"
    line = "Some text with a link ![](../diagrams/x.png) and more words.\n"
    note.write_text(line * (50 * MiB // len(line) + 1), encoding="utf-8")
    before = note.stat().st_mtime_ns
    for command in ("links", "check"):
        run = run_measured(repo, command, timeout=60, case=f"50 MB note, {command}")
        assert run.code == 1, run.output
        lines = [line for line in run.output.splitlines() if "notes/huge.md" in line]
        assert len(lines) == 1, run.output
        assert "MB limit" in lines[0], lines[0]
        assert run.tree_mib < 200, run
    assert note.stat().st_mtime_ns == before


def png_pixel_bomb(side: int) -> bytes:
    """A 1-bit PNG of ``side`` x ``side`` black pixels: a few kB that decode to side² pixels."""
    row = b"\0" + b"\0" * ((side + 7) // 8)  # filter byte, then the row's bits
    d = zlib.compressobj(9)
    body = b"".join(d.compress(row) for _ in range(side)) + d.flush()
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"IDAT", body) + png_chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("bomb.png", png_pixel_bomb(40_000), "pixels, too large"),
        ("bomb-under-pillow.png", png_pixel_bomb(12_000), "12000×12000 pixels, too large"),
        (
            "viewbox.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30000 30000"/>',
            "30000×30000 pixels, too large",
        ),
        (
            "exponent.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="3e4" height="3e4"/>',
            "30000×30000 pixels, too large",
        ),
        (
            "percent.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 3e4 3e4"/>',
            "30000×30000 pixels, too large",
        ),
        (
            "sizeless.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>',
            "no size that can be told",
        ),
    ],
    ids=["png-40000", "png-12000", "svg-viewbox", "svg-exponent", "svg-percent", "svg-sizeless"],
)
def test_frame_image_bombs_are_refused_before_decoding(
    repo: Path, name: str, data: bytes, words: str
) -> None:
    """A frame image that would decode or rasterise to a billion pixels (an SVG of 30,000 px
    a side took 45 s of rasterising before the size guard was taught viewBox and 3e4)."""
    frames = repo / "diagrams" / "animations" / "frames"
    frames.mkdir(parents=True)
    (frames / name).write_bytes(data)
    assert len(data) < 2 * MiB
    (repo / "diagrams" / "animations" / "a.anim.yaml").write_text(
        f"images: frames/{name}\n", encoding="utf-8"
    )
    run = run_measured(repo, "build", timeout=60, case=f"frame image bomb: {name}")
    assert run.code == 1, run.output
    line = one_error(run, "diagrams/animations/a.anim.yaml", words, f"`frames/{name}`")
    assert "line 1" in line, line
    assert run.tree_mib < 200, run  # nothing decoded (the refusal's time: bench/frame_bombs.py)


# --------------------------------------------------------------------------- the canvas


def wide_drawing(width: int) -> str:
    return scene_text(
        [rectangle(1, width=width, height=300, backgroundColor="#a5d8ff", fillStyle="solid")]
    )


@pytest.mark.browser
def test_a_40000_px_canvas_is_refused_by_the_canvas_limit(repo: Path) -> None:
    (repo / "diagrams" / "wide.excalidraw").write_text(wide_drawing(40_000), encoding="utf-8")
    run = run_measured(repo, "build", timeout=300, case="40,000 px canvas (refused)")
    assert run.code == 1, run.output
    one_error(run, "diagrams/wide.excalidraw", "canvas limit", "max_size")
    assert not (repo / "attachments" / "wide.png").exists()
    assert run.tree_mib < 1536, run


@pytest.mark.browser
def test_a_40000_px_canvas_is_clamped_with_max_size(repo: Path) -> None:
    from PIL import Image

    (repo / "pyproject.toml").write_text(
        '[tool.diagrams]\nnotes = ["notes/*.md"]\nmax_size = 4000\n', encoding="utf-8"
    )
    (repo / "diagrams" / "wide.excalidraw").write_text(wide_drawing(40_000), encoding="utf-8")
    run = run_measured(repo, "build", timeout=300, case="40,000 px canvas, max_size 4000")
    assert run.code == 0, run.output
    with Image.open(io.BytesIO((repo / "attachments" / "wide.png").read_bytes())) as png:
        assert max(png.size) == 4000, png.size
        assert png.size[1] < 100
    svg = (repo / "attachments" / "wide.svg").read_text(encoding="utf-8")
    assert 'width="40020"' in svg  # the SVG keeps the drawing's own size (plus padding)
    assert run.tree_mib < 1536, run


@pytest.mark.browser
def test_an_embedded_image_bomb_renders_as_a_placeholder(repo: Path) -> None:
    """An image file in the drawing that decodes to 1.6 billion pixels (190 kB of PNG):
    Chromium does not decode it; Excalidraw draws its placeholder, within bounds."""
    data = png_pixel_bomb(40_000)
    image = {"fileId": "f", "status": "saved", "scale": [1, 1]}
    files = {
        "f": {
            "id": "f",
            "mimeType": "image/png",
            "dataURL": "data:image/png;base64," + base64.b64encode(data).decode(),
            "created": 1,
        }
    }
    scene = json.loads(scene_text([rectangle(1, type="image", width=100, height=100, **image)]))
    scene["files"] = files
    (repo / "diagrams" / "pixels.excalidraw").write_text(json.dumps(scene), encoding="utf-8")
    run = run_measured(repo, "build", timeout=300, case="embedded 40,000² PNG in a drawing")
    assert run.code == 0, run.output
    assert "Traceback" not in run.output
    from PIL import Image

    with Image.open(repo / "attachments" / "pixels.png") as png:
        assert png.size == (240, 240)  # (100 + 2 x 10 padding) x scale 2
        grey = png.convert("RGB").getpixel((30, 30))
        assert grey != (255, 255, 255) and max(grey) - min(grey) < 8, grey  # the placeholder
    assert run.tree_mib < 1536, run
