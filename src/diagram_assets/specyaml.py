"""YAML specs with positions: the one safe loader of figure and animation specs.

A spec is composed with PyYAML's safe loader into a tree of :class:`Node` objects. Every node
remembers its file and its 1-based line and column, and a mapping remembers where each of its
keys was written, so validation can say exactly where a problem is
(``diagrams/a.figure.yaml: line 4, column 11: …``).

What is refused, always with the place:

* any tag but the plain YAML types: text, numbers, booleans, null, lists and mappings
  (``!!python/object``, ``!!binary``, ``!!set``, custom ``!tags`` …); dates stay text;
* duplicate keys (YAML would let the last one win silently, which hides mistakes) and keys
  that are lists or mappings;
* alias bombs (at most :data:`MAX_NODES` values once aliases are expanded) and nesting deeper
  than :data:`MAX_DEPTH`;
* control characters, text that is not UTF-8, and values PyYAML cannot build (``0b_``).

Mapping keys are the key's text as written (``3: 500`` has the key ``"3"``); the key's own
Node (``node.keys["3"]``) holds its typed value (``3``) and position. Merge keys (``<<:``)
work as in YAML: the mapping's own keys win. An empty document (nothing, or only comments)
gives a Node whose value is None; callers decide what that means.

Public API::

    load_spec_yaml(path, *, what="spec") -> Node     # read (size-limited) and parse
    parse_spec_yaml(data, path) -> Node              # bytes or text → Node
    Node.value / .raw / .keys / .place / .error(what, fix) / .key_node(key)
    Node.plain()                                     # plain Python data, positions dropped

Reading a spec's mappings against their declared keys: :mod:`diagram_assets.fields`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecError
from .fsutil import decode_utf8, read_bytes_limited

MAX_SPEC_BYTES = 1 << 20
MAX_NODES = 100_000  # aliases can multiply a small file into a huge tree
MAX_DEPTH = 64

_YAML = "tag:yaml.org,2002:"
# LibYAML's composer when PyYAML has it (0.6 vs 9.6 ms for the Transformer figure's spec);
# its nodes carry the same marks
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALAR_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_MERGE = _YAML + "merge"


@dataclass
class Node:
    """One YAML value with its position. ``value`` is a dict of Nodes, a list of Nodes or a
    scalar (str, int, float, bool or None).

    ``raw`` is the text of a scalar as written (so ``label: 784`` can still be read as text);
    ``keys`` maps each key of a mapping to the Node of the key itself (its typed value and
    position).
    """

    value: Any
    file: Path
    line: int
    column: int
    raw: str | None = None
    keys: dict[str, Node] = field(default_factory=dict)

    @property
    def place(self) -> str:
        return f"line {self.line}, column {self.column}"

    def error(self, what: str, fix: str | None = None) -> SpecError:
        return SpecError(what, file=self.file, place=self.place, fix=fix)

    def key_node(self, key: str) -> Node:
        """The node of a mapping's key (its position), or this node when the key is absent."""
        return self.keys.get(key, self)

    def plain(self) -> Any:
        """The value as plain Python data (dicts, lists, scalars), positions dropped."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


def load_spec_yaml(path: Path, *, what: str = "spec") -> Node:
    """Read ``path`` (at most :data:`MAX_SPEC_BYTES`) and parse it; SpecError on any problem."""
    data = read_bytes_limited(Path(path), MAX_SPEC_BYTES, what=what, error=SpecError)
    return parse_spec_yaml(data, Path(path))


def parse_spec_yaml(data: bytes | str, path: Path) -> Node:
    """Compose one YAML document (UTF-8 bytes, or text) into a Node tree."""
    text = _decode(data, path) if isinstance(data, bytes) else data
    if text.startswith("\ufeff"):
        text = text[1:]
    loader: yaml.SafeLoader | None = None
    try:
        loader = _LOADER(text)
        root = loader.get_single_node()
        if root is None:
            return Node(None, path, 1, 1)
        last_line = len(_BREAK.findall(text)) + 1
        return _Converter(loader, path, last_line).convert(root, 0)
    except yaml.reader.ReaderError as exc:
        position = exc.position
        if _LOADER is not yaml.SafeLoader:  # LibYAML counts UTF-8 bytes, not characters
            position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
        raise _reader_error(exc, position, text, path) from None
    except yaml.constructor.ConstructorError as exc:
        raise _marked_error(exc, "cannot read YAML", path) from None
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in (exc.problem or ""):  # LibYAML's own limit
            raise SpecError(
                "the spec is nested too deeply",
                file=path,
                place=_place_of(exc.problem_mark),
                fix="flatten the lists and mappings",
            ) from None
        raise _marked_error(exc, "YAML syntax error", path) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"cannot read YAML: {exc}", file=path) from None
    except RecursionError:
        raise SpecError(
            "the spec is nested too deeply", file=path, fix="flatten the lists and mappings"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def _decode(data: bytes, path: Path) -> str:
    return decode_utf8(
        data,
        file=path,
        what="the file is not valid UTF-8 text",
        fix="save the spec as UTF-8",
        error=SpecError,
    )


def _place_of(mark: yaml.Mark | None) -> str | None:
    return None if mark is None else f"line {mark.line + 1}, column {mark.column + 1}"


def _marked_error(exc: yaml.MarkedYAMLError, what: str, path: Path) -> SpecError:
    problem = exc.problem or exc.context or "invalid YAML"
    return SpecError(
        f"{what}: {problem}",
        file=path,
        place=_place_of(exc.problem_mark or exc.context_mark),
        fix="fix the YAML syntax at that place (indentation, quotes, colons)",
    )


def _reader_error(exc: yaml.reader.ReaderError, position: int, text: str, path: Path) -> SpecError:
    """A character YAML does not allow (control characters) at character ``position``."""
    line, column = _line_column(text, max(0, min(position, len(text))))
    return SpecError(
        f"the character U+{exc.character:04X} is not allowed in YAML",
        file=path,
        place=f"line {line}, column {column}",
        fix="remove it (control characters cannot appear in a spec)",
    )


_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a line break


def _line_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of ``text[position]``, counting lines as YAML's marks do."""
    line, start = 1, 0
    for m in _BREAK.finditer(text, 0, position):
        line, start = line + 1, m.end()
    return line, position - start + 1


