"""Faults injected for real: builds killed at random points, concurrent builds, build during
watch, a full disk and a read-only output folder. Nothing may be left half-written."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from diagram_assets.config import load_config
from diagram_assets.pipeline import check
from diagram_assets.pipeline.builder import exclusive
from helpers import element, scene_of, text, write_scene

NOTE = "# Note\n\n![](../diagrams/d0.excalidraw)\n\n```\n![](../diagrams/d1.excalidraw)\n```\n"
ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def drawing(i: int):
    return scene_of(
        element("rectangle", "box", 0, 0, 200 + 10 * i, 90, backgroundColor="#a5d8ff"),
        text("label", 20, 30, f"drawing number {i}"),
    )


def make_repo(root: Path, count: int = 6) -> Path:
    (root / ".git").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.diagrams]\nnotes = ["notes/*.md"]\n', encoding="utf-8"
    )
    for i in range(count):
        write_scene(root / "diagrams" / f"d{i}.excalidraw", drawing(i))
    (root / "notes").mkdir()
    (root / "notes" / "n.md").write_text(NOTE, encoding="utf-8")
    return root


def diagrams(root: Path, *args: str, **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "diagram_assets", *args, "-C", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=ENV,
        start_new_session=True,
        **kw,  # type: ignore[call-overload]
    )


def read_until(proc: subprocess.Popen[str], text: str) -> str:
    """The output of ``proc`` up to the first line containing ``text`` (the rest stays to be
    read); fails if the process ends without printing it."""
    assert proc.stdout is not None
    seen: list[str] = []
    for line in proc.stdout:
        seen.append(line)
        if text in line:
            return "".join(seen)
    raise AssertionError(f"{text!r} never printed:\n{''.join(seen)}")


def build_now(root: Path) -> subprocess.CompletedProcess[str]:
    """`diagrams build` run to its end."""
    return subprocess.run(
        [sys.executable, "-m", "diagram_assets", "build", "-C", str(root)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=180,
    )


def assert_nothing_half_written(root: Path) -> None:
    out = root / "attachments"
    if out.exists():
        for path in out.iterdir():
            if path.name.startswith(".diagrams-tmp-"):
                continue  # a temporary of the killed process: the next build removes it
            if path.suffix == ".png":
                with Image.open(path) as im:
                    im.load()
            elif path.suffix == ".svg":
                assert path.read_bytes().rstrip().endswith(b"</svg>"), path
            elif path.name == "diagrams.lock":
                json.loads(path.read_text("utf-8"))
    note = (root / "notes" / "n.md").read_text("utf-8")
    assert note in (NOTE, NOTE.replace("../diagrams/d0.excalidraw", "../attachments/d0.svg", 1))


@pytest.mark.browser
@pytest.mark.slow
def test_builds_killed_at_random_points_20_trials(tmp_path: Path) -> None:
    """SIGINT, SIGTERM and SIGKILL at random moments; afterwards every file is whole, and
    the next build repairs everything."""
    rng = random.Random(20251129)
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]
    for trial in range(20):
        root = make_repo(tmp_path / f"t{trial}")
        if trial % 2:  # half the trials start from a built repository with changed sources
            subprocess.run(
                [sys.executable, "-m", "diagram_assets", "build", "-q", "-C", str(root)],
                env=ENV,
                check=True,
                capture_output=True,
            )
            for i in range(0, 6, 2):
                write_scene(root / "diagrams" / f"d{i}.excalidraw", drawing(i + 10))
        proc = diagrams(root, "build")
        time.sleep(rng.uniform(0.2, 4.0))
        sig = signals[trial % 3]
        if proc.poll() is None:
            os.killpg(proc.pid, sig)
        output, _ = proc.communicate(timeout=120)
        assert "Traceback" not in output, output
        finished = re.search(r"\d+ built, \d+ up to date", output) is not None
        if sig != signal.SIGKILL and proc.returncode != 0 and not finished:
            # stopped before the end: cleanly, with its one line (a signal landing after the
            # summary, while Python shuts down, may end the process by the signal instead)
            assert proc.returncode == 130, (sig, proc.returncode, output)
            assert "interrupted" in output
        assert_nothing_half_written(root)
        repair = subprocess.run(
            [sys.executable, "-m", "diagram_assets", "build", "-C", str(root)],
            env=ENV,
            capture_output=True,
            text=True,
        )
        assert repair.returncode == 0, repair.stdout + repair.stderr
        assert check(load_config(root)).ok, f"trial {trial}"
        out = root / "attachments"
        assert not [p for p in out.iterdir() if p.name.startswith(".diagrams-tmp-")]
        assert_nothing_half_written(root)


@pytest.mark.browser
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signals_repeated_while_stopping_still_stop_cleanly(tmp_path: Path, sig: int) -> None:
    """Stopping a process group sends the signal again and again (a CI runner, a supervisor,
    an impatient Ctrl-C): the build still ends with its one line and exit code 130."""
    root = make_repo(tmp_path / "r")
    proc = diagrams(root, "build")
    read_until(proc, "building ")  # the build is planned and underway: signal it now
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        os.killpg(proc.pid, sig)
        time.sleep(0.01)
    output, _ = proc.communicate(timeout=60)
    assert "Traceback" not in output, output
    if re.search(r"\d+ built, \d+ up to date", output) is None:
        assert proc.returncode == 130, (proc.returncode, output)
        assert output.rstrip().endswith("error: interrupted"), output
    assert_nothing_half_written(root)


INTERRUPTED_IMPORT = """
import sys

