"""No connection of a layered figure is lost: every pair of cells a spec joins is an edge bound
to both cells, no edge runs through a cell it does not join, and the Zoo examples lay out
soundly. Checked on every layered spec under diagrams/, on SPEC.md's examples and on specs
made to trip the old drops (self-connections, skips, windows, a cell joined to itself)."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pytest

from diagram_assets.errors import SpecError
from diagram_assets.figures import build_figure, figure_steps, load_figure_spec
from diagram_assets.figures.palettes import highlight_for
from diagram_assets.figures.schema import FigureSpec, LayerSpec
from diagram_assets.figures.text import LIBERATION_SANS, fonts_available
from figures.test_layout import check_scene, spec_from_text
from locations import REPO

SPEC_MD = REPO / "src" / "diagram_assets" / "figures" / "SPEC.md"
ZOO = REPO / "diagrams" / "figures" / "zoo"
CELL = 30

pytestmark = pytest.mark.skipif(
    not fonts_available(LIBERATION_SANS),
    reason="the render page's fonts are not built (run `make page`)",
)


def layered_specs() -> list[Path]:
    found = []
    for path in sorted((REPO / "diagrams").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^layers:", text, re.M):
            found.append(path)
    return found


def spec_md_examples() -> list[str]:
    blocks = re.findall(r"```yaml\n(.*?)```", SPEC_MD.read_text(encoding="utf-8"), re.S)
    return [b for b in blocks if re.search(r"^layers:", b, re.M)]


SPECS = layered_specs()
EXAMPLES = spec_md_examples()

TRICKY = {
    "hopfield column": "layers:\n  - {id: h, cells: backfed input, size: 5}\n"
    "connections:\n  - {from: h, to: h}\n",
    "hopfield ring": "layout: ring\nlayers:\n  - {id: h, cells: backfed input, size: 6}\n"
    "connections:\n  - {from: h, to: h}\n",
    "boltzmann": "layout: ring\nlayers:\n  - {id: v, cells: backfed input, size: 3}\n"
    "  - {id: h, cells: probabilistic hidden, size: 4}\n"
    "connections:\n  - {from: v, to: v}\n  - {from: h, to: h}\n",
    "middle self": "layers:\n  - {id: a, cells: input, size: 4}\n"
    "  - {id: h, cells: hidden, size: 6}\n"
    "  - {id: o, cells: output, size: 2}\nconnections:\n  - {from: h, to: h}\n",
    "skips": "orientation: bottom-to-top\nlayers:\n  - {id: a, cells: input, size: 3}\n"
    "  - {id: b, cells: hidden, size: 3}\n  - {id: c, cells: hidden, size: 4}\n"
    "  - {id: d, cells: hidden, size: 2}\n  - {id: e, cells: output, size: 3}\n"
    "connections:\n  - {from: a, to: c}\n  - {from: a, to: e, kind: one-to-one}\n"
    "  - {from: e, to: b}\n  - {from: 'b[2]', to: 'd[1]'}\n",
    "cell to itself": "layers:\n  - {id: a, cells: input, size: 2}\n"
    "  - {id: o, cells: output, size: 2}\n"
    "connections:\n  - {from: 'o[1]', to: 'o[1]'}\n  - {from: 'a[2]', to: 'a[1]'}\n",
    "windows": "layers:\n  - {id: x, cells: input, size: 9}\n"
    "  - {id: k, cells: kernel, size: 4, window: 3, stride: 2}\n"
    "  - {id: p, cells: convolution, size: 2, window: 2, stride: 2}\n"
    "  - {id: o, cells: output, size: 2}\n",
    "transposed windows": "layers:\n  - {id: z, cells: probabilistic hidden, size: 2}\n"
    "  - {id: c, cells: convolution, size: 4, window: 2, stride: 2}\n"
    "  - {id: k, cells: kernel, size: 6, window: 3}\n  - {id: o, cells: output, size: 6}\n",
    "windows shortened": "max_cells: 6\nlayers:\n  - {id: x, cells: input, size: 40}\n"
    "  - {id: k, cells: kernel, size: 19, window: 4, stride: 2}\n"
    "  - {id: o, cells: output, size: 3}\n",
    "recurrent self": "layers:\n  - {id: a, cells: input, size: 3}\n"
    "  - {id: r, cells: recurrent, size: 4}\n"
    "connections:\n  - {from: r, to: r}\n  - {from: 'r[2]', to: 'r[2]'}\n",
    "funnel": "heights: log\nlayers:\n  - {id: a, cells: input, size: 784}\n"
    "  - {id: b, cells: hidden, size: 128}\n  - {id: c, cells: hidden, size: 64}\n"
    "  - {id: d, cells: output, size: 10}\nconnections:\n  - {from: a, to: d}\n",
    "ring with everything": "layout: ring\nlayers:\n  - {id: i, cells: input, size: 12}\n"
    "  - {id: k, cells: hidden, size: 5, label: map}\n  - {id: r, cells: recurrent, size: 3}\n"
    "connections:\n  - {from: k, to: k}\n  - {from: i, to: r}\n",
}


def expected_pairs(spec: FigureSpec) -> set[tuple[tuple[str, int], tuple[str, int]]]:
    """The cell pairs the spec asks for, computed from its meaning (not by the layout)."""
    assert spec.layers is not None
    net = spec.layers
    by_id = {la.id: la for la in net.layers}
    want: set[tuple[tuple[str, int], tuple[str, int]]] = set()

    def join(a: LayerSpec, b: LayerSpec, kind: str, ia: int | None, ib: int | None) -> None:
        xs = [ia] if ia is not None else a.visible_cells()
        ys = [ib] if ib is not None else b.visible_cells()
        if kind == "one-to-one":
            want.update(((a.id, i), (b.id, j)) for i, j in zip(xs, ys, strict=True))
        elif kind == "window" and (b.size - 1) * b.stride + (b.window or 0) <= a.size:
            for j in ys:
                first = (j - 1) * b.stride + 1
                for i in range(first, first + (b.window or 0)):
                    if i in xs:
                        want.add(((a.id, i), (b.id, j)))
        elif kind == "window":  # transposed: each cell of a feeds a window of b
            for i in xs:
                first = (i - 1) * b.stride + 1
                for j in range(first, first + (b.window or 0)):
                    if j in ys:
                        want.add(((a.id, i), (b.id, j)))
        elif kind == "full":
            whole_self = a.id == b.id and ia is None and ib is None
            want.update(
                ((a.id, i), (b.id, j)) for i in xs for j in ys if not (whole_self and i == j)
            )

    for prev, layer in itertools.pairwise(net.layers):
        join(prev, layer, "window" if layer.window else layer.connect, None, None)
    for conn in net.connections:
        a, b = by_id[conn.source.target], by_id[conn.target.target]
        join(a, b, conn.kind, conn.source.index, conn.target.index)
    return want


def check_every_connection_drawn(spec: FigureSpec, elements: list[dict]) -> None:
    by_id = {e["id"]: e for e in elements}
    joined: set[frozenset[str]] = set()
    for e in elements:
        if e["type"] in ("arrow", "line") and e.get("startBinding") and e.get("endBinding"):
            ends = {e["startBinding"]["elementId"], e["endBinding"]["elementId"]}
            joined.add(frozenset(ends))
    for (la, ca), (lb, cb) in sorted(expected_pairs(spec)):
        a, b = f"{la}[{ca}]", f"{lb}[{cb}]"
        assert a in by_id and b in by_id, f"{a} or {b} is not drawn"
        assert frozenset({a, b}) in joined, f"{spec.path}: {a} — {b} is not drawn"


def check_no_edge_through_a_cell(elements: list[dict]) -> None:
    """No edge passes over a cell it is not bound to (its points as a polyline)."""
    cells = [
        e for e in elements if e["type"] == "ellipse" and re.fullmatch(r"[\w-]+\[\d+\]", e["id"])
    ]
    for e in elements:
        if e["type"] != "arrow" or not e.get("startBinding"):
            continue
        ends = {e["startBinding"]["elementId"], e["endBinding"]["elementId"]}
        pts = [(e["x"] + px, e["y"] + py) for px, py in e["points"]]
        for c in cells:
            if c["id"] in ends:
                continue
            centre = (c["x"] + c["width"] / 2, c["y"] + c["height"] / 2)
            near = min(_distance(centre, p, q) for p, q in itertools.pairwise(pts))
            assert near > c["width"] / 2 + 1, f"{e['id']} runs through {c['id']}"


def _distance(c: tuple[float, float], p: tuple[float, float], q: tuple[float, float]) -> float:
    dx, dy = q[0] - p[0], q[1] - p[1]
    length2 = dx * dx + dy * dy
    t = (
        0.0
        if length2 == 0
        else max(0.0, min(1.0, ((c[0] - p[0]) * dx + (c[1] - p[1]) * dy) / length2))
    )
    return math.hypot(c[0] - p[0] - t * dx, c[1] - p[1] - t * dy)


@pytest.mark.parametrize("path", SPECS, ids=[str(p.relative_to(REPO)) for p in SPECS])
def test_every_connection_of_the_repo_specs_is_drawn(path):
    spec = load_figure_spec(path, root=REPO)
    scene = build_figure(spec)
    check_every_connection_drawn(spec, scene.elements)
    check_no_edge_through_a_cell(scene.elements)
    check_scene(scene)


@pytest.mark.parametrize("n", range(len(EXAMPLES)))
def test_every_connection_of_the_spec_md_examples_is_drawn(n):
    spec = spec_from_text(EXAMPLES[n])
    scene = build_figure(spec)
    check_every_connection_drawn(spec, scene.elements)
    check_no_edge_through_a_cell(scene.elements)
    check_scene(scene)


@pytest.mark.parametrize("name", list(TRICKY))
def test_tricky_connections_are_drawn(name):
    spec = spec_from_text(TRICKY[name])
    scene = build_figure(spec)
    check_every_connection_drawn(spec, scene.elements)
    check_no_edge_through_a_cell(scene.elements)
    check_scene(scene)
    assert scene.dumps() == build_figure(spec_from_text(TRICKY[name])).dumps()


def test_the_checks_catch_a_dropped_edge_and_an_edge_through_a_cell():
    spec = spec_from_text(TRICKY["skips"])
    elements = build_figure(spec).elements
    dropped = [e for e in elements if e["id"] != "edge:a[1]>c[4]"]
    with pytest.raises(AssertionError, match=r"a\[1\] — c\[4\] is not drawn"):
        check_every_connection_drawn(spec, dropped)
    straight = [dict(e) for e in elements]
    centre = {
        e["id"]: (e["x"] + e["width"] / 2, e["y"] + e["height"] / 2)
        for e in elements
        if e["type"] == "ellipse"
    }
    for e in straight:
        if e["id"] == "edge:a[2]>c[2]":  # an arc around b: made straight, it crosses b[2]
            (x0, y0), (x1, y1) = centre["a[2]"], centre["c[2]"]
            e["x"], e["y"], e["points"] = x0, y0, [[0, 0], [x1 - x0, y1 - y0]]
    with pytest.raises(AssertionError, match="runs through b"):
        check_no_edge_through_a_cell(straight)


def test_the_zoo_is_there():
    names = {load_figure_spec(p).name for p in ZOO.glob("*.figure.yaml")}
    assert len(names) >= 22
    assert {"HN", "BM", "DRN", "DCN", "KN", "MC"} <= names


def test_skip_arcs_go_around_and_labels_stay_clear():
    spec = spec_from_text(
        "layers:\n  - {id: a, cells: input, size: 3, label: in}\n"
        "  - {id: b, cells: hidden, size: 3, label: mid}\n"
        "  - {id: c, cells: output, size: 3, label: out}\n"
        "connections:\n  - {from: a, to: c, kind: one-to-one}\n"
    )
    els = {e["id"]: e for e in build_figure(spec).elements}
    below = els["edge:a[3]>c[3]"]
    above = els["edge:a[1]>c[1]"]
    assert above["roundness"] == {"type": 2} and len(above["points"]) == 3
    lowest_b = els["b[3]"]["y"] + els["b[3]"]["height"]
    assert below["y"] + max(p[1] for p in below["points"]) > lowest_b  # around b, below it
    assert above["y"] + min(p[1] for p in above["points"]) < els["b[1]"]["y"]
    assert els["b.label"]["y"] > below["y"] + max(p[1] for p in below["points"])


def test_ring_layout_puts_every_cell_on_one_circle():
    spec = spec_from_text(TRICKY["boltzmann"])
    els = build_figure(spec).elements
    cells = [e for e in els if re.fullmatch(r"[vh]\[\d\]", e["id"])]
    radii = {round(math.hypot(e["x"] + e["width"] / 2, e["y"] + e["height"] / 2), 1) for e in cells}
    assert len(cells) == 7 and len(radii) == 1
    edges = [e for e in els if e["id"].startswith("edge:")]
    assert len(edges) == 21  # a complete graph on 7 cells


def test_heights_follow_the_sizes():
    spec = spec_from_text(TRICKY["funnel"])
    drawn = [len(la.visible_cells()) for la in spec.layers.layers]
    assert drawn == sorted(drawn, reverse=True) and drawn[0] > drawn[-1]
    linear = spec_from_text(TRICKY["funnel"].replace("log", "proportional"))
    assert [len(la.visible_cells()) for la in linear.layers.layers] == [7, 2, 2, 2]
    own = spec_from_text(TRICKY["funnel"].replace("size: 64}", "size: 64, show: 6}"))
    assert len(own.layers.layers[2].visible_cells()) == 6  # a layer's own `show` wins


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "layers:\n  - {id: a, cells: input, size: 2}\n  - id: b\n    cells: hidden\n"
            "    size: 2\n    connections:\n      - {from: a, to: b}\n",
            "line 6, column 5",
            "`connections:` is a key of the whole spec, not of one layer",
        ),
        (
            "layers:\n  - {id: a, cells: input, size: 4}\n  - {id: b, cells: kernel, size: 3, "
            "window: 3}\n",
            "line 3, column 45",
            "3 windows of 3 cells (stride 1) need 5 cells, but `a` has 4 — make this layer at "
            "most 2 cells, or at least 6",
        ),
        (
            "layers:\n  - {id: a, cells: input, size: 4, window: 2}\n",
            "line 2, column 36",
            "the first layer has no previous layer",
        ),
        (
            "layers:\n  - {id: a, cells: input, size: 4}\n  - {id: b, cells: kernel, size: 2, "
            "stride: 2}\n",
            "line 3, column 37",
            "this layer has no `window`",
        ),
        (
            "layers:\n  - {id: a, cells: input, size: 4}\n  - {id: b, cells: kernel, size: 2, "
            "window: 2, connect: one-to-one}\n",
            "line 3, column 37",
            "contradict",
        ),
        (
            "layout: ring\norientation: bottom-to-top\nlayers:\n"
            "  - {id: a, cells: input, size: 4}\n",
            "line 2, column 1",
            "`orientation` has no meaning with `layout: ring`",
        ),
        (
            "heights: tall\nlayers:\n  - {id: a, cells: input, size: 4}\n",
            "line 1, column 10",
            "`heights` is `tall`",
        ),
    ],
)
def test_layered_mistakes_are_one_line_errors(text, where, message):
    with pytest.raises(SpecError) as info:
        spec_from_text(text)
    line = str(info.value)
    assert where in line and message in line and "\n" not in line


def test_a_missing_include_names_the_path_it_looked_for(tmp_path):
    spec = tmp_path / "a.figure.yaml"
    spec.write_text("include: sub/missing.figure.yaml\n")
    with pytest.raises(SpecError) as info:
        load_figure_spec(spec)
    assert str(tmp_path / "sub" / "missing.figure.yaml") in str(info.value)


def test_zoo_highlight_is_not_red_and_transformer_keeps_red():
    spec = REPO / "diagrams" / "animations" / "Transformer执行.steps.yaml"
    (_, first), *_ = figure_steps(spec)
    assert any(e["strokeColor"] == highlight_for("transformer") for e in first.elements)
    assert highlight_for("zoo") != highlight_for("transformer")
