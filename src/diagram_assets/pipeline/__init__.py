"""The pipeline: plan jobs from the sources, build the stale ones, check that all is current."""

from .build import BuildSummary, JobOutcome, Reporter, build
from .check import CheckReport, check
from .kinds import KindPlan, KindResult, RunContext, SourceKind, all_kinds
from .lockfile import LockEntry, LockFile
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
    "all_kinds",
    "build",
    "check",
    "make_plan",
]
