"""The vault's files, what the pipeline produced, and resolving link paths to files.

Markdown links resolve relative to the note (``/x`` from the vault root); as Obsidian does,
a path that is not found there is tried from the vault root, and a bare file name by name
anywhere in the vault. Wikilinks resolve by Obsidian's rules (:mod:`diagram_assets.vaultlinks`,
shared with the embedded files of drawings). A name that matches several files equally well is
*ambiguous*.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..fsutil import TEMP_PREFIX, walk_files
from ..vaultlinks import NameIndex, is_relative, join_relative, resolve_linkpath
from .model import OutputSet


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
        """Walk ``root``, skipping ``.git``, ``node_modules``, ``.venv`` and hidden folders
        (:func:`~diagram_assets.fsutil.skipped_folder`)."""
        root = Path(root)
        if not root.is_dir():
            raise ConfigError("vault folder not found", file=root, fix="check the path")
        files: list[str] = []
        for folder, names in walk_files(root):
            rel = Path(folder).relative_to(root).as_posix()
            prefix = "" if rel == "." else rel + "/"
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
    """A path the pipeline manages: a source, one of its outputs, a frame's or a part's."""

    outputs: OutputSet
    frame: str | None = None
    is_source: bool = False
    part: str | None = None  # the part key (``group=<id>``…) of a part's image


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
        self.dark: dict[str, str] = {}  # output → its dark twin
        for out in outputs:
            self.dark.update((norm_path(a), norm_path(b)) for a, b in out.dark.items())
            source = norm_path(out.source)
            if source:
                managed.setdefault(source, Managed(out, None, True))
            for path in _paths(out.outputs):
                managed.setdefault(path, Managed(out, None, False))
            for frame, paths in out.frames.items():
                for path in _paths(paths):
                    managed.setdefault(path, Managed(out, frame, False))
            for key, paths in out.parts.items():
                for path in _paths(paths):
                    managed.setdefault(path, Managed(out, None, False, part=key))
        self.managed = managed
        self.known = vault.files | managed.keys()
        self.names = NameIndex(self.known)  # by name in any case, for Obsidian's rules
        self._names: dict[str, list[str]] = {}
        for path in sorted(self.known):
            _add(self._names, path.rsplit("/", 1)[-1], path)

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
                match = resolve_linkpath(plain, note, self.names)
                if match.path is not None or match.ambiguous:
                    return Resolved(match.path, "name", match.candidates)
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
        if is_relative(path):
            if join_relative(posixpath.dirname(note), path) is None:
                return Resolved(None, "outside")
        else:
            rooted = path.startswith("/")
            path = norm_path(path)
            if not path or path == ".":
                return Resolved(None, "outside")
            path = "/" + path if rooted else path
        match = resolve_linkpath(path, note, self.names)
        if match.outside:
            return Resolved(None, "outside")
        return Resolved(match.path, "wiki", match.candidates)

    def shortest_wikilink(self, path: str) -> str:
        """The shortest wikilink text for ``path``: its name when unique, else its path."""
        name = path.rsplit("/", 1)[-1]
        if self.named(name) == [path] and len(self.names.named(name.lower())) == 1:
            return name
        return path

    def shortest_name(self, path: str) -> str:
        """For a Markdown link written as a bare file name: the name when unique, else the path."""
        name = path.rsplit("/", 1)[-1]
        return name if self.named(name) == [path] else path


def _paths(mapping: Mapping[str, str]) -> list[str]:
    return [p for p in (norm_path(v) for v in mapping.values() if isinstance(v, str)) if p]
