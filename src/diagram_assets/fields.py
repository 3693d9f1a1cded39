"""What users write — the config, figure specs, animation specs — read by one set of rules.

Each mapping a user writes is declared as a table of its keys (key → what it means) and read
through a :class:`Fields`: unknown keys are refused with a suggestion, values are fetched by key,
and every error is made where the key was written, in one shape (a
:class:`~diagram_assets.errors.DiagramsError`: file, place, what is wrong, how to fix it). The
place is ``line 4, column 11`` in a YAML spec (:class:`SpecFields`) and the key's path
(``tool.diagrams.overrides[0].scale``, a :class:`KeyPath`) in the config's TOML, which keeps no
positions (:class:`TableFields`, read by a :class:`TableReader`).

Two wordings stay, because users and tests know them: the config's (``expected a number, got
str 'big'``, ``known keys: …``) and the specs' (``scale must be a whole number, not text``,
``allowed keys: …``); animation specs keep their own for unknown keys (``did you mean `x`?``
alone when a key is close). Only the wording differs; the reading is the same.

Shared by every reader:

* :func:`did_you_mean` — the one suggestion for a misspelt key or value;
* :func:`is_file_name` — the one rule for names that become output files (a spec's ``name:``),
  and :func:`safe_name`, which turns any text (an Excalidraw frame's name) into such a name.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

from .errors import ConfigError, DiagramsError, SpecError

if TYPE_CHECKING:  # at run time Nodes are only used, never made: config need not import YAML
    from .specyaml import Node

KeyTable = Mapping[str, str] | Collection[str]
"""The keys declared for one mapping: key → what it means (or just the keys)."""


# --------------------------------------------------------------------------- suggestions

_TYPE_NAMES = (  # bool before int: True is an int too
    (bool, "a boolean"),
    (int, "a whole number"),
    (float, "a number"),
    (str, "text"),
    (list, "a list"),
    (dict, "a mapping"),
)


def type_name(value: Any) -> str:
    """A reader's name for the type of a YAML value (``a list``, ``a whole number``, …)."""
    if value is None:
        return "nothing (null)"
    return next(
        (name for kind, name in _TYPE_NAMES if isinstance(value, kind)), type(value).__name__
    )


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``did you mean `x`?`` for the known word closest to ``word``, or "" when none is close."""
    near = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f"did you mean `{near[0]}`?" if near else ""


def suggest(word: str, known: Iterable[str], rest: str) -> str:
    """``rest`` (what is allowed), led by :func:`did_you_mean` when a known word is close."""
    near = did_you_mean(word, known)
    return f"{near} {rest}" if near else rest


def listing(keys: KeyTable) -> str:
    """The keys of a table, sorted, for a fix like ``allowed keys: a, b, c``."""
    return ", ".join(sorted(keys))


# --------------------------------------------------------------------------- file names

MAX_NAME_LENGTH = 120
_UNSAFE_CHARS = r'\\/:*?"<>|\x00-\x1f'
_UNSAFE = re.compile(f"[{_UNSAFE_CHARS}]")
_UNSAFE_RUNS = re.compile(rf"[{_UNSAFE_CHARS}\s]+")


def is_file_name(name: str) -> bool:
    """The one rule for a name that becomes an output file: not empty, no path separators,
    characters Windows reserves (``:*?"<>|``) or control characters, no leading ``.`` (a hidden
    file), at most :data:`MAX_NAME_LENGTH` characters. Letters of every script are fine."""
    return (
        bool(name)
        and not name.startswith(".")
        and len(name) <= MAX_NAME_LENGTH
        and _UNSAFE.search(name) is None
    )


def safe_name(name: str, fallback: str) -> str:
    """``name`` made into a file name by :func:`is_file_name`'s rule: separators, reserved and
    control characters, and runs of white space become ``-``; leading/trailing dots and dashes
    go; long names are cut. CJK and other letters stay. ``fallback`` when nothing is left."""
    cleaned = _UNSAFE_RUNS.sub("-", unicodedata.normalize("NFC", name)).strip(".-")
    return cleaned[:MAX_NAME_LENGTH] or fallback


# --------------------------------------------------------------------------- places


class Located(Protocol):
    """Where a value was written: able to make an error about it."""

    def error(self, what: str, fix: str | None = None) -> DiagramsError: ...


@dataclass(frozen=True)
class KeyPath:
    """A place named by a key's path (``tool.diagrams.links.format``), for TOML tables."""

    file: Path | None
    path: str = ""
    error_type: type[DiagramsError] = ConfigError

    def child(self, name: str) -> KeyPath:
        return KeyPath(self.file, f"{self.path}.{name}" if self.path else name, self.error_type)

    def error(self, what: str, fix: str | None = None) -> DiagramsError:
        return self.error_type(what, file=self.file, place=self.path, fix=fix)


