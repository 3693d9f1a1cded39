"""Finding and rewriting image links in Markdown notes, so embeds point at current outputs.

    from diagram_assets.notes import OutputSet, LinkOptions, Vault, rewrite_note

    vault = Vault.scan(root)
    result = rewrite_note(data, "notes/llm.md", vault, outputs, LinkOptions(formats=("svg",)))

``rewrite_note`` is pure; ``rewrite_notes_on_disk`` reads, rewrites and writes atomically;
``find_links`` lists every link outside code; ``unified_diff`` shows what would change.
"""

from __future__ import annotations

from .disk import rewrite_notes_on_disk, unified_diff
from .model import Change, Link, LinkKind, LinkOptions, NoteResult, OutputSet
from .resolve import Vault
from .rewrite import find_links, rewrite_note

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
