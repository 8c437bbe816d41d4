"""The falsifying examples of ``test_margins_are_exact_on_random_problems``, kept as plain
tests: every margin given moves the request, one step short of it does not, and no margin is
given at a value no valid problem has."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from problem_edits import with_indicator

import busetting as bs
from busetting._margins import indicator_reach


def _problem(populations: tuple[int, int, int, int], weights: tuple[float, float]) -> bs.Problem:
    """Four municipalities, two of them eligible for minors; need 3, of whom 1 minor."""
    rows = [
        ("0001", populations[0], 0.0, 1.0, True),
        ("0002", populations[1], 1.0, 1.0, True),
        ("0003", populations[2], 0.0, 0.0, False),
        ("0004", populations[3], 0.0, 0.0, False),
    ]
    ms = [
        bs.Municipality(
            municipality_id=mid,
            name=f"Kommune {mid}",
            population=pop,
            indicators={"capacity": capacity, "services": services},
            minors_eligible=eligible,
            minors_min=0 if eligible else None,
        )
        for mid, pop, capacity, services, eligible in rows
    ]
    criteria = [
        bs.Criterion(name="population", indicator="population", weight=weights[0]),
        bs.Criterion(name="services", indicator="services", weight=weights[1]),
    ]
    return bs.Problem(municipalities=ms, criteria=criteria, need=bs.Need(total=3, minors=1))


def _check(problem: bs.Problem, mid: str) -> dict[tuple[str, str], Fraction | None]:
    """The body of the property test: each margin moves the request, one step less does not."""
    alloc = bs.allocate(problem)
    x = int(alloc.requests[mid])
    for mg in alloc.explain(mid).margins:
        if mg.change is None:
            continue
        assert mg.reach is not None and mg.reach.holds(Fraction(mg.value) + mg.change)
        sign = 1 if mg.direction == "more" else -1
        moved = bs.allocate(with_indicator(problem, mid, mg.indicator, mg.new_value))
        assert sign * (int(moved.requests[mid]) - x) >= 1, mg
        short = mg.change - sign * mg.step
        if short != 0:
            before = bs.allocate(
                with_indicator(problem, mid, mg.indicator, mg.value + float(short))
            )
            tied = any(mid in (*t.winners, *t.losers) for t in before.ties)
            assert int(before.requests[mid]) == x or tied, mg
    return {(m.indicator, m.direction): m.change for m in alloc.explain(mid).margins}


def test_no_count_margin_below_zero_and_no_key_left_without_shares() -> None:
    """A population of 0 has no margin down: the count's reach was loose by a billionth of
    its input limit (1000 residents), so the margin went to -112 residents, where the minors
    key (population over the eligible 0001 and 0002) has no shares."""
    margins = _check(_problem((0, 1, 0, 1000), (0.5, 0.5)), "0001")
    assert margins[("population", "fewer")] is None
    assert margins[("population", "more")] == 1667
    assert margins[("services", "fewer")] == -1


def test_a_margin_that_moves_the_minors_is_minimal() -> None:
    """The minors key reads the population too: 1 resident gives 0001 the minor, and the
    minor holds its request up to 1. Holding the minors at their numbers gave 3."""
    margins = _check(_problem((0, 1, 0, 12), (0.8, 0.2)), "0001")
    assert margins[("population", "more")] == 1


def test_the_ends_of_a_count_a_class_and_a_share_are_exact() -> None:
    values = np.array([0.0, 1.0, 1000.0])
    assert indicator_reach("population", values).slack == 0
    assert not indicator_reach("population", values).holds(Fraction(-1))
    assert indicator_reach("remoteness", np.array([1.0, 6.0])).slack == 0
    assert indicator_reach("share_x", np.array([0.25, 0.5])).slack == 0
    assert indicator_reach("services", np.array([0.0, 2.5])).slack > 0


def test_no_margin_where_every_unit_ties_against_a_target_of_zero() -> None:
    """Hamilton, need 1, services a rate per resident: 0001 has no residents, so no value of
    its services or its population alone gives it a target, and its next unit costs 1 (the
    top of Hamilton's clipped costs), as much as every unit of the others. The exact check
    counted those others as unbounded and summed them in int64, which wrapped below 0 and
    read as a move: services 0 -> 1 was said to raise the request, but it stays at 0."""
    ms = [
        bs.Municipality(
            municipality_id=f"000{k}",
            name=f"Kommune 000{k}",
            population=1 if k == 4 else 0,
            indicators={"capacity": float(k == 4), "services": float(k == 4)},
            minors_eligible=k == 4,
        )
        for k in range(1, 7)
    ]
    criteria = [
        bs.Criterion(
            name="services", indicator="services", weight=1.0, kind="rate", base="population"
        )
    ]
    problem = bs.Problem(municipalities=ms, criteria=criteria, need=bs.Need(total=1, minors=0))
    alloc = bs.allocate(problem, method="hamilton")
    assert int(alloc.requests["0001"]) == 0 and int(alloc.requests["0004"]) == 1
    margins = {(m.indicator, m.direction): m for m in alloc.explain("0001").margins}
    assert set(margins) == {(n, d) for n in ("services", "population") for d in ("more", "fewer")}
    assert all(m.change is None for m in margins.values())
    moved = bs.allocate(with_indicator(problem, "0001", "services", 1.0), method="hamilton")
    assert int(moved.requests["0001"]) == 0
