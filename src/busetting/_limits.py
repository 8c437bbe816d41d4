"""The numeric limits inside which every path is exact, checked at the door.

Counts of persons (the need, the minors need, ``min``, ``max``, ``fixed``,
``minors_max``, ``minors_min``, county totals and populations) are at most
:data:`MAX_PERSONS`, and a need that goes to the integer program at most
:data:`MAX_PROGRAM_PERSONS`; indicator values are finite and at most :data:`MAX_INDICATOR`. Inside
these limits sums of counts stay far below ``2**53`` (so float sums of counts are exact),
products of an indicator and a base stay below ``1e30`` (no overflow to ``inf``), and the
threshold path's candidate units stay a few per municipality. Outside them a problem is
refused with one :class:`~busetting._exceptions.InputError` that lists every value out of
range; see ``docs/limits.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from busetting._exceptions import InputError
from busetting._model import Problem
from busetting._rules import counts

__all__ = [
    "MAX_INDICATOR",
    "MAX_PERSONS",
    "MAX_PROGRAM_PERSONS",
    "MAX_RULES_PATH_PERSONS",
    "check_limits",
    "check_program_limits",
    "check_rules_path_limits",
]

MAX_PERSONS = 10**12
"""Largest count of persons accepted anywhere in a problem (a need, a bound, a population)."""
MAX_PROGRAM_PERSONS = 10**5
"""Largest need the integer program (process rules, coupled minors, ``solver='cbc'`` or
``'highs'``) is exact for; beyond it the solvers' floating-point tolerances are too coarse."""
MAX_RULES_PATH_PERSONS = 10**6
"""Largest need the exact rules path takes. Its cost does not grow with the need (the
reduced-cost windows and the search are bounded in cells and states, see
:mod:`busetting._solvers.lagrange`: 10 to 80 ms on the Norway problem at needs from 100,001 to
1,000,002 for the divisor methods); the limit is where its answers were re-checked by
:func:`busetting.check_certificate`, whose plain enumeration grows with the need."""
MAX_INDICATOR = 1e15
"""Largest indicator value accepted (values must also be finite and >= 0)."""

_COUNT_FIELDS = ("population", "min", "max", "fixed", "minors_max", "minors_min")


def _failure(mid: str | None, column: str, value: Any, reason: str) -> dict[str, Any]:
    return {"row": None, "municipality_id": mid, "column": column, "value": value, "reason": reason}


def limit_failures(problem: Problem) -> list[dict[str, Any]]:
    """One failure record per value of ``problem`` outside the documented limits."""
    out: list[dict[str, Any]] = []
    persons = f"must be at most {MAX_PERSONS:,} persons (the documented limit)"
    for name, value in (("total", problem.total), ("minors", problem.minors_total)):
        if value > MAX_PERSONS:
            out.append(_failure(None, f"need.{name}", value, persons))
    for name, value in counts(problem.rules):
        if value > MAX_PERSONS:
            out.append(_failure(None, name, value, persons))
    out.extend(_column_failures(problem, persons))
    return out


def _column_failures(problem: Problem, persons: str) -> list[dict[str, Any]]:
    """The municipalities' values beyond the limits, row by row in the problem's order."""
    cols = problem.columns
    within = cols.memo.get(("within limits",))
    if within is None:
        largest = cols.largest
        within = cols.memo[("within limits",)] = max(
            (largest[c] for c in _COUNT_FIELDS), default=0
        ) <= MAX_PERSONS and all(largest[c] <= MAX_INDICATOR for c in cols.indicators)
    if within:
        return []
    found: list[tuple[int, int, str]] = []
    for j, column in enumerate(_COUNT_FIELDS):
        for i in np.flatnonzero(getattr(cols, column) > MAX_PERSONS).tolist():
            found.append((i, j, column))
    for j, (column, values) in enumerate(cols.indicators.items(), start=len(_COUNT_FIELDS)):
        for i in np.flatnonzero(values > MAX_INDICATOR).tolist():
            found.append((i, j, column))
    out = []
    for i, j, column in sorted(found):
        m = problem.municipalities[i]
        value = getattr(m, column) if j < len(_COUNT_FIELDS) else m.indicators[column]
        reason = (
            persons
            if j < len(_COUNT_FIELDS)
            else f"must be a finite number between 0 and {MAX_INDICATOR:g} (the documented limit)"
        )
        out.append(_failure(m.municipality_id, column, value, reason))
    return out


def check_limits(problem: Problem, where: str) -> None:
    """Raise :class:`InputError` listing every value of ``problem`` outside the limits."""
    failures = limit_failures(problem)
    if failures:
        raise InputError.from_failures(where, failures)


def check_rules_path_limits(problem: Problem) -> None:
    """Raise :class:`InputError` when the need is beyond :data:`MAX_RULES_PATH_PERSONS`."""
    if problem.total > MAX_RULES_PATH_PERSONS:
        raise InputError(
            "The `need.total` of a problem with process rules must be at most "
            f"{MAX_RULES_PATH_PERSONS:,} persons (the documented limit of the exact rules path; "
            f"the threshold path takes bounds-only problems up to {MAX_PERSONS:,}). "
            f"Got {problem.total:,} instead."
        )


def check_program_limits(problem: Problem, solver: str) -> None:
    """Raise :class:`InputError` when the need is beyond what the integer program solves
    exactly (the threshold path, for bounds-only problems, goes up to :data:`MAX_PERSONS`)."""
    if problem.total > MAX_PROGRAM_PERSONS:
        raise InputError(
            f"The `need.total` of a problem solved by the integer program ({solver}) must be at "
            f"most {MAX_PROGRAM_PERSONS:,} persons (the documented limit; the threshold path "
            f"takes bounds-only problems up to {MAX_PERSONS:,}). Got {problem.total:,} instead."
        )
