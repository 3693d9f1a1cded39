"""[tool.diagrams] parsing: defaults, overrides, and one clear error per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagram_assets.config import Config, find_config, glob_match, load_config, parse_config
from diagram_assets.errors import ConfigError


def write(root: Path, text: str, name: str = "pyproject.toml") -> Path:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_config(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    config = load_config(tmp_path / ".")
    assert config.root == tmp_path.resolve()
    assert config.file is None
    assert config.sources == ("diagrams",)
    assert config.output == "attachments"
    assert config.options.formats == ("svg", "png")
    assert config.options.scale == 2
    assert config.lock_path == tmp_path.resolve() / "attachments" / "diagrams.lock"


def test_pyproject_table_and_overrides(tmp_path: Path) -> None:
    write(
        tmp_path,
        """
[project]
name = "x"

[tool.diagrams]
sources = ["drawings", "figs"]
output = "public/img"
formats = ["png"]
scale = 3
notes = ["docs/**/*.md"]

[tool.diagrams.links]
format = "png"
wikilinks = "markdown"

[[tool.diagrams.overrides]]
match = "drawings/dark-*"
dark = true
scale = 4

[[tool.diagrams.overrides]]
match = ["figs/**"]
embed_scene = true
""",
    )
    sub = tmp_path / "docs" / "deep"
    sub.mkdir(parents=True)
    config = load_config(sub)
    assert config.root == tmp_path.resolve()
    assert config.sources == ("drawings", "figs")
    assert config.output == "public/img"
    assert config.links.format == ("png", "svg")
    assert config.links.wikilinks == "markdown"
    dark = config.options_for("drawings/dark-map.excalidraw")
    assert (dark.dark, dark.scale, dark.formats) == (True, 4, ("png",))
    plain = config.options_for("drawings/light.excalidraw")
    assert (plain.dark, plain.scale) == (False, 3)
    assert config.options_for("figs/a/b.figure.yaml").embed_scene is True


def test_diagrams_toml_for_non_python_repos(tmp_path: Path) -> None:
    write(tmp_path, 'output = "static/diagrams"\n', "diagrams.toml")
    config = load_config(tmp_path)
    assert config.output == "static/diagrams"
    assert config.file == (tmp_path / "diagrams.toml").resolve()


@pytest.mark.parametrize(
    ("body", "place", "words"),
    [
        ("colour = 1", "tool.diagrams.colour", "unknown key"),
        ('scale = "big"', "tool.diagrams.scale", "expected a number"),
        ("scale = 0", "tool.diagrams.scale", "out of range"),
        ("dark = 1", "tool.diagrams.dark", "true or false"),
        ('formats = ["gif"]', "tool.diagrams.formats", "unknown format"),
        ("formats = []", "tool.diagrams.formats", "is empty"),
        ('sources = ["../elsewhere"]', "tool.diagrams.sources", "outside the repository"),
        ('output = "/tmp/x"', "tool.diagrams.output", "absolute path"),
        ('output = "diagrams/out"', "tool.diagrams.output", "overlaps"),
        ('notes = ["../**/*.md"]', "tool.diagrams.notes", "outside the repository"),
        ("jobs = 0", "tool.diagrams.jobs", "out of range"),
        ('layout = "tree"', "tool.diagrams.layout", "not allowed"),
        ("[[tool.diagrams.overrides]]\ndark = true", "tool.diagrams.overrides[0].match", "missing"),
        (
            '[[tool.diagrams.overrides]]\nmatch = "x"\nshade = 1',
            "tool.diagrams.overrides[0].shade",
            "unknown key",
        ),
        ('[tool.diagrams.links]\nformat = "jpg"', "tool.diagrams.links.format", "unknown format"),
    ],
)
def test_config_errors_name_key_and_file(tmp_path: Path, body: str, place: str, words: str) -> None:
    text = body if body.startswith("[") else f"[tool.diagrams]\n{body}\n"
    if body.startswith("[") and not body.startswith("[tool.diagrams]"):
        text = f"[tool.diagrams]\n{body}\n"
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert place in message
    assert words in message
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    ("name", "body", "place", "suggestion"),
    [
        ("pyproject.toml", "[tool.diagrams]\nsacle = 2\n", "tool.diagrams.sacle", "scale"),
        ("diagrams.toml", "sacle = 2\n", "sacle", "scale"),
        (
            "pyproject.toml",
            '[tool.diagrams]\n[[tool.diagrams.overrides]]\nmatch = "x"\nsacle = 3\n',
            "tool.diagrams.overrides[0].sacle",
            "scale",
        ),
        (
            "pyproject.toml",
            '[tool.diagrams]\n[tool.diagrams.links]\nformt = "png"\n',
            "tool.diagrams.links.formt",
            "format",
        ),
    ],
)
def test_unknown_key_suggests_the_closest(
    tmp_path: Path, name: str, body: str, place: str, suggestion: str
) -> None:
    path = write(tmp_path, body, name)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith(f"{path}: {place}: unknown key — ")
    assert f"did you mean `{suggestion}`? known keys: " in str(info.value)


def test_unknown_key_far_from_any_lists_the_known_ones(tmp_path: Path) -> None:
    write(tmp_path, "[tool.diagrams]\nzzzzzz = 1\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    message = str(info.value)
    assert "did you mean" not in message
    assert message.endswith(
        "unknown key — known keys: chromium, dark, embed_scene, excalidraw, "
        "exclude, formats, frames, jobs, layout, links, max_elements, max_size, "
        "max_source_mb, notes, output, overrides, padding, scale, sources, theme, "
        "timeout, transparent"
    )


def test_invalid_toml_names_line(tmp_path: Path) -> None:
    write(tmp_path, "[tool.diagrams]\nscale = = 2\n")
    with pytest.raises(ConfigError, match=r"invalid TOML.*line 2"):
        load_config(tmp_path)


def test_find_config_prefers_nearest(tmp_path: Path) -> None:
    write(tmp_path, "[tool.diagrams]\n")
    inner = tmp_path / "sub"
    inner.mkdir()
    write(inner, 'output = "o"\n', "diagrams.toml")
    assert find_config(inner)[0] == inner.resolve()
    assert find_config(tmp_path)[0] == tmp_path.resolve()


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("notes/a.md", "**/*.md", True),
        ("a.md", "**/*.md", True),
        ("notes/x/a.md", "notes/*.md", False),
        ("notes/a.md", "notes/*.md", True),
        ("diagrams/x/y.excalidraw", "diagrams/**", True),
        ("diagrams/dark-a.excalidraw", "diagrams/dark-*", True),
        ("diagrams/sub/dark-a.excalidraw", "diagrams/dark-*", False),
        ("d/a.md", "d/[ab].md", True),
        ("d/c.md", "d/[!ab].md", True),
        ("注意力/图.md", "**/图.md", True),
    ],
)
def testglob_match(path: str, pattern: str, expected: bool) -> None:
    assert glob_match(path, pattern) is expected


@given(st.lists(st.text(alphabet="abc/", min_size=1, max_size=8), min_size=1, max_size=4))
def test_double_star_matches_every_md_below(parts: list[str]) -> None:
    path = "/".join(p.strip("/") or "x" for p in parts) + ".md"
    assert glob_match(path, "**/*.md")


def test_parse_config_keeps_root(tmp_path: Path) -> None:
    config = parse_config({}, root=tmp_path)
    assert isinstance(config, Config)
    assert config.output_dir == tmp_path / "attachments"
