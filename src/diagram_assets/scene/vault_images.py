"""The embedded files of an Obsidian drawing: from a vault link to an image's data URL.

A link resolves by Obsidian's rules (:mod:`diagram_assets.vaultlinks`), the ones notes use too;
only regular files inside the vault (or the drawing's folder) are read.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..fsutil import RootFolder, walk_files
from ..vaultlinks import is_relative, resolve_linkpath
from .context import GROWS_WITH_SOURCE, LoadContext, human_size

_WIKILINK = re.compile(r"^!?\[\[([^\]]+)\]\]$")
_MDLINK = re.compile(r"^!?\[[^\]]*\]\((.+)\)$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
MAX_WALK = 200_000  # files looked at when searching a vault for a link by its name


_MIME_BY_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"BM", 0, "image/bmp"),
)


def sniff_image_mime(data: bytes) -> str | None:
    """The image MIME type from the bytes' magic number (never from the file name)."""
    for magic, at, mime in _MIME_BY_MAGIC:
        if data.startswith(magic, at):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return "image/avif"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<svg", b"<?xml", b"<!--", b"<!doctype svg")) and b"<svg" in head:
        return "image/svg+xml"
    return None


class _Resolver:
    """Finds the file a vault link names, by Obsidian's rules (:mod:`diagram_assets.vaultlinks`).

    A path that names a file as written (from the vault root, or from the drawing's folder) is
    taken without searching the vault; only a name or a partial path makes it walk the vault.
    """

    def __init__(self, ctx: LoadContext) -> None:
        self.folder = ctx.path.parent
        self.root = ctx.root
        self._bases = (RootFolder(self.root), RootFolder(self.folder))
        relative = os.path.relpath(ctx.path, self.root).replace(os.sep, "/")
        self._source = ctx.path.name if relative.startswith("../") else relative
        self._by_name: dict[str, list[str]] | None = None
        self._usable: dict[str, list[str]] = {}

    def allowed(self, path: Path) -> bool:
        """Inside the vault root or the drawing's folder, after following symlinks."""
        return any(base.holds(path) for base in self._bases)

    def find(self, target: str) -> tuple[Path | None, str]:
        """The file for ``target``, or None and why not."""
        rel = Path(target)
        if rel.is_absolute():
            direct = [rel]
        elif is_relative(target):
            direct = [self.folder / rel]
        else:  # a vault path (Obsidian's first choice), then a path from the drawing's folder
            direct = [self.root / rel, self.folder / rel]
        for candidate in direct:
            if candidate.is_file():
                if not self.allowed(candidate):
                    return None, f"'{target}' lies outside the vault root"
                return candidate, ""
        match = resolve_linkpath(target, self._source, self)
        if match.path is not None:
            return self.root / match.path, ""
        if match.ambiguous:
            shown = ", ".join(match.candidates[:3])
            count = len(match.candidates)
            return None, f"'{target}' is ambiguous: {count} files have that name ({shown})"
        return None, f"'{target}' was not found beside the drawing or in the vault"

    def named(self, name: str) -> list[str]:
        """Vault paths of the regular files inside the vault named ``name`` in any case."""
        if name not in self._usable:
            found = self._names().get(name, [])
            self._usable[name] = [
                p for p in found if self.allowed(self.root / p) and (self.root / p).is_file()
            ]  # no FIFO, no folder, no symlink leading out
        return self._usable[name]

    def _names(self) -> dict[str, list[str]]:
        if self._by_name is None:
            self._by_name = {}
            seen = 0
            for folder, names in walk_files(self.root):
                prefix = Path(folder).relative_to(self.root).as_posix() + "/"
                for name in names:
                    path = name if prefix == "./" else prefix + name
                    self._by_name.setdefault(name.lower(), []).append(path)
                seen += len(names)
                if seen > MAX_WALK:
                    break
        return self._by_name


