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

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from busetting._allocate import allocate
from busetting._calibrate import continuous_fit
from busetting._criteria import build_key
from busetting._exceptions import InputError
from busetting._methods import Method, parse_method
from busetting._model import Criterion, Problem, Rules
from busetting.datasets import (
    CRITERION_GROUPS,
    HISTORY_YEARS,
    PROCESS_RULES_2024,
    load_municipalities,
    norway_problem,
    observed_requests,
)

__all__ = ["BACKTEST_RULES", "Backtest", "backtest", "fit_weights"]

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

    @property
    def beats_baselines(self) -> bool:
        """Whether the model's L1/N is below both baselines'."""
        l1 = self.table["l1_over_n"]
        return bool(l1[MODEL] < l1[POPULATION_SHARE] and l1[MODEL] < l1[PREVIOUS_SCALED])

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
    >>> result.beats_baselines
    True
    """
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