class Interrupting:
    def find_spec(self, name, path=None, target=None):
        if name == "diagram_assets.cli":
            raise KeyboardInterrupt  # Ctrl-C while the command line is still importing
        return None

sys.meta_path.insert(0, Interrupting())
from diagram_assets.__main__ import run

run()
"""


def test_ctrl_c_while_the_command_line_imports_is_one_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_IMPORT, "check"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "error: interrupted\n")


@pytest.mark.browser
def test_two_builds_at_once(tmp_path: Path) -> None:
    """Both builds start while the build lock is held, so they surely overlap: once both say
    they wait, the lock is let go and one builds while the other waits for it."""
    root = make_repo(tmp_path / "r")
    waiting = "another diagrams build is running"
    with exclusive(load_config(root), wait_seconds=0, on_wait=lambda: None):
        first = diagrams(root, "build")
        head1 = read_until(first, waiting)
        second = diagrams(root, "build")
        head2 = read_until(second, waiting)
    out1 = head1 + first.communicate(timeout=180)[0]
    out2 = head2 + second.communicate(timeout=180)[0]
    assert first.returncode == 0, out1
    assert second.returncode == 0, out2
    assert sorted(re.findall(r"(\d+) built, (\d+) up to date", out1 + out2)) == [
        ("0", "6"),
        ("6", "0"),
    ], out1 + out2
    assert check(load_config(root)).ok
    assert_nothing_half_written(root)


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    root = make_repo(tmp_path / "w", count=3)
    proc = diagrams(root, "watch", "--no-serve")
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("watching "):
            break
    yield root, proc
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=30)


@pytest.mark.browser
def test_build_during_watch(watching: tuple[Path, subprocess.Popen[str]]) -> None:
    root, watch = watching
    for round_ in range(3):
        for i in range(3):
            write_scene(root / "diagrams" / f"d{i}.excalidraw", drawing(i + 20 + round_))
        result = build_now(root)
        assert result.returncode == 0, result.stdout + result.stderr
        assert_nothing_half_written(root)
    deadline = time.monotonic() + 30
    while not check(load_config(root)).ok:
        assert time.monotonic() < deadline, "not current after build and watch"
        time.sleep(0.2)
    assert watch.poll() is None


def _mount_tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    return result.returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


@pytest.mark.browser
@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_output_folder_full_or_read_only(tmp_path: Path, fault: str) -> None:
    root = make_repo(tmp_path / "r", count=4)
    out = root / "attachments"
    if not _mount_tmpfs(out, "48k" if fault == "full" else "4m"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        if fault == "read-only":
            subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
        sources = {p: p.read_bytes() for p in (root / "diagrams").iterdir()}
        note = (root / "notes" / "n.md").read_bytes()
        result = build_now(root)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "Traceback" not in output and "internal error" not in output
        words = "No space left" if fault == "full" else "Read-only file system"
        errors = [line for line in output.splitlines() if line.startswith("error:")]
        assert errors and all(words in line for line in errors), output
        assert {p: p.read_bytes() for p in (root / "diagrams").iterdir()} == sources
        assert (root / "notes" / "n.md").read_bytes() == note
        assert not [p for p in out.iterdir() if p.name.startswith(".diagrams-tmp-")]
        for path in out.iterdir():  # what was written is whole
            if path.suffix == ".png":
                with Image.open(path) as im:
                    im.load()
            elif path.suffix == ".svg":
                assert path.read_bytes().rstrip().endswith(b"</svg>")
    finally:
        _umount(out)
