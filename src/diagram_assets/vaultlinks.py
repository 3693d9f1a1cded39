"""Which vault file an Obsidian link path names: one set of rules for drawings and notes.

The embedded files of an ``.excalidraw.md`` drawing (``scene/vault_images.py``) and the wikilinks
of notes (``notes/resolve.py``) both resolve here, so a ``[[name]]`` leads to the same file in
a drawing and in a note. The rules are Obsidian's own (``MetadataCache.getLinkpathDest``, the
function the Excalidraw plugin calls for its embedded files):

1. **Candidates by file name, any case.** When the link's last part has a ``.``, files of that
   name; when none does (or it has no ``.``), files named it plus ``.md``. ``[[Figure 1]]`` does
   not find ``Figure 1.png``: a file other than a note is named with its extension.
2. A bare name (no ``/``) with **one** candidate is that file.
3. A link starting ``./`` or ``../`` is joined to the linking file's folder and names that
   path only (leaving the vault: ``outside``).
4. The **vault path** (a leading ``/`` dropped) of a candidate, compared in any case.
   A link written with a leading ``/`` ends here.
5. Candidates whose path **ends with** the link, those in or below the linking file's folder
   first, then the shortest path.

Where these rules differ from Obsidian's, on purpose: path ends and "in the linking file's
folder" are compared by whole folder names (Obsidian compares raw strings, so ``[[ary/x]]``
would find ``glossary/x.md``); a relative link names its own path and nothing else; and where
Obsidian's pick among equally good candidates falls to the order it scanned the disk in, the
one spelled in the link's exact case is taken, else the link is **ambiguous** (reported, with
every candidate, instead of guessed).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


class FileNames(Protocol):
    """The vault's files by name: what rule 1 looks up."""

    def named(self, name: str) -> Sequence[str]:
        """Vault paths (POSIX, relative to the vault root) of the files whose name, in lower
        case, is ``name``."""
        ...


class NameIndex:
    """:class:`FileNames` over a list of vault paths."""

    def __init__(self, paths: Iterable[str]) -> None:
        self._by_name: dict[str, list[str]] = {}
        for path in sorted(paths):
            self._by_name.setdefault(file_name(path).lower(), []).append(path)

    def named(self, name: str) -> Sequence[str]:
        return self._by_name.get(name, ())


@dataclass(frozen=True)
class LinkMatch:
    """Where a link path leads: ``path``, or None with the ``candidates`` an ambiguous link
    matches (best first), or ``outside`` for a relative link that leaves the vault."""

    path: str | None
    candidates: tuple[str, ...] = ()
    outside: bool = False

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def file_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def is_relative(linkpath: str) -> bool:
    """Does the link name a path from the linking file's folder (``./x``, ``../x``)?"""
    return linkpath.startswith(("./", "../"))


def join_relative(folder: str, linkpath: str) -> str | None:
    """``linkpath`` from ``folder`` as a vault path, or None when it leaves the vault."""
    joined = posixpath.normpath(posixpath.join(folder, linkpath))
    if joined in (".", "..") or joined.startswith("../") or joined.startswith("/"):
        return None
    return joined


def resolve_linkpath(linkpath: str, source: str, names: FileNames) -> LinkMatch:
    """The vault file ``linkpath`` names when written in the file at vault path ``source``.

    ``linkpath`` is the link's path part (no ``#heading``, no ``|alias``), with ``/`` between
    folders; ``source`` is a vault path (POSIX).
    """
    written = linkpath
    probes = [written, written + ".md"] if "." in file_name(written) else [written + ".md"]
    candidates: Sequence[str] = ()
    for written in probes:
        candidates = names.named(file_name(written).lower())
        if candidates:
            break
    if not candidates:
        return LinkMatch(None)
    if "/" not in written and len(candidates) == 1:
        return LinkMatch(candidates[0])
    folder = posixpath.dirname(source)
    if is_relative(written):
        joined = join_relative(folder, written)
        if joined is None:
            return LinkMatch(None, outside=True)
        return _best([c for c in candidates if c.lower() == joined.lower()], joined)
    wanted = written[1:] if written.startswith("/") else written
    exact = [c for c in candidates if c.lower() == wanted.lower()]
    if exact or written.startswith("/"):
        return _best(exact, wanted)
    tail = "/" + wanted.lower()
    ending = [c for c in candidates if c.lower() == wanted.lower() or c.lower().endswith(tail)]
    near = folder.lower() + "/"

    def rank(path: str) -> tuple[bool, int]:
        return (bool(folder) and not path.lower().startswith(near), len(path))

    ending.sort(key=lambda path: (rank(path), path))
    best = [c for c in ending if rank(c) == rank(ending[0])]
    match = _best(best, wanted)
    if match.ambiguous:
        return LinkMatch(None, tuple(ending))
    return match


def _best(matches: list[str], wanted: str) -> LinkMatch:
    """The one of equally good ``matches``, else the one spelled like ``wanted``."""
    if len(matches) == 1:
        return LinkMatch(matches[0])
    if not matches:
        return LinkMatch(None)
    spelled = [m for m in matches if m == wanted or m.endswith("/" + wanted)]
    if len(spelled) == 1:
        return LinkMatch(spelled[0])
    return LinkMatch(None, tuple(matches))
