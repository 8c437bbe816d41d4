"""Exact optimality checks of a feasible allocation, with no solver (used by ``verify``).

Without process rules the problem is a convex-cost flow: hubs ``T`` (the requests total),
``M`` (the minors total) and ``S`` (the rest of each request, ``x_i - m_i >= 0``), one node per
municipality, arcs ``M -> i`` (minors), ``S -> i`` (the rest) and ``i -> T`` (the request).
An integer flow of a separable convex cost is optimal exactly when its residual graph has no
negative cycle (unit steps, marginal costs). A simple cycle visits each hub at most once, so
it is one of five kinds, through two or three municipalities:

* ``T-S``: one request moves from ``b`` to ``a`` (the classical exchange);
* ``T-M``: one request that is a minor moves from ``b`` to ``a``;
* ``M-S``: one minor moves from ``b`` to ``a``, requests unchanged;
* ``T-M-S`` and ``T-S-M``: a minor and a request move at once through three municipalities.

:func:`improving_cycle` finds the cheapest cycle of each kind among the few candidates the
floating-point costs allow (every candidate within a relative band of the best is kept, so
nothing is lost to rounding) and decides its sign in exact arithmetic: rational for every
method but Huntington-Hill, whose signposts ``sqrt(k (k + 1))`` are summed as exact sums of
square roots (equal radicands merged; a sign near zero settled by square-free parts, which
are linearly independent over the rationals, then by enough decimal digits).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from busetting._criteria import Key
from busetting._diagnose import Bounds
from busetting._methods import (
    Method,
    deviation,
    exact_signpost_key,
    objective_increment,
    unit_cost,
)

__all__ = ["exact_sign", "improving_cycle", "increment_terms", "local_improvement"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Terms = list[tuple[Fraction, int]]
"""An exact real number as a sum of ``coefficient * sqrt(radicand)`` (radicand 1: rational)."""

BAND = 1e-9
"""Relative band of float costs within which candidates are kept for the exact decision."""


def increment_terms(method: Method, k: int, t: Fraction) -> Terms:
    """The exact increase of the objective when a value goes from ``k`` to ``k + 1``."""
    if method is Method.HAMILTON:
        return [(max(Fraction(-1), min(Fraction(1), 2 * (k - t) + 1)), 1)]
    if method is Method.HUNTINGTON_HILL:
        return [(2 / t, k * (k + 1)), (Fraction(-2), 1)]
    return [(2 * exact_signpost_key(method, k) / t - 2, 1)]


def _squarefree(q: int) -> tuple[int, int]:
    """``(a, f)`` with ``q = a**2 f`` and ``f`` square-free.

    A Huntington-Hill radicand ``k (k + 1)`` is split into its coprime factors, each factored
    completely by trial division (``k`` up to 1e12); any other ``q`` up to about 1e18.
    """
    k = math.isqrt(q)
    if k > 1 and k * (k + 1) == q:
        a1, f1 = _squarefree(k)
        a2, f2 = _squarefree(k + 1)
        return a1 * a2, f1 * f2
    a, f, d = 1, 1, 2
    while d * d <= q and d <= 1_000_000:
        e = 0
        while q % d == 0:
            q //= d
            e += 1
        a *= d ** (e // 2)
        f *= d ** (e % 2)
        d += 1 if d == 2 else 2
    if q > 1:  # no factor up to 1e6 left: a prime, a product of two primes, or a square
        r = math.isqrt(q)
        if r * r == q:
            a *= r
        else:
            f *= q
    return a, f


def exact_sign(terms: Terms) -> int:
    """The sign (-1, 0, 1) of ``sum coefficient * sqrt(radicand)``, exactly."""
    merged: dict[int, Fraction] = {}
    for c, q in terms:
        if c and q:
            merged[q] = merged.get(q, Fraction(0)) + c
    merged = {q: c for q, c in merged.items() if c}
    if all(q == 1 for q in merged):
        total = sum(merged.values(), Fraction(0))
        return (total > 0) - (total < 0)
    for digits in (60, 200):
        with localcontext() as ctx:
            ctx.prec = digits
            val = _decimal_sum(merged, absolute=False)
            scale = _decimal_sum(merged, absolute=True)
            if abs(val) > scale * Decimal(10) ** (20 - digits):
                return 1 if val > 0 else -1
        # near zero: zero exactly when every square-free class cancels
        by_class: dict[int, Fraction] = {}
        for q, c in merged.items():
            a, f = _squarefree(q)
            by_class[f] = by_class.get(f, Fraction(0)) + c * a
        if all(c == 0 for c in by_class.values()):
            return 0
        merged = {f: c for f, c in by_class.items() if c}
    with localcontext() as ctx:  # pragma: no cover - nonzero and below 1e-180 relative
        ctx.prec = 2000
        return 1 if _decimal_sum(merged, absolute=False) > 0 else -1


def _decimal_sum(merged: dict[int, Fraction], *, absolute: bool) -> Decimal:
    total = Decimal(0)
    for q, c in merged.items():
        coef = Decimal(c.numerator) / Decimal(c.denominator)
        total += (abs(coef) if absolute else coef) * Decimal(q).sqrt()
    return total


def _neg(terms: Terms) -> Terms:
    return [(-c, q) for c, q in terms]


class _Costs:
    """Float and exact marginal costs of one key at the current values."""

    def __init__(self, method: Method, key: Key, values: IntArray) -> None:
        self.method, self.key, self.values = method, key, values
        t = key.targets
        self.up = objective_increment(method, values, t)
        self.down = objective_increment(method, np.maximum(values - 1, 0), t)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.mag = np.abs(self.up) + np.abs(self.down) + 2.0
        self._exact: dict[int, Fraction] = {}

    def target(self, r: int) -> Fraction:
        if r not in self._exact:
            self._exact[r] = self.key.exact_targets([r])[0]
        return self._exact[r]

    def up_terms(self, r: int) -> Terms:
        return increment_terms(self.method, int(self.values[r]), self.target(r))

    def down_terms(self, r: int) -> Terms:
        return _neg(increment_terms(self.method, int(self.values[r]) - 1, self.target(r)))


Moves = dict[str, tuple[FloatArray, FloatArray]]
"""Per arc kind (``ST``, ``TS``, ``MT``, ``TM``, ``MS``, ``SM``): the float cost of a unit
step through each municipality (inf where the step is not allowed) and its magnitude."""


def _moves(cx: _Costs, cm: _Costs, bounds: Bounds, rows: IntArray, m: IntArray) -> Moves:
    """The float cost of every arc of the residual graph, per municipality."""
    x = cx.values
    n = len(x)
    inf = np.inf
    mm = cm.values
    lo, hi = bounds.lower, bounds.effective_upper()
    mlo, mhi = bounds.minors_lower, bounds.effective_minors_upper()
    rest = x - m
    can_up_x = x < hi
    can_dn_x = x > lo
    elig = np.zeros(n, dtype=bool)
    elig[rows] = True
    up_m = np.full(n, inf)
    dn_m = np.full(n, inf)
    mag_m = np.zeros(n)
    up_m[rows] = np.where(mm < mhi, cm.up, inf)
    dn_m[rows] = np.where(mm > mlo, -cm.down, inf)
    mag_m[rows] = cm.mag
    up_x = np.where(can_up_x, cx.up, inf)
    dn_x = np.where(can_dn_x & (rest > 0), -cx.down, inf)
    dn_x_any = np.where(can_dn_x, -cx.down, inf)
    with np.errstate(invalid="ignore"):
        moves: Moves = {
            "ST": (up_x, cx.mag),
            "TS": (dn_x, cx.mag),
            "MT": (np.where(elig, up_m + up_x, inf), cx.mag + mag_m),
            "TM": (np.where(elig, dn_x_any + dn_m, inf), cx.mag + mag_m),
            "MS": (np.where(elig & (rest > 0), up_m, inf), mag_m),
            "SM": (np.where(elig, dn_m, inf), mag_m),
        }
    for name, arr in moves.items():
        moves[name] = (np.where(np.isnan(arr[0]), inf, arr[0]), arr[1])
    return moves


class _Exact:
    """The exact cost of an arc through a municipality (a request row ``r``)."""

    def __init__(self, cx: _Costs, cm: _Costs, rows: IntArray, n: int) -> None:
        self.cx, self.cm = cx, cm
        self.minor_row = np.full(n, -1, dtype=np.int64)
        self.minor_row[rows] = np.arange(len(rows))

    def __call__(self, move: str, r: int) -> Terms:
        cx, cm = self.cx, self.cm
        j = int(self.minor_row[r])
        if move == "ST":
            return cx.up_terms(r)
        if move == "TS":
            return cx.down_terms(r)
        if move == "MT":
            return cm.up_terms(j) + cx.up_terms(r)
        if move == "TM":
            return cx.down_terms(r) + cm.down_terms(j)
        if move == "MS":
            return cm.up_terms(j)
        return cm.down_terms(j)  # SM


def _cycle_kinds(
    method: Method, key: Key, x: IntArray
) -> list[tuple[tuple[str, ...], Callable[[tuple[int, ...]], str]]]:
    """The five kinds of simple cycle (their arcs) and the sentence naming one of each."""
    ids = key.ids
    return [
        (
            ("ST", "TS"),
            lambda c: (
                f"requests: moving one person from {ids[c[1]]} (unit cost "
                f"{_unit(method, key, x, c[1], -1):.6g}) to {ids[c[0]]} (unit cost "
                f"{_unit(method, key, x, c[0], 0):.6g}) lowers the objective"
            ),
        ),
        (
            ("MT", "TM"),
            lambda c: (
                f"minors: moving one minor, with the request, from {ids[c[1]]} to {ids[c[0]]} "
                "lowers the objective"
            ),
        ),
        (
            ("MS", "SM"),
            lambda c: (
                f"minors: moving one minor from {ids[c[1]]} to {ids[c[0]]} (requests unchanged) "
                "lowers the objective"
            ),
        ),
        (
            ("TM", "MS", "ST"),
            lambda c: (
                f"minors: moving one minor from {ids[c[0]]} to {ids[c[1]]} and one request from "
                f"{ids[c[0]]} to {ids[c[2]]} lowers the objective"
            ),
        ),
        (
            ("TS", "SM", "MT"),
            lambda c: (
                f"minors: moving one minor from {ids[c[1]]} to {ids[c[2]]} and one request from "
                f"{ids[c[0]]} to {ids[c[2]]} lowers the objective"
            ),
        ),
    ]


def improving_cycle(
    method: Method, key: Key, mkey: Key, bounds: Bounds, x: IntArray, m: IntArray
) -> str | None:
    """A sentence naming an improving exchange of the feasible ``(x, m)``, or ``None`` when
    no exchange improves it (then it is optimal for the bounds-only problem)."""
    rows = mkey.rows
    cx = _Costs(method, key, x)
    cm = _Costs(method, mkey, m[rows])
    moves = _moves(cx, cm, bounds, rows, m)
    exact = _Exact(cx, cm, rows, len(x))
    for parts, say in _cycle_kinds(method, key, x):
        found = _cheapest(parts, moves, exact)
        if found is not None:
            return say(found)
    return None


def _unit(method: Method, key: Key, x: IntArray, r: int, shift: int) -> float:
    k = np.array([max(int(x[r]) + shift, 0)])
    return float(unit_cost(method, k, key.targets[r : r + 1])[0])


def _candidates(cost: FloatArray, mag: FloatArray, count: int) -> list[int]:
    finite = np.flatnonzero(np.isfinite(cost))
    if len(finite) == 0:
        return []
    order = finite[np.argsort(cost[finite], kind="stable")]
    kth = order[min(count, len(order)) - 1]
    band = BAND * (mag + mag[kth])
    keep = finite[cost[finite] <= cost[kth] + band[finite]]
    return sorted(keep.tolist(), key=lambda r: (cost[r], r))


def _cheapest(
    parts: tuple[str, ...],
    moves: Moves,
    exact: Callable[[str, int], Terms],
) -> tuple[int, ...] | None:
    """The first combination of distinct rows (one per part) whose exact cost is negative."""
    lists = [_candidates(*moves[p], len(parts)) for p in parts]
    if any(not c for c in lists):
        return None
    combos: list[tuple[float, tuple[int, ...]]] = []
    for combo in itertools.product(*lists):
        if len(set(combo)) < len(combo):
            continue
        value = sum(float(moves[p][0][r]) for p, r in zip(parts, combo, strict=True))
        mag = sum(float(moves[p][1][r]) for p, r in zip(parts, combo, strict=True))
        if value > BAND * mag:
            continue  # clearly not improving
        combos.append((value, combo))
    combos.sort()
    for _, combo in combos:
        terms: Terms = []
        for p, r in zip(parts, combo, strict=True):
            terms.extend(exact(p, r))
        if exact_sign(terms) < 0:
            return combo
    return None


def local_improvement(
    method: Method,
    key: Key,
    mkey: Key,
    x: IntArray,
    m: IntArray,
    feasible: Callable[[IntArray, IntArray], bool],
    value: Callable[[IntArray, IntArray], float],
    steps: tuple[int, ...] = (1,),
    limit: int = 400,
) -> str | None:
    """With process rules: an improving move of one or a few persons between two
    municipalities that keeps the allocation feasible (``None`` when none is found).

    Moves tried: a request step of each size in ``steps``, one minor (requests unchanged),
    and one person who is a minor. The float objective picks candidates; a candidate counts
    only when it is feasible and its exact change is negative.
    """
    n = len(x)
    rows = mkey.rows
    base = value(x, m)
    moves: list[tuple[float, str, int, int, int, int]] = []  # (gain, kind, a, b, dx, dm)
    tx = key.targets
    for d in steps:
        up = _delta(method, x, tx, d)
        dn = _delta(method, x, tx, -d)
        gain = up[:, None] + dn[None, :]
        np.fill_diagonal(gain, np.inf)
        for a, b in zip(*np.nonzero(gain < 1e-9 * (1 + abs(base))), strict=True):
            moves.append((float(gain[a, b]), "x", int(a), int(b), d, 0))
    if len(rows):
        mm = m[rows]
        upm = np.full(n, np.inf)
        dnm = np.full(n, np.inf)
        upm[rows] = _delta(method, mm, mkey.targets, 1)
        dnm[rows] = _delta(method, mm, mkey.targets, -1)
        for kind, ux, dx_ in (
            ("m", np.zeros(n), np.zeros(n)),
            ("p", _delta(method, x, tx, 1), _delta(method, x, tx, -1)),
        ):
            gain = (upm + ux)[:, None] + (dnm + dx_)[None, :]
            np.fill_diagonal(gain, np.inf)
            for a, b in zip(*np.nonzero(gain < 1e-9 * (1 + abs(base))), strict=True):
                moves.append((float(gain[a, b]), kind, int(a), int(b), 1 if kind == "p" else 0, 1))
    moves.sort()
    ids = key.ids
    for _, kind, a, b, dx, dm in moves[:limit]:
        x2, m2 = x.copy(), m.copy()
        x2[a] += dx
        x2[b] -= dx
        m2[a] += dm
        m2[b] -= dm
        if not feasible(x2, m2):
            continue
        after = value(x2, m2)
        if after < base - 1e-9 * max(1.0, abs(base)):
            what = {"x": f"{dx} requests", "m": "one minor", "p": "one person who is a minor"}
            return (
                f"moving {what[kind]} from {ids[b]} to {ids[a]} keeps every rule and lowers "
                f"the objective from {base:.10g} to {after:.10g}"
            )
    return None


def _delta(method: Method, v: IntArray, t: FloatArray, d: int) -> FloatArray:
    """Float change of each municipality's deviation when its value moves by ``d``."""
    new = v + d
    ok = new >= 0
    out = deviation(method, np.where(ok, new, 0), t) - deviation(method, v, t)
    return np.where(ok, out, np.inf)
