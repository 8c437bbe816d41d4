"""The process rules (granularity, minimums, minors hosts, county totals): sets, diagnosis,
verification. The integer program itself is in :mod:`busetting._solvers.milp`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from busetting._criteria import Key
from busetting._diagnose import Bounds, count_noun
from busetting._model import Problem
from busetting._solvers.milp import RuleSpec, elastic_rules_milp
from busetting._solvers.sets import VarSets
from busetting._status import Shortfall

__all__ = ["RulePlan", "diagnose_rules", "elastic_diagnosis", "plan_rules"]

IntArray = NDArray[np.int64]

ELASTIC_TIME_LIMIT = 60.0
"""Seconds allowed to the elastic program of the diagnosis when the solve had no time limit."""


def _fmt(n: int) -> str:
    return f"{n:,}"


@dataclass(frozen=True)
class RulePlan:
    """Everything the rules need: the spec for the program and names for messages."""

    spec: RuleSpec
    counties: tuple[str, ...]  # county group id -> name


def plan_rules(problem: Problem, key: Key, mkey: Key, bounds: Bounds) -> RulePlan:
    """Per-variable sets and joining rules of ``problem`` for the integer program."""
    rules = problem.rules
    x_sets, offgrid_count = _request_sets(problem, bounds)
    names = tuple(sorted(rules.county_totals)) if rules.county_totals else ()
    index = {c: i for i, c in enumerate(names)}
    county = np.array([index.get(m.county, -1) for m in problem.municipalities], dtype=np.int64)
    totals = {index[c]: t for c, t in (rules.county_totals or {}).items()}
    spec = RuleSpec(
        x_sets,
        _minors_sets(problem, bounds, x_sets),
        offgrid_count,
        county,
        totals,
        rules.county_penalty,
        rules.max_minors_hosts,
        rules.exact_minors_hosts,
    )
    return RulePlan(spec, names)


def _request_sets(problem: Problem, bounds: Bounds) -> tuple[VarSets, int]:
    """The allowed values of each request, and how many requests must be one above the grid
    (the need left after held values modulo the granularity)."""
    rules, total = problem.rules, problem.total
    lower = bounds.lower
    top = bounds.effective_upper()
    upper = np.minimum(top, total).astype(np.int64)
    fixed = np.array([m.fixed is not None for m in problem.municipalities])
    # held (exempt from the rules): fixed, a divisor method's zero target, or a lower bound
    # that reaches the upper bound (min == max or a cap). A min equal to the need is not held.
    const = fixed | bounds.zero_held | (lower >= top)
    held = np.where(const, np.minimum(lower, np.maximum(upper, lower)), lower).astype(np.int64)
    g = rules.granularity
    grid = np.where(const, 1, g).astype(np.int64)
    rest = total - int(held[const].sum())
    offgrid_count = rest % g if g > 1 else 0
    kmin = np.where(const, 0, rules.min_request).astype(np.int64)
    zero_ok = ~const & (kmin > 0) & (lower == 0)
    if rules.min_request_all:
        zero_ok &= upper < kmin
    lo_p = np.maximum(held, kmin).astype(np.int64)
    upper_p = np.where(const, held, upper).astype(np.int64)
    return VarSets(held, upper_p, lo_p, grid, offgrid_count > 0, zero_ok, const), int(offgrid_count)


def _minors_sets(problem: Problem, bounds: Bounds, x_sets: VarSets) -> VarSets:
    """The allowed minors of each eligible municipality: their bounds, the minors need and
    the largest allowed request, and the minimum group where a host must take one."""
    rules = problem.rules
    reach = np.maximum(x_sets.largest()[bounds.minors_rows], 0)
    m_room = np.minimum(np.minimum(bounds.effective_minors_upper(), problem.minors_total), reach)
    m_room = m_room.astype(np.int64)
    m_low = bounds.minors_lower
    kg = rules.minors_min_group
    can_host = m_room >= np.maximum(max(kg, 1), m_low)
    m_const = ~can_host | (m_low >= m_room)
    m_upper = np.where(m_const, m_low, m_room).astype(np.int64)
    m_zero = ~m_const & (m_low == 0) & (kg > 0) & (not rules.minors_min_group_all)
    if rules.max_minors_hosts is not None and not rules.minors_min_group_all:
        m_zero = ~m_const & (m_low == 0)
    floor_m = max(kg, 1) if rules.max_minors_hosts is not None else kg
    m_lo_p = np.where(m_const, m_low, np.maximum(m_low, floor_m)).astype(np.int64)
    return VarSets(
        m_low.astype(np.int64),
        m_upper,
        m_lo_p,
        np.ones(len(m_room), dtype=np.int64),
        False,
        np.asarray(m_zero, dtype=bool),
        m_const,
    )


def diagnose_rules(problem: Problem, plan: RulePlan, bounds: Bounds) -> tuple[Shortfall, ...]:
    """Every rule group that cannot hold, with the amount short (checked before solving).

    A municipality with no allowed value is reported alone; otherwise every sum that cannot
    be met: the national need, the off-grid count, the county totals and the minors."""
    xs = plan.spec.x_sets
    small, large = xs.smallest(), xs.largest()
    found = _unreachable(problem, plan, bounds, small, large)
    if found:
        return found
    return (
        *_need_shortfalls(problem, small, large),
        *_granularity_shortfalls(problem, plan),
        *_county_shortfalls(problem, plan, small, large),
        *_minors_shortfalls(problem, plan),
    )


def _unreachable(
    problem: Problem, plan: RulePlan, bounds: Bounds, small: IntArray, large: IntArray
) -> tuple[Shortfall, ...]:
    """Municipalities with no allowed request, and minors floors above the largest request."""
    out: list[Shortfall] = []
    rules, ms, total = problem.rules, problem.municipalities, problem.total
    for i in np.flatnonzero(small < 0).tolist():
        m = ms[i]
        out.append(
            Shortfall(
                "requests",
                f"requests: {m.municipality_id} {m.name} has no allowed request between "
                f"{int(bounds.lower[i])} and {_upper_text(int(bounds.upper[i]), total)} "
                f"({', '.join(rules.describe())})",
                1,
                0,
            )
        )
    m_small = plan.spec.m_sets.smallest()
    for j, i in enumerate(np.flatnonzero([m.minors_eligible for m in ms]).tolist()):
        if m_small[j] > max(int(large[i]), 0):
            m = ms[i]
            out.append(
                Shortfall(
                    "minors",
                    f"minors: {m.municipality_id} {m.name} must take at least {int(m_small[j])} "
                    f"minors ({', '.join(rules.describe())}), but its largest allowed request "
                    f"is {max(int(large[i]), 0)}",
                    int(m_small[j]),
                    max(int(large[i]), 0),
                )
            )
    return tuple(out)


def _need_shortfalls(problem: Problem, small: IntArray, large: IntArray) -> tuple[Shortfall, ...]:
    """The smallest and largest allowed requests against the national need."""
    out: list[Shortfall] = []
    total, what = problem.total, ", ".join(problem.rules.describe())
    s_lo, s_hi = int(small.sum()), int(large.sum())
    if s_lo > total:
        out.append(
            Shortfall(
                "requests",
                f"requests: the smallest allowed requests ({what}) sum to {_fmt(s_lo)}, "
                f"{_fmt(s_lo - total)} more than the need of {_fmt(total)}",
                total,
                s_lo,
            )
        )
    if s_hi < total:
        out.append(
            Shortfall(
                "requests",
                f"requests: the largest allowed requests ({what}) sum to {_fmt(s_hi)}, "
                f"{_fmt(total - s_hi)} short of the need of {_fmt(total)}",
                total,
                s_hi,
            )
        )
    return tuple(out)


def _granularity_shortfalls(problem: Problem, plan: RulePlan) -> tuple[Shortfall, ...]:
    """Too few municipalities able to take a request one above the grid."""
    spec, g = plan.spec, problem.rules.granularity
    if not spec.offgrid_count:
        return ()
    xs = spec.x_sets
    able = int(((xs.grid > 1) & ~xs.const & (xs.upper >= 1)).sum())
    if able >= spec.offgrid_count:
        return ()
    return (
        Shortfall(
            "granularity",
            f"granularity: the need left after fixed values is not a multiple of {g}, so "
            f"{spec.offgrid_count} requests must be one above a multiple of {g}, but only "
            f"{count_noun(able, 'municipality')} can take one",
            spec.offgrid_count,
            able,
        ),
    )


def _county_shortfalls(
    problem: Problem, plan: RulePlan, small: IntArray, large: IntArray
) -> tuple[Shortfall, ...]:
    """Hard county totals out of their municipalities' reach, and the rest of the need."""
    rules, spec = problem.rules, plan.spec
    if rules.county_totals is None or rules.county_penalty is not None:
        return ()
    present = {m.county for m in problem.municipalities}
    out = [
        found
        for gid, name in enumerate(plan.counties)
        if (found := _county_shortfall(name, name in present, spec, gid, small, large))
    ]
    rest = _rest_shortfall(problem.total, spec, small, large)
    return (*out, *rest)


