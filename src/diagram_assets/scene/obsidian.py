"""Obsidian Excalidraw notes (``.excalidraw.md``): the drawing block and embedded files."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..fsutil import RootFolder, walk_files
from ..vaultlinks import is_relative, resolve_linkpath
from .context import LoadContext, human_size
from .embedded import type_name
from .lz import LZError, LZTooLarge, decompress_from_base64, invalid_char
from .textio import line_col, parse_json

_DRAWING_HEADING = re.compile(r"^#{1,6}[ \t]+Drawing[ \t]*$", re.M)
_EMBEDDED_HEADING = re.compile(r"^#{1,6}[ \t]+Embedded[ \t]+files[ \t]*$", re.M | re.I)
_FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n`]*$", re.M)
_ANY_HEADING_OR_FENCE = re.compile(r"^(#{1,6}[ \t]|%%|`{3,}|~{3,})", re.M)
_EMBED_LINE = re.compile(r"^([A-Za-z0-9_\-]+):[ \t]*(.*?)[ \t]*$")
_WIKILINK = re.compile(r"^!?\[\[([^\]]+)\]\]$")
_MDLINK = re.compile(r"^!?\[[^\]]*\]\((.+)\)$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_BLOCK_KINDS = ("json", "compressed-json")
MAX_WALK = 200_000  # files looked at when searching a vault for a link by its name


@dataclass
class DrawingBlock:
    kind: str  # "json" or "compressed-json"
    content: str
    first_line: int  # line number (1-based) of the block's first content line
    fence_line: int
    fence_offset: int


def _lines_starting(text: str, prefix: str) -> Iterator[int]:
    """Offsets of the lines that start with ``prefix`` (``str.find``: no regex over megabytes)."""
    if text.startswith(prefix):
        yield 0
    needle = "\n" + prefix
    at = text.find(needle)
    while at >= 0:
        yield at + 1
        at = text.find(needle, at + 1)


def _fence_after(text: str, heading: re.Match[str]) -> re.Match[str] | None:
    """The fence opening right after ``heading`` (only blank lines, ``%%`` or text between, no
    other heading), or None."""
    fence = _FENCE_OPEN.search(text, heading.end())
    if fence is None or re.search(r"^#{1,6}[ \t]", text[heading.end() : fence.start()], re.M):
        return None
    return fence


def find_drawing_block(ctx: LoadContext, text: str) -> DrawingBlock:
    """The ```json or ```compressed-json block after the ``# Drawing`` / ``## Drawing`` heading.

    The plugin writes the drawing last, so the last such heading followed by a drawing block
    wins (a note may have a "Drawing" section of its own above). Without such a heading, the
    first ``compressed-json`` block, or a ``json`` block holding an Excalidraw scene, is taken.
    """
    headings = [m for at in _lines_starting(text, "#") if (m := _DRAWING_HEADING.match(text, at))]
    fence = None
    for heading in reversed(headings):
        candidate = _fence_after(text, heading)
        if candidate is not None and candidate.group(2).lower() in _BLOCK_KINDS:
            fence = candidate
            break
    if fence is None and headings:
        heading = headings[-1]
        after = _fence_after(text, heading)
        line = line_col(text, heading.start())[0]
        fail_kind = f"a ```{after.group(2)} block" if after else "no code block"
        ctx.fail(
            f"the 'Drawing' heading is followed by {fail_kind}, not ```json or ```compressed-json",
            f"line {line}",
            fix="open the note in Obsidian's Excalidraw view and save it again",
        )
    if fence is None:
        for at in sorted([*_lines_starting(text, "```"), *_lines_starting(text, "~~~")]):
            candidate = _FENCE_OPEN.match(text, at)
            if candidate is None:
                continue
            info = candidate.group(2).lower()
            head = text[candidate.end() : candidate.end() + 400]
            if info == "compressed-json" or (
                info == "json" and re.search(r'"type"\s*:\s*"excalidraw', head)
            ):
                fence = candidate
                break
    if fence is None:
        last = text.count("\n") + 1
        ctx.fail(
            "no Excalidraw drawing in this Markdown file (no '# Drawing' heading with a ```json "
            "or ```compressed-json block)",
            f"lines 1-{last}",
            fix="give an Obsidian Excalidraw drawing (.excalidraw.md) or an .excalidraw file",
        )
    marker = fence.group(1)
    fence_line = line_col(text, fence.start())[0]
    start = fence.end() + 1
    end = _closing_fence(text, start, marker)
    if end < 0:
        ctx.fail(
            f"the ```{fence.group(2)} block that opens here is never closed",
            f"line {fence_line}",
            fix="the note looks truncated: restore it from version control or Obsidian's "
            "file recovery",
        )
    return DrawingBlock(
        kind=fence.group(2).lower(),
        content=text[start:end],
        first_line=fence_line + 1,
        fence_line=fence_line,
        fence_offset=fence.start(),
    )


def _closing_fence(text: str, start: int, marker: str) -> int:
    """Offset of the line that closes a fence opened with ``marker``, or -1.

    A plain ``str.find`` loop: a regular expression over a multi-megabyte block is slower.
    """
    needle = "\n" + marker
    at = start - 1  # the opening fence's line ends just before ``start``
    while True:
        at = text.find(needle, at)
        if at < 0:
            return -1
        line_end = text.find("\n", at + 1)
        line = text[at + 1 : line_end if line_end >= 0 else len(text)]
        if not line.strip().strip(marker[0]):
            return at + 1
        at += 1


def scene_from_markdown(ctx: LoadContext, text: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The scene JSON object and the ``Embedded files`` entries (file id → link text)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    block = find_drawing_block(ctx, text)
    block_place = f"```{block.kind} block at line {block.fence_line}"
    if block.kind == "json":
        scene = parse_json(
            ctx,
            block.content,
            where=lambda line, col: f"line {block.first_line + line - 1}, column {col}",
            what="the ```json drawing block is not valid JSON",
            fix="the note looks truncated or hand-edited: restore it from version control",
        )
    else:
        scene = _decompress_block(ctx, block, block_place)
    if not isinstance(scene, dict):
        ctx.fail(
            f"the drawing block holds a JSON {type_name(scene)}, not an object",
            block_place,
            fix="open the note in Obsidian's Excalidraw view and save it again",
        )
    embedded = embedded_file_lines(text[: block.fence_offset])
    return scene, embedded


def _decompress_block(ctx: LoadContext, block: DrawingBlock, place: str) -> Any:
    raw = block.content
    bad = invalid_char_outside_space(raw)
    if bad is not None:
        line, col = line_col(raw, bad)
        ctx.fail(
            f"the ```compressed-json block has {raw[bad]!r}, which is not base64",
            f"line {block.first_line + line - 1}, column {col}",
            fix="the note is damaged: restore it from version control",
        )
    data = "".join(raw.split())
    try:
        text = decompress_from_base64(data, ctx.budget)
    except LZTooLarge:
        ctx.over_decompressed("the decompressed ```compressed-json block", place)
    except LZError as exc:
        ctx.fail(
            f"the ```compressed-json block cannot be decompressed: {exc}",
            place,
            fix="the note is damaged: restore it from version control",
        )
    ctx.charge(len(text), "the decompressed ```compressed-json block", place)
    return parse_json(
        ctx,
        text,
        where=lambda line, col: f"{place}, decompressed line {line}, column {col}",
        what="the ```compressed-json block decompresses to text that is not valid JSON",
        fix="the note is damaged: restore it from version control",
    )


def invalid_char_outside_space(raw: str) -> int | None:
    """Offset in ``raw`` of the first character that is neither base64 nor whitespace."""
    squeezed = re.sub(r"\s+", "", raw)
    if invalid_char(squeezed) is None:
        return None
    m = re.search(r"[^A-Za-z0-9+/=\s]", raw)
    return m.start() if m else None


def embedded_file_lines(text: str) -> dict[str, str]:
    """``file id → link`` from every ``# Embedded files`` section in ``text``."""
    entries: dict[str, str] = {}
    for heading in _EMBEDDED_HEADING.finditer(text):
        nxt = _ANY_HEADING_OR_FENCE.search(text, heading.end() + 1)
        section = text[heading.end() : nxt.start() if nxt else len(text)]
        for line in section.split("\n"):
            m = _EMBED_LINE.match(line.strip())
            if m and m.group(2):
                entries.setdefault(m.group(1), m.group(2))
    return entries


