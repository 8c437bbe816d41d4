"""What would move a request by one, in the indicator's own units, decided exactly.

For a municipality ``i`` and an indicator ``v`` of the requests key, the margin up is the
smallest change ``d`` (a whole multiple of the indicator's step ``q``: one resident, one person,
0.001 of a score) such that, with ``v_i`` replaced by ``v_i + d`` and everything else as it
is, the request of ``i`` rises by one: the cheapest unit ``i`` could add then costs less than
the dearest unit another municipality could give back (with the targets of every municipality
recomputed, since a share is ``e_i / sum_j e_j``). The margin down is the smallest change the
other way that lowers the request by one. Both are searched in floating point and then
confirmed in exact rational arithmetic at ``d`` and at ``d - q``, so the number shown is the
exact step: ``d`` moves the request, ``d - q`` does not.

This holds for the threshold path (no process rules): one sum constraint, bounds, separable
costs. It holds as well for Sainte-Laguë with the process rules of the real requests (a grid
of ``g``, a minimum request of at most ``g``, the minors rules): on the grid, the block from
``x`` to ``x + g`` costs ``(x + g/2) / t`` in Sainte-Laguë's order, which is Sainte-Laguë in
blocks of ``g`` on the targets ``t / g``; the margin then moves the request by ``g``. The
minors are held at their numbers (a request never goes below its minors); a certified
optimum of the whole program is optimal for the requests given its minors, since the
objective separates. That holds only while the indicator leaves the minors where they are:
when the minors key reads the indicator too (and there are minors to place), a change of it
moves the minors as well, and a minor more can hold the request up; the margin is then
searched by allocating each candidate value anew, which is exact by construction.

A margin is only given at a value the indicator can take in a valid problem: within its
reach (:class:`Reach`) and with every key that reads it keeping its shares.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

import numpy as np

from busetting._allocate import allocate
from busetting._criteria import Key, build_key
from busetting._exceptions import InputError
from busetting._feasibility import effective_bounds
from busetting._limits import MAX_INDICATOR, MAX_PERSONS
from busetting._methods import Method, exact_unit_cost, unit_cost, units_at_most
from busetting._model import POPULATION, Problem
from busetting._rules import margins_step, request_floor_everywhere

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from busetting._result import Allocation

__all__ = ["Margin", "Reach", "indicator_margins", "indicator_reach"]

Direction = Literal["more", "fewer"]
_MAX_STEPS = 1 << 52

CLASS_SCALES: dict[str, tuple[int, int]] = {"remoteness": (1, 6)}
"""Indicators on a scale of whole classes: SSB's centrality classes run from 1 to 6."""
COUNTS = frozenset(
    {"population", "previous_request", "decision", "settled", "capacity", "minors_service"}
)
"""Indicators that are counts (persons, residents, kroner): any value >= 0."""
INDEXES = frozenset({"services", "labour_market", "settling_speed"})
"""Indicators that are indexes or scores: any value within the range observed over all
municipalities (a margin beyond it describes no municipality that exists)."""


@dataclass(frozen=True)
class Reach:
    """The values an indicator can take: ``low`` to ``high`` (``None``: no upper end), in
    whole numbers when ``whole``; ``kind`` is ``class``, ``count``, ``share`` or ``index``."""

    kind: str
    low: Fraction
    high: Fraction | None
    whole: bool = False

    @property
    def slack(self) -> Fraction:
        """How loose the ends are: a billionth of the scale of an observed range (its ends
        are floats); none for the fixed ends of a class scale, a count or a share (a count's
        upper end, the input limit, would otherwise let a count go a thousand below 0)."""
        if self.kind != "index":
            return Fraction(0)
        size = max(Fraction(1), abs(self.low), abs(self.high or Fraction(0)))
        return Fraction(1, 10**9) * size

    def holds(self, value: Fraction) -> bool:
        """Whether the indicator can take ``value`` (the ends of an observed range are
        floats: a value within a billionth of one counts as on it)."""
        slack = self.slack
        if value < self.low - slack or (self.high is not None and value > self.high + slack):
            return False
        return not self.whole or value.denominator == 1


