"""The vault's files, what the pipeline produced, and resolving link paths to files.

Markdown links resolve relative to the note (``/x`` from the vault root); as Obsidian does,
a path that is not found there is tried from the vault root, and a bare file name by name
anywhere in the vault. Wikilinks resolve as Obsidian does: by vault path (``.md`` may be left
out), then by a unique path suffix or file name anywhere in the vault. Exact case is tried
first, then any case. A name that matches several files is *ambiguous*.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..fsutil import TEMP_PREFIX
from .model import OutputSet

SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "__pycache__"})


def norm_path(path: str) -> str:
    """A repo-relative POSIX path in one spelling: no ``./``, no leading ``/``, no ``a/../``."""
    path = path.replace("\\", "/").lstrip("/")
    if not path:
        return ""
    return posixpath.normpath(path)


def _add(index: dict[str, list[str]], key: str, path: str) -> None:
    index.setdefault(key, []).append(path)


class Vault:
    """Every file of the repository or vault (repo-relative POSIX paths), for resolving links."""

    def __init__(self, root: Path, files: Iterable[str]) -> None:
        self.root = Path(root)
        self.files = frozenset(p for p in (norm_path(f) for f in files) if p and p != ".")
        self._cache: tuple[list[OutputSet], LinkIndex] | None = None

    @classmethod
    def scan(cls, root: Path) -> Vault:
        """Walk ``root``, skipping ``.git``, ``node_modules``, ``.venv`` and hidden folders."""
        root = Path(root)
        if not root.is_dir():
            raise ConfigError("vault folder not found", file=root, fix="check the path")
        files: list[str] = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            rel = os.path.relpath(folder, root)
            prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
            files.extend(prefix + n for n in names if not n.startswith(TEMP_PREFIX))
        return cls(root, files)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and norm_path(path) in self.files

    def __len__(self) -> int:
        return len(self.files)

    def index(self, outputs: Sequence[OutputSet]) -> LinkIndex:
        """The link index for these outputs (cached while the same OutputSets are passed)."""
        cached = self._cache
        if (
            cached is not None
            and len(cached[0]) == len(outputs)
            and all(a is b for a, b in zip(cached[0], outputs, strict=True))
        ):
            return cached[1]
        built = LinkIndex(self, outputs)
        self._cache = (list(outputs), built)
        return built


@dataclass(frozen=True)
class Managed:
    """A path the pipeline manages: a source, one of its outputs, or a frame's output."""

    outputs: OutputSet
    frame: str | None = None
    is_source: bool = False


@dataclass(frozen=True)
class Resolved:
    """Where a link path leads.

    ``path`` is the file (None when missing or ambiguous); ``style`` says how it was written:
    ``relative`` (to the note), ``absolute`` (``/`` = vault root), ``vault`` (a vault path
    without ``/``), ``name`` (a file name found anywhere), ``wiki`` or ``outside`` (leaves the
    vault: not checked). ``candidates`` lists the files an ambiguous name matches.
    """

    path: str | None
    style: str
    candidates: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1

    @property
    def missing(self) -> bool:
        return self.path is None and not self.candidates and self.style != "outside"


