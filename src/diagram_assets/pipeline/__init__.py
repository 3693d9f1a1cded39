"""The pipeline: plan jobs from the sources, build the stale ones, check that all is current;
and run files named on the command line through the same kinds (``run_sources``).

Names are imported on first use (``check`` never loads the build machinery).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

_EXPORTS = {
    "BuildSummary": ".builder",
    "JobOutcome": ".builder",
    "Reporter": ".builder",
    "build": ".builder",
    "CheckReport": ".checker",
    "check": ".checker",
    "KindPlan": ".kinds",
    "KindResult": ".kinds",
    "RunContext": ".kinds",
    "SourceKind": ".kinds",
    "all_kinds": ".kinds",
    "LockEntry": ".lockfile",
    "LockFile": ".lockfile",
    "SourceRun": ".oneshot",
    "run_sources": ".oneshot",
    "Job": ".plan",
    "Plan": ".plan",
    "make_plan": ".plan",
    "Problem": ".status",
}

if TYPE_CHECKING:
    from .builder import BuildSummary, JobOutcome, Reporter, build
    from .checker import CheckReport, check
    from .kinds import KindPlan, KindResult, RunContext, SourceKind, all_kinds
    from .lockfile import LockEntry, LockFile
    from .oneshot import SourceRun, run_sources
    from .plan import Job, Plan, make_plan
    from .status import Problem


__getattr__ = lazy_exports(__name__, _EXPORTS)


__all__ = [
    "BuildSummary",
    "CheckReport",
    "Job",
    "JobOutcome",
    "KindPlan",
    "KindResult",
    "LockEntry",
    "LockFile",
    "Plan",
    "Problem",
    "Reporter",
    "RunContext",
    "SourceKind",
    "SourceRun",
    "all_kinds",
    "build",
    "check",
    "make_plan",
    "run_sources",
]
