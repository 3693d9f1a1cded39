"""``include:`` and ``patch:`` of a figure spec: one spec extending another."""

from __future__ import annotations

from pathlib import Path

from ..fields import as_text, listing, suggest, type_name
from ..specyaml import Node, load_spec_yaml
from .model import MAX_INCLUDE_DEPTH


def resolve_include(
    root: Node, path: Path, depth: int, reads: list[Path], boundary: Path | None = None
) -> Node:
    """Merge ``include:`` (recursively) into ``root``; apply ``patch:`` to the included items.

    With a ``boundary`` (the repository), an include that leads outside it — by ``..``, an
    absolute path or a symlink — is refused before anything there is opened."""
    if not isinstance(root.value, dict) or "include" not in root.value:
        if isinstance(root.value, dict) and "patch" in root.value:
            raise root.key_node("patch").error(
                "`patch` changes an included spec, but this spec has no `include`",
                fix="add `include: other.figure.yaml` or remove `patch`",
            )
        return root
    inc_node = root.value["include"]
    target = as_text(inc_node, "`include`")
    if depth >= MAX_INCLUDE_DEPTH:
        raise inc_node.error(
            f"includes are nested more than {MAX_INCLUDE_DEPTH} deep (a cycle?)",
            fix="include a spec that does not include this one",
        )
    try:
        base_path = (path.parent / target).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL character
        raise inc_node.error(
            f"the included spec `{target}` cannot be looked up ({exc})",
            fix="give a path relative to this spec's folder",
        ) from None
    if boundary is not None and not within(base_path, boundary):
        raise inc_node.error(
            f"the included spec `{target}` is outside the repository ({base_path})",
            fix="include a spec inside the repository, relative to this spec's folder",
        )
    if not base_path.is_file():
        raise inc_node.error(
            f"the included spec `{target}` does not exist (looked for {base_path})",
            fix="give a path relative to this spec's folder",
        )
    if base_path == path.resolve() or base_path in [p.resolve() for p in reads]:
        raise inc_node.error(
            f"`{target}` is included in a cycle",
            fix="include a spec that does not include this one",
        )
    reads.append(base_path)
    base = resolve_include(load(base_path), base_path, depth + 1, reads, boundary)
    if not isinstance(base.value, dict):
        raise base.error("the included spec must be a mapping")
    merged = dict(base.value)
    keys = dict(base.keys)
    for key, value in root.value.items():
        if key in ("include", "patch"):
            continue
        merged[key] = value
        keys[key] = root.keys[key]
    result = Node(merged, root.file, root.line, root.column, keys=keys)
    patch = root.value.get("patch")
    if patch is not None:
        _apply_patch(result, patch)
    return result


def _patchable(root: Node) -> dict[str, Node]:
    """Mappings with an `id` (or `column`) in the spec tree, by id."""
    found: dict[str, Node] = {}

    def walk(node: Node) -> None:
        if isinstance(node.value, dict):
            for key in ("id", "column"):
                ident = node.value.get(key)
                if ident is not None and isinstance(ident.value, str):
                    found.setdefault(ident.value, node)
            for child in node.value.values():
                walk(child)
        elif isinstance(node.value, list):
            for child in node.value:
                walk(child)

    for key in ("layers", "blocks"):
        if key in root.value:
            walk(root.value[key])
    return found


def _apply_patch(root: Node, patch: Node) -> None:
    if not isinstance(patch.value, dict):
        raise patch.error(
            f"`patch` must be a mapping of ids to changes, not {type_name(patch.value)}",
            fix="write `patch:` then `  some_id: {key: value}`",
        )
    targets = _patchable(root)
    for ident, change in patch.value.items():
        target = targets.get(ident)
        if target is None:
            raise patch.key_node(ident).error(
                f"`patch` names `{ident}`, which is not an id in the included spec",
                fix=suggest(ident, targets, f"known ids: {listing(targets)}"),
            )
        if not isinstance(change.value, dict):
            raise change.error(
                f"the patch for `{ident}` must be a mapping of keys to new values",
                fix="write `{key: value}`",
            )
        for key, value in change.value.items():
            target.value[key] = value
            target.keys[key] = change.keys[key]


def within(path: Path, boundary: Path) -> bool:
    return path == boundary or boundary in path.parents


def load(path: Path) -> Node:
    return load_spec_yaml(path, what="figure spec")
