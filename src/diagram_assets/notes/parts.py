"""Which parts of which drawings the notes embed (``![[board#^group=<id>]]``), so planning can
ask each drawing for an image of every part a note shows.

Most notes embed no part: a note is parsed only when its text holds ``group=``, ``area=`` or
``frame=`` after a ``#``; then its image links (embeds, Markdown images, ``<img>``) are found
outside code as the link rewriter finds them, and their paths resolved as it resolves them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..errors import NotesError
from ..scene.parts import part_key
from .model import LinkKind
from .resolve import LinkIndex, Vault
from .rewrite import find_links
from .targets import decode_html, decode_markdown

_HINT = re.compile(rb"#\^?(?:group|area|frame|clippedframe)=")


def referenced_parts(
    vault: Vault,
    notes: Iterable[str],
    sources: Iterable[str],
    outputs: Mapping[str, tuple[str, str | None]] | None = None,
) -> dict[str, set[str]]:
    """Source (repo-relative) → the part keys (``group=<id>``…) the notes embed of it.

    ``outputs`` (from the lock file) maps an output path to its source and, for a part's
    image, the part's key: a link the last build pointed at a part image still asks for that
    part, and an output with a part fragment (``board.svg#^group=x``, left so when the part
    was not found) asks for it again. Notes that cannot be read are skipped here (the note
    step reports them)."""
    wanted = set(sources)
    made = outputs or {}
    made_parts = {p.rsplit("/", 1)[-1].encode() for p, (_, k) in made.items() if k is not None}
    index = LinkIndex(vault, [])
    out: dict[str, set[str]] = {}
    for note in notes:
        try:
            data = (vault.root / note).read_bytes()
        except OSError:
            continue
        if _HINT.search(data) is None and not (made_parts and _names_any(data, made_parts)):
            continue
        try:
            links = find_links(data, note)
        except NotesError:
            continue
        for link in links:
            if not link.kind.is_image:
                continue
            path, fragment = _split(link.kind, link.target)
            key = part_key(fragment)
            if not path:
                continue
            if link.kind is LinkKind.EMBED:
                res = index.resolve_wikilink(path, note)
            else:
                res = index.resolve_markdown(path, note)
            source = res.path
            if source is not None and source in made:
                source, made_key = made[source]
                key = made_key or key
            if key is not None and source is not None and source in wanted:
                out.setdefault(source, set()).add(key)
    return out


def _names_any(data: bytes, names: set[bytes]) -> bool:
    return any(name in data for name in names)


def _split(kind: LinkKind, target: str) -> tuple[str, str]:
    if kind is LinkKind.EMBED:
        path, _, fragment = target.partition("#")
        return path, fragment
    decoded = decode_html(target) if kind is LinkKind.HTML_IMG else decode_markdown(target)
    return decoded.path, decoded.fragment


def parts_of(referenced: Mapping[str, set[str]], source: str) -> tuple[str, ...]:
    return tuple(sorted(referenced.get(source, ())))
