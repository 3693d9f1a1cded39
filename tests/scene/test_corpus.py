"""Every real drawing of the shared corpus loads, with the counts its SOURCES.md records."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from lzstring import LZString

from diagram_assets.scene import Scene, load_scene
from diagram_assets.scene.library import group_bounds
from diagram_assets.scene.lz import decompress_from_base64
from diagram_assets.scene.normalise import KNOWN_TYPES, is_finite_number
from locations import CORPUS

FILES = (
    sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "SOURCES.md")
    if CORPUS.is_dir()
    else []
)
ABSENT = pytest.mark.skip(reason=f"the shared corpus is not here ({CORPUS}); set DIAGRAMS_CORPUS")
NAMES = FILES or [pytest.param("absent", marks=ABSENT)]


@cache
def expected_counts() -> dict[str, int]:
    """Element counts (deleted included) from the SOURCES.md table rows."""
    text = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    return {
        m.group(1): int(m.group(2))
        for m in re.finditer(r"^\| `([^`]+)` \|[^\n]*?; (\d+) el\.", text, re.M)
    }


@cache
def loaded(name: str) -> Scene:
    return load_scene(CORPUS / name)


def test_every_corpus_file_is_described(corpus_dir: Path) -> None:
    assert FILES and set(FILES) <= set(expected_counts()), set(FILES) - set(expected_counts())


@pytest.mark.parametrize("name", NAMES)
def test_loads_with_the_recorded_element_count(name: str) -> None:
    scene = loaded(name)
    assert len(scene.elements) == expected_counts()[name]
    assert scene.source == CORPUS / name


@pytest.mark.parametrize("name", NAMES)
def test_normalised_and_sealed(name: str) -> None:
    scene = loaded(name)
    seen: set[str] = set()
    for e in scene.elements:
        assert type(e["id"]) is str and e["id"] and e["id"] not in seen
        seen.add(e["id"])
        for key in ("seed", "version", "versionNonce", "updated"):
            assert is_finite_number(e[key]), (e["id"], key, e.get(key))
        assert e["type"] in KNOWN_TYPES
    for fid, f in scene.files.items():
        assert re.match(
            r"data:image/(png|jpeg|gif|webp|svg\+xml|bmp|avif);base64,", f["dataURL"]
        ), fid
    for w in scene.warnings:
        assert w.startswith(f"{CORPUS / name}: ") and "\n" not in w
    scene.dumps().encode("utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_deterministic(name: str) -> None:
    assert load_scene(CORPUS / name).dumps() == loaded(name).dumps()


LATEX = {
    "HiiGHoVuTi__prepa__DL15_2023-02-10_14.11.03.excalidraw.md": 11,
    "JustJayIGuess__University__Rolles_Theorem.excalidraw.md": 4,
    "TomBPotochek__ApuntesMateDiscreta__Algebra_de_Bool_2023-09-17_23.53.31.excalidraw.md": 8,
}


@pytest.mark.parametrize("name", sorted(LATEX))
def test_latex_formulas_are_kept_for_the_renderer(corpus_dir: Path, name: str) -> None:
    """Each $$…$$ entry becomes a formula of the scene (typeset when rendering), not a missing
    image: no warning, no file."""
    scene = loaded(name)
    images = [e for e in scene.live_elements() if e["type"] == "image"]
    assert len(images) == LATEX[name] == len(scene.formulas)
    assert {e["fileId"] for e in images} == set(scene.formulas)
    assert all(tex and "$$" not in tex for tex in scene.formulas.values())
    assert scene.warnings == [] and scene.files == {} and scene.reads == []


def test_dangling_file_ids_load_with_warnings(corpus_dir: Path) -> None:
    scene = loaded(
        "duanbiao2000__obsidianDoc26__how_i_organise_everthing_in_obsidian.excalidraw.md"
    )
    images = [e for e in scene.live_elements() if e["type"] == "image"]
    assert len(images) == 52 and scene.files == {}
    text = "\n".join(scene.warnings)
    for e in images:
        assert e["id"] in text and e["fileId"] in text
    assert len(scene.warnings) == len({e["fileId"] for e in images})


def test_embedded_pngs_are_kept(corpus_dir: Path) -> None:
    assert len(loaded("evgensetrov__yandexcloud-iot-work__architecture.excalidraw").files) == 13
    assert len(loaded("ctfer-io__monitoring__architecture.excalidraw.png").files) == 4
    assert (
        len(loaded("hachej__multi-engine-data-stack-sqlmesh__architecture.excalidraw.svg").files)
        == 5
    )


def test_one_scene_in_three_containers(corpus_dir: Path) -> None:
    stem = "Clarence6174__izugbe-tricore-engine__architecture.excalidraw"
    plain, svg, png = (loaded(stem + ext) for ext in ("", ".svg", ".png"))
    assert [e["id"] for e in plain.elements] == [e["id"] for e in svg.elements]
    assert [e["id"] for e in svg.elements] == [e["id"] for e in png.elements]
    assert [e.get("text") for e in plain.elements] == [e.get("text") for e in png.elements]


def test_generated_scene_without_seeds_gets_stable_ones(corpus_dir: Path) -> None:
    raw = (CORPUS / "Clarence6174__izugbe-tricore-engine__architecture.excalidraw").read_text()
    assert '"seed"' not in raw and '"versionNonce"' not in raw
    scene = loaded("Clarence6174__izugbe-tricore-engine__architecture.excalidraw")
    assert all(type(e["seed"]) is int and e["seed"] > 0 for e in scene.elements)
    assert len({e["versionNonce"] for e in scene.elements}) == len(scene.elements)


LIBRARIES = [n for n in FILES if n.endswith(".excalidrawlib")] or NAMES


@pytest.mark.parametrize("name", LIBRARIES)
def test_library_items_do_not_overlap(name: str) -> None:
    import json

    doc = json.loads((CORPUS / name).read_text(encoding="utf-8"))
    items = doc.get("libraryItems") or doc.get("library")
    sizes = [len(i["elements"] if isinstance(i, dict) else i) for i in items]
    scene = loaded(name)
    groups, at = [], 0
    for n in sizes:
        groups.append(scene.elements[at : at + n])
        at += n
    boxes = [b for b in (group_bounds(g) for g in groups) if b is not None]
    assert len(boxes) == len(items)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (
                a[0] < b[2] - 1e-6
                and b[0] < a[2] - 1e-6
                and a[1] < b[3] - 1e-6
                and b[1] < a[3] - 1e-6
            )


COMPRESSED = [
    n
    for n in FILES
    if n.endswith(".md") and "```compressed-json" in (CORPUS / n).read_text("utf-8")
] or NAMES


@pytest.mark.parametrize("name", COMPRESSED)
def test_lz_decoder_agrees_with_the_lzstring_package(name: str) -> None:
    text = (CORPUS / name).read_text(encoding="utf-8")
    block = re.search(r"```compressed-json\r?\n(.*?)```", text, re.S)
    assert block is not None
    data = "".join(block.group(1).split())
    if len(data) > 150_000:
        pytest.skip("the lzstring package needs several seconds for this one (see the slow test)")
    assert decompress_from_base64(data, 1 << 30) == LZString.decompressFromBase64(data)


@pytest.mark.slow
def test_lz_decoder_agrees_on_the_largest_compressed_drawing(corpus_dir: Path) -> None:
    name = "Owoscaw__uni_notes__Kinematics_of_Fluids_2025-10-21_10.40.37.excalidraw.md"
    text = (CORPUS / name).read_text(encoding="utf-8")
    data = "".join(re.search(r"```compressed-json\n(.*?)```", text, re.S).group(1).split())
    assert decompress_from_base64(data, 1 << 30) == LZString.decompressFromBase64(data)
