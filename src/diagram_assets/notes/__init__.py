"""Finding and rewriting image links in Markdown notes, so embeds point at current outputs.

    from diagram_assets.notes import OutputSet, LinkOptions, Vault, rewrite_note

    vault = Vault.scan(root)
    result = rewrite_note(data, "notes/llm.md", vault, outputs, LinkOptions(formats=("svg",)))

``rewrite_note`` is pure; ``rewrite_notes_on_disk`` reads, rewrites and writes atomically;
``find_links`` lists every link outside code; ``unified_diff`` shows what would change.
"""

from __future__ import annotations

from ..lazy import lazy_exports
from .model import Change, Link, LinkKind, LinkOptions, NoteResult, OutputSet
from .resolve import Vault

# lazy: markdown-it only when there are notes to read (`check` without notes never loads it)
_LAZY = {
    "rewrite_notes_on_disk": ".disk",
    "unified_diff": ".disk",
    "find_links": ".rewrite",
    "rewrite_note": ".rewrite",
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "Change",
    "Link",
    "LinkKind",
    "LinkOptions",
    "NoteResult",
    "OutputSet",
    "Vault",
    *_LAZY,
]
