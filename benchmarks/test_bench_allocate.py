"""Benchmarks (pytest-benchmark; not part of the default test run).

Run: python -m pytest benchmarks/ --benchmark-only
Every benchmark also checks that its answer is valid and optimal.
"""

from __future__ import annotations

import pytest

import busetting as bs
from busetting.datasets import load_municipalities
from busetting.testing import assert_valid_allocation


@pytest.fixture(scope="module")
def norway_population() -> bs.Problem:
    return bs.Problem.from_frame(load_municipalities(), total=37_000, criteria={"population": 1.0})


@pytest.mark.parametrize("solver", bs.available_solvers())
@pytest.mark.parametrize("method", ["webster", "hamilton"])
def test_norway_population_key(benchmark, norway_population, solver: str, method: str) -> None:
    alloc = benchmark(bs.allocate, norway_population, method=method, solver=solver)
    assert alloc.status == "optimal"
    assert_valid_allocation(norway_population, alloc)


@pytest.mark.parametrize("solver", [None, *(s for s in bs.available_solvers() if s != "threshold")])
@pytest.mark.parametrize("total", [37_000, 37_003])
def test_norway_2024_with_the_process_rules(benchmark, solver: str | None, total: int) -> None:
    from busetting.datasets import norway_2024

    problem = norway_2024(total=total)
    alloc = benchmark(bs.allocate, problem, solver=solver)
    assert alloc.status == "optimal"
    assert alloc.solver == (solver or "lagrange")
    assert_valid_allocation(problem, alloc)
    assert (alloc.requests % 5 <= 1).all() and int((alloc.minors > 0).sum()) <= 57


def test_scenario_sweep_of_1001_totals(benchmark) -> None:
    from busetting.datasets import norway_2024

    problem = norway_2024(rules=bs.Rules(), minors=0)
    table = benchmark(bs.scenarios, problem, range(30_000, 45_001, 15))
    assert table.shape == (357, 1001)
    assert (table.sum(axis=0).to_numpy() == table.columns.to_numpy()).all()
    check = bs.allocate(problem.with_need(37_005))
    assert table[37_005].tolist() == check.requests.tolist()


@pytest.mark.parametrize("n", [10_000, 100_000])
def test_threshold_solve_at_scale(benchmark, n: int) -> None:
    from fractions import Fraction

    import numpy as np

    from busetting._methods import Method
    from busetting._solvers.threshold import UNBOUNDED, solve_separable

    rng = np.random.default_rng(2024)
    pop = rng.lognormal(8.5, 1.2, n)
    total = int(37_000 * n / 357)
    t = total * pop / pop.sum()
    lo = np.zeros(n, dtype=np.int64)
    hi = np.where(rng.random(n) < 0.1, np.floor(t * 0.8), UNBOUNDED).astype(np.int64)
    sol = benchmark(
        solve_separable,
        Method.WEBSTER,
        t,
        lo,
        hi,
        total,
        lambda rows: [Fraction(float(t[r])) for r in rows],
    )
    assert int(sol.x.sum()) == total and (sol.x <= hi).all()
    assert sol.lambda_low <= sol.lambda_high  # the optimality certificate


def test_revise_after_the_2023_decisions(benchmark) -> None:
    from busetting.datasets import load_history, norway_2024

    problem = norway_2024(rules=bs.Rules(), minors=0, total=38_000)
    alloc = bs.allocate(problem)
    h = load_history()
    decided = h[h["year"] == 2023].set_index("kommunenummer")["vedtak"].dropna().astype(int)
    rev = benchmark(bs.revise, alloc, decisions=decided)
    assert rev.status == "optimal" and int(rev.to_frame()["request"].sum()) == 38_000
