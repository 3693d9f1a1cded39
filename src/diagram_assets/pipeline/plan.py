"""Discovery and planning: every source under the source folders becomes a job with its outputs,
its inputs and a digest of them — without rendering anything."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config, Options
from ..errors import ConfigError, DiagramsError
from ..fsutil import TEMP_PREFIX
from .digest import FileHasher, hash_cache_file, job_digest, rel
from .kinds import KindPlan, SourceKind, all_kinds
from .lockfile import LockEntry, LockFile

SKIP_DIRS = {"node_modules", "__pycache__", ".git", ".venv", "venv", ".obsidian", ".trash"}
TEMP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".part", ".crdownload", ".bak", ".orig")


def is_temporary(name: str) -> bool:
    """Editor and download temporaries, backups, and our own partial writes."""
    return (
        name.startswith((".", "~$", "#", TEMP_PREFIX))
        or name.endswith(TEMP_SUFFIXES)
        or (name.startswith(".#"))
    )


@dataclass
class Job:
    """One source and what building it reads and writes."""

    source: str  # repo-relative POSIX path
    path: Path
    kind: SourceKind
    options: Options
    plan: KindPlan
    output_dir: str  # the output folder, repo-relative
    inputs: dict[str, str] = field(default_factory=dict)  # repo-relative path → content digest
    digest: str = ""

    @property
    def outputs(self) -> dict[str, str]:
        """Planned outputs: format or label → repo-relative path."""
        return {label: f"{self.output_dir}/{name}" for label, name in self.plan.outputs.items()}


@dataclass
class Plan:
    config: Config
    jobs: list[Job]
    problems: list[tuple[str, DiagramsError]]  # sources that could not be planned
    lock: LockFile
    hasher: FileHasher
    renderer: str

    def job(self, source: str) -> Job | None:
        return next((j for j in self.jobs if j.source == source), None)


def walk_sources(config: Config) -> Iterator[Path]:
    """Every file under the source folders, sorted, without hidden, temporary or excluded files."""
    root = config.root
    for folder in config.sources:
        top = root / folder
        if not top.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
            dirnames[:] = sorted(
                d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
            )
            for name in sorted(filenames):
                if is_temporary(name):
                    continue
                path = Path(dirpath) / name
                if config.excluded(rel(root, path)):
                    continue
                yield path


def discover(
    config: Config, kinds: list[SourceKind] | None = None
) -> list[tuple[Path, SourceKind]]:
    kinds = kinds if kinds is not None else all_kinds()
    found: list[tuple[Path, SourceKind]] = []
    for path in walk_sources(config):
        for kind in kinds:
            if kind.claims(path):
                found.append((path, kind))
                break
    return found


def output_prefix(config: Config, path: Path) -> str:
    """Where a source's outputs go inside the output folder: nowhere deeper in the flat layout;
    the source's sub-folders (below its source folder) in the mirror layout."""
    if config.layout != "mirror":
        return ""
    source_rel = rel(config.root, path)
    for folder in sorted(config.sources, key=len, reverse=True):
        base = "" if folder == "." else folder + "/"
        if source_rel.startswith(base):
            inner = source_rel[len(base) :]
            return inner.rsplit("/", 1)[0] + "/" if "/" in inner else ""
    return ""


def make_plan(
    config: Config,
    *,
    lock: LockFile | None = None,
    hasher: FileHasher | None = None,
    kinds: list[SourceKind] | None = None,
) -> Plan:
    """Plan every source: outputs, inputs, digests. Raises ConfigError when two sources would
    write the same output; sources that cannot be planned are listed in ``problems``."""
    hasher = hasher or FileHasher(hash_cache_file(config.root))
    lock = lock if lock is not None else LockFile.read(config.lock_path)
    from ..render.assets import renderer_identity

    renderer = renderer_identity()
    jobs: list[Job] = []
    problems: list[tuple[str, DiagramsError]] = []
    root_resolved = config.root.resolve()
    for path, kind in discover(config, kinds):
        source = rel(config.root, path)
        try:
            if not _inside(root_resolved, path):
                raise DiagramsError(
                    "is a link to a file outside the repository",
                    file=source,
                    fix="copy the file into the repository",
                )
            options = config.options_for(source)
            kind_plan = kind.plan(path, output_prefix(config, path), options, config)
            for extra in kind_plan.inputs:
                if not _inside(root_resolved, extra):
                    raise DiagramsError(
                        f"reads {extra}, which is outside the repository",
                        file=source,
                        fix="keep every file a source reads inside the repository",
                    )
        except DiagramsError as exc:
            problems.append((source, exc))
            continue
        job = Job(source, path, kind, options, kind_plan, config.output)
        compute_digest(job, config, lock.jobs.get(source), hasher, renderer)
        jobs.append(job)
    _check_collisions(jobs, config)
    return Plan(config, jobs, problems, lock, hasher, renderer)


def compute_digest(
    job: Job,
    config: Config,
    entry: LockEntry | None,
    hasher: FileHasher,
    renderer: str,
    discovered: Iterable[str] | None = None,
) -> None:
    """Fill ``job.inputs`` and ``job.digest``. Files found while building a source (images an
    Obsidian drawing embeds) are taken from ``discovered``, else from its lock entry."""
    root = config.root
    inputs = {job.source: hasher.file(job.path)}
    for extra in job.plan.inputs:
        inputs[rel(root, extra)] = hasher.file(extra)
    if discovered is None:
        discovered = entry.inputs if entry is not None and entry.kind == job.kind.name else ()
    for name in discovered:
        if name not in inputs and not Path(name).is_absolute() and ".." not in Path(name).parts:
            inputs[name] = hasher.file(root / name)
    job.inputs = inputs
    job.digest = job_digest(
        kind=job.kind.name,
        kind_version=f"{job.kind.version()} {job.plan.salt}".strip(),
        renderer=renderer if job.plan.uses_renderer else None,
        options={
            **{k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(job.options).items()},
            "outputs": sorted(job.outputs.values()),
        },
        inputs=inputs,
    )


def _inside(root_resolved: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root_resolved)
    except (ValueError, OSError):
        return False
    return True


def _check_collisions(jobs: list[Job], config: Config) -> None:
    owners: dict[str, tuple[str, str]] = {}
    lock_name = rel(config.root, config.lock_path).casefold()
    for job in jobs:
        for output in job.outputs.values():
            key = output.casefold()
            if key == lock_name:
                raise ConfigError(
                    f"{job.source} would write {output}, which is the lock file",
                    fix="rename the source",
                )
            if key in owners and owners[key][0] != job.source:
                other, other_output = owners[key]
                raise ConfigError(
                    f"{other} and {job.source} would both write {output}"
                    + (f" (and {other_output})" if other_output != output else ""),
                    fix='rename one of them, set `name:` in a spec, or use layout = "mirror"',
                )
            owners[key] = (job.source, output)
