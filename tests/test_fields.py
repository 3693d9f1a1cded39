"""The shared rules of fields.py: the one did-you-mean and the one file-name rule, as every
reader (config, figure specs, animation specs, frame names) applies them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagram_assets.animation import load_animation_spec
from diagram_assets.errors import SpecError
from diagram_assets.fields import MAX_NAME_LENGTH, did_you_mean, is_file_name, safe_name, suggest
from diagram_assets.figures import load_figure_spec


def test_did_you_mean() -> None:
    assert did_you_mean("sacle", ["padding", "scale", "dark"]) == "did you mean `scale`?"
    assert did_you_mean("zzzz", ["padding", "scale"]) == ""
    assert suggest("sacle", {"scale"}, "use one of: scale") == (
        "did you mean `scale`? use one of: scale"
    )
    assert suggest("zzzz", {"scale"}, "use one of: scale") == "use one of: scale"


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Transformer执行", True),
        ("step 1 - encode_2", True),
        ("", False),
        (".hidden", False),
        ("a/b", False),
        ("a\\b", False),
        ("a:b", False),
        ('a"b', False),
        ("a\tb", False),
        ("a\0b", False),
        ("x" * MAX_NAME_LENGTH, True),
        ("x" * (MAX_NAME_LENGTH + 1), False),
    ],
)
def test_is_file_name(name: str, ok: bool) -> None:
    assert is_file_name(name) is ok


@given(st.text(max_size=200))
def test_safe_name_always_follows_the_rule(text: str) -> None:
    assert is_file_name(safe_name(text, "fallback"))


BAD_NAMES = [" .x", "a\\tb", "y" * (MAX_NAME_LENGTH + 1), "a/b", ".x"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_figure_and_animation_names_follow_the_same_rule(tmp_path: Path, name: str) -> None:
    quoted = '"' + name + '"'
    figure = tmp_path / "f.figure.yaml"
    figure.write_text(f"name: {quoted}\nlayers: [{{cells: input, size: 2}}]\n", "utf-8")
    with pytest.raises(SpecError, match="cannot be a file name"):
        load_figure_spec(figure)
    animation = tmp_path / "a.anim.yaml"
    animation.write_text(f"name: {quoted}\nimages: x.png\n", "utf-8")
    with pytest.raises(SpecError, match="cannot be a file name"):
        load_animation_spec(animation)
