"""A cut never raises a request, an increase never lowers one, and the key at a cut."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import busetting as bs
from busetting.datasets import load_history_2020_2021, norway_2024, observed_requests


@cache
def _norway() -> bs.Problem:
    return norway_2024()


@cache
def _previous(source: str) -> pd.Series:
    if source == "allocation":
        requests = bs.allocate(_norway()).requests
        assert requests is not None
        return requests
    return observed_requests(int(source)).reindex(_norway().ids, fill_value=0)


@settings(max_examples=25, deadline=None)
@given(
    source=st.sampled_from(["allocation", "2021", "2023"]),
    fraction=st.floats(0.3, 1.7),
    key=st.sampled_from(["original", "commitment"]),
    seed=st.integers(0, 10_000),
)
def test_a_cut_never_raises_and_an_increase_never_lowers_a_request(
    source: str, fraction: float, key: str, seed: int
) -> None:
    previous = _previous(source)
    rng = np.random.default_rng(seed)
    asked = [i for i in previous.index if previous[i] > 0]
    decided = rng.choice(asked, size=len(asked) // 4, replace=False)
    decisions = {str(i): int(rng.integers(0, previous[i] + 1)) for i in decided}
    total = max(0, round(int(previous.sum()) * fraction))
    rev = bs.revise(
        previous, problem=_norway(), decisions=decisions, total=total, minors=0, cut_key=key
    )
    if rev.status != "optimal":
        assert rev.allocation.diagnosis
        return
    new = rev.allocation.requests
    assert new is not None and int(new.sum()) == total
    commitment = previous.copy()
    for i, d in decisions.items():
        commitment[i] = d
    if rev.direction == "down":
        risen = new[new > previous]
        assert risen.empty, f"a cut raised {risen.to_dict()}"
        assert (new <= commitment).all()
    elif rev.direction == "up":
        fallen = new[new < commitment]
        assert fallen.empty, f"an increase lowered {fallen.to_dict()}"


def test_a_floor_above_the_request_gives_way_in_a_cut_and_the_result_says_so() -> None:
    previous = _previous("2021")
    zero = [i for i in previous.index if previous[i] == 0]
    rev = bs.revise(previous, problem=_norway(), total=int(previous.sum() * 0.8), minors=0)
    assert rev.direction == "down" and rev.status == "optimal"
    new = rev.allocation.requests
    assert new is not None
    assert (new[zero] == 0).all()  # the old code asked each of them for 5
    assert "4028" in zero and int(new["4028"]) == 0  # Kviteseid: 0 -> 5 must not happen
    assert set(zero) <= set(rev.gave_way) and all(v == 5 for v in rev.gave_way.values())
    frame = rev.to_frame()
    assert frame.loc[zero, "floor_given_way"].eq(5).all()
    assert "planning floor gave way" in repr(rev)


def test_the_cut_key_is_checked_and_named() -> None:
    with pytest.raises(bs.InputError, match="`cut_key` parameter of `revise`"):
        bs.revise(_previous("allocation"), problem=_norway(), cut_key="share")


def test_the_commitment_key_spreads_a_cut_in_proportion_to_the_commitments() -> None:
    ms = [
        bs.Municipality(municipality_id=f"000{i}", name=f"K{i}", population=100)
        for i in range(1, 5)
    ]
    problem = bs.Problem(municipalities=ms, criteria={"population": 1.0}, need=bs.Need(total=100))
    previous = {"0001": 10, "0002": 20, "0003": 30, "0004": 40}
    by_key = bs.revise(previous, problem=problem, total=50)
    by_commitment = bs.revise(previous, problem=problem, total=50, cut_key="commitment")
    assert by_commitment.cut_key == "commitment"
    assert by_commitment.allocation.requests.tolist() == [5, 10, 15, 20]
    # the population key is flat: everybody is cut towards 12.5 within their request
    flat = by_key.allocation.requests.tolist()
    assert flat[0] == 10 and sorted(flat[1:]) == [13, 13, 14]


def test_both_cut_keys_on_the_real_2020_cut_raise_nobody() -> None:
    h = load_history_2020_2021()
    y20 = h[h["year"] == 2020].set_index("kommunenummer")
    original = y20["anmodning_opprinnelig"].fillna(0).astype(int)
    decided = y20["vedtak"].dropna().astype(int)
    need = int(y20["anmodning"].fillna(0).sum())
    ms = [
        bs.Municipality(
            municipality_id=i,
            name=y20.loc[i, "kommune"],
            population=0,
            indicators={"key": float(original[i])},
        )
        for i in y20.index
    ]
    problem = bs.Problem(
        municipalities=ms, criteria={"key": 1.0}, need=bs.Need(total=int(original.sum()))
    )
    for key in ("original", "commitment"):
        rev = bs.revise(original, problem=problem, decisions=decided, total=need, cut_key=key)
        x = rev.raise_for_status().allocation.requests
        assert int(x.sum()) == need
        assert (x <= original).all()
        assert (x.reindex(decided.index) <= decided).all()
