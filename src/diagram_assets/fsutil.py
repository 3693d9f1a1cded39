"""File helpers: atomic writes, bounded reads, paths kept inside a root folder, and the one
list of folders no walk of a repository or vault enters."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from .errors import DiagramsError

TEMP_PREFIX = ".diagrams-tmp-"
SKIPPED_FOLDERS = frozenset(
    {".git", ".obsidian", ".trash", ".venv", "venv", "node_modules", "__pycache__"}
)
"""Folders never searched for sources, notes or linked files, nor watched (hidden folders,
whose names start with ``.``, are not walked either: see :func:`skipped_folder`)."""
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def atomic_write(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the file is
    renamed over the target. The temporary file is removed if anything fails.
    """
    if isinstance(data, str):
        data = data.encode(encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary file's name is chosen before it is created, so an interrupt landing at any
    # point after its creation is inside the ``try`` that removes it.
    tmp: Path | None = path.parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}.part"
    try:
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_CLOEXEC, 0o600)
        except FileExistsError:
            tmp = (
                None  # someone else's file (64 random bits: never in practice); not ours to remove
            )
            raise
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def remove_stale_temporaries(folder: Path) -> int:
    """Delete temporary files an interrupted write left in ``folder``; return how many."""
    count = 0
    if folder.is_dir():
        for tmp in folder.glob(f"{TEMP_PREFIX}*.part"):
            with contextlib.suppress(OSError):
                tmp.unlink()
                count += 1
    return count


def read_bytes_limited(
    path: Path, limit: int, *, what: str = "file", error: type[DiagramsError] = DiagramsError
) -> bytes:
    """Read a whole file, refusing one larger than ``limit`` bytes with a clear error."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise error(
                f"{what} is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit",
                file=path,
                fix="split the drawing, or raise the limit (max_source_mb in [tool.diagrams])",
            )
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise error("file not found", file=path, fix="check the path") from None
    except IsADirectoryError:
        raise error("is a folder, not a file", file=path) from None
    except PermissionError:
        raise error("permission denied", file=path, fix="make it readable") from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", file=path) from None
    if len(data) > limit:
        raise error(f"{what} is over the {limit / 1e6:.0f} MB limit", file=path)
    return data


def inside(root: Path, path: Path) -> bool:
    """True when ``path`` (after resolving symlinks) lies inside ``root`` or is ``root``.

    A path that cannot be resolved (a symlink loop, a name too long) is not inside."""
    return RootFolder(root).holds(path)


class RootFolder:
    """A folder to check many paths against (:func:`inside`), resolved once."""

    def __init__(self, root: Path) -> None:
        try:
            self.real: Path | None = root.resolve()
        except (OSError, RuntimeError):  # a symlink loop: nothing is inside
            self.real = None

    def holds(self, path: Path) -> bool:
        """True when ``path`` (after resolving symlinks) lies inside the folder or is it."""
        if self.real is None:
            return False
        try:
            path.resolve().relative_to(self.real)
        except (ValueError, OSError, RuntimeError):
            return False
        return True


def skipped_folder(name: str) -> bool:
    """Is a folder of this name left out of every walk? (``.git``, ``node_modules``, hidden…)"""
    return name in SKIPPED_FOLDERS or name.startswith(".")


def walk_files(top: Path) -> Iterator[tuple[str, list[str]]]:
    """``(folder, sorted file names)`` for ``top`` and every folder below it, in sorted order,
    leaving out :func:`skipped_folder` folders and not following symlinked folders."""
    for folder, dirnames, filenames in os.walk(top, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not skipped_folder(d))
        yield folder, sorted(filenames)


def decode_utf8(
    data: bytes, *, file: str | Path, what: str, fix: str, error: type[DiagramsError]
) -> str:
    """``data`` as UTF-8 text, or ``error`` naming the line and column of the first bad byte:
    "{what} (byte 0x..)", e.g. ``what="not valid UTF-8"``."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(
            f"{what} (byte 0x{data[exc.start]:02X})",
            file=file,
            place=f"line {line}, column {column}",
            fix=fix,
        ) from None
