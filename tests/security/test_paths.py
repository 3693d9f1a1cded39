"""Paths from config, specs, notes and the lock file never read or write outside the repository.

Every case builds a temporary repository next to a folder ``outside/`` holding sentinels: a
figure spec, a PNG, a drawing, a note, and a FIFO (opening it would block). The commands run as
subprocesses (a FIFO opened by mistake shows as a timeout, not a hung suite), and an inotify
watch on ``outside/`` records every open, read, write, creation and deletion there: each test
asserts there was none (a ``stat`` is not an event; looking a path up is not reading it). The
sentinels' bytes and modification times are compared too.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import re
import struct
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from diagram_assets.scene.model import Scene

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses inotify and FIFOs (Linux)")

COMMAND_TIMEOUT = 60  # seconds; a command blocked on the FIFO fails the test instead of hanging

# inotify(7) event bits
IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x1, 0x2, 0x4, 0x8
IN_OPEN, IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x20, 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_ISDIR = 0x400, 0x40000000
WATCHED = (
    IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_OPEN | IN_MOVED_FROM | IN_MOVED_TO
    | IN_CREATE | IN_DELETE | IN_DELETE_SELF
)  # fmt: skip
NAMES = {
    IN_ACCESS: "read", IN_MODIFY: "write", IN_ATTRIB: "attrib", IN_CLOSE_WRITE: "close-write",
    IN_OPEN: "open", IN_MOVED_FROM: "moved-from", IN_MOVED_TO: "moved-to", IN_CREATE: "create",
    IN_DELETE: "delete", IN_DELETE_SELF: "delete-self",
}  # fmt: skip


class Inotify:
    """Every file-system event in some folders (not recursive: each folder is added)."""

    def __init__(self) -> None:
        self._libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self.fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.folders: dict[int, Path] = {}

    def add(self, folder: Path) -> None:
        wd = self._libc.inotify_add_watch(self.fd, os.fsencode(folder), WATCHED)
        if wd < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch {folder}")
        self.folders[wd] = folder

    def events(self) -> list[str]:
        """Events since the last call, as "open outside/fifo"-like strings."""
        out: list[str] = []
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return out
            at = 0
            while at < len(data):
                wd, mask, _cookie, size = struct.unpack_from("iIII", data, at)
                name = data[at + 16 : at + 16 + size].rstrip(b"\0").decode("utf-8", "replace")
                at += 16 + size
                what = "+".join(v for k, v in NAMES.items() if mask & k) or hex(mask)
                kind = " (folder)" if mask & IN_ISDIR else ""
                folder = self.folders.get(wd, Path("?"))
                out.append(f"{what} {folder.name}/{name}{kind}")

    def close(self) -> None:
        os.close(self.fd)


# --------------------------------------------------------------------------- the setting


def png_bytes(colour: str = "red") -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "PNG")
    return buffer.getvalue()


SECRET_FIGURE = "name: secret\nlayers:\n  - {cells: input, size: 2}\n  - {cells: output, size: 1}\n"
SECRET_DRAWING = json.dumps({"type": "excalidraw", "elements": [], "appState": {}})
SECRET_NOTE = "# secret\n\n![](diagrams/x.excalidraw)\n"


@dataclass
class World:
    """A repository and the ``outside/`` folder next to it, watched."""

    repo: Path
    outside: Path
    watch: Inotify
    sentinels: dict[str, tuple[bytes | None, int]]

    def run(self, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
        """``diagrams ARGS -C repo`` in a subprocess: (exit code, stdout + stderr)."""
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "diagram_assets", *args, "-C", str(self.repo)],
                capture_output=True,
                text=True,
                timeout=COMMAND_TIMEOUT,
                env={**os.environ, "DIAGRAMS_CACHE_DIR": "", **(env or {})},
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"`diagrams {' '.join(args)}` blocked (opened the FIFO outside?)")
        return proc.returncode, proc.stdout + proc.stderr

    def assert_untouched(self) -> None:
        """No event in outside/ since the watch started, and every sentinel as it was."""
        events = self.watch.events()
        assert events == [], f"touched outside the repository: {events}"
        for name, (data, mtime) in self.sentinels.items():
            path = self.outside / name
            st = path.lstat()
            assert st.st_mtime_ns == mtime, name
            if data is not None:
                assert path.read_bytes() == data, name
        self.watch.events()  # our own reads above

    def write(self, rel: str, content: str | bytes) -> Path:
        path = self.repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def link(self, rel: str, target: Path) -> Path:
        path = self.repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
        return path

    def start(self) -> None:
        """Start watching now: what the test set up so far is not counted."""
        self.watch.events()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    for folder in (repo / ".git", repo / "diagrams", repo / "notes", outside / "sub"):
        folder.mkdir(parents=True)
    (repo / "pyproject.toml").write_text(
        '[tool.diagrams]\nnotes = ["notes/**/*.md"]\n', encoding="utf-8"
    )
    (repo / "notes" / "n.md").write_text("# note\n\ntext\n", encoding="utf-8")
    files: dict[str, bytes] = {
        "secret.figure.yaml": SECRET_FIGURE.encode(),
        "secret.png": png_bytes(),
        "secret.excalidraw": SECRET_DRAWING.encode(),
        "secret.md": SECRET_NOTE.encode(),
        "sub/secret.png": png_bytes("blue"),
    }
    for name, data in files.items():
        (outside / name).write_bytes(data)
    os.mkfifo(outside / "fifo")
    os.mkfifo(outside / "fifo.png")
    sentinels: dict[str, tuple[bytes | None, int]] = {
        name: (data, (outside / name).stat().st_mtime_ns) for name, data in files.items()
    }
    for fifo in ("fifo", "fifo.png"):
        sentinels[fifo] = (None, (outside / fifo).lstat().st_mtime_ns)
    watch = Inotify()
    watch.add(outside)
    watch.add(outside / "sub")
    w = World(repo, outside, watch, sentinels)
    w.start()
    try:
        yield w
    finally:
        watch.close()


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error: ")]


def assert_no_traceback(output: str) -> None:
    assert "Traceback" not in output and "internal error" not in output, output


# --------------------------------------------------------------------------- the watch works


def test_the_watch_sees_opens_and_the_fifo_blocks(world: World) -> None:
    """The instruments: reading a sentinel is seen, and opening the FIFO would block."""
    (world.outside / "secret.png").read_bytes()
    events = world.watch.events()
    assert any(e.startswith("open") and e.endswith("secret.png") for e in events), events
    assert any("read" in e for e in events), events
    fd = None
    with pytest.raises(OSError):  # no writer: a non-blocking open for writing fails (ENXIO)
        fd = os.open(world.outside / "fifo", os.O_WRONLY | os.O_NONBLOCK)
    assert fd is None
    world.watch.events()
    world.assert_untouched()


# --------------------------------------------------------------------------- figure include:


def include_cases(world: World) -> dict[str, str]:
    """``include:`` values reaching outside, by each route."""
    world.link("diagrams/figures/out-folder", world.outside)
    world.link("diagrams/figures/out-file.figure.yaml", world.outside / "secret.figure.yaml")
    world.link("diagrams/figures/out-fifo.figure.yaml", world.outside / "fifo")
    return {
        "dotdot": "../../../outside/secret.figure.yaml",
        "absolute": str(world.outside / "secret.figure.yaml"),
        "folder-symlink": "out-folder/secret.figure.yaml",
        "file-symlink": "out-file.figure.yaml",
        "fifo": "../../../outside/fifo",
        "fifo-symlink": "out-fifo.figure.yaml",
    }


def assert_each_refused_on_line_1(world: World, cases: dict, suffix: str, words: str) -> None:
    """`check` and `build` each print one error line per case, on the spec's line 1, saying
    ``words``; exit 1, no traceback, nothing outside touched."""
    for command in ("check", "build"):
        code, output = world.run(command)
        assert code == 1, output
        assert_no_traceback(output)
        for name in cases:
            lines = [line for line in output.splitlines() if f"/{name}{suffix}:" in line]
            assert len(lines) == 1, (name, output)
            assert words in lines[0], lines[0]
            assert re.search(r"line 1, column \d+", lines[0]), lines[0]
        world.assert_untouched()


def test_figure_includes_outside_are_refused_unread(world: World) -> None:
    cases = include_cases(world)
    (world.repo / "pyproject.toml").write_text(
        '[tool.diagrams]\nsources = ["diagrams/specs"]\nnotes = ["notes/**/*.md"]\n',
        encoding="utf-8",
    )
    for name, target in cases.items():
        world.write(
            f"diagrams/specs/{name}.figure.yaml",
            f"include: {json.dumps(target)}\nname: {name}\n",
        )
    # the specs live in diagrams/specs; their includes are relative to it: rewrite them there
    for name in ("folder-symlink", "file-symlink", "fifo-symlink"):
        target = "../figures/" + cases[name]
        world.write(
            f"diagrams/specs/{name}.figure.yaml", f"include: {json.dumps(target)}\nname: {name}\n"
        )
    world.start()
    assert_each_refused_on_line_1(world, cases, ".figure.yaml", "outside the repository")
    assert not (world.repo / "attachments" / "secret.svg").exists()


def test_figure_include_inside_the_repository_still_works(world: World) -> None:
    """The boundary is the repository, not the spec's folder: `../base` inside it is fine."""
    world.write("diagrams/base.figure.yaml", SECRET_FIGURE.replace("secret", "base"))
    world.write("diagrams/figures/child.figure.yaml", "include: ../base.figure.yaml\nname: c\n")
    from diagram_assets.figures import load_figure_spec

    spec = load_figure_spec(world.repo / "diagrams/figures/child.figure.yaml", root=world.repo)
    assert spec.name == "c"
    assert [p.name for p in spec.reads] == ["base.figure.yaml"]
    world.assert_untouched()


