"""Is a job current? Compares a plan with the lock file and the files on disk (no browser)."""

from __future__ import annotations

from dataclasses import dataclass

from .digest import MISSING
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


def job_problems(job: Job, plan: Plan) -> list[Problem]:
    entry = plan.lock.jobs.get(job.source)
    if entry is None:
        return [Problem(job.source, "new", "not built yet", job.source)]
    problems: list[Problem] = []
    if entry.digest != job.digest or entry.kind != job.kind.name:
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
