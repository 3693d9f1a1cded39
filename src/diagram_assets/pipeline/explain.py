"""What build tells the user in words: what a path given to it is, when it is no source; and
a job's warnings, tidied (repo-relative names, placeholders in one line)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..config import Config
from ..scene.names import is_drawing_name
from .plan import Job, Plan


def source_folders(config: Config) -> str:
    return ", ".join(f"{s}/" if s != "." else "the repository" for s in config.sources)


def not_a_source(plan: Plan, path: Path) -> str:
    """What a path given to `build` is, when it is no source and holds none."""
    config = plan.config
    root = config.root.resolve()
    try:
        shown = path.resolve().relative_to(root).as_posix() or "."
    except ValueError:
        return f"{path} is outside the repository {config.root}"
    inside = any(s == "." or shown == s or shown.startswith(s + "/") for s in config.sources)
    if shown == config.output or shown.startswith(config.output + "/"):
        return f"{shown} is in the output folder {config.output}/, which holds no sources"
    if shown.lower().endswith(".md") and not is_drawing_name(path):
        return f"{shown} is a note, not a source (every build rewrites the notes' links)"
    if path.is_dir():
        where = "holds no source" if inside else "is outside the source folders"
        return f"{shown} is a folder that {where} ({source_folders(config)})"
    where = "is no drawing or spec" if inside else "is outside the source folders"
    return f"{shown} {where} ({source_folders(config)})"


GROUP_FROM = 4  # this many placeholder warnings of one source or more: one line
_PLACEHOLDER = re.compile(r";? drawn as (?:a )?placeholders?$")


def job_warnings(job: Job, warnings: Sequence[str]) -> list[str]:
    """A job's warnings as the user sees them: naming the source by its repo-relative path, and
    the images drawn as placeholders in one line when there are many (a drawing of 50
    missing images: one line, not 50)."""
    prefixes = {f"{p}: " for p in (job.path, job.path.resolve())}
    out: list[str] = []
    placeholders: list[tuple[str, str]] = []  # (warning, without "drawn as a placeholder")
    for warning in warnings:
        for prefix in prefixes:
            if warning.startswith(prefix):
                warning = f"{job.source}: {warning[len(prefix) :]}"
        if _PLACEHOLDER.search(warning) and warning.startswith(f"{job.source}: "):
            placeholders.append((warning, _PLACEHOLDER.sub("", warning[len(job.source) + 2 :])))
        else:
            out.append(warning)
    if len(placeholders) <= GROUP_FROM - 1:
        out += [warning for warning, _ in placeholders]
    else:
        shown = "; ".join(reason for _, reason in placeholders[:3])
        more = f"; and {len(placeholders) - 3} more" if len(placeholders) > 3 else ""
        out.append(f"{job.source}: {len(placeholders)} images drawn as placeholders: {shown}{more}")
    return out
