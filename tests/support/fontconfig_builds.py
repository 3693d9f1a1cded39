"""Build the same repository under two fontconfig setups and compare the outputs byte by byte.

Chromium takes its system fonts from fontconfig, and fontconfig reads ``$FONTCONFIG_FILE``: a
generated ``fonts.conf`` that lists other font folders simulates another machine's fonts. A
repository is laid out once (this repository's ``diagrams/`` and a few corpus drawings chosen
for frame titles, embeddables, emoji and CJK text in several font families), then built with
``diagrams build --force`` in a new process per setup, so each build starts its own Chromium
with that environment. Used by ``tests/test_fonts_machines.py`` and
``bench/fontconfig_compare.py``.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import diagram_assets
from locations import REPO

SYSTEM_FONT_ROOTS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))

# Corpus drawings whose pixels depend on fonts that are not Excalidraw's own families.
CORPUS_PICKS = (
    # frames with Japanese titles; CJK in Virgil
    "myao9494__excalidraw_myao9494__top.excalidraw",
    # frames with Chinese titles; CJK in Excalifont (Xiaolai)
    "geekeryy__api-hub__architecture.excalidraw.svg",
    # a frame, four embeddable placeholders, emoji in Lilita One
    "dogeinhyeok__LyraStarterGameClone__Example.excalidraw.md",
    # embeddables; emoji and CJK in Excalifont
    "duanbiao2000__obsidianDoc26__name-378b897b.excalidraw.md",
    # CJK in Helvetica (fontFamily 2) and in Cascadia
    "hanxiaomax__Learncpp_CN__Drawing_2023-02-11_13.33.50.excalidraw.md",
    # CJK in Cascadia, emoji in Virgil
    "Clarence6174__izugbe-tricore-engine__architecture.excalidraw",
    # CJK in Comic Shanns
    "AsperforMias__yuiju__architecture.excalidraw",
)

CONFIG = """\
sources = ["diagrams", "corpus"]
output = "out"
notes = []

[[overrides]]
match = "diagrams/llm-prototype.excalidraw"
frames = true

[[overrides]]
match = "corpus/*"
frames = true
"""


def font_dirs(name: str) -> list[Path]:
    """Folders under the system font roots whose path contains ``name`` (e.g. "dejavu")."""
    found = []
    for root in SYSTEM_FONT_ROOTS:
        if root.is_dir():
            found += sorted(p for p in root.rglob("*") if p.is_dir() and name in p.name.lower())
    return found


def write_fontconfig(path: Path, dirs: list[Path]) -> Path:
    """A fonts.conf that knows only ``dirs`` (none: a machine without any font)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cache = path.parent / "fc-cache"
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">', "<fontconfig>"]
    lines += [f"  <dir>{d}</dir>" for d in dirs]
    lines += [f"  <cachedir>{cache}</cachedir>", "</fontconfig>", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def layout_repository(root: Path, corpus: Path | None) -> list[str]:
    """This repository's diagrams and the corpus picks in ``root``; returns the corpus names."""
    shutil.copytree(REPO / "diagrams", root / "diagrams")
    (root / "corpus").mkdir()
    picked = []
    if corpus is not None:
        for name in CORPUS_PICKS:
            if (corpus / name).is_file():
                shutil.copy2(corpus / name, root / "corpus" / name)
                picked.append(name)
    (root / "diagrams.toml").write_text(CONFIG, encoding="utf-8")
    return picked


def build(root: Path, fontconfig_file: Path | None, log: Path) -> None:
    """``diagrams build --force`` in ``root`` with the given fontconfig (None: the default)."""
    env = dict(os.environ)
    env.pop("FONTCONFIG_FILE", None)
    env.pop("FONTCONFIG_PATH", None)
    if fontconfig_file is not None:
        env["FONTCONFIG_FILE"] = str(fontconfig_file)
    env["DIAGRAMS_CACHE_DIR"] = ""
    # the package this process imports, whatever the build's working folder
    package_root = str(Path(diagram_assets.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "diagram_assets", "build", "--force"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
        check=False,
    )
    log.write_text(done.stdout, encoding="utf-8")
    if done.returncode != 0:
        raise RuntimeError(f"diagrams build exited {done.returncode}:\n{done.stdout[-3000:]}")


@dataclass
class Comparison:
    """What two builds wrote: files compared, and those that differ (with bytes differing)."""

    compared: list[str] = field(default_factory=list)
    differing: dict[str, int] = field(default_factory=dict)
    only_in_one: list[str] = field(default_factory=list)

    @property
    def bytes_differing(self) -> int:
        return sum(self.differing.values())


def bytes_differing(a: bytes, b: bytes) -> int:
    """Positions whose bytes differ, plus the difference in length."""
    return sum(x != y for x, y in zip(a, b, strict=False)) + abs(len(a) - len(b))


def compare_outputs(first: Path, second: Path) -> Comparison:
    result = Comparison()
    names_a = {p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()}
    names_b = {p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file()}
    result.only_in_one = sorted(names_a ^ names_b)
    for name in sorted(names_a & names_b):
        if not name.endswith((".svg", ".png", ".gif", ".webp", ".apng")):
            continue
        result.compared.append(name)
        a, b = first / name, second / name
        if not filecmp.cmp(a, b, shallow=False):
            result.differing[name] = bytes_differing(a.read_bytes(), b.read_bytes())
    return result


def build_into(root: Path, fontconfig_file: Path | None, dest: Path) -> Path:
    """Build ``root`` under the given fontconfig and move its outputs to ``dest``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    build(root, fontconfig_file, dest.with_suffix(".log"))
    shutil.move(root / "out", dest)
    return dest


def build_twice(work: Path, corpus: Path | None, other: Path) -> tuple[Comparison, list[str]]:
    """Build under the default fontconfig and under ``other``; compare what they wrote."""
    root = work / "repo"
    picked = layout_repository(root, corpus)
    first = build_into(root, None, work / "out-default")
    second = build_into(root, other, work / "out-other")
    return compare_outputs(first, second), picked
