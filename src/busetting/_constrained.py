"""The process rules on the solve: their plan, their diagnosis before the solve and the
elastic program after an infeasible one. The rules themselves (their allowed values, rows,
checks and shortfalls) are objects in :mod:`busetting._rules`; the integer program itself is in
:mod:`busetting._solvers.milp`."""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from busetting._diagnose import Bounds
from busetting._model import Problem
from busetting._rules import RulePlan, plan_rules
from busetting._rules import diagnose as _diagnose_registry
from busetting._solvers.milp import Budget, elastic_rules_milp
from busetting._status import Shortfall

__all__ = ["RulePlan", "diagnose_rules", "elastic_diagnosis", "plan_rules"]

IntArray = NDArray[np.int64]

ELASTIC_TIME_LIMIT = 60.0
"""Seconds allowed to the elastic program of the diagnosis when the solve had no time limit."""


def diagnose_rules(problem: Problem, plan: RulePlan, bounds: Bounds) -> tuple[Shortfall, ...]:
    """Every rule group that cannot hold, with the amount short (checked before solving):
    each registered rule's diagnosis (:func:`busetting._rules.diagnose`)."""
    return _diagnose_registry(problem, plan, bounds)


def elastic_diagnosis(
    problem: Problem,
    plan: RulePlan,
    minors_rows: IntArray,
    backend: str,
    time_limit: float | None = None,
) -> tuple[Shortfall, ...]:
    """Solve the elastic program (the rules program of the solve, with every joining row —
    the totals, the off-grid count, hard county totals, the host limit — allowed to be
    violated at a unit cost) and list the rule groups it had to violate, with the amounts: a
    smallest total relaxation."""
    spec = dataclasses.replace(
        plan.spec,
        county_names=plan.counties,
        row_names=tuple(f"{m.municipality_id} {m.name}" for m in problem.municipalities),
    )
    budget = Budget(backend, ELASTIC_TIME_LIMIT if time_limit is None else time_limit)
    found = elastic_rules_milp(
        spec, problem.total, problem.minors_total, minors_rows, budget=budget
    )
    out = []
    for name, raise_by, lower_by in found:
        if raise_by:
            out.append(Shortfall("elastic", f"{name} must be raised by {raise_by:,}", raise_by, 0))
        if lower_by:
            out.append(Shortfall("elastic", f"{name} must be lowered by {lower_by:,}", lower_by, 0))
    if not out:
        out.append(
            Shortfall(
                "elastic",
                "no single rule group explains it; the combination of per-municipality rules does",
                0,
                0,
            )
        )
    return tuple(out)
