"""The municipality bounds as rule objects change no result and no message.

The bounds the municipalities give (``fixed``, ``min``, ``max``, ``minors_min``,
``minors_max``) moved from ``_feasibility``/``_diagnose`` into the bound rules of
``busetting._rules`` (``BOUNDS``). Every expected value below was produced by the code before
the move (the ``main`` branch at 4fb5c37) and is written here literally: the Norway problem's
allocation and revisions, and small bound-heavy problems whose ``verify`` reasons and
``diagnose`` messages name each bound.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import pandas as pd
import pytest

import busetting as bs

M = bs.Municipality


def _digest(alloc: bs.Allocation) -> str:
    values = alloc.requests.tolist() + alloc.minors.tolist()
    return hashlib.sha256(",".join(map(str, values)).encode()).hexdigest()[:16]


def _mk(i: int, **kw: Any) -> bs.Municipality:
    return M(
        municipality_id=f"{i:04d}",
        name=f"Kommune {i}",
        population=100 * i,
        county=f"F{i % 2}",
        **kw,
    )


def _p(ms: list[bs.Municipality], total: int, minors: int = 0, **rules: Any) -> bs.Problem:
    return bs.Problem(
        municipalities=ms,
        criteria={"population": 1.0},
        need=bs.Need(total=total, minors=minors),
        rules=bs.Rules(**rules),
    )


def _reasons(problem: bs.Problem, x: list[int], m: list[int], method: str = "webster") -> list[str]:
    ids = problem.ids
    verdict = bs.verify(problem, pd.Series(x, index=ids), pd.Series(m, index=ids), method=method)
    return list(verdict.reasons)


# -- the Norway problem --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def norway() -> tuple[bs.Problem, bs.Allocation]:
    problem = bs.datasets.norway_2024()
    return problem, bs.allocate(problem)


def test_the_norway_allocation_is_unchanged(norway: tuple[bs.Problem, bs.Allocation]) -> None:
    problem, alloc = norway
    assert (alloc.status, alloc.solver, int(alloc.requests.sum())) == (
        "optimal",
        "lagrange",
        37000,
    )
    assert _digest(alloc) == "384768a3a6b77fd4"
    assert f"{alloc.objective:.9g}" == "131.325494"
    assert bs.verify(problem, alloc).feasible
    assert bs.diagnose(problem) == ()


def test_verify_of_a_tampered_norway_answer_is_unchanged(
    norway: tuple[bs.Problem, bs.Allocation],
) -> None:
    problem, alloc = norway
    x = alloc.requests.copy()
    x.iloc[0] += 1
    x.iloc[1] -= 1
    assert list(bs.verify(problem, x, alloc.minors).reasons) == [
        "municipality 0301 has request 2,126, not on the grid of 5",
        "municipality 1101 has request 179, not on the grid of 5",
        "1 requests are one above a multiple of 5, expected 0 (granularity 5)",
    ]


def _revision(
    norway: tuple[bs.Problem, bs.Allocation], rise: bool
) -> tuple[bs.Allocation, str, list[tuple[str, int]]]:
    problem, alloc = norway
    ids, req = problem.ids, alloc.requests
    decisions = {ids[0]: int(req.iloc[0]) - 5, ids[10]: int(req.iloc[10]) + 5}
    if rise:
        revision = bs.revise(alloc, total=problem.total + 2000, decisions=decisions)
    else:
        settled = {ids[20]: int(req.iloc[20]) - 10}
        revision = bs.revise(
            alloc, total=problem.total - 3000, decisions=decisions, settled=settled
        )
    frame = revision.accounting().to_frame()
    frame = frame[frame["persons"].abs() > 1e-9]
    parts = sorted(Counter(frame["kind"] + "/" + frame["cause"]).items())
    return revision.allocation, revision.message, parts


def test_a_cut_with_decisions_and_settled_is_unchanged(
    norway: tuple[bs.Problem, bs.Allocation],
) -> None:
    after, message, parts = _revision(norway, rise=False)
    assert (after.status, int(after.requests.sum()), _digest(after)) == (
        "optimal",
        34000,
        "e7110da2b7098d32",
    )
    assert message == (
        "optimal (rules path: Lagrangian bound 133.629 closed by a search over 0 "
        "municipalities with more than one candidate value)"
    )
    # the ceilings of a cut are the requests being revised, the settled number a floor
    assert parts == [
        ("ceiling/request", 10),
        ("floor/min", 1),
        ("floor/settled", 1),
        ("key/", 357),
        ("need/", 357),
        ("redistribution/", 129),
        ("rounding/", 142),
        ("rule/granularity=5", 208),
    ]


def test_a_rise_with_decisions_is_unchanged(norway: tuple[bs.Problem, bs.Allocation]) -> None:
    after, message, parts = _revision(norway, rise=True)
    assert (after.status, int(after.requests.sum()), _digest(after)) == (
        "optimal",
        39000,
        "f72e3bc9ca265da1",
    )
    assert message == (
        "optimal (rules path: Lagrangian bound 135.015 closed by a search over 0 "
        "municipalities with more than one candidate value)"
    )
    # the decisions are ceilings, the requests being revised floors
    assert parts == [
        ("ceiling/decision", 2),
        ("floor/request", 30),
        ("key/", 357),
        ("need/", 357),
        ("redistribution/", 325),
        ("rounding/", 127),
        ("rule/granularity=5", 204),
    ]


# -- verify: the words of each broken bound ------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> bs.Problem:
    return _p(
        [
            _mk(1, fixed=3),
            _mk(2, min=4, max=6),
            _mk(3, minors_min=2, minors_max=3),
            _mk(4, minors_eligible=False),
            _mk(5, max=2),
        ],
        20,
        4,
    )


def test_the_small_allocation_is_unchanged(small: bs.Problem) -> None:
    alloc = bs.allocate(small)
    assert alloc.status == "optimal"
    assert alloc.requests.tolist() == [3, 4, 5, 6, 2]
    assert alloc.minors.tolist() == [0, 1, 2, 0, 1]


VERIFY: dict[str, tuple[list[int], list[int], list[str]]] = {
    "below fixed, above max": (
        [2, 7, 5, 3, 3],
        [0, 0, 3, 0, 1],
        [
            "municipality 0001 has request 2, below its fixed value 3",
            "municipality 0002 has request 7, above its upper bound 6",
            "municipality 0005 has request 3, above its upper bound 2",
        ],
    ),
    "above fixed, below min": (
        [4, 3, 6, 5, 2],
        [0, 0, 2, 0, 2],
        [
            "municipality 0002 has request 3, below its lower bound (min) 4",
            "municipality 0001 has request 4, above its fixed value 3",
        ],
    ),
    "below minors_min, not eligible": (
        [3, 4, 6, 5, 2],
        [0, 0, 1, 2, 1],
        [
            "municipality 0003 has 1 minors (request 6): below its minors_min 2",
            "municipality 0004 has 2 minors (request 5): not eligible for minors",
        ],
    ),
    "negative, above minors_max": (
        [3, 4, 6, 5, 2],
        [-1, 0, 5, 0, 0],
        [
            "municipality 0001 has -1 minors (request 3): negative",
            "municipality 0003 has 5 minors (request 6): above its minors limit 3",
        ],
    ),
    "above the request": (
        [3, 4, 6, 5, 2],
        [0, 0, 2, 0, 3],
        [
            "minors sum to 5, not the minors need of 4",
            "municipality 0005 has 3 minors (request 2): above its minors limit 2",
            "municipality 0005 has 3 minors (request 2): more minors than requests",
        ],
    ),
}


@pytest.mark.parametrize("case", VERIFY)
def test_verify_names_each_broken_bound_as_before(small: bs.Problem, case: str) -> None:
    x, m, expected = VERIFY[case]
    assert _reasons(small, x, m) == expected


def test_verify_of_a_zero_target_is_unchanged() -> None:
    ms = [
        M(municipality_id="0001", name="A", population=100, indicators={"x": 1.0}),
        M(municipality_id="0002", name="B", population=100, indicators={"x": 0.0}),
    ]
    problem = bs.Problem(municipalities=ms, criteria={"x": 1.0}, need=bs.Need(total=5, minors=2))
    assert _reasons(problem, [3, 2], [1, 1], "dhondt") == [
        "municipality 0002 has request 2, but its target is 0, so a divisor method holds it at "
        "its lower bound 0",
        "municipality 0002 has 1 minors (request 2): its minors target is 0, so a divisor "
        "method holds them at 0",
    ]


def test_a_fixed_value_stays_exempt_from_the_process_rules() -> None:
    problem = _p(
        [_mk(1, fixed=3), _mk(2, max=7), _mk(3, min=2), _mk(4)],
        20,
        0,
        granularity=5,
        min_request=5,
    )
    alloc = bs.allocate(problem)
    assert (alloc.status, alloc.solver, alloc.requests.tolist()) == (
        "optimal",
        "lagrange",
        [3, 5, 6, 6],
    )
    assert _reasons(problem, [4, 8, 3, 5], [0, 0, 0, 0]) == [
        "municipality 0001 has request 4, above its fixed value 3",
        "municipality 0002 has request 8, above its upper bound 7",
        "municipality 0002 has request 8, not on the grid of 5",
        "municipality 0003 has request 3, not on the grid of 5",
        "0 requests are one above a multiple of 5, expected 2 (granularity 5)",
    ]


# -- diagnose: crossed bounds and the sums of the bounds -----------------------------------------

DIAGNOSE: dict[str, tuple[Any, str]] = {
    "min above a per-capita cap": (
        lambda: _p([_mk(1, min=9), _mk(2), _mk(3)], 20, per_capita_cap=0.02),
        "requests: 0001 Kommune 1 has min 9 above its per-capita cap 2",
    ),
    "min above a share cap": (
        lambda: _p([_mk(1, min=9), _mk(2), _mk(3)], 20, share_cap=0.3),
        "requests: 0001 Kommune 1 has min 9 above its share cap 6",
    ),
    "minors_min above a cap": (
        lambda: _p([_mk(1, minors_min=5), _mk(2), _mk(3)], 20, 6, per_capita_cap=0.02),
        "minors: 0001 Kommune 1 has minors_min 5 above its request limit 2 (per-capita cap)",
    ),
    "lower bounds above the need": (
        lambda: _p([_mk(1, fixed=8), _mk(2, min=9), _mk(3)], 15),
        "requests: lower bounds (min, fixed) sum to 17, 2 more than the need of 15",
    ),
    "upper bounds below the need": (
        lambda: _p([_mk(1, fixed=2), _mk(2, max=3), _mk(3, max=4)], 15),
        "requests: upper bounds (max, fixed) sum to 9, 6 short of the need of 15",
    ),
    "upper bounds and a cap below the need": (
        lambda: _p([_mk(1, fixed=2), _mk(2, max=3), _mk(3)], 15, per_capita_cap=0.01),
        "requests: upper bounds (max, fixed, per-capita cap) sum to 7, 8 short of the need of 15",
    ),
    "minors capacity below the minors need": (
        lambda: _p(
            [_mk(1, minors_max=1), _mk(2, minors_max=2), _mk(3, minors_eligible=False)], 15, 6
        ),
        "minors: the room for minors in the 2 eligible municipalities (minors capacity, "
        "request upper bound) sums to 3, 3 short of the minors need of 6",
    ),
    "minors floors above the minors need": (
        lambda: _p([_mk(1, minors_min=4), _mk(2, minors_min=4)], 15, 6),
        "minors: minors lower bounds sum to 8, 2 more than the minors need of 6",
    ),
    "minors forced above the floors": (
        lambda: _p(
            [
                _mk(1, max=3, minors_min=3),
                _mk(2, max=3, minors_min=3),
                _mk(3, minors_eligible=False, min=8),
            ],
            12,
            6,
        ),
        "requests: lower bounds plus the minors that must be placed above them sum to 14, "
        "2 more than the need of 12",
    ),
}


@pytest.mark.parametrize("case", DIAGNOSE)
def test_the_bounds_diagnosis_is_unchanged(case: str) -> None:
    make, message = DIAGNOSE[case]
    problem = make()
    assert [s.message for s in bs.diagnose(problem)] == [message]
    alloc = bs.allocate(problem)
    assert (alloc.status, alloc.message) == ("infeasible", f"Infeasible: {message}.")


def test_a_minors_floor_on_a_zero_target_is_diagnosed_as_before() -> None:
    ms = [
        M(municipality_id="0001", name="A", population=100, indicators={"x": 1.0}),
        M(
            municipality_id="0002",
            name="B",
            population=100,
            indicators={"x": 0.0},
            minors_min=2,
        ),
    ]
    problem = bs.Problem(municipalities=ms, criteria={"x": 1.0}, need=bs.Need(total=5, minors=2))
    assert [s.message for s in bs.diagnose(problem, method="dhondt")] == [
        "minors: 0002 B has minors_min 2 above its request limit 0 (zero target)"
    ]


@pytest.mark.parametrize(
    ("rules", "solver", "requests", "binding"),
    [
        ({}, "threshold", [3, 9, 2, 5, 1], ["fixed", "min", "max", "", "max"]),
        (
            {"min_request": 2},
            "lagrange",
            [3, 9, 2, 6, 0],
            ["fixed", "min", "max", "", "minimum request (0)"],
        ),
    ],
)
def test_the_binding_labels_of_the_bounds_are_unchanged(
    rules: dict[str, Any], solver: str, requests: list[int], binding: list[str]
) -> None:
    ms = [_mk(1, fixed=3), _mk(2, min=9), _mk(3, max=2), _mk(4), _mk(5, max=1)]
    alloc = bs.allocate(_p(ms, 20, **rules))
    assert (alloc.solver, alloc.requests.tolist()) == (solver, requests)
    assert alloc.binding.tolist() == binding
