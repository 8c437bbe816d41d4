"""The integer program (PuLP; CBC or HiGHS): the general engine.

Variables ``x_i`` (requests) and ``m_j`` (minors, eligible municipalities only) are integers;
each has an epigraph variable ``z`` bounded below by the chords of its convex deviation
between consecutive integers,

    z_i >= f_i(k) + (f_i(k+1) - f_i(k)) (x_i - k),   k = a_i, ..., b_i - 1,

so ``z_i = f_i(x_i)`` at every integer point and the program is a pure MILP:

    min  sum_i z_i + sum_j w_j
    s.t. sum_i x_i = N,  sum_j m_j = M,  m_j <= x_j,
         l_i <= a_i <= x_i <= b_i <= u_i,  0 <= m_j <= min(minors capacity, u_j).

The window ``[a_i, b_i]`` starts a few units around a near-optimal point and is widened and
re-solved whenever the solution touches an edge that is not a real bound. For these
constraints (a transportation structure, totally unimodular) an optimum of the windowed
program that touches no artificial edge admits no improving unit exchange, so it is optimal
for the whole program. Gaps are set to 0: nothing is reported optimal that is not.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from busetting.exceptions import SolverError
from busetting.methods import Method, objective_increment
from busetting.result import Status
from busetting.solvers import cbc_path, solver_version

__all__ = ["INTEGRALITY_TOLERANCE", "KeySpec", "MilpOutcome", "solve_milp"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

INTEGRALITY_TOLERANCE = 1e-6
"""A solver value further than this from an integer is a solver error, never rounded."""
WINDOW = 2
"""Initial half-width of the chord window around the starting point."""
MAX_WIDENINGS = 12


@dataclass(frozen=True)
class KeySpec:
    """One key of the program: targets, bounds (effective) and its total."""

    method: Method
    targets: FloatArray
    lower: IntArray
    upper: IntArray
    total: int


@dataclass(frozen=True)
class MilpOutcome:
    """What the integer program returned (values already rounded and integrality-checked)."""

    status: Status
    x: IntArray | None
    m: IntArray | None
    message: str
    solver_version: str
    solves: int


@functools.cache
def _silence_highs_banner() -> None:
    """HiGHS prints a banner from C++ on its first construction; send that one to /dev/null.

    The library never prints: the first ``Highs()`` of the process is made with file
    descriptor 1 pointed at the null device (C buffers flushed before it is restored).
    """
    import ctypes

    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        highspy.Highs()  # type: ignore[no-untyped-call]
        with contextlib.suppress(OSError, AttributeError):  # no C library handle
            ctypes.CDLL(None).fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _make_backend(backend: str, time_limit: float | None) -> object:
    import pulp

    if backend == "cbc":
        path = cbc_path()
        if path is None:
            raise SolverError(
                "The CBC solver is not available: PuLP's bundled CBC binary is missing or not "
                "executable and no `cbc` is on the PATH. Reinstall pulp "
                "(`pip install --force-reinstall pulp`) or use solver='highs'."
            )
        return pulp.COIN_CMD(
            path=path, msg=False, gapRel=0.0, gapAbs=0.0, timeLimit=time_limit, threads=1
        )
    if backend == "highs":
        try:
            import highspy  # noqa: F401
        except ImportError:
            raise SolverError(
                "The HiGHS solver needs the highspy package. Install it with "
                "`pip install \"busetting[highs]\"` or use solver='cbc'."
            ) from None
        _silence_highs_banner()
        return pulp.HiGHS(
            msg=False,
            gapRel=0.0,
            gapAbs=0.0,
            timeLimit=time_limit,
            threads=1,
            mip_feasibility_tolerance=1e-9,
        )
    raise ValueError(f"unknown MILP backend {backend!r}")  # pragma: no cover


def _window(
    start: IntArray, lower: IntArray, upper: IntArray, half: IntArray
) -> tuple[IntArray, IntArray]:
    a = np.maximum(lower, start - half)
    b = np.minimum(upper, np.maximum(start, lower) + half)
    return a.astype(np.int64), np.maximum(a, b).astype(np.int64)


def solve_milp(
    requests: KeySpec,
    minors: KeySpec,
    minors_rows: IntArray,
    *,
    backend: str,
    time_limit: float | None,
    start_x: IntArray,
    start_m: IntArray,
    window: int | None = WINDOW,
) -> MilpOutcome:
    """Solve the coupled program; ``window=None`` uses the whole range of every variable."""
    import pulp

    deadline = None if time_limit is None else time.perf_counter() + time_limit
    version = solver_version(backend)
    # No variable can exceed its key's total, which bounds the "whole range".
    x_up = np.minimum(requests.upper, requests.total).astype(np.int64)
    m_up = np.minimum(minors.upper, minors.total).astype(np.int64)
    if window is None:
        hx = np.full(len(x_up), max(1, requests.total), dtype=np.int64)
        hm = np.full(len(m_up), max(1, minors.total), dtype=np.int64)
    else:
        hx = np.full(len(x_up), window, dtype=np.int64)
        hm = np.full(len(m_up), window, dtype=np.int64)
    solves = 0
    while True:
        xa, xb = _window(start_x, requests.lower, x_up, hx)
        ma, mb = _window(start_m, minors.lower, m_up, hm)
        # the window of x must leave room for the minors placed in it
        if len(minors_rows):
            xb[minors_rows] = np.minimum(x_up[minors_rows], np.maximum(xb[minors_rows], mb))
        remaining = None
        if deadline is not None:
            remaining = max(0.01, deadline - time.perf_counter())
        prob, xv, mv, consistent = _build(requests, minors, minors_rows, xa, xb, ma, mb)
        solves += 1
        if consistent and not prob.variables():
            sol, text = pulp.LpSolutionOptimal, "every variable fixed by its bounds"
        elif consistent:
            solver = _make_backend(backend, remaining)
            try:
                prob.solve(solver)
            except pulp.PulpSolverError as exc:
                raise SolverError(f"{backend} failed: {exc}") from exc
            text = (
                f"{pulp.LpStatus.get(prob.status, prob.status)} / "
                f"{pulp.LpSolution.get(prob.sol_status, prob.sol_status)}"
            )
            sol = prob.sol_status
        else:
            sol, text = pulp.LpSolutionInfeasible, "the fixed values cannot meet the totals"
        if sol == pulp.LpSolutionInfeasible or (
            consistent and prob.status == pulp.LpStatusInfeasible
        ):
            if _is_full(xa, xb, requests.lower, x_up) and _is_full(ma, mb, minors.lower, m_up):
                return MilpOutcome(
                    Status.INFEASIBLE,
                    None,
                    None,
                    f"{backend} reports the program infeasible ({text})",
                    version,
                    solves,
                )
            hx, hm = hx * 4 + 1, hm * 4 + 1  # the window itself was too tight
            continue
        if sol not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            timed_out = deadline is not None and time.perf_counter() >= deadline - 1e-3
            status = Status.TIME_LIMIT if timed_out else Status.ERROR
            what = "stopped at the time limit without a solution" if timed_out else "failed"
            return MilpOutcome(status, None, None, f"{backend} {what} ({text})", version, solves)
        x = _values(xv, xa)
        m = _values(mv, ma)
        if sol == pulp.LpSolutionIntegerFeasible:
            return MilpOutcome(
                Status.TIME_LIMIT,
                x,
                m,
                f"{backend} stopped at the time limit with a feasible solution that is not "
                f"proven optimal ({text})",
                version,
                solves,
            )
        touch_x = ((x == xa) & (xa > requests.lower)) | ((x == xb) & (xb < x_up))
        touch_m = ((m == ma) & (ma > minors.lower)) | ((m == mb) & (mb < m_up))
        if not (touch_x.any() or touch_m.any()):
            return MilpOutcome(
                Status.OPTIMAL, x, m, f"optimal ({backend}: {text}, gap 0)", version, solves
            )
        if solves > MAX_WIDENINGS:
            hx, hm = (
                np.full_like(hx, max(1, requests.total)),
                np.full_like(hm, max(1, minors.total)),
            )
        start_x, start_m = x, m
        hx = np.where(touch_x, hx * 4, hx)
        hm = np.where(touch_m, hm * 4, hm)


def _is_full(a: IntArray, b: IntArray, lower: IntArray, upper: IntArray) -> bool:
    return bool(np.all(a <= lower) and np.all(b >= upper))


def _values(variables: list[Any], fallback: IntArray) -> IntArray:
    out = fallback.copy()
    for i, v in enumerate(variables):
        if isinstance(v, int):
            out[i] = v
            continue
        val = v.varValue
        if val is None or not math.isfinite(val):
            raise SolverError(f"the solver returned no value for {v.name}")
        r = round(val)
        if abs(val - r) > INTEGRALITY_TOLERANCE:
            raise SolverError(
                f"the solver returned a fractional value {val!r} for {v.name}; expected an "
                f"integer within {INTEGRALITY_TOLERANCE}"
            )
        out[i] = r
    return out


def _chords(prob: Any, var: Any, z: Any, method: Method, t: float, a: int, b: int) -> None:
    import pulp

    ks = np.arange(a, b, dtype=np.int64)
    g = objective_increment(method, ks, np.full(len(ks), t))
    f = np.concatenate(([0.0], np.cumsum(g)))
    for j, k in enumerate(ks.tolist()):
        prob += (
            pulp.LpAffineExpression([(z, 1.0), (var, -float(g[j]))])
            >= float(f[j]) - float(g[j]) * k
        )


def _build(
    requests: KeySpec,
    minors: KeySpec,
    minors_rows: IntArray,
    xa: IntArray,
    xb: IntArray,
    ma: IntArray,
    mb: IntArray,
) -> tuple[Any, list[Any], list[Any], bool]:
    import pulp

    prob = pulp.LpProblem("busetting", pulp.LpMinimize)
    objective = []
    xv: list[Any] = []
    for i in range(len(xa)):
        a, b = int(xa[i]), int(xb[i])
        if a == b:
            xv.append(a)
            continue
        v = prob.add_variable(f"x_{i}", lowBound=a, upBound=b, cat=pulp.LpInteger)
        z = prob.add_variable(f"zx_{i}")
        _chords(prob, v, z, requests.method, float(requests.targets[i]), a, b)
        objective.append(z)
        xv.append(v)
    mv: list[Any] = []
    for j in range(len(ma)):
        a, b = int(ma[j]), int(mb[j])
        if a == b:
            mv.append(a)
            continue
        v = prob.add_variable(f"m_{j}", lowBound=a, upBound=b, cat=pulp.LpInteger)
        z = prob.add_variable(f"zm_{j}")
        _chords(prob, v, z, minors.method, float(minors.targets[j]), a, b)
        objective.append(z)
        mv.append(v)
    prob += pulp.lpSum(objective) if objective else pulp.LpAffineExpression(constant=0.0)
    # Rows without variables are checked here, not sent (CBC rejects empty rows).
    feasible = _add_sum(prob, xv, requests.total, "total")
    if len(mv):
        feasible &= _add_sum(prob, mv, minors.total, "minors_total")
        for j, row in enumerate(minors_rows.tolist()):
            mj, xi = mv[j], xv[row]
            if isinstance(mj, int) and isinstance(xi, int):
                feasible &= mj <= xi
                continue
            prob += mj <= xi, f"minors_within_{j}"
    return prob, xv, mv, feasible


def _add_sum(prob: Any, variables: list[Any], total: int, name: str) -> bool:
    import pulp

    constant = sum(v for v in variables if isinstance(v, int))
    free = [v for v in variables if not isinstance(v, int)]
    if not free:
        return constant == total
    prob += pulp.lpSum(free) == total - constant, name
    return True