# --------------------------------------------------------------------------- readers


class Fields(ABC):
    """One mapping a user wrote, read against the keys declared for it."""

    def __init__(self, allowed: KeyTable) -> None:
        self.allowed = allowed

    @abstractmethod
    def keys(self) -> Iterable[str]:
        """The keys written, in the order unknown ones are reported."""

    @abstractmethod
    def at(self, key: str) -> Located:
        """Where ``key`` is written (or belongs, when it is absent)."""

    @abstractmethod
    def unknown_key(self, key: str) -> DiagramsError:
        """The error for a key that is not declared (it suggests the closest one)."""

    def check_keys(self) -> None:
        for key in self.keys():
            if key not in self.allowed:
                raise self.unknown_key(key)

    def error(self, key: str, what: str, fix: str | None = None) -> DiagramsError:
        return self.at(key).error(what, fix)


class TableFields(Fields):
    """The keys of one TOML table (the config), placed by their key paths."""

    def __init__(
        self, table: Mapping[str, Any], place: KeyPath, allowed: KeyTable, *, known: str = ""
    ) -> None:
        super().__init__(allowed)
        self.table = table
        self.place = place
        self.known = known or listing(allowed)

    def keys(self) -> Iterable[str]:
        return sorted(self.table)

    def at(self, key: str) -> KeyPath:
        return self.place.child(key)

    def unknown_key(self, key: str) -> DiagramsError:
        return self.at(key).error(
            "unknown key", suggest(key, self.allowed, f"known keys: {self.known}")
        )