# --- resolving embedded files -----------------------------------------------------------------

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
                    return None, f"'{target}' lies outside the vault root {self.root}"
                return candidate, ""
        match = resolve_linkpath(target, self._source, self)
        if match.path is not None:
            return self.root / match.path, ""
        if match.ambiguous:
            shown = ", ".join(match.candidates[:3])
            count = len(match.candidates)
            return None, f"'{target}' is ambiguous: {count} files have that name ({shown})"
        return None, f"'{target}' was not found beside the drawing or under {self.root}"

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
    if link.startswith("$$") or link.startswith("$"):
        return None, f"LaTeX formula {_short(link)} is not typeset by diagrams"
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


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def resolve_embedded_files(
    ctx: LoadContext,
    elements: list[dict[str, Any]],
    files: dict[str, Any],
    embedded: dict[str, str],
) -> set[str]:
    """Add ``files`` entries (data URLs) for image elements whose file is a vault image.

    Every file read is added to ``ctx.reads``. LaTeX, remote URLs, ambiguous names and links
    that resolve to nothing leave the element without a file and add a warning. Returns the
    file ids warned about.
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
            ctx.warn(f"{who}: '{path}' is not an image file; drawn as a placeholder")
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
            f"cannot read the embedded image '{path}': {exc.strerror or exc}",
            "Embedded files",
            fix="make the image readable",
        )
    if len(data) > budget:
        ctx.fail(
            f"embedded image '{path}' takes the embedded data over the limit of "
            f"{human_size(ctx.limits.max_decompressed)} per drawing (max_decompressed)",
            "Embedded files",
            fix="use smaller images, or raise max_source_mb in [tool.diagrams]",
        )
    ctx.charge(len(data), f"embedded image '{path}'", "Embedded files")
    return data
