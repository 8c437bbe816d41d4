"""The rules path for needs above 100,000 (issue 30): it does not depend on a solver's
tolerances, so it takes needs up to ``MAX_RULES_PATH_PERSONS``, re-checked independently."""

from __future__ import annotations

import numpy as np
import pytest

import busetting as bs
from busetting._limits import MAX_PROGRAM_PERSONS, MAX_RULES_PATH_PERSONS

METHODS = [m.value for m in bs.Method]


def _problem(total: int) -> bs.Problem:
    pops = [717710, 149048, 20700, 3100, 207]
    ids = ["0301", "1103", "4601", "5001", "1151"]
    return bs.Problem(
        municipalities=[
            bs.Municipality(municipality_id=i, name=f"M{i}", population=q)
            for i, q in zip(ids, pops, strict=True)
        ],
        criteria={"population": 1.0},
        need=bs.Need(total=total),
        rules=bs.Rules(granularity=5, min_request=7),
    )


@pytest.mark.parametrize("total", [MAX_PROGRAM_PERSONS + 1, 250_003, MAX_RULES_PATH_PERSONS])
@pytest.mark.parametrize("method", METHODS)
def test_the_rules_path_takes_needs_above_the_integer_program_s_limit(
    method: str, total: int
) -> None:
    p = _problem(total)
    a = bs.allocate(p, method=method)
    assert a.status == "optimal" and a.solver == "lagrange", a.message
    assert int(a.requests.sum()) == total
    on_grid = (a.requests % 5 == 0) | (a.requests % 5 == 1)
    assert bool(np.all(on_grid)) and bool(np.all((a.requests == 0) | (a.requests >= 7)))
    assert a.certificate, "the rules path returns its certificate"
    check = bs.check_certificate(p, a.requests, a.minors, a.certificate[0])
    assert check.ok, check.reason


def test_a_need_beyond_the_rules_path_s_limit_is_refused_with_an_input_error() -> None:
    with pytest.raises(bs.InputError) as info:
        bs.allocate(_problem(MAX_RULES_PATH_PERSONS + 1))
    assert str(info.value) == (
        "The `need.total` of a problem with process rules must be at most 1,000,000 persons "
        "(the documented limit of the exact rules path; the threshold path takes bounds-only "
        "problems up to 1,000,000,000,000). Got 1,000,001 instead."
    )


def test_the_integer_program_still_refuses_those_needs_when_asked_for() -> None:
    with pytest.raises(bs.InputError, match="integer program"):
        bs.allocate(_problem(MAX_PROGRAM_PERSONS + 1), solver="cbc")
