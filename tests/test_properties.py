"""Properties the library promises, checked on generated problems."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

import busetting as bs
from busetting.testing import assert_valid_allocation
from busetting.testing.strategies import problems

METHODS = [m.value for m in bs.Method]
DIVISORS = ["webster", "dhondt", "huntington_hill", "adams", "dean"]


@given(data=st.data(), method=st.sampled_from(METHODS))
def test_totals_bounds_minors_and_eligibility_hold(data: st.DataObject, method: str) -> None:
    problem = data.draw(problems(max_size=25, max_total=800, method=method))
    alloc = bs.allocate(problem, method=method)
    assert alloc.status == "optimal"
    assert_valid_allocation(problem, alloc)  # totals, bounds, fixed, minors <= x, eligibility


@given(data=st.data(), method=st.sampled_from(METHODS))
def test_same_input_gives_the_same_output(data: st.DataObject, method: str) -> None:
    problem = data.draw(problems(max_size=20, method=method))
    a = bs.allocate(problem, method=method)
    b = bs.allocate(problem, method=method)
    assert a.requests.equals(b.requests) and a.minors.equals(b.minors)
    assert a.fingerprint == b.fingerprint
    assert a.ties == b.ties and a.binding.equals(b.binding)


@given(data=st.data(), method=st.sampled_from(METHODS), seed=st.integers(0, 2**32 - 1))
def test_result_does_not_depend_on_row_order(data: st.DataObject, method: str, seed: int) -> None:
    problem = data.draw(problems(max_size=20, method=method))
    rows = list(problem.municipalities)
    np.random.default_rng(seed).shuffle(rows)
    shuffled = bs.Problem(municipalities=rows, criteria=problem.criteria, need=problem.need)
    a = bs.allocate(problem, method=method)
    b = bs.allocate(shuffled, method=method)
    assert a.requests.equals(b.requests) and a.minors.equals(b.minors)
    assert a.fingerprint == b.fingerprint


@given(
    data=st.data(),
    method=st.sampled_from(METHODS),
    factor=st.sampled_from([3.0, 0.1, 7 / 3, 1e6, 1e-4, 2.0**-20]),
    indicator=st.sampled_from(["capacity", "services"]),
)
def test_scaling_one_criterion_indicator_changes_nothing(
    data: st.DataObject, method: str, factor: float, indicator: str
) -> None:
    problem = data.draw(problems(max_size=20, method=method))
    scaled_ms = [
        m.model_copy(
            update={"indicators": {**m.indicators, indicator: m.indicators[indicator] * factor}}
        )
        for m in problem.municipalities
    ]
    scaled = bs.Problem(municipalities=scaled_ms, criteria=problem.criteria, need=problem.need)
    a = bs.allocate(problem, method=method)
    b = bs.allocate(scaled, method=method)
    assert a.requests.equals(b.requests), (a.requests.tolist(), b.requests.tolist())
    assert a.minors.equals(b.minors)


@given(data=st.data(), method=st.sampled_from(DIVISORS))
def test_divisor_methods_never_lower_a_request_when_the_total_rises(
    data: st.DataObject, method: str
) -> None:
    problem = data.draw(problems(max_size=25, max_total=600, minors=False, method=method))
    bigger = problem.with_need(problem.total + 1)
    assume(not bs.diagnose(bigger, method=method))
    a = bs.allocate(problem, method=method)
    b = bs.allocate(bigger, method=method)
    assert (b.requests >= a.requests).all(), (a.requests.tolist(), b.requests.tolist())
    assert int((b.requests - a.requests).sum()) == 1


@given(data=st.data())
def test_hamilton_stays_within_quota_without_bounds(data: st.DataObject) -> None:
    problem = data.draw(
        problems(max_size=25, max_total=800, bounds=False, minors=False, method="hamilton")
    )
    alloc = bs.allocate(problem, method="hamilton")
    t = alloc.targets.to_numpy()
    x = alloc.requests.to_numpy()
    assert np.all(x >= np.floor(t - 1e-9)) and np.all(x <= np.ceil(t + 1e-9))


@given(data=st.data(), method=st.sampled_from(METHODS))
def test_contributions_sum_to_targets_and_targets_to_the_need(
    data: st.DataObject, method: str
) -> None:
    problem = data.draw(problems(max_size=25, method=method))
    alloc = bs.allocate(problem, method=method)
    sums = alloc.contributions.sum(axis=1)
    assert np.allclose(sums.to_numpy(), alloc.targets.to_numpy(), rtol=1e-12, atol=1e-9)
    assert math.isclose(alloc.targets.sum(), problem.total, rel_tol=1e-9, abs_tol=1e-9)
    if problem.minors_total:
        assert math.isclose(alloc.minors_targets.sum(), problem.minors_total, rel_tol=1e-9)


@given(data=st.data(), method=st.sampled_from(METHODS))
def test_threshold_certificate_holds(data: st.DataObject, method: str) -> None:
    problem = data.draw(problems(max_size=25, method=method))
    alloc = bs.allocate(problem, method=method)
    if alloc.solver == "threshold":
        assert alloc.certificate and all(c.holds for c in alloc.certificate)
    else:
        assert alloc.certificate == ()


@given(data=st.data(), method=st.sampled_from(METHODS))
def test_inputs_are_not_mutated(data: st.DataObject, method: str) -> None:
    problem = data.draw(problems(max_size=15, method=method))
    before = problem.model_dump_json()
    bs.allocate(problem, method=method)
    assert problem.model_dump_json() == before


@given(data=st.data())
def test_problem_json_round_trip(data: st.DataObject) -> None:
    problem = data.draw(problems(max_size=15))
    again = bs.Problem.model_validate_json(problem.model_dump_json())
    assert again == problem
    assert bs.fingerprint(again) == bs.fingerprint(problem)