def _count_limit(name: str) -> int:
    """The largest value a count may take as input (:mod:`busetting._limits`)."""
    return MAX_PERSONS if name == "population" else int(MAX_INDICATOR)


def indicator_reach(name: str, values: NDArray[np.float64]) -> Reach:
    """The values indicator ``name`` can take, from what it is (see the module constants)
    or, for an indicator the package does not know, from its values: whole numbers are
    counts, values within 0 and 1 are shares, anything else an index within its observed
    range."""
    finite = values[np.isfinite(values)]
    low = Fraction(float(finite.min())) if len(finite) else Fraction(0)
    high = Fraction(float(finite.max())) if len(finite) else Fraction(0)
    if name in CLASS_SCALES:
        a, b = CLASS_SCALES[name]
        return Reach("class", Fraction(a), Fraction(b), whole=True)
    if name in COUNTS:  # at most the documented limit: an input above it is refused
        return Reach("count", Fraction(0), Fraction(_count_limit(name)))
    if name in INDEXES:
        return Reach("index", low, high)
    if len(finite) and np.all(np.mod(finite, 1.0) == 0) and low >= 0:
        return Reach("count", Fraction(0), Fraction(_count_limit(name)), whole=True)
    if low >= 0 and high <= 1:
        return Reach("share", Fraction(0), Fraction(1))
    return Reach("index", low, high)


@dataclass(frozen=True)
class Margin:
    """The change of one indicator that moves one municipality's request by one.

    ``change`` is signed (``+120`` residents, ``-0.004`` points); ``None`` when no change of
    this indicator alone can move the request (a bound holds it, or even zero would not).
    ``step`` is the resolution the change was searched on; ``value`` the indicator today;
    ``unit`` how far the request moves (1, or the grid of the process rules, e.g. 5);
    ``reach`` the values the indicator can take: a margin is only given where the indicator
    can take the value it needs (a class 1-6, a share 0-1, an index within its observed range,
    a count >= 0), otherwise ``change`` is ``None``.
    """

    indicator: str
    direction: Direction
    value: float
    change: Fraction | None
    step: Fraction
    unit: int = 1
    reach: Reach | None = None

    @property
    def new_value(self) -> float | None:
        """The indicator's value at the margin."""
        return None if self.change is None else float(Fraction(self.value) + self.change)


def _step(values: NDArray[np.float64]) -> Fraction:
    """One unit for counts; a thousandth of the order of magnitude for scores."""
    if len(values) == 0 or np.all(np.mod(values, 1.0) == 0):
        return Fraction(1)
    top = float(np.max(np.abs(values)))
    exponent = math.floor(math.log10(top)) - 3 if top > 0 else -3
    return Fraction(10) ** min(exponent, 0)


class _Perturbed:
    """Targets of a key when one municipality's indicator changes (float and exact)."""

    def __init__(self, key: Key, row: int, indicator: str, scale: int = 1) -> None:
        self.key = key
        self.scale = scale  # targets in blocks of this many persons
        self.row = row
        self.indicator = indicator
        self.weights = np.array([c.weight for c in key.criteria], dtype=np.float64)
        cols = key._columns
        self.touch = [
            (c.criterion.indicator == indicator, c.criterion.base == indicator) for c in cols
        ]

    @property
    def used(self) -> bool:
        return any(a or b for a, b in self.touch)

    def values(self) -> NDArray[np.float64]:
        for col, (ind, _) in zip(self.key._columns, self.touch, strict=True):
            if ind:
                return col.values
        for col, (_, base) in zip(self.key._columns, self.touch, strict=True):
            if base and col.base is not None:
                return col.base
        return np.zeros(len(self.key.ids))

    def targets(self, delta: float) -> NDArray[np.float64]:
        key, i = self.key, self.row
        out = np.zeros(len(key.ids))
        for c, (col, (ind, base)) in enumerate(zip(key._columns, self.touch, strict=True)):
            v = col.values.copy()
            b = None if col.base is None else col.base.copy()
            if ind:
                v[i] += delta
            if base and b is not None:
                b[i] += delta
            s = (v.max() + v.min()) - v if col.criterion.direction == "lower" else v
            e = s * b if b is not None else s
            total = float(e.sum())
            if total > 0:
                out += key.total * self.weights[c] * e / total
            elif self.weights[c] > 0:
                return np.full(len(key.ids), np.nan)  # the key is undefined there
        return out / self.scale

    def exact_targets(self, delta: Fraction, rows: list[int]) -> dict[int, Fraction] | None:
        key, i = self.key, self.row
        out = dict.fromkeys(rows, Fraction(0))
        for col, (ind, base) in zip(key._columns, self.touch, strict=True):
            w = Fraction(col.criterion.weight)
            if not w:
                continue
            v = [Fraction(x) for x in col.values.tolist()]
            b = None if col.base is None else [Fraction(x) for x in col.base.tolist()]
            if ind:
                v[i] += delta
            if base and b is not None:
                b[i] += delta
            if col.criterion.direction == "lower":
                refl = max(v) + min(v)
                v = [refl - x for x in v]
            e = v if b is None else [x * y for x, y in zip(v, b, strict=True)]
            total = sum(e, Fraction(0))
            if total <= 0:
                return None  # the key is undefined there
            for r in rows:
                out[r] += key.total * w * e[r] / total / self.scale
        return out


