"""load_scene on every input kind: what comes out, normalised and sealed."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from diagram_assets.scene import Scene, SceneLimits, load_scene
from diagram_assets.scene.library import group_bounds
from locations import SCENE_FIXTURES as FIXTURES
from support.scene_files import (
    element,
    md_note,
    payload_text,
    png_export,
    scene_doc,
    small_scene,
    svg_export,
)

VAULT = FIXTURES / "vault"
LINKED = VAULT / "Excalidraw" / "linked.excalidraw.md"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def ids(scene: Scene) -> list[str]:
    return [e["id"] for e in scene.elements]


# --- plain scenes ----------------------------------------------------------------------------


def test_minimal_scene_keeps_excalidraws_own_dicts() -> None:
    path = FIXTURES / "minimal.excalidraw"
    scene = load_scene(path)
    original = json.loads(path.read_text())
    assert scene.elements == original["elements"]  # nothing to normalise: kept as written
    assert scene.app_state == {"gridSize": 20, "viewBackgroundColor": "#ffffff"}
    assert scene.files == {} and scene.warnings == [] and scene.reads == []
    assert scene.source == path


def test_legacy_format_is_kept_and_normalised() -> None:
    scene = load_scene(FIXTURES / "legacy.excalidraw")
    by_id = {e["id"]: e for e in scene.elements}
    # legacy keys are kept for Excalidraw's restore() to migrate
    assert by_id["r1"]["boundElementIds"] == ["a1", "gone"]
    assert by_id["r1"]["strokeSharpness"] == "round"
    assert by_id["r1"]["backgroundColor"] == "white"
    assert by_id["d1"]["roughness"] is None and by_id["d1"]["strokeColor"] == "#ffff"
    assert by_id["t1"]["fontSize"] == 20.049999999999997 and "lineHeight" not in by_id["t1"]
    # the deleted duplicate of r1 gets a suffix; id-less elements get ids from their position
    assert ids(scene) == ["r1", "d1", "t1", "a1", "r1~2", "diagrams-5", "diagrams-6"]
    assert by_id["r1~2"]["isDeleted"] is True
    # missing numbers are filled in, never randomly
    gen = by_id["diagrams-6"]
    assert isinstance(gen["seed"], int) and isinstance(gen["versionNonce"], int)
    assert gen["version"] == 1 and gen["updated"] == 1
    assert by_id["r1"]["updated"] == 1 and by_id["r1"]["seed"] == 42
    # the unknown type is dropped with a warning naming it
    assert not any(e["type"] == "sticky-note" for e in scene.elements)
    assert len(scene.warnings) == 1 and "'sticky-note' (s1)" in scene.warnings[0]
    assert scene.files == {}  # the file has no "files" key


def test_normalisation_is_deterministic_and_derived_from_the_id(tmp_path: Path) -> None:
    doc = scene_doc([{"type": "rectangle", "id": "same"}, {"type": "ellipse", "id": "other"}])
    a = load_scene(write(tmp_path, "a.excalidraw", json.dumps(doc)))
    b = load_scene(write(tmp_path, "b.excalidraw", json.dumps(doc)))
    assert a.dumps() == b.dumps()
    seeds = {e["id"]: (e["seed"], e["versionNonce"]) for e in a.elements}
    assert seeds["same"] != seeds["other"]
    doc["elements"].reverse()  # the same id gets the same numbers wherever it stands
    c = load_scene(write(tmp_path, "c.excalidraw", json.dumps(doc)))
    assert {e["id"]: (e["seed"], e["versionNonce"]) for e in c.elements} == seeds


def test_non_numeric_seed_version_and_nonce_are_replaced(tmp_path: Path) -> None:
    doc = scene_doc(
        [element("rectangle", "r", seed="7", version=None, versionNonce=True, updated="now", id=12)]
    )
    scene = load_scene(write(tmp_path, "a.excalidraw", json.dumps(doc)))
    (e,) = scene.elements
    assert e["id"] == "12"
    assert type(e["seed"]) is int and type(e["versionNonce"]) is int
    assert e["version"] == 1 and e["updated"] == 1


def test_null_numbers_that_restore_fills_in_are_accepted(tmp_path: Path) -> None:
    doc = scene_doc([element("rectangle", "r", x=None, angle=None, opacity=None, roughness=None)])
    assert load_scene(write(tmp_path, "a.excalidraw", json.dumps(doc))).elements[0]["x"] is None


def test_missing_or_null_elements_is_an_empty_scene(tmp_path: Path) -> None:
    for body in ('{"type": "excalidraw"}', '{"type": "excalidraw", "elements": null}'):
        scene = load_scene(write(tmp_path, "e.excalidraw", body))
        assert scene.elements == [] and scene.files == {}


def test_bom_and_crlf_json(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal.excalidraw").read_text().replace("\n", "\r\n")
    scene = load_scene(write(tmp_path, "a.excalidraw", b"\xef\xbb\xbf" + text.encode()))
    assert ids(scene) == ["box", "label", "flow"]


def test_escaped_surrogates_become_characters(tmp_path: Path) -> None:
    body = json.dumps(scene_doc([element("text", "t", text="x")])).replace(
        '"text": "x"', '"text": "\\ud83d\\ude00 and \\ud800 alone"'
    )
    scene = load_scene(write(tmp_path, "a.excalidraw", body))
    assert scene.elements[0]["text"] == "😀 and \ufffd alone"
    scene.dumps().encode("utf-8")  # writable as UTF-8


def test_three_number_points_of_old_freedraw_are_accepted(tmp_path: Path) -> None:
    doc = scene_doc([element("freedraw", "f", points=[[0, 0], [1, 1, 0.5]], pressures=[])])
    assert load_scene(write(tmp_path, "a.excalidraw", json.dumps(doc))).elements[0]["points"][
        1
    ] == [
        1,
        1,
        0.5,
    ]


def test_json_extension_and_unknown_extension_decide_by_content(tmp_path: Path) -> None:
    body = json.dumps(small_scene())
    for name in ("scene.json", "scene.excalidraw.json", "scene.txt", "scene"):
        assert len(load_scene(write(tmp_path, name, body)).elements) == 3
    # a PNG or SVG export under a misleading name is still read by its content
    assert len(load_scene(write(tmp_path, "export.excalidraw", png_export())).elements) == 3
    assert len(load_scene(write(tmp_path, "export.txt", svg_export())).elements) == 3


# --- files -----------------------------------------------------------------------------------

PNG_URL = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\nxx").decode()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a.png",
        "http://127.0.0.1/a.png",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "data:image/png,not-base64",
        "data:image/x-icon;base64,AAAA",
        "blob:https://excalidraw.com/1234",
    ],
)
def test_non_inline_files_are_removed_with_a_warning(tmp_path: Path, url: str) -> None:
    files = {
        "good": {"id": "good", "mimeType": "image/png", "dataURL": PNG_URL, "created": 1},
        "bad": {"id": "bad", "mimeType": "image/png", "dataURL": url, "created": 1},
    }
    doc = scene_doc(
        [element("image", "img-good", fileId="good"), element("image", "img-bad", fileId="bad")],
        files,
    )
    scene = load_scene(write(tmp_path, "a.excalidraw", json.dumps(doc)))
    assert list(scene.files) == ["good"]
    assert scene.files["good"]["dataURL"] == PNG_URL
    assert len(scene.warnings) == 1
    assert "file bad removed" in scene.warnings[0] and "img-bad" in scene.warnings[0]
    assert f"has a non-inline dataURL ({url[:40]}…), which is never fetched" in scene.warnings[0]


def test_odd_file_entries_are_removed(tmp_path: Path) -> None:
    files = {"a": "data:image/png;base64,AAAA", "b": {"mimeType": "image/png"}, "c": None}
    doc = scene_doc([element("image", "i", fileId="b")], files)
    scene = load_scene(write(tmp_path, "a.excalidraw", json.dumps(doc)))
    assert scene.files == {}
    assert len(scene.warnings) == 3
    assert any("file b removed: it has no dataURL; image element i" in w for w in scene.warnings)


def test_dangling_file_ids_warn_once_per_file(tmp_path: Path) -> None:
    doc = scene_doc(
        [
            element("image", "i1", fileId="nope"),
            element("image", "i2", fileId="nope"),
            element("image", "i3", fileId=None),
            element("image", "i4", fileId="deleted-only", isDeleted=True),
        ]
    )
    scene = load_scene(write(tmp_path, "a.excalidraw", json.dumps(doc)))
    assert len(scene.warnings) == 2
    assert "image elements i1, i2: file nope is not in the drawing's files" in scene.warnings[0]
    assert "i3" in scene.warnings[1] and "no fileId" in scene.warnings[1]
    assert all(w.startswith(f"{tmp_path / 'a.excalidraw'}: ") for w in scene.warnings)


def test_missing_mime_type_is_taken_from_the_data_url(tmp_path: Path) -> None:
    doc = scene_doc([element("image", "i", fileId="f")], {"f": {"id": "f", "dataURL": PNG_URL}})
    assert load_scene(write(tmp_path, "a.excalidraw", json.dumps(doc))).files["f"]["mimeType"] == (
        "image/png"
    )


# --- Obsidian notes --------------------------------------------------------------------------


def test_old_layout_json_block() -> None:
    scene = load_scene(FIXTURES / "note-old.excalidraw.md")
    assert ids(scene) == ["hello", "pen"]
    assert scene.app_state["theme"] == "dark"
    assert scene.elements[1]["pressures"] == [0.5, 0.6, 0.4]


def test_new_layout_compressed_block_gives_the_same_scene() -> None:
    old = load_scene(FIXTURES / "note-old.excalidraw.md")
    new = load_scene(FIXTURES / "note-new.excalidraw.md")
    assert new.elements == old.elements and new.app_state == old.app_state


@pytest.mark.parametrize("compressed", [False, True])
@pytest.mark.parametrize("layout", ["old", "new"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_note_variants(tmp_path: Path, compressed: bool, layout: str, newline: str) -> None:
    note = md_note(small_scene(), layout=layout, compressed=compressed, newline=newline)
    scene = load_scene(write(tmp_path, "n.excalidraw.md", note))
    assert ids(scene) == ["r1", "t1", "a1"]


def test_note_without_heading_uses_the_compressed_block(tmp_path: Path) -> None:
    note = md_note(small_scene(), compressed=True).replace("## Drawing\n", "")
    assert len(load_scene(write(tmp_path, "n.md", note)).elements) == 3


def test_a_drawing_section_of_the_notes_own_is_not_the_data(tmp_path: Path) -> None:
    own = "# Drawing\nHow I draw things.\n\n```python\nprint('hi')\n```\n\n## Next\ntext\n\n"
    note = own + md_note(small_scene(), compressed=True)
    assert len(load_scene(write(tmp_path, "n.excalidraw.md", note)).elements) == 3
    from diagram_assets.errors import SceneError

    with pytest.raises(
        SceneError, match=r"line 1: the 'Drawing' heading is followed by a ```python"
    ):
        load_scene(write(tmp_path, "m.excalidraw.md", own))


def test_tilde_fences(tmp_path: Path) -> None:
    note = md_note(small_scene()).replace("```json", "~~~json").replace("\n```\n", "\n~~~\n")
    assert len(load_scene(write(tmp_path, "n.excalidraw.md", note)).elements) == 3


def test_note_starting_with_a_wiki_link_is_markdown(tmp_path: Path) -> None:
    note = "[[Home]] · [[Index]]\n\n" + md_note(small_scene())
    assert len(load_scene(write(tmp_path, "n.excalidraw.md", note)).elements) == 3


def test_json_block_before_the_drawing_is_not_the_drawing() -> None:
    text = (FIXTURES / "note-old.excalidraw.md").read_text()
    assert text.index('{"not": "the drawing"}') < text.index("# Drawing")
    assert len(load_scene(FIXTURES / "note-old.excalidraw.md").elements) == 2


def test_syntax_error_line_is_the_notes_line(tmp_path: Path) -> None:
    note = md_note(small_scene())
    lines = note.split("\n")
    bad = next(i for i, line in enumerate(lines) if '"width"' in line)
    lines[bad] = lines[bad].replace(",", "", 1)  # drop the comma after the width
    from diagram_assets.errors import SceneError

    with pytest.raises(SceneError) as info:
        load_scene(write(tmp_path, "n.excalidraw.md", "\n".join(lines)))
    assert info.value.place is not None and info.value.place.startswith(f"line {bad + 2}, column")


# --- embedded files of Obsidian notes --------------------------------------------------------


def test_vault_links_become_data_urls() -> None:
    scene = load_scene(LINKED, root=VAULT)
    files = scene.files
    assert sorted(f["mimeType"] for f in files.values()) == [
        "image/gif",
        "image/png",
        "image/png",
        "image/png",
        "image/svg+xml",
    ]
    dot = base64.b64encode((VAULT / "attachments" / "dot.png").read_bytes()).decode()
    assert files["1" * 40]["dataURL"] == f"data:image/png;base64,{dot}"  # [[attachments/dot.png]]
    assert (
        files["3" * 40]["dataURL"] == files["1" * 40]["dataURL"]
    )  # [a dot](../attachments/dot.png)
    assert files["2" * 40]["mimeType"] == "image/svg+xml"  # [[logo.svg|120]], alias dropped
    assert files["4" * 40]["mimeType"] == "image/gif"  # beside the drawing
    unique = base64.b64encode((VAULT / "other" / "unique-name.png").read_bytes()).decode()
    assert files["5" * 40]["dataURL"].endswith(unique)  # found by its unique name
    assert all(f["dataURL"].startswith("data:image/") for f in files.values())


def test_vault_reads_list_every_file_read_once() -> None:
    scene = load_scene(LINKED, root=VAULT)
    assert scene.reads == [
        VAULT / "attachments" / "dot.png",
        VAULT / "attachments" / "logo.svg",
        VAULT / "Excalidraw" / "beside.gif",
        VAULT / "other" / "unique-name.png",
        VAULT / "attachments" / "not-an-image.png",
    ]


@pytest.mark.parametrize(
    ("element_id", "why"),
    [
        ("img-url", "remote image https://example.com/picture.png is never fetched"),
        ("img-ambiguous", "'same.png' is ambiguous: 2 files have that name"),
        ("img-missing", "'attachments/nowhere.png' was not found"),
        ("img-notimage", "is not an image file"),
        ("img-outside", "lies outside the vault root"),
        ("img-dangling", "is not in the drawing's files"),
    ],
)
def test_unresolved_embeds_warn_with_element_and_reason(element_id: str, why: str) -> None:
    scene = load_scene(LINKED, root=VAULT)
    (warning,) = [w for w in scene.warnings if f"image element {element_id}:" in w]
    # named from the root it was loaded with, as every other message of a build names files
    assert warning.startswith("Excalidraw/linked.excalidraw.md: ")
    assert why in warning and "placeholder" in warning
    assert str(VAULT) not in warning
    fid = next(e["fileId"] for e in scene.elements if e["id"] == element_id)
    assert fid not in scene.files
    assert len(scene.warnings) == 6


def test_latex_formulas_become_scene_formulas_without_warnings() -> None:
    scene = load_scene(LINKED, root=VAULT)
    fid = next(e["fileId"] for e in scene.elements if e["id"] == "img-latex")
    assert scene.formulas == {fid: "E = mc^2"}
    assert fid not in scene.files
    assert not any("img-latex" in w for w in scene.warnings)


def test_default_root_is_the_drawings_folder(tmp_path: Path) -> None:
    shutil.copytree(VAULT, tmp_path / "vault")
    scene = load_scene(tmp_path / "vault" / "Excalidraw" / "linked.excalidraw.md")
    assert list(scene.files) == ["4" * 40]  # only the GIF beside the drawing is inside
    assert (
        "image element img-vault: 'attachments/dot.png' was not found beside the drawing or "
        "in the vault; drawn as a placeholder" in "\n".join(scene.warnings)
    )
    assert "image element img-mdlink: '../attachments/dot.png' lies outside" in "\n".join(
        scene.warnings
    )


def test_a_link_the_file_system_cannot_look_up_is_a_warning(tmp_path: Path) -> None:
    shutil.copytree(VAULT, tmp_path / "vault")
    note = tmp_path / "vault" / "Excalidraw" / "linked.excalidraw.md"
    note.write_text(note.read_text().replace("[[beside.gif]]", "[[" + "a" * 300 + ".gif]]"))
    scene = load_scene(note, root=tmp_path / "vault")
    (warning,) = [w for w in scene.warnings if "img-beside" in w]
    assert "cannot be looked up (File name too long)" in warning and len(warning) < 400


def test_embedded_images_count_against_the_decompressed_limit() -> None:
    from diagram_assets.errors import SceneError

    with pytest.raises(SceneError, match="max_source_mb") as info:
        load_scene(LINKED, root=VAULT, limits=SceneLimits(max_decompressed=100))
    assert info.value.place == "Embedded files"


# --- SVG and PNG exports ---------------------------------------------------------------------


@pytest.mark.parametrize("chunk", ["tEXt", "zTXt", "iTXt"])
def test_png_export(tmp_path: Path, chunk: str) -> None:
    scene = load_scene(write(tmp_path, "a.excalidraw.png", png_export(small_scene(), chunk=chunk)))
    assert ids(scene) == ["r1", "t1", "a1"]


def test_png_uncompressed_and_legacy_payloads(tmp_path: Path) -> None:
    plain = png_export(text=payload_text(small_scene(), compressed=False))
    legacy = png_export(text=json.dumps(small_scene()))  # the scene JSON itself
    for name, data in (("plain.png", plain), ("legacy.png", legacy)):
        assert ids(load_scene(write(tmp_path, name, data))) == ["r1", "t1", "a1"]


@pytest.mark.parametrize("version", [1, 2])
def test_svg_export(tmp_path: Path, version: int) -> None:
    scene = load_scene(
        write(tmp_path, "a.excalidraw.svg", svg_export(small_scene(), version=version))
    )
    assert ids(scene) == ["r1", "t1", "a1"]


def test_svg_legacy_payload_is_the_scene(tmp_path: Path) -> None:
    text = json.dumps({**small_scene(), "elements": [element("text", "ü", text="grüße")]})
    payload = base64.b64encode(text.encode()).decode()
    scene = load_scene(write(tmp_path, "a.svg", svg_export(payload=payload, version=1)))
    assert scene.elements[0]["text"] == "grüße"


def test_svg_payload_split_over_lines(tmp_path: Path) -> None:
    raw = base64.b64encode(payload_text(small_scene()).encode("latin-1")).decode()
    wrapped = "\n".join(raw[i : i + 76] for i in range(0, len(raw), 76))
    assert len(load_scene(write(tmp_path, "a.svg", svg_export(payload=wrapped))).elements) == 3


def test_unicode_survives_every_container(tmp_path: Path) -> None:
    doc = scene_doc([element("text", "t", text="漢字 かな 😀 Кириллица")])
    for name, data in (
        ("a.excalidraw", json.dumps(doc, ensure_ascii=False)),
        ("b.excalidraw.md", md_note(doc, compressed=True)),
        ("c.svg", svg_export(doc)),
        ("d.png", png_export(doc)),
    ):
        assert (
            load_scene(write(tmp_path, name, data)).elements[0]["text"] == "漢字 かな 😀 Кириллица"
        )


# --- libraries -------------------------------------------------------------------------------


def boxes(scene: Scene, groups: list[list[str]]) -> list[tuple[float, float, float, float]]:
    by_id = {e["id"]: e for e in scene.elements}
    out = []
    for group in groups:
        b = group_bounds([by_id[i] for i in group])
        assert b is not None
        out.append(b)
    return out


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_library_v2_sheet() -> None:
    scene = load_scene(FIXTURES / "sample.excalidrawlib")
    assert ids(scene) == ["shape", "shape-label", "shape~1", "shape-label~1", "round"]
    copy = {e["id"]: e for e in scene.elements}
    # the copy's references follow its renamed ids; the first item keeps its own
    assert copy["shape-label~1"]["containerId"] == "shape~1"
    assert copy["shape~1"]["boundElements"] == [{"type": "text", "id": "shape-label~1"}]
    assert copy["shape~1"]["groupIds"] == ["g1~1"] and copy["shape"]["groupIds"] == ["g1"]
    cells = boxes(scene, [["shape", "shape-label"], ["shape~1", "shape-label~1"], ["round"]])
    assert cells[0][:2] == (0.0, 0.0)  # first item at the origin of the sheet
    assert cells[1][0] > cells[0][2] and cells[1][1] == 0.0  # second to its right
    assert cells[2][0] == 0.0 and cells[2][1] > max(cells[0][3], cells[1][3])  # next row
    assert not any(overlap(a, b) for i, a in enumerate(cells) for b in cells[i + 1 :])
    assert scene.warnings == []


def test_library_v1_sheet_keeps_legacy_draw() -> None:
    scene = load_scene(FIXTURES / "sample-v1.excalidrawlib")
    assert [e["type"] for e in scene.elements] == ["draw", "rectangle", "ellipse"]
    cells = boxes(scene, [["d-old"], ["r-old", "e-old"]])
    assert cells[0][:2] == (0.0, 0.0) and cells[1][0] > cells[0][2]


def test_library_is_deterministic() -> None:
    path = FIXTURES / "sample.excalidrawlib"
    assert load_scene(path).dumps() == load_scene(path).dumps()


def test_empty_library(tmp_path: Path) -> None:
    scene = load_scene(
        write(tmp_path, "e.excalidrawlib", '{"type": "excalidrawlib", "libraryItems": []}')
    )
    assert scene.elements == []


# --- the Scene itself ------------------------------------------------------------------------


def test_dumps_round_trips_through_load(tmp_path: Path) -> None:
    for source in (FIXTURES / "legacy.excalidraw", FIXTURES / "sample.excalidrawlib", LINKED):
        scene = load_scene(source, root=VAULT)
        again = load_scene(write(tmp_path, "again.excalidraw", scene.dumps()))
        assert again.elements == scene.elements and again.files == scene.files
        assert again.dumps() == scene.dumps()


def test_public_api_and_default_limits() -> None:
    import dataclasses

    from diagram_assets import scene as api

    for name in ("Scene", "load_scene", "SceneLimits", "drawing_stem", "is_drawing_name"):
        assert name in api.__all__ and hasattr(api, name)
    limits = SceneLimits()
    assert (limits.max_bytes, limits.max_elements, limits.max_decompressed) == (
        32 * 2**20,
        50_000,
        64 * 2**20,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits.max_bytes = 1  # type: ignore[misc]


def test_formulas_may_span_lines_and_single_dollars_are_not_formulas(tmp_path: Path) -> None:
    def image(fid: str) -> dict:
        return {"type": "image", "id": f"img-{fid[0]}", "x": 0, "y": 0, "width": 10,
                "height": 10, "fileId": fid, "status": "saved"}  # fmt: skip

    scene_json = {"type": "excalidraw", "elements": [image("a" * 40), image("b" * 40)]}
    path = tmp_path / "math.excalidraw.md"
    path.write_text(
        "---\nexcalidraw-plugin: parsed\n---\n\n# Embedded files\n"
        f"{'a' * 40}: $$\\begin{{aligned}}\nx &= 1 \\\\\ny &= 2\n\\end{{aligned}}$$\n"
        f"{'b' * 40}: $x$\n\n%%\n# Drawing\n```json\n{json.dumps(scene_json)}\n```\n%%\n",
        encoding="utf-8",
    )
    scene = load_scene(path)
    assert scene.formulas == {"a" * 40: "\\begin{aligned}\nx &= 1 \\\\\ny &= 2\n\\end{aligned}"}
    (warning,) = scene.warnings
    assert "image element img-b: $x$ is not a formula the plugin reads" in warning


def test_warnings_name_the_drawing_from_the_root_it_is_loaded_with(tmp_path: Path) -> None:
    doc = scene_doc([element("image", "i1", fileId="nope")])
    path = write(tmp_path / "diagrams" / "sub", "a.excalidraw", json.dumps(doc))
    (warning,) = load_scene(path, root=tmp_path).warnings
    assert warning.startswith("diagrams/sub/a.excalidraw: image element i1: ")
    (warning,) = load_scene(path).warnings  # no root: the path as given
    assert warning.startswith(f"{path}: ")
