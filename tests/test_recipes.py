"""Recipes of the default, the rolling-origin backtest of recipes and the selection rule."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

import busetting as bs
from busetting._backtest import BACKTEST_RULES, RULE, RecipeBacktest, _only, _requests
from busetting._recipes import county_totals_at_shares
from busetting.cli import main
from busetting.datasets import (
    DEFAULT_RECIPE,
    FITTED_WEIGHTS,
    norway_2024,
    norway_problem,
    with_recipe,
)


@pytest.fixture(scope="module")
def every_recipe() -> bs.RecipeBacktest:
    return bs.backtest_recipes()


# -- recipes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [*bs.RECIPES, "ministry+lean=0.25+county", "fitted+lean=1"])
def test_a_spec_reads_back_to_the_same_recipe(spec: str) -> None:
    recipe = bs.parse_recipe(spec)
    assert bs.parse_recipe(recipe.spec) == recipe
    assert sum(recipe.weights(FITTED_WEIGHTS).values()) == pytest.approx(1.0)


def test_every_named_recipe_is_named_by_its_spec() -> None:
    assert all(name == recipe.spec for name, recipe in bs.RECIPES.items())


@pytest.mark.parametrize(
    ("spec", "part"),
    [("lastyear", "'lastyear'"), ("fitted+lean=1.5", "'1.5'"), ("fitted+cap", "'cap'"), ("", "")],
)
def test_a_bad_spec_is_a_typed_error_naming_what_is_wrong(spec: str, part: str) -> None:
    with pytest.raises(bs.InputError) as info:
        bs.parse_recipe(spec)
    assert part in str(info.value)


def test_lean_is_the_weight_on_last_years_request() -> None:
    mixed = bs.Recipe("ministry", lean=0.25).weights()
    assert mixed["previous_request"] == pytest.approx(0.25)
    assert mixed["capacity"] == pytest.approx(0.75 * bs.DEFAULT_WEIGHTS["capacity"])
    assert bs.Recipe("persistence").weights() == {"previous_request": 1.0}
    with pytest.raises(bs.InputError, match="needs fitted weights"):
        bs.Recipe("fitted").weights()


def test_persistence_is_last_years_request_through_the_same_method_rules_and_floor() -> None:
    problem = norway_problem(2023, total=38_000, recipe="persistence", rules=BACKTEST_RULES)
    assert [(c.name, c.weight) for c in problem.criteria] == [("previous_request", 1.0)]
    fitted = norway_problem(2023, total=38_000, recipe="fitted", rules=BACKTEST_RULES)
    assert problem.rules == fitted.rules
    method = bs.Method.WEBSTER
    rescaled = _requests(_only(fitted, "previous_request"), method)
    np.testing.assert_array_equal(_requests(problem, method), rescaled)
    floors = problem.to_frame()["min"]
    assert (floors == 5).sum() >= 350  # the floor: everyone who can settle is asked
    assert (rescaled >= floors.to_numpy()).all()


def test_weights_and_a_recipe_exclude_each_other() -> None:
    with pytest.raises(bs.InputError, match="exclude each other"):
        norway_problem(2023, total=38_000, weights="ministry", recipe="persistence")


def test_county_totals_follow_last_years_shares_in_whole_units_above_the_floors() -> None:
    previous = pd.Series([0.0, 0.0, 90.0, 10.0, 0.0])
    counties = pd.Series(["A", "A", "B", "B", "C"])
    floors = pd.Series([5, 5, 5, 5, 5])
    totals = county_totals_at_shares(previous, counties, 200, floors=floors, granularity=5)
    assert sum(totals.values()) == 200
    assert all(v % 5 == 0 for v in totals.values())
    assert totals["A"] == 10 and totals["C"] == 5  # held at their floors, not 0
    assert totals["B"] == 185


def test_the_county_recipe_holds_every_county_at_last_years_share() -> None:
    problem = norway_problem(2023, total=38_000, recipe="fitted+county", rules=BACKTEST_RULES)
    totals = problem.rules.county_totals
    assert totals is not None and sum(totals.values()) == 38_000
    alloc = bs.allocate(problem).raise_for_status()
    frame = alloc.to_frame()
    assert frame.groupby("county")["request"].sum().to_dict() == totals
    previous = pd.Series([m.indicators["previous_request"] for m in problem.municipalities])
    share = previous.groupby(frame["county"].to_numpy()).sum() / previous.sum()
    for county, total in totals.items():
        assert abs(total - share[county] * 38_000) <= 5


# -- the rolling-origin backtest -------------------------------------------------------------


def test_every_year_the_data_allows_is_scored_and_persistence_is_the_baseline(
    every_recipe: bs.RecipeBacktest,
) -> None:
    years = {
        spec: sorted(every_recipe.scores.xs(spec, level="recipe").index)
        for spec in every_recipe.recipes
    }
    assert years["persistence"] == [2021, 2022, 2023]
    assert years["ministry"] == [2021, 2022, 2023]
    assert years["fitted"] == [2022, 2023]  # the fit needs the year before
    assert every_recipe.years == (2022, 2023)
    assert every_recipe.recipes[0] == "persistence"
    assert set(every_recipe.recipes) == set(bs.RECIPES)


def test_margins_are_l1_differences_with_intervals_and_pooled_means(
    every_recipe: bs.RecipeBacktest,
) -> None:
    scores, pooled = every_recipe.scores, every_recipe.pooled
    for year in (2021, 2022, 2023):
        frame = every_recipe.allocations[year]
        y = frame["real"].to_numpy()
        base = np.abs(frame["persistence"].to_numpy() - y).sum() / y.sum()
        for spec in frame.columns[1:]:
            row = scores.loc[(year, spec)]
            l1 = np.abs(frame[spec].to_numpy() - y).sum() / y.sum()
            assert row["l1_over_n"] == pytest.approx(l1)
            assert row["margin"] == pytest.approx(l1 - base)
            assert row["margin_low"] <= row["margin_high"]
    for spec in every_recipe.recipes:
        per_year = scores.xs(spec, level="recipe").loc[[2022, 2023]]
        assert pooled.loc[spec, "margin"] == pytest.approx(per_year["margin"].mean())
        assert pooled.loc[spec, "worst_margin"] == pytest.approx(per_year["margin"].max())
    assert (scores.xs("persistence", level="recipe")["margin_high"] == 0).all()


def test_atypical_years_are_flagged(every_recipe: bs.RecipeBacktest) -> None:
    assert any("5,500 to 35,000" in note for note in every_recipe.flags[2023])
    assert any("211 of 356" in note for note in every_recipe.flags[2021])
    assert every_recipe.scores["atypical"].all()


def test_the_bootstrap_is_seeded_and_paired_and_the_pick_ignores_the_order(
    every_recipe: bs.RecipeBacktest,
) -> None:
    again = bs.backtest_recipes(list(reversed(every_recipe.recipes)))
    assert again.recipes[0] == "persistence" and again.recipes[1] == every_recipe.recipes[-1]
    assert bs.choose_default(again) == bs.choose_default(every_recipe)
    pd.testing.assert_frame_equal(again.pooled.loc[list(every_recipe.recipes)], every_recipe.pooled)
    other = bs.backtest_recipes(["fitted"], seed=1)
    assert other.pooled.loc["fitted", "margin"] == every_recipe.pooled.loc["fitted", "margin"]
    assert (
        other.pooled.loc["fitted", "margin_low"] != every_recipe.pooled.loc["fitted", "margin_low"]
    )


# -- the rule and the shipped default --------------------------------------------------------


def _synthetic(margins: dict[str, tuple[list[float], tuple[float, float]]]) -> RecipeBacktest:
    """A backtest with the given per-year margins (intervals +-0.01) and pooled intervals."""
    rows, pooled = [], []
    for spec, (per_year, (low, high)) in margins.items():
        for year, m in zip((2022, 2023), per_year, strict=True):
            rows.append(
                {
                    "year": year,
                    "recipe": spec,
                    "margin": m,
                    "margin_low": m - 0.01,
                    "margin_high": m + 0.01,
                }
            )
        pooled.append(
            {
                "recipe": spec,
                "margin": float(np.mean(per_year)),
                "margin_low": low,
                "margin_high": high,
                "worst_margin": max(per_year),
            }
        )
    return RecipeBacktest(
        recipes=tuple(margins),
        years=(2022, 2023),
        scores=pd.DataFrame(rows).set_index(["year", "recipe"]),
        pooled=pd.DataFrame(pooled).set_index("recipe"),
        flags={},
        weights={},
        allocations={},
    )


def test_the_rule_takes_the_best_worst_year_among_those_sure_to_beat_persistence() -> None:
    candidates = {
        "persistence": ([0.0, 0.0], (0.0, 0.0)),
        "a": ([-0.05, -0.02], (-0.04, -0.01)),  # qualifies, worst year -0.02
        "b": ([-0.03, -0.03], (-0.04, -0.02)),  # qualifies, worst year -0.03: the pick
        "c": ([-0.20, -0.005], (-0.15, -0.05)),  # pooled sure, but 2023 crosses 0
        "d": ([-0.09, -0.08], (-0.2, 0.01)),  # the pooled interval crosses 0
    }
    assert bs.choose_default(_synthetic(candidates)) == "b"
    names = list(candidates)
    for order in (names[::-1], [names[0], "d", "b", "c", "a"]):
        assert bs.choose_default(_synthetic({k: candidates[k] for k in order})) == "b"
    tie = {**candidates, "a": ([-0.03, -0.03], (-0.04, -0.02))}
    assert bs.choose_default(_synthetic(tie)) == "a"  # same margins: alphabetical
    none = {k: candidates[k] for k in ("persistence", "c", "d")}
    assert bs.choose_default(_synthetic(none)) == "persistence"


def test_the_shipped_default_is_the_pick_of_the_rule(every_recipe: bs.RecipeBacktest) -> None:
    assert bs.choose_default(every_recipe) == DEFAULT_RECIPE.spec
    weights = {c.name: c.weight for c in norway_2024().criteria}
    assert weights == DEFAULT_RECIPE.weights(FITTED_WEIGHTS)


# -- the command line ------------------------------------------------------------------------


def test_cli_backtest_json_gives_per_year_and_pooled_margins_for_every_recipe() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["backtest", "--recipes", "fitted,ministry+lean=0.5", "--samples", "200", "--json"],
        stdout=out,
        stderr=err,
    )
    assert code == 0, err.getvalue()
    payload = json.loads(out.getvalue())
    assert payload["rule"] == RULE and payload["bootstrap_samples"] == 200
    pooled = {row["recipe"]: row for row in payload["pooled"]}
    assert set(pooled) == {"persistence", "fitted", "ministry+lean=0.5"}
    for row in pooled.values():
        assert row["margin_low"] <= row["margin_high"]
    per_year = {(row["year"], row["recipe"]) for row in payload["per_year"]}
    assert (2021, "ministry+lean=0.5") in per_year and (2023, "fitted") in per_year
    assert payload["default"] in pooled


def test_cli_backtest_prints_the_tables_and_the_pick() -> None:
    out = io.StringIO()
    assert main(["backtest", "--recipes", "fitted", "--samples", "100"], stdout=out) == 0
    text = out.getvalue()
    assert "| 2023 * | fitted |" in text and "Pooled over 2022, 2023" in text
    assert "The rule of docs/realism.md picks:" in text


def test_cli_backtest_refuses_an_unknown_recipe_and_recipes_with_a_year() -> None:
    err = io.StringIO()
    with pytest.raises(SystemExit) as info:
        main(["backtest", "--recipes", "magic"], stdout=io.StringIO(), stderr=err)
    assert info.value.code == 2
    err = io.StringIO()
    code = main(
        ["backtest", "--recipes", "fitted", "--year", "2023"], stdout=io.StringIO(), stderr=err
    )
    assert code == 2 and "--recipes" in err.getvalue()


def test_cli_allocate_takes_a_recipe_for_the_embedded_data() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["allocate", "--recipe", "persistence", "--json"], stdout=out, stderr=err) == 0
    data = json.loads(out.getvalue())
    assert [(c["name"], c["weight"]) for c in data["criteria"]] == [("previous_request", 1.0)]
    assert sum(m["request"] for m in data["municipalities"]) == 37_000
    err = io.StringIO()
    code = main(
        ["allocate", "--recipe", "persistence", "--weights", "ministry"],
        stdout=io.StringIO(),
        stderr=err,
    )
    assert code == 2 and "exclude each other" in err.getvalue()


def test_the_backtest_of_recipes_uses_no_information_of_the_year_it_predicts(
    monkeypatch: pytest.MonkeyPatch, every_recipe: bs.RecipeBacktest
) -> None:
    import busetting.datasets as datasets

    history, grants = datasets.load_history(), datasets.load_grants()
    rows = history.index[history["year"] == 2023]
    scrambled = history.copy()
    rng = np.random.default_rng(3)
    for col in ("anmodning", "vedtak", "bosatt"):
        scrambled.loc[rows, col] = rng.permutation(scrambled.loc[rows, col].to_numpy())
    g = grants.copy()
    grows = g.index[g["year"] == 2023]
    g.loc[grows, "unaccompanied_minors"] = rng.permutation(
        g.loc[grows, "unaccompanied_minors"].to_numpy()
    )
    monkeypatch.setattr(datasets, "load_history", lambda: scrambled)
    monkeypatch.setattr(datasets, "load_grants", lambda: g)
    other = bs.backtest_recipes(["fitted+lean=0.5", "fitted+county"], samples=10)
    before, after = every_recipe.allocations[2023], other.allocations[2023]
    for spec in ("persistence", "fitted+lean=0.5", "fitted+county"):
        pd.testing.assert_series_equal(after[spec], before[spec])
    assert not after["real"].equals(before["real"])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"samples": 5}, "samples"), ({"seed": -1}, "seed"), ({"interval": 1.5}, "interval")],
)
def test_bad_bootstrap_parameters_are_typed_errors(kwargs: dict[str, float], name: str) -> None:
    with pytest.raises(bs.InputError, match=f"`{name}`"):
        bs.backtest_recipes(["fitted"], **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("spec", ["fitted+county", "ministry+lean=0.5", "persistence"])
def test_a_recipe_applied_to_a_built_problem_is_the_problem_built_with_it(spec: str) -> None:
    built = norway_problem(2023, total=38_000, recipe=spec, rules=BACKTEST_RULES)
    base = norway_problem(2023, total=38_000, recipe="persistence", rules=BACKTEST_RULES)
    applied = with_recipe(base, spec)
    assert applied.criteria == built.criteria and applied.rules == built.rules
    with pytest.raises(bs.InputError, match="already hold county totals"):
        with_recipe(with_recipe(base, "fitted+county"), "persistence+county")
