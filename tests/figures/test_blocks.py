"""Block diagrams: every declared link drawn and bound, never through a shape; orientations,
groups, branches, labels, shape annotations; the refusals that replace silent drops."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from diagram_assets.errors import SpecError
from diagram_assets.figures import build_figure, figure_steps, is_figure_spec, load_figure_spec
from diagram_assets.figures.palettes import PALETTES
from diagram_assets.figures.schema import parse_figure
from diagram_assets.figures.text import LIBERATION_SANS, fonts_available
from diagram_assets.specyaml import parse_spec_yaml
from locations import REPO

SPEC_MD = REPO / "src" / "diagram_assets" / "figures" / "SPEC.md"

pytestmark = pytest.mark.skipif(
    not fonts_available(LIBERATION_SANS),
    reason="the render page's fonts are not built (run `make page`)",
)


def spec_from_text(text: str, name: str = "t.figure.yaml"):
    path = Path(name)
    return parse_figure(parse_spec_yaml(text.encode(), path), path)


def repo_block_specs() -> list[Path]:
    out = []
    for path in sorted((REPO / "diagrams").rglob("*.yaml")):
        if path.name.endswith(".anim.yaml"):
            continue
        if "figures" in path.parts and not is_figure_spec(path):
            continue
        if "blocks:" in path.read_text(encoding="utf-8") or "include:" in path.read_text(
            encoding="utf-8"
        ):
            out.append(path)
    return out


def spec_md_examples() -> list[str]:
    blocks = re.findall(r"```yaml\n(.*?)```", SPEC_MD.read_text(encoding="utf-8"), re.S)
    return [b for b in blocks if "blocks:" in b]


def box(e):
    return e["x"], e["y"], e["x"] + e["width"], e["y"] + e["height"]


def check_links_drawn(spec, elements) -> None:
    """Each declared link is `count` arrows bound to its two items; each stream is drawn."""
    by_id = {e["id"]: e for e in elements}
    arrows = [e for e in elements if e["type"] == "arrow"]
    for link in spec.blocks.links:
        src, dst = link.source.target, link.target.target
        bound = [
            a
            for a in arrows
            if a["startBinding"]
            and a["endBinding"]
            and a["startBinding"]["elementId"] == src
            and a["endBinding"]["elementId"] == dst
        ]
        assert len(bound) == link.count, f"link {src} → {dst}: {len(bound)} arrows"
        for a in bound:
            for key in ("startBinding", "endBinding"):
                shape = by_id[a[key]["elementId"]]
                assert {"id": a["id"], "type": "arrow"} in shape["boundElements"]
    for column in spec.blocks.columns:
        for item in column.flat():
            if item.residual is not None:
                assert any(
                    a["endBinding"]["elementId"] == item.id and a["id"].startswith("residual:")
                    for a in arrows
                ), f"residual into {item.id}"


def check_no_arrow_through_a_shape(elements) -> None:
    """No straight piece of an arrow enters a block, ⊕, label or symbol it is not bound to."""
    shapes = [
        e
        for e in elements
        if e["opacity"] != 0
        and (
            (e["type"] in ("rectangle", "ellipse") and not _is_container(e, elements))
            or (e["type"] == "text" and e["containerId"] is None)
        )
    ]
    for a in (e for e in elements if e["type"] == "arrow"):
        ends = {a["startBinding"]["elementId"], a["endBinding"]["elementId"]}
        pts = [(a["x"] + px, a["y"] + py) for px, py in a["points"]]
        for s in shapes:
            if s["id"] in ends or s["id"].startswith(tuple(f"{e}." for e in ends)):
                continue
            x0, y0, x1, y1 = box(s)
            x0, y0, x1, y1 = x0 + 2, y0 + 2, x1 - 2, y1 - 2
            for (ax, ay), (bx, by) in itertools.pairwise(pts):
                inside = min(ax, bx) < x1 and max(ax, bx) > x0 and min(ay, by) < y1
                assert not (inside and max(ay, by) > y0), f"{a['id']} runs through {s['id']}"


def _is_container(e, elements) -> bool:
    return any(f"stack:{e['id']}" in o["groupIds"] for o in elements)


@pytest.mark.parametrize("path", repo_block_specs(), ids=lambda p: p.name)
def test_repo_block_specs_draw_every_link(path):
    spec = load_figure_spec(path)
    if spec.blocks is None:
        pytest.skip("a layered net")
    elements = build_figure(spec).elements
    check_links_drawn(spec, elements)
    check_no_arrow_through_a_shape(elements)
    for _, scene in figure_steps(path):
        check_links_drawn(spec, scene.elements)


@pytest.mark.parametrize("n", range(len(spec_md_examples())))
def test_spec_md_block_examples_draw_every_link(n):
    spec = spec_from_text(spec_md_examples()[n])
    elements = build_figure(spec).elements
    check_links_drawn(spec, elements)
    check_no_arrow_through_a_shape(elements)


# the drops of issue 14, each now drawn
DROPS = {
    "first-of-column": """
orientation: right
blocks:
  - column: a
    items: [{block: Conv, id: a1}]
  - column: b
    items: [{block: Pool, id: b1}]
  - column: c
    items: [{block: FC, id: c1}]
links:
  - {from: a1, to: b1}
  - {from: b1, to: c1}
""",
    "heads-zero": """
blocks:
  - column: a
    items:
      - {label: x, id: x}
      - {block: Router, id: r, heads: 0}
  - column: b
    items: [{block: Expert, id: e}]
links:
  - {from: e, to: r}
""",
    "router-to-experts": """
blocks:
  - column: main
    items: [{label: x, id: x}, {block: Router, id: router}]
  - column: e1
    items: [{block: Expert 1, id: ex1}]
  - column: e2
    items: [{block: Expert 2, id: ex2}]