def _grid(alloc: Allocation) -> int | None:
    """The request step the margins are counted in: 1 on the threshold path; ``g`` for
    Sainte-Laguë with only a grid of ``g`` (and a minimum request of at most ``g``) among the
    rules shaping the requests; ``None`` when no exact margin is available."""
    p = alloc.problem
    if alloc.certificate and not p.rules.needs_program:
        return 1
    if not p.rules.needs_program:
        return None  # the integer program because minors and requests are coupled
    if alloc.method != Method.WEBSTER.value or not alloc.success:
        return None
    # On a grid of g, Sainte-Laguë's cost of the block from x to x + g orders as
    # (x + g/2) / t = (x/g + 1/2) / (t/g): Sainte-Laguë in blocks, on the targets over g.
    # Each active rule says whether it keeps that argument (the minors rules only couple
    # through minors <= request, held here as lower bounds; county totals and joining rows
    # do not).
    return margins_step(p.rules)


def indicator_margins(alloc: Allocation, municipality_id: str) -> tuple[Margin, ...] | None:
    """The margins up and down for every indicator of the requests key (``None`` when no
    exact margin is available: see :func:`_grid`)."""
    p = alloc.problem
    g = _grid(alloc)
    if g is None or alloc.requests is None or alloc.minors is None:
        return None
    method = Method(alloc.method)
    key, mkey = build_key(p), build_key(p, "minors")
    bounds, _ = effective_bounds(p, method, key, mkey)
    x = alloc.requests.to_numpy(dtype=np.int64)
    if np.any(x % g):
        return None
    lo = np.maximum(bounds.lower, alloc.minors.to_numpy(dtype=np.int64))
    lo = np.maximum(lo, request_floor_everywhere(p.rules))
    hi = bounds.effective_upper()
    # in blocks of g: lower bounds round up to the grid, upper bounds down
    x, lo, hi = x // g, -((-lo) // g), hi // g
    i = p.ids.index(municipality_id)
    seen: list[str] = []
    for c in key.criteria:
        for name in c.indicators_used:
            if name not in seen:
                seen.append(name)
    out = []
    for name in seen:
        pert = _Perturbed(key, i, name, g)
        values = pert.values()
        step = _step(values)
        value = float(values[i])
        reach = indicator_reach(name, values)
        # the minors key reads it too: its change moves the minors, which may hold the
        # request up, so the minors cannot be held at their numbers
        coupled = (
            p.minors_total > 0
            and i in set(mkey.rows.tolist())
            and any(c.weight > 0 and name in c.indicators_used for c in mkey.criteria)
        )
        for direction in ("more", "fewer"):
            if coupled:
                change = _margin_by_allocation(alloc, pert, direction, step, value, reach, g)
            else:
                change = _margin(pert, method, x, lo, hi, direction, step, value, reach)
            if change is not None and not reach.holds(Fraction(value) + change):
                change = None  # pragma: no cover - the search stays within the reach
            if change is not None and not _defined((key, mkey), name, i, value + float(change)):
                change = None  # a key would have no shares: no problem has that value
            out.append(Margin(name, direction, value, change, step, g, reach))
    return tuple(out)


