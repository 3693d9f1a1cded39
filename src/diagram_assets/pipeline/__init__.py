"""The pipeline: plan jobs from the sources, build the stale ones, check that all is current;
and run files named on the command line through the same kinds (``run_sources``)."""

from __future__ import annotations

from .builder import BuildSummary, JobOutcome, Reporter, build
from .checker import CheckReport, check
from .kinds import KindPlan, KindResult, RunContext, SourceKind, all_kinds
from .lockfile import LockEntry, LockFile
from .oneshot import SourceRun, run_sources
from .plan import Job, Plan, make_plan
from .status import Problem

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
