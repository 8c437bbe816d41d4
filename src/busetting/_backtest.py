"""Realism, judged out of sample: fit the weights on the past, predict a year, score it.

For a year ``Y`` the backtest does what an analyst could have done in the autumn of ``Y - 1``:

1. **fit** the weights of the Norway requests key on the year before (indicators of
   ``Y - 2`` against IMDi's real requests of ``Y - 1``; :func:`fit_weights`);
2. **build** year ``Y``'s problem from the indicators of ``Y - 1`` (:func:`~busetting.datasets.
   norway_problem`) and allocate ``Y``'s real national total with the process rules;
3. **score** the allocation against IMDi's real requests of ``Y``, next to two baselines
   an analyst gets for free: population share, and last year's requests rescaled to the new
   total (both allocated by the same method and rules).

Nothing of year ``Y`` enters but its national total. Scores: ``L1/N`` (``sum |x - y| / N``),
Spearman's rank correlation, the share of municipalities within ±25 % of their real request,
the number of zero requests, and per county and per SSB centrality class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from busetting._allocate import allocate
from busetting._calibrate import continuous_fit
from busetting._criteria import build_key
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._methods import Method, parse_method
from busetting._model import Criterion, Problem, Rules
from busetting._recipes import RECIPES, Recipe, parse_recipe
from busetting.datasets import (
    CRITERION_GROUPS,
    HISTORY_YEARS,
    PROCESS_RULES_2024,
    load_municipalities,
    norway_problem,
    observed_requests,
    with_recipe,
)

__all__ = [
    "BACKTEST_RULES",
    "Backtest",
    "RecipeBacktest",
    "backtest",
    "backtest_recipes",
    "backtest_years",
    "choose_default",
    "fit_weights",
    "year_flags",
]

BACKTEST_RULES = Rules.model_validate(
    {**PROCESS_RULES_2024.model_dump(), "minors_min_group": 0, "max_minors_hosts": None}
)
"""The process rules for the requests of a backtest: multiples of 5, minimum 5 (the history
has no minors per municipality, so the minors rules do not apply)."""

WEIGHT_DECIMALS = 3
"""Fitted weights are rounded to this many decimals (the largest absorbs the rounding)."""

GROUP_FLOOR = 0.05
"""Each of the ministry's four criteria (capacity, accurate, fast, steered and spread) keeps
at least this much weight in a fit: the criteria are the ministry's, so none is fitted away."""

MODEL = "model"
POPULATION_SHARE = "population share"
PREVIOUS_SCALED = "previous year rescaled"


def _check_year(year: int, first: int, what: str) -> None:
    last = HISTORY_YEARS[-1]
    if not isinstance(year, int) or isinstance(year, bool) or not first <= year <= last:
        raise InputError(
            f"The `year` parameter of `{what}` must be an integer from {first} to {last} "
            f"(the shipped history is {HISTORY_YEARS[0]}-{last}). Got {year!r} instead."
        )


def fit_weights(year: int) -> dict[str, float]:
    """The requests-key weights that best reproduce IMDi's real requests of ``year``.

    The problem of ``year`` is built from the indicators of ``year - 1`` only; the weights
    minimise ``sum |N sum_c w_c a_ic - y_i| / N`` over the simplex (a linear program, exact
    and deterministic), with the capacity group (previous request, capacity) weighing at
    least as much as each other group of the ministry's criteria. Weights are rounded to
    :data:`WEIGHT_DECIMALS` decimals.

    Parameters
    ----------
    year : int
        The year whose requests are fitted (2021-2023).

    Returns
    -------
    dict of str to float
        Weight by criterion name, summing to 1.

    Examples
    --------
    >>> from busetting import fit_weights
    >>> w = fit_weights(2023)                     # 2022 information -> 2023 requests
    >>> round(sum(w.values()), 9), max(w, key=w.get)
    (1.0, 'capacity')
    """
    check_types(fit_weights, locals())
    _check_year(year, HISTORY_YEARS[1], "fit_weights")
    observed = observed_requests(year)
    total = int(observed.sum())
    equal = dict.fromkeys(CRITERION_GROUPS, 1.0 / len(CRITERION_GROUPS))
    problem = norway_problem(year, total=total, weights=equal, rules=Rules(), ask_everyone=False)
    shares = build_key(problem).shares
    names = [c.name for c in problem.criteria]
    groups: dict[str, list[int]] = {}
    for j, name in enumerate(names):
        groups.setdefault(CRITERION_GROUPS[name], []).append(j)
    dominates = [(groups["capacity"], cols) for g, cols in groups.items() if g != "capacity"]
    y = observed.reindex(problem.ids).to_numpy(dtype=float)
    floors = [(cols, GROUP_FLOOR) for cols in groups.values()]
    w, _ = continuous_fit(shares, y, dominates=dominates, floors=floors)
    return _rounded(dict(zip(names, w, strict=True)))