# --------------------------------------------------------------------------- animation specs


def animation_cases(world: World) -> dict[str, str]:
    """Animation specs whose frames (images:, drawing:, figure:) reach outside."""
    world.link("diagrams/animations/out", world.outside)
    world.link("diagrams/animations/out.png", world.outside / "secret.png")
    world.link("diagrams/animations/out.excalidraw", world.outside / "secret.excalidraw")
    world.link("diagrams/animations/out-fifo.png", world.outside / "fifo.png")
    up = "../../../outside"
    return {
        "images-dotdot": f"images: {up}/secret.png",
        "images-absolute": f"images: {world.outside / 'secret.png'}",
        "images-folder-symlink": "images: out/secret.png",
        "images-file-symlink": "images: out.png",
        "images-fifo": f"images: {up}/fifo.png",
        "images-fifo-symlink": "images: out-fifo.png",
        "glob-dotdot": f"images: '{up}/*.png'",
        "glob-dotdot-deep": f"images: '{up}/**/*.png'",
        "glob-absolute": f"images: '{world.outside}/**/*.png'",
        "glob-root": "images: '/**/*.png'",
        "glob-folder-symlink": "images: 'out/*.png'",
        "drawing-dotdot": f"drawing: {up}/secret.excalidraw",
        "drawing-absolute": f"drawing: {world.outside / 'secret.excalidraw'}",
        "drawing-symlink": "drawing: out.excalidraw",
        "figure-dotdot": f"figure: {up}/secret.figure.yaml",
        "figure-symlink": "figure: out/secret.figure.yaml",
    }


