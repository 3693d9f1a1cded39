"""Content digests: of files, and of everything a job reads and how."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

MISSING = "missing"


class FileHasher:
    """sha256 of files, remembered for one run (keyed by size and mtime, only as a cache key:
    whether a job is current is decided by content, never by time)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int, int, int], str] = {}
        self._lock = threading.Lock()

    def file(self, path: Path) -> str:
        try:
            st = path.stat()
        except OSError:
            return MISSING
        key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        h = hashlib.sha256()
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
        except OSError:
            return MISSING
        value = h.hexdigest()
        with self._lock:
            self._cache[key] = value
        return value

    def forget(self, paths: Iterable[Path]) -> None:
        """Drop cached digests of these files (after writing them)."""
        names = {str(p) for p in paths}
        with self._lock:
            for key in [k for k in self._cache if k[0] in names]:
                del self._cache[key]


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
