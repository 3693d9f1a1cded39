"""Finding and rewriting image links in Markdown notes, so embeds point at current outputs.

    from diagram_assets.notes import OutputSet, LinkOptions, Vault, rewrite_note

    vault = Vault.scan(root)
    result = rewrite_note(data, "notes/llm.md", vault, outputs, LinkOptions(formats=("svg",)))

``rewrite_note`` is pure; ``rewrite_notes_on_disk`` reads, rewrites and writes atomically;
``find_links`` lists every link outside code; ``unified_diff`` shows what would change.

Names are imported on first use (see ``diagram_assets.lazy``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

_EXPORTS = {
    "rewrite_notes_on_disk": ".disk",
    "unified_diff": ".disk",
    "Change": ".model",
    "Link": ".model",
    "LinkKind": ".model",
    "LinkOptions": ".model",
    "NoteResult": ".model",
    "OutputSet": ".model",
    "Vault": ".resolve",
    "find_links": ".rewrite",
    "rewrite_note": ".rewrite",
}

if TYPE_CHECKING:
    from .disk import rewrite_notes_on_disk, unified_diff
    from .model import Change, Link, LinkKind, LinkOptions, NoteResult, OutputSet
    from .resolve import Vault
    from .rewrite import find_links, rewrite_note

__getattr__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "Change",
    "Link",
    "LinkKind",
    "LinkOptions",
    "NoteResult",
    "OutputSet",
    "Vault",
    "find_links",
    "rewrite_note",
    "rewrite_notes_on_disk",
    "unified_diff",
]
