"""The embedded Norway data and the derived indicators, checked by hand for named places."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import busetting as bs
from busetting.datasets import (
    DEFAULT_RECIPE,
    FITTED_WEIGHTS,
    derive_indicators,
    load_grants,
    load_history,
    load_municipalities,
    norway_2024,
)
from busetting.testing import assert_valid_allocation


@pytest.fixture(scope="module")
def ind() -> pd.DataFrame:
    return derive_indicators().set_index("municipality_id")


def test_loaders_return_typed_frames() -> None:
    m, h, g = load_municipalities(), load_history(), load_grants()
    assert len(m) == 357 and m["kommunenummer"].map(type).eq(str).all()
    assert m.loc[0, "kommunenummer"] == "0301" and m.loc[0, "fylkesnummer"] == "03"
    assert int(m["population"].sum()) == 5_550_203
    assert set(h["year"]) == {2020, 2021, 2022, 2023}
    assert h.groupby("year")["anmodning"].sum().to_dict() == {
        2020: 3_602,
        2021: 5_025,
        2022: 35_000,
        2023: 38_000,
    }
    assert h.groupby("year")["anmodning_opprinnelig"].sum()[2020] == 5_120  # the mid-year cut
    assert "1580" not in set(h["kommunenummer"])  # Haram's history is inside Ålesund's
    assert set(g["year"]) == {2022, 2023} and g["kommunenummer"].map(type).eq(str).all()
    assert int((g.loc[g["year"] == 2023, "unaccompanied_minors"] > 0).sum()) == 190


def test_oslo_by_hand(ind: pd.DataFrame) -> None:
    oslo = ind.loc["0301"]
    # 2023: anmodning 2,170, vedtak 2,000, bosatt 2,018; GP reserve 103 %, nobody on waiting
    # lists; centrality 1; minors grant NOK 57,491,186 in 2022 and 110,726,435 in 2023, of
    # 1,168,712,032 paid in all in 2023 (two net repayments, negative in the table, count as
    # 0); the minors service is the mean of the grant years
    assert oslo["previous_request"] == 2170.0
    assert oslo["decision"] == 2000.0
    assert oslo["settled"] == 2018.0 and oslo["capacity"] == 2018.0
    assert oslo["settling_speed"] == pytest.approx(2018 / 2000)
    assert oslo["services"] == pytest.approx(1.03)
    assert oslo["labour_market"] == 1.0 and oslo["remoteness"] == 1.0
    service = (57_491_186 + 110_726_435) / 2
    assert bool(oslo["minors_eligible"]) and oslo["minors_service"] == service
    assert oslo["minors_max"] == math.ceil(2 * service / ind["minors_service"].sum() * 610)
    grants = load_grants()
    paid = grants.loc[grants["year"] == 2023, "unaccompanied_minors"].clip(lower=0).sum()
    assert paid == 1_168_712_032
    paid_2022 = grants.loc[grants["year"] == 2022, "unaccompanied_minors"].clip(lower=0).sum()
    assert ind["minors_service"].sum() == pytest.approx((paid + paid_2022) / 2)


def test_utsira_by_hand(ind: pd.DataFrame) -> None:
    utsira = ind.loc["1151"]
    # 2023: anmodning 20, vedtak 15, bosatt 11; 215 residents; no minors service
    assert (utsira["previous_request"], utsira["decision"], utsira["capacity"]) == (20, 15, 15)
    assert utsira["settling_speed"] == pytest.approx(11 / 15)
    assert utsira["remoteness"] == 6.0
    assert not bool(utsira["minors_eligible"]) and utsira["minors_max"] == 0
    m = load_municipalities().set_index("kommunenummer")
    region = m[m["ba_region_nr"] == m.loc["1151", "ba_region_nr"]]
    assert utsira["labour_market"] == pytest.approx((7 - region["sentralitet"].min()) / 6)


def test_a_blank_decision_is_read_as_the_request_not_as_zero(ind: pd.DataFrame) -> None:
    # Hasvik 2023: asked for 20, no decision recorded, nobody recorded settled
    hasvik = ind.loc["5616"]
    assert hasvik["previous_request"] == 20 and hasvik["decision"] == 20
    assert hasvik["capacity"] == 20 and hasvik["settling_speed"] == 1.0
    assert bool(hasvik["able_to_settle"])


def test_haram_shares_alesunds_joint_figures_by_population(ind: pd.DataFrame) -> None:
    # Ålesund 1508 held the joint 2023 figures (anmodning 470, vedtak 300, bosatt 294);
    # 2024 populations are 58,509 (Ålesund) and 9,357 (Haram).
    share = 9_357 / (58_509 + 9_357)
    assert ind.loc["1580", "capacity"] == pytest.approx(300 * share)
    assert ind.loc["1508", "capacity"] == pytest.approx(300 * (1 - share))
    assert ind.loc["1580", "previous_request"] == pytest.approx(470 * share)
    assert ind.loc["1580", "settling_speed"] == pytest.approx(294 / 300)
    assert ind.loc["1580", "capacity"] + ind.loc["1508", "capacity"] == pytest.approx(300)
    # the minors grant, joint in 1508: 15,300,834 (2022) and 13,005,583 (2023)
    assert ind.loc["1580", "minors_service"] + ind.loc["1508", "minors_service"] == (
        pytest.approx((15_300_834 + 13_005_583) / 2)
    )


def test_blank_gp_figures_are_imputed_from_the_kostra_group(ind: pd.DataFrame) -> None:
    m = load_municipalities().set_index("kommunenummer")
    assert ind["imputed"].sum() == 7
    rodoy = "1836"  # Rødøy: waiting list 100 %, reserve capacity blank
    assert bool(ind.loc[rodoy, "imputed"])
    group = m[m["kostragruppe"] == m.loc[rodoy, "kostragruppe"]]
    reserve = group["fastlege_reservekapasitet_2023"].median()
    assert ind.loc[rodoy, "services"] == pytest.approx(reserve / 100 * (1 - 100 / 100))
    assert ind[["capacity", "settling_speed", "services", "labour_market"]].notna().all().all()


def test_norway_2024_is_the_national_need_with_capacity_weighted_most() -> None:
    problem = norway_2024()
    assert (problem.total, problem.minors_total, len(problem.municipalities)) == (37_000, 610, 357)
    weights = {c.name: c.weight for c in problem.criteria}
    assert weights == DEFAULT_RECIPE.weights(FITTED_WEIGHTS)
    capacity_group = weights["previous_request"] + weights["capacity"]
    assert capacity_group > max(
        w for k, w in weights.items() if k not in ("previous_request", "capacity")
    )
    # minors: eligible where IMDi's minors grant shows a minors service (190 + Haram's share)
    eligible = {m.municipality_id for m in problem.municipalities if m.minors_eligible}
    assert len(eligible) == 191
    alloc = bs.allocate(problem)
    assert alloc.status == "optimal"
    assert_valid_allocation(problem, alloc)
    assert alloc.minors is not None
    hosts = set(alloc.minors[alloc.minors > 0].index)
    assert hosts <= eligible and len(hosts) == 57


def test_nobody_who_can_settle_is_asked_for_zero() -> None:
    alloc = bs.allocate(norway_2024())
    assert alloc.requests is not None
    assert int((alloc.requests == 0).sum()) == 0
    assert int(alloc.requests.min()) == 5


def test_a_council_that_decided_zero_is_left_free() -> None:
    hist = load_history()
    hist.loc[(hist["year"] == 2023) & (hist["kommunenummer"] == "1151"), "vedtak"] = 0
    ind = derive_indicators(history=hist).set_index("municipality_id")
    assert not bool(ind.loc["1151", "able_to_settle"])
    assert bool(ind.drop(index="1151")["able_to_settle"].all())


def test_weights_are_parameters() -> None:
    problem = norway_2024(weights={"capacity": 0.5, "population": 0.5}, total=10_000, minors=0)
    assert [(c.name, c.weight) for c in problem.criteria] == [
        ("capacity", 0.5),
        ("population", 0.5),
    ]
    ministry = norway_2024(weights="ministry")
    assert {c.name: c.weight for c in ministry.criteria}["labour_market"] == 0.2
    with pytest.raises(bs.InputError) as info:
        norway_2024(weights={"jobs": 1.0})
    assert str(info.value) == (
        "The `weights` parameter must name criteria among previous_request, capacity, "
        "settling_speed, services, labour_market, spread, population. Got 'jobs' instead."
    )


def test_a_total_below_the_floors_is_refused_with_the_amount() -> None:
    with pytest.raises(bs.InputError) as info:
        norway_2024(total=1_000, minors=0, ask_everyone=True)
    assert str(info.value) == (
        "The `total` parameter of `norway_problem` must be at least 1,785 (5 for each of the "
        "357 municipalities asked) with ask_everyone=True. Got 1,000 instead."
    )
    # by default the floors apply only when the total covers them
    small = norway_2024(total=1_000, minors=0)
    assert all(m.min is None for m in small.municipalities)
    assert all(m.min is None for m in norway_2024(ask_everyone=False).municipalities)
    assert {m.min for m in norway_2024().municipalities} == {5}


def test_attribution_ships_beside_the_data() -> None:
    from importlib import resources

    text = resources.files("busetting.datasets").joinpath("ATTRIBUTION.md").read_text("utf-8")
    assert "NLOD 2.0" in text and "IMDi" in text and "SSB" in text
