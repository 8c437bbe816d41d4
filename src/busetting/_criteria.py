"""The criteria key: indicators -> share vectors -> targets (pure numpy).

Every criterion ``c`` turns an indicator into a share vector ``a_c`` (non-negative, summing
to 1 over the municipalities the key covers). The target of municipality ``i`` is

    t_i = N * sum_c w_c * a_ic,

and criterion ``c`` contributes exactly ``N * w_c * a_ic`` to it (the contributions are the
additive explanation of the target; ``targets`` is their row sum).

The requests key covers every municipality with the national total ``N``; the minors key
covers only the municipalities eligible for minors, with the minors total ``M`` and the minors
criteria (the main criteria when the problem gives none).

Targets are computed in floating point for speed; :meth:`Key.exact_targets` recomputes any of
them as exact fractions (the inputs are floats, hence exact dyadic rationals). The solvers use
the exact values wherever two units are too close to order in floating point, so scaling an
indicator by a positive constant never changes an allocation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from busetting._exceptions import InputError
from busetting._model import Criterion, Problem

__all__ = ["Key", "build_key", "default_weights"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

DEFAULT_WEIGHTS = {
    "capacity": 0.40,
    "settling_speed": 0.15,
    "services": 0.15,
    "labour_market": 0.20,
    "population": 0.10,
}
"""Default weights of the ministry's criteria: capacity weighs most (criterion 4), then the
regional labour market and the service offer (criterion 2), settling speed (criterion 3) and
spread by population (criterion 1)."""


def default_weights() -> dict[str, float]:
    """A fresh copy of :data:`DEFAULT_WEIGHTS` (capacity weighted most).

    Returns
    -------
    dict of str to float
        Weight by criterion name.
    """
    return dict(DEFAULT_WEIGHTS)


@dataclass(frozen=True)
class _Column:
    """The per-municipality weights ``e_i`` of one criterion (share = e_i / sum e)."""

    criterion: Criterion
    values: FloatArray  # indicator values
    base: FloatArray | None  # base values for a rate criterion


@dataclass(frozen=True, eq=False)
class Key:
    """Shares, contributions and targets of one key (requests or minors).

    Attributes
    ----------
    which : {"requests", "minors"}
    rows : ndarray of int
        Positions (in ``problem.municipalities``) of the municipalities the key covers.
    ids : tuple of str
    criteria : tuple of Criterion
    total : int
        ``N`` for requests, ``M`` for minors.
    shares : ndarray, shape (n, C)
    contributions : ndarray, shape (n, C)
        ``total * w_c * a_ic``.
    targets : ndarray, shape (n,)
        Row sums of ``contributions``.
    """

    which: Literal["requests", "minors"]
    rows: IntArray
    ids: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    total: int
    shares: FloatArray
    contributions: FloatArray
    targets: FloatArray
    _columns: tuple[_Column, ...] = field(repr=False)

    @cached_property
    def _exact_columns(self) -> list[tuple[Fraction, list[tuple[int, int]], Fraction]]:
        """Per criterion: exact weight, exact per-row values e_i (num, den), exact sum."""
        out = []
        for col in self._columns:
            e = _exact_weights(col)
            den = max((d for _, d in e), default=1)
            s = Fraction(sum(n * (den // d) for n, d in e), den)
            out.append((Fraction(col.criterion.weight), e, s))
        return out

    def exact_targets(self, rows: IntArray | list[int]) -> list[Fraction]:
        """Exact targets of the key's rows ``rows`` (positions within this key)."""
        result = []
        for r in rows:
            t = Fraction(0)
            for w, e, s in self._exact_columns:
                if w and s:
                    n, d = e[int(r)]
                    t += w * Fraction(n, d) / s
            result.append(self.total * t)
        return result


