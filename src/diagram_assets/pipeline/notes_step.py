"""The pipeline's note step: point note links at current outputs (build, links) or report
links that are not current (check). The link rewriting itself is `diagram_assets.notes`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config, glob_match
from .plan import Plan
from .status import Problem

if TYPE_CHECKING:
    from ..notes import LinkOptions, NoteResult, OutputSet


def note_paths(config: Config, plan: Plan, files: Sequence[str]) -> list[str]:
    """The notes: Markdown files matching `notes`, except sources (Obsidian drawings are
    Markdown too) and anything in the output folder."""
    sources = {job.source for job in plan.jobs} | {source for source, _ in plan.problems}
    out = config.output + "/"
    return [
        f
        for f in files
        if f.lower().endswith(".md")
        and f not in sources
        and not f.startswith(out)
        and not config.excluded(f)
        and any(glob_match(f, pattern) for pattern in config.notes)
    ]


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
    chosen = list(notes) if notes is not None else note_paths(config, plan, sorted(vault.files))
    if not chosen:
        return []  # no note: the Markdown parser is not even imported
    from ..notes import rewrite_notes_on_disk  # lazy: see above

    return rewrite_notes_on_disk(
        config.root, chosen, vault, output_sets(plan), link_options(config), dry_run=dry_run
    )


def note_problems(plan: Plan) -> tuple[list[Problem], list[str]]:
    """Links that are not current and notes that cannot be processed (problems), and links to
    missing files (warnings), for `check`."""
    problems: list[Problem] = []
    warnings: list[str] = []
    for result in rewrite_links(plan, dry_run=True):
        warnings.extend(result.warnings)
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
