"""Data figures (`table:` and `timeline:`): spec errors, layout, palettes, the repo's two."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from diagram_assets.errors import SpecError
from diagram_assets.figures import build_figure, figure_name, is_figure_spec, load_figure_spec
from diagram_assets.figures.data_palette import data_palette
from diagram_assets.figures.schema import parse_figure
from diagram_assets.figures.table_spec import is_number
from diagram_assets.figures.text import LIBERATION_SANS, fonts_available
from diagram_assets.figures.timeline_layout import Column, Flag, conflicts, pack, stack
from diagram_assets.specyaml import parse_spec_yaml
from locations import REPO

TABLE = REPO / "diagrams" / "figures" / "GPT-3参数.figure.yaml"
TIMELINE = REPO / "diagrams" / "figures" / "A-Survey-of-Large-Language-Models.figure.yaml"

needs_fonts = pytest.mark.skipif(
    not fonts_available(LIBERATION_SANS),
    reason="the render page's fonts are not built (run `make page`)",
)


def spec_of(text: str, name: str = "t.figure.yaml"):
    path = Path(name)
    return parse_figure(parse_spec_yaml(text.encode(), path), path)


def box(e):
    return e["x"], e["y"], e["x"] + e["width"], e["y"] + e["height"]


def overlap(a, b, slack=0.5):
    ax0, ay0, ax1, ay1 = box(a)
    bx0, by0, bx1, by1 = box(b)
    return ax0 < bx1 - slack and bx0 < ax1 - slack and ay0 < by1 - slack and by0 < ay1 - slack


SMALL_TABLE = "table:\n  columns: [Model, Size]\n  rows:\n    - [a, 1]\n"
SMALL_TIMELINE = "timeline:\n  items:\n    - {date: 2020-05, label: GPT-3}\n"

# (spec text, "line L, column C", words the message must contain)
INVALID = [
    pytest.param(
        "table:\n  columns:\n    - {header: A, aling: right}\n  rows: []\n",
        "line 3, column 19",
        ["unknown key `aling`", "did you mean `align`?"],
        id="table-key-misspelt",
    ),
    pytest.param(
        "table:\n  columns: [A, B]\n  rows:\n    - [1, 2, 3]\n",
        "line 4, column 7",
        ["row 1 has 3 cells", "2 columns"],
        id="table-row-too-long",
    ),
    pytest.param(
        "table:\n  columns:\n    - {key: model}\n    - {key: size}\n  rows:\n    - {modle: x}\n",
        "line 6, column 8",
        ["`modle`", "did you mean `model`?"],
        id="table-row-key-misspelt",
    ),
    pytest.param(
        "table:\n  columns:\n    - {key: a, group: G}\n    - {key: b}\n"
        "    - {key: c, group: G}\n  rows: []\n",
        "line 5, column 7",
        ["group `G`", "side by side"],
        id="table-group-split",
    ),
    pytest.param(
        "table:\n  columns: [A]\n  rows: []\n  rules: booktab\n",
        "line 4, column 10",
        ["`rules` is `booktab`", "did you mean `booktabs`?"],
        id="table-rules-misspelt",
    ),
    pytest.param(
        "timeline:\n  items:\n    - {date: 2020-13, label: x}\n",
        "line 3, column 14",
        ["no month 13"],
        id="timeline-bad-month",
    ),
    pytest.param(
        "timeline:\n  items:\n    - {date: May 2020, label: x}\n",
        "line 3, column 14",
        ["not a date", "2020-05"],
        id="timeline-not-a-date",
    ),
    pytest.param(
        "timeline:\n  categories:\n    - {id: closed}\n  items:\n"
        "    - {date: 2020-05, label: x, category: clsoed}\n",
        "line 5, column 43",
        ["not one of the timeline's categories", "did you mean `closed`?"],
        id="timeline-category-misspelt",
    ),
    pytest.param(
        "timeline:\n  items:\n    - {date: 2020-02-30, label: x}\n",
        "line 3, column 14",
        ["February 2020 has days 1–29"],
        id="timeline-bad-day",
    ),
    pytest.param(
        "timeline:\n  start: 2021\n  items:\n    - {date: 2020-05, label: x}\n",
        "line 4, column 7",
        ["outside the timeline"],
        id="timeline-item-outside",
    ),
    pytest.param(
        "timeline:\n  start: 2021\n  end: 2020-05\n  items:\n    - {date: 2021-05, label: x}\n",
        "line 5, column 7",
        ["outside the timeline (2021 to 2020-05)"],
        id="timeline-end-before-start",
    ),
    pytest.param(
        "timeline:\n  lanes: [{id: a}]\n  items:\n    - {date: 2020-05, label: x}\n",
        "line 4, column 7",
        ["has no `lane`"],
        id="timeline-lane-missing",
    ),
    pytest.param(
        "timeline:\n  items:\n    - {date: 2020, label: x}\n  group: quartre\n",
        "line 4, column 10",
        ["did you mean `quarter`?"],
        id="timeline-group-misspelt",
    ),
    pytest.param(
        SMALL_TABLE + SMALL_TIMELINE,
        "line 5, column 1",
        ["not both `table:` and `timeline:`"],
        id="two-kinds",
    ),
    pytest.param(
        SMALL_TABLE + "palette: zoo\n",
        "line 5, column 10",
        ["`palette` is `zoo`", "paper"],
        id="table-palette",
    ),
]


@pytest.mark.parametrize(("text", "place", "words"), INVALID)
def test_invalid_data_specs_name_file_line_column(tmp_path, text, place, words):
    path = tmp_path / "bad.figure.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_figure_spec(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {place}: "), message
    for word in words:
        assert word in message
    assert "\n" not in message


def test_numbers_are_told_from_text():
    for text in ("12288", "1.3B", "125M", "0.5M", "6.0 × 10⁻⁴", "6e-4", "1,024", "−3.5", "42 %"):
        assert is_number(text), text
    for text in ("GPT-3 XL", "v1.2.3", "12 layers", "", "n/a"):
        assert not is_number(text), text


def test_numeric_columns_are_right_aligned_text_left_and_explicit_wins():
    spec = spec_of(
        "table:\n  columns:\n    - Model\n    - Size\n    - {header: Note, align: center}\n"
        "  rows:\n    - [GPT-3 XL, 1.3B, '—']\n    - [GPT-3 13B, '—', x]\n"
    )
    assert [c.align for c in spec.table.columns] == ["left", "right", "center"]


def test_discovery_and_names(tmp_path):
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "t.yaml").write_text(SMALL_TABLE)
    (folder / "l.yaml").write_text(SMALL_TIMELINE)
    assert is_figure_spec(folder / "t.yaml") and is_figure_spec(folder / "l.yaml")
    assert figure_name(TABLE) == "GPT-3参数"
    assert figure_name(TIMELINE) == "A-Survey-of-Large-Language-Models"


# --------------------------------------------------------------------------- the table


def _cells(scene):
    return {e["id"]: e for e in scene.elements if e["id"].startswith("table.")}


@needs_fonts
def test_gpt3_table_holds_table_2_1_and_columns_fit_their_text():
    spec = load_figure_spec(TABLE)
    rows = {row[0]: row[1:] for row in spec.table.rows}
    assert len(rows) == 8
    assert rows["GPT-3 Small"] == ["125M", "12", "768", "12", "64", "0.5M", "6.0 × 10⁻⁴"]
    assert rows["GPT-3 13B"] == ["13.0B", "40", "5140", "40", "128", "2M", "1.0 × 10⁻⁴"]
    assert rows["GPT-3 175B or “GPT-3”"] == [
        "175.0B", "96", "12288", "96", "128", "3.2M", "0.6 × 10⁻⁴",
    ]  # fmt: skip
    scene = build_figure(spec)
    els = _cells(scene)
    rule = els["table.rule.top"]
    left, right = rule["x"], rule["x"] + rule["width"]
    texts = [e for e in scene.elements if e["type"] == "text"]
    for i, a in enumerate(texts):  # no two texts overlap, all inside the table's width
        assert left - 0.5 <= a["x"] and a["x"] + a["width"] <= right + 0.5, a["id"]
        for b in texts[i + 1 :]:
            assert not overlap(a, b), f"{a['id']} overlaps {b['id']}"
    for key in ("n_params", "d_model", "lr"):  # numbers right-aligned: one right edge
        edges = {
            round(e["x"] + e["width"], 2)
            for e in texts
            if e["id"].startswith("table.cell.") and e["id"].endswith(f".{key}")
        }
        assert len(edges) == 1, key
    models = {round(e["x"], 2) for e in texts if e["id"].endswith(".model")}
    assert len(models) == 1  # text left-aligned
    for n in range(1, 9):  # rows go down the page in order
        assert els[f"table.cell.{n}.model"]["y"] < els["table.rule.bottom"]["y"]
    assert els["table.rule.top"]["strokeWidth"] > els["table.rule.mid"]["strokeWidth"]
    assert all(e["groupIds"] == ["table"] for e in els.values())


@needs_fonts
def test_a_wide_cjk_cell_widens_its_column():
    narrow = build_figure(spec_of("table:\n  columns: [A, B]\n  rows:\n    - [x, 1]\n"))
    wide = build_figure(
        spec_of("table:\n  columns: [A, B]\n  rows:\n    - [大型语言模型参数, 1]\n")
    )
    n_b = _cells(narrow)["table.cell.1.column2"]
    w_b = _cells(wide)["table.cell.1.column2"]
    cjk = _cells(wide)["table.cell.1.column1"]
    assert w_b["x"] > n_b["x"] + 60
    assert cjk["x"] + cjk["width"] < w_b["x"]


@needs_fonts
def test_table_styles_zebra_grid_caption_units():
    spec = spec_of(
        "table:\n  rules: grid\n  zebra: true\n  caption_side: bottom\n"
        "  caption: 一个很长的标题 that has to wrap because it is much wider than the table\n"
        "  columns:\n    - {key: a, header: A, unit: ms}\n    - {key: b, header: B}\n"
        "  rows: [[1, 2], [3, 4], [5, 6]]\n"
    )
    els = _cells(build_figure(spec))
    assert "table.zebra.2" in els and "table.zebra.1" not in els
    assert "table.frame" in els and "table.rule.top" not in els
    caption = els["table.caption"]
    assert "\n" in caption["text"] and caption["y"] > els["table.cell.3.a"]["y"]
    assert els["table.unit.a"]["fontSize"] < els["table.header.a"]["fontSize"]


# --------------------------------------------------------------------------- the timeline


def _labels(scene):
    return [
        e
        for e in scene.elements
        if e["id"].startswith("timeline.item.") and e["type"] == "rectangle"
    ]


def check_timeline(scene):
    labels = _labels(scene)
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not overlap(a, b), f"{a['id']} overlaps {b['id']}"
    by_id = {e["id"]: e for e in scene.elements}
    poles = [e for e in scene.elements if e["id"].startswith("timeline.pole.")]
    for pole in poles:  # bound at both ends; crosses no label but its own
        assert pole["startBinding"] and pole["endBinding"]
        own = by_id[pole["endBinding"]["elementId"]]
        (sx, sy), (ex, ey) = [(pole["x"] + px, pole["y"] + py) for px, py in pole["points"]]
        for label in labels:
            if label is own:
                continue
            x0, y0, x1, y1 = box(label)
            for t in (0.1 * k for k in range(11)):
                x, y = sx + (ex - sx) * t, sy + (ey - sy) * t
                assert not (x0 + 0.5 < x < x1 - 0.5 and y0 + 0.5 < y < y1 - 0.5), (
                    f"{pole['id']} crosses {label['id']}"
                )
    return labels


@needs_fonts
def test_llm_timeline_places_every_model_without_overlaps():
    spec = load_figure_spec(TIMELINE)
    scene = build_figure(spec)
    labels = check_timeline(scene)
    assert len(labels) == len(spec.timeline.items) >= 40
    band = next(e for e in scene.elements if e["id"] == "timeline.axis")
    by_label = {e["id"]: e for e in labels}
    for item in spec.timeline.items:  # open models above the band, closed ones below
        e = by_label[f"timeline.item.{item.id}"]
        if item.category == "open":
            assert e["y"] + e["height"] < band["y"]
        else:
            assert e["y"] > band["y"] + band["height"]
    fills = {e["backgroundColor"] for e in labels}
    assert len(fills) == 2
    texts = {e["text"] for e in scene.elements if e["type"] == "text"}
    assert {"GPT-3", "GPT-4", "LLaMA", "T5", "Codex", "2019", "2023"} <= texts
    assert {"Publicly available", "Closed source"} <= texts


_items = st.lists(
    st.tuples(
        st.integers(2018, 2022),
        st.integers(1, 12),
        st.sampled_from(["GPT-3", "A", "ERNIE 3.0 Titan", "模型", "LLaMA 65B", "x y z"]),
        st.sampled_from(["a", "b", None]),
    ),
    min_size=1,
    max_size=25,
)


@needs_fonts
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_items, st.sampled_from(["none", "month", "quarter", "year"]), st.booleans())
def test_random_timelines_never_overlap(items, group, lanes):
    spec = {
        "timeline": {
            "group": group,
            "month_width": 12,
            "categories": [{"id": "a", "side": "above"}, {"id": "b", "side": "below"}],
            "items": [
                {"date": f"{y}-{m:02d}", "label": label, "lane": "l1" if n % 2 else "l2"}
                | ({"category": c} if c else {})
                for n, (y, m, label, c) in enumerate(items)
            ],
        }
    }
    if lanes:
        spec["timeline"]["lanes"] = [{"id": "l1", "label": "Google"}, {"id": "l2"}]
    else:
        for item in spec["timeline"]["items"]:
            del item["lane"]
    check_timeline(build_figure(spec_of(json.dumps(spec))))


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(10, 120)), max_size=30))
def test_stacked_flags_break_no_rule(flags):
    made = [Flag(float(x * 8), float(w)) for x, w in flags]
    stack(made)
    assert conflicts(made) == []


@given(st.lists(st.tuples(st.integers(0, 400), st.integers(10, 120)), max_size=20))
def test_packed_columns_keep_order_and_do_not_overlap(columns):
    made = [Column(float(c), float(w)) for c, w in sorted(columns)]
    pack(made, gap=6)
    for a, b in itertools.pairwise(made):
        assert a.right + 6 <= b.x + 1e-6


def test_the_layout_checks_catch_faults():
    flags = [Flag(0, 50, level=0), Flag(20, 50, level=1)]  # the first box covers a pole
    assert conflicts(flags) == [(0, 1)]
    flags = [Flag(0, 50, level=0), Flag(20, 50, level=0)]
    assert conflicts(flags) == [(0, 1)]


def colours_of(palette) -> set[str]:
    out = set()
    for value in vars(palette).values():
        if isinstance(value, str):
            out.add(value)
        elif isinstance(value, tuple):
            out |= {c for colours in value for c in (colours.fill, colours.stroke)}
        else:
            out |= {value.fill, value.stroke}
    return out


@needs_fonts
def test_dark_palette_takes_every_colour_from_the_palette():
    light, dark = data_palette("paper", "light"), data_palette("paper", "dark")
    for path in (TABLE, TIMELINE):
        spec = load_figure_spec(path)
        scene = build_figure(spec, theme="dark")
        used = {e["strokeColor"] for e in scene.elements if not e["id"].startswith("figure.")}
        used |= {e["backgroundColor"] for e in scene.elements}
        assert used <= colours_of(dark) | {"transparent"}, path.name
        assert used - {"transparent"} - colours_of(light), path.name  # not the light ones
        assert build_figure(spec).dumps() == build_figure(spec).dumps()  # deterministic


# --------------------------------------------------------------------------- fuzz

_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 3000)
    | st.sampled_from(["2020-05", "2020", "x", "#fff", "open", "right", "quarter", "A"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["columns", "rows", "header", "key", "align", "group", "items", "date",
                 "label", "category", "categories", "id", "lanes", "lane", "start", "end"]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["table", "timeline"]), _values)
def test_structured_garbage_gives_a_spec_or_a_spec_error(kind, value):
    path = Path("fuzz.figure.yaml")
    try:
        parse_figure(parse_spec_yaml(json.dumps({kind: value}).encode(), path), path)
    except SpecError as exc:
        assert str(exc).startswith("fuzz.figure.yaml")


# --------------------------------------------------------------------------- in Chromium


@pytest.mark.browser
def test_both_data_figures_render_through_chromium():
    from diagram_assets.render import Renderer, RenderOptions

    with Renderer() as renderer:
        for path, colour in ((TABLE, None), (TIMELINE, (0xFF, 0xD4, 0x3B))):
            scene = build_figure(load_figure_spec(path))
            result = renderer.render(scene, RenderOptions(formats=("svg", "png"), scale=1))
            image = result.whole
            assert image is not None and image.png is not None and image.svg is not None
            png = Image.open(io.BytesIO(image.png)).convert("RGB")
            assert png.width > 700 and png.height > 300, path.name
            if colour is not None:
                assert colour in {c for _, c in png.getcolors(1 << 20)}  # the open models' yellow
            svg = image.svg.decode()
            assert svg.startswith("<svg") and "url(https" not in svg
