"""Safe YAML loading that keeps where every value came from (file, line, column).

Specs are composed with PyYAML's safe loader into a tree of :class:`Node` objects. Every node
remembers its file and its 1-based line and column, and mappings remember where each key was
written, so validation can say exactly where a problem is. Only the plain YAML types are
accepted (text, numbers, booleans, null, lists, mappings): any other tag, such as
``!!python/object``, is refused. Duplicate keys are refused too, and aliases cannot blow up
the tree (the number of nodes is bounded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecError
from ..fsutil import read_bytes_limited

MAX_SPEC_BYTES = 1_000_000
MAX_NODES = 100_000
MAX_DEPTH = 64

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass
class Node:
    """One YAML value with its position. ``value`` is a dict of Nodes, a list of Nodes or a scalar.

    ``raw`` is the text of a scalar as written (so ``label: 784`` can still be read as text);
    ``keys`` maps each key of a mapping to the Node of the key itself (for its position).
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


def _place_of(mark: Any) -> str | None:
    if mark is None:
        return None
    return f"line {mark.line + 1}, column {mark.column + 1}"


def load_yaml(path: Path) -> Node:
    """Read ``path`` and compose it into a Node tree, or raise SpecError saying where and why."""
    data = read_bytes_limited(path, MAX_SPEC_BYTES, what="figure spec", error=SpecError)
    return parse_yaml(data, path)


def parse_yaml(data: bytes, path: Path) -> Node:
    """Compose YAML bytes (UTF-8) into a Node tree. Empty documents are an error."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecError(
            "the file is not valid UTF-8 text",
            file=path,
            place=f"line {line}, column {column}",
            fix="save the spec as UTF-8",
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, path) from None
    try:
        root = loader.get_single_node()
        if root is None:
            raise SpecError(
                "the spec is empty",
                file=path,
                fix="write a mapping with `layers:` or `blocks:` (see SPEC.md of the figures)",
            )
        counter = [0]
        return _convert(loader, root, path, counter, 0)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, path) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise SpecError(
            f"YAML syntax error: {problem}",
            file=path,
            place=_place_of(mark),
            fix="fix the YAML syntax at that place (indentation, quotes, colons)",
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"cannot read YAML: {exc}", file=path) from None
    except RecursionError:
        raise SpecError("the spec is nested too deeply", file=path) from None
    finally:
        loader.dispose()


def _reader_error(exc: yaml.reader.ReaderError, text: str, path: Path) -> SpecError:
    """A character YAML does not allow (control characters): say where it is."""
    position = max(0, min(exc.position, len(text)))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return SpecError(
        f"the character U+{exc.character:04X} is not allowed in YAML",
        file=path,
        place=f"line {line}, column {column}",
        fix="remove it (control characters cannot appear in a spec)",
    )


def _convert(
    loader: yaml.SafeLoader, node: yaml.Node, path: Path, counter: list[int], depth: int
) -> Node:
    counter[0] += 1
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if counter[0] > MAX_NODES:
        raise SpecError(
            f"the spec has more than {MAX_NODES} values (aliases expanding?)",
            file=path,
            place=f"line {line}, column {column}",
        )
    if depth > MAX_DEPTH:
        raise SpecError(
            "the spec is nested too deeply", file=path, place=f"line {line}, column {column}"
        )
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise _bad_tag(node, path)
        loader.flatten_mapping(node)  # resolves `<<:` merge keys
        result: dict[str, Node] = {}
        keys: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = _convert(loader, key_node, path, counter, depth + 1)
            if not isinstance(key.value, str):
                raise key.error(
                    f"a key must be text, not {type_name(key.value)}",
                    fix="write the key as a plain word",
                )
            if key.value in result:
                first = keys[key.value]
                raise key.error(
                    f"duplicate key `{key.value}` (first at {first.place})",
                    fix="keep one of them",
                )
            keys[key.value] = key
            result[key.value] = _convert(loader, value_node, path, counter, depth + 1)
        return Node(result, path, line, column, keys=keys)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise _bad_tag(node, path)
        items = [_convert(loader, item, path, counter, depth + 1) for item in node.value]
        return Node(items, path, line, column)
    if node.tag not in _PLAIN_TAGS:
        raise _bad_tag(node, path)
    if node.tag == "tag:yaml.org,2002:timestamp":
        value: Any = str(node.value)  # dates are just text in a figure spec
    else:
        value = loader.construct_object(node, deep=True)
    return Node(value, path, line, column, raw=str(node.value))


def _bad_tag(node: yaml.Node, path: Path) -> SpecError:
    return SpecError(
        f"the YAML tag `{node.tag}` is not allowed",
        file=path,
        place=f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}",
        fix="use plain text, numbers, lists and mappings only (no `!` tags)",
    )


def type_name(value: Any) -> str:
    """A reader's name for the type of a YAML value."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
