"""The pipeline's note step: point note links at current outputs (build, links) or report
links that are not current (check). The link rewriting itself is `diagram_assets.notes`."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config, glob_match
from ..errors import ConfigError, ConfigErrors
from .guards import config_file_shown, key_place
from .plan import Plan
from .status import Notice, Problem, notice_of

if TYPE_CHECKING:
    from ..notes import LinkOptions, NoteResult, OutputSet


def markdown_files(config: Config, plan: Plan, files: Collection[str]) -> list[str]:
    """The Markdown files that may be notes: not sources (Obsidian drawings are Markdown too),
    nothing in the output folder, nothing excluded."""
    sources = {job.source for job in plan.jobs} | {source for source, _ in plan.problems}
    out = config.output + "/"
    return [
        f
        for f in sorted(files)
        if f.lower().endswith(".md")
        and f not in sources
        and not f.startswith(out)
        and not config.excluded(f)
    ]


def note_paths(config: Config, plan: Plan, files: Collection[str]) -> list[str]:
    """The notes: Markdown files matching `notes` (see :func:`markdown_files`)."""
    return [
        f
        for f in markdown_files(config, plan, files)
        if any(glob_match(f, pattern) for pattern in config.notes)
    ]


def check_note_globs(plan: Plan, files: Collection[str] | None = None) -> None:
    """Every glob the config's `notes` sets matches a note (when links are enabled and the
    repository has Markdown files): a misspelt glob would otherwise leave notes unchecked, all
    current. ``files``: the repository's files, when already scanned."""
    config = plan.config
    if "notes" not in config.given or not config.links.enabled:
        return
    if files is None:
        from ..notes.resolve import Vault  # lazy: see `rewrite_links`

        files = Vault.scan(config.root).files
    candidates = markdown_files(config, plan, files)
    if not candidates:
        return  # no Markdown file at all: no note goes unchecked (a repository without notes)
    errors = [
        ConfigError(
            f"the glob {pattern!r} matches no note (of the {len(candidates)} Markdown "
            f"file(s) outside the sources and the output folder, e.g. {candidates[0]})",
            file=config_file_shown(config),
            place=key_place(config, "notes"),
            fix="fix the glob (paths are relative to the repository's root; ** spans "
            "folders), or remove it",
        )
        for pattern in config.notes
        if not any(glob_match(f, pattern) for f in candidates)
    ]
    if errors:
        raise errors[0] if len(errors) == 1 else ConfigErrors(errors)


def output_sets(plan: Plan) -> list[OutputSet]:
    """What each source made, from the lock file: whole-image outputs by format, and frames."""
    from ..notes import OutputSet  # lazy: a repository without notes never loads `notes`

    sets = []
    for source, entry in sorted(plan.lock.jobs.items()):
        twins = set(entry.dark.values())
        framed = {
            path
            for mapping in (entry.frames, entry.parts)
            for paths in mapping.values()
            for path in paths.values()
        }
        outputs = {
            path.rsplit(".", 1)[-1]: path
            for path in sorted(entry.outputs)
            if path not in framed and path not in twins
        }
        sets.append(
            OutputSet(
                source=source,
                outputs=outputs,
                frames=entry.frames,
                frame_ids=entry.frame_ids,
                dark=entry.dark,
                parts=entry.parts,
            )
        )
    return sets


def link_options(config: Config) -> LinkOptions:
    from ..notes import LinkOptions  # lazy: see `output_sets`

    links = config.links
    return LinkOptions(
        formats=links.format,
        wikilinks=links.wikilinks,
        normalise=links.normalise,
        picture=links.picture,
    )


def rewrite_links(
    plan: Plan, *, notes: Sequence[str] | None = None, dry_run: bool = False
) -> list[NoteResult]:
    """Rewrite (or, dry, compute) the links of every note, or of ``notes``."""
    config = plan.config
    if not config.links.enabled or (notes is None and not config.notes):
        return []
    from ..notes.resolve import Vault  # lazy: links disabled or no notes: not loaded

    # a dry run (check) uses the files planning listed; a build lists them after writing
    vault = plan.vault if dry_run and plan.vault is not None else Vault.scan(config.root)
    if notes is None:
        check_note_globs(plan, vault.files)
    chosen = list(notes) if notes is not None else note_paths(config, plan, sorted(vault.files))
    if not chosen:
        return []  # no note: the Markdown parser is not even imported
    from ..notes import rewrite_notes_on_disk  # lazy: see above

    return rewrite_notes_on_disk(
        config.root, chosen, vault, output_sets(plan), link_options(config), dry_run=dry_run
    )


_MISSING = re.compile(
    r"(?:image target not found: (?P<url>.+)|embedded file not found: !\[\[(?P<wiki>.+)\]\])$"
)


def missing_output(config: Config, note: str, notice: Notice) -> str | None:
    """The output an image link of ``note`` points at when the warning says that file is
    missing and it lies in the output folder (its source was deleted or renamed): a broken embed
    the tool left, an error rather than a warning. None for any other warning."""
    message = notice.message.split(" — ", 1)[0]
    m = _MISSING.match(message)
    if m is None:
        return None
    from ..notes.targets import decode_markdown  # lazy: only with a missing image

    if m.group("url") is not None:
        path = decode_markdown(m.group("url")).path
        if path.startswith("/"):
            target = path.lstrip("/")
        else:
            target = posixpath.join(posixpath.dirname(note), path)
    else:
        name = m.group("wiki").split("|", 1)[0].split("#", 1)[0].strip()
        target = name if "/" in name else f"{config.output}/{name}"  # flat: where outputs go
    target = posixpath.normpath(target)
    return target if target.startswith(config.output + "/") else None


def removed_output_problem(note: str, notice: Notice, output: str) -> Problem:
    return Problem(
        note,
        "link",
        f"embeds {output}, which no longer exists (was its source deleted or renamed?)",
        line=notice.line,
        fix="restore the source, or point the embed at another image or remove it",
    )


def note_problems(plan: Plan) -> tuple[list[Problem], list[Notice]]:
    """Links that are not current, embeds of outputs that are gone, and notes that cannot be
    processed (problems), and links to other missing files (warnings), for `check`."""
    problems: list[Problem] = []
    warnings: list[Notice] = []
    for result in rewrite_links(plan, dry_run=True):
        for text in result.warnings:
            notice = notice_of(text, result.note)
            output = missing_output(plan.config, result.note, notice)
            if output is None:
                warnings.append(notice)
            else:
                problems.append(removed_output_problem(result.note, notice, output))
        for error in result.errors:
            where = f"{error.place}: " if error.place else ""
            problems.append(
                Problem(result.note, "error", f"{where}{error.what}", fix=error.fix or "")
            )
        for change in result.changes:
            problems.append(
                Problem(
                    result.note,
                    "link",
                    f"link {change.old} is not current (should be {change.new})",
                    line=change.line,
                    fix="run `diagrams build` or `diagrams links`",
                )
            )
    return problems, warnings


def relative_notes(config: Config, paths: Sequence[Path]) -> list[str]:
    root = config.root.resolve()
    out = []
    for path in paths:
        try:
            out.append(path.resolve().relative_to(root).as_posix())
        except ValueError:
            out.append(path.as_posix())
    return out