class LinkIndex:
    """The vault's files plus every source and output path, indexed for link resolution."""

    def __init__(self, vault: Vault, outputs: Sequence[OutputSet]) -> None:
        self.vault = vault
        self.memo: dict[object, bool] = {}  # (options, folder, link) -> rewritten or warned?
        managed: dict[str, Managed] = {}
        for out in outputs:
            source = norm_path(out.source)
            if source:
                managed.setdefault(source, Managed(out, None, True))
            for path in _paths(out.outputs):
                managed.setdefault(path, Managed(out, None, False))
            for frame, paths in out.frames.items():
                for path in _paths(paths):
                    managed.setdefault(path, Managed(out, frame, False))
        self.managed = managed
        self.known = vault.files | managed.keys()
        self._names: dict[str, list[str]] = {}
        self._lower_names: dict[str, list[str]] = {}
        self._lower_paths: dict[str, list[str]] = {}
        for path in sorted(self.known):
            name = path.rsplit("/", 1)[-1]
            _add(self._names, name, path)
            _add(self._lower_names, name.lower(), path)
            _add(self._lower_paths, path.lower(), path)

    def exists(self, path: str) -> bool:
        return path in self.known

    def named(self, name: str) -> list[str]:
        return self._names.get(name, [])

    # -- Markdown links ---------------------------------------------------------------------

    def resolve_markdown(self, path: str, note: str) -> Resolved:
        """Resolve a decoded Markdown link path written in ``note``.

        A path without an extension may name a note with ``.md`` left out (as Obsidian writes
        them); a path ending in ``/`` names a folder and is not checked.
        """
        if path.endswith("/"):
            return Resolved(None, "outside")
        if path.startswith("/"):
            target = norm_path(path)
            if target.startswith("../") or target in ("", ".", ".."):
                return Resolved(None, "outside")
            return Resolved(self._known_or_md(target), "absolute")
        folder = posixpath.dirname(note)
        target = posixpath.normpath(posixpath.join(folder, path))
        if target == ".." or target.startswith("../"):
            return Resolved(None, "outside")
        found = self._known_or_md(target)
        if found is not None:
            return Resolved(found, "relative")
        if not path.startswith(("./", "../")):
            plain = self._known_or_md(norm_path(path))
            if plain is not None:
                return Resolved(plain, "vault")
            plain = norm_path(path)
            if "/" not in plain:
                named = self.named(plain)
                if len(named) == 1:
                    return Resolved(named[0], "name")
                if named:
                    return Resolved(None, "name", tuple(named))
        return Resolved(None, "relative")

    def _known_or_md(self, path: str) -> str | None:
        if path in self.known:
            return path
        if "." not in path.rsplit("/", 1)[-1] and path + ".md" in self.known:
            return path + ".md"
        return None

    # -- wikilinks --------------------------------------------------------------------------

    def resolve_wikilink(self, linkpath: str, note: str) -> Resolved:
        """Resolve a wikilink's path (the part before ``#`` and ``|``) written in ``note``."""
        path = linkpath.strip()
        if path.startswith(("./", "../")):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(note), path))
            if target == ".." or target.startswith("../"):
                return Resolved(None, "outside")
            for candidate in (target, target + ".md"):
                if candidate in self.known:
                    return Resolved(candidate, "wiki")
            return Resolved(None, "wiki")
        path = norm_path(path)
        if not path or path == ".":
            return Resolved(None, "outside")
        for candidate in (path, path + ".md"):
            if candidate in self.known:
                return Resolved(candidate, "wiki")
        for exact in (True, False):
            found = self._by_name_or_suffix(path, exact)
            if len(found) == 1:
                return Resolved(found[0], "wiki")
            if found:
                return Resolved(None, "wiki", tuple(found))
        return Resolved(None, "wiki")

    def _by_name_or_suffix(self, path: str, exact: bool) -> list[str]:
        if not exact:
            lower = self._lower_paths.get(path.lower()) or self._lower_paths.get(
                path.lower() + ".md"
            )
            if lower and len(lower) == 1:
                return lower
        name = path.rsplit("/", 1)[-1]
        names = self._names if exact else self._lower_names
        key = name if exact else name.lower()
        tail = "/" + (path if exact else path.lower())
        for wanted in (key, key + ".md"):
            found = names.get(wanted, [])
            if "/" in path:
                found = [
                    f for f in found if (f if exact else f.lower()).endswith((tail, tail + ".md"))
                ]
            if found:
                return found
        return []

    def shortest_wikilink(self, path: str) -> str:
        """The shortest wikilink text for ``path``: its name when unique, else its path."""
        name = path.rsplit("/", 1)[-1]
        if self.named(name) == [path] and len(self._lower_names.get(name.lower(), ())) == 1:
            return name
        return path

    def shortest_name(self, path: str) -> str:
        """For a Markdown link written as a bare file name: the name when unique, else the path."""
        name = path.rsplit("/", 1)[-1]
        return name if self.named(name) == [path] else path


def _paths(mapping: Mapping[str, str]) -> list[str]:
    return [p for p in (norm_path(v) for v in mapping.values() if isinstance(v, str)) if p]
