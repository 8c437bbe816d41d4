"""Brute force by exhaustive enumeration, for tiny problems only (an independent oracle)."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

import busetting as bs
from busetting._criteria import build_key
from busetting._methods import DIVISOR_METHODS, Method, deviation


def compositions(total: int, lo: list[int], hi: list[int]) -> Iterator[tuple[int, ...]]:
    """Every integer vector with lo <= x <= hi summing to total."""
    n = len(lo)
    if n == 0:
        if total == 0:
            yield ()
        return
    rest_lo = sum(lo[1:])
    rest_hi = sum(hi[1:])
    for v in range(max(lo[0], total - rest_hi), min(hi[0], total - rest_lo) + 1):
        for tail in compositions(total - v, lo[1:], hi[1:]):
            yield (v, *tail)


def _cost(method: Method, x: tuple[int, ...], t: np.ndarray) -> float:
    return math.fsum(deviation(method, np.array(x, dtype=np.int64), t).tolist())


def brute_force(problem: bs.Problem, method: str) -> float | None:
    """Optimal objective by enumeration; None when infeasible."""
    m_ = Method(method)
    key, mkey = build_key(problem, "requests"), build_key(problem, "minors")
    N, M = problem.total, problem.minors_total
    lo, hi = [], []
    for i, m in enumerate(problem.municipalities):
        if m.fixed is not None:
            lo.append(m.fixed)
            hi.append(m.fixed)
            continue
        low = m.min or 0
        up = N if m.max is None else min(m.max, N)
        if m_ in DIVISOR_METHODS and key.targets[i] <= 0:
            up = low
        lo.append(low)
        hi.append(max(low, up) if up >= low else up)
    rows = mkey.rows.tolist()
    mhi, mlo = [], []
    for j, r in enumerate(rows):
        mm = problem.municipalities[r]
        low = mm.minors_min or 0
        cap = M if mm.minors_max is None else min(mm.minors_max, M)
        cap = min(cap, hi[r])
        if m_ in DIVISOR_METHODS and mkey.targets[j] <= 0:
            cap = low
        mhi.append(cap)
        mlo.append(low)
    m_options = sorted(
        ((_cost(m_, mv, mkey.targets), mv) for mv in compositions(M, mlo, mhi)),
    )
    best = None
    for x in compositions(N, lo, hi):
        cx = _cost(m_, x, key.targets)
        if best is not None and cx > best + 1e-12 and all(c >= 0 for c, _ in m_options[:1]):
            pass
        for cm, mv in m_options:
            if all(mv[j] <= x[r] for j, r in enumerate(rows)):
                total = cx + cm
                if best is None or total < best:
                    best = total
                break
    return best


def _allowed_x(
    problem: bs.Problem, method: Method, targets: np.ndarray
) -> tuple[list[list[int]], list[bool]]:
    """Allowed values per municipality under the rules, read off the documented semantics."""
    rules = problem.rules
    N = problem.total
    values, const = [], []
    for i, m in enumerate(problem.municipalities):
        low = m.min or 0
        # the documented "held": fixed, a divisor method's zero target, or min reaching the
        # upper bound (max or a cap) -- not a min that merely equals the need
        up = math.inf if m.max is None else m.max
        if rules.per_capita_cap is not None:
            up = min(up, math.floor(rules.per_capita_cap * m.population + 1e-9))
        if rules.share_cap is not None:
            up = min(up, math.floor(rules.share_cap * N + 1e-9))
        if m.fixed is not None:
            values.append([m.fixed])
            const.append(True)
        elif (method in DIVISOR_METHODS and targets[i] <= 0) or low >= up:
            values.append([low] if low <= up else [])
            const.append(True)
        else:
            values.append(list(range(low, int(min(up, N)) + 1)))
            const.append(False)
    return values, const


class RuleModel:
    """The documented semantics of a problem with rules, read off the model fields."""

    def __init__(self, problem: bs.Problem, method: str) -> None:
        m_ = self.method = Method(method)
        self.problem = problem
        rules = problem.rules
        key, mkey = build_key(problem, "requests"), build_key(problem, "minors")
        self.tx, self.tm = key.targets, mkey.targets
        N, M = problem.total, problem.minors_total
        values, const = _allowed_x(problem, m_, key.targets)
        g, k = rules.granularity, rules.min_request
        held = sum(v[0] for v, c in zip(values, const, strict=True) if c and v)
        r = (N - held) % g if g > 1 else 0
        for i, c in enumerate(const):
            if c:
                continue
            vs = values[i]
            if g > 1:
                vs = [v for v in vs if v % g == 0 or (r > 0 and v % g == 1)]
            if k:
                up = max(values[i]) if values[i] else -1
                if rules.min_request_all and up >= k:
                    vs = [v for v in vs if v >= k]
                else:
                    vs = [v for v in vs if v == 0 or v >= k]
            values[i] = vs
        self.values, self.const, self.offgrid = values, const, r
        self.rows = mkey.rows.tolist()
        kg = rules.minors_min_group
        m_values = []
        for j, row in enumerate(self.rows):
            mm = problem.municipalities[row]
            low = mm.minors_min or 0
            cap = M if mm.minors_max is None else min(mm.minors_max, M)
            cap = min(cap, max(values[row])) if values[row] else -1
            if m_ in DIVISOR_METHODS and mkey.targets[j] <= 0:
                cap = low
            if cap < max(kg, 1, low) or low >= cap:
                m_values.append([low])
                continue
            vs = list(range(low, cap + 1))
            if kg:
                vs = [v for v in vs if (v == 0 and not rules.minors_min_group_all) or v >= kg]
            m_values.append(vs)
        self.m_values = m_values
        self.names = sorted(rules.county_totals) if rules.county_totals else []
        self.counties = [m.county for m in problem.municipalities]

    def x_ok(self, x: tuple[int, ...]) -> bool:
        rules, g = self.problem.rules, self.problem.rules.granularity
        if g > 1 and (
            sum(1 for i, v in enumerate(x) if not self.const[i] and v % g == 1) != self.offgrid
        ):
            return False
        if rules.county_totals and rules.county_penalty is None:
            for c in self.names:
                got = sum(v for v, cc in zip(x, self.counties, strict=True) if cc == c)
                if got != rules.county_totals[c]:
                    return False
        return True

    def m_ok(self, mv: tuple[int, ...]) -> bool:
        rules = self.problem.rules
        hosts = sum(1 for v in mv if v > 0)
        if rules.max_minors_hosts is None:
            return True
        if rules.exact_minors_hosts:
            return hosts == rules.max_minors_hosts
        return hosts <= rules.max_minors_hosts

    def penalty(self, x: tuple[int, ...]) -> float:
        rules = self.problem.rules
        if not rules.county_totals or rules.county_penalty is None:
            return 0.0
        return rules.county_penalty * sum(
            abs(
                sum(v for v, cc in zip(x, self.counties, strict=True) if cc == c)
                - rules.county_totals[c]
            )
            for c in self.names
        )

    def feasible(self, x: tuple[int, ...], m: tuple[int, ...]) -> bool:
        """Whether requests ``x`` and minors ``m`` (both full length) keep every rule."""
        p = self.problem
        if sum(x) != p.total or sum(m) != p.minors_total:
            return False
        if any(v not in vs for v, vs in zip(x, self.values, strict=True)):
            return False
        elig = set(self.rows)
        if any(m[i] != 0 for i in range(len(m)) if i not in elig):
            return False
        mv = tuple(m[r] for r in self.rows)
        if any(v not in vs for v, vs in zip(mv, self.m_values, strict=True)):
            return False
        if any(m[r] > x[r] for r in self.rows):
            return False
        return self.x_ok(x) and self.m_ok(mv)

    def objective(self, x: tuple[int, ...], m: tuple[int, ...]) -> float:
        mv = tuple(m[r] for r in self.rows)
        return _cost(self.method, x, self.tx) + _cost(self.method, mv, self.tm) + self.penalty(x)


def _enum(total: int, options: list[list[int]]) -> Iterator[tuple[int, ...]]:
    if not options:
        if total == 0:
            yield ()
        return
    rest_min = sum(min(o) for o in options[1:])
    rest_max = sum(max(o) for o in options[1:])
    for v in options[0]:
        if rest_min <= total - v <= rest_max:
            for tail in _enum(total - v, options[1:]):
                yield (v, *tail)


def brute_force_rules(problem: bs.Problem, method: str) -> float | None:
    """Optimal objective (deviation + county penalty) under the rules, by enumeration."""
    model = RuleModel(problem, method)
    if any(not v for v in model.values) or any(not v for v in model.m_values):
        return None
    rows = model.rows
    m_options = sorted(
        (_cost(model.method, mv, model.tm), mv)
        for mv in _enum(problem.minors_total, model.m_values)
        if model.m_ok(mv)
    )
    best = None
    for x in _enum(problem.total, model.values):
        if not model.x_ok(x):
            continue
        cx = _cost(model.method, x, model.tx) + model.penalty(x)
        for cm, mv in m_options:
            if all(mv[j] <= x[row] for j, row in enumerate(rows)):
                if best is None or cx + cm < best:
                    best = cx + cm
                break
    return best
