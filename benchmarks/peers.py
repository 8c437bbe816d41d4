"""Peer formulations for the benchmarks: what an analyst would write by hand."""

from __future__ import annotations

import numpy as np


def naive_pulp_l1(
    targets: np.ndarray, upper: np.ndarray, total: int, solver: str = "cbc"
) -> np.ndarray:
    """min sum |x - t| with PuLP: x integer, two slacks per municipality."""
    import pulp

    from busetting._solvers import cbc_path

    prob = pulp.LpProblem("naive_l1", pulp.LpMinimize)
    n = len(targets)
    x = [prob.add_variable(f"x{i}", 0, int(min(upper[i], total)), pulp.LpInteger) for i in range(n)]
    p = [prob.add_variable(f"p{i}", 0) for i in range(n)]
    q = [prob.add_variable(f"q{i}", 0) for i in range(n)]
    prob += pulp.lpSum(p) + pulp.lpSum(q)
    for i in range(n):
        prob += x[i] - float(targets[i]) == p[i] - q[i]
    prob += pulp.lpSum(x) == total
    backend = (
        pulp.COIN_CMD(path=cbc_path(), msg=False, gapRel=0, gapAbs=0)
        if solver == "cbc"
        else pulp.HiGHS(msg=False, gapRel=0)
    )
    prob.solve(backend)
    return np.array([round(v.varValue) for v in x], dtype=np.int64)


def naive_pulp_webster(targets: np.ndarray, upper: np.ndarray, total: int) -> np.ndarray:
    """min sum (x - t)^2 / t with PuLP as unit segments over the whole range (the textbook
    piecewise-linear formulation)."""
    import pulp

    from busetting._solvers import cbc_path

    prob = pulp.LpProblem("naive_webster", pulp.LpMinimize)
    terms = []
    xs = []
    for i, t in enumerate(targets.tolist()):
        top = int(min(upper[i], total, max(2 * t + 10, t + 50)))
        segs = [prob.add_variable(f"s{i}_{k}", 0, 1) for k in range(top)]
        terms.extend(((2 * k + 1) / t) * s for k, s in enumerate(segs))
        x = prob.add_variable(f"x{i}", 0, top, pulp.LpInteger)
        prob += x == pulp.lpSum(segs)
        xs.append(x)
    prob += pulp.lpSum(terms)
    prob += pulp.lpSum(xs) == total
    prob.solve(pulp.COIN_CMD(path=cbc_path(), msg=False, gapRel=0, gapAbs=0))
    return np.array([round(v.varValue) for v in xs], dtype=np.int64)


def scipy_milp_l1(targets: np.ndarray, upper: np.ndarray, total: int) -> np.ndarray:
    """min sum |x - t| with scipy.optimize.milp (HiGHS): variables [x, p, q]."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix, hstack, identity

    n = len(targets)
    c = np.concatenate([np.zeros(n), np.ones(2 * n)])
    eye = identity(n, format="csr")
    rows = hstack([eye, -eye, eye], format="csr")  # x - p + q = t
    total_row = csr_matrix(np.concatenate([np.ones(n), np.zeros(2 * n)]))
    cons = [LinearConstraint(rows, targets, targets), LinearConstraint(total_row, total, total)]
    ub = np.concatenate([np.minimum(upper, total).astype(float), np.full(2 * n, np.inf)])
    integrality = np.concatenate([np.ones(n), np.zeros(2 * n)])
    res = milp(
        c,
        constraints=cons,
        integrality=integrality,
        bounds=Bounds(np.zeros(3 * n), ub),
        options={"mip_rel_gap": 0},
    )
    return np.round(res.x[:n]).astype(np.int64)
