"""The same bytes on every machine: no system font, and no machine's fontconfig settings, decide
what the render page measures or draws.

This repository's diagrams and corpus drawings with frame titles, embeddable placeholders, emoji
and CJK text in several font families are built with ``diagrams build --force`` under the
machine's fontconfig and under generated ones that know another font set (and none of the
machine's render settings); every SVG, PNG and GIF must be byte-identical.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from diagram_assets.render.fontconfig import (
    SYSTEM_CONFIG,
    chromium_environment,
    machine_config,
    pinned_config,
)
from support.fontconfig_builds import (
    Comparison,
    build_into,
    compare_outputs,
    font_dirs,
    layout_repository,
    write_fontconfig,
)

OTHER_FONT_SETS = {"dejavu-only": "dejavu", "noto-only": "noto"}


@pytest.fixture(scope="module")
def default_build(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("fontconfig")
    root = work / "repo"
    picked = layout_repository(root, corpus_dir)
    assert len(picked) >= 5, f"corpus drawings missing: {picked}"
    return root, build_into(root, None, work / "out-default")


def describe(result: Comparison) -> str:
    lines = [f"{name}: {n} bytes differ" for name, n in result.differing.items()]
    lines += [f"{name}: written by one build only" for name in result.only_in_one]
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("font_set", sorted(OTHER_FONT_SETS))
def test_outputs_are_byte_identical_under_another_fontconfig(
    default_build: tuple[Path, Path], tmp_path: Path, font_set: str
) -> None:
    root, default_out = default_build
    dirs = font_dirs(OTHER_FONT_SETS[font_set])
    if not dirs:
        pytest.skip(f"no {OTHER_FONT_SETS[font_set]} fonts on this machine")
    other = write_fontconfig(tmp_path / "fonts.conf", dirs)
    result = compare_outputs(default_out, build_into(root, other, tmp_path / "out"))
    assert len(result.compared) >= 40, result.compared
    assert any(".svg" in n for n in result.compared) and any(".png" in n for n in result.compared)
    assert result.bytes_differing == 0 and not result.only_in_one, describe(result)


def test_chromium_gets_the_machine_config_with_render_settings_pinned(tmp_path: Path) -> None:
    mine = tmp_path / "mine.conf"
    env = chromium_environment({"FONTCONFIG_FILE": str(mine), "HOME": "/nowhere"})
    assert env["HOME"] == "/nowhere"
    written = Path(env["FONTCONFIG_FILE"])
    assert written != mine and written.is_file()
    text = written.read_text(encoding="utf-8")
    assert f'<include ignore_missing="yes">{mine}</include>' in text
    # the pinning comes after the include, so it overrides what the machine's config says
    assert text.index("<include") < text.index('name="hintstyle"')
    assert text.count("<const>hintnone</const>") == 2
    assert chromium_environment({"FONTCONFIG_FILE": str(mine)})["FONTCONFIG_FILE"] == str(written)


def test_which_config_fontconfig_would_read() -> None:
    assert machine_config({}) == SYSTEM_CONFIG
    assert machine_config({"FONTCONFIG_FILE": "/x/f.conf"}) == Path("/x/f.conf")
    assert machine_config({"FONTCONFIG_FILE": "f.conf", "FONTCONFIG_PATH": "/y"}) == Path(
        "/y/f.conf"
    )
    assert machine_config({"FONTCONFIG_PATH": "/y"}) == Path("/y/fonts.conf")
    assert "&amp;" in pinned_config(Path("/a&b/fonts.conf"))
