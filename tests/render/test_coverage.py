"""What the page's bundled fonts draw (the manifest's ``coverage``, written by js/build.mjs from
the fonts' cmaps), the text outside it, and that this repository's sources have none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from diagram_assets.figures import build_figure, is_figure_spec, load_figure_spec
from diagram_assets.render.assets import PAGE_DIR, load_manifest, page_coverage
from diagram_assets.render.coverage import (
    CodePoints,
    FontCoverage,
    scene_texts,
    uncovered_warning,
)
from diagram_assets.scene.load import load_scene
from diagram_assets.scene.names import is_drawing_name
from helpers import element, text
from locations import REPO

# the folders of the fallback family every font list ends with (js/src/fonts.js, js/build.mjs)
FALLBACK_FOLDERS = (
    "Liberation",
    "Nunito",
    "NotoColorEmoji",
    "NotoSansSymbols2",
    "Xiaolai",
    "DejaVuSans",
)
CASCADIA, VIRGIL, EXCALIFONT = 3, 1, 5


def cmap_points(folder: Path) -> set[int]:
    points: set[int] = set()
    for path in sorted(folder.glob("*.woff2")):
        for table in TTFont(path)["cmap"].tables:
            if table.isUnicode():
                points |= {c for c, glyph in table.cmap.items() if glyph != ".notdef"}
    return points


def as_set(points: CodePoints) -> set[int]:
    return {p for a, b in zip(points.starts, points.ends, strict=True) for p in range(a, b + 1)}


@pytest.fixture(scope="module")
def coverage() -> FontCoverage:
    found = page_coverage()
    assert found is not None, "the page's manifest has no coverage: rebuild it (`make page`)"
    return found


def test_ranges_parse_and_answer_membership() -> None:
    points = CodePoints.parse("20-7E,A0,207B")
    assert 0x20 in points and 0x7E in points and 0xA0 in points and 0x207B in points
    assert 0x1F not in points and 0x7F not in points and 0x207C not in points
    assert 0x41 not in CodePoints.parse("")
    with pytest.raises(ValueError):
        CodePoints.parse("20-7E,30")
    with pytest.raises(ValueError):
        CodePoints.parse("zz")


def test_the_manifest_records_each_fonts_cmap(coverage: FontCoverage) -> None:
    """js/build.mjs reads the cmaps itself (js/src/coverage.mjs): fontTools agrees with it."""
    fonts = PAGE_DIR / "fonts"
    folders = sorted(p.name for p in fonts.iterdir() if p.is_dir())
    assert sorted(coverage.fonts) == folders
    for folder in folders:
        assert as_set(coverage.fonts[folder]) == cmap_points(fonts / folder), folder
    chain = set().union(*(as_set(coverage.fonts[f]) for f in FALLBACK_FOLDERS))
    assert as_set(coverage.fallback) == chain


def test_superscripts_subscripts_phonetic_letters_and_math_are_covered(
    coverage: FontCoverage,
) -> None:
    for char in "⁻⁺⁰¹²³⁴⁵⁶⁷⁸⁹ⁿ₀₁₂₃₊₋ₐₑᵢⱼₖₙₓᵃᵇᵝᵞ∑∏∫∂∇≈≠≤≥∈∉⊂∞ℝℕℓ℘αβγΔΩϵϑ→⇒":
        assert coverage.covers(char, EXCALIFONT), f"{char} U+{ord(char):04X}"


def test_a_familys_own_font_counts_besides_the_fallback(coverage: FontCoverage) -> None:
    # ⎯ (U+23AF) is in Cascadia's font only
    assert coverage.covers("⎯", CASCADIA) and not coverage.covers("⎯", VIRGIL)
    assert coverage.covers("\n", VIRGIL) and coverage.covers("\t", None)
    assert not coverage.covers("क", EXCALIFONT) and not coverage.covers("ไ", None)


def test_what_a_scene_draws_besides_its_text_elements_is_checked(coverage: FontCoverage) -> None:
    elements = [
        text("t", 0, 0, "plain"),
        element("frame", "f", 0, 0, 100, 100, name="चरण"),
        element("embeddable", "e", 0, 0, 100, 100, link="https://example.org/ไทย"),
        {**text("gone", 0, 0, "ગુજરાતી"), "isDeleted": True},
    ]
    assert [t for t, _ in scene_texts(elements)] == ["plain", "चरण", "https://example.org/ไทย"]
    warning = uncovered_warning("x.excalidraw", elements, coverage)
    assert warning is not None
    assert warning.startswith('x.excalidraw: no bundled font has "च" U+091A')
    assert "ไ" in warning and "ગ" not in warning and "machine" in warning
    many = uncovered_warning("x", [text("t", 0, 0, "कखगघङचछजझञ")], coverage)
    assert many is not None and "and 2 more" in many
    assert uncovered_warning("x", elements, None) is None  # a page built before coverage


def test_a_page_without_coverage_still_loads(tmp_path: Path) -> None:
    data = json.loads((PAGE_DIR / "manifest.json").read_text("utf-8"))
    del data["coverage"]
    (tmp_path / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_manifest(tmp_path).coverage is None
    assert page_coverage(tmp_path / "missing") is None


def test_every_character_of_this_repositorys_sources_is_covered(coverage: FontCoverage) -> None:
    """No system font decides any of this repository's images (issue 12: the same bytes on
    every machine). Fails for a spec or drawing with a character no bundled font has."""
    problems: list[str] = []
    sources = sorted(p for p in (REPO / "diagrams").rglob("*") if p.is_file())
    assert sources
    for path in sources:
        name = path.relative_to(REPO).as_posix()
        if is_drawing_name(path):
            elements = load_scene(path).elements
        elif is_figure_spec(path):
            elements = build_figure(load_figure_spec(path)).elements
        else:  # other specs (animations): every character of the file
            elements = [text("all", 0, 0, path.read_text("utf-8"), family=EXCALIFONT)]
        warning = uncovered_warning(name, elements, coverage)
        if warning is not None:
            problems.append(warning)
    assert not problems, "\n".join(problems)
