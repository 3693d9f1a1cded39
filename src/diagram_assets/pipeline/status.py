"""Is a job current? Compares a plan with the lock file and the files on disk (no browser)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .digest import MISSING
from .lockfile import LockEntry
from .plan import Job, Plan, output_file

FIX_BUILD = "run `diagrams build`"


@dataclass(frozen=True)
class Problem:
    """One thing that is not current, about one file."""

    path: str  # the repo-relative file the problem is about
    code: str  # new | changed | missing | edited | orphan | broken | link | error
    message: str
    source: str | None = None
    line: int | None = None
    fix: str = FIX_BUILD

    def text(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message} — {self.fix}" if self.fix else f"{where}: {self.message}"


@dataclass(frozen=True)
class Notice:
    """A warning about one file (and line): printed as one line, reported as an object in JSON
    and as an annotation on GitHub."""

    file: str | None
    message: str
    line: int | None = None

    def text(self) -> str:
        where = ": ".join(p for p in (self.file, f"line {self.line}" if self.line else None) if p)
        return f"{where}: {self.message}" if where else self.message

    def to_json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "message": self.message}


_LINE = re.compile(r"line (\d+)(?:, column \d+)?: ")


def notice_of(text: str, file: str | None = None) -> Notice:
    """A one-line warning as a Notice: ``file`` (when the text starts with it, as the notes' and
    drawings' warnings do) and the ``line N:`` after it are taken out of the message."""
    if file and text.startswith(file + ": "):
        rest = text[len(file) + 2 :]
        m = _LINE.match(rest)
        if m:
            return Notice(file, rest[m.end() :], int(m.group(1)))
        return Notice(file, rest)
    return Notice(file, text)


def job_problems(job: Job, plan: Plan) -> list[Problem]:
    entry = plan.lock.jobs.get(job.source)
    if entry is None:
        return [Problem(job.source, "new", "not built yet", job.source)]
    problems: list[Problem] = []
    if entry.digest != job.digest or entry.kind != job.kind.name:
        code_change = made_with_change(job, entry)
        if code_change is not None:
            problems.append(Problem(job.source, "code", code_change, job.source))
        else:
            problems.append(
                Problem(job.source, "changed", "changed since its outputs were built", job.source)
            )
    for output in job.outputs.values():
        if output not in entry.outputs and not problems:
            problems.append(
                Problem(output, "missing", f"output missing (from {job.source})", job.source)
            )
    for output, recorded in sorted(entry.outputs.items()):
        path = output_file(plan.config, output)
        if path is None:
            problems.append(
                Problem(
                    output,
                    "error",
                    f"the lock file lists {output} as an output of {job.source}, but it is not "
                    "a file in the output folder (a symlink leading out?): not read",
                    job.source,
                    fix="remove the symlink, or delete the lock file and run `diagrams build`",
                )
            )
            continue
        actual = plan.hasher.file(path)
        if actual == MISSING:
            problems.append(
                Problem(output, "missing", f"output missing (from {job.source})", job.source)
            )
        elif actual != recorded:
            problems.append(
                Problem(
                    output,
                    "edited",
                    f"output edited by hand (differs from what {job.source} made)",
                    job.source,
                    fix="run `diagrams build` to restore it (edit the source instead)",
                )
            )
    return problems


def made_with_change(job: Job, entry: LockEntry) -> str | None:
    """What code changed, when that alone makes ``job`` stale: its outputs were made with other
    code (a renderer, a kind's version) from the same inputs and options. None otherwise (the
    source or what it reads changed too, or the lock file does not say what made them)."""
    old = entry.made_with
    if old is None or old == job.made_with or entry.kind != job.kind.name:
        return None
    if job.digest_with(old) != entry.digest:
        return None
    since = "changed since these outputs were built"
    if old.renderer != job.made_with.renderer and old.renderer and job.made_with.renderer:
        return f"the renderer {since} ({_difference(old.renderer, job.made_with.renderer)})"
    return f"the {job.kind.name} code {since} ({old.kind or '?'} → {job.made_with.kind or '?'})"


def _difference(old: str, new: str) -> str:
    """``excalidraw 0.18.0 → 0.18.1; page 1a2b3c4d5e6f → …`` from two renderer identities."""
    before = dict(part.split(" ", 1) for part in old.split("; ") if " " in part)
    after = dict(part.split(" ", 1) for part in new.split("; ") if " " in part)
    changes = []
    for name in [*after, *(n for n in before if n not in after)]:
        a, b = before.get(name, "none"), after.get(name, "none")
        if a != b:
            if name == "page":
                a, b = a[:12], b[:12]
            changes.append(f"{name} {a} → {b}")
    return "; ".join(changes) or f"{old} → {new}"


def group_code_changes(problems: list[Problem], lock_name: str) -> list[Problem]:
    """One problem per code change (on the lock file, which records what made the outputs)
    instead of one per source it made stale, in the place of the first."""
    sources: dict[str, list[str]] = {}
    for problem in problems:
        if problem.code == "code":
            sources.setdefault(problem.message, []).append(problem.path)
    out: list[Problem] = []
    for problem in problems:
        if problem.code != "code":
            out.append(problem)
        elif problem.message in sources:
            names = sources.pop(problem.message)
            whom = names[0] if len(names) == 1 else f"{len(names)} sources"
            out.append(Problem(lock_name, "code", f"{problem.message}, for {whom}"))
    return out


def orphan_problems(plan: Plan) -> list[Problem]:
    """Outputs the lock file says were made from sources that are gone."""
    live = {job.source for job in plan.jobs} | {source for source, _ in plan.problems}
    problems = []
    for source, entry in sorted(plan.lock.jobs.items()):
        if source in live:
            continue
        for output in sorted(entry.outputs):
            path = output_file(plan.config, output)
            if path is not None and path.exists():
                problems.append(
                    Problem(
                        output,
                        "orphan",
                        f"orphan output: its source {source} is gone",
                        source,
                        fix="run `diagrams build` to remove it",
                    )
                )
    return problems
