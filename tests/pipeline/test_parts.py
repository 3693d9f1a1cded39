"""Obsidian drawings as the plugin shows them, rendered in Chromium: an export made dark stays
dark, front matter turns a drawing dark, and every part a note embeds (group, area, frame,
clipped frame) becomes an image of just that part, which the note then shows."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from diagram_assets.config import load_config
from diagram_assets.pipeline import BuildSummary, build, check
from diagram_assets.pipeline.kinds import RunContext
from diagram_assets.render import Renderer, RenderOptions
from helpers import element, png_image, scene_of

pytestmark = pytest.mark.browser

CONFIG = """
[tool.diagrams]
sources = ["diagrams"]
output = "attachments"
notes = ["notes/**/*.md"]
scale = 1
padding = 10
{extra}
"""


def repo(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / ".git").mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text(CONFIG.format(extra=extra), encoding="utf-8")
    (tmp_path / "diagrams").mkdir(exist_ok=True)
    (tmp_path / "notes").mkdir(exist_ok=True)
    return tmp_path


def run_build(root: Path, renderer: Renderer) -> BuildSummary:
    config = load_config(root)
    return build(config, context=RunContext(config, lambda: renderer))


def corner(png: bytes) -> tuple[int, int, int]:
    r, g, b, _ = png_image(png).getpixel((2, 2))
    return r, g, b


def is_dark(rgb: tuple[int, int, int]) -> bool:
    return sum(rgb) < 150


# -- themes ------------------------------------------------------------------------------------


def test_an_export_made_in_dark_mode_stays_dark(tmp_path: Path, renderer: Renderer) -> None:
    root = repo(tmp_path)
    scene = scene_of(element("rectangle", "r", 0, 0, 120, 60))
    dark = renderer.render(scene, RenderOptions(formats=("svg",), dark=True, embed_scene=True))
    light = renderer.render(scene, RenderOptions(formats=("svg",), embed_scene=True))
    assert dark.whole is not None and light.whole is not None
    (root / "diagrams" / "night.excalidraw.svg").write_bytes(dark.whole.svg or b"")
    (root / "diagrams" / "day.excalidraw.svg").write_bytes(light.whole.svg or b"")
    summary = run_build(root, renderer)
    assert summary.ok, summary.failed
    assert is_dark(corner((root / "attachments" / "night.png").read_bytes()))
    assert not is_dark(corner((root / "attachments" / "day.png").read_bytes()))
    # an override of the config that sets `dark` wins over the saved theme
    root2 = repo(tmp_path / "pinned", '[[tool.diagrams.overrides]]\nmatch = "**"\ndark = false\n')
    (root2 / "diagrams" / "night.excalidraw.svg").write_bytes(dark.whole.svg or b"")
    assert run_build(root2, renderer).ok
    assert not is_dark(corner((root2 / "attachments" / "night.png").read_bytes()))


def obsidian(front: str, elements: list[dict]) -> str:
    data = {"type": "excalidraw", "version": 2, "elements": elements, "appState": {}}
    return (
        f"---\nexcalidraw-plugin: parsed\n{front}---\n\n# Excalidraw Data\n## Drawing\n"
        f"```json\n{json.dumps(data)}\n```\n%%\n"
    )


def test_front_matter_dark_and_padding_without_any_config(
    tmp_path: Path, renderer: Renderer
) -> None:
    root = repo(tmp_path)
    box = element("rectangle", "r", 0, 0, 120, 60)
    (root / "diagrams" / "night.excalidraw.md").write_text(
        obsidian("excalidraw-export-dark: true\nexcalidraw-export-padding: 40\n", [box])
    )
    assert run_build(root, renderer).ok
    image = png_image((root / "attachments" / "night.png").read_bytes())
    assert is_dark(image.getpixel((2, 2))[:3])
    assert abs(image.size[0] - (120 + 80)) <= 3  # padding 40 on each side, scale 1


# -- parts -------------------------------------------------------------------------------------

ELEMENTS = [
    element("frame", "f1", 0, 0, 200, 200, name="Intro"),
    element("rectangle", "in1", 20, 20, 60, 40, frameId="f1"),
    element("rectangle", "in2", 120, 150, 150, 100, frameId="f1"),  # overflows the frame
    element("rectangle", "g1", 400, 0, 80, 40, groupIds=["G"]),
    element("ellipse", "g2", 500, 100, 60, 60, groupIds=["G"]),
    element("rectangle", "solo", 700, 0, 100, 50),
    element("rectangle", "near", 780, 30, 100, 100),
]
NOTE = """# Parts