@dataclass(frozen=True)
class TableReader:
    """Reads the values of the config's TOML tables; errors name the key's path (TOML keeps no
    positions) in the config's wording (``expected a number, got str 'big'``)."""

    place: KeyPath

    def child(self, name: str) -> TableReader:
        return TableReader(self.place.child(name))

    def error(self, key: str, what: str, fix: str | None = None) -> DiagramsError:
        return self.place.child(key).error(what, fix)

    def check_keys(self, table: dict[str, Any], allowed: KeyTable, *, known: str = "") -> None:
        """Refuse a key not in ``allowed`` (the first in sorted order), suggesting a close one."""
        TableFields(table, self.place, allowed, known=known).check_keys()

    def _type_error(self, key: str, expected: str, value: Any) -> DiagramsError:
        return self.error(key, f"expected {expected}, got {type(value).__name__} {value!r}")

    def string(self, table: dict[str, Any], key: str) -> str:
        value = table[key]
        if not isinstance(value, str):
            raise self._type_error(key, "a string", value)
        return value

    def str_list(self, table: dict[str, Any], key: str) -> list[str]:
        value = table[key]
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._type_error(key, "a list of strings", value)
        return list(value)

    def boolean(self, table: dict[str, Any], key: str) -> bool:
        value = table[key]
        if not isinstance(value, bool):
            raise self._type_error(key, "true or false", value)
        return value

    def number(self, table: dict[str, Any], key: str, low: float, high: float) -> float:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._type_error(key, "a number", value)
        if not low <= value <= high:
            raise self.error(key, f"{value} is out of range", f"use a value from {low} to {high}")
        return float(value)

    def integer(self, table: dict[str, Any], key: str, low: int, high: int) -> int:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._type_error(key, "a whole number", value)
        if not low <= value <= high:
            raise self.error(key, f"{value} is out of range", f"use a value from {low} to {high}")
        return value

    def choice(self, table: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
        value = self.string(table, key)
        if value not in allowed:
            raise self.error(key, f"{value!r} is not allowed", f"use one of {', '.join(allowed)}")
        return value

    def rel_path(self, root: Path, key: str, value: str) -> str:
        """A folder inside the repository, as a normalised repo-relative POSIX path."""
        if not value.strip():
            raise self.error(key, "is empty", "name a folder inside the repository")
        if "\0" in value:
            raise self.error(key, f"{value!r} contains a NUL character", "remove it")
        raw = Path(value)
        if raw.is_absolute():
            raise self.error(
                key, f"{value!r} is an absolute path", "use a path relative to the repository"
            )
        try:
            resolved = (root / raw).resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop, a name too long
            raise self.error(
                key, f"{value!r} cannot be resolved ({exc})", "name a folder inside the repository"
            ) from None
        try:
            rel = resolved.relative_to(root.resolve())
        except ValueError:
            raise self.error(
                key,
                f"{value!r} points outside the repository",
                "use a folder inside the repository",
            ) from None
        return rel.as_posix() if rel.parts else "."

    def pattern(self, key: str, pattern: str) -> None:
        if "\0" in pattern:
            raise self.error(key, f"{pattern!r} contains a NUL character", "remove it")
        if pattern.startswith("/") or ".." in PurePosixPath(pattern).parts:
            raise self.error(
                key, f"{pattern!r} reaches outside the repository", "use a repo-relative glob"
            )


class SpecFields(Fields):
    """The keys of one YAML mapping of a spec (figures, animations), with their positions."""

    def __init__(self, node: Node, what: str, allowed: KeyTable) -> None:
        super().__init__(allowed)
        if not isinstance(node.value, dict):
            raise node.error(
                f"{what} must be a mapping (key: value), not {type_name(node.value)}",
                fix=f"allowed keys: {listing(allowed)}",
            )
        self.node = node
        self.what = what
        self.check_keys()

    def keys(self) -> Iterable[str]:
        return self.node.value

    def at(self, key: str) -> Located:
        return self.node.key_node(key)

    def unknown_key(self, key: str) -> SpecError:
        return self.node.key_node(key).error(
            f"unknown key `{key}` in {self.what}",
            fix=suggest(key, self.allowed, f"allowed keys: {listing(self.allowed)}"),
        )

    def has(self, key: str) -> bool:
        return key in self.node.value

    def get(self, key: str) -> Node | None:
        return self.node.value.get(key)

    def need(self, key: str, fix: str) -> Node:
        value = self.get(key)
        if value is None:
            raise self.node.error(f"{self.what} needs `{key}`", fix=fix)
        return value

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str | None:
        node = self.need(key, f"add `{key}: …`") if required else self.get(key)
        if node is None:
            return default
        return as_text(node, f"`{key}`")

    def integer(self, key: str, default: int | None, lo: int, hi: int) -> int | None:
        node = self.get(key)
        if node is None:
            return default
        return as_int(node, f"`{key}`", lo, hi)

    def boolean(self, key: str, default: bool) -> bool:
        node = self.get(key)
        if node is None:
            return default
        if not isinstance(node.value, bool):
            raise node.error(
                f"`{key}` must be true or false, not {type_name(node.value)}",
                fix="write true or false",
            )
        return node.value

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        node = self.get(key)
        if node is None:
            return default
        word = as_text(node, f"`{key}`")
        if word not in choices:
            raise node.error(
                f"`{key}` is `{word}`, which is not one of the allowed values",
                fix=suggest(word, choices, f"use one of: {', '.join(choices)}"),
            )
        return word

    def items(self, key: str, *, required: bool = False) -> list[Node]:
        node = self.need(key, f"add `{key}:` with a list") if required else self.get(key)
        if node is None:
            return []
        if not isinstance(node.value, list):
            raise node.error(
                f"`{key}` must be a list, not {type_name(node.value)}",
                fix="write one entry per line, each starting with `- `",
            )
        return node.value


def as_text(node: Node, what: str) -> str:
    """A YAML value as text (``label: 784`` reads as written: ``784``)."""
    value = node.value
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)) and node.raw is not None:
        return node.raw
    raise node.error(f"{what} must be text, not {type_name(value)}", fix="write it as text")


def as_int(node: Node, what: str, lo: int, hi: int) -> int:
    """A YAML value as a whole number from ``lo`` to ``hi``."""
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int):
        raise node.error(
            f"{what} must be a whole number, not {type_name(value)}",
            fix=f"write a number from {lo} to {hi}",
        )
    if not lo <= value <= hi:
        raise node.error(f"{what} is {value}, outside {lo}…{hi}", fix=f"use {lo} to {hi}")
    return value
