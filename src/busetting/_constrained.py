"""The process rules (granularity, minimums, minors hosts, county totals): sets, diagnosis,
verification. The integer program itself is in :mod:`busetting._solvers.milp`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from busetting._criteria import Key
from busetting._diagnose import Bounds, count_noun
from busetting._model import Problem
from busetting._solvers.milp import RuleSpec
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
    ms = problem.municipalities
    total, minors = problem.total, problem.minors_total
    lower = bounds.lower
    top = bounds.effective_upper()
    upper = np.minimum(top, total).astype(np.int64)
    fixed = np.array([m.fixed is not None for m in ms])
    # held (exempt from the rules): fixed, a divisor method's zero target, or a lower bound
    # that reaches the upper bound (min == max or a cap). A min equal to the need is not held.
    const = fixed | bounds.zero_held | (lower >= top)
    held = np.where(const, np.minimum(lower, np.maximum(upper, lower)), lower).astype(np.int64)
    g = rules.granularity
    grid = np.where(const, 1, g).astype(np.int64)
    rest = total - int(held[const].sum())
    offgrid_count = rest % g if g > 1 else 0
    k = rules.min_request
    kmin = np.where(const, 0, k).astype(np.int64)
    if rules.min_request_all:
        zero_ok = ~const & (kmin > 0) & (lower == 0) & (upper < kmin)
    else:
        zero_ok = ~const & (kmin > 0) & (lower == 0)
    lo_p = np.maximum(held, kmin).astype(np.int64)
    x_sets = VarSets(
        held,
        np.where(const, held, upper).astype(np.int64),
        lo_p,
        grid,
        offgrid_count > 0,
        zero_ok,
        const,
    )

    # the room for minors: their bounds, the minors need and the largest allowed request
    reach = np.maximum(x_sets.largest()[bounds.minors_rows], 0)
    m_room = np.minimum(np.minimum(bounds.effective_minors_upper(), minors), reach).astype(np.int64)
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
    m_sets = VarSets(
        m_low.astype(np.int64),
        m_upper,
        m_lo_p,
        np.ones(len(m_room), dtype=np.int64),
        False,
        np.asarray(m_zero, dtype=bool),
        m_const,
    )

    names = tuple(sorted(rules.county_totals)) if rules.county_totals else ()
    index = {c: i for i, c in enumerate(names)}
    county = np.array([index.get(m.county, -1) for m in ms], dtype=np.int64)
    totals = {index[c]: t for c, t in (rules.county_totals or {}).items()}
    spec = RuleSpec(
        x_sets,
        m_sets,
        int(offgrid_count),
        county,
        totals,
        rules.county_penalty,
        rules.max_minors_hosts,
        rules.exact_minors_hosts,
    )
    return RulePlan(spec, names)


def diagnose_rules(problem: Problem, plan: RulePlan, bounds: Bounds) -> tuple[Shortfall, ...]:
    """Every rule group that cannot hold, with the amount short (checked before solving)."""
    out: list[Shortfall] = []
    spec, rules = plan.spec, problem.rules
    xs, msets = spec.x_sets, spec.m_sets
    ms = problem.municipalities
    total, minors = problem.total, problem.minors_total
    small, large = xs.smallest(), xs.largest()
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
    m_small = msets.smallest()
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
    if out:
        return tuple(out)
    s_lo, s_hi = int(small.sum()), int(large.sum())
    what = ", ".join(rules.describe())
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
    if spec.offgrid_count:
        able = int(((xs.grid > 1) & ~xs.const & (xs.upper >= 1)).sum())
        if able < spec.offgrid_count:
            out.append(
                Shortfall(
                    "granularity",
                    f"granularity: the need left after fixed values is not a multiple of "
                    f"{rules.granularity}, so {spec.offgrid_count} requests must be one above a "
                    f"multiple of {rules.granularity}, but only {count_noun(able, 'municipality')} "
                    "can take one",
                    spec.offgrid_count,
                    able,
                )
            )
    if rules.county_totals is not None and rules.county_penalty is None:
        county_names = {m.county for m in ms}
        for gid, name in enumerate(plan.counties):
            rows = spec.county == gid
            target = spec.county_totals[gid]
            c_lo, c_hi = int(small[rows].sum()), int(large[rows].sum())
            if name not in county_names:
                out.append(
                    Shortfall(
                        "county",
                        f"{name}: recommended {_fmt(target)} but the county has no municipality",
                        target,
                        0,
                    )
                )
            elif c_hi < target:
                out.append(
                    Shortfall(
                        "county",
                        f"{name}: recommended {_fmt(target)} but its municipalities' "
                        f"capacities sum to {_fmt(c_hi)} ({_fmt(target - c_hi)} short)",
                        target,
                        c_hi,
                    )
                )
            elif c_lo > target:
                out.append(
                    Shortfall(
                        "county",
                        f"{name}: recommended {_fmt(target)} but its municipalities' smallest "
                        f"allowed requests sum to {_fmt(c_lo)} ({_fmt(c_lo - target)} over)",
                        target,
                        c_lo,
                    )
                )
        covered = spec.county >= 0
        left = total - sum(spec.county_totals.values())
        if covered.all() and left != 0:
            word = "short of" if left > 0 else "more than"
            out.append(
                Shortfall(
                    "county",
                    f"county totals sum to {_fmt(total - left)}, {_fmt(abs(left))} {word} the need "
                    f"of {_fmt(total)}",
                    total,
                    total - left,
                )
            )
        elif not covered.all():
            r_lo, r_hi = int(small[~covered].sum()), int(large[~covered].sum())
            if not r_lo <= left <= r_hi:
                have = r_hi if left > r_hi else r_lo
                out.append(
                    Shortfall(
                        "county",
                        f"the municipalities outside the county totals must take {_fmt(left)} but "
                        f"can take {_fmt(r_lo)} to {_fmt(r_hi)}",
                        left,
                        have,
                    )
                )
    if minors > 0:
        room = np.where(msets.const, msets.lower, msets.upper)
        must = ~msets.const & ~msets.zero_ok
        held = int(msets.lower[msets.const].sum())
        floor_sum = int(msets.lo_p[must].sum()) + held
        if floor_sum > minors and held == 0:
            out.append(
                Shortfall(
                    "minors",
                    f"minors: {count_noun(int(must.sum()), 'municipality')} must each get at least "
                    f"{rules.minors_min_group} minors ({_fmt(floor_sum)} in all), "
                    f"{_fmt(floor_sum - minors)} more than the minors need of {_fmt(minors)}",
                    minors,
                    floor_sum,
                )
            )
        elif floor_sum > minors:
            out.append(
                Shortfall(
                    "minors",
                    f"minors: the minors that must be placed (held values and groups) sum to "
                    f"{_fmt(floor_sum)}, {_fmt(floor_sum - minors)} more than the minors need of "
                    f"{_fmt(minors)}",
                    minors,
                    floor_sum,
                )
            )
        hosts = rules.max_minors_hosts
        possible = int((~msets.const | (msets.lower > 0)).sum())
        if hosts is not None:
            best = int(np.sort(room)[::-1][:hosts].sum())
            if best < minors:
                out.append(
                    Shortfall(
                        "minors",
                        f"minors: the {count_noun(hosts, 'largest minors room')} sum to "
                        f"{_fmt(best)}, {_fmt(minors - best)} short of the minors need of "
                        f"{_fmt(minors)}",
                        minors,
                        best,
                    )
                )
            forced = int((m_small > 0).sum())
            if forced > hosts:
                out.append(
                    Shortfall(
                        "minors",
                        f"minors: {count_noun(forced, 'municipality')} must take minors "
                        f"(minors_min or every eligible one), more than the limit of {hosts} hosts",
                        hosts,
                        forced,
                    )
                )
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
            need_groups = hosts if rules.exact_minors_hosts else int(must.sum())
            group = max(rules.minors_min_group, 1)
            if need_groups * group > minors:
                out.append(
                    Shortfall(
                        "minors",
                        f"minors: {need_groups} hosts with groups of at least {group} need "
                        f"{_fmt(need_groups * group)}, more than the minors need of "
                        f"{_fmt(minors)}",
                        minors,
                        need_groups * group,
                    )
                )
        elif int(room.sum()) < minors:
            out.append(
                Shortfall(
                    "minors",
                    f"minors: the municipalities that can take a group of "
                    f"{max(rules.minors_min_group, 1)} have room for {_fmt(int(room.sum()))}, "
                    f"{_fmt(minors - int(room.sum()))} short of the minors need of {_fmt(minors)}",
                    minors,
                    int(room.sum()),
                )
            )
    return tuple(out)


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
    from busetting._solvers.milp import elastic_rules_milp

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
