"""`[tool.diagrams]` in pyproject.toml (or a diagrams.toml) → a typed, validated Config.

Every key has a documented default; unknown keys and wrong types are errors naming the key and
the file; paths that escape the repository are refused.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import ConfigError
from .fields import KeyPath, TableReader, suggest
from .options import THEMES, Options
from .render.options import FORMATS

CONFIG_FILES = ("diagrams.toml", "pyproject.toml")


@dataclass(frozen=True)
class Override:
    """``[[tool.diagrams.overrides]]``: sources matching ``match`` (globs, repo-relative) get
    the options given."""

    match: tuple[str, ...]
    options: dict[str, Any]

    def applies_to(self, rel_path: str) -> bool:
        return any(glob_match(rel_path, pattern) for pattern in self.match)


@dataclass(frozen=True)
class LinkConfig:
    """``[tool.diagrams.links]``: how note links to sources and outputs are rewritten."""

    enabled: bool = True
    format: tuple[str, ...] = ("svg", "png")
    wikilinks: str = "keep"  # or "markdown"
    normalise: bool = False  # point links to any current output at `format` too
    picture: bool = False  # Markdown image embeds of outputs with a dark twin → <picture>


@dataclass(frozen=True)
class Config:
    root: Path
    file: Path | None = None
    sources: tuple[str, ...] = ("diagrams",)
    output: str = "attachments"
    layout: str = "flat"  # "flat": output/<stem>.svg; "mirror": output/<subfolders>/<stem>.svg
    notes: tuple[str, ...] = ("**/*.md",)
    exclude: tuple[str, ...] = ()
    jobs: int | None = None
    timeout: float = 120.0
    chromium: str | None = None
    max_source_mb: float = 32.0
    max_elements: int = 50_000
    options: Options = field(default_factory=Options)
    overrides: tuple[Override, ...] = ()
    links: LinkConfig = field(default_factory=LinkConfig)
    given: frozenset[str] = frozenset()  # the top-level keys the config file sets

    @property
    def output_dir(self) -> Path:
        return self.root / self.output

    @property
    def lock_path(self) -> Path:
        return self.output_dir / "diagrams.lock"

    def options_for(self, rel_path: str) -> Options:
        """The options for one source: the repository's, then each matching override in order."""
        options = self.options
        for override in self.overrides:
            if override.applies_to(rel_path):
                options = replace(options, **override.options)
        return options

    def pinned_options(self, rel_path: str) -> frozenset[str]:
        """The options an override sets for one source: they win over what the source says
        of itself (an Obsidian drawing's front matter, an export's saved theme)."""
        return frozenset(
            key
            for override in self.overrides
            if override.applies_to(rel_path)
            for key in override.options
        )

    def excluded(self, rel_path: str) -> bool:
        return any(glob_match(rel_path, pattern) for pattern in self.exclude)


def glob_match(rel_path: str, pattern: str) -> bool:
    """Match a repo-relative POSIX path against a glob: ``*`` and ``?`` stay inside one folder,
    ``**`` spans folders (``**/x.md`` also matches ``x.md`` at the top)."""
    return glob_regex(pattern).fullmatch(rel_path) is not None


@lru_cache(maxsize=512)
def glob_regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif (
            c == "["
            and (close := pattern.find("]", i + 2)) != -1
            and (char_class := _char_class(pattern[i + 1 : close])) is not None
        ):
            out.append(char_class)
            i = close + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out))


def _char_class(body: str) -> str | None:
    """``[...]`` of a glob as a regex class (``!`` negates), or None when it is no valid class
    (an empty set, a reversed range like ``z-a``): the ``[`` then matches itself."""
    negate = body.startswith("!")
    if negate:
        body = body[1:]
    if not body:
        return None
    escaped = "".join("\\" + ch if ch in "\\[]^&~|" else ch for ch in body)
    char_class = f"[{'^' if negate else ''}{escaped}]"
    try:
        re.compile(char_class)
    except re.error:
        return None
    return char_class


# ---------------------------------------------------------------------------- loading


def find_config(start: Path) -> tuple[Path, Path | None]:
    """The repository root and its config file, looking upward from ``start``.

    The first folder with a ``diagrams.toml``, or a ``pyproject.toml`` that has a
    ``[tool.diagrams]`` table, is the root. Without one, the nearest folder holding ``.git``
    is the root (defaults apply), else ``start`` itself.
    """
    start = start.resolve()
    git_root: Path | None = None
    for folder in (start, *start.parents):
        if (folder / "diagrams.toml").is_file():
            return folder, folder / "diagrams.toml"
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return folder, pyproject
        if git_root is None and (folder / ".git").exists():
            git_root = folder
            break
    return (git_root or start), None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return "[tool.diagrams" in text