def test_animation_frames_outside_are_refused_unread(world: World) -> None:
    cases = animation_cases(world)
    for name, line in cases.items():
        world.write(f"diagrams/animations/{name}.anim.yaml", line + "\n")
    world.start()
    assert_each_refused_on_line_1(world, cases, ".anim.yaml", "outside the project folder")


def test_a_glob_does_not_walk_into_a_symlinked_folder(world: World) -> None:
    """`**/*.png` under a folder holding a link to outside/ (or to /) lists only what is
    inside: the build makes a one-frame GIF and nothing outside is even listed."""
    world.write("diagrams/animations/frames/f1.png", png_bytes("green"))
    world.link("diagrams/animations/frames/out", world.outside)
    world.link("diagrams/animations/frames/slash", Path("/"))
    world.write("diagrams/animations/walk.anim.yaml", "images: 'frames/**/*.png'\n")
    world.start()
    code, output = world.run("build")
    assert code == 0, output
    gif = world.repo / "attachments" / "walk.gif"
    from PIL import Image

    with Image.open(gif) as image:
        assert image.n_frames == 1
    world.assert_untouched()


# --------------------------------------------------------------------------- notes


NOTE_WITH_OUTSIDE_LINKS = """# Links that leave the vault

![up](../../outside/secret.png)
![abs]({outside}/secret.png)
![[../../outside/secret.png]]
![[{outside}/secret.png]]
![[out/secret.png]]
<img src="{outside}/secret.png">
[a note outside](../../outside/secret.md)
![fifo](../../outside/fifo.png)
"""