def _defined(keys: tuple[Key, ...], name: str, i: int, new: float) -> bool:
    """Whether every key keeps its shares when row ``i`` of indicator ``name`` takes ``new``:
    each criterion of positive weight that reads ``name`` (as its indicator or as the base of a
    rate) must keep a positive total of ``e_j`` over the key's rows, as :func:`build_key`
    requires (a key with nothing to place needs none)."""
    for k in keys:
        if not len(k.rows) or k.total <= 0:
            continue
        where = np.flatnonzero(np.asarray(k.rows) == i)
        for col in k._columns:
            crit = col.criterion
            if crit.weight <= 0 or name not in crit.indicators_used:
                continue
            v = col.values.copy()
            b = None if col.base is None else col.base.copy()
            if len(where):
                if crit.indicator == name:
                    v[where] = new
                if crit.base == name and b is not None:
                    b[where] = new
            s = (v.max() + v.min()) - v if crit.direction == "lower" else v
            e = s * b if b is not None else s
            if not float(e.sum()) > 0:
                return False
    return True


def _counts(method: Method, c: float, t: NDArray[np.float64], strict: bool) -> NDArray[np.float64]:
    """Float count of each municipality's units costing at most ``c`` (less, if strict)."""
    if method is Method.HAMILTON:
        if c > 1 or (c == 1 and not strict):
            return np.full(len(t), np.inf)
        if c < -1 or (c == -1 and strict):
            return np.zeros(len(t))
        edge = t + (c - 1) / 2
        n = np.ceil(edge) if strict else np.floor(edge) + 1
        return np.maximum(n, 0.0)
    if not math.isfinite(c):
        return np.full(len(t), np.inf) if c > 0 else np.zeros(len(t))
    return units_at_most(method, c * (1 - 1e-15) if strict else c, t)


def _side(direction: Direction) -> tuple[int, bool]:
    """Which unit of ``i`` is at stake (its next, or its last) and whether ties count."""
    return (0, False) if direction == "more" else (-1, True)


def _decided(direction: Direction, x_i: int, others: float, total: int) -> bool:
    """Does the count of the other municipalities' cheaper units settle the unit of ``i``?

    One more is certain when ``i``'s next unit is among the ``total`` cheapest even if every
    tie goes against it; one fewer when ``i``'s last unit is beyond them even if every tie
    goes its way.
    """
    if direction == "more":
        return x_i + others <= total - 1
    return (x_i - 1) + others >= total


def _moves(
    pert: _Perturbed,
    method: Method,
    x: NDArray[np.int64],
    lo: NDArray[np.int64],
    hi: NDArray[np.int64],
    direction: Direction,
    delta: float,
) -> bool:
    """Float test: does changing the indicator by ``delta`` move the request one way?"""
    i = pert.row
    t = pert.targets(delta)
    if np.isnan(t).any():
        return False
    offset, strict = _side(direction)
    c = float(unit_cost(method, x[i : i + 1] + offset, t[i : i + 1])[0])
    n = np.clip(_counts(method, c, t, strict), lo, hi)
    n[i] = 0
    return _decided(direction, int(x[i]), float(n.sum()), int(x.sum()))


def _near_rows(
    method: Method,
    c: float,
    t: NDArray[np.float64],
    n: NDArray[np.int64],
    finite: NDArray[np.bool_],
) -> list[int]:
    """The rows whose count at unit cost ``c`` could be off by one: a unit cost within
    rounding of ``c``."""
    if not math.isfinite(c):
        return []
    tol = 1e-9 * max(1.0, abs(c))
    below = unit_cost(method, np.maximum(n - 1, 0), t)
    at = unit_cost(method, n, t)
    close = (np.abs(below - c) <= tol) | (np.abs(at - c) <= tol)
    return [int(r) for r in np.flatnonzero(finite & close)]


