"""The threshold path and the integer program agree, and both equal brute force."""

from __future__ import annotations

import math

import numpy as np
import pytest
from brute import brute_force
from hypothesis import given, settings
from hypothesis import strategies as st

import busetting as bs
from busetting.testing import assert_valid_allocation
from busetting.testing.strategies import problems

METHODS = [m.value for m in bs.Method]
MILP_SOLVERS = [s for s in bs.available_solvers() if s != "threshold"]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=30)
@given(data=st.data(), method=st.sampled_from(METHODS))
def test_threshold_and_cbc_reach_the_same_objective(data: st.DataObject, method: str) -> None:
    problem = data.draw(problems(max_size=30, max_total=1_000, method=method))
    fast = bs.allocate(problem, method=method)  # threshold, or the MILP when minors couple
    milp = bs.allocate(problem, method=method, solver="cbc")
    assert fast.status == milp.status == "optimal"
    assert_valid_allocation(problem, fast)
    assert_valid_allocation(problem, milp)
    assert _close(fast.objective, milp.objective), (fast.objective, milp.objective)


@pytest.mark.skipif("highs" not in MILP_SOLVERS, reason="highspy not installed")
@settings(max_examples=15)
@given(data=st.data(), method=st.sampled_from(METHODS))
def test_highs_reaches_the_same_objective_as_cbc(data: st.DataObject, method: str) -> None:
    problem = data.draw(problems(max_size=30, max_total=1_000, method=method))
    a = bs.allocate(problem, method=method, solver="cbc")
    b = bs.allocate(problem, method=method, solver="highs")
    assert a.status == b.status == "optimal"
    assert _close(a.objective, b.objective)


@settings(max_examples=40)
@given(data=st.data(), method=st.sampled_from(METHODS))
def test_both_paths_equal_brute_force_on_tiny_problems(data: st.DataObject, method: str) -> None:
    minors = data.draw(st.booleans())
    problem = data.draw(
        problems(
            max_size=4 if minors else 5,
            max_total=14 if minors else 30,
            minors=minors,
            method=method,
        )
    )
    expected = brute_force(problem, method)
    assert expected is not None
    for solver in (None, *MILP_SOLVERS):
        alloc = bs.allocate(problem, method=method, solver=solver)
        assert alloc.status == "optimal"
        assert _close(alloc.objective, expected), (solver, alloc.objective, expected)


@pytest.mark.parametrize("method", METHODS)
def test_full_range_program_equals_the_windowed_one(method: str) -> None:
    from busetting._criteria import build_key
    from busetting._solvers.milp import Budget, KeySpec, Start, solve_milp

    rng = np.random.default_rng(7)
    ms = [
        bs.Municipality(
            municipality_id=f"{i:04d}",
            name=f"K{i}",
            population=int(rng.integers(100, 5000)),
            max=int(rng.integers(5, 30)) if i % 3 else None,
        )
        for i in range(1, 13)
    ]
    p = bs.Problem(municipalities=ms, criteria={"population": 1.0}, need=bs.Need(total=150))
    key = build_key(p)
    lo = np.zeros(12, dtype=np.int64)
    hi = np.array([m.max if m.max is not None else 2**62 for m in p.municipalities])
    if method in ("webster", "dhondt", "huntington_hill", "adams", "dean"):
        hi = np.where(key.targets > 0, hi, lo)
    spec = KeySpec(bs.Method(method), key.targets, lo, hi, 150)
    none = KeySpec(
        bs.Method(method), np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    )
    start = np.minimum(hi, np.round(key.targets).astype(np.int64))
    full = solve_milp(
        spec,
        none,
        np.zeros(0, dtype=np.int64),
        budget=Budget("cbc"),
        start=Start(start, np.zeros(0, dtype=np.int64)),
        window=None,
    )
    windowed = bs.allocate(p, method=method, solver="cbc")
    assert full.status == "optimal"
    from busetting._methods import objective

    assert _close(objective(bs.Method(method), full.x, key.targets), windowed.objective)


def test_real_data_population_key_is_optimal_through_both_paths(norway_frame) -> None:
    problem = bs.Problem.from_frame(
        norway_frame, total=37_000, minors=0, criteria={"population": 1.0}
    )
    assert len(problem.municipalities) == 357
    results = {s: bs.allocate(problem, method="webster", solver=s) for s in bs.available_solvers()}
    for solver, alloc in results.items():
        assert alloc.status == "optimal", solver
        assert alloc.solver == solver
        assert int(alloc.requests.sum()) == 37_000
        assert_valid_allocation(problem, alloc)
    objectives = [a.objective for a in results.values()]
    assert all(_close(o, objectives[0]) for o in objectives)
    # Webster's optimum is unique here: every path gives the same numbers.
    first = results["threshold"].requests
    for alloc in results.values():
        assert alloc.requests.equals(first)