def _county_shortfall(
    name: str, present: bool, spec: RuleSpec, gid: int, small: IntArray, large: IntArray
) -> Shortfall | None:
    rows = spec.county == gid
    target = spec.county_totals[gid]
    c_lo, c_hi = int(small[rows].sum()), int(large[rows].sum())
    if not present:
        return Shortfall(
            "county",
            f"{name}: recommended {_fmt(target)} but the county has no municipality",
            target,
            0,
        )
    if c_hi < target:
        return Shortfall(
            "county",
            f"{name}: recommended {_fmt(target)} but its municipalities' "
            f"capacities sum to {_fmt(c_hi)} ({_fmt(target - c_hi)} short)",
            target,
            c_hi,
        )
    if c_lo > target:
        return Shortfall(
            "county",
            f"{name}: recommended {_fmt(target)} but its municipalities' smallest "
            f"allowed requests sum to {_fmt(c_lo)} ({_fmt(c_lo - target)} over)",
            target,
            c_lo,
        )
    return None


def _rest_shortfall(
    total: int, spec: RuleSpec, small: IntArray, large: IntArray
) -> tuple[Shortfall, ...]:
    """What the county totals leave for the rest: for nobody, or out of the rest's reach."""
    covered = spec.county >= 0
    left = total - sum(spec.county_totals.values())
    if covered.all():
        if left == 0:
            return ()
        word = "short of" if left > 0 else "more than"
        return (
            Shortfall(
                "county",
                f"county totals sum to {_fmt(total - left)}, {_fmt(abs(left))} {word} the need "
                f"of {_fmt(total)}",
                total,
                total - left,
            ),
        )
    r_lo, r_hi = int(small[~covered].sum()), int(large[~covered].sum())
    if r_lo <= left <= r_hi:
        return ()
    return (
        Shortfall(
            "county",
            f"the municipalities outside the county totals must take {_fmt(left)} but "
            f"can take {_fmt(r_lo)} to {_fmt(r_hi)}",
            left,
            r_hi if left > r_hi else r_lo,
        ),
    )


