"""Fuzzing what the other suites leave out: the config parser, and the CLI end to end.

Properties:

* the config parser (``pyproject.toml`` and ``diagrams.toml``, structured tables of every key
  and raw TOML text) gives a Config or a ConfigError — never another exception — and the error
  is one line naming the file;
* ``diagrams build`` / ``check`` on a repository holding one fuzzed source (every drawing
  format, figure and animation specs) exits 1 or 2 with exactly one ``error:`` line naming the
  source, never a traceback, and leaves the note of the repository byte for byte.

Generated cases per run (``max_examples`` below; printed at the end of the module):
config tables 300 + config text 150 + CLI sources 300 = 750, on top of the loader, spec and
rewriter fuzzing in test_scene_fuzz.py, test_specyaml.py, test_figures_spec.py,
test_animation_spec.py and test_notes_properties.py.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from diagram_assets.config import Config, load_config
from diagram_assets.errors import ConfigError

RUNS: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if RUNS:
        print_summary(request, RUNS)


def print_summary(request: pytest.FixtureRequest, runs: Counter[str]) -> None:
    """One line on the terminal, past pytest's output capture."""
    line = ", ".join(f"{name} {count}" for name, count in sorted(runs.items()))
    text = f"fuzz cases run in {Path(__file__).name}: {sum(runs.values())} ({line})"
    plugins = request.config.pluginmanager
    reporter = plugins.get_plugin("terminalreporter")
    capture = plugins.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.write_line(text)


# ------------------------------------------------------------------------------- config

CONFIG_KEYS = [
    "sources", "output", "layout", "notes", "exclude", "jobs", "timeout", "chromium",
    "max_source_mb", "max_elements", "overrides", "links", "formats", "scale", "padding",
    "dark", "transparent", "embed_scene", "frames", "max_size", "excalidraw", "match",
    "enabled", "format", "wikilinks", "tool", "diagrams",
]  # fmt: skip

NASTY_TEXT = [
    "..", "/", "/etc", "a\x00b", "diagrams", ".", "", "**", "../x", "a/../..", "[", "[z-a]",
    "[!]", "svg", "png", "mirror", "flat", "keep", "C:\\x", "~", "\\\\server\\x", "x/../../y",
    "attachments", "diagrams/**/*.excalidraw", "\u202e", "é/ü", " ",
]  # fmt: skip

scalars = st.one_of(
    st.text(max_size=12),
    st.sampled_from(NASTY_TEXT),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
    st.datetimes(),
)
toml_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(CONFIG_KEYS), children, max_size=4)
    ),
    max_leaves=12,
)


def toml_value(value: Any) -> str:
    """A TOML literal for ``value`` (inline tables and arrays)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON string escapes are TOML basic-string escapes
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = (f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    raise TypeError(value)


@pytest.fixture(scope="module")
def config_repo() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="diagrams-fuzz-config-") as folder:
        root = Path(folder)
        (root / ".git").mkdir()
        (root / "diagrams").mkdir()
        yield root


def load_or_error(root: Path, name: str, text: str) -> Config | ConfigError:
    for other in ("pyproject.toml", "diagrams.toml"):
        (root / other).unlink(missing_ok=True)
    (root / name).write_text(text, encoding="utf-8")
    try:
        return load_config(root)
    except ConfigError as exc:
        return exc


def assert_one_line_naming(error: ConfigError, name: str) -> None:
    text = str(error)
    assert "\n" not in text and "\r" not in text, text
    assert name in text, text
    assert error.exit_code == 2


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    table=st.dictionaries(st.sampled_from(CONFIG_KEYS), toml_values, max_size=5),
    name=st.sampled_from(["pyproject.toml", "diagrams.toml"]),
)
@example(table={"tool": []}, name="diagrams.toml")  # found: AttributeError
@example(table={"sources": "a\x00b"}, name="pyproject.toml")  # found: ValueError
@example(table={"notes": ["[z-a]"]}, name="pyproject.toml")  # found: re.error on matching
@example(table={"sources": ["diagrams"], "scale": 3}, name="pyproject.toml")
def test_config_tables_give_a_config_or_one_line(
    config_repo: Path, table: dict[str, Any], name: str
) -> None:
    RUNS["config tables"] += 1
    body = "\n".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in table.items())
    text = f"[tool.diagrams]\n{body}\n" if name == "pyproject.toml" else f"{body}\n"
    result = load_or_error(config_repo, name, text)
    if isinstance(result, ConfigError):
        assert_one_line_naming(result, name)
        return
    # a config that loads is usable: every glob it holds can be matched
    from diagram_assets.config import _glob_match

    for pattern in (*result.notes, *result.exclude):
        _glob_match("notes/a.md", pattern)
    for override in result.overrides:
        override.applies_to("diagrams/a.excalidraw")
    assert result.root == config_repo.resolve()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(
        st.characters(blacklist_categories=("Cs",)) | st.sampled_from("[]=\"'.\n#{},"),
        max_size=120,
    ),
    name=st.sampled_from(["pyproject.toml", "diagrams.toml"]),
)
def test_config_text_gives_a_config_or_one_line(config_repo: Path, text: str, name: str) -> None:
    RUNS["config text"] += 1
    prefix = "[tool.diagrams]\n" if name == "pyproject.toml" else ""
    result = load_or_error(config_repo, name, prefix + text)
    if isinstance(result, ConfigError):
        assert_one_line_naming(result, name)
