"""Discovery and planning: every source under the source folders becomes a job with its outputs,
its inputs and a digest of them — without rendering anything."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NoReturn

from ..config import Config, glob_match
from ..errors import DiagramsError
from ..fsutil import TEMP_PREFIX, RootFolder, walk_files
from ..options import Options
from ..render.assets import renderer_identity
from ..scene.names import is_drawing_name
from .digest import MISSING, FileHasher, hash_cache_file, job_digest, rel
from .guards import (
    SetAside,
    check_collisions,
    check_output_folder,
    check_source_folders,
    exports_beside_drawings,
)
from .kinds import KindPlan, SourceKind, all_kinds
from .lockfile import LockEntry, LockFile, MadeWith

if TYPE_CHECKING:
    from ..notes.resolve import Vault

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
    made_with: MadeWith = field(default_factory=MadeWith)  # the code the digest names
    digest_options: dict[str, Any] = field(default_factory=dict)

    def digest_with(self, made_with: MadeWith) -> str:
        """The digest the same inputs and options would have, made with other code."""
        return job_digest(
            kind=self.kind.name,
            kind_version=made_with.kind,
            renderer=made_with.renderer,
            options=self.digest_options,
            inputs=self.inputs,
        )

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
    vault: Vault | None = None  # the repository's files, when planning scanned the notes
    set_aside: list[SetAside] = field(default_factory=list)  # exports beside their drawing

    def job(self, source: str) -> Job | None:
        return next((j for j in self.jobs if j.source == source), None)


def walk_sources(config: Config) -> Iterator[Path]:
    """Every file under the source folders, sorted, without hidden, temporary or excluded files."""
    root = config.root
    for folder in config.sources:
        top = root / folder
        if not top.is_dir():
            continue
        for dirpath, filenames in walk_files(top):
            for name in filenames:
                if is_temporary(name):
                    continue
                path = Path(dirpath) / name
                if config.excluded(rel(root, path)):
                    continue
                yield path


def discover(
    config: Config, kinds: list[SourceKind] | None = None
) -> list[tuple[Path, SourceKind]]:
    """Every source and the kind that claims it.

    A file that is a symlink leading out of the repository, or that is no regular file (a
    FIFO, a socket), is never opened here — some kinds read a file to decide whether they
    claim it. When its name looks like a source's it is listed with a kind that refuses it,
    so planning reports it; otherwise it is skipped like any file that is not a source.
    """
    kinds = kinds if kinds is not None else all_kinds()
    found: list[tuple[Path, SourceKind]] = []
    root = config.root.resolve()
    for path in walk_sources(config):
        refusal = _unreadable(root, path)
        if refusal is not None:
            if _named_like_a_source(path):
                found.append((path, _Refused(*refusal)))
            continue
        for kind in kinds:
            if kind.claims(path):
                found.append((path, kind))
                break
    return found


def _unreadable(root: Path, path: Path) -> tuple[str, str] | None:
    """Why ``path`` must not be opened (what, fix), or None when it is a plain file inside.

    The walk follows no symlinked folder, so only the file itself can lead elsewhere."""
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISREG(mode):
            return None
        real = path.resolve()
        st = real.stat()
    except FileNotFoundError:
        return ("is a broken symlink", "remove it, or point it at a file in the repository")
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a name too long
        return (f"cannot be looked up ({exc})", "rename or remove it")
    if real != root and root not in real.parents:
        return (
            "is a link to a file outside the repository",
            "copy the file into the repository",
        )
    if not stat.S_ISREG(st.st_mode):
        return ("is not a regular file", "remove it, or put a drawing or spec there")
    return None


def _named_like_a_source(path: Path) -> bool:
    name = path.name.lower()
    if is_drawing_name(path):
        return True
    if not name.endswith((".yaml", ".yml")):
        return False
    return (
        ".figure." in name
        or ".anim" in name
        or bool({"figures", "animations"} & set(path.parent.parts))
    )


class _Refused:
    """The kind of a source that must not be read (see :func:`discover`): planning fails."""

    name = "refused"

    def __init__(self, what: str, fix: str) -> None:
        self.what, self.fix = what, fix

    def version(self) -> str:
        return "refused"

    def claims(self, path: Path) -> bool:
        return False

    def source_options(
        self, path: Path, source: str, options: Options, config: Config, parts: Sequence[str]
    ) -> Options:
        raise DiagramsError(self.what, file=source, fix=self.fix)  # never reads the source

    def plan(self, path: Path, prefix: str, options: Options, config: Config) -> KindPlan:
        raise DiagramsError(self.what, file=rel(config.root, path), fix=self.fix)

    def run(self, path: Path, plan: KindPlan, options: Options, ctx: object) -> NoReturn:
        raise DiagramsError(self.what, file=path, fix=self.fix)


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
    """Plan every source: outputs, inputs, digests. Raises ConfigError when a configured source
    folder does not exist or two sources would write the same output; sources that cannot be
    planned are listed in ``problems``."""
    check_source_folders(config)
    check_output_folder(config)
    hasher = hasher or FileHasher(hash_cache_file(config.root))
    lock = lock if lock is not None else LockFile.read(config.lock_path)
    renderer = renderer_identity()
    jobs: list[Job] = []
    problems: list[tuple[str, DiagramsError]] = _drop_foreign_outputs(config, lock)
    repository = RootFolder(config.root)
    found, set_aside = exports_beside_drawings(config, discover(config, kinds))
    vault, referenced = _embedded_parts(config, found, lock)
    for path, kind in found:
        source = rel(config.root, path)
        try:
            if not repository.holds(path):
                raise DiagramsError(
                    "is a link to a file outside the repository",
                    file=source,
                    fix="copy the file into the repository",
                )
            parts = tuple(sorted(referenced.get(source, ())))
            options = kind.source_options(path, source, config.options_for(source), config, parts)
            kind_plan = kind.plan(path, output_prefix(config, path), options, config)
            for extra in kind_plan.inputs:
                if not repository.holds(extra):
                    raise DiagramsError(
                        f"reads {extra}, which is outside the repository",
                        file=source,
                        fix="keep every file a source reads inside the repository",
                    )
            for name in kind_plan.outputs.values():
                if output_file(config, f"{config.output}/{name}") is None:
                    raise DiagramsError(
                        f"would write {config.output}/{name}, which is a symlink or lies in "
                        "a symlinked folder (it could lead out of the output folder)",
                        file=source,
                        fix=f"make {config.output}/ a plain folder, without symlinks in it",
                    )
        except DiagramsError as exc:
            problems.append((source, exc))
            continue
        job = Job(source, path, kind, options, kind_plan, config.output)
        compute_digest(job, config, lock.jobs.get(source), hasher, renderer)
        jobs.append(job)
    check_collisions(jobs, config)
    return Plan(config, jobs, problems, lock, hasher, renderer, vault=vault, set_aside=set_aside)


def _embedded_parts(
    config: Config, found: list[tuple[Path, SourceKind]], lock: LockFile
) -> tuple[Vault | None, dict[str, set[str]]]:
    """The parts of drawings the notes embed (``#^group=<id>``…), by source; and the vault
    scanned to find them (None when links are off, there are no notes or no drawings)."""
    if not (config.links.enabled and config.notes and any(is_drawing_name(p) for p, _ in found)):
        return None, {}
    from ..notes.parts import referenced_parts  # lazy: repositories without notes skip it
    from ..notes.resolve import Vault  # lazy: see above

    vault = Vault.scan(config.root)
    sources = {rel(config.root, path) for path, _ in found}
    out = config.output + "/"
    notes = [
        f
        for f in sorted(vault.files)
        if f.lower().endswith(".md")
        and f not in sources
        and not f.startswith(out)
        and not config.excluded(f)
        and any(glob_match(f, pattern) for pattern in config.notes)
    ]
    made: dict[str, tuple[str, str | None]] = {}
    for source, entry in lock.jobs.items():
        framed = {p for paths in entry.frames.values() for p in paths.values()}
        made.update((out, (source, None)) for out in entry.outputs if out not in framed)
        for key, paths in entry.parts.items():
            made.update((out, (source, key)) for out in paths.values())
    return vault, referenced_parts(vault, notes, sources, made)


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
    repository = RootFolder(root)
    for name in discovered:
        if name not in inputs and not Path(name).is_absolute() and ".." not in Path(name).parts:
            # a lock file may name anything: what leads out of the repository is not read
            path = root / name
            inputs[name] = hasher.file(path) if repository.holds(path) else MISSING
    job.inputs = inputs
    job.made_with = MadeWith(
        kind=f"{job.kind.version()} {job.plan.salt}".strip(),
        renderer=renderer if job.plan.uses_renderer else None,
    )
    job.digest_options = {**job.options.digest_fields(), "outputs": sorted(job.outputs.values())}
    job.digest = job.digest_with(job.made_with)


def _drop_foreign_outputs(config: Config, lock: LockFile) -> list[tuple[str, DiagramsError]]:
    """Forget outputs the lock file lists that are no files of the output folder (see
    :func:`output_file`), so nothing there is read, compared or removed; one problem each."""
    problems: list[tuple[str, DiagramsError]] = []
    lock_name = rel(config.root, config.lock_path)
    for source, entry in lock.jobs.items():
        foreign = [out for out in entry.outputs if output_file(config, out) is None]
        for out in foreign:
            del entry.outputs[out]
            problems.append(
                (
                    lock_name,
                    DiagramsError(
                        f"lists {out} as an output of {source}, but that is no file in the "
                        f"output folder {config.output}/ (a symlink leading out?): left alone",
                        file=lock_name,
                        fix="remove the symlink, or delete the lock file and build again",
                    ),
                )
            )
        if foreign:
            entry.frames = {
                name: {f: p for f, p in paths.items() if p in entry.outputs}
                for name, paths in entry.frames.items()
            }
            entry.dark = {
                a: b for a, b in entry.dark.items() if a in entry.outputs and b in entry.outputs
            }
            entry.parts = {
                key: {f: p for f, p in paths.items() if p in entry.outputs}
                for key, paths in entry.parts.items()
            }
    return problems


def output_file(config: Config, output: str) -> Path | None:
    """The file of a repo-relative output path when it really is one: under the output folder,
    without ``..``, and with no symlink in it below the output folder (neither the file nor a
    folder on the way). None for anything else — a lock file can name any path, and an output
    folder may hold a link leading out: such a path is never read, written or removed."""
    pure = PurePosixPath(output)
    prefix = config.output + "/"
    if pure.is_absolute() or ".." in pure.parts or not output.startswith(prefix):
        return None
    if "\0" in output:
        return None
    path = config.output_dir
    for part in PurePosixPath(output[len(prefix) :]).parts:
        path = path / part
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            break  # not made yet: nothing below it can be a link either
        except (OSError, ValueError):
            return None
        if stat.S_ISLNK(st.st_mode):
            return None
    return config.root / output