def _minors_shortfalls(problem: Problem, plan: RulePlan) -> tuple[Shortfall, ...]:
    """The minors floors, the host limit and the room for minors against the minors need."""
    if problem.minors_total <= 0:
        return ()
    msets = plan.spec.m_sets
    room = np.where(msets.const, msets.lower, msets.upper)
    out = list(_minors_floor(problem, plan))
    if problem.rules.max_minors_hosts is not None:
        out.extend(_host_shortfalls(problem, plan, room, problem.rules.max_minors_hosts))
    elif int(room.sum()) < problem.minors_total:
        minors, have = problem.minors_total, int(room.sum())
        out.append(
            Shortfall(
                "minors",
                f"minors: the municipalities that can take a group of "
                f"{max(problem.rules.minors_min_group, 1)} have room for {_fmt(have)}, "
                f"{_fmt(minors - have)} short of the minors need of {_fmt(minors)}",
                minors,
                have,
            )
        )
    return tuple(out)


def _minors_floor(problem: Problem, plan: RulePlan) -> tuple[Shortfall, ...]:
    """The minors that must be placed (held values and minimum groups) above the need."""
    msets, minors = plan.spec.m_sets, problem.minors_total
    must = ~msets.const & ~msets.zero_ok
    held = int(msets.lower[msets.const].sum())
    floor_sum = int(msets.lo_p[must].sum()) + held
    if floor_sum <= minors:
        return ()
    if held == 0:
        text = (
            f"minors: {count_noun(int(must.sum()), 'municipality')} must each get at least "
            f"{problem.rules.minors_min_group} minors ({_fmt(floor_sum)} in all), "
        )
    else:
        text = (
            "minors: the minors that must be placed (held values and groups) sum to "
            f"{_fmt(floor_sum)}, "
        )
    text += f"{_fmt(floor_sum - minors)} more than the minors need of {_fmt(minors)}"
    return (Shortfall("minors", text, minors, floor_sum),)


