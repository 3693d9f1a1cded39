"""Content digests: of files, and of everything a job reads and how."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..fsutil import atomic_write

MISSING = "missing"


class FileHasher:
    """sha256 of files.

    Hashing every output of a large repository on each ``check`` would cost more than the
    check itself, so digests are remembered in a small cache outside the repository, keyed
    the way git's index is: (size, mtime_ns, inode). Whether a job is current is still decided
    by content: the key only says when a file's bytes can be trusted to be what was hashed
    (after a checkout, the key changes and the file is hashed again). Entries for files
    modified in the last two seconds are not trusted ("racily clean", as git calls it).
    """

    RACY_SECONDS = 2.0

    def __init__(self, cache_file: Path | None = None) -> None:
        self._cache: dict[str, tuple[int, int, int, str]] = {}
        self._lock = threading.Lock()
        self._cache_file = cache_file
        self._dirty = False
        if cache_file is not None:
            self._load(cache_file)

    def _load(self, cache_file: Path) -> None:
        try:
            data = json.loads(cache_file.read_text("utf-8"))
            if data.get("version") == 1:
                for name, (size, mtime, ino, digest) in data["files"].items():
                    self._cache[name] = (int(size), int(mtime), int(ino), str(digest))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            self._cache = {}

    def save(self) -> None:
        """Write the cache back (best effort: a cache that cannot be written is skipped)."""
        if self._cache_file is None or not self._dirty:
            return
        with self._lock:
            files = {k: list(v) for k, v in self._cache.items()}
        with contextlib.suppress(OSError):
            atomic_write(self._cache_file, json.dumps({"version": 1, "files": files}))

    def file(self, path: Path) -> str:
        """The file's sha256, or MISSING when it is absent, unreadable or no regular file."""
        try:
            st = path.stat()
        except (OSError, ValueError):
            return MISSING
        name = str(path)
        with self._lock:
            cached = self._cache.get(name)
        if cached is not None and cached[:3] == (st.st_size, st.st_mtime_ns, st.st_ino):
            return cached[3]
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read; a folder is no file
            return MISSING
        h = hashlib.sha256()
        try:
            # O_NONBLOCK: a file swapped for a FIFO since the stat is opened without waiting
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
            with os.fdopen(fd, "rb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    return MISSING
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
        except (OSError, ValueError):
            return MISSING
        value = h.hexdigest()
        if time.time() - st.st_mtime_ns / 1e9 > self.RACY_SECONDS:
            with self._lock:
                self._cache[name] = (st.st_size, st.st_mtime_ns, st.st_ino, value)
                self._dirty = True
        return value

    def forget(self, paths: Iterable[Path]) -> None:
        """Drop cached digests of these files (after writing them)."""
        with self._lock:
            for p in paths:
                if self._cache.pop(str(p), None) is not None:
                    self._dirty = True


def hash_cache_file(root: Path) -> Path | None:
    """Where the digest cache of a repository lives: the user's cache folder, never the repo
    ($DIAGRAMS_CACHE_DIR, else $XDG_CACHE_HOME/diagrams, else ~/.cache/diagrams). Setting
    DIAGRAMS_CACHE_DIR to an empty string turns the cache off."""
    base = os.environ.get("DIAGRAMS_CACHE_DIR")
    if base == "":
        return None
    if base is None:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        base = str(Path(xdg) / "diagrams")
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / f"digests-{key}.json"


def bytes_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def job_digest(
    *,
    kind: str,
    kind_version: str,
    renderer: str | None,
    options: Mapping[str, Any],
    inputs: Mapping[str, str],
) -> str:
    """One digest over what a job reads (input paths and their content digests), how (options),
    and with what code (the kind's version and the renderer's identity)."""
    payload = {
        "kind": kind,
        "kind_version": kind_version,
        "renderer": renderer,
        "options": options,
        "inputs": sorted(inputs.items()),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rel(root: Path, path: Path) -> str:
    """``path`` relative to ``root`` as a POSIX string (paths outside root stay absolute)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return os.path.abspath(path)
