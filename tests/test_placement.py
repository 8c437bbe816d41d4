"""next_placements: house-monotone, a divisor apportionment at every moment, never above a
decision, deterministic, with its reason in en/nb/nn."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pandas as pd
import pytest
from apportionment import methods as classical
from hypothesis import given
from hypothesis import strategies as st

import busetting as bs
from busetting._methods import Method, exact_signpost_key

DIVISORS = ["webster", "dhondt", "adams", "huntington_hill", "dean"]


def decision_vectors(max_n: int = 6, max_d: int = 40) -> st.SearchStrategy[dict[str, int]]:
    return (
        st.lists(st.integers(0, max_d), min_size=1, max_size=max_n)
        .filter(any)
        .map(lambda ds: {f"{i + 1:04d}": d for i, d in enumerate(ds)})
    )


def _priority(method: Method, d: int, x: int) -> Fraction | float:
    """d / s(x) (squared for Huntington-Hill), infinite at a zero signpost."""
    post = exact_signpost_key(method, x)
    if post == 0:
        return math.inf if d > 0 else 0
    top = d * d if method is Method.HUNTINGTON_HILL else d
    return Fraction(top) / post


def is_divisor_apportionment(method: str, decisions: dict[str, int], x: dict[str, int]) -> bool:
    """Balinski and Young's min-max test: x is an apportionment of sum(x) by the divisor
    method if and only if min over x_i > 0 of d_i / s(x_i - 1) >= max over j of d_j / s(x_j)."""
    m = Method(method)
    given_last = [_priority(m, decisions[i], x[i] - 1) for i in x if x[i] > 0]
    next_up = [_priority(m, decisions[j], x[j]) for j in x]
    return not given_last or min(given_last) >= max(next_up)


def brute_force_apportionments(method: str, decisions: dict[str, int], n: int) -> set[tuple]:
    """Every vector with sum n passing the min-max test, by enumeration (tiny cases only)."""
    ids = sorted(decisions)
    out = set()
    for combo in itertools.product(range(n + 1), repeat=len(ids)):
        if sum(combo) == n and is_divisor_apportionment(
            method, decisions, dict(zip(ids, combo, strict=True))
        ):
            out.add(combo)
    return out


def placed_counts(p: bs.Placements, ids: list[str]) -> dict[str, int]:
    counts = p.counts().to_dict()
    return {i: int(counts.get(i, 0)) for i in ids}


@given(decision_vectors(), st.integers(0, 60), st.sampled_from(DIVISORS))
def test_placing_k_then_one_more_is_placing_k_plus_one(
    decisions: dict[str, int], k: int, method: str
) -> None:
    room = sum(decisions.values())
    k = min(k, room - 1)
    first = bs.next_placements(decisions, None, k, method=method)
    then = bs.next_placements(decisions, first.settled, 1, method=method)
    whole = bs.next_placements(decisions, None, k + 1, method=method)
    order = [*first.table["municipality_id"], *then.table["municipality_id"]]
    assert order == whole.table["municipality_id"].tolist()
    assert then.settled.to_dict() == whole.settled.to_dict()


@given(decision_vectors(), st.sampled_from(DIVISORS))
def test_after_any_number_of_placements_the_settled_vector_is_a_divisor_apportionment(
    decisions: dict[str, int], method: str
) -> None:
    ids = sorted(decisions)
    total = sum(decisions.values())
    placed = bs.next_placements(decisions, None, total, method=method)
    x = dict.fromkeys(ids, 0)
    for mid in placed.table["municipality_id"]:
        x[mid] += 1
        assert is_divisor_apportionment(method, decisions, x), (x, decisions)


@given(decision_vectors(max_n=3, max_d=6), st.sampled_from(DIVISORS))
def test_the_settled_vector_is_one_the_brute_force_finds(
    decisions: dict[str, int], method: str
) -> None:
    ids = sorted(decisions)
    for n in range(1, min(sum(decisions.values()), 7) + 1):
        placed = bs.next_placements(decisions, None, n, method=method)
        got = tuple(placed_counts(placed, ids)[i] for i in ids)
        assert got in brute_force_apportionments(method, decisions, n)


def has_tie(method: str, decisions: dict[str, int], x: dict[str, int]) -> bool:
    """Whether another apportionment of the same total exists (the min-max test is tight)."""
    m = Method(method)
    given_last = [_priority(m, decisions[i], x[i] - 1) for i in x if x[i] > 0]
    next_up = [_priority(m, decisions[j], x[j]) for j in x]
    return bool(given_last) and min(given_last) == max(next_up)


@given(st.lists(st.integers(1, 200), min_size=2, max_size=8), st.integers(1, 300))
def test_webster_from_zero_is_the_classical_sainte_lague_apportionment(
    votes: list[int], n: int
) -> None:
    decisions = {f"{i + 1:04d}": v for i, v in enumerate(votes)}
    n = min(n, sum(votes))
    ours = placed_counts(bs.next_placements(decisions, None, n), sorted(decisions))
    theirs = classical.compute("saintelague", votes, n, verbose=False)
    assert is_divisor_apportionment("webster", decisions, ours)
    if not has_tie("webster", decisions, ours):  # then the apportionment is unique
        assert list(ours.values()) == list(theirs)


@given(
    decision_vectors(max_n=8, max_d=50),
    st.lists(st.integers(0, 60), min_size=8, max_size=8),
    st.integers(0, 200),
)
def test_no_decision_is_exceeded_from_any_start(
    decisions: dict[str, int], start: list[int], k: int
) -> None:
    settled = {mid: min(s, d) for (mid, d), s in zip(decisions.items(), start, strict=False)}
    room = sum(d - settled[m] for m, d in decisions.items())
    placed = bs.next_placements(decisions, settled, min(k, room))
    assert all(placed.settled[m] <= d for m, d in decisions.items())
    assert placed.settled.sum() == sum(settled.values()) + min(k, room)


def test_more_than_the_room_left_is_refused_unless_allowed() -> None:
    with pytest.raises(bs.InputError, match=r"leave room for 3 .*allow_above=True"):
        bs.next_placements({"0001": 5, "0002": 2}, {"0001": 4, "0002": 0}, 4)
    placed = bs.next_placements({"0001": 5, "0002": 2}, {"0001": 4, "0002": 0}, 4, allow_above=True)
    # Webster from (4, 0): 0002 (2/0.5), 0002 (2/1.5), 0001 (5/4.5), 0001 (5/5.5 > 2/2.5)
    assert placed.table["municipality_id"].tolist() == ["0002", "0002", "0001", "0001"]
    assert placed.settled.to_dict() == {"0001": 6, "0002": 2}
    assert "above its decision" in placed.table["reason"].iloc[-1]


def test_same_input_same_placements_in_any_row_order() -> None:
    decisions = {"0301": 600, "4601": 600, "1103": 300, "5001": 150}
    settled = {"0301": 100, "4601": 100, "1103": 50, "5001": 20}
    a = bs.next_placements(decisions, settled, 25)
    b = bs.next_placements(
        pd.Series(decisions).iloc[::-1], pd.Series(settled).sample(frac=1, random_state=3), 25
    )
    pd.testing.assert_frame_equal(a.table, b.table)


def test_equal_priorities_go_to_the_larger_decision_then_the_lower_id() -> None:
    # Webster: 3 / 1.5 == 1 / 0.5 == 2 -> the larger decision (0002) first
    placed = bs.next_placements({"0001": 1, "0002": 3}, {"0001": 0, "0002": 1}, 1)
    assert placed.table["municipality_id"].tolist() == ["0002"]
    placed = bs.next_placements({"0009": 4, "0003": 4}, None, 2)
    assert placed.table["municipality_id"].tolist() == ["0003", "0009"]


def test_each_placement_has_its_reason_in_english_bokmal_and_nynorsk() -> None:
    names = pd.DataFrame(
        {"name": ["Bergen", "Voss", "Oslo"], "county": ["Vestland", "Vestland", "Oslo"]},
        index=["4601", "4621", "0301"],
    )
    decisions = {"4601": 600, "4621": 100, "0301": 2000}
    settled = {"4601": 410, "4621": 80, "0301": 1800}
    reasons = {
        lang: bs.next_placements(decisions, settled, 1, municipalities=names, language=lang).table[
            "reason"
        ][0]
        for lang in ("en", "nb", "nn")
    }
    assert reasons["en"] == (
        "Bergen has settled 410 of 600 (68.3%); Webster priority 600/410.5 = 1.462, "
        "the highest of all; the lowest share in Vestland"
    )
    assert reasons["nb"] == (
        "Bergen har bosatt 410 av 600 (68,3\u00a0%); Webster-prioritet 600/410,5 = 1,462, "
        "den høyeste av alle; den laveste andelen i Vestland"
    )
    assert reasons["nn"] == (
        "Bergen har busett 410 av 600 (68,3\u00a0%); Webster-prioritet 600/410,5 = 1,462, "
        "den høgaste av alle; den lågaste delen i Vestland"
    )


def test_minors_are_placed_separately_over_the_minors_decisions() -> None:
    placed = bs.next_placements(
        {"0001": 100, "0002": 100},
        None,
        2,
        minors_decisions={"0002": 8},
        minors_settled={"0002": 2},
        minors_k=3,
    )
    minors = placed.table[placed.table["kind"] == "minor"]
    assert minors["municipality_id"].tolist() == ["0002"] * 3
    assert minors["settled_before"].tolist() == [2, 3, 4]
    assert placed.minors_settled.to_dict() == {"0002": 5}
    assert placed.table["order"].tolist() == [1, 2, 3, 4, 5]
    assert minors["reason"].iloc[0].startswith("0002 has settled 2 of 8 minors decided (25.0%)")


def test_bad_counts_are_listed_in_one_failure_table() -> None:
    with pytest.raises(bs.InputError) as info:
        bs.next_placements({"0001": -1, "0002": 2.5, "0003": "ti"}, None, 1)
    cases = info.value.failure_cases
    assert cases["municipality_id"].tolist() == ["0001", "0002", "0003"]
    assert set(cases["reason"]) == {"must be a whole number >= 0"}
    with pytest.raises(bs.InputError, match="has no decision"):
        bs.next_placements({"0001": 5}, {"0002": 1}, 1)
    with pytest.raises(bs.InputError, match="must be a divisor method"):
        bs.next_placements({"0001": 5}, None, 1, method="hamilton")
