"""Properties the library promises, checked on generated problems."""

from __future__ import annotations

import math
import pickle

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

import busetting as bs
from busetting._model import fingerprint
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


# -- the fingerprint over the columns (issue #17) ---------------------------------------------


def _same_from_a_frame(problem: bs.Problem, seed: int) -> bs.Problem:
    frame = problem.to_frame().reset_index()
    frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return bs.Problem.from_frame(
        frame,
        total=problem.total,
        minors=problem.minors_total,
        criteria=problem.criteria,
        minors_criteria=problem.minors_criteria,
        indicators=list(problem.columns.indicators),
    ).with_rules(problem.rules)


@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_fingerprint_is_the_same_for_equal_problems_in_any_row_order(
    data: st.DataObject, seed: int
) -> None:
    problem = data.draw(problems(max_size=15))
    rows = list(problem.municipalities)
    np.random.default_rng(seed).shuffle(rows)
    shuffled = problem.model_validate({**dict(problem), "municipalities": rows})
    read = _same_from_a_frame(problem, seed)
    again = bs.Problem.model_validate_json(problem.model_dump_json())
    for other in (shuffled, read, again, pickle.loads(pickle.dumps(problem))):
        assert other == problem
        assert fingerprint(other, "webster") == fingerprint(problem, "webster")


CHANGES = ["population", "indicator", "name", "county", "id", "max", "eligible"]
CHANGES += ["need", "minors_need", "rules", "weights"]


def _changed(problem: bs.Problem, what: str, row: int) -> bs.Problem:
    """``problem`` with one value changed."""
    m = problem.municipalities[row]
    if what in ("need", "minors_need", "rules", "weights"):
        return {
            "need": lambda: problem.with_need(problem.total + 1),
            "minors_need": lambda: problem.with_need(problem.total + 1, problem.minors_total + 1),
            "rules": lambda: problem.with_rules(share_cap=0.99),
            "weights": lambda: problem.with_criteria(
                {"population": 0.25, "capacity": 0.75}
                if [c.weight for c in problem.criteria] != [0.25, 0.75]
                else {"population": 0.5, "capacity": 0.5}
            ),
        }[what]()
    update: dict[str, object] = {
        "population": {"population": m.population + 1},
        "indicator": {"indicators": {**m.indicators, "capacity": m.indicators["capacity"] + 1}},
        "name": {"name": m.name + "x"},
        "county": {"county": m.county + "x"},
        "id": {"municipality_id": m.municipality_id + "x"},
        "max": {"max": (m.max or 10**6) + 1, "fixed": None},
        "eligible": {"minors_eligible": not m.minors_eligible, "minors_min": None},
    }[what]
    rows = list(problem.municipalities)
    rows[row] = bs.Municipality.model_validate({**m.model_dump(), **update})
    return problem.model_validate({**dict(problem), "municipalities": rows})


@given(
    data=st.data(),
    what=st.sampled_from(CHANGES),
)
def test_fingerprint_changes_when_any_value_changes(data: st.DataObject, what: str) -> None:
    problem = data.draw(problems(max_size=10, minors=False, bounds=False))
    row = data.draw(st.integers(0, len(problem.municipalities) - 1))
    try:
        changed = _changed(problem, what, row)
    except ValueError:  # the change makes the problem invalid (e.g. a weight key)
        assume(False)
        return
    assert changed != problem
    assert fingerprint(changed, "webster") != fingerprint(problem, "webster")
    assert fingerprint(problem, "webster") != fingerprint(problem, "hamilton")


@given(data=st.data(), method=st.sampled_from(METHODS), seed=st.integers(0, 2**32 - 1))
def test_any_ids_allocate_the_same_in_any_row_order(
    data: st.DataObject, method: str, seed: int
) -> None:
    problem = data.draw(problems(max_size=12, method=method, any_ids=True))
    assert list(problem.ids) == sorted(problem.ids)
    frame = problem.to_frame().reset_index().sample(frac=1.0, random_state=seed)
    read = bs.Problem.from_frame(
        frame,
        total=problem.total,
        minors=problem.minors_total,
        criteria=problem.criteria,
        indicators=list(problem.columns.indicators),
    )
    a = bs.allocate(problem, method=method)
    b = bs.allocate(read, method=method)
    assert_valid_allocation(problem, a)
    assert a.requests.equals(b.requests) and a.minors.equals(b.minors)
    assert a.fingerprint == b.fingerprint