links:
  - {from: router, to: ex1}
  - {from: router, to: ex2}
  - {from: x, to: ex2, label: token}
""",
    "same-column-and-backwards": """
blocks:
  - column: col
    items: [{block: A, id: a}, {block: B, id: b}, {block: C, id: c}]
links:
  - {from: c, to: a, dashed: true}
  - {from: a, to: c, count: 2}
""",
    "into-a-sum-and-a-label": """
blocks:
  - column: left
    items: [{label: in, id: i}, {block: A, id: a}, {sum: true, id: s}, {label: out, id: o}]
  - column: right
    items: [{block: B, id: b}]
links:
  - {from: b, to: s}
  - {from: b, to: o}
""",
}


@pytest.mark.parametrize("text", DROPS.values(), ids=DROPS.keys())
def test_links_once_dropped_are_drawn(text):
    spec = spec_from_text(text)
    elements = build_figure(spec).elements
    check_links_drawn(spec, elements)
    check_no_arrow_through_a_shape(elements)


def test_a_link_label_is_bound_to_its_arrow_on_the_middle_segment():
    spec = spec_from_text(DROPS["router-to-experts"])
    els = {e["id"]: e for e in build_figure(spec).elements}
    arrow = els["link:x>ex2#1"]
    label = els["link:x>ex2#1.text"]
    assert label["containerId"] == arrow["id"] and label["text"] == "token"
    pts = arrow["points"]
    assert len(pts) % 2 == 0
    n = len(pts) // 2 - 1
    mx = arrow["x"] + (pts[n][0] + pts[n + 1][0]) / 2
    assert abs(label["x"] + label["width"] / 2 - mx) < 0.01


def test_orientation_right_flows_left_to_right():
    spec = spec_from_text("""
orientation: right
blocks:
  - column: a
    items: [{label: x, id: x}, {block: Conv, id: c, shape: 28×28×6}, {block: FC, id: f}]
""")
    els = {e["id"]: e for e in build_figure(spec).elements}
    assert els["x"]["x"] < els["c"]["x"] < els["f"]["x"]
    assert abs(els["c"]["y"] - els["f"]["y"]) < 0.01
    shape = els["c.shape"]
    assert shape["text"] == "28×28×6" and shape["y"] > els["c"]["y"] + els["c"]["height"]
    arrow = els["arrow:c>f"]
    assert arrow["points"][-1][0] > 0 and arrow["points"][-1][1] == 0


def test_groups_and_branches():
    spec = spec_from_text("""
blocks:
  - column: a
    items:
      - {label: x, id: x}
      - group: Generator
        id: gen
        fill: '#fdf0e4'
        items:
          - {block: Stem, id: stem}
          - branches:
              - [{block: 1×1, id: b1}]
              - [{block: 1×1, id: b2}, {block: 3×3, id: b3}]
            id: inc
          - {block: Concat, id: cat}
""")
    els = {e["id"]: e for e in build_figure(spec).elements}
    assert els["gen"]["backgroundColor"] == "#fdf0e4"
    assert els["gen.label"]["text"] == "Generator"
    assert els["gen"]["y"] < els["gen.label"]["y"] < els["cat"]["y"]  # caption inside, on top
    assert els["b1"]["x"] + els["b1"]["width"] < els["b2"]["x"]  # side by side
    for a in ("arrow:stem>b1", "arrow:stem>b2", "arrow:b2>b3"):
        assert a in els
    assert "arrow:b1>cat#1" in els and "arrow:b3>cat#2" in els


def test_residual_on_a_sum():
    spec = spec_from_text("""
blocks:
  - column: a
    items:
      - {label: x, id: x}
      - {block: 1×1, id: c1}
      - {block: 3×3, id: c2}
      - {sum: true, id: add, residual: c1}
""")
    els = {e["id"]: e for e in build_figure(spec).elements}
    assert els["residual:c1>add"]["endBinding"]["elementId"] == "add"


def test_kernel_and_linear_styles_differ():
    for table in PALETTES.values():
        assert table["kernel"].fill != table["linear"].fill


REFUSED = [
    (
        "blocks:\n  - column: col\n    items: [{block: A, id: a}]\nlinks:\n  - {from: a, to: a}\n",
        "to itself",
    ),
    (
        "blocks:\n  - column: col\n    items: [{block: A, id: a}, {block: B, id: b}]\n"
        "links:\n  - {from: a, to: b}\n  - {from: a, to: b}\n",
        "declared twice",
    ),
    (
        "orientation: right\nblocks:\n  - column: a\n    items: [{label: x, tokens: [a]}]\n",
        "tokens",
    ),
    (
        "blocks:\n  - column: col\n    items:\n      - {block: A}\n"
        "      - branches: [[{block: B, residual: x}], [{block: C}]]\n",
        "residual",
    ),
    (
        "blocks:\n  - column: col\n    items:\n      - {label: x}\n      - {block: A, id: a}\n"
        "      - branches: [[{block: B}], [{block: C}]]\n      - {sum: true, residual: a}\n",
        "draw the skip as a link",
    ),
    (
        "blocks:\n  - column: col\n    start_at: b1\n    items: [{block: A}]\n"
        "  - column: b\n    items: [{block: B, id: b1}]\n",
        "earlier column",
    ),
    ("orientation: sideways\nblocks:\n  - column: a\n    items: [{block: A}]\n", "orientation"),
]


@pytest.mark.parametrize(("text", "words"), REFUSED)
def test_what_cannot_be_drawn_is_refused_with_a_place(text, words):
    with pytest.raises(SpecError) as err:
        spec_from_text(text)
    message = str(err.value)
    assert words in message and "line " in message and "column " in message, message
