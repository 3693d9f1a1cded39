"""`diagrams watch` as a subprocess on a temporary repository, its live preview in Chromium, and
which changed files the watcher acts on (no browser)."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from diagram_assets.config import load_config
from diagram_assets.pipeline import Reporter, check
from diagram_assets.pipeline.plan import is_temporary
from diagram_assets.watch import Watcher
from helpers import element, scene_of, text, write_scene


def drawing(label: str, colour: str = "#a5d8ff"):
    return scene_of(
        element("rectangle", "box", 0, 0, 180, 80, backgroundColor=colour),
        text("label", 20, 25, label),
    )


class Watch:
    """A running `diagrams watch` with its output lines collected on a thread."""

    def __init__(self, repo: Path, *args: str) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "diagram_assets", "watch", "-C", str(repo), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_line(self, pattern: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.proc.poll() is None, f"watch exited: {self.seen}"
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} in {timeout} s: {self.seen}")

    def finish(self, signum: signal.Signals) -> list[str]:
        """Send ``signum``; every line it printed after the ones already seen."""
        os.killpg(self.proc.pid, signum)
        self.proc.wait(timeout=30)
        self.reader.join(timeout=30)  # it ends at the end of the output
        return list(self.lines.queue)

    def stop(self) -> int:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        return self.proc.returncode


def wait_for(predicate: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.diagrams]\nnotes = []\n", "utf-8")
    write_scene(tmp_path / "diagrams" / "a.excalidraw", drawing("first"))
    write_scene(tmp_path / "diagrams" / "b.excalidraw", drawing("second"))
    return tmp_path


@pytest.fixture
def watch(repo: Path) -> Iterator[Watch]:
    w = Watch(repo, "--no-serve")
    yield w
    w.stop()


@pytest.mark.browser
def test_watch_rebuilds_fails_recovers_and_removes(repo: Path, watch: Watch) -> None:
    watch.wait_line(r"^watching ")
    out = repo / "attachments"
    png = out / "a.png"
    first = png.read_bytes()
    lock = (out / "diagrams.lock").read_text()
    b_png = (out / "b.png").read_bytes()

    # save a change: outputs and lock file update, check is clean
    write_scene(repo / "diagrams" / "a.excalidraw", drawing("changed", "#ffc9c9"))
    watch.wait_line(r"^built diagrams/a\.excalidraw")
    wait_for(lambda: png.read_bytes() != first)
    wait_for(lambda: (out / "diagrams.lock").read_text() != lock)
    assert check(load_config(repo)).ok
    assert (out / "b.png").read_bytes() == b_png  # the other job did not run

    # a broken save: one error line, the watcher stays up, the last good outputs stay
    good = png.read_bytes()
    (repo / "diagrams" / "a.excalidraw").write_text(
        '{"type": "excalidraw", "elements": [}', "utf-8"
    )
    line = watch.wait_line(r"error: .*a\.excalidraw")
    assert "Traceback" not in line
    assert png.read_bytes() == good

    # fixed: builds normally again (wait_line fails if the watcher exited after the error)
    write_scene(repo / "diagrams" / "a.excalidraw", drawing("fixed", "#b2f2bb"))
    watch.wait_line(r"^built diagrams/a\.excalidraw")
    wait_for(lambda: check(load_config(repo)).ok)

    # deleted: its outputs go, the others stay
    (repo / "diagrams" / "b.excalidraw").unlink()
    watch.wait_line(r"^removed attachments/b\.")
    wait_for(lambda: not (out / "b.png").exists() and not (out / "b.svg").exists())
    assert png.exists()
    # the lock file is written last, atomically: wait for the cycle to end, then no temporaries
    wait_for(lambda: not any(p.name.startswith(".diagrams-tmp-") for p in out.iterdir()))
    assert watch.stop() == 0
    assert not any(p.name.startswith(".diagrams-tmp-") for p in out.iterdir())
    assert any(line == "stopped" for line in [*watch.seen, *list(watch.lines.queue)])


# Editor and download temporaries of a file named {}, and our own partial writes.
TEMPORARY_FORMS = [
    ".{}",  # hidden files: many editors' atomic-save temporaries
    ".{}.kate-swp",  # kate
    ".{}.swp",  # vim
    ".{}.swo",
    ".{}.swx",
    "{}.swp",  # swap files named without the leading dot
    "{}~",  # emacs and gedit backups
    ".#{}",  # emacs lock
    "#{}#",  # emacs auto-save
    "~${}",  # office lock
    "{}.tmp",
    "{}.part",
    "{}.crdownload",
    "{}.bak",
    "{}.orig",
    ".diagrams-tmp-{}",  # our own atomic writes
]
TEMPORARIES = [form.format("a.excalidraw") for form in TEMPORARY_FORMS]
REAL_NAMES = [
    "a.excalidraw",
    "a.excalidraw.md",
    "a.excalidraw.svg",
    "Transformer架构.figure.yaml",
    "walk.anim.yaml",
    "a~b.excalidraw",
    "swp.excalidraw",
    "tmp.excalidraw",
    "a#b.excalidraw",
    "~draft.excalidraw",  # only "~$" starts an office lock file
]


@pytest.mark.parametrize("name", TEMPORARIES)
def test_editor_temporaries_are_temporary(name: str) -> None:
    assert is_temporary(name)


@pytest.mark.parametrize("name", REAL_NAMES)
def test_source_names_are_not_temporary(name: str) -> None:
    assert not is_temporary(name)


@pytest.fixture
def watcher(repo: Path) -> Iterator[Watcher]:
    (repo / "pyproject.toml").write_text('[tool.diagrams]\nnotes = ["notes/*.md"]\n', "utf-8")
    w = Watcher(repo, None, Reporter())
    yield w
    w.close()


def test_the_watcher_ignores_temporaries_beside_a_source(repo: Path, watcher: Watcher) -> None:
    folder = repo / "diagrams"
    for name in REAL_NAMES:
        assert watcher.relevant(folder / name), name  # a change in the sources matters …
    assert watcher.relevant(repo / "notes" / "n.md")
    for form in TEMPORARY_FORMS:  # … unless it is a temporary
        assert not watcher.relevant(folder / form.format("a.excalidraw")), form
        assert not watcher.relevant(repo / "notes" / form.format("n.md")), form


@pytest.mark.parametrize(
    ("path", "relevant"),
    [
        ("diagrams/a.excalidraw", True),
        ("diagrams/deep/er/new.excalidraw.md", True),
        ("pyproject.toml", True),
        ("diagrams.toml", True),
        ("notes/n.md", True),
        ("notes/n.txt", False),  # not a note
        ("notes/deeper/n.md", False),  # outside the notes glob
        ("elsewhere/a.excalidraw", False),  # outside the sources
        ("elsewhere/pyproject.toml", False),  # not this repository's config
        ("attachments/a.png", False),  # outputs
        ("attachments/diagrams.lock", False),
        ("diagrams/node_modules/x.excalidraw", False),  # skipped folders
        ("diagrams/.git/a.excalidraw", False),
        ("diagrams/.obsidian/a.excalidraw", False),
    ],
)
def test_which_changes_the_watcher_acts_on(
    repo: Path, watcher: Watcher, path: str, relevant: bool
) -> None:
    assert watcher.relevant(repo / path) is relevant


@pytest.mark.browser
def test_preview_page_updates_itself_and_shows_errors(repo: Path) -> None:
    from playwright.sync_api import sync_playwright

    from diagram_assets.render import find_chromium

    w = Watch(repo, "--port", "0")
    try:
        line = w.wait_line(r"^watching .* preview at ")
        url = re.search(r"preview at (\S+)", line).group(1)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(find_chromium()))
            page = browser.new_page()
            page.goto(url)
            selector = 'section[data-source="diagrams/a.excalidraw"] img[alt="attachments/a.png"]'
            page.wait_for_selector(selector)
            before = page.get_attribute(selector, "src")
            page.evaluate("window.__sameDocument = true")
            write_scene(repo / "diagrams" / "a.excalidraw", drawing("live", "#ffec99"))
            page.wait_for_function(
                "([sel, old]) => document.querySelector(sel).getAttribute('src') !== old",
                arg=[selector, before],
                timeout=30_000,
            )
            assert page.evaluate("window.__sameDocument") is True  # no reload happened
            after = page.get_attribute(selector, "src")
            assert after != before and after.startswith("/files/attachments/a.png?v=")
            # the new image is served and is a PNG
            response = page.request.get(url.rstrip("/") + after)
            assert response.ok and response.body()[:8] == b"\x89PNG\r\n\x1a\n"
            # nothing outside the outputs is served
            for path in ("/files/diagrams/a.excalidraw", "/files/../pyproject.toml", "/etc/passwd"):
                assert page.request.get(url.rstrip("/") + path).status == 404

            (repo / "diagrams" / "a.excalidraw").write_text("not json", "utf-8")
            error = 'section[data-source="diagrams/a.excalidraw"] .error'
            page.wait_for_selector(f"{error}:not([hidden])", timeout=30_000)
            assert "a.excalidraw" in page.text_content(error)
            browser.close()
    finally:
        w.stop()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stopping_watch_says_one_clean_line(tmp_path: Path, signum: signal.Signals) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "diagrams").mkdir()  # nothing to render: no browser starts
    (tmp_path / "pyproject.toml").write_text("[tool.diagrams]\nnotes = []\n", "utf-8")
    w = Watch(tmp_path, "--no-serve")
    try:
        w.wait_line(r"^watching ")
        # not watchfiles' "KeyboardInterrupt caught, stopping watch" before it
        assert w.finish(signum) == ["stopped"]
    finally:
        w.stop()
