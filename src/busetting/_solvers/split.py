"""The split search of the rules path: requests and minors searched apart, then joined.

The rules path's search (:mod:`busetting._solvers.lagrange`) walks every (request, minors)
pair of the core rows together. Where the minors' costs are flat over a wide range, as
Hamilton's ``|m - t|`` is once the multiplier prices every unit above the target at exactly
its cost, that joint walk meets tens of thousands of states of equal cost. Its one coupling is
``m_i <= x_i`` within each municipality, and dropping it only lowers the optimum, so:

1. the requests alone: the least reduced cost of requests meeting their sums (the group
   totals and the off-grid count), by the same exact search over the requests' values within
   the gap;
2. the minors alone: the least reduced cost of minors meeting the minors total and the host
   limit (with the host slack priced by ``mu``), by a dense dynamic programme over
   (minors so far, hosts so far) in numpy, once without and once with ``m_i <= x_i`` for the
   requests of step 1.

When both minors programmes reach the same cost, the pair is optimal: no solution within the
gap can cost less than the two parts searched apart. Otherwise the split proves nothing and
the caller hands the problem on. Both steps are exact over every value within the gap (the
windows are complete by convexity, as in the joint search).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["MINORS_CELLS", "MinorsChoice", "MinorsSums", "search_minors"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

MINORS_CELLS = 60_000_000
"""Largest number of cell updates (options x states) the minors programme may make before it
gives the problem back (its arrays are (minors total + 1) x (host limit + 1))."""


@dataclass(frozen=True)
class MinorsSums:
    """What the minors must meet together: their total, the host limit (``None``: none),
    whether it is exact, and the price ``mu`` of a host left unused (the host slack)."""

    total: int
    hosts: int | None
    exact_hosts: bool
    mu: float


@dataclass(frozen=True)
class MinorsChoice:
    """The minors the programme chose (one value per eligible row), their reduced cost with
    the host slack, and the rows that had more than one value within the gap."""

    values: IntArray
    cost: float
    choices: int


def _options(
    points: IntArray, rc: FloatArray, limit: float, caps: IntArray | None
) -> list[tuple[FloatArray, IntArray]]:
    """Per row, the values within ``limit`` (and under the cap), cheapest first, then smallest."""
    keep = (points >= 0) & (rc <= limit)
    if caps is not None:
        keep &= points <= caps[:, None]
    out = []
    for j in range(points.shape[0]):
        r = rc[j][keep[j]]
        p = points[j][keep[j]]
        order = np.lexsort((p, r))
        out.append((r[order], p[order].astype(np.int64)))
    return out


def search_minors(
    points: IntArray,
    rc: FloatArray,
    limit: float,
    sums: MinorsSums,
    caps: IntArray | None = None,
) -> MinorsChoice | None:
    """The least-cost minors (reduced cost ``rc`` of each value in ``points``, rows x K, ``-1``
    where there is no value) summing to ``sums.total`` with at most (``sums.exact_hosts``:
    exactly) ``sums.hosts`` rows above 0, each at most its cap; ``None`` when no choice within
    ``limit`` exists or the programme would exceed :data:`MINORS_CELLS`.

    Ties are broken the same way every time: the cheapest value of a row first, then the
    smaller value, rows in their order; of the final states the one with fewer hosts.
    """
    total, hosts, exact_hosts, mu = sums.total, sums.hosts, sums.exact_hosts, sums.mu
    opts = _options(points, rc, limit, caps)
    if any(len(r) == 0 for r, _ in opts):
        return None
    base = np.array([int(p[0]) for _, p in opts], dtype=np.int64)
    multi = [j for j, (r, _) in enumerate(opts) if len(r) > 1]
    single = [j for j, (r, _) in enumerate(opts) if len(r) == 1]
    s0 = int(base[single].sum())
    h0 = int((base[single] > 0).sum())
    need = total - s0
    if need < 0:
        return None
    width = (hosts + 1) if hosts is not None else 1
    cells = (need + 1) * width * sum(len(opts[j][0]) for j in multi)
    if cells > MINORS_CELLS:
        return None
    fixed = math.fsum(float(opts[j][0][0]) for j in single)
    cost = np.full((need + 1, width), np.inf)
    h_start = 0 if hosts is None else h0
    if hosts is not None and h0 > hosts:
        return None
    cost[0, h_start] = fixed
    layers: list[FloatArray] = []  # the cost before each multi row, for the way back
    for j in multi:
        layers.append(cost)
        cost = _layer(cost, opts[j], need, width, hosts is not None)
        cost[cost > limit] = np.inf
    final = cost[need].copy()
    if hosts is not None:
        if exact_hosts:
            final[np.arange(width) != hosts] = np.inf
        else:
            final = final + mu * (hosts - np.arange(width))
    h_end = int(np.argmin(final))
    best = float(final[h_end])
    if not math.isfinite(best):
        return None
    values = base.copy()
    s, h = need, h_end
    for idx in range(len(multi) - 1, -1, -1):
        j = multi[idx]
        v = _way_back(layers[idx], opts[j], float(cost[s, h]), s, h, hosts is not None)
        values[j] = v
        s -= v
        h -= int(v > 0) if hosts is not None else 0
        cost = layers[idx]
    return MinorsChoice(values, best, len(multi))


def _runs(r: FloatArray, p: IntArray) -> list[tuple[float, float, int, int]]:
    """The row's values as linear pieces ``(cost at first, cost per unit, first, last)``:
    runs of consecutive values above 0 whose reduced cost changes by the same amount per unit
    (the cost is convex and piecewise linear for a quota method), and the value 0 alone."""
    order = np.argsort(p, kind="stable")
    pv = p[order].tolist()
    rv = r[order].tolist()
    out: list[tuple[float, float, int, int]] = []
    for c, v in zip(rv, pv, strict=True):
        if out and out[-1][2] > 0 and out[-1][3] + 1 == v:
            c0, slope, first, last = out[-1]
            step = c - (c0 + slope * (last - first))
            if last == first or abs(step - slope) <= _SLOPE_TOL * max(1.0, abs(c)):
                out[-1] = (c0, step if last == first else slope, first, v)
                continue
        out.append((c, 0.0, v, v))
    return out


_SLOPE_TOL = 1e-12
"""Relative difference at which two steps of a row's reduced cost count as one slope."""


