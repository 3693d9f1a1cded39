"""Glue between the pipeline and note link rewriting (filled in when notes land)."""

from __future__ import annotations

from collections.abc import Callable

from ..pipeline import BuildSummary, Plan, Problem, Reporter


def rewrite_after_build(
    reporter: Reporter, *, quiet: bool = False
) -> Callable[[Plan, BuildSummary], None] | None:
    return None


def note_problems(plan: Plan) -> list[Problem]:
    return []