def test_links_to_outside_are_left_alone_and_never_opened(world: World) -> None:
    text = NOTE_WITH_OUTSIDE_LINKS.format(outside=world.outside)
    note = world.write("notes/leaving.md", text)
    world.link("notes/out", world.outside)
    before = note.read_bytes()
    world.start()
    for args in (("links",), ("links", "--dry-run"), ("check",), ("build",)):
        code, output = world.run(*args)
        assert code == 0, (args, output)
        assert_no_traceback(output)
        assert note.read_bytes() == before
        world.assert_untouched()


def test_a_note_that_is_a_symlink_out_or_a_fifo_is_refused_unread(world: World) -> None:
    world.link("notes/evil.md", world.outside / "secret.md")
    world.link("notes/evil-fifo.md", world.outside / "fifo")
    os.mkfifo(world.repo / "notes" / "local-fifo.md")
    world.link("notes/linked-folder", world.outside)  # notes/linked-folder/secret.md: not a note
    world.start()
    for args in (("links",), ("check",), ("build",)):
        code, output = world.run(*args)
        assert code == 1, (args, output)
        assert_no_traceback(output)
        for name, words in (
            ("notes/evil.md", "symlink to a file outside the vault"),
            ("notes/evil-fifo.md", "symlink to a file outside the vault"),
            ("notes/local-fifo.md", "not a regular file"),
        ):
            lines = [line for line in output.splitlines() if name + ":" in line]
            assert len(lines) == 1, (name, output)
            assert words in lines[0], lines[0]
        assert "secret.md" not in output
        world.assert_untouched()


def test_a_note_named_on_the_command_line_outside_the_vault_is_refused(world: World) -> None:
    world.start()
    code, output = world.run("links", str(world.outside / "secret.md"))
    assert code == 1, output
    assert_no_traceback(output)
    assert len(error_lines(output)) == 1 and "outside the vault" in output, output
    world.assert_untouched()


# --------------------------------------------------------------------------- config


