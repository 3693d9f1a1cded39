"""Shared vault and outputs for the notes tests (no tests here).

The vault looks like a small Obsidian vault: notes in ``notes/``, generated images in
``attachments/``, figure and animation specs and drawings in ``diagrams/`` and ``drawings/``.
"""

from __future__ import annotations

from pathlib import Path

from diagram_assets.notes import LinkOptions, NoteResult, OutputSet, Vault, rewrite_note

OUTPUTS = [
    OutputSet(
        "diagrams/figures/FF.yaml",
        {"svg": "attachments/FF.svg", "png": "attachments/FF.png"},
    ),
    OutputSet(
        "diagrams/drawings/Transformer架构.excalidraw",
        {"svg": "attachments/Transformer架构.svg", "png": "attachments/Transformer架构.png"},
    ),
    OutputSet(
        "diagrams/animations/Transformer执行.yaml",
        {"gif": "attachments/Transformer执行.gif"},
    ),
    OutputSet(
        "diagrams/my diagram.excalidraw",
        {"svg": "attachments/my diagram.svg", "png": "attachments/my diagram.png"},
    ),
    OutputSet(
        "diagrams/parens.excalidraw",
        {"svg": "attachments/with (parens).svg", "png": "attachments/with (parens).png"},
    ),
    OutputSet(
        "attachments/proto.excalidraw",
        {"svg": "attachments/proto.svg", "png": "attachments/proto.png"},
    ),
    OutputSet(
        "drawings/board.excalidraw.md",
        {"svg": "attachments/board.svg", "png": "attachments/board.png"},
        {
            "Intro": {"svg": "attachments/board-Intro.svg", "png": "attachments/board-Intro.png"},
            "Two words": {"svg": "attachments/board-Two words.svg"},
        },
    ),
    OutputSet("a/dup.excalidraw", {"svg": "attachments/dup-a.svg"}),
    OutputSet("b/dup.excalidraw", {"svg": "attachments/dup-b.svg"}),
]

OTHER_FILES = [
    "README.md",
    "notes/llm.md",
    "notes/sub/deep.md",
    "notes/attachments/local.png",
    "photos/cat.jpg",
    "photos/cat 2.jpg",
    "notes/Other note.md",
    "x/same.png",
    "y/same.png",
]


def all_output_paths() -> list[str]:
    """Every current output, whole images and frames."""
    paths = []
    for out in OUTPUTS:
        paths.extend(out.outputs.values())
        for frame in out.frames.values():
            paths.extend(frame.values())
    return paths


def all_files() -> list[str]:
    files = list(OTHER_FILES)
    for out in OUTPUTS:
        files.append(out.source)
        files.extend(out.outputs.values())
        for paths in out.frames.values():
            files.extend(paths.values())
    return files


VAULT = Vault(Path("/vault"), all_files())


def rewrite(
    text: str,
    note: str = "notes/llm.md",
    options: LinkOptions | None = None,
    vault: Vault = VAULT,
) -> NoteResult:
    return rewrite_note(text.encode("utf-8"), note, vault, OUTPUTS, options or LinkOptions())


def rewritten(text: str, note: str = "notes/llm.md", options: LinkOptions | None = None) -> str:
    result = rewrite(text, note, options)
    assert not result.errors, result.errors
    return result.new.decode("utf-8")
