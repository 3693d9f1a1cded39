"""Figure specs: loading, validation errors with file:line:column, include/patch, discovery."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagram_assets.errors import SpecError
from diagram_assets.figures import figure_name, is_figure_spec, load_figure_spec
from diagram_assets.figures.element_keys import fractional_index
from diagram_assets.figures.schema import parse_figure
from diagram_assets.specyaml import parse_spec_yaml
from locations import REPO

SPECS = REPO / "diagrams" / "figures"


def write(tmp_path: Path, text: str, name: str = "bad.figure.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_LAYERS = "layers:\n  - {cells: input, size: 2}\n  - {cells: output, size: 1}\n"

# (spec text, expected "line L, column C", a word the message must contain)
INVALID = [
    pytest.param(
        "layers:\n  - {cells: input, size: 2}\n  - {cells: outptu, size: 1}\n",
        "line 3, column 13",
        "unknown cell type",
        id="unknown-cell-type",
    ),
    pytest.param(
        "layers:\n  - cells: input\n    size: 2\n    colour: '#fff'\n",
        "line 4, column 5",
        "unknown key `colour`",
        id="unknown-key-in-layer",
    ),
    pytest.param(
        "layer:\n  - {cells: input, size: 2}\n", "line 1, column 1", "needs `layers:`", id="no-kind"
    ),
    pytest.param(
        "layers:\n  - {cells: input, size: two}\n",
        "line 2, column 26",
        "whole number",
        id="size-wrong-type",
    ),
    pytest.param(
        "layers:\n  - {cells: input, size: 0}\n", "line 2, column 26", "outside", id="size-zero"
    ),
    pytest.param(
        GOOD_LAYERS + "style: fancy\n", "line 4, column 8", "`style` is `fancy`", id="bad-style"
    ),
    pytest.param(
        GOOD_LAYERS + "connections:\n  - {from: layer1, to: nowhere}\n",
        "line 5, column 24",
        "names no layer",
        id="dangling-connection",
    ),
    pytest.param(
        GOOD_LAYERS + "steps:\n  - {name: a, highlight: [ghost]}\n",
        "line 5, column 27",
        "not an id",
        id="dangling-step-ref",
    ),
    pytest.param(
        "layers:\n  - {cells: input, size: 2}\n  - {cells: hidden, size: 3, connect: one-to-one}\n",
        "line 3, column 39",
        "equal size",
        id="one-to-one-sizes",
    ),
    pytest.param(
        "layers:\n  - {cells: input, size: 2\n",
        "line 3, column 1",
        "YAML syntax error",
        id="yaml-syntax",
    ),
    pytest.param(
        "layers: !!python/object:os.system [ls]\n", "line 1, column 9", "tag", id="unsafe-tag"
    ),
    pytest.param(
        "layers:\n  - {cells: input, size: 2}\nlayers: []\n",
        "line 3, column 1",
        "duplicate key",
        id="duplicate-key",
    ),
    pytest.param(
        "blocks:\n  - column: a\n    items:\n      - {block: A, id: x}\n"
        "      - {block: B, residual: y}\n",
        "line 5, column 30",
        "names no item",
        id="dangling-residual",
    ),
    pytest.param(
        "blocks:\n  - column: a\n    items:\n      - {block: A, id: x}\n      - {blok: B}\n",
        "line 5, column 10",
        "unknown key `blok`",
        id="unknown-item-kind",
    ),
    pytest.param(
        "blocks:\n  - column: a\n    items: [{block: A, id: x}]\n"
        "  - column: b\n    items: [{block: B, id: y}]\n"
        "links:\n  - {from: x, to: z}\n",
        "line 7, column 19",
        "names no item",
        id="dangling-link",
    ),
    pytest.param(
        "blocks:\n  - column: a\n    items: [{block: A, style: shiny}]\n",
        "line 3, column 31",
        "`style` is `shiny`",
        id="unknown-block-style",
    ),
    pytest.param(
        "name: a/b\n" + GOOD_LAYERS, "line 1, column 7", "cannot be a file name", id="bad-name"
    ),
    pytest.param(
        "layers:\n  - {cells: input, size: 2, fill: yellow}\n",
        "line 2, column 35",
        "not a colour",
        id="bad-colour",
    ),
]


@pytest.mark.parametrize(("text", "place", "words"), INVALID)
def test_invalid_spec_names_file_line_column(tmp_path, text, place, words):
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as info:
        load_figure_spec(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {place}: "), message
    assert words in message
    assert "\n" not in message
    assert info.value.fix  # every error says what to do


def test_unknown_cell_type_lists_what_is_allowed(tmp_path):
    path = write(tmp_path, "layers:\n  - {cells: gated memroy, size: 2}\n")
    with pytest.raises(SpecError) as info:
        load_figure_spec(path)
    assert "did you mean `gated_memory`" in str(info.value)
    assert "recurrent" in str(info.value) and "memory" in str(info.value)


def test_not_utf8_and_empty_and_missing_file(tmp_path):
    bad = tmp_path / "latin.figure.yaml"
    bad.write_bytes(b"layers:\n  - {cells: input, size: 2, label: caf\xe9}\n")
    with pytest.raises(SpecError, match=r"line 2, column 39: the file is not valid UTF-8"):
        load_figure_spec(bad)
    with pytest.raises(SpecError, match="empty"):
        load_figure_spec(write(tmp_path, "# nothing\n", "empty.figure.yaml"))
    with pytest.raises(SpecError, match="file not found"):
        load_figure_spec(tmp_path / "absent.figure.yaml")


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    lines.append("layers: *a8")
    with pytest.raises(SpecError, match="more than"):
        load_figure_spec(write(tmp_path, "\n".join(lines) + "\n"))


def test_label_numbers_are_text_and_defaults(tmp_path):
    spec = load_figure_spec(
        write(tmp_path, "layers:\n  - {cells: input, size: 784, label: 784}\n", "n.figure.yaml")
    )
    layer = spec.layers.layers[0]
    assert layer.label == "784"
    assert layer.show == 5 and layer.visible_cells() == [1, 2, 3, 4, 784]
    assert spec.name == "n" and spec.style == "clean" and spec.palette == "zoo"


def test_name_from_spec_or_stem(tmp_path):
    assert figure_name(SPECS / "Transformer架构.figure.yaml") == "Transformer架构"
    assert figure_name(write(tmp_path, GOOD_LAYERS, "My Net.figure.yml")) == "My Net"


def test_include_and_patch_keep_places_of_each_file(tmp_path):
    write(
        tmp_path,
        "blocks:\n  - column: c\n    items:\n      - {label: In, id: src}\n"
        "      - {block: A, id: a}\n",
        "base.figure.yaml",
    )
    child = write(
        tmp_path,
        "include: base.figure.yaml\nname: child\npatch:\n  src: {tokens: [x, y]}\n",
        "child.figure.yaml",
    )
    spec = load_figure_spec(child)
    assert spec.name == "child"
    assert spec.blocks.all_items()["src"].tokens == ["x", "y"]
    assert spec.reads == [(tmp_path / "base.figure.yaml").resolve()]
    bad = write(
        tmp_path, "include: base.figure.yaml\npatch:\n  nope: {tokens: [x]}\n", "bad.figure.yaml"
    )
    with pytest.raises(SpecError, match=r"bad.figure.yaml: line 3, column 3: `patch` names"):
        load_figure_spec(bad)
    loop = write(tmp_path, "include: loop.figure.yaml\n", "loop.figure.yaml")
    with pytest.raises(SpecError, match="cycle"):
        load_figure_spec(loop)


def test_hidden_cell_reference_is_refused(tmp_path):
    path = write(
        tmp_path,
        "layers:\n  - {id: a, cells: input, size: 20}\n"
        "  - {id: b, cells: output, size: 1}\nconnections:\n"
        "  - {from: 'a[7]', to: b}\n",
    )
    with pytest.raises(SpecError, match=r"line 5, column 12: `a\[7\]` is not drawn"):
        load_figure_spec(path)


def test_is_figure_spec(tmp_path):
    assert is_figure_spec(Path("x/anything.figure.yaml"))
    assert is_figure_spec(Path("x/anything.FIGURE.YML"))
    folder = tmp_path / "diagrams" / "figures"
    folder.mkdir(parents=True)
    assert is_figure_spec(write(folder, GOOD_LAYERS, "net.yaml"))
    assert not is_figure_spec(write(folder, "other: 1\n", "config.yaml"))
    assert not is_figure_spec(write(folder, "layers: [\n", "broken.yaml"))
    assert not is_figure_spec(write(tmp_path, GOOD_LAYERS, "net.yaml"))  # not under figures/
    assert not is_figure_spec(Path("notes/figure.md"))


def test_fractional_indices_are_valid_and_sorted():
    keys = [fractional_index(n) for n in range(62 + 62 * 62 + 5)]
    assert keys[:3] == ["a0", "a1", "a2"] and keys[61] == "az" and keys[62] == "b00"
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"[a-z][0-9A-Za-z]+", k) for k in keys)
    for k in keys:  # the head letter gives the number of digits
        assert len(k) - 1 == ord(k[0]) - ord("a") + 1


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_gives_a_spec_or_a_spec_error(text):
    path = Path("fuzz.figure.yaml")
    try:
        root = parse_spec_yaml(text.encode("utf-8", "surrogatepass"), path)
        parse_figure(root, path)
    except SpecError as exc:
        assert "\n" not in str(exc)


_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 2000)
    | st.sampled_from(
        ["input", "hidden", "recurrent", "full", "one-to-one", "none", "x", "#fff", "a[1]"]
    ),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "cells",
                    "size",
                    "label",
                    "show",
                    "connect",
                    "id",
                    "fill",
                    "from",
                    "to",
                    "kind",
                    "block",
                    "items",
                    "column",
                    "heads",
                    "residual",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["layers", "blocks"]), _values)
def test_structured_garbage_gives_a_spec_or_a_spec_error(kind, value):
    import json

    text = json.dumps({kind: value})  # JSON is YAML
    path = Path("fuzz.figure.yaml")
    try:
        parse_figure(parse_spec_yaml(text.encode(), path), path)
    except SpecError as exc:
        assert str(exc).startswith("fuzz.figure.yaml")


def test_step_reference_to_an_undrawn_cell_is_refused(tmp_path):
    path = write(
        tmp_path,
        "layers:\n  - {id: a, cells: input, size: 20}\nsteps:\n  - highlight: ['a[3]', 'a[9]']\n",
    )
    with pytest.raises(SpecError, match=r"line 4, column 25: `a\[9\]` is not drawn"):
        load_figure_spec(path)
    ok = write(
        tmp_path,
        "layers:\n  - {id: a, cells: input, size: 20}\nsteps:\n  - highlight: ['a[3]', 'a[20]']\n",
        "ok.figure.yaml",
    )
    assert [str(r) for r in load_figure_spec(ok).steps[0].highlight] == ["a[3]", "a[20]"]
