"""atomic_write: the old file or the new one, never half, and no temporary left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from diagram_assets.fsutil import (
    SKIPPED_FOLDERS,
    TEMP_PREFIX,
    atomic_write,
    inside,
    skipped_folder,
    walk_files,
)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_writes_new_and_replaces_keeping_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.txt"
    atomic_write(target, "一")
    assert target.read_text("utf-8") == "一"
    target.chmod(0o640)
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(target.parent) == []


@pytest.mark.parametrize("where", ["open", "fsync", "replace"])
def test_an_interrupt_anywhere_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")
    real = getattr(os, where)

    def interrupted(*args: object, **kwargs: object) -> object:
        real(*args, **kwargs)  # the call happened (the file exists) ...
        raise KeyboardInterrupt  # ... and Ctrl-C lands right after it

    monkeypatch.setattr(os, where, interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"new")
    monkeypatch.undo()
    if where == "replace":
        assert target.read_bytes() == b"new"
    else:
        assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_a_failing_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        atomic_write(target, b"new" * 1000)
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_a_symlink_in_the_temporary_name_is_never_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep")
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.setattr("secrets.token_hex", lambda n: "fixed")
    (folder / f"{TEMP_PREFIX}fixed.part").symlink_to(outside)
    with pytest.raises(FileExistsError):
        atomic_write(folder / "a.txt", b"new")
    assert outside.read_bytes() == b"keep"
    assert (folder / f"{TEMP_PREFIX}fixed.part").is_symlink()  # not ours: left alone


def test_walk_files_leaves_out_skipped_and_hidden_folders(tmp_path: Path) -> None:
    for folder in ("a/b", ".git", "node_modules/x", "venv", ".obsidian", ".hidden", "a/.trash"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "f.md").write_text("x")
    (tmp_path / ".top.md").write_text("x")  # hidden files are kept: only folders are skipped
    (tmp_path / "link").symlink_to(tmp_path / "a", target_is_directory=True)
    walked = [
        (Path(folder).relative_to(tmp_path).as_posix(), names)
        for folder, names in walk_files(tmp_path)
    ]
    assert walked == [(".", [".top.md"]), ("a", []), ("a/b", ["f.md"])]  # "link" not followed
    assert all(skipped_folder(name) for name in SKIPPED_FOLDERS | {".anything"})
    assert not skipped_folder("notes")


def test_inside(tmp_path: Path) -> None:
    (tmp_path / "root" / "sub").mkdir(parents=True)
    (tmp_path / "root" / "out").symlink_to(tmp_path)
    root = tmp_path / "root"
    assert inside(root, root) and inside(root, root / "sub" / "new.png")
    assert not inside(root, root / "out" / "x.png")  # through a symlink leading out
    assert not inside(root, root / "sub" / ".." / ".." / "x.png")
