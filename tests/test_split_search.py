"""The split search of the rules path (issue 30): Hamilton with all the 2024 rules without a
fallback to the integer program, exact against brute force and the integer program."""

from __future__ import annotations

import math

import numpy as np
import pytest
from brute import brute_force_rules
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import busetting as bs
from busetting._solvers import lagrange
from busetting._solvers.split import MinorsSums, search_minors
from busetting.datasets import norway_2024
from busetting.testing import assert_valid_allocation
from busetting.testing.strategies import problems

METHODS = [m.value for m in bs.Method]
MINORS_RULES = {
    "groups": {"minors_min_group": 2},
    "hosts": {"max_minors_hosts": 1},
    "exact hosts": {"max_minors_hosts": 2, "exact_minors_hosts": True},
    "all": {"granularity": 2, "min_request": 2, "minors_min_group": 2, "max_minors_hosts": 2},
}
FELL_BACK_BEFORE = [30612, 31837, 32143, 33061, 37653, 38571, 44388]
"""Totals at which Hamilton with all the 2024 rules went to the integer program (11-47 s)."""


def _tiny(draw: st.DrawFn, rules: dict, method: str) -> bs.Problem:
    problem = draw(
        problems(
            min_size=2, max_size=4, max_total=12, minors=True, max_population=2_000, method=method
        )
    )
    return problem.with_rules(**rules)


def _check(problem: bs.Problem, method: str) -> str:
    expected = brute_force_rules(problem, method)
    alloc = bs.allocate(problem, method=method)
    if expected is None:
        assert alloc.status == "infeasible"
        return "infeasible"
    assert alloc.status == "optimal", alloc.message
    assert_valid_allocation(problem, alloc)
    assert math.isclose(alloc.objective, expected, rel_tol=1e-9, abs_tol=1e-9)
    return str(alloc.solver)


@pytest.mark.parametrize("name", sorted(MINORS_RULES))
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_hamilton_with_minors_rules_equals_brute_force(name: str, data: st.DataObject) -> None:
    problem = _tiny(data.draw, MINORS_RULES[name], "hamilton")
    assume(problem.minors_total > 0)
    _check(problem, "hamilton")


@pytest.mark.parametrize("name", sorted(MINORS_RULES))
@settings(max_examples=6, deadline=None)
@given(data=st.data(), method=st.sampled_from(METHODS))
def test_the_split_search_equals_brute_force_for_every_method(
    name: str, data: st.DataObject, method: str
) -> None:
    problem = _tiny(data.draw, MINORS_RULES[name], method)
    assume(problem.minors_total > 0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lagrange, "JOINT_BUDGET", 0)  # every solve with minors searched apart
        _check(problem, method)


def test_the_minors_programme_meets_the_total_the_hosts_and_the_caps() -> None:
    # three rows; values 0 or 2..6 each, reduced cost |v - 3| (row 0), |v - 5| (rows 1, 2)
    values = np.array([[0, 2, 3, 4, 5, 6]] * 3, dtype=np.int64)
    targets = np.array([3.0, 5.0, 5.0])
    rc = np.abs(values - targets[:, None]).astype(np.float64)
    free = search_minors(values, rc, 100.0, MinorsSums(10, 2, False, 0.0))
    assert free is not None and free.values.tolist() == [0, 5, 5] and free.cost == 3.0
    capped = search_minors(
        values, rc, 100.0, MinorsSums(10, 2, False, 0.0), caps=np.array([9, 4, 9])
    )
    assert capped is not None and capped.values.tolist() == [0, 4, 6] and capped.cost == 5.0
    exact = search_minors(values, rc, 100.0, MinorsSums(10, 3, True, 0.0))
    assert exact is not None and (exact.values > 0).sum() == 3
    assert (
        search_minors(values, rc, 100.0, MinorsSums(19, 3, False, 0.0)) is None
    )  # more than 3 x 6


@pytest.mark.parametrize("total", FELL_BACK_BEFORE)
def test_hamilton_on_the_norway_problem_needs_no_integer_program(total: int) -> None:
    problem = norway_2024().with_need(total)
    alloc = bs.allocate(problem, method="hamilton")
    assert alloc.status == "optimal" and alloc.solver == "lagrange", alloc.solver_reason
    assert_valid_allocation(problem, alloc)
    cert = alloc.certificate[0]
    assert cert.bound <= alloc.objective + 1e-9 * alloc.objective


@pytest.mark.slow
@pytest.mark.parametrize("total", FELL_BACK_BEFORE)
def test_hamilton_on_the_norway_problem_equals_the_integer_program(total: int) -> None:
    problem = norway_2024().with_need(total)
    alloc = bs.allocate(problem, method="hamilton")
    milp = bs.allocate(problem, method="hamilton", solver="cbc")
    assert milp.status == "optimal"
    assert math.isclose(alloc.objective, milp.objective, rel_tol=1e-9, abs_tol=1e-9)
