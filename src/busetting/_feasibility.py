"""One model of feasibility: the effective bounds of a problem and every way an allocation
can break them.

:func:`violations` is the only feasibility checker in busetting. The post-solve check of
:func:`~busetting.allocate` raises :class:`~busetting._exceptions.SolverError` on its first
finding, :func:`~busetting.verify` reports its findings as reasons, and
:func:`busetting.testing.assert_valid_allocation` raises ``AssertionError``. It reads the same
effective bounds the solvers use (:func:`effective_bounds`: the bounds the municipalities
give, the spread caps, a divisor method's zero target held at its lower bound, minors
capacity and eligibility) and, with process rules, the same per-variable sets the integer
program uses (:func:`busetting._constrained.plan_rules`). Each process rule's own check, and
the words of each given bound (``fixed``, ``min``, ``max``, ``minors_min``, ``minors_max``) a
value breaks, come from the registries of :mod:`busetting._rules` (``RULES``, ``BOUNDS``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from busetting._constrained import RulePlan, plan_rules
from busetting._criteria import Key, build_key
from busetting._diagnose import Bounds
from busetting._exceptions import SolverError
from busetting._methods import DIVISOR_METHODS, Method, parse_method
from busetting._model import Problem
from busetting._rules import (
    Violation,
    explain_above,
    explain_below,
    explain_minors_above,
    explain_minors_below,
    given_bounds,
    needs_program,
    upper_limits,
)
from busetting._rules import check as check_rules
from busetting._solvers.threshold import UNBOUNDED

__all__ = [
    "Violation",
    "counts_from_series",
    "effective_bounds",
    "raise_for_violations",
    "violations",
]

IntArray = NDArray[np.int64]


def effective_bounds(
    problem: Problem, method: Method, key: Key, mkey: Key
) -> tuple[Bounds, tuple[str, ...]]:
    """The bounds every path and every check uses, and the source of each upper bound.

    Requests: the bounds the municipalities give (the bound rules of
    :mod:`busetting._rules`: ``fixed`` both bounds, ``min``, ``max``), then the caps (the
    process rules' upper limits, never on a held row); a divisor method holds a municipality
    with target 0 at its lower bound. Minors (eligible municipalities only): ``minors_min``,
    ``minors_max``, never above what the request may reach, and held at ``minors_min`` where
    the minors target is 0 under a divisor method.
    """
    cols = problem.columns
    n = len(cols)
    given = given_bounds(cols)  # every bound rule states its own (kept with the columns)
    held, lower, upper, source = given.held, given.lower, given.upper, given.source
    for label, cap in upper_limits(
        problem.rules, cols.population.astype(np.float64), problem.total
    ):
        cap = np.minimum(cap, float(UNBOUNDED))  # a huge cap is no cap (and no overflow)
        tighter = (cap < upper) & ~held
        upper = np.where(tighter, cap, upper).astype(np.int64)
        source = tuple(np.where(tighter, label, np.array(source, dtype=object)).tolist())
    rows = mkey.rows
    mup, mlo = given.minors_upper, given.minors_lower
    divisor = method in DIVISOR_METHODS
    zero = (key.targets <= 0) if divisor else np.zeros(n, dtype=bool)
    # minors never exceed what the request may reach (a zero target holds it at its floor)
    reach = np.where(zero, lower, upper)
    mup = np.minimum(mup, reach[rows]) if len(rows) else mup
    mzero = (mkey.targets <= 0) if divisor else np.zeros(len(rows), dtype=bool)
    return Bounds(lower, upper, rows, mup, mlo, zero, mzero), source


def _upper_text(v: int) -> str:
    return "unbounded" if v >= UNBOUNDED else f"{v:,}"


def counts_from_series(
    problem: Problem, values: Any, name: str
) -> tuple[IntArray | None, list[Violation]]:
    """Integer counts in the problem's id order from a Series (or mapping) keyed by id.

    Missing ids, unknown ids, NaN, non-numbers and non-integers are violations; the array is
    ``None`` when there is any.
    """
    ids = list(problem.ids)
    try:
        s = pd.Series(values)
    except (TypeError, ValueError):
        return None, [Violation("values", None, f"{name}: not a Series of counts per id")]
    found: list[Violation] = []
    index = [str(i) for i in s.index]
    if len(set(index)) != len(index):
        found.append(Violation("values", None, f"{name}: a municipality id appears twice"))
    extra = sorted(set(index) - set(ids))
    if extra:
        found.append(
            Violation("values", None, f"{name}: ids not in the problem: {', '.join(extra[:5])}")
        )
    if found:
        return None, found
    s.index = pd.Index(index)
    s = s.reindex(ids)
    out = np.zeros(len(ids), dtype=np.int64)
    for i, (mid, v) in enumerate(zip(ids, s.tolist(), strict=True)):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            found.append(Violation("values", mid, f"{name}: no value for {mid} (missing or NaN)"))
            continue
        if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
            found.append(Violation("values", mid, f"{name}: {mid} has {v!r}, not a number"))
            continue
        f = float(v)
        if not math.isfinite(f) or (isinstance(v, float | np.floating) and not f.is_integer()):
            found.append(Violation("values", mid, f"{name}: {mid} has {v!r}, not a whole number"))
            continue
        if abs(int(v)) > 2**62:
            found.append(Violation("values", mid, f"{name}: {mid} has {v!r}, out of range"))
            continue
        out[i] = int(v)
    return (None, found) if found else (out, [])


def violations(
    problem: Problem,
    x: Any,
    m: Any,
    *,
    method: Method | str,
    bounds: Bounds | None = None,
    plan: RulePlan | None = None,
) -> list[Violation]:
    """Every way requests ``x`` and minors ``m`` (integer arrays in the problem's id order)
    break ``problem`` under ``method``; empty when the allocation is feasible.

    ``bounds`` and ``plan`` are computed when not given (callers that have them pass them).
    Checks: integer values of the right length; both totals exact; each request within its
    effective bounds (a divisor method's zero target holds it at its lower bound); minors only
    where eligible, within ``minors_min`` and the minors capacity (held at ``minors_min``
    where the minors target is 0), never above the request; and, with process rules, each
    value in its allowed set (granularity, "0 or at least k", minors groups; held values
    exempt), the number of off-grid requests, the minors host limit and hard county totals.
    """
    method_ = parse_method(method, caller="violations")
    needs_rules = needs_program(problem.rules)
    if bounds is None or (plan is None and needs_rules):
        key, mkey = build_key(problem, "requests"), build_key(problem, "minors")
        if bounds is None:
            bounds, _ = effective_bounds(problem, method_, key, mkey)
        if plan is None and needs_rules:
            plan = plan_rules(problem, key, mkey, bounds)
    ids = problem.ids
    n = len(ids)
    xa, ma = np.asarray(x), np.asarray(m)
    if xa.shape != (n,) or ma.shape != (n,):
        return [
            Violation(
                "values",
                None,
                f"expected {n} requests and {n} minors, got shapes {xa.shape} and {ma.shape}",
            )
        ]
    if xa.dtype.kind not in "iu" or ma.dtype.kind not in "iu":
        return [Violation("values", None, "values are not integers")]
    xi, mi = xa.astype(np.int64, copy=False), ma.astype(np.int64, copy=False)
    out: list[Violation] = []
    if int(xi.sum()) != problem.total:
        out.append(
            Violation(
                "totals",
                None,
                f"requests sum to {int(xi.sum()):,}, not the need of {problem.total:,}",
            )
        )
    if int(mi.sum()) != problem.minors_total:
        out.append(
            Violation(
                "totals",
                None,
                f"minors sum to {int(mi.sum()):,}, not the minors need of {problem.minors_total:,}",
            )
        )
    out.extend(_request_bounds(problem, bounds, xi))
    out.extend(_minors_bounds(problem, bounds, xi, mi))
    if needs_rules and plan is not None:
        out.extend(check_rules(problem, plan, xi, mi, bounds.minors_rows))
    return out


def _request_bounds(problem: Problem, bounds: Bounds, x: IntArray) -> list[Violation]:
    top = bounds.effective_upper()
    if not ((x < bounds.lower).any() or (x > top).any()):
        return []
    ids, cols = problem.ids, problem.columns
    out = []
    for i in np.flatnonzero(x < bounds.lower).tolist():
        what = explain_below(cols, i)
        out.append(
            Violation(
                "requests",
                ids[i],
                f"municipality {ids[i]} has request {int(x[i]):,}, below its {what} "
                f"{int(bounds.lower[i]):,}",
            )
        )
    for i in np.flatnonzero((x > top) & (x >= bounds.lower)).tolist():
        if bounds.zero_held[i] and x[i] <= bounds.upper[i]:
            text = (
                f"request {int(x[i]):,}, but its target is 0, so a divisor method holds it at "
                f"its lower bound {int(bounds.lower[i]):,}"
            )
        else:
            what = explain_above(cols, i)
            text = f"request {int(x[i]):,}, above its {what} {_upper_text(int(top[i]))}"
        out.append(Violation("requests", ids[i], f"municipality {ids[i]} has {text}"))
    return out


def _minors_fit(bounds: Bounds, x: IntArray, m: IntArray) -> bool:
    """Whether the minors break no minors bound (the quick test before any sentence)."""
    if not m.any():  # no minors: only a minors floor or a negative request can be broken
        return not bounds.minors_lower.any() and (len(x) == 0 or int(x.min()) >= 0)
    rows = bounds.minors_rows
    me = m[rows]
    return not (
        (m < 0).any()
        or (m > x).any()
        or np.count_nonzero(me) != np.count_nonzero(m)
        or (me < bounds.minors_lower).any()
        or (me > bounds.effective_minors_upper()).any()
    )


def _minors_bounds(problem: Problem, bounds: Bounds, x: IntArray, m: IntArray) -> list[Violation]:
    if _minors_fit(bounds, x, m):
        return []
    ids = problem.ids
    n = len(ids)
    rows = bounds.minors_rows
    eligible = np.zeros(n, dtype=bool)
    eligible[rows] = True
    cap = np.full(n, UNBOUNDED, dtype=np.int64)
    cap[rows] = bounds.effective_minors_upper()
    floor = np.zeros(n, dtype=np.int64)
    floor[rows] = bounds.minors_lower
    zero = np.zeros(n, dtype=bool)
    zero[rows] = bounds.minors_zero_held
    out = []

    def add(i: int, text: str) -> None:
        out.append(
            Violation(
                "minors",
                ids[i],
                f"municipality {ids[i]} has {int(m[i]):,} minors (request {int(x[i]):,}): {text}",
            )
        )

    over = (m > x) & (m >= 0)
    wrong = (m < 0) | ((m > 0) & ~eligible) | (m < floor) | (m > cap) | over
    if not wrong.any():
        return out
    chain = np.select(
        [m < 0, (m > 0) & ~eligible, m < floor, (m > cap) & zero, m > cap],
        [1, 2, 3, 4, 5],
        0,
    )
    cols = problem.columns
    for i in np.flatnonzero(wrong).tolist():
        kind = int(chain[i])
        if kind == 3:
            add(i, f"below its {explain_minors_below(cols, i)} {int(floor[i]):,}")
        elif kind == 5:
            add(i, f"above its {explain_minors_above(cols, i)} {_upper_text(int(cap[i]))}")
        elif kind:
            add(
                i,
                (
                    "negative",
                    "not eligible for minors",
                    "",
                    f"its minors target is 0, so a divisor method holds them at {int(floor[i]):,}",
                )[kind - 1],
            )
        if over[i]:
            add(i, "more minors than requests")
    return out


def raise_for_violations(found: list[Violation], solver: str) -> None:
    """The post-solve check: a :class:`SolverError` naming the first violation."""
    if found:
        raise SolverError(f"The {solver} solution failed verification: {found[0].message}.")
