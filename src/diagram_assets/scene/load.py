"""``load_scene``: any supported drawing file → a validated, deterministic :class:`Scene`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .context import LoadContext, SceneLimits, shown_path
from .embedded import PNG_SIGNATURE, scene_from_png, scene_from_svg, type_name
from .library import library_elements
from .model import Scene
from .normalise import (
    check_colour,
    check_nested,
    normalise_elements,
    normalise_files,
    validate_elements,
    warn_missing_images,
)
from .obsidian import scene_from_markdown
from .textio import decode_text, parse_json, read_source
from .vault_images import resolve_embedded_files

DEFAULT_LIMITS = SceneLimits()
_JSON_SUFFIXES = (".excalidraw", ".json", ".excalidrawlib")
_NOT_A_SCENE_FIX = (
    'an .excalidraw file is a JSON object like {"type": "excalidraw", "elements": [...]}'
)


def _kind(path: Path, data: bytes) -> str:
    """How to read the file: by content where it is unambiguous, else by name."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    name = path.name.lower()
    if name.endswith(".png"):
        return "png"  # not a PNG after all: scene_from_png says so
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{") or (head.startswith(b"[") and not name.endswith(".md")):
        return "json"  # (a note may well start with a [[wiki link]])
    if name.endswith(_JSON_SUFFIXES):
        return "json"
    if name.endswith(".svg") or head.startswith((b"<svg", b"<?xml", b"<!--")):
        return "svg"
    return "md"


def load_scene(
    path: Path, *, root: Path | None = None, limits: SceneLimits = DEFAULT_LIMITS
) -> Scene:
    """Read any supported drawing and return it as a validated, normalised :class:`Scene`.

    Accepts ``.excalidraw`` / ``.excalidraw.json`` / ``.json`` scenes, Obsidian
    ``.excalidraw.md`` notes (```json or ```compressed-json), SVG and PNG exports with an
    embedded scene, and ``.excalidrawlib`` libraries (laid out as a sheet). ``root`` is the
    vault or repository root used to resolve an Obsidian note's embedded images (default: the
    drawing's folder); warnings name the drawing and its files relative to it when it is given
    (as the pipeline gives the repository), else as given. Any bad input raises
    :class:`~diagram_assets.errors.SceneError` with a one-line message naming the file, the
    place and the fix.
    """
    path = Path(path)
    name = shown_path(path, Path(root)) if root else None
    ctx = LoadContext(
        path=path, limits=limits, root=Path(root) if root else path.parent, name=name or ""
    )
    data = read_source(ctx)
    if not data.strip():
        ctx.fail(
            "the file is empty",
            "line 1",
            fix="save the drawing again from Excalidraw, or restore it from version control",
        )
    kind = _kind(path, data)
    embedded: dict[str, str] = {}
    if kind == "png":
        doc = scene_from_png(ctx, data)
    elif kind == "svg":
        doc = scene_from_svg(ctx, data)
    elif kind == "md":
        doc, embedded = scene_from_markdown(ctx, decode_text(ctx, data))
    else:
        doc = parse_json(ctx, decode_text(ctx, data))
    return _scene_from_document(ctx, doc, embedded)


def _scene_from_document(ctx: LoadContext, doc: Any, embedded: dict[str, str]) -> Scene:
    if type(doc) is not dict:
        ctx.fail(
            f"the top level is a JSON {type_name(doc)}, expected an object",
            "$",
            fix=_NOT_A_SCENE_FIX,
        )
    kind = doc.get("type")
    if kind == "excalidrawlib" or "libraryItems" in doc or "library" in doc:
        elements = library_elements(ctx, doc)
    elif "type" in doc and kind != "excalidraw":
        # Excalidraw itself refuses such a file as invalid (its own files all say "excalidraw")
        shown = repr(kind) if type(kind) is str else f"a JSON {type_name(kind)}"
        ctx.fail(
            f"'type' is {shown}, not 'excalidraw': Excalidraw refuses this file as invalid",
            "$.type",
            fix='set "type": "excalidraw" if the file is a drawing, or list it in exclude '
            "in [tool.diagrams] if it is not",
        )
    elif "elements" in doc or kind == "excalidraw":
        elements = validate_elements(ctx, doc.get("elements"), "$.elements")
    else:
        ctx.fail("not an Excalidraw scene: there is no 'elements' list", "$", fix=_NOT_A_SCENE_FIX)
    app_state = doc.get("appState")
    if app_state is None:
        app_state = {}
    elif type(app_state) is not dict:
        ctx.fail(
            f"'appState' is a {type_name(app_state)}, expected an object",
            "$.appState",
            fix="remove the appState entry or make it an object",
        )
    check_nested(ctx, app_state, "$.appState")
    background = app_state.get("viewBackgroundColor")
    if type(background) is str and ("(" in background or ";" in background or "@" in background):
        check_colour(ctx, background, "$.appState.viewBackgroundColor")
    files = doc.get("files")
    if files is None:
        files = {}
    elif type(files) is not dict:
        ctx.fail(
            f"'files' is a {type_name(files)}, expected an object",
            "$.files",
            fix="remove the files entry or make it an object keyed by file id",
        )
    check_nested(ctx, files, "$.files")
    normalise_elements(elements)
    warned: set[str] = set()
    formulas: dict[str, str] = {}
    if embedded:
        warned |= resolve_embedded_files(ctx, elements, files, embedded, formulas)
    files = normalise_files(ctx, files, elements, warned)
    warn_missing_images(ctx, elements, files, warned | formulas.keys())
    return Scene(
        elements=elements,
        app_state=app_state,
        files=files,
        source=ctx.path,
        reads=ctx.reads,
        warnings=ctx.warnings,
        formulas=formulas,
    )