def config_cases(world: World) -> list[tuple[str, str, str]]:
    """(TOML under [tool.diagrams], the key named in the error, what the error says)."""
    world.link("out-link", world.outside)
    outside = json.dumps(str(world.outside))
    return [
        ('sources = ["../outside"]', "tool.diagrams.sources", "outside the repository"),
        (f"sources = [{outside}]", "tool.diagrams.sources", "absolute path"),
        ('sources = ["out-link"]', "tool.diagrams.sources", "outside the repository"),
        ('sources = ["diagrams/../../outside"]', "tool.diagrams.sources", "outside"),
        ('output = "../outside"', "tool.diagrams.output", "outside the repository"),
        (f"output = {outside}", "tool.diagrams.output", "absolute path"),
        ('output = "out-link"', "tool.diagrams.output", "outside the repository"),
        ('output = "out-link/sub"', "tool.diagrams.output", "outside the repository"),
        ('notes = ["../outside/*.md"]', "tool.diagrams.notes", "outside the repository"),
        (f'notes = ["{world.outside}/*.md"]', "tool.diagrams.notes", "outside the repository"),
        ('exclude = ["../**"]', "tool.diagrams.exclude", "outside the repository"),
        (
            '[[tool.diagrams.overrides]]\nmatch = "../outside/*"\ndark = true',
            "tool.diagrams.overrides[0].match",
            "outside the repository",
        ),
        (
            f'[[tool.diagrams.overrides]]\nmatch = ["{world.outside}/*"]\ndark = true',
            "tool.diagrams.overrides[0].match",
            "outside the repository",
        ),
    ]


def test_config_paths_outside_are_refused(world: World) -> None:
    cases = config_cases(world)
    world.start()
    for toml, key, words in cases:
        (world.repo / "pyproject.toml").write_text(f"[tool.diagrams]\n{toml}\n", encoding="utf-8")
        for command in ("check", "build", "links"):
            code, output = world.run(command)
            assert code == 2, (toml, output)
            lines = [line for line in output.splitlines() if line.strip()]
            assert len(lines) == 1, (toml, output)
            assert "pyproject.toml" in lines[0] and key in lines[0], (toml, lines[0])
            assert words in lines[0], (toml, lines[0])
        world.assert_untouched()


def test_a_notes_glob_does_not_follow_a_symlinked_folder_out(world: World) -> None:
    """notes = ["**/*.md"] with a folder link to outside/: its notes are not notes of this
    vault; outside/secret.md holds a link `build` would otherwise rewrite."""
    (world.repo / "pyproject.toml").write_text(
        '[tool.diagrams]\nnotes = ["**/*.md"]\n', encoding="utf-8"
    )
    world.link("notes/shared", world.outside)
    world.write("diagrams/x.excalidraw", SECRET_DRAWING)  # the link target exists in the vault
    world.start()
    code, output = world.run("links")
    assert code == 0, output
    assert "secret.md" not in output
    world.assert_untouched()


# --------------------------------------------------------------------------- Obsidian embeds


def obsidian_drawing(links: dict[str, str]) -> str:
    """An Obsidian drawing with one image element per ``## Embedded Files`` link."""
    elements = []
    for i, fid in enumerate(links):
        elements.append(
            {
                "id": f"img-{fid}", "type": "image", "x": i * 20, "y": 0, "width": 10,
                "height": 10, "fileId": fid, "status": "saved", "scale": [1, 1],
            }
        )  # fmt: skip
    embedded = "\n\n".join(f"{fid}: {link}" for fid, link in links.items())
    scene = json.dumps({"type": "excalidraw", "elements": elements, "appState": {}})
    return (
        "---\nexcalidraw-plugin: parsed\n---\n# Excalidraw Data\n\n"
        f"## Embedded Files\n\n{embedded}\n\n%%\n## Drawing\n```json\n{scene}\n```\n%%\n"
    )