class _Converter:
    """PyYAML's composed nodes → Nodes, counting values (aliases included) as it goes."""

    def __init__(self, loader: yaml.SafeLoader, path: Path, last_line: int) -> None:
        self.loader = loader
        self.path = path
        self.last_line = last_line  # LibYAML places an empty value at the end of `?` past the text
        self.count = 0

    def _error(self, node: yaml.Node, what: str, fix: str | None = None) -> SpecError:
        return SpecError(what, file=self.path, place=_place_of(node.start_mark), fix=fix)

    def convert(self, node: yaml.Node, depth: int) -> Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise self._error(
                node,
                f"the spec has more than {MAX_NODES} values (aliases expanding?)",
                fix="write the values out instead of repeating aliases of aliases",
            )
        if depth > MAX_DEPTH:
            raise self._error(
                node, "the spec is nested too deeply", fix="flatten the lists and mappings"
            )
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if line > self.last_line:
            line, column = self.last_line, 1
        if isinstance(node, yaml.MappingNode) and node.tag == _YAML + "map":
            values, keys = self._mapping(node, depth)
            return Node(values, self.path, line, column, keys=keys)
        if isinstance(node, yaml.SequenceNode) and node.tag == _YAML + "seq":
            items = [self.convert(item, depth + 1) for item in node.value]
            return Node(items, self.path, line, column)
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _SCALAR_TAGS:
            raise self._error(
                node,
                f"the YAML tag `{node.tag}` is not allowed",
                fix="use plain text, numbers, lists and mappings only (no `!` tags)",
            )
        if node.tag == _YAML + "timestamp":
            return Node(node.value, self.path, line, column, raw=node.value)  # dates are text
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError):
            raise self._error(
                node,
                f"`{node.value}` looks like a number but is not one",
                fix="write the number out, or quote the value to make it text",
            ) from None
        return Node(value, self.path, line, column, raw=node.value)

    def _mapping(
        self, node: yaml.MappingNode, depth: int
    ) -> tuple[dict[str, Node], dict[str, Node]]:
        first: dict[str, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self._key_text(key_node)
            if key in first:
                raise self._error(
                    key_node,
                    f"duplicate key `{key}` (first at {_place_of(first[key].start_mark)})",
                    fix="keep one of them",
                )
            first[key] = key_node
        # merged entries come first, the mapping's own last: its own keys win
        self.loader.flatten_mapping(node)
        values: dict[str, Node] = {}
        keys: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = self._key_text(key_node)
            keys[key] = self.convert(key_node, depth + 1)
            values[key] = self.convert(value_node, depth + 1)
        return values, keys

    def _key_text(self, key_node: yaml.Node) -> str:
        if not isinstance(key_node, yaml.ScalarNode):
            kind = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
            raise self._error(
                key_node,
                f"a key must be a plain name, not {kind}",
                fix="write the key as a plain word",
            )
        return str(key_node.value)
