"""Generated figures: layout properties, bindings, determinism, steps, loading back."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagram_assets.figures import (
    build_figure,
    build_steps,
    figure_scene,
    figure_steps,
    load_figure_spec,
)
from diagram_assets.figures.geometry import bounds
from diagram_assets.figures.palettes import CELL_TYPES, HIGHLIGHT, highlight_for
from diagram_assets.figures.schema import parse_figure
from diagram_assets.figures.text import LIBERATION_SANS, fonts_available, text_size
from diagram_assets.specyaml import parse_spec_yaml
from locations import REPO

SPECS = sorted((REPO / "diagrams" / "figures").glob("*.figure.yaml"))
FIVE = ["FF", "DFF", "RNN", "LSTM", "Transformer架构"]
TRANSFORMER_STEPS = REPO / "diagrams" / "animations" / "Transformer执行.steps.yaml"

pytestmark = pytest.mark.skipif(
    not fonts_available(LIBERATION_SANS),
    reason="the render page's fonts are not built (run `make page`)",
)

REQUIRED = {
    "id",
    "type",
    "x",
    "y",
    "width",
    "height",
    "angle",
    "strokeColor",
    "backgroundColor",
    "fillStyle",
    "strokeWidth",
    "strokeStyle",
    "roughness",
    "opacity",
    "groupIds",
    "frameId",
    "index",
    "roundness",
    "seed",
    "version",
    "versionNonce",
    "isDeleted",
    "boundElements",
    "updated",
    "link",
    "locked",
}
TEXT = {
    "text",
    "originalText",
    "fontSize",
    "fontFamily",
    "textAlign",
    "verticalAlign",
    "containerId",
    "autoResize",
    "lineHeight",
}
LINEAR = {"points", "startBinding", "endBinding", "startArrowhead", "endArrowhead"}


def spec_from_text(text: str, name: str = "t.figure.yaml"):
    path = Path(name)
    return parse_figure(parse_spec_yaml(text.encode(), path), path)


def box(e):
    return e["x"], e["y"], e["x"] + e["width"], e["y"] + e["height"]


def solid_shapes(elements):
    """Shapes that must not overlap: cells, blocks, sums, symbols, tokens and free text."""
    out = []
    for e in elements:
        if e["type"] == "text" and e["containerId"] is None:
            out.append(e)
        elif e["type"] in ("rectangle", "ellipse"):
            ident = e["id"]
            if ident.endswith(".mark") or ident == "figure.bounds" or ".more" in ident:
                continue
            if (
                any(b["type"] == "text" for b in e["boundElements"] or [])
                or "[" in ident
                or (e["type"] == "ellipse")
            ) and not _is_stack(e, elements):
                out.append(e)
    return out


def _is_stack(e, elements):
    return e["type"] == "rectangle" and any(f"stack:{e['id']}" in o["groupIds"] for o in elements)


def overlaps(a, b, slack=0.5):
    ax0, ay0, ax1, ay1 = box(a)
    bx0, by0, bx1, by1 = box(b)
    return ax0 < bx1 - slack and bx0 < ax1 - slack and ay0 < by1 - slack and by0 < ay1 - slack


def check_scene(scene):
    elements = scene.elements
    by_id = {e["id"]: e for e in elements}
    assert len(by_id) == len(elements), "ids are unique"
    indices = [e["index"] for e in elements]
    assert indices == sorted(indices) and len(set(indices)) == len(indices)
    for e in elements:
        assert e.keys() >= REQUIRED, e["id"]
        if e["type"] == "text":
            assert e.keys() >= TEXT
        if e["type"] in ("arrow", "line"):
            assert e.keys() >= LINEAR
            assert e["points"][0] == [0, 0]
    # every arrow bound at both ends, and listed by the shapes it is bound to
    arrows = [e for e in elements if e["type"] == "arrow"]
    for a in arrows:
        for end, point in (("startBinding", a["points"][0]), ("endBinding", a["points"][-1])):
            binding = a[end]
            assert binding is not None, f"{a['id']} {end}"
            shape = by_id[binding["elementId"]]
            assert {"id": a["id"], "type": "arrow"} in shape["boundElements"], a["id"]
            assert -1 <= binding["focus"] <= 1
            x, y = a["x"] + point[0], a["y"] + point[1]
            x0, y0, x1, y1 = box(shape)
            reach = binding["gap"] + 1.5
            assert x0 - reach <= x <= x1 + reach and y0 - reach <= y <= y1 + reach, a["id"]
    # text inside its container; containers list their text
    for e in elements:
        if e["type"] == "text" and e["containerId"]:
            c = by_id[e["containerId"]]
            assert {"id": e["id"], "type": "text"} in c["boundElements"]
            cx0, cy0, cx1, cy1 = box(c)
            tx0, ty0, tx1, ty1 = box(e)
            assert cx0 <= tx0 and tx1 <= cx1 and cy0 <= ty0 and ty1 <= cy1, e["id"]
    check_overlaps(elements)


def check_overlaps(elements):
    shapes = solid_shapes(elements)
    for i, a in enumerate(shapes):
        for b in shapes[i + 1 :]:
            assert not overlaps(a, b), f"{a['id']} overlaps {b['id']}"


@pytest.mark.parametrize("name", FIVE)
def test_repo_figures_have_sound_layouts(name):
    scene = figure_scene(REPO / "diagrams" / "figures" / f"{name}.figure.yaml")
    check_scene(scene)


@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_same_spec_same_bytes(path):
    first = figure_scene(path).dumps()
    second = build_figure(load_figure_spec(path)).dumps()
    assert first == second
    assert 'updated": 1,' in first  # no clock in generated scenes


def test_zoo_conventions_in_rnn_and_lstm():
    rnn = figure_scene(REPO / "diagrams" / "figures" / "RNN.figure.yaml").elements
    cells = [e for e in rnn if e["type"] == "ellipse" and "[" in e["id"]]
    assert len(cells) == 12
    fills = {e["id"].split("[")[0]: e["backgroundColor"] for e in cells}
    assert fills == {"x": "#ffcc00", "s1": "#0099ff", "s2": "#0099ff", "o": "#ff6600"}
    loops = [e for e in rnn if e["id"].startswith("loop:")]
    assert len(loops) == 6  # one on each recurrent cell
    for loop in loops:
        assert loop["startBinding"]["elementId"] == loop["endBinding"]["elementId"]
        assert min(p[1] for p in loop["points"]) < 0  # it rises above its start
    links = [e for e in rnn if e["id"].startswith("link:")]
    assert len(links) == 4  # 2 per recurrent column of 3
    edges = [e for e in rnn if e["id"].startswith("edge:")]
    assert len(edges) == 27 and all(e["endArrowhead"] is None for e in edges)
    # edges are behind every cell, loops on top
    order = {e["id"]: n for n, e in enumerate(rnn)}
    assert max(order[e["id"]] for e in edges) < min(order[c["id"]] for c in cells)
    assert min(order[e["id"]] for e in loops) > max(order[c["id"]] for c in cells)
    lstm = figure_scene(REPO / "diagrams" / "figures" / "LSTM.figure.yaml").elements
    marks = [e for e in lstm if e["id"].endswith(".mark")]
    assert len(marks) == 6 and all(m["type"] == "ellipse" for m in marks)


def test_large_layer_shows_a_few_cells_dots_and_true_size():
    spec = spec_from_text(
        "layers:\n  - {id: in, cells: input, size: 784, label: pixels}\n"
        "  - {id: h, cells: hidden, size: 16, show: 4}\n  - {id: out, cells: output, size: 10}\n"
    )
    scene = build_figure(spec)
    els = scene.elements
    for layer, size, shown in (("in", 784, 5), ("h", 16, 4), ("out", 10, 5)):
        cells = [e for e in els if e["type"] == "ellipse" and e["id"].startswith(f"{layer}[")]
        assert len(cells) == shown
        assert f"{layer}[{size}]" in {c["id"] for c in cells}
        dots = [e for e in els if e["id"].startswith(f"{layer}.more")]
        assert len(dots) == 3
        label = next(e for e in els if e["id"] == f"{layer}.label")
        assert f"n = {size}" in label["text"]
        # the dots sit between the last-but-one and the last cell
        ys = sorted(c["y"] for c in cells)
        assert ys[-2] < min(d["y"] for d in dots) < ys[-1]
    edges = [e for e in els if e["id"].startswith("edge:")]
    assert len(edges) == 5 * 4 + 4 * 5
    check_scene(scene)


def test_transformer_structure():
    els = figure_scene(REPO / "diagrams" / "figures" / "Transformer架构.figure.yaml").elements
    by_id = {e["id"]: e for e in els}
    texts = {e["text"].replace("\n", " ") for e in els if e["type"] == "text"}
    for words in (
        "Inputs",
        "Outputs (shifted right)",
        "Output Probabilities",
        "Add & Norm",
        "Masked Multi-Head Attention",
        "Feed Forward",
        "Linear",
        "Softmax",
        "N×",
        "Positional Encoding",
    ):
        assert words in texts
    assert by_id["enc_attn"]["backgroundColor"] == "#ffe2bb"
    assert by_id["in_embed"]["backgroundColor"] == "#fce0e1"
    assert by_id["enc_norm1"]["height"] < by_id["enc_ff"]["height"]  # a thin bar
    # bottom to top
    assert by_id["in_embed"]["y"] > by_id["enc_attn"]["y"] > by_id["enc_norm2"]["y"]
    assert by_id["linear"]["y"] > by_id["softmax"]["y"]
    # five residuals enter their Add & Norm from the side, on the column's outer side
    residuals = [e for e in els if e["id"].startswith("residual:")]
    assert len(residuals) == 5
    for r in residuals:
        target = by_id[r["endBinding"]["elementId"]]
        end_x = r["x"] + r["points"][-1][0]
        before_x = r["x"] + r["points"][-2][0]
        if target["id"].startswith("enc"):
            assert end_x <= target["x"] and before_x < end_x  # from the left
        else:
            assert end_x >= target["x"] + target["width"] and before_x > end_x

    # three heads into each self-attention, two links from the encoder into the cross one
    def into(ident):
        return [e for e in els if e["type"] == "arrow" and e["endBinding"]["elementId"] == ident]

    assert len(into("enc_attn")) == 3 and len(into("dec_self")) == 3
    cross = into("dec_cross")
    assert len(cross) == 3
    assert sorted(e["startBinding"]["elementId"] for e in cross) == [
        "dec_norm1",
        "enc_norm2",
        "enc_norm2",
    ]
    # stacks: grey boxes holding their blocks, grouped
    for stack, blocks in (("enc", ["enc_attn", "enc_norm2"]), ("dec", ["dec_self", "dec_norm3"])):
        box_ = by_id[stack]
        assert box_["backgroundColor"] == "#f3f3f4"
        for b in blocks:
            assert f"stack:{stack}" in by_id[b]["groupIds"]
            assert box_["y"] < by_id[b]["y"] < box_["y"] + box_["height"]
    # the positional-encoding symbol sits beside each ⊕ with an arrow into it
    for s in ("in_sum", "out_sum"):
        pe = by_id[f"{s}.pe"]
        assert abs((pe["y"] + pe["height"] / 2) - (by_id[s]["y"] + by_id[s]["height"] / 2)) < 1
        assert by_id[f"{s}.pe.wave"]["type"] == "line"


def test_transformer_decoder_is_evenly_spaced_and_the_encoder_enters_from_the_side():
    els = figure_scene(REPO / "diagrams" / "figures" / "Transformer架构.figure.yaml").elements
    by_id = {e["id"]: e for e in els}

    def gaps(ids):  # from the top of each item to the bottom of the one above it
        return [
            by_id[a]["y"] - (by_id[b]["y"] + by_id[b]["height"]) for a, b in itertools.pairwise(ids)
        ]

    dec_gaps = gaps(["dec_self", "dec_norm1", "dec_cross", "dec_norm2", "dec_ff", "dec_norm3"])
    enc_gaps = gaps(["enc_attn", "enc_norm1", "enc_ff", "enc_norm2"])
    # no gap in the decoder is much wider than the encoder's widest (the cross attention's holds
    # the link's level and the residual's split, one above the other)
    assert max(dec_gaps) <= 1.5 * max(enc_gaps), dec_gaps
    # the cross attention sits below the encoder's top: the links come down the gutter between
    # the two stacks and enter the decoder's box from the side
    enc, dec = by_id["enc"], by_id["dec"]
    assert by_id["dec_cross"]["y"] + by_id["dec_cross"]["height"] > enc["y"]
    links = [e for e in els if e["id"].startswith("link:enc_norm2>dec_cross")]
    assert len(links) == 2
    for link in links:
        pts = [(link["x"] + px, link["y"] + py) for px, py in link["points"]]
        downs = [
            (p, q) for p, q in itertools.pairwise(pts) if abs(p[0] - q[0]) < 0.5 and q[1] > p[1] + 1
        ]
        assert len(downs) == 1
        x = downs[0][0][0]
        assert enc["x"] + enc["width"] < x < dec["x"]
        assert pts[1][1] < enc["y"] < pts[0][1]  # it first rises clear of the encoder's box
        assert pts[-1][1] > pts[-2][1] - 40 and pts[-1][0] == pts[-2][0]  # last: up into it


def _segment_distance(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / ((dx * dx + dy * dy) or 1.0)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


@pytest.mark.parametrize("name", ["RNN", "LSTM"])
def test_self_loops_touch_no_link_or_edge(name):
    els = figure_scene(REPO / "diagrams" / "figures" / f"{name}.figure.yaml").elements
    by_id = {e["id"]: e for e in els}
    lines = [e for e in els if e["id"].startswith(("edge:", "link:"))]
    loops = [e for e in els if e["id"].startswith("loop:")]
    assert loops and lines
    for loop in loops:
        cell = by_id[loop["startBinding"]["elementId"]]
        cx, cy, r = cell["x"] + cell["width"] / 2, cell["y"] + cell["height"] / 2, cell["width"] / 2
        # the part of the loop that stands out of the cell (its ends touch the rim, where every
        # edge starts too)
        out = [
            (loop["x"] + px, loop["y"] + py)
            for px, py in loop["points"]
            if ((loop["x"] + px - cx) ** 2 + (loop["y"] + py - cy) ** 2) ** 0.5 > r + 4
        ]
        assert len(out) >= 5
        for line in lines:
            ends = [(line["x"] + px, line["y"] + py) for px, py in line["points"]]
            near = min(_segment_distance(p, ends[0], ends[-1]) for p in out)
            assert near >= 2.5, f"{loop['id']} is {near:.1f} px from {line['id']}"
        for other in els:  # and no other cell
            if other["type"] == "ellipse" and "[" in other["id"] and other is not cell:
                ox = other["x"] + other["width"] / 2
                oy = other["y"] + other["height"] / 2
                gap = min(((x - ox) ** 2 + (y - oy) ** 2) ** 0.5 for x, y in out)
                assert gap > other["width"] / 2 + 2


def test_text_fits_measured_width():
    w1, h1 = text_size("Multi-Head", LIBERATION_SANS, 16)
    w2, _ = text_size("Multi-Head Attention", LIBERATION_SANS, 16)
    assert 70 < w1 < 95 and w2 > w1 * 1.8
    assert h1 == pytest.approx(16 * 1.15)
    assert text_size("a\nb", LIBERATION_SANS, 20)[1] == pytest.approx(2 * 20 * 1.15)


def test_steps_keep_the_same_bounds_and_highlight():
    steps = figure_steps(TRANSFORMER_STEPS)
    names = [n for n, _ in steps]
    assert names[:2] == ["source sentence", "embed the tokens"]
    assert names[4] == "write I" and names[-1] == "translation" and len(steps) == 10
    frames = {tuple(bounds(s.elements)) for _, s in steps}
    assert len(frames) == 1
    ids = [[e["id"] for e in s.elements] for _, s in steps]
    assert all(i == ids[0] for i in ids)
    first = {e["id"]: e for e in steps[0][1].elements}
    assert first["inputs[1]"]["strokeColor"] == HIGHLIGHT
    assert first["enc_attn"]["strokeColor"] != HIGHLIGHT
    assert first["probs[1]"]["opacity"] == 0 and first["probs[1].text"]["opacity"] == 0
    assert first["outputs[1]"]["opacity"] == 100 and first["outputs[2]"]["opacity"] == 0
    write_i = {e["id"]: e for e in steps[4][1].elements}
    assert write_i["probs[1]"]["opacity"] == 100 and write_i["probs[2]"]["opacity"] == 0
    # the decoder attends to the encoder: both links into the cross attention light up
    for k in (1, 2):
        assert write_i[f"link:enc_norm2>dec_cross#{k}"]["strokeColor"] == HIGHLIGHT
    last = {e["id"]: e for e in steps[-1][1].elements}
    assert last["probs[5]"]["opacity"] == 100 and last["outputs[5]"]["opacity"] == 100
    assert last["probs[5]"]["strokeColor"] == HIGHLIGHT
    assert first["figure.bounds"]["opacity"] == 0


def test_arrows_between_two_highlighted_shapes_are_highlighted():
    spec = spec_from_text(
        "layers:\n  - {id: a, cells: input, size: 2}\n  - {id: h, cells: recurrent, size: 2}\n"
        "  - {id: o, cells: output, size: 1}\n"
        "steps:\n  - {name: one, highlight: [a, h]}\n  - {name: two, highlight: [o]}\n"
    )
    (_, one), (_, two) = build_steps(spec)
    zoo = highlight_for("zoo")  # a layered net's default palette
    lit_one = {e["id"] for e in one.elements if e["strokeColor"] == zoo}
    lit_two = {e["id"] for e in two.elements if e["strokeColor"] == zoo}
    assert {"edge:a[1]>h[2]", "edge:a[2]>h[1]", "link:h[1]>2", "loop:h[1]"} <= lit_one
    assert not any(i.startswith("edge:h") for i in lit_one)  # o is not highlighted
    assert lit_two == {"o[1]"}  # one shape alone: no arrow joins it to another lit shape


def _visible(scene) -> set[str]:
    return {e["id"] for e in scene.elements if e["opacity"] > 0}


def _dangling_arrows(scene) -> list[str]:
    """Visible arrows or lines with an end bound to an invisible element."""
    seen = _visible(scene)
    dangling = []
    for e in scene.elements:
        ends = [(e.get(key) or {}).get("elementId") for key in ("startBinding", "endBinding")]
        if e["id"] in seen and any(end is not None and end not in seen for end in ends):
            dangling.append(e["id"])
    return dangling


def test_a_step_draws_an_edge_only_when_both_its_cells_are_visible():
    spec = spec_from_text(
        "layers:\n"
        "  - {id: a, cells: input, size: 2}\n"
        "  - {id: h, cells: hidden, size: 2}\n"
        "  - {id: o, cells: output, size: 1}\n"
        "hidden: [h, o]\n"
        "steps:\n"
        "  - {name: inputs}\n"
        "  - {name: hidden layer, show: [h]}\n"
        "  - {name: output, show: [o]}\n"
        "  - {name: no inputs, hide: [a]}\n"
    )
    scenes = [scene for _, scene in build_steps(spec)]
    into_h, into_o = "edge:a[1]>h[2]", "edge:h[2]>o[1]"
    first, second, third, fourth = (_visible(s) for s in scenes)
    assert into_h not in first and into_o not in first
    assert "h[2]" in second and into_h in second
    assert into_o not in second  # o is still hidden: its edges are not drawn yet
    assert into_h in third and into_o in third
    assert into_h not in fourth and into_o in fourth and "a[1]" not in fourth
    for scene in scenes:
        assert _dangling_arrows(scene) == []


def test_hidden_parts_of_a_still_figure_take_their_edges_along():
    spec = spec_from_text(
        "layers:\n  - {id: a, cells: input, size: 2}\n  - {id: o, cells: output, size: 1}\n"
        'hidden: ["o[1]"]\n'
    )
    scene = build_figure(spec)
    assert "edge:a[1]>o[1]" not in _visible(scene) and "a[1]" in _visible(scene)
    assert _dangling_arrows(scene) == []


def test_repo_animation_steps_draw_no_dangling_arrow():
    for name, scene in figure_steps(TRANSFORMER_STEPS):
        assert _dangling_arrows(scene) == [], name


def test_figure_without_steps_is_one_step():
    steps = figure_steps(REPO / "diagrams" / "figures" / "FF.figure.yaml")
    assert [n for n, _ in steps] == ["FF"]


def test_excalidraw_file_loads_back(tmp_path):
    scene_mod = pytest.importorskip("diagram_assets.scene")
    for name in ("RNN", "Transformer架构"):
        scene = figure_scene(REPO / "diagrams" / "figures" / f"{name}.figure.yaml")
        path = tmp_path / f"{name}.excalidraw"
        path.write_text(scene.dumps(), encoding="utf-8")
        loaded = scene_mod.load_scene(path)
        assert [e["id"] for e in loaded.elements] == [e["id"] for e in scene.elements]
        assert json.loads(path.read_text())["type"] == "excalidraw"


LAYER = st.fixed_dictionaries(
    {
        "cells": st.sampled_from(sorted(CELL_TYPES)),
        "size": st.integers(1, 40),
    },
    optional={
        "label": st.text("abc XY", min_size=1, max_size=12),
        "connect": st.sampled_from(["full", "none"]),
    },
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(LAYER, min_size=1, max_size=5),
    st.sampled_from(["left-to-right", "bottom-to-top"]),
    st.sampled_from(["clean", "sketch"]),
    st.booleans(),
)
def test_random_layered_specs_lay_out_soundly(layers, orientation, style, legend):
    layers = [dict(la) for la in layers]
    layers[0].pop("connect", None)
    text = json.dumps(
        {"layers": layers, "orientation": orientation, "style": style, "legend": legend}
    )
    spec = spec_from_text(text)
    scene = build_figure(spec)
    check_scene(scene)
    assert scene.dumps() == build_figure(spec).dumps()


def test_the_layout_checks_catch_faults():
    """The property checks above fail on a broken scene (so they can fail at all)."""
    import copy

    good = figure_scene(REPO / "diagrams" / "figures" / "Transformer架构.figure.yaml")
    overlapping = copy.deepcopy(good)
    by_id = {e["id"]: e for e in overlapping.elements}
    by_id["enc_ff"]["y"] = by_id["enc_attn"]["y"] + 5
    with pytest.raises(AssertionError, match=r"enc_ff overlaps|overlaps enc_ff"):
        check_overlaps(overlapping.elements)
    check_overlaps(good.elements)
    unbound = copy.deepcopy(good)
    next(e for e in unbound.elements if e["type"] == "arrow")["endBinding"] = None
    with pytest.raises(AssertionError):
        check_scene(unbound)
    outside = copy.deepcopy(good)
    next(e for e in outside.elements if e.get("containerId"))["x"] -= 400
    with pytest.raises(AssertionError):
        check_scene(outside)