def _link_target(link: str) -> tuple[str | None, str]:
    """(target path, "") for a local link, or (None, why it cannot be a local image file)."""
    link = link.strip()
    if link.startswith("$"):  # a $$…$$ formula is typeset (``formula_source``); this one is not
        return None, f"{_short(link)} is not a formula the plugin reads (write it as $$…$$)"
    m = _WIKILINK.match(link)
    if m:
        target = m.group(1).split("|", 1)[0].split("#", 1)[0].strip()
        return (target, "") if target else (None, f"empty link {link}")
    m = _MDLINK.match(link)
    if m:
        target = m.group(1).strip()
        if target.startswith("<") and ">" in target:
            target = target[1 : target.index(">")]
        else:
            target = re.split(r"\s+[\"'(]", target, maxsplit=1)[0]
        link = target
        if not _URL.match(target):
            return unquote(target), ""
    if link.lower().startswith("data:"):
        return None, "inline data URLs in 'Embedded files' are not supported"
    if _URL.match(link):
        return None, f"remote image {_short(link)} is never fetched"
    return None, f"unrecognised embedded file line {_short(link)}"


def formula_source(link: str) -> str | None:
    """The TeX of a ``$$…$$`` formula line (as the plugin reads it: between the first ``$$`` and
    the last), or None when the line is not a formula."""
    link = link.strip()
    if len(link) >= 4 and link.startswith("$$") and link.endswith("$$"):
        return link[2:-2]
    return None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def resolve_embedded_files(
    ctx: LoadContext,
    elements: list[dict[str, Any]],
    files: dict[str, Any],
    embedded: dict[str, str],
    formulas: dict[str, str],
) -> set[str]:
    """Add ``files`` entries (data URLs) for image elements whose file is a vault image, and
    ``formulas`` entries (file id → TeX) for those whose file is a ``$$…$$`` formula.

    Every file read is added to ``ctx.reads``. Remote URLs, ambiguous names and links that
    resolve to nothing leave the element without a file and add a warning. Returns the file ids
    warned about.
    """
    warned: set[str] = set()
    users: dict[str, list[str]] = {}
    for element in elements:
        fid = element.get("fileId")
        if element.get("type") == "image" and isinstance(fid, str) and not element.get("isDeleted"):
            users.setdefault(fid, []).append(str(element.get("id")))
    resolver = _Resolver(ctx)
    cache: dict[Path, bytes] = {}
    for fid, ids in users.items():
        if fid in files or fid not in embedded:
            continue  # in the scene already, or reported as dangling later
        link = embedded[fid]
        tex = formula_source(link)
        if tex is not None:
            formulas[fid] = tex
            continue
        who = f"image element{'s' if len(ids) > 1 else ''} {', '.join(ids)}"
        target, why = _link_target(link)
        path = None
        if target is not None:
            try:
                path, why = resolver.find(target)
            except (OSError, ValueError) as exc:  # a name the file system cannot look up
                reason = getattr(exc, "strerror", None) or type(exc).__name__
                path, why = None, f"'{_short(target)}' cannot be looked up ({reason})"
        if path is None:
            ctx.warn(f"{who}: {why}; drawn as a placeholder")
            warned.add(fid)
            continue
        path = Path(os.path.normpath(path))
        if path not in cache:
            cache[path] = _read_image(ctx, path)
            ctx.reads.append(path)  # also when it is no image: the placeholder depends on it
        data = cache[path]
        mime = sniff_image_mime(data)
        if mime is None:
            ctx.warn(f"{who}: '{ctx.show(path)}' is not an image file; drawn as a placeholder")
            warned.add(fid)
            continue
        files[fid] = {
            "mimeType": mime,
            "id": fid,
            "dataURL": f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}",
            "created": 1,
        }
    return warned


def _read_image(ctx: LoadContext, path: Path) -> bytes:
    budget = ctx.budget
    try:
        with path.open("rb") as fh:
            data = fh.read(budget + 1)
    except OSError as exc:
        ctx.fail(
            f"cannot read the embedded image '{ctx.show(path)}': {exc.strerror or exc}",
            "Embedded files",
            fix="make the image readable",
        )
    if len(data) > budget:
        ctx.fail(
            f"embedded image '{ctx.show(path)}' takes the embedded data over the limit of "
            f"{human_size(ctx.limits.max_decompressed)} per drawing ({GROWS_WITH_SOURCE})",
            "Embedded files",
            fix="use smaller images, or raise max_source_mb in [tool.diagrams]",
        )
    ctx.charge(len(data), f"embedded image '{ctx.show(path)}'", "Embedded files")
    return data
