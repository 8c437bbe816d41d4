"""The threshold (divisor) path: exact, O(n log n), numpy only.

For a separable convex cost with one sum constraint and bounds, an allocation is optimal
exactly when no unit can be moved from one municipality to another at a saving: the dearest
unit that could be removed costs no more than the cheapest unit that could be added. The
solver finds the multiplier ``lambda`` where the unit costs cross on the counting function
``S(lambda) = sum_i clip(#{k : c_i(k) <= lambda}, l_i, u_i)``: it starts at
``N / sum_i t_i``, brackets the need with one step, and narrows the bracket by regula falsi
(``S`` is nearly linear; every third step halves while many units remain). A count that meets
the need exactly is the allocation; otherwise the few units left in the bracket are ranked by
cost. On the Norway problem that is four or five counts of 357 rows.

Floating point is used for speed only: wherever the dearest chosen unit and the cheapest
rejected unit are closer than :data:`EXACT_MARGIN` (relative), the units in that band are
re-ordered with exact rational costs computed from exact targets, so the result is the exact
optimum, and exact ties are broken by the documented rule (:data:`busetting._methods.TIE_RULE`).

The result carries the certificate: the interval ``[lambda_low, lambda_high]`` between the
dearest removable chosen unit and the cheapest addable unit. ``lambda_low <= lambda_high``
proves optimality, and anyone can re-check it from the allocation and the targets.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from busetting._methods import (
    DIVISOR_METHODS,
    Method,
    exact_unit_cost,
    signpost,
    unit_cost,
    units_at_most,
    units_at_most_raw,
)
from busetting._status import EXACT_MARGIN

__all__ = [
    "EXACT_MARGIN",
    "UNBOUNDED",
    "SeparableSolution",
    "nothing_to_place",
    "solve_separable",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
ExactTargets = Callable[[list[int]], list[Fraction]]

UNBOUNDED = 2**62
"""Sentinel upper bound for a municipality without one."""

_Tie = tuple[float, tuple[int, ...], tuple[int, ...]]
"""The cost of a tie at the margin, the rows that got a unit of that cost and those that did not."""
_Margin = tuple[float, int | None, float, int | None]
"""The dearest removable chosen unit's cost and row, the cheapest addable unit's cost and row."""


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


def nothing_to_place(n: int) -> SeparableSolution:
    """The solution of a key with total 0 under a divisor method: every target is 0, so
    every row is held at its lower bound, 0 (the total is 0); no unit can be removed or added.
    The same as :func:`solve_separable` gives, without its arithmetic."""
    return SeparableSolution(
        x=np.zeros(n, dtype=np.int64),
        lambda_low=-np.inf,
        lambda_high=np.inf,
        low_row=None,
        high_row=None,
        tie_cost=None,
        tie_winners=(),
        tie_losers=(),
        exact=False,  # no margin to settle
    )


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
    margin = None
    if method is Method.HAMILTON:
        x, tie = _hamilton(t, lo, hi, total, exact_targets)
    else:
        x, tie, margin = _divisor(method, t, lo, hi, total, exact_targets)
    return _certify(method, t, lo, hi, x, tie, margin)


# -- divisor methods --------------------------------------------------------------------------


def _divisor(
    method: Method,
    t: FloatArray,
    lo: IntArray,
    hi: IntArray,
    total: int,
    exact_targets: ExactTargets,
) -> tuple[IntArray, _Tie | None, _Margin | None]:
    if total <= int(lo.sum()):
        return lo.copy(), None, None
    free = not lo.any() and bool((hi >= UNBOUNDED).all())  # no bounds at all
    count = _counter(method, t, lo, hi, free)
    (a, xa, sa), (b, xb, sb) = _bracket(count, t, total)
    limit, tries = max(2 * len(t), 64), _TRIES
    for step in range(200):
        if sb == total or (tries == 0 and sb - sa <= limit):
            break
        if sb - sa <= limit:
            tries -= 1
        # regula falsi (the count is nearly linear in the multiplier), halving every third
        # step while many units remain, so that a stalled side still moves; 0 first when the
        # bracket holds it (a first unit of cost 0 makes a jump there)
        mid = a + (b - a) * (total - sa) / (sb - sa)
        if a < 0 < b:
            mid = 0.0
        elif (step % 3 == 2 and sb - sa > _FEW_UNITS) or not (a < mid < b):
            mid = 0.5 * (a + b)
            if not (a < mid < b):
                break
        xm = count(mid)
        sm = xm.sum()
        if sm >= total:
            b, xb, sb = mid, xm, sm
        else:
            a, xa, sa = mid, xm, sm
    if sb == total:  # every unit up to b and none above it: no unit to rank
        x = xb.astype(np.int64)
    else:
        x = _cheapest_units(method, t, xa.astype(np.int64), xb.astype(np.int64), total)
    return _settle_exactly(method, t, lo, hi, x, exact_targets, free)


_FEW_UNITS = 32
"""While the bracket holds more than this many units, every third step halves it."""
_TRIES = 3
"""Once the bracket holds at most ``max(2n, 64)`` units, the threshold path tries this many
more counts for one that meets the total exactly, then ranks the units left (many units of
one cost, e.g. equal targets, never meet it)."""


def _counter(
    method: Method, t: FloatArray, lo: IntArray, hi: IntArray, free: bool
) -> Callable[[float], FloatArray]:
    """``count(lam)``: per row, the units of cost at most ``lam`` within the bounds (floats).

    Rows with ``t = 0`` have ``hi == lo`` here (the zero-target rule), so the raw count of
    those rows never matters and the clip alone gives their value. ``free``: no bounds at
    all, so the raw count (never negative) is the count.
    """
    if free:

        def raw(lam: float) -> FloatArray:
            return np.zeros(len(t)) if lam < 0 else units_at_most_raw(method, lam, t)

        return raw
    lo_f = lo.astype(np.float64)
    hi_f = hi.astype(np.float64)

    def count(lam: float) -> FloatArray:
        if lam < 0:
            return lo_f.copy()
        n = units_at_most_raw(method, lam, t)
        np.maximum(n, lo_f, out=n)
        return np.minimum(n, hi_f, out=n)

    return count


def _cheapest_units(
    method: Method, t: FloatArray, xa: IntArray, xb: IntArray, total: int
) -> IntArray:
    """``xa`` plus the ``total - sum(xa)`` cheapest units between ``xa`` and ``xb`` (by float
    cost; units of equal or nearly equal cost at the margin are re-ordered exactly after)."""
    r = total - int(xa.sum())
    if r <= 0:
        return xa
    span = xb - xa
    rows = np.repeat(np.arange(len(t), dtype=np.int64), span)
    if r >= len(rows):
        return xb
    ks = np.arange(len(rows), dtype=np.int64) - np.repeat(np.cumsum(span) - span, span)
    ks += xa[rows]
    costs = signpost(method, ks) / t[rows]  # t > 0 wherever a row has room (xb > xa)
    chosen = np.argpartition(costs, r - 1)[:r]
    return xa + np.bincount(rows[chosen], minlength=len(t))


def _bracket(
    count: Callable[[float], FloatArray], t: FloatArray, total: int
) -> tuple[tuple[float, FloatArray, float], tuple[float, FloatArray, float]]:
    """Multipliers ``a < b`` with ``count(a).sum() < total <= count(b).sum()``, with the
    counts and their sums (``sum(lo) < total``).

    Every divisor method counts about ``lam * t`` units per row, so the first guess is
    ``total / sum(t)``; when it meets the total it is ``b`` (and ``a`` counts nothing above
    the lower bounds), else one step of ``(gap + sqrt(n) + 1) / sum(t)`` towards the total
    usually brackets it. Otherwise the bracket is ``(total -+ (n + 1)) / sum(t)`` (each row
    counts within one unit of ``lam * t``, so it holds without binding bounds), else the
    multiplier is found by doubling from 1. The allocation does not depend on the bracket:
    the units inside it are ranked by cost.
    """
    t_sum = float(t.sum())
    if t_sum > 0 and np.isfinite(t_sum):
        lam = total / t_sum
        x = count(lam)
        s = float(x.sum())
        if s == total:
            floor = count(-1.0)
            return (-1.0, floor, float(floor.sum())), (lam, x, s)
        step = (abs(total - s) + math.sqrt(len(t)) + 1.0) / t_sum
        other = lam + step if s < total else max(lam - step, -1.0)
        y = count(other)
        sy = float(y.sum())
        if s < total <= sy:
            return (lam, x, s), (other, y, sy)
        if sy < total <= s:
            return (other, y, sy), (lam, x, s)
        a = max((total - len(t) - 1) / t_sum, -1.0)
        b = (total + len(t) + 1) / t_sum
        xa, xb = count(a), count(b)
        sa, sb = float(xa.sum()), float(xb.sum())
        if sa < total <= sb:
            return (a, xa, sa), (b, xb, sb)
    a, b = -1.0, 1.0
    xb = count(b)
    while xb.sum() < total:
        a, b = b, b * 2.0
        if not np.isfinite(b):  # pragma: no cover - guarded by the feasibility diagnosis
            raise ArithmeticError("no multiplier reaches the total; the problem is infeasible")
        xb = count(b)
    xa = count(a)
    return (a, xa, float(xa.sum())), (b, xb, float(xb.sum()))


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
    free: bool | None = None,
) -> tuple[IntArray, _Tie | None, _Margin | None]:
    """Re-order the units at the margin exactly; return ``x``, the tie at the margin and the
    margin of ``x`` when it is unchanged (``None`` when the units were re-ordered)."""
    margin = _margin(method, t, lo, hi, x, free)
    lam_lo, _, lam_hi, _ = margin
    if not (np.isfinite(lam_lo) and np.isfinite(lam_hi)):
        return x, None, margin
    delta = EXACT_MARGIN * max(1.0, abs(lam_lo), abs(lam_hi))
    if lam_hi - lam_lo > delta:
        return x, None, margin
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
    return new_x, tie, None


def _margin(
    method: Method, t: FloatArray, lo: IntArray, hi: IntArray, x: IntArray, free: bool | None = None
) -> tuple[float, int | None, float, int | None]:
    """The cost of the dearest chosen unit that could be removed and of the cheapest unit
    that could be added, with their rows (the first row on a tie; ``None`` when no unit can
    be removed or added)."""
    if len(x) == 0:  # no rows (e.g. the minors key when no municipality is eligible)
        return -np.inf, None, np.inf, None
    if free is None:  # ``free``: no bounds at all (when the caller knows)
        free = method is not Method.HAMILTON and not lo.any() and bool((hi >= UNBOUNDED).all())
    if free:
        return _free_margin(method, t, x)
    down, up = x > lo, x < hi
    low_row = high_row = None
    lam_lo, lam_hi = -np.inf, np.inf
    if down.any():
        last = np.full(len(x), -np.inf)
        _costs(method, x - 1, t, last, down)
        low_row = int(last.argmax())
        lam_lo = float(last[low_row])
    if up.any():
        nxt = np.full(len(x), np.inf)
        _costs(method, x, t, nxt, up)
        high_row = int(nxt.argmin())
        lam_hi = float(nxt[high_row])
    return lam_lo, low_row, lam_hi, high_row


def _free_margin(method: Method, t: FloatArray, x: IntArray) -> _Margin:
    """:func:`_margin` of a divisor method without bounds: every row can be raised, and
    ``t > 0`` everywhere (a zero target would be held, hence bounded)."""
    last = signpost(method, x - 1)
    last /= t
    last[x <= 0] = -np.inf
    nxt = signpost(method, x)
    nxt /= t
    i, j = int(last.argmax()), int(nxt.argmin())
    lam_lo = float(last[i])
    return lam_lo, (i if lam_lo > -np.inf else None), float(nxt[j]), j


def _costs(
    method: Method, k: IntArray, t: FloatArray, out: FloatArray, where: NDArray[np.bool_]
) -> None:
    """Write the cost of unit ``k`` into ``out`` where ``where`` holds (a divisor method's
    rows there have ``t > 0``: a zero-target row is held at its lower bound)."""
    if method is Method.HAMILTON:
        np.copyto(out, unit_cost(method, k, t), where=where)
    else:
        np.divide(signpost(method, k), t, out=out, where=where)


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
        x, _, _ = _divisor(Method.WEBSTER, t, lo, below, total, exact_targets)
        return x, _plateau_tie(-1.0, x, lo, below)
    if total <= int(quota.sum()):
        return _hamilton_fractions(t, below, quota, total, exact_targets)
    # every further unit costs +1: spread the excess by Sainte-Laguë cost
    positive = t > 0
    cap = np.where(positive, hi, quota)
    room = int(np.minimum(cap, total).sum())  # UNBOUNDED entries must not overflow the sum
    if total <= room:
        x, _, _ = _divisor(Method.WEBSTER, t, quota, cap, total, exact_targets)
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
    tie: _Tie | None,
    margin: _Margin | None = None,
) -> SeparableSolution:
    if margin is None:
        margin = _margin(method, t, lo, hi, x)
    lam_lo, low_row, lam_hi, high_row = margin
    delta = EXACT_MARGIN * max(
        1.0,
        abs(lam_lo) if np.isfinite(lam_lo) else 0.0,
        abs(lam_hi) if np.isfinite(lam_hi) else 0.0,
    )
    return SeparableSolution(
        x=x.astype(np.int64, copy=False),
        lambda_low=lam_lo,
        lambda_high=lam_hi,
        low_row=low_row,
        high_row=high_row,
        tie_cost=None if tie is None else tie[0],
        tie_winners=() if tie is None else tie[1],
        tie_losers=() if tie is None else tie[2],
        exact=not (lam_hi - lam_lo > delta),
    )
