"""$DIAGRAMS_RENDER_TUNING: read strictly, a malformed value is a one-line error."""

from __future__ import annotations

import pytest

from diagram_assets.errors import EnvironmentProblem
from diagram_assets.render import Renderer
from diagram_assets.render.tuning import TUNING_ENV, RenderTuning, parse_tuning


def test_unset_or_empty_gives_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TUNING_ENV, raising=False)
    assert RenderTuning.from_env() == RenderTuning()
    monkeypatch.setenv(TUNING_ENV, "  ")
    assert RenderTuning.from_env() == RenderTuning()
    assert parse_tuning("") == RenderTuning()


def test_settings_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    tuning = parse_tuning("driver=playwright, font_subset=plain,transfer=protocol,")
    assert (tuning.driver, tuning.font_subset, tuning.transfer) == (
        "playwright",
        "plain",
        "protocol",
    )
    assert parse_tuning("pixel_budget=0").pixel_budget == 0
    assert parse_tuning("pixel_budget = 64000000").pixel_budget == 64_000_000
    assert parse_tuning("nodelay=False").nodelay is False
    assert parse_tuning("nodelay=true").nodelay is True
    monkeypatch.setenv(TUNING_ENV, "font_subset=off")
    assert RenderTuning.from_env().font_subset == "off"
    assert RenderTuning.from_env("driver=pipe") == RenderTuning()  # the argument wins


@pytest.mark.parametrize(
    ("value", "bad", "why"),
    [
        ("driver=firefox", "driver=firefox", "driver must be one of pipe, playwright"),
        ("pixel_budget=lots", "pixel_budget=lots", "pixel_budget must be a whole number"),
        ("pixel_budget=-1", "pixel_budget=-1", "pixel_budget must be a whole number"),
        ("nodelay=yes", "nodelay=yes", "nodelay must be true or false"),
        ("colour=blue", "colour=blue", "unknown setting 'colour'"),
        ("driver=pipe,=x", "=x", "a setting without a name"),
        ("driver", "driver", "driver has no value"),
        ("transfer=", "transfer=", "transfer has no value"),
        ("driver=pipe,driver=playwright", "driver=playwright", "driver is given twice"),
        ("font_subset=plain;driver=pipe", "font_subset=plain;driver=pipe", "font_subset must"),
    ],
)
def test_a_malformed_value_is_an_error_naming_the_part(value: str, bad: str, why: str) -> None:
    with pytest.raises(EnvironmentProblem) as caught:
        parse_tuning(value)
    message = str(caught.value)
    assert message.startswith(f"{TUNING_ENV} has {bad!r}: {why}")
    assert "key=value pairs separated by commas" in message  # the valid form
    assert "driver=pipe|playwright" in message and "\n" not in message
    assert caught.value.exit_code == 2


def test_the_renderer_refuses_a_malformed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TUNING_ENV, "driver=firefox")
    with pytest.raises(EnvironmentProblem, match=TUNING_ENV):
        Renderer(pages=1)  # before any browser is started


def test_tuning_given_in_code_is_checked() -> None:
    with pytest.raises(ValueError):
        RenderTuning(font_subset="sometimes")
    with pytest.raises(ValueError):
        RenderTuning(pixel_budget=-1)
