"""The process rules (granularity, minimums, minors hosts, county totals): sets, diagnosis,
verification. The integer program itself is in :mod:`busetting.solvers.milp`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from busetting.criteria import Key
from busetting.diagnose import Bounds, count_noun
from busetting.exceptions import SolverError
from busetting.model import Problem
from busetting.result import Shortfall
from busetting.solvers.milp import RuleSpec
from busetting.solvers.sets import VarSets

__all__ = ["RulePlan", "diagnose_rules", "plan_rules", "verify_rules"]

IntArray = NDArray[np.int64]


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
    total, minors = problem.total, problem.minors
    lower = bounds.lower
    upper = np.minimum(bounds.effective_upper(), total).astype(np.int64)
    fixed = np.array([m.fixed is not None for m in ms])
    const = fixed | bounds.zero_held | (lower >= upper)
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

    m_room = np.minimum(bounds.effective_minors_upper(), minors).astype(np.int64)
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
    total, minors = problem.total, problem.minors
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


def verify_rules(
    problem: Problem, plan: RulePlan, x: IntArray, m: IntArray, minors_rows: IntArray, solver: str
) -> None:
    """Check the rules on a solution; a violation is a SolverError naming the municipality."""
    spec, rules = plan.spec, problem.rules
    xs = spec.x_sets
    ids = problem.ids

    def fail(what: str) -> None:
        raise SolverError(f"The {solver} solution failed verification: {what}.")

    free = ~xs.const
    g = rules.granularity
    if g > 1:
        rem = x % g
        bad = np.flatnonzero(free & (rem != 0) & ~((rem == 1) & xs.offgrid))
        if len(bad):
            i = int(bad[0])
            fail(f"municipality {ids[i]} has request {int(x[i])}, not on the grid of {g}")
        off = int((free & (rem == 1)).sum())
        if off != spec.offgrid_count:
            fail(f"{off} requests are off the grid of {g}, expected {spec.offgrid_count}")
    if rules.min_request:
        bad = np.flatnonzero(free & (x > 0) & (x < rules.min_request))
        if len(bad):
            i = int(bad[0])
            fail(
                f"municipality {ids[i]} has request {int(x[i])}, below the minimum "
                f"{rules.min_request}"
            )
        if rules.min_request_all:
            bad = np.flatnonzero(free & (x == 0) & (xs.upper >= rules.min_request))
            if len(bad):
                fail(
                    f"municipality {ids[int(bad[0])]} has request 0, but every municipality "
                    f"must get at least {rules.min_request}"
                )
    mm = m[minors_rows] if len(minors_rows) else m[:0]
    if rules.minors_min_group:  # minors held by their bounds are exempt, like fixed requests
        bad = np.flatnonzero((mm > 0) & (mm < rules.minors_min_group) & ~spec.m_sets.const)
        if len(bad):
            i = int(minors_rows[int(bad[0])])
            fail(
                f"municipality {ids[i]} has {int(m[i])} minors, below the group of "
                f"{rules.minors_min_group}"
            )
    if rules.max_minors_hosts is not None:
        count = int((m > 0).sum())
        if count > rules.max_minors_hosts or (
            rules.exact_minors_hosts and count != rules.max_minors_hosts
        ):
            fail(f"{count} municipalities host minors, the limit is {rules.max_minors_hosts}")
    if rules.county_totals is not None and rules.county_penalty is None:
        for gid, name in enumerate(plan.counties):
            got = int(x[spec.county == gid].sum())
            if got != spec.county_totals[gid]:
                fail(f"{name} gets {got:,}, not its total {spec.county_totals[gid]:,}")


def elastic_diagnosis(
    problem: Problem, plan: RulePlan, minors_rows: IntArray, backend: str
) -> tuple[Shortfall, ...]:
    """Solve the elastic program (every joining rule may be violated at a unit cost) and list
    the rule groups it had to violate, with the amounts: a smallest set of groups to relax."""
    import pulp

    from busetting.solvers.milp import _make_backend

    spec = plan.spec
    xs, msets = spec.x_sets, spec.m_sets
    prob = pulp.LpProblem("busetting_elastic", pulp.LpMinimize)
    slack: dict[str, tuple[Any, Any]] = {}
    x = []
    off = []
    for i in range(len(xs.lower)):
        if xs.const[i]:
            x.append(int(xs.lower[i]))
            continue
        v = prob.add_variable(
            f"x_{i}",
            lowBound=0 if xs.zero_ok[i] else int(xs.lo_p[i]),
            upBound=int(xs.upper[i]),
            cat=pulp.LpInteger,
        )
        if xs.grid[i] > 1:
            y = prob.add_variable(f"y_{i}", lowBound=0, cat=pulp.LpInteger)
            if xs.offgrid:
                e = prob.add_variable(f"e_{i}", lowBound=0, upBound=1, cat=pulp.LpInteger)
                off.append(e)
                prob += v == int(xs.grid[i]) * y + e
            else:
                prob += v == int(xs.grid[i]) * y
        if xs.zero_ok[i]:
            w = prob.add_variable(f"w_{i}", lowBound=0, upBound=1, cat=pulp.LpInteger)
            prob += v >= int(xs.lo_p[i]) * w
            prob += v <= int(xs.upper[i]) * w
        x.append(v)
    m = []
    hosts = []
    for j in range(len(msets.lower)):
        if msets.const[j]:
            m.append(0)
            continue
        v = prob.add_variable(f"m_{j}", lowBound=0, upBound=int(msets.upper[j]), cat=pulp.LpInteger)
        h = prob.add_variable(f"h_{j}", lowBound=0, upBound=1, cat=pulp.LpInteger)
        prob += v >= max(int(msets.lo_p[j]), 1) * h
        prob += v <= int(msets.upper[j]) * h
        if not msets.zero_ok[j]:
            prob += h == 1
        hosts.append(h)
        m.append(v)

    def elastic(name: str, expr: Any, rhs: int, sense: str = "==") -> None:
        plus = prob.add_variable(f"sp_{len(slack)}", lowBound=0)
        minus = prob.add_variable(f"sm_{len(slack)}", lowBound=0)
        slack[name] = (plus, minus)
        if sense == "==":
            prob.addConstraint(expr + minus - plus == rhs)
        else:
            prob.addConstraint(expr - plus <= rhs)

    elastic("requests total", pulp.lpSum(x), problem.total)
    if spec.offgrid_count:
        elastic("granularity", pulp.lpSum(off), spec.offgrid_count)
    if spec.county_penalty is None:
        for gid, name in enumerate(plan.counties):
            rows = np.flatnonzero(spec.county == gid).tolist()
            elastic(name, pulp.lpSum(x[i] for i in rows), spec.county_totals[gid])
    if problem.minors:
        elastic("minors total", pulp.lpSum(m), problem.minors)
        if spec.max_hosts is not None:
            elastic(
                "minors hosts",
                pulp.lpSum(hosts),
                spec.max_hosts,
                "==" if spec.exact_hosts else "<=",
            )
        for j, row in enumerate(minors_rows.tolist()):
            if not (isinstance(m[j], int) and isinstance(x[row], int)):
                prob += m[j] <= x[row]
    prob += pulp.lpSum(p + q for p, q in slack.values())
    prob.solve(_make_backend(backend, 60.0))
    out = []
    for name, (p, q) in slack.items():
        over = round(p.varValue or 0.0)
        under = round(q.varValue or 0.0)
        # expr + under - over == rhs: "under" means the total cannot be reached
        if over:
            out.append(Shortfall("elastic", f"{name} must be raised by {over:,}", over, 0))
        if under:
            out.append(Shortfall("elastic", f"{name} must be lowered by {under:,}", under, 0))
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