def test_obsidian_embedded_files_outside_the_vault_are_placeholders_unread(world: World) -> None:

    world.link("diagrams/out", world.outside)
    world.link("diagrams/out.png", world.outside / "secret.png")
    world.link("diagrams/fifo.png", world.outside / "fifo.png")
    world.write("diagrams/inside.png", png_bytes("green"))
    links = {
        "dotdot": "[[../../outside/secret.png]]",
        "absolute": f"[[{world.outside}/secret.png]]",
        "mdlink": "[x](../../outside/secret.png)",
        "folderlink": "[[out/secret.png]]",
        "filelink": "[[out.png]]",
        "fifolink": "[[fifo.png]]",
        "fifo": "[[../../outside/fifo.png]]",
        "passwd": "[[../../../../../../../../etc/passwd]]",
        "inside": "[[inside.png]]",
    }
    os.mkfifo(world.repo / "diagrams" / "local-fifo.png")
    links["localfifo"] = "[[local-fifo.png]]"
    drawing = world.write("diagrams/vault.excalidraw.md", obsidian_drawing(links))
    world.start()
    scene = load_unblocked(drawing, world.repo, [world.repo / "diagrams" / "local-fifo.png"])
    assert list(scene.files) == ["inside"]
    assert scene.reads == [world.repo / "diagrams" / "inside.png"]
    for fid in links:
        if fid == "inside":
            continue
        (warning,) = [w for w in scene.warnings if f"image element img-{fid}:" in w]
        assert "placeholder" in warning, warning
        if fid in ("fifo", "fifolink", "localfifo", "passwd"):  # no regular file: not found
            assert "was not found" in warning or "outside the vault" in warning, warning
        else:
            assert "outside the vault root" in warning, warning
    world.assert_untouched()


def load_unblocked(drawing: Path, root: Path, fifos: list[Path]) -> Scene:
    """load_scene on a thread; if it blocks on one of ``fifos``, unblock it and fail."""
    import threading

    from diagram_assets.scene import load_scene

    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["scene"] = load_scene(drawing, root=root)
        except BaseException as exc:  # reported below
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(COMMAND_TIMEOUT)
    if thread.is_alive():
        for fifo in fifos:  # a writer that closes at once gives the blocked reader its EOF
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(5)
        pytest.fail(f"load_scene blocked opening one of {fifos}")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    scene = box["scene"]
    assert isinstance(scene, Scene)
    return scene


# --------------------------------------------------------------------------- sources


def test_sources_that_lead_out_or_are_no_files_are_refused_unread(world: World) -> None:
    world.link("diagrams/figures/evil.yaml", world.outside / "fifo")
    world.link("diagrams/animations/evil.yaml", world.outside / "fifo")
    world.link("diagrams/evil.figure.yaml", world.outside / "secret.figure.yaml")
    world.link("diagrams/evil.excalidraw", world.outside / "secret.excalidraw")
    world.link("diagrams/broken-out.excalidraw", world.outside / "nothing-here")
    world.link("diagrams/broken.excalidraw", world.repo / "diagrams" / "nothing-here")
    world.link("diagrams/readme.txt", world.outside / "secret.md")  # no source: skipped
    os.mkfifo(world.repo / "diagrams" / "local-fifo.excalidraw")
    world.start()
    expected = {
        "diagrams/figures/evil.yaml": "outside the repository",
        "diagrams/animations/evil.yaml": "outside the repository",
        "diagrams/evil.figure.yaml": "outside the repository",
        "diagrams/evil.excalidraw": "outside the repository",
        "diagrams/broken-out.excalidraw": "outside the repository",
        "diagrams/broken.excalidraw": "broken symlink",
        "diagrams/local-fifo.excalidraw": "not a regular file",
    }
    for command in ("check", "build"):
        code, output = world.run(command)
        assert code == 1, output
        assert_no_traceback(output)
        for name, words in expected.items():
            lines = [line for line in output.splitlines() if f"{name}:" in line]
            assert len(lines) == 1, (name, output)
            assert words in lines[0], lines[0]
        assert "readme.txt" not in output
        world.assert_untouched()


# --------------------------------------------------------------------------- outputs