def load_config(start: Path | None = None, *, config_file: Path | None = None) -> Config:
    """Find and read the configuration for the repository containing ``start`` (default: cwd)."""
    if config_file is not None:
        config_file = config_file.resolve()
        root = config_file.parent
    else:
        root, config_file = find_config(start or Path.cwd())
    if config_file is None:
        return Config(root=root)
    if config_file.name == "diagrams.toml":
        _refuse_two_configs(config_file)
    table = _read_table(config_file)
    return parse_config(table, root=root, file=config_file)


def require_config(config: Config) -> Config:
    """The config of a repository command (build, check, links, watch): without a config file
    there is nothing to keep current, and defaults would build or write in the wrong place."""
    if config.file is None:
        raise ConfigError(
            "no configuration: no diagrams.toml, and no pyproject.toml with [tool.diagrams], "
            f"in this folder or above it (searched up to {config.root})",
            fix="create diagrams.toml in the repository's root (every key is optional: an "
            "empty file means the defaults), or point at one with --config FILE or -C DIR",
        )
    return config


def _refuse_two_configs(diagrams_toml: Path) -> None:
    """A diagrams.toml beside a pyproject.toml that has a [tool.diagrams] table: which one
    counts would be a silent choice, so neither does."""
    pyproject = diagrams_toml.parent / "pyproject.toml"
    if not (pyproject.is_file() and _has_tool_table(pyproject)):
        return
    try:
        tool = tomllib.loads(pyproject.read_text("utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        tool = {"diagrams": {}}  # unreadable: it named the table, count it as a config
    if isinstance(tool, dict) and "diagrams" in tool:
        raise ConfigError(
            f"two configurations: {diagrams_toml.name} and {pyproject.name} [tool.diagrams] "
            f"(in {diagrams_toml.parent})",
            fix="keep one of them: move the keys into one and delete the other",
        )


def _read_table(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", file=path) from None
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", file=path, fix="save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", file=path) from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("diagrams", {}) if isinstance(tool, dict) else {}
    elif "tool" in data:
        tool = data["tool"]
        table = tool.get("diagrams", data) if isinstance(tool, dict) else None
    else:
        table = data
    if not isinstance(table, dict):
        raise ConfigError("[tool.diagrams] must be a table", file=path)
    return table


_TOP_KEYS = {
    "sources": "folders holding the sources",
    "output": "the folder the outputs are written to",
    "layout": "flat or mirror: whether outputs keep the sources' sub-folders",
    "notes": "globs of the notes whose links are rewritten",
    "exclude": "globs of files that are neither sources nor notes",
    "jobs": "pages rendering in parallel",
    "timeout": "seconds one source may take",
    "chromium": "the Chromium to render with",
    "max_source_mb": "refuse larger sources",
    "max_elements": "refuse drawings with more elements",
    "overrides": "options for the sources matching a glob",
    "links": "how note links to sources and outputs are rewritten",
}
_OPTION_KEYS = {f.name for f in fields(Options)} - {"parts"}  # parts: from the notes
_LINK_KEYS = {
    "enabled": "whether note links are rewritten",
    "format": "which output an embed points to: svg or png",
    "wikilinks": "keep ![[…]] embeds, or markdown",
    "normalise": "rewrite links to current outputs into `format` too",
    "picture": "write Markdown image embeds as <picture> with the dark twin as a source",
}


def parse_config(table: dict[str, Any], *, root: Path, file: Path | None = None) -> Config:
    """Validate a ``[tool.diagrams]`` table. Errors name the key and the file."""
    reader = TableReader(
        KeyPath(file, "tool.diagrams" if file and file.name == "pyproject.toml" else "")
    )
    reader.check_keys(table, {*_TOP_KEYS, *_OPTION_KEYS})
    values: dict[str, Any] = {}
    if "sources" in table:
        values["sources"] = tuple(
            reader.rel_path(root, "sources", p) for p in reader.str_list(table, "sources")
        )
    if "output" in table:
        values["output"] = reader.rel_path(root, "output", reader.string(table, "output"))
    if "layout" in table:
        values["layout"] = reader.choice(table, "layout", ("flat", "mirror"))
    for key in ("notes", "exclude"):
        if key in table:
            patterns = reader.str_list(table, key)
            for pattern in patterns:
                reader.pattern(key, pattern)
            values[key] = tuple(patterns)
    if "jobs" in table:
        values["jobs"] = reader.integer(table, "jobs", 1, 64)
    if "timeout" in table:
        values["timeout"] = reader.number(table, "timeout", 1, 3600)
    if "chromium" in table:
        values["chromium"] = reader.string(table, "chromium")
        if "\0" in values["chromium"]:
            raise reader.error("chromium", "contains a NUL character", "remove it")
    if "max_source_mb" in table:
        values["max_source_mb"] = reader.number(table, "max_source_mb", 0.001, 4096)
    if "max_elements" in table:
        values["max_elements"] = reader.integer(table, "max_elements", 1, 10_000_000)
    values["options"] = Options(**parse_options(table, reader))
    if "overrides" in table:
        values["overrides"] = _parse_overrides(table["overrides"], reader)
    if "links" in table:
        values["links"] = _parse_links(table["links"], reader)
    config = Config(root=root, file=file, given=frozenset(table), **values)
    _check_layout(config, reader)
    return config


def parse_options(table: dict[str, Any], reader: TableReader) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "formats" in table:
        formats = reader.str_list(table, "formats")
        for f in formats:
            if f not in FORMATS:
                raise reader.error("formats", f"unknown format {f!r}", "use 'svg' and/or 'png'")
        if not formats:
            raise reader.error("formats", "is empty", "list 'svg' and/or 'png'")
        out["formats"] = tuple(dict.fromkeys(formats))
    if "scale" in table:
        out["scale"] = reader.number(table, "scale", 0.01, 16)
    if "padding" in table:
        out["padding"] = reader.integer(table, "padding", 0, 10_000)
    for key in ("dark", "transparent", "embed_scene", "frames", "excalidraw"):
        if key in table:
            out[key] = reader.boolean(table, key)
    if "max_size" in table:
        out["max_size"] = reader.integer(table, "max_size", 1, 1_000_000)
    if "theme" in table:
        theme = reader.string(table, "theme")
        if theme not in THEMES:
            raise reader.error(
                "theme",
                f"{theme!r} is not a theme",
                suggest(theme, THEMES, f"use one of {', '.join(THEMES)}"),
            )
        out["theme"] = theme
    return out


def _parse_overrides(value: Any, reader: TableReader) -> tuple[Override, ...]:
    if not isinstance(value, list):
        raise reader.error(
            "overrides", "must be an array of tables", "use [[tool.diagrams.overrides]]"
        )
    overrides = []
    for i, item in enumerate(value):
        sub = reader.child(f"overrides[{i}]")
        if not isinstance(item, dict):
            raise reader.error(
                f"overrides[{i}]", "must be a table", "use [[tool.diagrams.overrides]]"
            )
        sub.check_keys(
            item, {"match", *_OPTION_KEYS}, known=f"match, {', '.join(sorted(_OPTION_KEYS))}"
        )
        if "match" not in item:
            raise sub.error("match", "is missing", 'add match = "diagrams/some-*.excalidraw"')
        match = item["match"]
        patterns = [match] if isinstance(match, str) else sub.str_list(item, "match")
        for pattern in patterns:
            sub.pattern("match", pattern)
        overrides.append(Override(match=tuple(patterns), options=parse_options(item, sub)))
    return tuple(overrides)


def _parse_links(value: Any, reader: TableReader) -> LinkConfig:
    if not isinstance(value, dict):
        raise reader.error("links", "must be a table", "use [tool.diagrams.links]")
    sub = reader.child("links")
    sub.check_keys(value, _LINK_KEYS)
    out: dict[str, Any] = {}
    if "enabled" in value:
        out["enabled"] = sub.boolean(value, "enabled")
    if "format" in value:
        raw = value["format"]
        formats = [raw] if isinstance(raw, str) else sub.str_list(value, "format")
        for f in formats:
            if f not in FORMATS:
                raise sub.error("format", f"unknown format {f!r}", "use 'svg' or 'png'")
        out["format"] = tuple(dict.fromkeys([*formats, *FORMATS]))
    if "wikilinks" in value:
        out["wikilinks"] = sub.choice(value, "wikilinks", ("keep", "markdown"))
    if "normalise" in value:
        out["normalise"] = sub.boolean(value, "normalise")
    if "picture" in value:
        out["picture"] = sub.boolean(value, "picture")
    return LinkConfig(**out)


def _check_layout(config: Config, reader: TableReader) -> None:
    out = PurePosixPath(config.output)
    for source in config.sources:
        src = PurePosixPath(source)
        if src == out or out in src.parents or (source != "." and src in out.parents):
            raise reader.error(
                "output",
                f"the output folder {config.output!r} overlaps the source folder {source!r}",
                "keep sources and outputs in separate folders",
            )