def _moves_exactly(
    pert: _Perturbed,
    method: Method,
    x: NDArray[np.int64],
    lo: NDArray[np.int64],
    hi: NDArray[np.int64],
    direction: Direction,
    delta: Fraction,
) -> bool:
    """Exact test: float counts, settled in rational arithmetic where they are close."""
    i = pert.row
    t = pert.targets(float(delta))
    if np.isnan(t).any():
        return False
    offset, strict = _side(direction)
    k_i = int(x[i]) + offset
    c_float = float(unit_cost(method, np.array([k_i]), t[i : i + 1])[0])
    raw = _counts(method, c_float, t, strict)
    finite = np.isfinite(raw)
    n = np.where(finite, raw, 0).astype(np.int64)
    near = _near_rows(method, c_float, t, n, finite)
    rows = sorted({i, *near})
    exact = pert.exact_targets(delta, rows)
    if exact is None:
        return False

    def cost(r: int, k: int) -> Fraction | None:  # None: infinitely dear
        if exact[r] <= 0 and method is not Method.HAMILTON:
            return None
        return exact_unit_cost(method, k, exact[r])

    c = cost(i, k_i)

    def ok(r: int, k: int) -> bool:
        v = cost(r, k)
        if v is None:
            return False
        if c is None:
            return True
        return v < c if strict else v <= c

    for r in near:
        if r == i:
            continue
        k = int(n[r])
        while k > 0 and not ok(r, k - 1):
            k -= 1
        while ok(r, k):
            k += 1
        n[r] = k
    # no count matters beyond the whole need: capped there, the sum cannot overflow int64
    # (unbounded counts of several municipalities once wrapped to a negative sum, which
    # read as a move where every unit of the others was as cheap as the one at stake)
    total = int(x.sum())
    counts = np.where(finite, n, total + 1)
    counts = np.minimum(np.clip(counts, lo, hi), total + 1)
    counts[i] = 0
    others = sum(int(v) for v in counts.tolist())
    return _decided(direction, int(x[i]), float(others), total)


def _margin(
    pert: _Perturbed,
    method: Method,
    x: NDArray[np.int64],
    lo: NDArray[np.int64],
    hi: NDArray[np.int64],
    direction: Direction,
    step: Fraction,
    value: float,
    reach: Reach,
) -> Fraction | None:
    i = pert.row
    if not pert.used:
        return None
    if direction == "more" and (x[i] >= hi[i] or x[i] >= int(x.sum())):
        return None  # a bound holds it, or it holds the whole need (a need of 0 too)
    if direction == "fewer" and x[i] <= lo[i]:
        return None
    q = float(step)
    sign, limit = _span(pert, direction, step, value, reach)

    def moves(k: int) -> bool:
        return _moves(pert, method, x, lo, hi, direction, sign * k * q)

    if limit <= 0:
        return None
    if sign < 0 and not moves(limit):
        return _confirm(pert, method, x, lo, hi, direction, step, sign, 0, limit)
    hi_k = 1
    while not moves(hi_k):
        if hi_k >= limit:
            return _confirm(pert, method, x, lo, hi, direction, step, sign, 0, limit)
        hi_k = min(hi_k * 2, limit)
    lo_k = hi_k // 2  # moves(lo_k) is False (or lo_k == 0)
    while hi_k - lo_k > 1:
        mid = (lo_k + hi_k) // 2
        if moves(mid):
            hi_k = mid
        else:
            lo_k = mid
    return _confirm(pert, method, x, lo, hi, direction, step, sign, hi_k, limit)


def _span(
    pert: _Perturbed, direction: Direction, step: Fraction, value: float, reach: Reach
) -> tuple[int, int]:
    """Which way the indicator is changed (``+1``: up, when that raises the target for a move
    up) and the largest whole number of steps allowed that way, within its reach."""
    i = pert.row
    probe = max(float(step), abs(value) * 1e-6)
    up = pert.targets(probe)[i] >= pert.targets(0.0)[i]
    sign = 1 if (up == (direction == "more")) else -1
    now = Fraction(value)
    slack = reach.slack
    if sign > 0:
        top = reach.high
        limit = _MAX_STEPS if top is None else math.floor((top + slack - now) / step)
    else:
        limit = math.floor((now + slack - max(reach.low, Fraction(0))) / step)
    return sign, min(limit, _MAX_STEPS)


