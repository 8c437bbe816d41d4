"""The embedded Norway data and the derived indicators, checked by hand for named places."""

from __future__ import annotations

import pandas as pd
import pytest

import busetting as bs
from busetting.datasets import (
    derive_indicators,
    load_history,
    load_municipalities,
    norway_2024,
)
from busetting.testing import assert_valid_allocation


@pytest.fixture(scope="module")
def ind() -> pd.DataFrame:
    return derive_indicators().set_index("municipality_id")


def test_loaders_return_typed_frames() -> None:
    m, h = load_municipalities(), load_history()
    assert len(m) == 357 and m["kommunenummer"].map(type).eq(str).all()
    assert m.loc[0, "kommunenummer"] == "0301" and m.loc[0, "fylkesnummer"] == "03"
    assert int(m["population"].sum()) == 5_550_203
    assert set(h["year"]) == {2022, 2023}
    assert h.groupby("year")["anmodning"].sum().to_dict() == {2022: 35_000, 2023: 38_000}
    assert "1580" not in set(h["kommunenummer"])  # Haram's history is inside Ålesund's


def test_oslo_by_hand(ind: pd.DataFrame) -> None:
    oslo = ind.loc["0301"]
    # 2023: vedtak 2,000, bosatt 2,018; GP reserve 103 %, nobody on waiting lists; centrality 1
    assert oslo["capacity"] == 2018.0
    assert oslo["settling_speed"] == pytest.approx(2018 / 2000)
    assert oslo["services"] == pytest.approx(1.03)
    assert oslo["labour_market"] == 1.0
    assert bool(oslo["minors_eligible"]) and oslo["minors_capacity"] == 202  # round(201.8)


def test_utsira_by_hand(ind: pd.DataFrame) -> None:
    utsira = ind.loc["1151"]
    # 2023: vedtak 15, bosatt 11; 215 residents, too small for a minors unit
    assert utsira["capacity"] == 15.0
    assert utsira["settling_speed"] == pytest.approx(11 / 15)
    assert not bool(utsira["minors_eligible"]) and utsira["minors_capacity"] == 0
    m = load_municipalities().set_index("kommunenummer")
    region = m[m["ba_region_nr"] == m.loc["1151", "ba_region_nr"]]
    assert utsira["labour_market"] == pytest.approx((7 - region["sentralitet"].min()) / 6)


def test_haram_shares_alesunds_joint_figures_by_population(ind: pd.DataFrame) -> None:
    # Ålesund 1508 held the joint 2023 figures (vedtak 300, bosatt 294); 2024 populations
    # are 58,509 (Ålesund) and 9,357 (Haram).
    share = 9_357 / (58_509 + 9_357)
    assert ind.loc["1580", "capacity"] == pytest.approx(300 * share)
    assert ind.loc["1508", "capacity"] == pytest.approx(300 * (1 - share))
    assert ind.loc["1580", "settling_speed"] == pytest.approx(294 / 300)
    assert ind.loc["1580", "capacity"] + ind.loc["1508", "capacity"] == pytest.approx(300)


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
    assert (problem.total, problem.minors, len(problem.municipalities)) == (37_000, 610, 357)
    weights = {c.name: c.weight for c in problem.criteria}
    assert max(weights, key=weights.__getitem__) == "capacity"
    assert sum(m.minors_eligible for m in problem.municipalities) == 80
    alloc = bs.allocate(problem)
    assert alloc.status == "optimal"
    assert_valid_allocation(problem, alloc)


def test_weights_are_parameters() -> None:
    problem = norway_2024(weights={"capacity": 0.5, "population": 0.5}, total=1_000, minors=0)
    assert [(c.name, c.weight) for c in problem.criteria] == [
        ("capacity", 0.5),
        ("population", 0.5),
    ]
    with pytest.raises(bs.InputError) as info:
        norway_2024(weights={"jobs": 1.0})
    assert str(info.value) == (
        "The `weights` parameter must name criteria among capacity, settling_speed, services, "
        "labour_market, population. Got 'jobs' instead."
    )


def test_attribution_ships_beside_the_data() -> None:
    from importlib import resources

    text = resources.files("busetting.datasets").joinpath("ATTRIBUTION.md").read_text("utf-8")
    assert "NLOD 2.0" in text and "IMDi" in text and "SSB" in text