def _exact_weights(col: _Column) -> list[tuple[int, int]]:
    """Exact ``e_i`` of a criterion as (numerator, power-of-two denominator) pairs."""
    vals = [v.as_integer_ratio() for v in col.values.tolist()]
    if col.criterion.direction == "lower" and vals:
        hi = max(col.values.tolist()).as_integer_ratio()
        lo = min(col.values.tolist()).as_integer_ratio()
        refl = Fraction(*hi) + Fraction(*lo)
        vals = [
            ((refl - Fraction(n, d)).numerator, (refl - Fraction(n, d)).denominator)
            for n, d in vals
        ]
    if col.base is None:
        return vals
    bases = [b.as_integer_ratio() for b in col.base.tolist()]
    return [(n * bn, d * bd) for (n, d), (bn, bd) in zip(vals, bases, strict=True)]


def _column_values(problem: Problem, rows: IntArray, name: str) -> FloatArray:
    ms = problem.municipalities
    return np.array([ms[r].indicator(name) for r in rows.tolist()], dtype=np.float64)


def build_key(problem: Problem, which: Literal["requests", "minors"] = "requests") -> Key:
    """Compute the requests key or the minors key of ``problem``.

    Raises
    ------
    InputError
        If a criterion with positive weight has an indicator that is 0 for every municipality
        the key covers (its shares are undefined).

    Parameters
    ----------
    problem : Problem
        The problem.
    which : {"requests", "minors"}
        The requests key (every municipality, the criteria, the total) or the minors key (the
        eligible municipalities, the minors criteria, the minors).

    Returns
    -------
    Key
        Shares, contributions and targets, one row per municipality the key covers.

    Examples
    --------
    >>> import busetting as bs
    >>> from busetting._criteria import build_key
    >>> p = bs.Problem(
    ...     municipalities=[
    ...         bs.Municipality(municipality_id="0001", name="A", population=300,
    ...                         indicators={"capacity": 10}),
    ...         bs.Municipality(municipality_id="0002", name="B", population=100,
    ...                         indicators={"capacity": 30}),
    ...     ],
    ...     criteria={"population": 0.5, "capacity": 0.5}, need=bs.Need(total=40))
    >>> key = build_key(p)
    >>> key.contributions.tolist()
    [[15.0, 5.0], [5.0, 15.0]]
    >>> key.targets.tolist()
    [20.0, 20.0]
    """
    ms = problem.municipalities
    if which == "requests":
        rows = np.arange(len(ms), dtype=np.int64)
        criteria = problem.criteria
        total = problem.total
    else:
        rows = np.array([i for i, m in enumerate(ms) if m.minors_eligible], dtype=np.int64)
        criteria = problem.effective_minors_criteria
        total = problem.minors
    n, c = len(rows), len(criteria)
    shares = np.zeros((n, c), dtype=np.float64)
    columns = []
    failures = []
    for j, crit in enumerate(criteria):
        v = _column_values(problem, rows, crit.indicator)
        base = _column_values(problem, rows, crit.base) if crit.base else None
        columns.append(_Column(crit, v, base))
        s = (v.max() + v.min()) - v if (crit.direction == "lower" and n) else v
        e = s * base if base is not None else s
        denom = float(e.sum())
        if denom > 0:
            shares[:, j] = e / denom
        elif crit.weight > 0 and n and total > 0:
            scope = (
                "every municipality"
                if which == "requests"
                else ("every municipality eligible for minors")
            )
            what = f"indicator {crit.indicator!r}"
            if base is not None:
                what += f" times base {crit.base!r}"
            failures.append(
                {
                    "row": None,
                    "municipality_id": None,
                    "column": crit.indicator,
                    "value": 0.0,
                    "reason": f"criterion {crit.name!r} ({which} key): {what} is 0 for {scope}, "
                    "so its shares are undefined; expected a positive value somewhere",
                }
            )
    if failures:
        raise InputError.from_failures("build_key", failures)
    weights = np.array([cr.weight for cr in criteria], dtype=np.float64)
    contributions = total * shares * weights
    targets = contributions.sum(axis=1) if c else np.zeros(n)
    return Key(
        which=which,
        rows=rows,
        ids=tuple(ms[r].municipality_id for r in rows.tolist()),
        criteria=tuple(criteria),
        total=total,
        shares=shares,
        contributions=contributions,
        targets=targets,
        _columns=tuple(columns),
    )
