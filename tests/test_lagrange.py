"""The exact rules path: equal to the integer program, and its certificate re-checks."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import busetting as bs
from busetting._solvers import lagrange
from busetting.testing import assert_valid_allocation
from busetting.testing.strategies import problems

METHODS = [m.value for m in bs.Method]

FAMILIES = {
    "granularity": {"granularity": 3},
    "granularity_and_minimum": {"granularity": 5, "min_request": 5},
    "minimum_above_grid": {"granularity": 2, "min_request": 5},
    "min_request": {"min_request": 3},
    "min_request_all": {"min_request": 2, "min_request_all": True},
    "minors_group": {"minors_min_group": 2},
    "minors_group_all": {"minors_min_group": 2, "minors_min_group_all": True},
    "minors_hosts": {"max_minors_hosts": 1},
    "exact_hosts": {"max_minors_hosts": 2, "exact_minors_hosts": True},
    "county_hard": {"county_totals": {"Fylke 0": 6}},
    "process": {"granularity": 5, "min_request": 5, "minors_min_group": 4, "max_minors_hosts": 2},
    "caps": {"granularity": 2, "per_capita_cap": 0.01, "share_cap": 0.6},
}


def _same_as_the_integer_program(problem: bs.Problem, method: str) -> None:
    fast = bs.allocate(problem, method=method)
    milp = bs.allocate(problem, method=method, solver="cbc")
    if milp.status == "infeasible":  # beyond the pre-check: the fast path finds nothing
        assert fast.status == "infeasible"
        return
    assert milp.status == "optimal", milp.message
    assert fast.status == "optimal", fast.message
    assert_valid_allocation(problem, fast)
    assert math.isclose(fast.objective, milp.objective, rel_tol=1e-9, abs_tol=1e-9), (
        fast.objective,
        milp.objective,
    )
    if fast.solver != "lagrange":  # a search over budget is handed to the integer program
        assert fast.solver_reason.endswith("(the exact rules path's search exceeded its budget)")
        return
    (cert,) = fast.certificate
    assert isinstance(cert, bs.RulesCertificate) and cert.holds
    check = bs.check_certificate(problem, fast.requests.to_numpy(), fast.minors.to_numpy(), cert)
    assert check.ok, check.message


def _problem(data: st.DataObject, family: str, method: str, size: int, total: int) -> bs.Problem:
    rules = FAMILIES[family]
    minors = "minors" in family or "hosts" in family or family == "process"
    problem = data.draw(
        problems(min_size=2, max_size=size, max_total=total, minors=minors, method=method)
    )
    if "county_totals" in rules:
        assume("Fylke 0" in {m.county for m in problem.municipalities})
    problem = problem.with_rules(**rules)
    assume(not bs.diagnose(problem, method=method))
    return problem


@pytest.mark.parametrize("family", sorted(FAMILIES))
@settings(max_examples=6, deadline=None)
@given(data=st.data(), method=st.sampled_from(METHODS))
def test_rules_path_equals_the_integer_program(
    family: str, data: st.DataObject, method: str
) -> None:
    _same_as_the_integer_program(_problem(data, family, method, 8, 120), method)


@pytest.mark.slow
@pytest.mark.parametrize("family", sorted(FAMILIES))
@settings(max_examples=30, deadline=None)
@given(data=st.data(), method=st.sampled_from(METHODS))
def test_rules_path_equals_the_integer_program_many(
    family: str, data: st.DataObject, method: str
) -> None:
    _same_as_the_integer_program(_problem(data, family, method, 16, 400), method)


def _toy(total: int = 103, **rules: object) -> bs.Problem:
    pops = [9061, 7179, 5259, 3319, 1182, 640]
    ms = [
        bs.Municipality(
            municipality_id=f"000{i}",
            name=f"K{i}",
            population=p,
            county="Fylke 0" if i % 2 else "Fylke 1",
            minors_eligible=i < 5,
        )
        for i, p in enumerate(pops, start=1)
    ]
    problem = bs.Problem(
        municipalities=ms, criteria={"population": 1.0}, need=bs.Need(total=total, minors=17)
    )
    return problem.with_rules(**rules)


def test_norway_shaped_rules_off_the_grid_match_the_integer_program() -> None:
    problem = _toy(103, granularity=5, min_request=5, minors_min_group=4, max_minors_hosts=3)
    _same_as_the_integer_program(problem, "webster")
    alloc = bs.allocate(problem)
    assert alloc.solver_reason.endswith("take the exact rules path")
    assert int((alloc.requests % 5 == 1).sum()) == 3


def test_hard_county_totals_decompose_and_match_the_integer_program() -> None:
    problem = _toy(100, granularity=5, county_totals={"Fylke 0": 60, "Fylke 1": 40})
    _same_as_the_integer_program(problem, "webster")
    alloc = bs.allocate(problem)
    (cert,) = alloc.certificate
    assert isinstance(cert, bs.RulesCertificate)
    assert [name for name, _ in cert.lambdas] == ["Fylke 0", "Fylke 1"]


def test_certificate_check_rejects_a_worse_solution_and_a_forged_gap() -> None:
    problem = _toy(103, granularity=5, min_request=5)
    alloc = bs.allocate(problem)
    x, m = alloc.requests.to_numpy(), alloc.minors.to_numpy()
    (cert,) = alloc.certificate
    assert bs.check_certificate(problem, x, m, cert)
    worse = x.copy()
    big, small = int(np.argmax(x)), int(np.argmin(np.where(x >= 10, x, 10**9)))
    worse[big] += 5
    worse[small] -= 5
    forged = dataclasses.replace(cert, objective=alloc.objective + 1.0)
    check = bs.check_certificate(problem, worse, m, forged)
    assert not check.ok
    # a certificate claiming a gap it did not search
    tight = dataclasses.replace(cert, gap=0.0)
    wrong_lambda = dataclasses.replace(tight, lambdas=(("national", cert.lambdas[0][1] + 0.5),))
    check = bs.check_certificate(problem, x, m, wrong_lambda)
    assert not check.ok and "gap" in check.message
    broken = x.copy()
    broken[0] += 1
    broken[1] -= 1
    assert not bs.check_certificate(problem, broken, m, cert).ok


def test_a_search_over_budget_falls_back_to_the_integer_program(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = _toy(103, granularity=5, min_request=5, minors_min_group=4, max_minors_hosts=3)
    monkeypatch.setattr(lagrange, "SEARCH_BUDGET", 0)
    alloc = bs.allocate(problem)
    if alloc.solver == "lagrange":  # the search needed no state at all: nothing to fall back
        assert alloc.certificate[0].core == 0
        return
    assert alloc.solver == "cbc" and alloc.status == "optimal"
    assert alloc.solver_reason.endswith("(the exact rules path's search exceeded its budget)")


def test_a_warm_start_from_a_neighbouring_total_gives_the_same_optimum() -> None:
    from busetting._sweep import requests_at

    problem = _toy(103, granularity=5, min_request=5, minors_min_group=4, max_minors_hosts=3)
    totals = list(range(90, 131, 3))
    warm = requests_at(problem, bs.Method.WEBSTER, None, totals)  # one block: warm starts
    for t, x in zip(totals, warm, strict=True):
        cold = bs.allocate(problem.with_need(t))
        assert x is not None and x.tolist() == cold.requests.tolist()


@pytest.mark.slow
@pytest.mark.parametrize("total", [30_001, 33_337, 37_003, 41_114, 44_999])
def test_norway_off_the_grid_equals_the_integer_program(total: int) -> None:
    from busetting.datasets import norway_2024

    _same_as_the_integer_program(norway_2024(total=total), "webster")


def test_verify_checks_the_rules_path_certificate() -> None:
    from busetting.datasets import norway_2024

    problem = norway_2024(total=37_003)  # off the grid of 5
    alloc = bs.allocate(problem)
    assert alloc.solver == "lagrange"
    checked = bs.verify(problem, alloc)
    assert checked.feasible and checked.optimal is True
    assert checked.reasons[0].startswith("the rules-path certificate holds")
    # the same numbers without the certificate are not vouched for by it
    assert (
        not bs.verify(problem, alloc.requests, alloc.minors)
        .reasons[0]
        .startswith("the rules-path certificate holds")
    )
