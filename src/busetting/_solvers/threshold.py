"""The threshold (divisor) path: exact, O(n log n), numpy only.

For a separable convex cost with one sum constraint and bounds, an allocation is optimal
exactly when no unit can be moved from one municipality to another at a saving: the dearest
unit that could be removed costs no more than the cheapest unit that could be added. The
solver finds the multiplier ``lambda`` where the unit costs cross by bisection on the counting
function ``S(lambda) = sum_i clip(#{k : c_i(k) <= lambda}, l_i, u_i)``, then settles the last
units by sorting the few candidate units by cost.

Floating point is used for speed only: wherever the dearest chosen unit and the cheapest
rejected unit are closer than :data:`EXACT_MARGIN` (relative), the units in that band are
re-ordered with exact rational costs computed from exact targets, so the result is the exact
optimum, and exact ties are broken by the documented rule (:data:`busetting._methods.TIE_RULE`).

The result carries the certificate: the interval ``[lambda_low, lambda_high]`` between the
dearest removable chosen unit and the cheapest addable unit. ``lambda_low <= lambda_high``
proves optimality, and anyone can re-check it from the allocation and the targets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from busetting._methods import (
    DIVISOR_METHODS,
    Method,
    exact_unit_cost,
    unit_cost,
    units_at_most,
)
from busetting._status import EXACT_MARGIN

__all__ = ["EXACT_MARGIN", "UNBOUNDED", "SeparableSolution", "solve_separable"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
ExactTargets = Callable[[list[int]], list[Fraction]]

UNBOUNDED = 2**62
"""Sentinel upper bound for a municipality without one."""


@dataclass(frozen=True)
class SeparableSolution:
    """Solution of one separable key (requests or minors).

    ``lambda_low`` is the cost of the dearest chosen unit that could be removed (``-inf`` if
    none), ``lambda_high`` the cost of the cheapest unit that could be added (``inf`` if
    none); ``low_row``/``high_row`` are the municipalities (rows) that attain them.
    ``tie_winners``/``tie_losers`` are the rows that got/did not get a unit of equal cost at
    the margin; ``exact`` says whether exact arithmetic settled the margin.
    """

    x: IntArray
    lambda_low: float
    lambda_high: float
    low_row: int | None
    high_row: int | None
    tie_cost: float | None
    tie_winners: tuple[int, ...]
    tie_losers: tuple[int, ...]
    exact: bool


def effective_upper(method: Method, t: FloatArray, lo: IntArray, hi: IntArray) -> IntArray:
    """Upper bounds after the zero-target rule: divisor methods never raise ``t = 0`` rows."""
    if method in DIVISOR_METHODS:
        return np.where(t > 0, hi, lo).astype(np.int64)
    return hi.astype(np.int64)


def solve_separable(
    method: Method,
    t: FloatArray,
    lo: IntArray,
    hi: IntArray,
    total: int,
    exact_targets: ExactTargets,
) -> SeparableSolution:
    """Optimal integers ``x`` with ``sum x = total`` and ``lo <= x <= hi`` (rows in id order).

    The caller guarantees feasibility (``sum lo <= total <= sum effective_upper``).
    """
    t = np.asarray(t, dtype=np.float64)
    lo = np.asarray(lo, dtype=np.int64)
    hi = effective_upper(method, t, lo, np.asarray(hi, dtype=np.int64))
    if method is Method.HAMILTON:
        x, tie = _hamilton(t, lo, hi, total, exact_targets)
    else:
        x, tie = _divisor(method, t, lo, hi, total, exact_targets)
    return _certify(method, t, lo, hi, x, tie)


# -- divisor methods --------------------------------------------------------------------------


def _divisor(
    method: Method,
    t: FloatArray,
    lo: IntArray,
    hi: IntArray,
    total: int,
    exact_targets: ExactTargets,
) -> tuple[IntArray, tuple[float, tuple[int, ...], tuple[int, ...]] | None]:
    lo_f = lo.astype(np.float64)
    hi_f = hi.astype(np.float64)
    if total <= int(lo.sum()):
        return lo.copy(), None

    def count(lam: float) -> FloatArray:
        return np.clip(units_at_most(method, lam, t), lo_f, hi_f)

    n = len(t)
    a, b, sa, sb = _bracket(count, t, total)
    limit = max(2 * n, 64)
    for _ in range(200):
        if sb - sa <= limit:
            break
        mid = 0.5 * (a + b) if a >= 0 else (0.0 if b > 0 else 0.5 * (a + b))
        if not (a < mid < b):
            break
        sm = count(mid).sum()
        if sm >= total:
            b, sb = mid, sm
        else:
            a, sa = mid, sm
    xa = count(a).astype(np.int64)
    xb = count(b).astype(np.int64)
    r = total - int(xa.sum())
    span = xb - xa
    rows = np.repeat(np.arange(n, dtype=np.int64), span)
    if r > 0:
        ks = (
            np.arange(len(rows), dtype=np.int64)
            - np.repeat(np.cumsum(span) - span, span)
            + xa[rows]
        )
        costs = unit_cost(method, ks, t[rows])
        order = np.lexsort((ks, rows, -t[rows], costs))
        x = xa + np.bincount(rows[order[:r]], minlength=n).astype(np.int64)
    else:
        x = xa
    return _settle_exactly(method, t, lo, hi, x, exact_targets)


def _bracket(
    count: Callable[[float], FloatArray], t: FloatArray, total: int
) -> tuple[float, float, float, float]:
    """Multipliers ``a < b`` with ``count(a).sum() < total <= count(b).sum()``, and the sums.

    Every divisor method counts between ``lam * t - 1`` and ``lam * t + 1`` units per row, so
    without binding bounds the multiplier lies within ``(total -+ (n + 1)) / sum(t)``: that
    narrow bracket is tried first (two counts), else the multiplier is found by doubling from
    1. The allocation does not depend on the bracket: the units inside it are ranked by cost.
    """
    t_sum = float(t.sum())
    if t_sum > 0 and np.isfinite(t_sum):
        a = max((total - len(t) - 1) / t_sum, -1.0)
        b = (total + len(t) + 1) / t_sum
        sa, sb = float(count(a).sum()), float(count(b).sum())
        if sa < total <= sb:
            return a, b, sa, sb
    a, b = -1.0, 1.0
    sb = float(count(b).sum())
    while sb < total:
        a, b = b, b * 2.0
        if not np.isfinite(b):  # pragma: no cover - guarded by the feasibility diagnosis
            raise ArithmeticError("no multiplier reaches the total; the problem is infeasible")
        sb = float(count(b).sum())
    return a, b, float(count(a).sum()), sb


def _band(
    method: Method,
    t: FloatArray,
    lo: IntArray,
    hi: IntArray,
    low: float,
    high: float,
) -> tuple[IntArray, IntArray]:
    """Per row, the unit range ``[g0, g1)`` whose float costs lie in ``[low, high]``."""
    if method is Method.HAMILTON:  # pragma: no cover - Hamilton settles its own margin
        raise ValueError("hamilton bands are settled by _hamilton")
    k0 = np.maximum(units_at_most(method, low, t) - 2, 0)
    k1 = units_at_most(method, high, t) + 2
    g0 = np.clip(k0, lo, hi).astype(np.int64)
    g1 = np.clip(k1, lo, hi).astype(np.int64)
    # tighten to the units whose cost really lies in the band
    while True:
        inside = g0 < g1
        c0 = unit_cost(method, g0, t)
        move = inside & (c0 < low)
        if not move.any():
            break
        g0 = g0 + move
    while True:
        inside = g0 < g1
        c1 = unit_cost(method, np.maximum(g1 - 1, 0), t)
        move = inside & (c1 > high)
        if not move.any():
            break
        g1 = g1 - move
    return g0, g1


def _settle_exactly(
    method: Method,
    t: FloatArray,
    lo: IntArray,
    hi: IntArray,
    x: IntArray,
    exact_targets: ExactTargets,
) -> tuple[IntArray, tuple[float, tuple[int, ...], tuple[int, ...]] | None]:
    """Re-order the units at the margin exactly; return ``x`` and the tie at the margin."""
    lam_lo, lam_hi = _margin(method, t, lo, hi, x)
    if not (np.isfinite(lam_lo) and np.isfinite(lam_hi)):
        return x, None
    delta = EXACT_MARGIN * max(1.0, abs(lam_lo), abs(lam_hi))
    if lam_hi - lam_lo > delta:
        return x, None
    g0, g1 = _band(method, t, lo, hi, min(lam_lo, lam_hi) - delta, max(lam_lo, lam_hi) + delta)
    band_rows = np.flatnonzero(g1 > g0)
    selected = int(np.clip(x[band_rows] - g0[band_rows], 0, None).sum())
    exact = dict(zip(band_rows.tolist(), exact_targets(band_rows.tolist()), strict=True))
    units = []
    for r in band_rows.tolist():
        target = exact[r]
        for k in range(int(g0[r]), int(g1[r])):
            units.append((exact_unit_cost(method, k, target), -target, r, k))
    units.sort()
    new_x = x.copy()
    new_x[band_rows] = g0[band_rows]
    for _, _, r, _ in units[:selected]:
        new_x[r] += 1
    tie = None
    if 0 < selected < len(units) and units[selected - 1][0] == units[selected][0]:
        cost = units[selected][0]
        winners = tuple(sorted({u[2] for u in units[:selected] if u[0] == cost}))
        losers = tuple(sorted({u[2] for u in units[selected:] if u[0] == cost}))
        tie = (float(cost), winners, losers)
    return new_x, tie


def _margin(
    method: Method, t: FloatArray, lo: IntArray, hi: IntArray, x: IntArray
) -> tuple[float, float]:
    last = np.where(x > lo, unit_cost(method, np.maximum(x - 1, 0), t), -np.inf)
    nxt = np.where(x < hi, unit_cost(method, x, t), np.inf)
    return float(last.max(initial=-np.inf)), float(nxt.min(initial=np.inf))


# -- Hamilton ---------------------------------------------------------------------------------


def _hamilton(
    t: FloatArray,
    lo: IntArray,
    hi: IntArray,
    total: int,
    exact_targets: ExactTargets,
) -> tuple[IntArray, tuple[float, tuple[int, ...], tuple[int, ...]] | None]:
    fl = np.floor(t)
    has_frac = (t - fl) > 0
    below = np.clip(fl, lo, hi).astype(np.int64)  # units costing -1 (and forced ones)
    quota = np.clip(fl + has_frac, lo, hi).astype(np.int64)
    if total <= int(below.sum()):
        # every free unit costs -1: spread the cut by Sainte-Laguë cost
        x, _ = _divisor(Method.WEBSTER, t, lo, below, total, exact_targets)
        return x, _plateau_tie(-1.0, x, lo, below)
    if total <= int(quota.sum()):
        return _hamilton_fractions(t, below, quota, total, exact_targets)
    # every further unit costs +1: spread the excess by Sainte-Laguë cost
    positive = t > 0
    cap = np.where(positive, hi, quota)
    room = int(np.minimum(cap, total).sum())  # UNBOUNDED entries must not overflow the sum
    if total <= room:
        x, _ = _divisor(Method.WEBSTER, t, quota, cap, total, exact_targets)
    else:  # zero-target rows take the rest, in id order (their Sainte-Laguë cost is infinite)
        x = cap.copy()
        rest = total - room
        for r in np.flatnonzero(~positive).tolist():
            take = min(rest, int(hi[r] - x[r]))
            x[r] += take
            rest -= take
    return x, _plateau_tie(1.0, x, quota, hi)


def _plateau_tie(
    cost: float, x: IntArray, floor_: IntArray, ceil_: IntArray
) -> tuple[float, tuple[int, ...], tuple[int, ...]] | None:
    winners = tuple(np.flatnonzero(x > floor_).tolist())
    losers = tuple(np.flatnonzero(x < ceil_).tolist())
    if winners and losers:
        return cost, winners, losers
    return None


def _hamilton_fractions(
    t: FloatArray,
    below: IntArray,
    quota: IntArray,
    total: int,
    exact_targets: ExactTargets,
) -> tuple[IntArray, tuple[float, tuple[int, ...], tuple[int, ...]] | None]:
    r = total - int(below.sum())
    rows = np.flatnonzero(quota > below)
    k = below[rows]
    cost = np.clip(2.0 * (k - t[rows]) + 1.0, -1.0, 1.0)
    with np.errstate(divide="ignore"):
        second = (2.0 * k + 1.0) / (2.0 * t[rows])
    order = np.lexsort((rows, -t[rows], second, cost))
    x = below.copy()
    x[rows[order[:r]]] += 1
    if r == 0 or r == len(rows):
        return x, None
    c_sel, c_rej = cost[order[r - 1]], cost[order[r]]
    delta = EXACT_MARGIN * max(1.0, abs(c_sel), abs(c_rej))
    if c_rej - c_sel > delta:
        return x, None
    near = rows[np.abs(cost - c_sel) <= 2 * delta + abs(c_rej - c_sel)]
    in_band = np.isin(rows, near)
    band_rows = rows[in_band]
    chosen = int((x[band_rows] > below[band_rows]).sum())
    targets = exact_targets(band_rows.tolist())
    units = []
    for row, target in zip(band_rows.tolist(), targets, strict=True):
        kk = int(below[row])
        units.append(
            (
                exact_unit_cost(Method.HAMILTON, kk, target),
                Fraction(2 * kk + 1, 2) / target,
                -target,
                row,
            )
        )
    units.sort()
    x[band_rows] = below[band_rows]
    for u in units[:chosen]:
        x[u[3]] += 1
    tie = None
    if 0 < chosen < len(units) and units[chosen - 1][0] == units[chosen][0]:
        c = units[chosen][0]
        tie = (
            float(c),
            tuple(sorted(u[3] for u in units[:chosen] if u[0] == c)),
            tuple(sorted(u[3] for u in units[chosen:] if u[0] == c)),
        )
    return x, tie


# -- certificate ------------------------------------------------------------------------------


def _certify(
    method: Method,
    t: FloatArray,
    lo: IntArray,
    hi: IntArray,
    x: IntArray,
    tie: tuple[float, tuple[int, ...], tuple[int, ...]] | None,
) -> SeparableSolution:
    last = np.where(x > lo, unit_cost(method, np.maximum(x - 1, 0), t), -np.inf)
    nxt = np.where(x < hi, unit_cost(method, x, t), np.inf)
    low_row = int(np.argmax(last)) if (x > lo).any() else None
    high_row = int(np.argmin(nxt)) if (x < hi).any() else None
    lam_lo = float(last[low_row]) if low_row is not None else -np.inf
    lam_hi = float(nxt[high_row]) if high_row is not None else np.inf
    delta = EXACT_MARGIN * max(
        1.0,
        abs(lam_lo) if np.isfinite(lam_lo) else 0.0,
        abs(lam_hi) if np.isfinite(lam_hi) else 0.0,
    )
    exact = not (lam_hi - lam_lo > delta)
    return SeparableSolution(
        x=x.astype(np.int64),
        lambda_low=lam_lo,
        lambda_high=lam_hi,
        low_row=low_row,
        high_row=high_row,
        tie_cost=None if tie is None else tie[0],
        tie_winners=() if tie is None else tie[1],
        tie_losers=() if tie is None else tie[2],
        exact=exact,
    )