def test_outputs_are_never_written_through_a_symlinked_folder(world: World) -> None:
    """layout = "mirror" puts diagrams/sub/a.anim.yaml's GIF in attachments/sub/: that folder
    is a link to outside/, so the source is refused before anything is written."""
    (world.repo / "pyproject.toml").write_text(
        '[tool.diagrams]\nlayout = "mirror"\nnotes = ["notes/**/*.md"]\n', encoding="utf-8"
    )
    world.write("diagrams/sub/frames/f1.png", png_bytes("green"))
    world.write("diagrams/sub/a.anim.yaml", "images: frames/*.png\n")
    world.write("diagrams/b.anim.yaml", "images: sub/frames/*.png\n")  # attachments/b.gif
    (world.repo / "attachments").mkdir()
    world.link("attachments/sub", world.outside / "sub")
    world.start()
    code, output = world.run("build")
    assert code == 1, output
    assert_no_traceback(output)
    (line,) = error_lines(output)
    assert "diagrams/sub/a.anim.yaml" in line and "attachments/sub/a.gif" in line, line
    assert "lies in a symlinked folder" in line, line
    assert (world.repo / "attachments" / "b.gif").is_file()  # the other source still builds
    assert not (world.outside / "sub" / "a.gif").exists()
    world.assert_untouched()


def sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_a_lock_file_naming_files_outside_never_reads_or_removes_them(world: World) -> None:
    """A lock file (anyone can commit one) lists outputs behind a symlinked folder, with the
    right digests (so a build would delete them as its own orphans), and inputs that are links
    to a FIFO and to a secret outside: nothing there is opened, nothing removed."""
    (world.repo / "attachments").mkdir()
    world.link("attachments/sub", world.outside / "sub")
    world.link("diagrams/input.png", world.outside / "fifo.png")
    world.link("diagrams/secret.png", world.outside / "secret.png")
    world.write("diagrams/frames/f1.png", png_bytes("green"))
    world.write("diagrams/live.anim.yaml", "images: frames/*.png\n")
    secret = (world.outside / "sub" / "secret.png").read_bytes()
    lock = {
        "version": 1,
        "jobs": {
            "diagrams/gone.excalidraw": {
                "digest": "0" * 64,
                "kind": "drawing",
                "inputs": {},
                "outputs": {"attachments/sub/secret.png": sha256(secret)},
            },
            "diagrams/live.anim.yaml": {
                "digest": "0" * 64,
                "kind": "animation",
                "inputs": {"diagrams/input.png": "x", "diagrams/secret.png": "y"},
                "outputs": {"attachments/sub/secret.png": sha256(secret), "attachments/x": "z"},
            },
        },
    }
    world.write("attachments/diagrams.lock", json.dumps(lock))
    world.start()
    code, output = world.run("check")
    assert code == 1, output
    assert_no_traceback(output)
    assert "attachments/sub/secret.png" in output and "left alone" in output, output
    world.assert_untouched()
    code, output = world.run("build")
    assert code == 1, output  # the lock file's entries were wrong: said once, then repaired
    assert_no_traceback(output)
    assert len(error_lines(output)) == 2, output  # one per foreign output entry
    world.assert_untouched()  # (compares sub/secret.png's bytes too: still there)
    repaired = json.loads((world.repo / "attachments" / "diagrams.lock").read_text())
    assert "diagrams/gone.excalidraw" not in repaired["jobs"]
    assert "attachments/sub/secret.png" not in json.dumps(repaired)
    code, output = world.run("build")
    assert code == 0, output
    world.assert_untouched()


def test_a_link_left_unfollowed_is_a_warning_the_user_sees(world: World) -> None:
    """`build` prints the loader's warnings (it dropped every one of them: they went into the
    job outcome's error field of a successful job). Chromium is replaced by a stub here."""
    from unittest import mock

    from click.testing import CliRunner

    import diagram_assets.render as render_package
    from diagram_assets.cli import main
    from security.test_fuzz import FakeRenderer

    links = {"out": "[[../../outside/secret.png]]", "web": "![](https://example.com/x.png)"}
    world.write("diagrams/v.excalidraw.md", obsidian_drawing(links))
    world.start()
    with mock.patch.object(render_package, "Renderer", FakeRenderer, create=True):
        result = CliRunner().invoke(main, ["build", "-C", str(world.repo)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 2, result.output
    assert any("img-out" in w and "outside the vault root" in w for w in warnings), warnings
    assert any("img-web" in w and "never fetched" in w for w in warnings), warnings
    world.assert_untouched()
