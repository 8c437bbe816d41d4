"""Regression tests for the adversarial run of issue 28 (one scenario per reproduction).

Each test copies its scenario (the reproductions themselves are not read) and asserts the
expected behaviour: a typed error naming the cell, or a correct allocation.
"""

from __future__ import annotations

import pytest

import busetting as bs
from busetting.testing import assert_valid_allocation


def _ineligible(mid: str, pop: int) -> bs.Municipality:
    return bs.Municipality(
        municipality_id=mid, name=f"K{mid}", population=pop, minors_eligible=False
    )


@pytest.mark.parametrize("solver", ["cbc", "highs", None])
def test_no_municipality_eligible_for_minors_reaches_the_integer_program(
    solver: str | None,
) -> None:
    plain = bs.Problem(
        municipalities=[_ineligible("0001", 10), _ineligible("0002", 20)],
        criteria={"population": 1.0},
        need=bs.Need(total=5),
    )
    if solver is None:  # soft county totals send the default path to the integer program
        problem = plain.with_rules(county_totals={"": 3}, county_penalty=0.5)
    else:
        if solver not in bs.available_solvers():
            pytest.skip(f"{solver} is not installed")
        problem = plain
    alloc = bs.allocate(problem, solver=solver)
    assert alloc.status is bs.Status.OPTIMAL
    assert alloc.requests.tolist() == [2, 3]
    assert_valid_allocation(problem, alloc)
