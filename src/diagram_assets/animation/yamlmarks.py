"""YAML with positions: plain Python values plus the line and column of every value.

Errors about a spec name the place that is wrong (``line 4, column 11``), so the loader keeps
a map from each value's path (``("durations", "intro.png")``, ``("images", 2)``) to its mark.
Only YAML's safe types are built; duplicate keys are refused (YAML itself allows the last one
to win silently, which hides mistakes).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecError

PathKey = tuple[Hashable, ...]
MAX_NODES = 100_000  # aliases can multiply a small file into a huge tree


@dataclass
class MarkedYaml:
    value: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)  # 1-based line, column
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)  # of mapping keys

    def key_place(self, path: PathKey) -> str:
        """``line L, column C`` of the key that names ``path`` (else of its value)."""
        if path in self.key_marks:
            line, column = self.key_marks[path]
            return f"line {line}, column {column}"
        return self.place(path)

    def place(self, path: PathKey) -> str:
        """``line L, column C`` of the value at ``path`` (or of its nearest parent)."""
        while path not in self.marks and path:
            path = path[:-1]
        line, column = self.marks.get(path, (1, 1))
        return f"line {line}, column {column}"


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load_marked_yaml(text: str, file: Path) -> MarkedYaml:
    """Parse one YAML document; SpecError with its line and column on any problem."""
    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return MarkedYaml(None, {(): (1, 1)})
        doc = MarkedYaml(None)
        _walk(node, (), doc, file, [0])
        doc.value = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        what = exc.problem or exc.context or "not valid YAML"
        raise SpecError(f"not valid YAML: {what}", file=file, place=place) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        place = f"line {before.count(chr(10)) + 1}, column {len(before.rsplit(chr(10), 1)[-1]) + 1}"
        raise SpecError(
            f"not valid YAML: character #x{exc.character:04x} is not allowed",
            file=file,
            place=place,
            fix="remove control characters from the file",
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"not valid YAML: {exc}", file=file) from None
    except RecursionError:
        raise SpecError("YAML nested too deeply", file=file) from None
    finally:
        if loader is not None:
            loader.dispose()
    return doc


def _walk(node: yaml.Node, path: PathKey, doc: MarkedYaml, file: Path, count: list[int]) -> None:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise SpecError(f"more than {MAX_NODES} YAML values (aliases?)", file=file)
    doc.marks.setdefault(path, _mark(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[Hashable, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, column = _mark(key_node)
                raise SpecError(
                    "a key must be a plain name", file=file, place=f"line {line}, column {column}"
                )
            key = key_node.value
            if key in seen:
                line, column = _mark(key_node)
                first = seen[key][0]
                raise SpecError(
                    f"`{key}` is given twice (first on line {first})",
                    file=file,
                    place=f"line {line}, column {column}",
                    fix="keep one of them",
                )
            seen[key] = _mark(key_node)
            doc.key_marks.setdefault((*path, key), _mark(key_node))
            _walk(value_node, (*path, key), doc, file, count)
            # integer-looking keys (durations: {3: 800}) are looked up as ints too
            if key.lstrip("-").isdigit():
                doc.marks.setdefault((*path, int(key)), _mark(value_node))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), doc, file, count)
