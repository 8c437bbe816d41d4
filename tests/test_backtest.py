"""Realism, out of sample: the default model against IMDi's real requests and the baselines."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

import busetting as bs
import busetting.datasets as datasets
from busetting._backtest import MODEL, POPULATION_SHARE, PREVIOUS_SCALED
from busetting.cli import main
from busetting.datasets import CRITERION_GROUPS, FITTED_WEIGHTS


@pytest.fixture(scope="module")
def result_2023() -> bs.Backtest:
    return bs.backtest(2023)


def test_a_year_in_detail_scores_the_model_and_both_baselines(result_2023: bs.Backtest) -> None:
    l1 = result_2023.table["l1_over_n"]
    assert l1[MODEL] < l1[PREVIOUS_SCALED] < l1[POPULATION_SHARE]
    assert not hasattr(result_2023, "beats_baselines")  # no single-year verdict
    assert result_2023.total == 38_000
    assert int(result_2023.allocations[MODEL].sum()) == 38_000
    assert result_2023.fitted_on == "2021 information -> 2022 requests"


def test_the_scores_are_what_they_say(result_2023: bs.Backtest) -> None:
    frame = result_2023.allocations
    y, x = frame["real"].to_numpy(), frame[MODEL].to_numpy()
    row = result_2023.table.loc[MODEL]
    assert row["l1_over_n"] == pytest.approx(np.abs(x - y).sum() / 38_000)
    asked = y > 0
    assert row["within_25pct"] == pytest.approx(
        (np.abs(x[asked] - y[asked]) <= 0.25 * y[asked]).mean()
    )
    assert row["zero_requests"] == (x == 0).sum() == 0
    # per centrality class: requests per 1,000 residents, real and model
    c6 = frame[frame["centrality"] == 6]
    assert result_2023.by_centrality.loc[6, "real"] == pytest.approx(
        1000 * c6["real"].sum() / c6["population"].sum()
    )


def test_the_model_has_the_centre_periphery_profile_of_the_real_requests(
    result_2023: bs.Backtest,
) -> None:
    profile = result_2023.by_centrality
    real_ratio = profile.loc[6, "real"] / profile.loc[1, "real"]  # about 5x
    model_ratio = profile.loc[6, MODEL] / profile.loc[1, MODEL]
    assert real_ratio > 4
    assert abs(model_ratio - real_ratio) / real_ratio < 0.25


def _scrambled(frame: pd.DataFrame, year: int, columns: list[str]) -> pd.DataFrame:
    """``frame`` with ``year``'s figures shuffled over the municipalities (totals kept)."""
    out = frame.copy()
    rows = out.index[out["year"] == year]
    rng = np.random.default_rng(7)
    for col in columns:
        out.loc[rows, col] = rng.permutation(out.loc[rows, col].to_numpy())
    return out


def test_the_backtest_uses_no_information_of_the_year_it_predicts(
    monkeypatch: pytest.MonkeyPatch, result_2023: bs.Backtest
) -> None:
    history, grants = datasets.load_history(), datasets.load_grants()
    monkeypatch.setattr(
        datasets,
        "load_history",
        lambda: _scrambled(history, 2023, ["anmodning", "vedtak", "bosatt"]),
    )
    monkeypatch.setattr(
        datasets, "load_grants", lambda: _scrambled(grants, 2023, ["unaccompanied_minors"])
    )
    other = bs.backtest(2023)
    # the predictions are the same; only the real requests they are scored against moved
    pd.testing.assert_series_equal(other.allocations[MODEL], result_2023.allocations[MODEL])
    assert other.weights == result_2023.weights
    assert not other.allocations["real"].equals(result_2023.allocations["real"])


def test_the_shipped_default_weights_are_the_2023_fit() -> None:
    assert bs.fit_weights(2023) == FITTED_WEIGHTS
    assert sum(FITTED_WEIGHTS.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_every_fit_weighs_the_capacity_group_most_and_keeps_each_criterion(year: int) -> None:
    weights = bs.fit_weights(year)
    groups: dict[str, float] = {}
    for name, w in weights.items():
        groups[CRITERION_GROUPS[name]] = groups.get(CRITERION_GROUPS[name], 0.0) + w
    assert set(groups) == {"capacity", "accurate", "fast", "steered and spread"}
    assert groups["capacity"] == max(groups.values())
    assert min(groups.values()) >= 0.05 - 1e-9


def test_the_ministry_preset_is_available_and_loses_to_last_year() -> None:
    ministry = bs.backtest(2023, weights="ministry")
    assert ministry.fitted_on == "given"
    l1 = ministry.table["l1_over_n"]
    assert l1[MODEL] > l1[PREVIOUS_SCALED]


def test_years_outside_the_history_are_refused_with_the_range() -> None:
    with pytest.raises(bs.InputError) as info:
        bs.backtest(2021)
    assert str(info.value) == (
        "The `year` parameter of `backtest` must be an integer from 2022 to 2023 (the shipped "
        "history is 2020-2023). Got 2021 instead."
    )
    with pytest.raises(bs.InputError):
        bs.fit_weights(2020)
    assert bs.backtest(2021, weights="ministry").year == 2021


def test_cli_backtest_of_one_year_prints_the_table_and_no_verdict() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["backtest", "--year", "2023"], stdout=out, stderr=err) == 0
    text = out.getvalue()
    assert "| model | L1/N | Spearman | within ±25 % | zero requests |" in text
    assert "| previous year rescaled |" in text and "| population share |" in text
    assert "beats" not in text
    assert "atypical: 2022: the need was revised from 5,500 to 35,000" in text
    assert err.getvalue() == ""


def test_cli_backtest_json() -> None:
    out = io.StringIO()
    assert main(["backtest", "--year", "2023", "--json"], stdout=out, stderr=io.StringIO()) == 0
    payload = json.loads(out.getvalue())
    assert "beats_baselines" not in payload and payload["total"] == 38_000
    assert payload["flags"] and payload["flags"][0].startswith("2022:")
    assert {row["model"] for row in payload["scores"]} == {
        MODEL,
        POPULATION_SHARE,
        PREVIOUS_SCALED,
    }