![[board.excalidraw#^group=g1]]
![[board.excalidraw#^area=solo|200]]
![[board.excalidraw#^clippedframe=Intro]]
![[board.excalidraw#^frame=f1]]
![[board.excalidraw#^group=missing]]
"""


@pytest.fixture
def parts_repo(tmp_path: Path, renderer: Renderer) -> tuple[Path, object]:
    root = repo(tmp_path)
    (root / "diagrams" / "board.excalidraw").write_text(
        json.dumps({"type": "excalidraw", "version": 2, "elements": ELEMENTS, "appState": {}})
    )
    (root / "notes" / "parts.md").write_text(NOTE, encoding="utf-8")
    summary = run_build(root, renderer)
    return root, summary


def size(root: Path, name: str) -> tuple[int, int]:
    return png_image((root / "attachments" / name).read_bytes()).size


def near(actual: tuple[int, int], expected: tuple[float, float], slack: int = 4) -> bool:
    return all(abs(a - e) <= slack for a, e in zip(actual, expected, strict=True))


def test_each_part_is_an_image_of_its_elements(parts_repo: tuple[Path, object]) -> None:
    root, summary = parts_repo
    assert summary.ok, summary.failed  # type: ignore[attr-defined]
    # the whole drawing: 0..880 wide; the frame clips in2 and its name sits above it
    assert near(size(root, "board.png"), (880 + 20, 221 + 20))
    # group: both grouped shapes (400..560, 0..160) plus padding
    assert near(size(root, "board.group-g1.png"), (160 + 20, 160 + 20))
    # area: cropped to the element's box (100 x 50) plus padding, though `near` overlaps it
    assert near(size(root, "board.area-solo.png"), (100 + 20, 50 + 20))
    # frame: the frame's children, unclipped (20..270, 20..250), without the frame
    assert near(size(root, "board.frame-f1.png"), (250 + 20, 230 + 20))
    # clipped frame: the frame and its children, clipped to the frame: Excalidraw sizes the
    # image by the frame (children in a frame it draws do not count), so in2 is cut off
    assert near(size(root, "board.clippedframe-Intro.png"), (200 + 20, 200 + 20))
    clipped = png_image((root / "attachments" / "board.clippedframe-Intro.png").read_bytes())
    assert clipped.getpixel((215, 190))[:3] == (255, 255, 255)  # in2 beyond the frame: gone
    svg = (root / "attachments" / "board.area-solo.svg").read_text()
    assert 'width="120"' in svg.split(">", 1)[0] and 'height="70"' in svg.split(">", 1)[0]


def test_parts_are_in_the_lock_and_the_note_shows_them(
    parts_repo: tuple[Path, object], renderer: Renderer
) -> None:
    root, summary = parts_repo
    lock = json.loads((root / "attachments" / "diagrams.lock").read_text())
    entry = lock["jobs"]["diagrams/board.excalidraw"]
    assert set(entry["parts"]) == {"area=solo", "clippedframe=Intro", "frame=f1", "group=g1"}
    assert entry["parts"]["group=g1"] == {
        "png": "attachments/board.group-g1.png",
        "svg": "attachments/board.group-g1.svg",
    }
    assert "attachments/board.group-g1.svg" in entry["outputs"]
    note = (root / "notes" / "parts.md").read_text()
    assert "![[board.group-g1.svg]]" in note
    assert "![[board.area-solo.svg|200]]" in note
    assert "![[board.clippedframe-Intro.svg]]" in note
    assert "![[board.frame-f1.svg]]" in note
    assert "![[board.svg#^group=missing]]" in note
    warnings = " ".join(summary.warnings)  # type: ignore[attr-defined]
    assert "#^group=missing" in warnings and "g1, g2" in warnings
    report = check(load_config(root))
    assert [p.code for p in report.problems] == []
    # a new part embedded in a note makes the drawing stale, and the next build makes it
    with (root / "notes" / "parts.md").open("a", encoding="utf-8") as f:
        f.write("![[board.excalidraw#^area=near]]\n")
    assert {p.code for p in check(load_config(root)).problems} == {"changed", "link"}
    assert run_build(root, renderer).ok
    assert (root / "attachments" / "board.area-near.svg").exists()
    assert check(load_config(root)).ok


def test_a_corpus_drawing_with_dark_front_matter_comes_out_dark(
    tmp_path: Path, renderer: Renderer, corpus_dir: Path
) -> None:
    source = corpus_dir / "Gabriel2409__obsidian_notes__Confusion_matrix_bin.excalidraw.md"
    if not source.is_file():
        pytest.skip(f"{source.name} is not in the corpus")
    root = repo(tmp_path)
    text = source.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    dark = text.replace("---\n", "---\nexcalidraw-export-dark: true\n", 1)
    (root / "diagrams" / "light.excalidraw.md").write_text(text, encoding="utf-8")
    (root / "diagrams" / "dark.excalidraw.md").write_text(dark, encoding="utf-8")
    assert run_build(root, renderer).ok
    # the drawing has no background: in dark mode its strokes turn light
    assert ink(root / "attachments" / "light.png") < 100
    assert ink(root / "attachments" / "dark.png") > 150
    assert size(root, "dark.png") == size(root, "light.png")


def ink(path: Path) -> float:
    """The median brightness of the drawn (opaque) pixels."""
    image = png_image(path.read_bytes())
    pixels = [
        image.getpixel((x, y)) for x in range(0, image.width, 2) for y in range(0, image.height, 2)
    ]
    pixels = [p for p in pixels if p[3] > 200]
    return statistics.median(sum(p[:3]) / 3 for p in pixels)
