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
import re
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
from locations import REPO
from scene.test_fuzz import mutated as mutated_drawing

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
    from diagram_assets.config import glob_match

    for pattern in (*result.notes, *result.exclude):
        glob_match("notes/a.md", pattern)
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


# ------------------------------------------------------------------------------- the CLI

REPO_DIAGRAMS = REPO / "diagrams"


def _png(colour: str) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), colour).save(buffer, "PNG")
    return buffer.getvalue()


TINY_PNG = _png("white")
STORY = json.dumps(
    {
        "type": "excalidraw",
        "elements": [
            {"id": "f1", "type": "frame", "x": 0, "y": 0, "width": 50, "height": 50, "name": "a"},
            {"id": "f2", "type": "frame", "x": 60, "y": 0, "width": 50, "height": 50, "name": "b"},
        ],
    }
)


def spec_seeds() -> dict[str, bytes]:
    """Figure and animation specs (paths under diagrams/), from this repository's own."""
    seeds = {
        f"figures/{p.name}": p.read_bytes()
        for p in sorted((REPO_DIAGRAMS / "figures").glob("*.figure.yaml"))
    }
    seeds["animations/frames.anim.yaml"] = (
        b"images: frames/*.png\nduration: 500\ndurations: {1: 800, -1: 2s}\nloop: 3\n"
        b"canvas: pad\nbackground: '#ffffff'\nformats: [gif]\n"
    )
    seeds["animations/story.anim.yaml"] = b"drawing: ../story.excalidraw\nframes: [b, a]\n"
    seeds["animations/steps.anim.yaml"] = b"figure: ../figures/FF.figure.yaml\nhold_last: 1s\n"
    return seeds


YAML_TOKENS = [
    b": ", b"- ", b"&a ", b"*a", b"<<: *a\n", b"!!python/object:os.system ", b"!x ", b"{", b"[",
    b"\t", b"\x00", b"\x07", b"'", b'"', b"\n  ", b"#", b"~", b"0x10", b"1e999", b".nan", b"..",
    b"/etc/passwd", b"../../..", b"**/*", b"\xff", b"\xe5\x9b\xbe",
]  # fmt: skip


@st.composite
def fuzzed_source(draw: st.DrawFn) -> tuple[str, bytes]:
    """(path under diagrams/, bytes): a drawing of any format, or a figure or animation spec,
    with a few mutations."""
    if draw(st.booleans()):
        name, data = draw(mutated_drawing())
        if name.endswith((".svg", ".png")) and ".excalidraw." not in name:
            name = name.replace(".svg", ".excalidraw.svg").replace(".png", ".excalidraw.png")
        return name, data
    seeds = spec_seeds()
    name = draw(st.sampled_from(sorted(seeds)))
    data = bytearray(seeds[name])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "token", "line"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=6))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "truncate":
            del data[at:]
        elif op == "token":
            data[at:at] = draw(st.sampled_from(YAML_TOKENS))
        else:  # duplicate or drop a whole line
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            if draw(st.booleans()):
                lines.insert(i, lines[i])
            else:
                del lines[i]
            data = bytearray(b"\n".join(lines))
    return name, bytes(data)


class FakeRenderer:
    """Stands in for Chromium: every scene renders to a tiny SVG and PNG at once (the CLI,
    loaders, specs, pipeline, lock file and notes all run for real)."""

    identity = "fake"

    def __init__(self, **options: object) -> None:
        from diagram_assets.render import RenderedImage, RenderResult

        self._result = lambda: RenderResult(
            images=[RenderedImage(svg=b"<svg/>", png=TINY_PNG, png_size=(6, 4))]
        )

    def start(self, wait: bool = True) -> None:
        return None

    def render(self, scene: object, options: object = None) -> object:
        from diagram_assets.scene.model import Scene

        assert isinstance(scene, Scene)
        scene.dumps().encode("utf-8")  # what Chromium would be sent must serialise
        return self._result()

    def submit(self, scene: object, options: object = None) -> object:
        from concurrent.futures import Future

        future: Future[object] = Future()
        future.set_result(self.render(scene, options))
        return future

    def close(self) -> None:
        return None


NOTE = "# A note\n\n```\n![](../diagrams/x.excalidraw)\n```\n\nText `![](y.png)` here.\r\n"
ERROR_PLACE = re.compile(
    r"(line \d+|\$|byte \d+|chunk|payload|<metadata>|Embedded files|PNG chunks|Drawing)"
)


@pytest.fixture(scope="module")
def cli_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-cli")
    (root / ".git").mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.diagrams]\nnotes = ["notes/*.md"]\nmax_elements = 2000\nmax_source_mb = 1\n',
        encoding="utf-8",
    )
    (root / "notes").mkdir()
    (root / "notes" / "n.md").write_bytes(NOTE.encode())
    return root


def reset(repo: Path) -> None:
    import shutil

    for folder in ("diagrams", "attachments"):
        shutil.rmtree(repo / folder, ignore_errors=True)
    frames = repo / "diagrams" / "animations" / "frames"
    frames.mkdir(parents=True)
    (frames / "f1.png").write_bytes(_png("red"))
    (frames / "f2.png").write_bytes(_png("blue"))
    (repo / "diagrams" / "story.excalidraw").write_text(STORY, encoding="utf-8")
    figures = repo / "diagrams" / "figures"
    figures.mkdir()
    (figures / "FF.figure.yaml").write_bytes(
        (REPO_DIAGRAMS / "figures" / "FF.figure.yaml").read_bytes()
    )


@pytest.mark.slow
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=fuzzed_source())
@example(case=("legacy.excalidraw", b"NaN"))  # found: the error had no place
@example(case=("animations/story.anim.yaml", b"drawing: ../gone.excalidraw\n"))  # found: no place
def test_the_cli_on_a_fuzzed_source_ends_in_one_line(
    cli_repo: Path, case: tuple[str, bytes]
) -> None:
    from unittest import mock

    from click.testing import CliRunner

    import diagram_assets.render as render_package
    from diagram_assets.cli import main

    RUNS["CLI sources"] += 1
    name, data = case
    reset(cli_repo)
    path = cli_repo / "diagrams" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    rel = f"diagrams/{name}"
    with mock.patch.object(render_package, "Renderer", FakeRenderer, create=True):
        result = CliRunner().invoke(
            main, ["build", "-C", str(cli_repo)], env={"DIAGRAMS_CACHE_DIR": ""}
        )
    output = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output and "internal error" not in output, output
    assert (cli_repo / "notes" / "n.md").read_bytes() == NOTE.encode()
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    if result.exit_code == 0:
        assert errors == [], output
        return
    assert result.exit_code in (1, 2), output
    assert len(errors) == 1, output
    assert rel in errors[0] or f"diagrams/{name.split('/')[0]}" in errors[0], errors[0]
    assert ERROR_PLACE.search(errors[0]) or "is not a regular file" in errors[0], errors[0]


def test_the_fuzz_budget_is_at_least_500() -> None:
    """The generated cases of this module (max_examples), so the count cannot quietly drop."""
    tests = [
        test_config_tables_give_a_config_or_one_line,
        test_config_text_gives_a_config_or_one_line,
        test_the_cli_on_a_fuzzed_source_ends_in_one_line,
    ]
    total = sum(t._hypothesis_internal_use_settings.max_examples for t in tests)  # type: ignore[attr-defined]
    assert total >= 500, total
