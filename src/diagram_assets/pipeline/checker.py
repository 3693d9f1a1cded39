"""`diagrams check`: is everything current? No browser, no Node — digests and the lock file only."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from ..config import Config
from ..errors import DiagramsError
from .digest import rel
from .guards import set_aside_line
from .kinds.drawing import scene_limits
from .notes_step import note_problems
from .plan import Job, make_plan
from .status import Notice, Problem, group_code_changes, job_problems, orphan_problems


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    info: list[str] = field(default_factory=list)
    sources: int = 0
    current: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def check(config: Config) -> CheckReport:
    """Is every output current? Also, when links are enabled, is every note's link current?"""
    started = time.perf_counter()
    plan = make_plan(config)
    report = CheckReport(sources=len(plan.jobs) + len(plan.problems))
    for source, exc in plan.problems:
        what = f"{exc.place}: {exc.what}" if exc.place else exc.what
        report.problems.append(Problem(source, "broken", what, source, fix=exc.fix or ""))
    if plan.set_aside:
        report.info.append(set_aside_line(plan.set_aside))
    stale: list[Problem] = []
    for job in plan.jobs:
        problems = job_problems(job, plan)
        if any(p.code == "new" for p in problems):
            problems = never_built(job, config) or problems
        stale.extend(problems)
        if not problems:
            report.current += 1
    report.problems.extend(group_code_changes(stale, rel(config.root, config.lock_path)))
    report.problems.extend(orphan_problems(plan))
    problems, warnings = note_problems(plan)
    report.problems.extend(problems)
    report.warnings.extend(warnings)
    plan.hasher.save()
    report.seconds = time.perf_counter() - started
    return report


def never_built(job: Job, config: Config) -> list[Problem]:
    """Why a drawing that was never built cannot be, when loading it says so (no browser): "not
    built yet" would send the user to a build that fails again. Empty when it loads."""
    if job.kind.name != "drawing":
        return []  # specs are loaded while planning: their errors are problems already
    from ..scene.load import load_scene  # lazy: `check` loads a drawing only if never built

    try:
        load_scene(job.path, root=config.root, limits=scene_limits(config))
    except DiagramsError as exc:
        what = f"{exc.place}: {exc.what}" if exc.place else exc.what
        return [
            Problem(
                job.source,
                "broken",
                f"cannot be built: {what}",
                job.source,
                fix=exc.fix or "fix it, or add it to `exclude`",
            )
        ]
    return []


def format_text(report: CheckReport) -> str:
    lines = [*report.info, *(f"warning: {w.text()}" for w in report.warnings)]
    lines += [p.text() for p in report.problems]
    if report.ok:
        lines.append(f"all current: {report.sources} sources ({report.seconds:.2f} s)")
    else:
        lines.append(
            f"{len(report.problems)} problem(s); {report.current} of {report.sources} sources "
            f"current ({report.seconds:.2f} s)"
        )
    return "\n".join(lines)


def format_json(report: CheckReport) -> str:
    return json.dumps(
        {
            "ok": report.ok,
            "sources": report.sources,
            "current": report.current,
            "seconds": round(report.seconds, 3),
            "info": report.info,
            "warnings": [w.to_json() for w in report.warnings],
            "problems": [
                {
                    "path": p.path,
                    "line": p.line,
                    "code": p.code,
                    "message": p.message,
                    "source": p.source,
                    "fix": p.fix,
                }
                for p in report.problems
            ],
        },
        indent=2,
        ensure_ascii=False,
    )


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(report: CheckReport) -> str:
    """GitHub Actions workflow commands: one ::error annotation per problem."""
    lines = [f"::notice title=diagrams check::{_gh_escape(i)}" for i in report.info]
    for w in report.warnings:
        props = f"file={_gh_escape(w.file, prop=True)}," if w.file else ""
        props += f"line={w.line}," if w.line else ""
        lines.append(f"::warning {props}title=diagrams check::{_gh_escape(w.message)}")
    for p in report.problems:
        props = f"file={_gh_escape(p.path, prop=True)}"
        if p.line:
            props += f",line={p.line}"
        props += ",title=diagrams check"
        message = f"{p.message} — {p.fix}" if p.fix else p.message
        lines.append(f"::error {props}::{_gh_escape(message)}")
    if report.ok:
        lines.append(f"all current: {report.sources} sources ({report.seconds:.2f} s)")
    else:
        lines.append(f"{len(report.problems)} problem(s)")
    return "\n".join(lines)