def _host_shortfalls(
    problem: Problem, plan: RulePlan, room: IntArray, hosts: int
) -> list[Shortfall]:
    """The limit of ``hosts`` minors hosts: room in the largest hosts, forced hosts, exact
    count, and the groups the hosts must take."""
    rules, msets, minors = problem.rules, plan.spec.m_sets, problem.minors_total
    out: list[Shortfall] = []
    best = int(np.sort(room)[::-1][:hosts].sum())
    if best < minors:
        out.append(
            Shortfall(
                "minors",
                f"minors: the {count_noun(hosts, 'largest minors room')} sum to {_fmt(best)}, "
                f"{_fmt(minors - best)} short of the minors need of {_fmt(minors)}",
                minors,
                best,
            )
        )
    forced = int((msets.smallest() > 0).sum())
    if forced > hosts:
        out.append(
            Shortfall(
                "minors",
                f"minors: {count_noun(forced, 'municipality')} must take minors (minors_min or "
                f"every eligible one), more than the limit of {hosts} hosts",
                hosts,
                forced,
            )
        )
    possible = int((~msets.const | (msets.lower > 0)).sum())
    if rules.exact_minors_hosts and possible < hosts:
        out.append(
            Shortfall(
                "minors",
                f"minors: exactly {hosts} hosts asked but only "
                f"{count_noun(possible, 'municipality')} can take a group",
                hosts,
                possible,
            )
        )
    must = ~msets.const & ~msets.zero_ok
    need_groups = hosts if rules.exact_minors_hosts else int(must.sum())
    group = max(rules.minors_min_group, 1)
    if need_groups * group > minors:
        out.append(
            Shortfall(
                "minors",
                f"minors: {need_groups} hosts with groups of at least {group} need "
                f"{_fmt(need_groups * group)}, more than the minors need of {_fmt(minors)}",
                minors,
                need_groups * group,
            )
        )
    return out


def _upper_text(u: int, total: int) -> str:
    return "no maximum" if u >= total else str(u)


def elastic_diagnosis(
    problem: Problem,
    plan: RulePlan,
    minors_rows: IntArray,
    backend: str,
    time_limit: float | None = None,
) -> tuple[Shortfall, ...]:
    """Solve the elastic program (the rules program of the solve, with every joining row —
    the totals, the off-grid count, hard county totals, the host limit — allowed to be
    violated at a unit cost) and list the rule groups it had to violate, with the amounts: a
    smallest total relaxation."""
    found = elastic_rules_milp(
        plan.spec,
        problem.total,
        problem.minors_total,
        minors_rows,
        plan.counties,
        tuple(f"{m.municipality_id} {m.name}" for m in problem.municipalities),
        backend=backend,
        time_limit=ELASTIC_TIME_LIMIT if time_limit is None else time_limit,
    )
    out = []
    for name, raise_by, lower_by in found:
        if raise_by:
            out.append(Shortfall("elastic", f"{name} must be raised by {raise_by:,}", raise_by, 0))
        if lower_by:
            out.append(Shortfall("elastic", f"{name} must be lowered by {lower_by:,}", lower_by, 0))
    if not out:
        out.append(
            Shortfall(
                "elastic",
                "no single rule group explains it; the combination of per-municipality rules does",
                0,
                0,
            )
        )
    return tuple(out)