def _rounded(weights: Mapping[str, float]) -> dict[str, float]:
    out = {k: round(float(v), WEIGHT_DECIMALS) for k, v in weights.items()}
    largest = max(out, key=lambda k: (out[k], k))
    out[largest] = round(out[largest] + 1.0 - sum(out.values()), WEIGHT_DECIMALS)
    return out


@dataclass(frozen=True, eq=False)
class Backtest:
    """The scores of a backtest year: the model against the baselines.

    Attributes
    ----------
    year : int
    total : int
        The real national total of ``year`` that was allocated.
    weights : dict
        The weights used (fitted on ``fitted_on`` unless given).
    fitted_on : str
        Where the weights came from.
    table : DataFrame
        One row per model (``model``, ``population share``, ``previous year rescaled``):
        ``l1_over_n``, ``spearman``, ``within_25pct``, ``zero_requests``.
    allocations : DataFrame
        Per municipality: name, county, centrality, population, the real request and each
        model's request.
    by_county : DataFrame
        ``L1 / real county total`` per county and model.
    by_centrality : DataFrame
        Requests per 1,000 residents per SSB centrality class, real and per model.
    """

    year: int
    total: int
    weights: dict[str, float]
    fitted_on: str
    table: pd.DataFrame
    allocations: pd.DataFrame = field(repr=False)
    by_county: pd.DataFrame = field(repr=False)
    by_centrality: pd.DataFrame = field(repr=False)

    def to_markdown(self) -> str:
        """The score table as Markdown (what ``busetting backtest`` prints)."""
        lines = [
            "| model | L1/N | Spearman | within ±25 % | zero requests |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, row in self.table.iterrows():
            lines.append(
                f"| {name} | {row['l1_over_n']:.4f} | {row['spearman']:.3f} | "
                f"{row['within_25pct']:.1%} | {int(row['zero_requests'])} |"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        l1 = self.table["l1_over_n"]
        return (
            f"Backtest(year={self.year}, total={self.total:,}, L1/N model {l1[MODEL]:.4f}, "
            f"population share {l1[POPULATION_SHARE]:.4f}, previous year rescaled "
            f"{l1[PREVIOUS_SCALED]:.4f}; weights fitted on {self.fitted_on})"
        )


def backtest(
    year: int,
    *,
    weights: Mapping[str, float] | str | None = None,
    method: Method | str = "webster",
    rules: Rules = BACKTEST_RULES,
) -> Backtest:
    """Predict IMDi's requests of ``year`` from what was known before it, and score them.

    Parameters
    ----------
    year : int
        2022 or 2023 with fitted weights (the fit needs the two years before); 2021-2023
        with explicit ``weights``.
    weights : mapping, "fitted" or "ministry", optional
        Default: fitted on the year before (:func:`fit_weights` of ``year - 1``), so no
        information of ``year`` but its national total is used.
    method : Method or str
        Apportionment method of the model and the baselines (default Webster).
    rules : Rules
        Process rules of the model and the baselines (default :data:`BACKTEST_RULES`).

    Returns
    -------
    Backtest
        The weights used, the model's and the baselines' predictions and their scores.

    Examples
    --------
    >>> import busetting as bs
    >>> result = bs.backtest(2023)
    >>> result.total, list(result.table.index)
    (38000, ['model', 'population share', 'previous year rescaled'])
    """
    check_types(backtest, locals())
    method_ = parse_method(method, caller="backtest")
    if weights is None:
        _check_year(year, HISTORY_YEARS[2], "backtest")
        used = fit_weights(year - 1)
        fitted_on = f"{year - 2} information -> {year - 1} requests"
    else:
        _check_year(year, HISTORY_YEARS[1], "backtest")
        problem_w = norway_problem(year, total=10_000, weights=weights, rules=Rules())
        used = {c.name: c.weight for c in problem_w.criteria}
        fitted_on = "given"
    observed = observed_requests(year)
    total = int(observed.sum())
    problem = norway_problem(year, total=total, weights=used, rules=rules)
    y = observed.reindex(problem.ids).to_numpy(dtype=np.int64)
    predictions = {
        MODEL: _requests(problem, method_),
        POPULATION_SHARE: _requests(_only(problem, "population"), method_),
        PREVIOUS_SCALED: _requests(_only(problem, "previous_request"), method_),
    }
    return _score(year, total, used, fitted_on, problem, y, predictions)


def _only(problem: Problem, indicator: str) -> Problem:
    """The same problem (same rules, same floor) keyed by one indicator alone."""
    criterion = Criterion(name=indicator, indicator=indicator, weight=1.0)
    return problem.with_criteria((criterion,))


def _requests(problem: Problem, method: Method) -> np.ndarray:
    alloc = allocate(problem, method=method)
    alloc.raise_for_status()
    assert alloc.requests is not None
    return alloc.requests.to_numpy(dtype=np.int64)


def _metrics(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    from scipy.stats import spearmanr  # 1 s to import: only when a backtest runs

    asked = y > 0
    within = np.abs(x[asked] - y[asked]) <= 0.25 * y[asked]
    return {
        "l1_over_n": float(np.abs(x - y).sum() / y.sum()),
        "spearman": float(spearmanr(x, y).statistic),
        "within_25pct": float(within.mean()),
        "zero_requests": float((x == 0).sum()),
    }


def _score(
    year: int,
    total: int,
    weights: dict[str, float],
    fitted_on: str,
    problem: Problem,
    y: np.ndarray,
    predictions: dict[str, np.ndarray],
) -> Backtest:
    muni = load_municipalities().set_index("kommunenummer").loc[list(problem.ids)]
    frame = pd.DataFrame(
        {
            "name": muni["kommune"].to_numpy(),
            "county": muni["fylke"].to_numpy(),
            "centrality": muni["sentralitet"].to_numpy(),
            "population": muni["population"].to_numpy(),
            "real": y,
            **predictions,
        },
        index=pd.Index(problem.ids, name="municipality_id"),
    )
    table = pd.DataFrame({k: _metrics(v, y) for k, v in predictions.items()}).T
    table.index.name = "model"
    real = ["real", *predictions]
    errors = frame[list(predictions)].sub(frame["real"], axis=0).abs()
    by_county = (
        errors.groupby(frame["county"]).sum().div(frame.groupby("county")["real"].sum(), axis=0)
    )
    grouped = frame.groupby("centrality")
    by_centrality = grouped[real].sum().div(grouped["population"].sum(), axis=0) * 1000
    return Backtest(
        year=year,
        total=total,
        weights=weights,
        fitted_on=fitted_on,
        table=table,
        allocations=frame,
        by_county=by_county,
        by_centrality=by_centrality,
    )


# -- recipes over every year: the rolling-origin backtest ------------------------------------

PERSISTENCE = "persistence"
BOOTSTRAP_SAMPLES = 2000
BOOTSTRAP_SEED = 2027
INTERVAL = 0.95

RULE = (
    "A recipe qualifies when the paired bootstrap interval of its margin over persistence "
    "lies wholly below 0 pooled and in every backtest year on its own; the default is the "
    "qualified recipe with the best worst-year margin (ties: lower pooled margin, then the "
    "spec in alphabetical order); when none qualifies, the default is persistence."
)
"""The selection rule of the default, as written in ``docs/realism.md`` before the results."""

ATYPICAL_YEARS: dict[int, str] = {
    2020: (
        "2020: the need was cut during the year (original requests 5,120 lowered to 3,602) "
        "and only 211 of 356 municipalities were asked"
    ),
    2021: "2021: only 211 of 356 municipalities were asked",
    2022: (
        "2022: the need was revised from 5,500 to 35,000 during the year (refugees from "
        "Ukraine); the requests were raised for every municipality"
    ),
}
"""Why a year of the shipped history is atypical. A backtest year is flagged when the year
itself or the year its information comes from is atypical."""


def backtest_years(recipe: Recipe | str) -> tuple[int, ...]:
    """The years a recipe can be backtested on with the shipped history.

    Every year ``Y`` whose information year ``Y - 1`` is in the history; a recipe with fitted
    weights also needs the year before that to fit on (``Y - 2 >= 2020``).

    Parameters
    ----------
    recipe : Recipe or str

    Returns
    -------
    tuple of int
    """
    first = HISTORY_YEARS[2] if parse_recipe(recipe).needs_fit else HISTORY_YEARS[1]
    return tuple(range(first, HISTORY_YEARS[-1] + 1))


def year_flags(year: int) -> list[str]:
    """Why the backtest year ``year`` is atypical (empty when it is not).

    Parameters
    ----------
    year : int

    Returns
    -------
    list of str
        The notes of :data:`ATYPICAL_YEARS` for ``year - 1`` (its information) and ``year``.
    """
    return [ATYPICAL_YEARS[y] for y in (year - 1, year) if y in ATYPICAL_YEARS]


def _notes(flags: Mapping[int, list[str]]) -> list[str]:
    """Every distinct note of ``flags``, in year order."""
    return list(dict.fromkeys(note for y in sorted(flags) for note in flags[y]))


@dataclass(frozen=True, eq=False)
class RecipeBacktest:
    """Recipes scored year by year against IMDi's real requests, with margins over persistence.

    Attributes
    ----------
    recipes : tuple of str
        The recipes' specs, persistence first, then as given.
    years : tuple of int
        The years every recipe could be built for: the years of ``pooled``.
    scores : DataFrame
        One row per (``year``, ``recipe``) the recipe could be built for: ``l1_over_n``,
        ``spearman``, ``within_25pct``, ``zero_requests``, ``margin`` (the recipe's L1/N
        minus persistence's; below 0 is closer to the real requests), ``margin_low`` and
        ``margin_high`` (the paired bootstrap interval), and ``atypical`` (the year is
        flagged).
    pooled : DataFrame
        One row per recipe over ``years``: ``l1_over_n`` (mean of the years), ``margin``
        (mean of the years' margins), ``margin_low``, ``margin_high`` (paired bootstrap over
        municipalities within each year), ``worst_margin`` and ``worst_year`` (the year where
        the recipe fares worst against persistence).
    flags : dict of int to list of str
        Why each year is atypical (:func:`year_flags`).
    weights : dict of (int, str) to dict
        The weights each recipe used each year.
    allocations : dict of int to DataFrame
        Per year and municipality: ``real`` and one column per recipe.
    samples, seed, interval
        The bootstrap: number of resamples, seed, and coverage of the intervals.
    """

    recipes: tuple[str, ...]
    years: tuple[int, ...]
    scores: pd.DataFrame
    pooled: pd.DataFrame
    flags: dict[int, list[str]]
    weights: dict[tuple[int, str], dict[str, float]] = field(repr=False)
    allocations: dict[int, pd.DataFrame] = field(repr=False)
    samples: int = BOOTSTRAP_SAMPLES
    seed: int = BOOTSTRAP_SEED
    interval: float = INTERVAL

    def to_dict(self) -> dict[str, Any]:
        """The per-year and pooled scores and margins as plain data (what ``--json`` prints)."""

        def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [
                {str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()}
                for r in frame.reset_index().to_dict(orient="records")
            ]

        return {
            "baseline": PERSISTENCE,
            "rule": RULE,
            "margin": "L1/N of the recipe minus L1/N of persistence (below 0: closer)",
            "interval": self.interval,
            "bootstrap_samples": self.samples,
            "bootstrap_seed": self.seed,
            "years": list(self.years),
            "flags": {str(y): v for y, v in self.flags.items()},
            "per_year": rows(self.scores),
            "pooled": rows(self.pooled),
            "default": choose_default(self),
        }

    def to_markdown(self) -> str:
        """Per-year and pooled tables as Markdown (what ``busetting backtest`` prints)."""
        pct = f"{self.interval:.0%}"
        lines = [
            f"| year | recipe | L1/N | Spearman | within ±25 % | margin over persistence "
            f"({pct} interval) |",
            "|---|---|---:|---:|---:|---|",
        ]
        for key, r in self.scores.iterrows():
            year, recipe = cast("tuple[int, str]", key)
            mark = " *" if r["atypical"] else ""
            margin = (
                "—"
                if recipe == PERSISTENCE
                else f"{r['margin']:+.4f} [{r['margin_low']:+.4f}, {r['margin_high']:+.4f}]"
            )
            lines.append(
                f"| {year}{mark} | {recipe} | {r['l1_over_n']:.4f} | {r['spearman']:.3f} | "
                f"{r['within_25pct']:.1%} | {margin} |"
            )
        years = ", ".join(map(str, self.years))
        lines += [
            "",
            f"Pooled over {years} (mean of the years):",
            "",
            f"| recipe | L1/N | margin over persistence | {pct} interval | worst year | "
            "worst-year margin |",
            "|---|---:|---:|---|---:|---:|",
        ]
        for spec, r in self.pooled.iterrows():
            if spec == PERSISTENCE:
                lines.append(f"| {spec} | {r['l1_over_n']:.4f} | — | — | — | — |")
                continue
            lines.append(
                f"| {spec} | {r['l1_over_n']:.4f} | {r['margin']:+.4f} | "
                f"[{r['margin_low']:+.4f}, {r['margin_high']:+.4f}] | {int(r['worst_year'])} | "
                f"{r['worst_margin']:+.4f} |"
            )
        notes = _notes(self.flags)
        if notes:
            lines += ["", "\\* atypical: its own or its information year is one of"]
            lines += [f"- {note}" for note in notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"RecipeBacktest(recipes={list(self.recipes)}, years={list(self.years)}, "
            f"default={choose_default(self)!r})"
        )


def backtest_recipes(
    recipes: Sequence[Recipe | str] | None = None,
    *,
    method: Method | str = "webster",
    rules: Rules = BACKTEST_RULES,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = BOOTSTRAP_SEED,
    interval: float = INTERVAL,
) -> RecipeBacktest:
    """Backtest recipes on every year the shipped history allows (a rolling origin).

    For each year ``Y``, each recipe builds ``Y``'s problem from what was known in autumn
    ``Y - 1`` (with weights fitted on ``Y - 1`` where it needs them), allocates ``Y``'s real
    national total and is scored against IMDi's real requests of ``Y``. Each recipe's margin
    over persistence (L1/N minus persistence's L1/N) gets a paired bootstrap interval:
    municipalities are resampled with replacement within each year, the same resamples for
    every recipe (seeded, so the same call gives the same intervals). The pooled margin is
    the mean of the years' margins over the years every recipe could be built for. There is
    no single-year verdict; :func:`choose_default` applies the rule of ``docs/realism.md``.

    Parameters
    ----------
    recipes : sequence of Recipe or str, optional
        Default: every recipe of :data:`~busetting.RECIPES`. Persistence is always added.
    method : Method or str
        Apportionment method (default Webster).
    rules : Rules
        Process rules (default :data:`BACKTEST_RULES`).
    samples : int
        Bootstrap resamples (default 2,000).
    seed : int
        Seed of the resampling.
    interval : float
        Coverage of the intervals (default 0.95).

    Returns
    -------
    RecipeBacktest

    Examples
    --------
    >>> import busetting as bs
    >>> result = bs.backtest_recipes(["fitted", "ministry"], samples=200)
    >>> result.recipes, result.years
    (('persistence', 'fitted', 'ministry'), (2022, 2023))
    """
    check_types(backtest_recipes, locals())
    method_ = parse_method(method, caller="backtest_recipes")
    chosen = _recipe_list(recipes)
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 10:
        raise InputError(
            f"The `samples` parameter of `backtest_recipes` must be a whole number of at least "
            f"10 resamples. Got {samples!r} instead."
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(
            f"The `seed` parameter of `backtest_recipes` must be a whole number >= 0. "
            f"Got {seed!r} instead."
        )
    if not 0 < interval < 1:
        raise InputError(
            f"The `interval` parameter of `backtest_recipes` must lie between 0 and 1. "
            f"Got {interval!r} instead."
        )
    specs = tuple(r.spec for r in chosen)
    all_years = sorted({y for r in chosen for y in backtest_years(r)})
    common = tuple(sorted(set.intersection(*(set(backtest_years(r)) for r in chosen))))
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    weights: dict[tuple[int, str], dict[str, float]] = {}
    allocations: dict[int, pd.DataFrame] = {}
    boot: dict[tuple[int, str], np.ndarray] = {}
    for year in all_years:
        built = [r for r in chosen if year in backtest_years(r)]
        frame, used = _predict_year(year, built, method_, rules)
        allocations[year] = frame
        weights.update({(year, spec): w for spec, w in used.items()})
        draws = rng.integers(0, len(frame), size=(samples, len(frame)))
        rows += _year_rows(year, frame, draws, interval, boot)
    order = {s: i for i, s in enumerate(specs)}
    table = pd.DataFrame(rows).sort_values(
        ["year", "recipe"], key=lambda col: col.map(order) if col.name == "recipe" else col
    )
    table = table.set_index(["year", "recipe"])
    pooled = _pooled(table, boot, specs, common, interval)
    return RecipeBacktest(
        recipes=specs,
        years=common,
        scores=table,
        pooled=pooled,
        flags={y: year_flags(y) for y in all_years},
        weights=weights,
        allocations=allocations,
        samples=samples,
        seed=seed,
        interval=interval,
    )


def _predict_year(
    year: int, recipes: list[Recipe], method: Method, rules: Rules
) -> tuple[pd.DataFrame, dict[str, dict[str, float]]]:
    """Each recipe's requests of ``year`` (beside the real ones) and the weights it used."""
    observed = observed_requests(year)
    total = int(observed.sum())
    fitted = fit_weights(year - 1) if year - 2 >= HISTORY_YEARS[0] else None
    predictions: dict[str, np.ndarray] = {}
    used: dict[str, dict[str, float]] = {}
    base = norway_problem(year, total=total, recipe=PERSISTENCE, rules=rules)
    ids = base.ids
    for recipe in recipes:
        problem = with_recipe(base, recipe, fitted=fitted)
        used[recipe.spec] = {c.name: c.weight for c in problem.criteria}
        predictions[recipe.spec] = _requests(problem, method)
    y = observed.reindex(list(ids)).to_numpy(dtype=np.int64)
    frame = pd.DataFrame({"real": y, **predictions}, index=pd.Index(ids, name="municipality_id"))
    return frame, used


def _year_rows(
    year: int,
    frame: pd.DataFrame,
    draws: np.ndarray,
    interval: float,
    boot: dict[tuple[int, str], np.ndarray],
) -> list[dict[str, Any]]:
    """The scores and bootstrap margins of one year (the resamples stored in ``boot``)."""
    y = frame["real"].to_numpy(dtype=np.int64)
    base_err = np.abs(frame[PERSISTENCE].to_numpy(dtype=np.int64) - y)
    sums = y[draws].sum(axis=1).astype(float)
    base_boot = base_err[draws].sum(axis=1)
    base_l1 = float(base_err.sum() / y.sum())
    rows = []
    for spec in frame.columns[1:]:
        x = frame[spec].to_numpy(dtype=np.int64)
        err = np.abs(x - y)
        boot[(year, spec)] = (err[draws].sum(axis=1) - base_boot) / sums
        low, high = _interval(boot[(year, spec)], interval)
        scores = _metrics(x, y)
        rows.append(
            {
                "year": year,
                "recipe": spec,
                **scores,
                "margin": scores["l1_over_n"] - base_l1,
                "margin_low": low,
                "margin_high": high,
                "atypical": bool(year_flags(year)),
            }
        )
    return rows


def _recipe_list(recipes: Sequence[Recipe | str] | None) -> list[Recipe]:
    if recipes is None:
        given = list(RECIPES.values())
    elif isinstance(recipes, str | Recipe):
        given = [parse_recipe(recipes)]
    else:
        given = [parse_recipe(r) for r in recipes]
    out = [RECIPES[PERSISTENCE]]
    for r in given:
        if r.spec not in {o.spec for o in out}:
            out.append(r)
    return out


def _interval(values: np.ndarray, coverage: float) -> tuple[float, float]:
    tail = (1.0 - coverage) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail])
    return float(low), float(high)


def _pooled(
    table: pd.DataFrame,
    boot: dict[tuple[int, str], np.ndarray],
    specs: tuple[str, ...],
    years: tuple[int, ...],
    interval: float,
) -> pd.DataFrame:
    rows = []
    for spec in specs:
        per_year = table.xs(spec, level="recipe").loc[list(years)]
        pooled_boot = np.mean([boot[(y, spec)] for y in years], axis=0)
        low, high = _interval(pooled_boot, interval)
        worst = cast("int", per_year["margin"].idxmax())
        rows.append(
            {
                "recipe": spec,
                "l1_over_n": float(per_year["l1_over_n"].mean()),
                "margin": float(per_year["margin"].mean()),
                "margin_low": low,
                "margin_high": high,
                "worst_margin": float(per_year["margin"].max()),
                "worst_year": int(worst),
            }
        )
    return pd.DataFrame(rows).set_index("recipe")


def choose_default(results: RecipeBacktest) -> str:
    """The default recipe by the rule of ``docs/realism.md``, written before the results.

    A recipe other than persistence *qualifies* when the paired bootstrap interval of its
    margin over persistence lies wholly below 0 (closer to IMDi's real requests, beyond the
    bootstrap's doubt) both pooled and in every year of ``results.years`` on its own: the
    years are atypical and the ranking moves between them, so a pooled win carried by one
    year does not qualify. Among the qualified recipes the default is the one with the best
    (lowest) worst-year margin; ties go to the lower pooled margin, then to the spec in
    alphabetical order. When none qualifies, the default is persistence.

    Parameters
    ----------
    results : RecipeBacktest
        A backtest of the candidate recipes (:func:`backtest_recipes`).

    Returns
    -------
    str
        The spec of the chosen recipe.

    Examples
    --------
    >>> import busetting as bs
    >>> bs.choose_default(bs.backtest_recipes(["ministry"], samples=200))
    'persistence'
    """
    check_types(choose_default, locals())
    years = list(results.years)
    qualified = []
    for spec, r in results.pooled.iterrows():
        if spec == PERSISTENCE or not float(r["margin_high"]) < 0:
            continue
        per_year = results.scores.xs(spec, level="recipe").loc[years]
        if (per_year["margin_high"] < 0).all():
            qualified.append((float(r["worst_margin"]), float(r["margin"]), str(spec)))
    return min(qualified)[2] if qualified else PERSISTENCE
