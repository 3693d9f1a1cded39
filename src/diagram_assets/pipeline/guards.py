"""What planning refuses or sets aside, so that `check` never says "all current" about a
repository it did not look at: source folders that do not exist, exports lying beside the
drawing they were exported from, and two sources that would write one output."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from ..config import Config
from ..errors import ConfigError, ConfigErrors
from ..fields import did_you_mean
from .digest import rel
from .kinds import SourceKind


class Job(Protocol):
    """What the collision check needs of a planned job (``plan.Job``)."""

    source: str
    kind: SourceKind

    @property
    def outputs(self) -> dict[str, str]: ...


_EXPORT_SUFFIXES = (".excalidraw.png", ".excalidraw.svg")
_DRAWING_SUFFIXES = ("", ".md", ".json")  # after ".excalidraw"


def key_place(config: Config, key: str) -> str:
    """How a top-level key is named in errors: ``tool.diagrams.sources`` in a pyproject.toml."""
    pyproject = config.file is not None and config.file.name == "pyproject.toml"
    return f"tool.diagrams.{key}" if pyproject else key


def config_file_shown(config: Config) -> str | Path | None:
    if config.file is None:
        return None
    return rel(config.root, config.file) if config.file.is_relative_to(config.root) else config.file


def check_source_folders(config: Config) -> None:
    """Every folder `sources` names exists (when the config sets `sources`): a misspelt folder
    would otherwise be an empty repository, all current."""
    if "sources" not in config.given:
        return
    errors: list[ConfigError] = []
    for folder in config.sources:
        path = config.root / folder
        if path.is_dir():
            continue
        if path.exists():
            what = f"{folder!r} is a file, not a folder"
        else:
            what = f"the folder {folder!r} does not exist"
        near = _near_folder(config.root, folder)
        errors.append(
            ConfigError(
                what,
                file=config_file_shown(config),
                place=key_place(config, "sources"),
                fix=f"{near + ' ' if near else ''}list folders that hold your drawings and "
                f"specs, relative to {config.root}",
            )
        )
    if errors:
        raise errors[0] if len(errors) == 1 else ConfigErrors(errors)


def check_output_folder(config: Config) -> None:
    """The output folder, or a folder on the way to it, is no file (it is made when missing)."""
    path = config.root
    for part in PurePosixPath(config.output).parts:
        path = path / part
        if path.exists() and not path.is_dir():
            shown = rel(config.root, path)
            raise ConfigError(
                f"the output folder {config.output}/ cannot be made: {shown} is a file"
                if shown != config.output
                else f"{config.output!r} is a file, not a folder",
                file=config_file_shown(config),
                place=key_place(config, "output"),
                fix=f"move or rename the file {shown}, or set `output` to another folder",
            )


def _near_folder(root: Path, folder: str) -> str:
    parent = (root / folder).parent
    try:
        names = [p.name for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return ""
    near = did_you_mean(PurePosixPath(folder).name, names)
    if not near or parent == root:
        return near
    return near.replace("`", f"`{rel(root, parent)}/", 1)


@dataclass(frozen=True)
class SetAside:
    """An export lying beside the drawing it came from: the drawing is built, not the export."""

    export: str  # repo-relative
    drawing: str


def exports_beside_drawings(
    config: Config, found: Sequence[tuple[Path, SourceKind]]
) -> tuple[list[tuple[Path, SourceKind]], list[SetAside]]:
    """Split off ``x.excalidraw.png|svg`` whose drawing ``x.excalidraw`` (or ``.excalidraw.md``,
    ``.excalidraw.json``) is a source in the same folder: both would write ``x.svg``, and the
    export is only a picture of the drawing."""
    names = {(path.parent, path.name.lower()): path for path, _ in found}
    kept: list[tuple[Path, SourceKind]] = []
    aside: list[SetAside] = []
    for path, kind in found:
        lower = path.name.lower()
        drawing = None
        if kind.name == "drawing" and lower.endswith(_EXPORT_SUFFIXES):
            base = lower[: -len(".png")]  # ".png" and ".svg" are as long
            drawing = next(
                (
                    names[(path.parent, base + s)]
                    for s in _DRAWING_SUFFIXES
                    if (path.parent, base + s) in names
                ),
                None,
            )
        if drawing is None:
            kept.append((path, kind))
        else:
            aside.append(SetAside(rel(config.root, path), rel(config.root, drawing)))
    return kept, aside


def set_aside_line(aside: Sequence[SetAside]) -> str:
    """The one info line saying which exports were skipped."""
    shown = ", ".join(a.export for a in aside[:4])
    more = f" and {len(aside) - 4} more" if len(aside) > 4 else ""
    return (
        f"skipped {len(aside)} export(s) beside their drawing ({shown}{more}): the drawing is "
        "the source — add the exports to `exclude` to say so"
    )


def check_collisions(jobs: Sequence[Job], config: Config) -> None:
    """Refuse two sources writing one output (or the lock file), naming every group of sources
    that would write the same files, in one run."""
    lock_name = rel(config.root, config.lock_path).casefold()
    errors: list[ConfigError] = []
    writers: dict[str, list[tuple[Job, str]]] = {}
    for job in jobs:
        for output in job.outputs.values():
            key = output.casefold()
            if key == lock_name:
                errors.append(
                    ConfigError(
                        f"{job.source} would write {output}, which is the lock file",
                        fix="rename the source, or add it to `exclude`",
                    )
                )
            elif all(other.source != job.source for other, _ in writers.get(key, [])):
                writers.setdefault(key, []).append((job, output))
    groups: dict[tuple[str, ...], tuple[list[Job], list[str]]] = {}
    for shared in writers.values():
        if len(shared) > 1:
            sources = tuple(job.source for job, _ in shared)
            group = groups.setdefault(sources, ([job for job, _ in shared], []))
            group[1].append(shared[-1][1])
    for (*others, last), (group_jobs, outputs) in groups.items():
        names = f"{', '.join(others)} and {last}"
        more = f" (and {', '.join(outputs[1:])})" if len(outputs) > 1 else ""
        errors.append(
            ConfigError(
                f"{names} would {'both' if not others[1:] else 'all'} write {outputs[0]}{more}",
                fix=_collision_fix(group_jobs, config),
            )
        )
    if errors:
        raise errors[0] if len(errors) == 1 else ConfigErrors(errors)


def _collision_fix(jobs: Sequence[Job], config: Config) -> str:
    ways = ["rename one of them"]
    if any(job.kind.name in ("figure", "animation") for job in jobs):
        ways.append("set `name:` in the spec")
    folders = {PurePosixPath(job.source).parent for job in jobs}
    if config.layout != "mirror" and len(folders) > 1:
        ways.append('use layout = "mirror"')
    ways.append("add one to `exclude`")
    return ", ".join(ways[:-1]) + ", or " + ways[-1]