def _with_value(problem: Problem, row: int, name: str, value: Fraction) -> Problem | None:
    """``problem`` with indicator ``name`` of municipality ``row`` at ``value`` (``None``
    when no valid problem has that value: a population that is not whole, a key without
    shares)."""
    ms = list(problem.municipalities)
    m = ms[row]
    if name == POPULATION and name not in m.indicators:
        if value.denominator != 1:
            return None
        ms[row] = m.model_copy(update={"population": int(value)})
    else:
        ms[row] = m.model_copy(update={"indicators": {**m.indicators, name: float(value)}})
    try:
        return Problem(
            municipalities=ms,
            criteria=problem.criteria,
            minors_criteria=problem.minors_criteria,
            need=problem.need,
            rules=problem.rules,
        )
    except (InputError, ValueError):  # pragma: no cover - the reach keeps values valid
        return None


def _margin_by_allocation(
    alloc: Allocation,
    pert: _Perturbed,
    direction: Direction,
    step: Fraction,
    value: float,
    reach: Reach,
    unit: int,
) -> Fraction | None:
    """The margin when the minors key reads the indicator too: its change moves the minors,
    and the minors can hold the requests up, so the minors are not held at their numbers;
    each candidate change is allocated anew (exact), and the smallest that moves the request
    is found by doubling and halving: the change found moves it, one step less does not."""

    if not pert.used or alloc.requests is None:
        return None
    p, i = alloc.problem, pert.row
    mid = p.ids[i]
    x0 = int(alloc.requests[mid])
    want = 1 if direction == "more" else -1
    sign, limit = _span(pert, direction, step, value, reach)
    if limit <= 0:
        return None
    memo: dict[int, int | None] = {}

    def request(k: int) -> int | None:
        if k not in memo:
            q = _with_value(p, i, pert.indicator, Fraction(value) + sign * k * step)
            got: int | None = None
            if q is not None:
                try:
                    a = allocate(q, method=alloc.method)
                except InputError:  # a key without shares: no problem has that value
                    a = None
                if a is not None and a.success and a.requests is not None:
                    got = int(a.requests[mid])
            memo[k] = got
        return memo[k]

    def moves(k: int) -> bool:
        got = request(k)
        return got is not None and want * (got - x0) >= unit

    hi_k = 1
    while not moves(hi_k):
        if hi_k >= limit:
            return None
        hi_k = min(hi_k * 2, limit)
    lo_k = hi_k // 2
    while hi_k - lo_k > 1:
        mid_k = (lo_k + hi_k) // 2
        if moves(mid_k):
            hi_k = mid_k
        else:
            lo_k = mid_k
    # minimal: hi_k moves and hi_k - 1 does not (allocated, or no change at all)
    return Fraction(sign * hi_k) * step


def _confirm(
    pert: _Perturbed,
    method: Method,
    x: NDArray[np.int64],
    lo: NDArray[np.int64],
    hi: NDArray[np.int64],
    direction: Direction,
    step: Fraction,
    sign: int,
    k: int,
    limit: int,
) -> Fraction | None:
    """Settle the float answer ``k`` steps exactly: ``k`` moves, ``k - 1`` does not."""

    def exact(n: int) -> bool:
        return n > 0 and _moves_exactly(pert, method, x, lo, hi, direction, sign * n * step)

    if k == 0:  # floats saw no move within the limit; check the limit itself exactly
        return Fraction(sign * limit) * step if limit > 0 and exact(limit) else None
    for _ in range(64):
        if not exact(k):
            if k >= limit:
                return None
            k += 1
        elif k > 1 and exact(k - 1):
            k -= 1
        else:
            return Fraction(sign * k) * step
    return None  # pragma: no cover - floats and fractions never disagree by 64 steps
