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

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Literal, cast

import numpy as np
from numpy.typing import NDArray

from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._model import Columns, Criterion, Problem

__all__ = ["Key", "build_key", "default_weights"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
_Part = tuple[FloatArray, FloatArray | None, FloatArray | None]
"""A criterion's indicator values, base values (rate) and shares (``None``: undefined)."""

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
        Row sums of ``contributions``, added criterion by criterion in order.
    """

    which: Literal["requests", "minors"]
    rows: IntArray
    ids: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    total: int
    shares: FloatArray
    contributions: FloatArray
    targets: FloatArray
    _parts: tuple[_Part, ...] = field(repr=False)

    @cached_property
    def _columns(self) -> tuple[_Column, ...]:
        """Each criterion with its indicator values and base values (for the exact targets)."""
        return tuple(
            _Column(crit, v, base)
            for crit, (v, base, _) in zip(self.criteria, self._parts, strict=True)
        )

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

    def _repr_html_(self) -> str:
        """A short summary for notebooks: the key, its criteria and its five largest targets."""
        esc = html.escape
        crits = ", ".join(f"{esc(c.name)} {c.weight:g}" for c in self.criteria)
        order = np.argsort(-self.targets, kind="stable")[:5]
        rows = "".join(
            f"<tr><td>{esc(self.ids[i])}</td><td style='text-align:right'>"
            f"{self.targets[i]:,.2f}</td></tr>"
            for i in order.tolist()
        )
        return (
            f"<div class='busetting-key'><strong>Key ({esc(self.which)}): {self.total:,} over "
            f"{len(self.ids):,} municipalities</strong><div>criteria: {crits or '-'}</div>"
            f"<table><thead><tr><th>id</th><th>target</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )

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


def _column_values(columns: Columns, rows: IntArray | None, name: str) -> FloatArray:
    values = columns.indicator(name)
    return values if rows is None else values[rows]


def _undefined(crit: Criterion, which: str, rate: bool) -> dict[str, object]:
    """The failure record of a criterion whose shares are undefined (all zero)."""
    scope = (
        "every municipality" if which == "requests" else "every municipality eligible for minors"
    )
    what = f"indicator {crit.indicator!r}"
    if rate:
        what += f" times base {crit.base!r}"
    return {
        "row": None,
        "municipality_id": None,
        "column": crit.indicator,
        "value": 0.0,
        "reason": f"criterion {crit.name!r} ({which} key): {what} is 0 for {scope}, "
        "so its shares are undefined; expected a positive value somewhere",
    }


def _share_column(cols: Columns, which: str, pick: IntArray | None, crit: Criterion) -> _Part:
    """A criterion's indicator values, base values and shares over the key's rows (``None``
    when every ``e_i`` is 0), kept with the columns: they do not depend on the weight or the
    total, so every allocation of the same municipalities reuses them."""
    memo_key = ("share", which, crit.indicator, crit.base, crit.direction)
    hit = cols.memo.get(memo_key)
    if hit is None:
        v = _column_values(cols, pick, crit.indicator)
        base = _column_values(cols, pick, crit.base) if crit.base else None
        s = (v.max() + v.min()) - v if (crit.direction == "lower" and len(v)) else v
        e = s * base if base is not None else s
        denom = float(e.sum())
        share = e / denom if denom > 0 else None
        for array in (v, base, share):
            if array is not None:
                array.flags.writeable = False
        hit = cols.memo[memo_key] = (v, base, share)
    return cast("_Part", hit)


def _share_matrix(
    cols: Columns, which: str, pick: IntArray | None, criteria: Sequence[Criterion]
) -> tuple[FloatArray, tuple[_Part, ...]]:
    """The shares of all criteria as one ``(n, C)`` matrix (a column of zeros where they are
    undefined) and each criterion's :func:`_share_column`; kept with the columns per list of
    criteria (weights aside)."""
    specs = tuple((c.indicator, c.base, c.direction) for c in criteria)
    memo_key = ("shares", which, specs)
    hit = cols.memo.get(memo_key)
    if hit is None:
        parts = tuple(_share_column(cols, which, pick, c) for c in criteria)
        n = len(cols) if pick is None else len(pick)
        shares = np.zeros((n, len(criteria)), dtype=np.float64)
        for j, (_, _, share) in enumerate(parts):
            if share is not None:
                shares[:, j] = share
        shares.flags.writeable = False
        hit = cols.memo[memo_key] = (shares, parts)
    return cast("tuple[FloatArray, tuple[_Part, ...]]", hit)


def build_key(problem: Problem, which: Literal["requests", "minors"] = "requests") -> Key:
    """Compute the requests key or the minors key of ``problem``.

    Parameters
    ----------
    problem : Problem
        The municipalities (as columns), the criteria and the need.
    which : {"requests", "minors"}
        The requests key (every municipality, total ``N``) or the minors key (the eligible
        ones, total ``M``, the minors criteria).

    Returns
    -------
    Key
        Shares, contributions and targets per municipality the key covers.

    Raises
    ------
    InputError
        If a criterion with positive weight has an indicator that is 0 for every municipality
        the key covers (its shares are undefined).

    Notes
    -----
    The shares are kept with the columns (they do not depend on the weights or the total),
    so a key of the same municipalities at another total or weights costs the contributions
    and their row sums.

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
    check_types(build_key, locals())
    cols = problem.columns
    if which == "requests":
        criteria, total, ids = problem.criteria, problem.total, cols.ids
    else:
        criteria, total, ids = (
            problem.effective_minors_criteria,
            problem.minors_total,
            cols.eligible_ids,
        )
    rows = cols.all_rows if which == "requests" else cols.eligible_rows
    shares, parts = _share_matrix(cols, which, None if which == "requests" else rows, criteria)
    if len(rows) and total > 0:
        failures = [
            _undefined(crit, which, base is not None)
            for crit, (_, base, share) in zip(criteria, parts, strict=True)
            if share is None and crit.weight > 0
        ]
        if failures:
            raise InputError.from_failures("build_key", failures)
    weights = np.array([c.weight for c in criteria], dtype=np.float64)
    # no one to place (often the minors): every contribution is 0, no arithmetic needed
    contributions = total * shares * weights if total else np.zeros(shares.shape)
    return Key(
        which=which,
        rows=rows,
        ids=ids,
        criteria=criteria,
        total=total,
        shares=shares,
        contributions=contributions,
        targets=_row_sums(contributions),
        _parts=parts,
    )


def _row_sums(contributions: FloatArray) -> FloatArray:
    """Each row's sum, added criterion by criterion in their order (a fixed order, so the
    targets do not depend on how numpy happens to reduce; for fewer than 8 criteria it is
    also the order of ``sum(axis=1)``)."""
    n, c = contributions.shape
    if c == 0:
        return np.zeros(n)
    total = contributions[:, 0].copy()
    for j in range(1, c):
        total += contributions[:, j]
    return total
