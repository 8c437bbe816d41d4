"""The rules fast path: an exact Lagrangian bound closed by a search over a reduced core.

The rules program (see :mod:`busetting._solvers.sets` for the allowed values ``S_i``) joins the
municipalities only through a few sums: the requests of each sum group (the nation, or each
county with a hard total and the rest), the minors, the number of requests one above the
grid (``r``) and the number of minors hosts (``H``), plus ``m_i <= x_i`` within each
municipality. With one multiplier per sum, ``lambda_G``, ``lambda_m``, ``nu`` and ``mu``
(``mu >= 0`` for "at most ``H``" hosts), and dropping ``m_i <= x_i``,

.. math::

    L = \\sum_i \\min_{x \\in S_i} [f_i(x) - \\lambda_{G(i)} x - \\nu e(x)]
      + \\sum_j \\min_{m \\in T_j} [\\varphi_j(m) - \\lambda_m m + \\mu [m > 0]]
      + \\sum_G \\lambda_G T_G + \\nu r + \\lambda_m M - \\mu H

is a lower bound on the optimum, and every feasible solution has objective
``L + sum_i rc_i + mu (H - hosts)`` where ``rc_i >= 0`` is the reduced cost of its values in
municipality ``i``. So a solution better than ``L + D`` uses in each municipality only values
of reduced cost at most ``D``: a handful per municipality, and one value for most of them.
An exact search (a dynamic programme over the sums, municipality by municipality) over
those values either finds a best solution of value at most ``L + D``, which is then optimal,
or proves there is none, and ``D`` is raised. The reduced-cost windows are proven complete by
convexity: within each residue class of the grid the deviation is convex, so a window edge
whose reduced cost exceeds ``D`` and rises outward closes that side.

The multipliers come from the separable structure: ``lambda`` by bisection on the sum of the
per-municipality minimisers (their closed form, settled on the grid), ``nu`` and ``mu`` as
the ``r``-th and ``H``-th largest benefits. Any multipliers give a valid bound; good ones keep
the core small. :func:`busetting.check_certificate` re-checks a solution from the problem
alone: it recomputes the bound from the certificate's multipliers by enumerating every
allowed value, and repeats the search over the values within the certificate's gap with its
own code.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from busetting._methods import METHODS, Method, deviation, objective, objective_increment
from busetting._solvers.split import MinorsSums, search_minors
from busetting._status import OutOfTime, RulesCertificate, past

if TYPE_CHECKING:
    from busetting._solvers.milp import RuleSpec
    from busetting._solvers.sets import VarSets

__all__ = [
    "GAP_TOLERANCE",
    "RulesCertificate",
    "RulesKeys",
    "RulesSolution",
    "allowed_values",
    "group_labels",
    "solve_plan",
    "solve_rules",
    "sum_groups",
    "supports",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

GAP_TOLERANCE = 1e-9
"""Relative slack added to the gap so that float rounding never drops a candidate value."""
SEARCH_BUDGET = 400_000
"""States the search may expand before the rules path gives the problem to the integer
program (which stays exact, only slower)."""
JOINT_BUDGET = 60_000
"""States the joint search of requests and minors may expand before the split search
(:mod:`busetting._solvers.split`) takes over for the rest of the solve."""
_BISECTIONS = 64
WINDOW_CELLS = 4_000_000
"""Largest number of (row, value) cells the reduced-cost windows may hold."""
LAMBDA_WIDTH = 1e-6
"""Relative width at which the multiplier search stops (the bound is valid at any width)."""


@dataclass(frozen=True)
class RulesSolution:
    """What the rules path returned: requests per municipality, minors per eligible one
    (the minors key's rows), the objective, the certificate and the states searched."""

    x: IntArray
    m: IntArray
    objective: float
    certificate: RulesCertificate
    expanded: int


def supports(spec: RuleSpec) -> str | None:
    """``None`` when the rules path can solve ``spec``, else the reason it cannot."""
    return spec.unsupported


# -- one side (requests or minors): allowed values and per-row minima --------------------------


class _Side:
    """One key (requests or minors) of the rules program: its allowed values and costs."""

    def __init__(
        self, method: Method, t: FloatArray, sets: VarSets, count_off: bool, hosts: bool
    ) -> None:
        self.method = method
        self.t = np.asarray(t, dtype=np.float64)
        self.sets = sets
        self.count_off = count_off  # requests: e(x) = [x = 1 (mod g)], free rows, g > 1
        self.hosts = hosts  # minors: h(m) = [m > 0]
        self.n = len(self.t)
        self.g = np.maximum(sets.grid, 1).astype(np.int64)
        self.free = ~sets.const
        self.pos = self.t > 0
        self.safe_t = np.where(self.pos, self.t, 1.0)
        self.zero_ok = sets.zero_ok & self.free
        g = self.g
        residues = [0, 1] if (sets.offgrid and bool(((g > 1) & self.free).any())) else [0]
        self._classes = []
        for c in residues:
            first = c + g * -((-(sets.lo_p - c)) // g)
            last = c + g * ((sets.upper - c) // g)
            exists = self.free & (first <= last)
            if c == 1:
                exists &= g > 1
            self._classes.append((c, first.astype(np.int64), last.astype(np.int64), exists))

    def classes(self) -> list[tuple[int, IntArray, IntArray, BoolArray]]:
        """Residue classes: (residue, smallest point, largest point, exists) per row."""
        return self._classes

    def dev(self, p: IntArray) -> FloatArray:
        """The method's deviation at ``p`` (rows, or rows x points)."""
        two = p.ndim == 2
        t = self.t[:, None] if two else self.t
        st = self.safe_t[:, None] if two else self.safe_t
        pos = self.pos[:, None] if two else self.pos
        pf = p.astype(np.float64)
        m = self.method
        if m is Method.HAMILTON:
            return np.asarray(np.abs(pf - t), dtype=np.float64)
        if m is Method.WEBSTER:
            d = (pf - st) ** 2 / st
        elif m is Method.DHONDT:
            d = ((pf - st) ** 2 + pf) / st
        elif m is Method.ADAMS:
            d = ((pf - st) ** 2 - pf) / st
        else:
            d = deviation(m, p, np.broadcast_to(t, p.shape))
        return np.asarray(np.where(pos, d, 0.0), dtype=np.float64)

    def value(self, p: IntArray, lam: FloatArray, nu: float, mu: float) -> FloatArray:
        """f(p) - lam p - nu e(p) + mu h(p), row by row (``p`` broadcast against rows)."""
        lam_ = lam if p.ndim == 1 else lam[:, None]
        v = self.dev(p) - lam_ * p
        if self.count_off and nu != 0.0:
            v = v - nu * self.off(p)
        if self.hosts and mu != 0.0:
            v = v + mu * (p > 0)
        return np.asarray(v, dtype=np.float64)

    def off(self, p: IntArray) -> BoolArray:
        two = p.ndim == 2
        g = self.g[:, None] if two else self.g
        free = self.free[:, None] if two else self.free
        return np.asarray(free & (g > 1) & (p % g == 1) & self.count_off)

    def best(
        self, lam: FloatArray, nu: float, mu: float
    ) -> tuple[FloatArray, IntArray, FloatArray]:
        """Per row: an (approximate) min value, its point, and the class-1 benefit ``d``.

        Used only to choose multipliers; the bound itself is taken from proven windows.
        """
        s = self.sets
        g = self.g
        xh = _minimiser(self.method, self.t, lam, s.upper)
        vals = []
        pts = []
        for c, first, last, exists in self._classes:
            top = np.maximum(first, last)
            mid = np.clip(c + g * ((xh - c) // g), first, top)
            trio = np.stack(
                [np.clip(mid - g, first, top), mid, np.clip(mid + g, first, top)], axis=1
            )
            v3 = self.value(trio, lam, nu, mu)
            k = np.argmin(v3, axis=1)
            rows = np.arange(self.n)
            vals.append(np.where(exists, v3[rows, k], np.inf))
            pts.append(trio[rows, k])
        zero = np.zeros(self.n, dtype=np.int64)
        v0 = np.where(self.zero_ok, self.value(zero, lam, nu, mu), np.inf)
        held = self.value(s.lower, lam, nu, mu)
        vals.append(np.where(s.const, held, v0))
        pts.append(np.where(s.const, s.lower, zero))
        stack = np.vstack(vals)
        pick = np.argmin(stack, axis=0)
        cols = np.arange(self.n)
        v = stack[pick, cols]
        p = np.vstack(pts)[pick, cols]
        d = vals[1] - np.minimum(vals[0], vals[2]) if len(vals) == 3 else np.full(self.n, np.inf)
        return v, p.astype(np.int64), d


def _minimiser(method: Method, t: FloatArray, lam: FloatArray, upper: IntArray) -> IntArray:
    """An integer minimiser of f(x) - lam x over 0 <= x <= upper."""
    if method is Method.HAMILTON:
        x = np.where(lam <= -1, 0.0, np.where(lam >= 1, upper, np.ceil(t + (lam - 1) / 2)))
    else:
        x = np.ceil((lam + 2.0) * t / 2.0)
    x = np.clip(x, 0, upper).astype(np.int64)  # inf (Hamilton's plateaus) clips to a bound
    if method not in (Method.WEBSTER, Method.HAMILTON):  # closed forms above are exact +-1
        inc_up = objective_increment(method, x, t)
        x = np.where((inc_up < lam) & (x < upper), x + 1, x)
        inc_dn = objective_increment(method, np.maximum(x - 1, 0), t)
        x = np.where((x > 0) & (inc_dn > lam), x - 1, x)
    out: IntArray = x.astype(np.int64)
    return out


# -- the dual -----------------------------------------------------------------------------------


def _bisect_lambda(
    side: _Side,
    groups: IntArray,
    totals: dict[int, int],
    nu: float,
    mu: float,
    lam0: FloatArray,
    width: float = 0.01,
) -> FloatArray:
    """Per group, the multiplier where the sum of per-row minimisers crosses the total."""
    gids = sorted(totals)
    if not gids:
        return lam0
    index = {g: k for k, g in enumerate(gids)}
    row_g = np.array([index.get(int(g), -1) for g in groups], dtype=np.int64)
    target = np.array([totals[g] for g in gids], dtype=np.float64)
    ng = len(gids)
    in_g = row_g >= 0
    start = np.array(
        [lam0[in_g & (row_g == k)][0] if (in_g & (row_g == k)).any() else 0.0 for k in range(ng)]
    )

    def sums(lam_g: FloatArray) -> FloatArray:
        lam = np.where(in_g, lam_g[np.maximum(row_g, 0)], 0.0)
        _, p, _ = side.best(lam, nu, mu)
        counted: FloatArray = np.bincount(
            row_g[in_g], weights=p[in_g].astype(np.float64), minlength=ng
        ).astype(np.float64)
        return counted

    lam_g = _crossing(sums, start, target, width)
    return np.where(in_g, lam_g[np.maximum(row_g, 0)], 0.0)


def _crossing(sums: Any, start: FloatArray, target: FloatArray, width: float = 0.01) -> FloatArray:
    """Per group, a multiplier where the non-decreasing step function ``sums`` crosses
    ``target``: bracketed from ``start``, then narrowed by alternating interpolation and
    bisection to :data:`LAMBDA_WIDTH` (any multiplier gives a valid bound; a close one a
    tight bound)."""
    lo, hi = start - width, start + width
    s_lo, s_hi = sums(lo), sums(hi)
    for _ in range(200):  # widen until every total lies between the two sums
        short, over = s_hi < target, s_lo > target
        if not (short.any() or over.any()):
            break
        step = 2.0 * (hi - lo)
        lo, s_lo, hi, s_hi = (
            np.where(short, hi, np.where(over, lo - step, lo)),
            np.where(short, s_hi, s_lo),
            np.where(over, lo, np.where(short, hi + step, hi)),
            np.where(over, s_lo, s_hi),
        )
        s_lo = np.where(over, sums(lo), s_lo)
        s_hi = np.where(short, sums(hi), s_hi)
    for it in range(_BISECTIONS):
        active = (s_lo != target) & (s_hi != target)
        active &= hi - lo > LAMBDA_WIDTH * np.maximum(1.0, np.abs(hi))
        if not active.any():
            break
        if it % 2 == 0:
            with np.errstate(divide="ignore", invalid="ignore"):
                w = np.clip((target - s_lo) / (s_hi - s_lo), 0.05, 0.95)
            mid = lo + np.nan_to_num(w, nan=0.5) * (hi - lo)
        else:
            mid = 0.5 * (lo + hi)
        mid = np.where(active, mid, lo)
        sm = sums(mid)
        down = active & (sm <= target)
        up = active & (sm >= target)
        lo, s_lo = np.where(down, mid, lo), np.where(down, sm, s_lo)
        hi, s_hi = np.where(up, mid, hi), np.where(up, sm, s_hi)
    out: FloatArray = np.where(s_lo == target, lo, np.where(s_hi == target, hi, 0.5 * (lo + hi)))
    return out


def _kth_price(benefit: FloatArray, k: int, nonnegative: bool) -> float:
    """A price with ``k`` benefits above it: the midpoint of ``[b_(k+1), b_(k)]`` (descending).

    Rows whose benefit exceeds the price take the priced option; the dual in the price is
    concave with slope ``#{b > price} - k``, so any price in that interval maximises it.
    """
    b = np.sort(benefit)[::-1]
    hi = float(b[k - 1]) if 1 <= k <= len(b) else math.inf
    lo = float(b[k]) if k < len(b) else -math.inf
    if math.isfinite(lo) and math.isfinite(hi):
        price = 0.5 * (lo + hi)
    elif math.isfinite(lo):
        price = lo + 1.0
    elif math.isfinite(hi):
        price = hi - 1.0
    else:
        price = 0.0
    return max(price, 0.0) if nonnegative else price


@dataclass(frozen=True)
class _Dual:
    lam: FloatArray  # per row
    nu: float
    mu: float
    value: float


def _dual_x(
    side: _Side,
    groups: IntArray,
    totals: dict[int, int],
    r: int,
    start: FloatArray | None = None,
    width: float = 0.01,
) -> _Dual:
    """Requests: ``lambda`` per sum group by bisection, alternated with the off-grid price."""
    nu = 0.0
    lam = np.zeros(side.n) if start is None else start
    for k in range(3):  # lambda, nu, lambda, nu, lambda
        lam = _bisect_lambda(side, groups, totals, nu, 0.0, lam, width if k == 0 else 1e-3)
        if r == 0 or not side.count_off:
            break
        _, _, d = side.best(lam, 0.0, 0.0)
        # rows take a class-1 point when d < nu: the r-th smallest d and the next
        new = -_kth_price(-d, r, False)
        if new == nu:
            break
        nu = new
        _, p, _ = side.best(lam, nu, 0.0)
        if all(int(p[groups == g].sum()) == tot for g, tot in totals.items()):
            break  # the sums still meet their totals: lambda stays optimal
    v, _, _ = side.best(lam, nu, 0.0)
    total = float(math.fsum(v.tolist()))
    for g, tot in totals.items():
        rows = np.flatnonzero(groups == g)
        if len(rows):
            total += float(lam[rows[0]]) * tot
    return _Dual(lam, nu, 0.0, total + nu * r)


def _host_price(side: _Side, lam: FloatArray, hosts: int, exact: bool) -> float:
    """The best host price for ``lam``: the ``H``-th largest benefit of hosting."""
    s = side.sets
    zero = np.zeros(side.n, dtype=np.int64)
    at0 = np.where(s.zero_ok | (s.lo_p <= 0), side.value(zero, lam, 0.0, 0.0), np.inf)
    pos = _positive_best(side, lam)
    with np.errstate(invalid="ignore"):  # inf - inf: a row that can do neither
        benefit = at0 - pos  # a row hosts when its benefit exceeds the price
    benefit = np.where(np.isnan(benefit), -np.inf, benefit)
    benefit = np.where(s.const, np.where(s.lower > 0, np.inf, -np.inf), benefit)
    return _kth_price(benefit, hosts, not exact)


def _dual_m(
    side: _Side,
    total: int,
    hosts: int | None,
    exact: bool,
    start: float = 0.0,
    width: float = 0.05,
) -> _Dual:
    """Maximise over ``lambda_m`` the dual already maximised over the host price."""

    def mu_of(lam: FloatArray) -> float:
        return 0.0 if hosts is None else _host_price(side, lam, hosts, exact)

    def total_at(x: FloatArray) -> FloatArray:
        lam = np.full(side.n, float(x[0]))
        return np.array([float(side.best(lam, 0.0, mu_of(lam))[1].sum())])

    x = float(_crossing(total_at, np.array([start]), np.array([float(total)]), width)[0])
    lam = np.full(side.n, x)
    mu = mu_of(lam)
    v, _, _ = side.best(lam, 0.0, mu)
    value = float(math.fsum(v.tolist())) + x * total - (mu * hosts if hosts else 0.0)
    return _Dual(lam, 0.0, mu, value)


def _positive_best(side: _Side, lam: FloatArray) -> FloatArray:
    """min over the positive allowed points of f - lam m (no host price)."""
    s = side.sets
    xh = _minimiser(side.method, side.t, lam, s.upper)
    first = np.maximum(s.lo_p, 1)
    ok = ~s.const & (first <= s.upper)
    p = np.clip(xh, first, np.maximum(first, s.upper))
    q = np.clip(p - 1, first, np.maximum(first, s.upper))
    v = np.minimum(side.value(p, lam, 0.0, 0.0), side.value(q, lam, 0.0, 0.0))
    return np.where(ok, v, np.inf)


# -- reduced-cost windows ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    points: IntArray  # rows x K, -1 where no point
    rc: FloatArray  # rows x K, inf where no point
    rowmin: FloatArray


def _window(side: _Side, lam: FloatArray, nu: float, mu: float, gap: float) -> _Window | None:
    """Every allowed point of reduced cost at most ``gap``, per row (proven by convexity).

    ``None`` when the windows would exceed :data:`WINDOW_CELLS` (costs flat over a wide
    range, as Hamilton's can be): the integer program takes such problems."""
    s = side.sets
    g = np.maximum(s.grid, 1)
    _, centre, _ = side.best(lam, nu, mu)
    xh = _minimiser(side.method, side.t, lam, s.upper)
    half = 2
    while True:
        blocks_p = []
        blocks_v = []
        closed = np.ones(side.n, dtype=bool)
        offs = np.arange(-half, half + 1, dtype=np.int64)
        for c, first, last, exists in side.classes():
            base = np.clip(c + g * ((xh - c) // g), first, np.maximum(first, last))
            p = base[:, None] + g[:, None] * offs[None, :]
            valid = exists[:, None] & (p >= first[:, None]) & (p <= last[:, None])
            v = np.where(valid, side.value(np.where(valid, p, 0), lam, nu, mu), np.inf)
            blocks_p.append(np.where(valid, p, -1))
            blocks_v.append(v)
        zero = np.zeros(side.n, dtype=np.int64)
        z_ok = s.zero_ok & ~s.const
        vz = np.where(z_ok, side.value(zero, lam, nu, mu), np.inf)
        held = side.value(s.lower, lam, nu, mu)
        blocks_p.append(np.where(s.const, s.lower, np.where(z_ok, 0, -1))[:, None])
        blocks_v.append(np.where(s.const, held, vz)[:, None])
        pts = np.hstack(blocks_p)
        vals = np.hstack(blocks_v)
        rowmin = vals.min(axis=1)
        rowmin = np.where(np.isfinite(rowmin), rowmin, 0.0)
        for k, (_c, first, last, exists) in enumerate(side.classes()):
            v = blocks_v[k] - rowmin[:, None]
            p = blocks_p[k]
            for edge, inner, beyond_ok in (
                (-1, -2, p[:, -1] + g >= last + 1),
                (0, 1, p[:, 0] - g <= first - 1),
            ):
                at_bound = (p[:, edge] < 0) | beyond_ok
                rising = v[:, edge] >= v[:, inner]
                closed &= ~exists | at_bound | (rising & (v[:, edge] > gap))
        if closed.all():
            break
        if side.n * (2 * half + 1) * 4 > WINDOW_CELLS:  # flat costs over a wide range
            return None
        half *= 4
    del centre
    rc = vals - rowmin[:, None]
    return _Window(pts, np.where(pts >= 0, rc, np.inf), rowmin)


# -- the search --------------------------------------------------------------------------------

Option = tuple[float, int, int, int, int]
"""One value pair of a core row: (reduced cost, request, minors, off-grid, host)."""
State = tuple[int, int, int, int]
"""A state of the search: the change of the current group's requests, of the minors, of the
off-grid count and of the hosts, relative to the bases."""


@dataclass
class _Core:
    """The values within the gap: one (the base) for most rows, a few for the core rows."""

    base_rc: FloatArray
    base_x: IntArray
    base_m: IntArray  # full length
    base_e: IntArray
    base_h: IntArray
    choices: dict[int, list[Option]]  # row -> its options, the base first
    empty: bool

    @property
    def size(self) -> int:
        return len(self.base_x) + sum(len(c) - 1 for c in self.choices.values())


@dataclass(frozen=True)
class _MinorsBase:
    """The minors within the gap: the cheapest value per eligible row (and its reduced cost)
    and, for the rows that need a choice, every value within the gap."""

    rc: FloatArray
    value: IntArray
    options: dict[int, tuple[FloatArray, IntArray]]  # request row -> (reduced costs, values)


def _minors_base(
    mw: _Window, minors_rows: IntArray, gap: float, base_x: IntArray, wide: BoolArray
) -> _MinorsBase:
    """The minors side of :func:`_candidates`; a row needs a choice when it has more than one
    minors value within the gap, its cheapest one exceeds the request's base, or its request
    has several values (``wide``)."""
    keep_m = mw.rc <= gap
    count_m = keep_m.sum(axis=1)
    jr = np.arange(len(minors_rows))
    fm = np.argmin(np.where(keep_m, mw.rc, np.inf), axis=1)
    q0 = mw.points[jr, fm]
    bad = (count_m != 1) | (q0 > base_x[minors_rows])
    options = {
        int(minors_rows[j]): (mw.rc[j][keep_m[j]], mw.points[j][keep_m[j]])
        for j in np.flatnonzero(bad | wide[minors_rows]).tolist()
    }
    return _MinorsBase(mw.rc[jr, fm], q0, options)


def _row_options(
    xw: _Window,
    i: int,
    keep: BoolArray,
    offable: bool,
    grid: int,
    minors: tuple[FloatArray, IntArray] | None,
    m0: int,
    gap: float,
) -> list[Option]:
    """Every (request, minors) pair of row ``i`` within the gap, cheapest first; ``minors``
    holds the row's minors values when it has a choice, else its minors stay at ``m0``."""
    rx = xw.rc[i][keep].tolist()
    px = xw.points[i][keep]
    ex = ((px % grid == 1) & offable).astype(np.int64).tolist()
    px_l = px.tolist()
    if minors is not None:
        rm, qm = minors[0].tolist(), minors[1].tolist()
        opts = [
            (a + b, p, q, e, int(q > 0))
            for a, p, e in zip(rx, px_l, ex, strict=True)
            for b, q in zip(rm, qm, strict=True)
            if q <= p and a + b <= gap
        ]
    else:
        opts = [(a, p, m0, e, int(m0 > 0)) for a, p, e in zip(rx, px_l, ex, strict=True)]
    opts.sort()
    return opts


def _candidates(
    xw: _Window, mw: _Window | None, minors_rows: IntArray, x_sets: VarSets, gap: float
) -> _Core:
    """Every (request, minors) pair of reduced cost at most ``gap``, row by row."""
    n = len(xw.rowmin)
    rows = np.arange(n)
    gx = np.maximum(x_sets.grid, 1)
    offable = (x_sets.grid > 1) & ~x_sets.const
    keep_x = xw.rc <= gap
    count_x = keep_x.sum(axis=1)
    fx = np.argmin(np.where(keep_x, xw.rc, np.inf), axis=1)
    base_rc = xw.rc[rows, fx].copy()
    base_x = xw.points[rows, fx].copy()
    base_m = np.zeros(n, dtype=np.int64)
    complex_rows = set(np.flatnonzero(count_x > 1).tolist())
    empty = bool((count_x == 0).any())
    m_opts: dict[int, tuple[FloatArray, IntArray]] = {}
    if mw is not None and len(minors_rows):
        mb = _minors_base(mw, minors_rows, gap, base_x, count_x > 1)
        base_rc[minors_rows] += mb.rc
        base_m[minors_rows] = mb.value
        m_opts = mb.options
        complex_rows |= set(m_opts)
    choices: dict[int, list[Option]] = {}
    for i in sorted(complex_rows):
        opts = _row_options(
            xw, i, keep_x[i], bool(offable[i]), int(gx[i]), m_opts.get(i), int(base_m[i]), gap
        )
        if not opts:
            empty = True
            continue
        choices[i] = opts
        base_rc[i], base_x[i], base_m[i] = opts[0][0], opts[0][1], opts[0][2]
    base_e = (offable & (base_x % gx == 1)).astype(np.int64)
    base_h = (base_m > 0).astype(np.int64)
    for i, opts in choices.items():  # the first option of a core row is its base
        base_e[i], base_h[i] = opts[0][3], opts[0][4]
    choices = {i: c for i, c in choices.items() if len(c) > 1}
    return _Core(base_rc, base_x, base_m, base_e, base_h, choices, empty)


@dataclass(frozen=True)
class _Sums:
    """What a solution must meet: the sum group of each request row and the groups' totals,
    the minors total, the off-grid count, the host limit (``None``: none) and its price."""

    group_of: IntArray
    group_total: dict[int, int]
    minors: int
    offgrid: int
    hosts: int | None
    exact_hosts: bool
    mu: float


@dataclass(frozen=True)
class _Needs:
    """What the core rows must add to the bases: per group, minors, off-grid; and the hosts
    the bases already have."""

    x: dict[int, int]
    m: int
    e: int
    h0: int


@dataclass(frozen=True)
class _Layers:
    """The search's layers: the core rows in group order, their moves relative to their bases
    ``(dcost, dx, dm, de, dh)``, and per layer the range the remaining layers can still add
    (requests within the group; minors, off-grid and hosts overall) for pruning."""

    rows: list[int]
    group: list[int]
    moves: list[list[tuple[float, int, int, int, int]]]
    gx_lo: list[int]
    gx_hi: list[int]
    rest: FloatArray  # layers + 1 x 6: min/max of dm, de, dh still to come


def _layers(core: _Core, group_of: IntArray) -> _Layers:
    amb = sorted(core.choices, key=lambda i: (int(group_of[i]), i))
    groups_l = group_of.tolist()
    moves = []
    for i in amb:
        opts = core.choices[i]
        c0, x0, m0, e0, hh0 = opts[0]
        moves.append([(rc - c0, p - x0, q - m0, e - e0, h - hh0) for rc, p, q, e, h in opts])
    group_of_amb = [groups_l[i] for i in amb]
    a = len(amb)
    suf = np.zeros((a + 1, 6))
    suf_gx_lo: list[int] = [0] * (a + 1)
    suf_gx_hi: list[int] = [0] * (a + 1)
    for k in range(a - 1, -1, -1):
        mv = moves[k]
        same = k + 1 < a and group_of_amb[k + 1] == group_of_amb[k]
        suf_gx_lo[k] = min(d[1] for d in mv) + (suf_gx_lo[k + 1] if same else 0)
        suf_gx_hi[k] = max(d[1] for d in mv) + (suf_gx_hi[k + 1] if same else 0)
        suf[k] = suf[k + 1] + [
            min(d[2] for d in mv),
            max(d[2] for d in mv),
            min(d[3] for d in mv),
            max(d[3] for d in mv),
            min(d[4] for d in mv),
            max(d[4] for d in mv),
        ]
    return _Layers(amb, group_of_amb, moves, suf_gx_lo, suf_gx_hi, suf)


def _step(
    layers: _Layers, k: int, states: dict[State, float], need: _Needs, sums: _Sums, limit: float
) -> tuple[dict[State, float], dict[State, tuple[State, int]], int]:
    """Layer ``k`` of the search: the cheapest way to each state, its predecessor and option,
    and the states expanded. A state that can no longer meet a sum is dropped."""
    gid = layers.group[k]
    last_in_group = k + 1 == len(layers.rows) or layers.group[k + 1] != gid
    gx_lo, gx_hi = (0, 0) if last_in_group else (layers.gx_lo[k + 1], layers.gx_hi[k + 1])
    m_lo, m_hi, e_lo, e_hi, h_lo, h_hi = layers.rest[k + 1]
    hosts = sums.hosts
    nxt: dict[State, float] = {}
    bk: dict[State, tuple[State, int]] = {}
    expanded = 0
    for state, cost in states.items():
        dx, dm, de, dh = state
        for idx, (dc, mx, mm, me, mh) in enumerate(layers.moves[k]):
            c = cost + dc
            if c > limit:
                continue
            nx, nm, ne, nh = dx + mx, dm + mm, de + me, dh + mh
            rx = need.x[gid] - nx
            if rx < gx_lo or rx > gx_hi:
                continue
            rm, re_ = need.m - nm, need.e - ne
            if rm < m_lo or rm > m_hi or re_ < e_lo or re_ > e_hi:
                continue
            if hosts is not None:
                if need.h0 + nh + h_lo > hosts:
                    continue
                if sums.exact_hosts and need.h0 + nh + h_hi < hosts:
                    continue
            key = (0 if last_in_group else nx, nm, ne, nh)
            old = nxt.get(key)
            if old is None or c < old:
                nxt[key] = c
                bk[key] = (state, idx)
            expanded += 1
    return nxt, bk, expanded


def _best_end(
    states: dict[State, float], need: _Needs, sums: _Sums, base_cost: float, layers: int
) -> tuple[float, State] | None:
    """The cheapest final state that meets every sum, with the host slack priced in."""
    hosts = sums.hosts
    best: tuple[float, State] | None = None
    for state, cost in states.items():
        _, dm, de, dh = state
        if dm != need.m or de != need.e:
            continue
        if layers == 0 and any(need.x.values()):
            continue
        h = need.h0 + dh
        if hosts is not None and (h > hosts or (sums.exact_hosts and h != hosts)):
            continue
        slack = sums.mu * (hosts - h) if hosts is not None and not sums.exact_hosts else 0.0
        total = base_cost + cost + slack
        if best is None or total < best[0]:
            best = (total, state)
    return best


def _search(
    core: _Core, sums: _Sums, gap: float, budget: int, deadline: float | None = None
) -> tuple[tuple[float, dict[int, int]] | str | None, int]:
    """Best choice (cost, option per core row) meeting every sum with cost at most ``gap``.

    Returns the outcome and the states expanded; the outcome is ``None`` when no choice
    within ``gap`` meets the sums, ``"budget"`` when the search would exceed ``budget``.
    """
    base_cost = math.fsum(core.base_rc.tolist())
    group_of = sums.group_of
    need = _Needs(
        {g: int(t) - int(core.base_x[group_of == g].sum()) for g, t in sums.group_total.items()},
        sums.minors - int(core.base_m.sum()),
        sums.offgrid - int(core.base_e.sum()),
        int(core.base_h.sum()),
    )
    layers = _layers(core, group_of)
    for gid, n in need.x.items():
        if n and gid not in layers.group:
            return None, 0
    limit = gap - base_cost
    states: dict[State, float] = {(0, 0, 0, 0): 0.0}
    back: list[dict[State, tuple[State, int]]] = []
    expanded = 0
    for k in range(len(layers.rows)):
        states, bk, used = _step(layers, k, states, need, sums, limit)
        expanded += used
        if expanded > budget:
            return "budget", expanded
        if past(deadline):  # the caller's time limit (issue 28): stop, no answer
            raise OutOfTime
        back.append(bk)
        if not states:
            return None, expanded
    best = _best_end(states, need, sums, base_cost, len(layers.rows))
    if best is None:
        return None, expanded
    choice: dict[int, int] = {}
    state = best[1]
    for k in range(len(layers.rows) - 1, -1, -1):
        prev, idx = back[k][state]
        choice[layers.rows[k]] = idx
        state = prev
    return (best[0], choice), expanded


# -- the solve ---------------------------------------------------------------------------------


def sum_groups(spec: RuleSpec, total: int) -> tuple[IntArray, dict[int, int], dict[int, str]]:
    """Sum group per request row, the totals, and group names (for the certificate)."""
    n = len(spec.x_sets.lower)
    if spec.group_penalty is None and spec.group_totals:
        groups = spec.group.astype(np.int64).copy()
        totals = dict(spec.group_totals)
        rest = groups < 0
        if rest.any():
            gid = max(totals) + 1
            groups[rest] = gid
            totals[gid] = total - sum(spec.group_totals.values())
        return groups, totals, {}
    return np.zeros(n, dtype=np.int64), {0: total}, {0: "national"}


def group_labels(
    totals: dict[int, int], names: dict[int, str], counties: Sequence[str]
) -> dict[int, str]:
    """The certificate's name of each sum group: ``national``, a county's name, or ``rest``."""
    out = {}
    for g in totals:
        if g in names:
            out[g] = names[g]
        elif 0 <= g < len(counties):
            out[g] = counties[g]
        else:
            out[g] = "rest"
    return out


def allowed_values(sets: VarSets, i: int, top: int) -> IntArray:
    """Every allowed value of row ``i`` of ``sets`` up to ``top`` (enumerated, for checkers)."""
    if bool(sets.const[i]):
        return np.array([int(sets.lower[i])], dtype=np.int64)
    p = np.arange(0, min(int(sets.upper[i]), top) + 1, dtype=np.int64)
    g = max(int(sets.grid[i]), 1)
    on = (p % g == 0) | (g == 1) | (sets.offgrid & (p % g == 1))
    ok = (on & (p >= int(sets.lo_p[i]))) | (bool(sets.zero_ok[i]) & (p == 0))
    out: IntArray = p[ok]
    return out


def solve_plan(
    problem: Any,
    method: Method,
    key: Any,
    mkey: Any,
    plan: Any,
    *,
    warm: Any = None,
    deadline: float | None = None,
) -> RulesSolution | None:
    """:func:`solve_rules` on a problem as ``allocate`` prepares it (its two keys and its
    rule plan): the one entry point of ``allocate`` and the sweeps. Past ``deadline`` (a
    ``time.perf_counter()`` value) the search raises :class:`OutOfTime`."""
    keys = RulesKeys(key.targets, mkey.targets, mkey.rows, problem.total, problem.minors_total)
    return solve_rules(
        method, keys, plan.spec, county_names=plan.counties, warm=warm, deadline=deadline
    )


@dataclass(frozen=True)
class _Program:
    """The rules program as the fast path sees it: both sides, the sum groups (with their
    totals and certificate names) and the minors."""

    method: Method
    xside: _Side
    mside: _Side
    spec: RuleSpec
    groups: IntArray
    totals: dict[int, int]
    labels: dict[int, str]
    minors: int
    minors_rows: IntArray

    def lam_of(self, lam: FloatArray, g: int) -> float:
        """The multiplier of group ``g`` (every row of a group carries the same one)."""
        return float(lam[np.flatnonzero(self.groups == g)[0]])


@dataclass(frozen=True)
class _Duals:
    """Multipliers of both sides and the part of the bound that does not depend on the
    windows (the totals, the off-grid count and the host limit, priced)."""

    x: _Dual
    m: _Dual | None
    fixed: float


@dataclass(frozen=True)
class _Found:
    """A solution the search proved optimal: its core and choices, the bound and the gap
    searched, and the states expanded in all."""

    core: _Core
    choice: dict[int, int]
    bound: float
    gap: float
    expanded: int


def _duals(prog: _Program, warm: RulesCertificate | None) -> _Duals:
    """The multipliers; ``warm`` (a neighbour's certificate) starts them near its own."""
    spec, groups, totals = prog.spec, prog.groups, prog.totals
    start_x = None
    start_m = 0.0
    if warm is not None and warm.method == prog.method.value:
        known = dict(warm.lambdas)
        start_x = np.array([known.get(prog.labels[int(g)], 0.0) for g in groups], dtype=np.float64)
        start_m = warm.lambda_minors
    near = warm is not None  # a neighbour's multipliers: start with a narrow bracket
    dx = _dual_x(prog.xside, groups, totals, spec.offgrid_count, start_x, 1e-3 if near else 0.01)
    dm = (
        _dual_m(
            prog.mside,
            prog.minors,
            spec.max_hosts,
            spec.exact_hosts,
            start_m,
            1e-3 if near else 0.05,
        )
        if prog.mside.n > 0
        else None
    )
    fixed = float(
        sum(prog.lam_of(dx.lam, g) * tot for g, tot in totals.items() if (groups == g).any())
    )
    fixed += dx.nu * spec.offgrid_count
    if dm is not None:
        fixed += float(dm.lam[0]) * prog.minors
        if spec.max_hosts is not None:
            fixed -= dm.mu * spec.max_hosts
    return _Duals(dx, dm, fixed)


def _windows(prog: _Program, duals: _Duals, reach: float) -> tuple[_Window, _Window | None] | None:
    """Both sides' reduced-cost windows, or ``None`` when the fast path must give up."""
    dx, dm = duals.x, duals.m
    xw = _window(prog.xside, dx.lam, dx.nu, 0.0, reach)
    mw = _window(prog.mside, dm.lam, 0.0, dm.mu, reach) if dm is not None else None
    if xw is None or (dm is not None and mw is None):
        return None
    if not np.isfinite(xw.rowmin).all() or (mw is not None and not np.isfinite(mw.rowmin).all()):
        return None  # a municipality without any allowed value: for the diagnosis
    return xw, mw


def _gap_search(
    prog: _Program, duals: _Duals, budget: int, deadline: float | None = None
) -> _Found | None:
    """Search ever larger gaps until the best solution within one is proven optimal: the
    joint search, or the split search (:func:`_split_solve`) for a quota method or once the
    joint search exceeds :data:`JOINT_BUDGET`. Past ``deadline`` it raises
    :class:`OutOfTime`."""
    spec, dm = prog.spec, duals.m
    sums = _Sums(
        prog.groups,
        prog.totals,
        prog.minors,
        spec.offgrid_count,
        spec.max_hosts if prog.mside.n > 0 else None,
        spec.exact_hosts,
        dm.mu if dm is not None else 0.0,
    )
    # a quota method's minors cost is flat above the target once every unit is priced at
    # its cost: the joint search would meet countless equal states, so search apart at once
    if prog.mside.n > 0 and METHODS[prog.method].kind == "quota":
        return _split_solve(prog, duals, sums, budget, deadline)
    scale = max(1.0, abs(duals.x.value + (dm.value if dm is not None else 0.0)))
    gap = 1e-6 * scale
    expanded = 0
    for _ in range(40):
        tol = GAP_TOLERANCE * max(scale, gap)
        windows = _windows(prog, duals, gap + tol)
        if windows is None:
            return None
        xw, mw = windows
        # the bound from the proven per-row minima of the windows
        bound = duals.fixed + math.fsum(xw.rowmin.tolist())
        if mw is not None:
            bound += math.fsum(mw.rowmin.tolist())
        core = _candidates(xw, mw, prog.minors_rows, spec.x_sets, gap + tol)
        if core.empty:
            gap *= 4.0
            continue
        joint = min(budget, JOINT_BUDGET) if mw is not None else budget
        found, used = _search(core, sums, gap + tol, joint - expanded, deadline)
        expanded += used
        if isinstance(found, str) or expanded > joint:
            if mw is None or joint == budget:
                return None
            return _split_solve(prog, duals, sums, budget - expanded, deadline)
        if found is None:
            gap *= 4.0
            continue
        cost, choice = found
        if cost > gap + tol:  # the host slack pushed it over: search that far
            gap = cost
            continue
        return _Found(core, choice, bound, gap + tol, expanded)
    return None


def _split_solve(
    prog: _Program, duals: _Duals, sums: _Sums, budget: int, deadline: float | None = None
) -> _Found | None:
    """The requests and the minors searched apart (see :mod:`busetting._solvers.split`), each
    within its own growing gap: the least reduced cost of each side alone; optimal together
    when the minors chosen fit under the requests (``m <= x``) at the same cost. ``None``
    when the coupling binds or a budget is exceeded (the integer program decides)."""
    dx, dm = duals.x, duals.m
    assert dm is not None
    xs = _x_alone(prog, dx, sums, budget)
    if xs is None:
        return None
    core, cost_x, xrowmin, expanded = xs
    x = core.base_x
    rows = prog.minors_rows
    scale = max(1.0, abs(dm.value))
    gap = 1e-6 * scale
    for _ in range(40):
        if past(deadline):  # the caller's time limit (issue 28): stop, no answer
            raise OutOfTime
        tol = GAP_TOLERANCE * max(scale, gap)
        mw = _window(prog.mside, dm.lam, 0.0, dm.mu, gap + tol)
        if mw is None or not np.isfinite(mw.rowmin).all():
            return None
        needs = MinorsSums(prog.minors, sums.hosts, sums.exact_hosts, sums.mu)
        args = (mw.points, mw.rc, gap + tol, needs)
        free = search_minors(*args)
        if free is None or free.cost > gap + tol:
            gap = max(gap * 4.0, free.cost if free is not None else 0.0)
            continue
        fits = bool(np.all(free.values <= x[rows]))
        held = free if fits else search_minors(*args, caps=x[rows])
        if held is None or held.cost > free.cost + tol:
            return None  # the coupling m <= x binds: the split proves nothing
        m_full = np.zeros(len(x), dtype=np.int64)
        m_full[rows] = held.values
        joined = _Core(
            core.base_rc,
            x,
            m_full,
            core.base_e,
            (m_full > 0).astype(np.int64),
            core.choices,
            False,
        )
        bound = duals.fixed + xrowmin + math.fsum(mw.rowmin.tolist())
        total_gap = cost_x + held.cost
        tol = GAP_TOLERANCE * max(1.0, abs(bound), total_gap)
        return _Found(joined, {}, bound, total_gap + tol, expanded)
    return None


def _x_alone(
    prog: _Program, dx: _Dual, sums: _Sums, budget: int
) -> tuple[_Core, float, float, int] | None:
    """The requests alone: the least reduced cost of requests meeting their sums, as a core
    whose bases are the chosen values, with that cost, the sum of the rows' minima and the
    states expanded; ``None`` over the budget."""
    spec = prog.spec
    x_sums = _Sums(sums.group_of, sums.group_total, 0, sums.offgrid, None, False, 0.0)
    scale = max(1.0, abs(dx.value))
    gap = 1e-6 * scale
    expanded = 0
    for _ in range(40):
        tol = GAP_TOLERANCE * max(scale, gap)
        xw = _window(prog.xside, dx.lam, dx.nu, 0.0, gap + tol)
        if xw is None or not np.isfinite(xw.rowmin).all():
            return None
        core = _candidates(xw, None, prog.minors_rows, spec.x_sets, gap + tol)
        if core.empty:
            gap *= 4.0
            continue
        found, used = _search(core, x_sums, gap + tol, budget - expanded)
        expanded += used
        if isinstance(found, str) or expanded > budget:
            return None
        if found is None:
            gap *= 4.0
            continue
        cost, choice = found
        x = core.base_x.copy()
        e = core.base_e.copy()
        for i, k in choice.items():
            x[i], e[i] = core.choices[i][k][1], core.choices[i][k][3]
        chosen = _Core(core.base_rc, x, core.base_m, e, core.base_h, core.choices, False)
        return chosen, cost, math.fsum(xw.rowmin.tolist()), expanded
    return None


def _solution(prog: _Program, duals: _Duals, found: _Found) -> RulesSolution:
    """The solution the search chose, with its certificate."""
    core, dx, dm = found.core, duals.x, duals.m
    x = core.base_x.copy()
    m_full = core.base_m.copy()
    for i, k in found.choice.items():
        x[i], m_full[i] = core.choices[i][k][1], core.choices[i][k][2]
    has_m = prog.mside.n > 0
    m = m_full[prog.minors_rows] if has_m else m_full[:0]
    method = prog.method
    value = objective(method, x, prog.xside.t) + (
        objective(method, m, prog.mside.t) if has_m else 0.0
    )
    cert = RulesCertificate(
        key="rules",
        method=method.value,
        lambdas=tuple(
            (prog.labels[g], prog.lam_of(dx.lam, g))
            for g in sorted(prog.totals)
            if (prog.groups == g).any()
        ),
        nu=float(dx.nu),
        lambda_minors=float(dm.lam[0]) if dm is not None and dm.lam.size else 0.0,
        mu=float(dm.mu) if dm is not None else 0.0,
        bound=float(found.bound),
        objective=float(value),
        gap=float(found.gap),
        candidates=core.size,
        core=len(core.choices),
    )
    return RulesSolution(x, m, value, cert, found.expanded)


@dataclass(frozen=True)
class RulesKeys:
    """The two keys of a rules program as the rules path takes them: the requests' targets,
    the minors' targets on the eligible rows (``minors_rows``), and both needs."""

    targets: FloatArray
    minors_targets: FloatArray
    minors_rows: IntArray
    total: int
    minors: int


def solve_rules(
    method: Method,
    keys: RulesKeys,
    spec: RuleSpec,
    *,
    county_names: Sequence[str] = (),
    budget: int | None = None,
    warm: RulesCertificate | None = None,
    deadline: float | None = None,
) -> RulesSolution | None:
    """The exact optimum of the rules program, or ``None`` if the search would exceed
    ``budget`` (or no solution exists within the largest gap tried).

    The caller has run the feasibility diagnosis and checks the answer afterwards. ``warm``,
    the certificate of a neighbouring problem (the next total of a sweep), starts the
    multiplier search next to its multipliers.
    """
    budget = SEARCH_BUDGET if budget is None else budget
    groups, totals, names = sum_groups(spec, keys.total)
    prog = _Program(
        method,
        _Side(method, np.asarray(keys.targets, dtype=np.float64), spec.x_sets, True, False),
        _Side(method, np.asarray(keys.minors_targets, dtype=np.float64), spec.m_sets, False, True),
        spec,
        groups,
        totals,
        group_labels(totals, names, county_names),
        keys.minors,
        keys.minors_rows,
    )
    duals = _duals(prog, warm)
    if past(deadline):
        raise OutOfTime
    found = _gap_search(prog, duals, budget, deadline)
    return None if found is None else _solution(prog, duals, found)
