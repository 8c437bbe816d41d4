"""Per-variable feasible sets under the process rules, and the Lagrangian bound on them.

A request (or minors) variable ``x_i`` lives in ``S_i = Z_i | P_i`` (union) where

* ``P_i = {x : lo_i <= x <= hi_i, x = 0 (mod g) or, when off-grid steps are allowed,
  x = 1 (mod g)}``, ``lo_i = max(l_i, k_i)`` (``k_i`` the "0 or at least k" minimum);
* ``Z_i = {0}`` when the minimum rule lets the variable be 0, else empty.

The rules that join variables (the totals, the number of off-grid steps, the number of minors
hosts, county totals, minors within requests) are relaxed with multipliers: for any ``lambda``
per sum group and ``mu >= 0`` per host limit,

    L = sum_i min_{x in S_i} [f_i(x) - lambda_g(i) x + mu [x > 0]] + sum_g lambda_g T_g - mu H

is a lower bound on the optimum (penalties and coupling rows are dropped, which only lowers
it). If a solution of value ``V`` is optimal inside windows ``[a_i, b_i]`` and every point of
``S_i`` outside the window has reduced cost ``>= V - L``, no better solution exists outside
the windows: the windowed optimum is optimal. That is the certificate of the integer program
with rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from busetting._methods import DIVISOR_METHODS, Method, deviation, objective_increment
from busetting._status import OutOfTime, past

__all__ = ["VarSets", "dual_bound", "reduced_outside"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class VarSets:
    """``S_i`` for each variable of one key; ``const`` rows are held at ``lower``."""

    lower: IntArray  # l_i
    upper: IntArray  # u_i, finite (at most the key's total)
    lo_p: IntArray  # smallest value of P_i before the grid: max(l_i, k_i)
    grid: IntArray  # g_i (1: no grid)
    offgrid: bool  # whether x = 1 (mod g) is allowed
    zero_ok: BoolArray  # 0 in S_i through the minimum rule
    const: BoolArray  # held at lower (fixed, zero target, l == u)

    def snap_down(self, x: IntArray) -> FloatArray:
        """Largest point of ``P_i`` at most ``x`` (NaN where none)."""
        xx = np.minimum(np.asarray(x, dtype=np.int64), self.upper)
        g = self.grid
        best = (xx // g) * g
        if self.offgrid:
            alt = ((xx - 1) // g) * g + 1
            best = np.where(g > 1, np.maximum(best, alt), best)
        ok = best >= self.lo_p
        return np.where(ok, best.astype(np.float64), np.nan)

    def snap_up(self, x: IntArray) -> FloatArray:
        """Smallest point of ``P_i`` at least ``x`` (NaN where none)."""
        xx = np.maximum(np.asarray(x, dtype=np.int64), self.lo_p)
        g = self.grid
        best = -((-xx) // g) * g
        if self.offgrid:
            alt = -((-(xx - 1)) // g) * g + 1
            best = np.where(g > 1, np.minimum(best, alt), best)
        ok = best <= self.upper
        return np.where(ok, best.astype(np.float64), np.nan)

    def smallest(self) -> IntArray:
        """min S_i (``-1`` where S_i is empty)."""
        up = self.snap_up(self.lo_p)
        low = np.where(np.isnan(up), -1, np.nan_to_num(up, nan=-1)).astype(np.int64)
        return np.where(self.zero_ok, 0, low).astype(np.int64)

    def largest(self) -> IntArray:
        """max S_i (``-1`` where S_i is empty)."""
        down = self.snap_down(self.upper)
        high = np.nan_to_num(down, nan=-1).astype(np.int64)
        return np.where(self.zero_ok & (high < 0), 0, high).astype(np.int64)


def _value(method: Method, t: FloatArray, x: FloatArray, lam: FloatArray) -> FloatArray:
    """f_i(x) - lambda_i x, +inf where x is NaN (no such point)."""
    bad = np.isnan(x)
    xi = np.where(bad, 0, x).astype(np.int64)
    v = deviation(method, xi, t) - lam * xi
    return np.where(bad, np.inf, v)


def _unconstrained_minimiser(
    method: Method, t: FloatArray, lam: FloatArray, upper: IntArray
) -> IntArray:
    """Integer minimiser of f(x) - lambda x over 0 <= x <= upper (a point next to it)."""
    if method is Method.HAMILTON:
        x = np.where(lam <= -1, 0.0, np.where(lam >= 1, upper, np.ceil(t + (lam - 1) / 2)))
    else:
        # increments 2 s(k)/t - 2 < lam  <=>  s(k) < (lam + 2) t / 2; s(k) ~ k + 1/2
        x = np.ceil((lam + 2.0) * t / 2.0)
    x = np.clip(np.nan_to_num(x, nan=0.0, posinf=0.0), 0, upper).astype(np.int64)
    # settle the exact minimiser by one step either way (increments are monotone)
    inc_up = objective_increment(method, x, t)
    x = np.where((inc_up < lam) & (x < upper), x + 1, x)
    inc_dn = objective_increment(method, np.maximum(x - 1, 0), t)
    out: IntArray = np.where((x > 0) & (inc_dn > lam), x - 1, x).astype(np.int64)
    return out


def _min_over(
    method: Method,
    t: FloatArray,
    sets: VarSets,
    lam: FloatArray,
    mu: FloatArray,
    lo: IntArray | None = None,
    hi: IntArray | None = None,
) -> FloatArray:
    """min over the points of S_i inside [lo, hi] of f - lambda x + mu [x > 0] (inf if none)."""
    n = len(t)
    lo = np.zeros(n, dtype=np.int64) if lo is None else lo
    hi = sets.upper if hi is None else np.minimum(hi, sets.upper)
    xh = _unconstrained_minimiser(method, t, lam, sets.upper)
    inside = np.clip(xh, lo, np.maximum(lo, hi))
    below = sets.snap_down(inside)
    above = sets.snap_up(inside)
    below = np.where(below >= lo, below, np.nan)
    above = np.where(above <= hi, above, np.nan)
    # the bracketing points of P inside [lo, hi]; a convex function is smallest at one of them
    vals = np.minimum(_value(method, t, below, lam), _value(method, t, above, lam))
    vals = np.where(np.isfinite(vals), vals + mu, vals)
    zero = sets.zero_ok & (lo <= 0) & (hi >= 0)
    v0 = _value(method, t, np.zeros(n), lam)
    return np.where(zero, np.minimum(vals, v0), vals)


def row_minimum(
    method: Method, t: FloatArray, sets: VarSets, lam: FloatArray, mu: FloatArray
) -> FloatArray:
    """min over S_i of f_i - lambda x + mu [x > 0]; constant rows give their value."""
    m = _min_over(method, t, sets, lam, mu)
    held = sets.lower.astype(np.float64)
    const_val = _value(method, t, held, lam) + np.where(held > 0, mu, 0.0)
    return np.where(sets.const, const_val, m)


def reduced_outside(
    method: Method,
    t: FloatArray,
    sets: VarSets,
    lam: FloatArray,
    mu: FloatArray,
    a: IntArray,
    b: IntArray,
) -> tuple[FloatArray, FloatArray]:
    """Reduced cost of the cheapest point of S_i below ``a`` and above ``b`` (inf if none)."""
    base = row_minimum(method, t, sets, lam, mu)
    low = _min_over(method, t, sets, lam, mu, hi=a - 1)
    high = _min_over(method, t, sets, lam, mu, lo=b + 1)
    low = np.where(sets.const | (a <= sets.lower), np.inf, low - base)
    high = np.where(sets.const | (b >= sets.upper), np.inf, high - base)
    return low, high


def _golden_max(fn, lo: float, hi: float, iterations: int = 60) -> float:  # type: ignore[no-untyped-def]
    """Maximiser of a concave function on [lo, hi] by golden-section search."""
    phi = (math.sqrt(5) - 1) / 2
    c, d = hi - phi * (hi - lo), lo + phi * (hi - lo)
    fc, fd = fn(c), fn(d)
    for _ in range(iterations):
        if fc >= fd:
            hi, d, fd = d, c, fc
            c = hi - phi * (hi - lo)
            fc = fn(c)
        else:
            lo, c, fc = c, d, fd
            d = lo + phi * (hi - lo)
            fd = fn(d)
    return c if fc >= fd else d


@dataclass(frozen=True)
class Dual:
    """A Lagrangian lower bound and the multipliers that gave it."""

    bound: float
    lam: FloatArray  # per row
    mu: float


def dual_bound(
    method: Method,
    t: FloatArray,
    sets: VarSets,
    groups: IntArray,
    totals: dict[int, int],
    *,
    hosts: int | None = None,
    exact_hosts: bool = False,
    deadline: float | None = None,
) -> Dual:
    """The best Lagrangian bound over one multiplier per sum group (and one host multiplier).

    ``groups[i]`` names the sum group of row ``i`` (``-1``: no sum constraint); ``totals``
    maps group to its total. The dual is concave, maximised group by group by golden-section
    search; with a host limit ``H`` the host multiplier has a closed form for each ``lambda``.
    """
    n = len(t)
    lam = np.zeros(n)
    bound = 0.0
    mu_best = 0.0
    span = _bracket(method, t)
    for g, total in sorted(totals.items()):
        rows = groups == g
        if not rows.any():
            continue
        sub = _subset(sets, rows)
        tg = t[rows]

        def value(x: float, sub: VarSets = sub, tg: FloatArray = tg, total: int = total) -> float:
            if past(deadline):  # the caller's time limit (issue 28)
                raise OutOfTime
            lv = np.full(len(tg), x)
            if hosts is None:
                return float(
                    np.sum(row_minimum(method, tg, sub, lv, np.zeros(len(tg)))) + x * total
                )
            return _host_value(method, tg, sub, lv, hosts, exact_hosts)[0] + x * total

        best = _golden_max(value, *span)
        lam[rows] = best
        bound += value(best)
        if hosts is not None:
            mu_best = _host_value(method, tg, sub, np.full(len(tg), best), hosts, exact_hosts)[1]
    free = groups < 0
    if free.any():
        sub = _subset(sets, free)
        bound += float(
            np.sum(
                row_minimum(
                    method, t[free], sub, np.zeros(int(free.sum())), np.zeros(int(free.sum()))
                )
            )
        )
    return Dual(bound, lam, mu_best)


def _host_value(
    method: Method, t: FloatArray, sets: VarSets, lam: FloatArray, hosts: int, exact: bool
) -> tuple[float, float]:
    """max over mu of sum_i min(A_i, B_i + mu) - mu H, with A_i at 0 and B_i on P_i."""
    zero = np.zeros(len(t))
    with_p = _min_over(method, t, _no_zero(sets), lam, zero)  # B_i
    at0 = np.where(sets.zero_ok | (sets.lower == 0), _value(method, t, zero, lam), np.inf)
    at0 = np.where(sets.const, np.where(sets.lower == 0, at0, np.inf), at0)
    with_p = np.where(sets.const & (sets.lower == 0), np.inf, with_p)
    benefit = np.sort(np.where(np.isfinite(at0), at0 - with_p, np.inf))[::-1]
    if len(benefit) > hosts:
        mu = float(benefit[hosts])
    else:
        mu = 0.0 if not exact else float(benefit[-1]) if len(benefit) else 0.0
    if not exact:
        mu = max(mu, 0.0)
    if not math.isfinite(mu):
        mu = 0.0
    total = float(np.sum(np.minimum(at0, with_p + mu))) - mu * hosts
    return total, mu


def _no_zero(sets: VarSets) -> VarSets:
    lo_p = np.maximum(sets.lo_p, 1)
    return VarSets(
        sets.lower,
        sets.upper,
        lo_p,
        sets.grid,
        sets.offgrid,
        np.zeros_like(sets.zero_ok),
        sets.const,
    )


def _subset(sets: VarSets, rows: BoolArray) -> VarSets:
    return VarSets(
        sets.lower[rows],
        sets.upper[rows],
        sets.lo_p[rows],
        sets.grid[rows],
        sets.offgrid,
        sets.zero_ok[rows],
        sets.const[rows],
    )


def _bracket(method: Method, t: FloatArray) -> tuple[float, float]:
    if method is Method.HAMILTON:
        return -1.5, 1.5
    if method in DIVISOR_METHODS:
        positive = t[t > 0]
        top = float(2.0 * (positive.max() + 2) / max(positive.min(), 1e-9)) if len(positive) else 1
        return -2.0, min(top, 1e6)
    return -10.0, 10.0  # pragma: no cover
