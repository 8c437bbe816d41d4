"""Long fuzzing runs: not part of the default or CI run.

Run: HYPOTHESIS_PROFILE=slow python -m pytest -m slow
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import busetting as bs
from busetting.testing import assert_valid_allocation
from busetting.testing.strategies import problems

METHODS = [m.value for m in bs.Method]


@pytest.mark.slow
@settings(max_examples=3_000, deadline=None)
@given(data=st.data(), method=st.sampled_from(METHODS), g=st.integers(1, 5), k=st.integers(0, 5))
def test_fuzz_every_path_against_every_other(
    data: st.DataObject, method: str, g: int, k: int
) -> None:
    problem = data.draw(problems(max_size=40, max_total=1_500, method=method))
    fast = bs.allocate(problem, method=method)
    assert fast.status == "optimal"
    assert_valid_allocation(problem, fast)
    milp = bs.allocate(problem, method=method, solver="cbc")
    assert math.isclose(fast.objective, milp.objective, rel_tol=1e-9, abs_tol=1e-9)
    ruled = problem.with_rules(granularity=g, min_request=k, minors_min_group=2)
    if not bs.diagnose(ruled, method=method):
        alloc = bs.allocate(ruled, method=method)
        assert alloc.status in ("optimal", "infeasible")
        if alloc.status == "optimal":
            assert_valid_allocation(ruled, alloc)