def _window_min(a: FloatArray, first: int, last: int) -> FloatArray:
    """``out[s] = min(a[s - v] for first <= v <= last)`` along axis 0 (``inf`` outside)."""
    n = a.shape[0]
    out = np.full_like(a, np.inf)
    if first >= n:
        return out
    length = min(last, n - 1) - first + 1
    shifted = np.full_like(a, np.inf)
    shifted[first:] = a[: n - first]  # shifted[s] = a[s - first]
    m = shifted  # min over v in [first, first + w - 1], w doubling
    w = 1
    while 2 * w <= length:
        nxt = m.copy()
        np.minimum(nxt[w:], m[:-w], out=nxt[w:])
        m, w = nxt, 2 * w
    out = m.copy()
    if w < length:
        rest = length - w  # the window [first, first + length - 1] as two overlapping parts
        np.minimum(out[rest:], m[: n - rest], out=out[rest:])
    return out


def _layer(
    cost: FloatArray, opt: tuple[FloatArray, IntArray], need: int, width: int, counted: bool
) -> FloatArray:
    """The least cost of each (minors, hosts) state after one more row with options ``opt``."""
    nxt = np.full_like(cost, np.inf)
    for c0, slope, first, last in _runs(*opt):
        if first > need:
            continue
        dh = int(first > 0) if counted else 0
        if dh >= width:
            continue
        part = cost[:, : width - dh]
        if slope == 0.0 or first == last:
            cand = _window_min(part, first, last) + c0
        else:  # min over v of a[s - v] + c0 + slope (v - first), with u = s - v
            u = np.arange(need + 1, dtype=np.float64)[:, None]
            cand = _window_min(part - slope * u, first, last) + (slope * (u - first) + c0)
        np.minimum(nxt[:, dh:], cand, out=nxt[:, dh:])
    return nxt


def _way_back(
    before: FloatArray, opt: tuple[FloatArray, IntArray], now: float, s: int, h: int, counted: bool
) -> int:
    """The value of the row that leads from ``before`` to the cost ``now`` at state
    ``(s, h)``: the first option, in the options' order, that does (the tie rule)."""
    r, p = opt
    for c, v in zip(r.tolist(), p.tolist(), strict=True):
        dh = int(v > 0) if counted else 0
        if v > s or dh > h:
            continue
        if abs(float(before[s - v, h - dh]) + c - now) <= _SLOPE_TOL * max(1.0, abs(now)):
            return int(v)
    raise AssertionError("no option leads to the state the programme reached")  # pragma: no cover
