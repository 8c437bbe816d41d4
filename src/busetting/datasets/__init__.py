"""The embedded Norway data (2024 municipality structure), its indicators and problems.

Figures from IMDi (bosettingstall, tilskudd), SSB (Statistics Norway) and UDI, published
under the Norwegian Licence for Open Government Data (NLOD 2.0) / CC BY 4.0; see
``ATTRIBUTION.md`` beside the data files.

The model of IMDi's requests is built for a year ``Y`` from what was known in the autumn of
``Y - 1`` (:func:`derive_indicators` with ``year=Y - 1``): last year's requests and council
decisions, the persons settled, the minors grant, and the fixed facts about each municipality
(population, centrality, GP services, BA region). :func:`norway_problem` turns that into a
:class:`~busetting.Problem`; :func:`norway_2024` is the 2024 one. Its key is the recipe
:data:`DEFAULT_RECIPE` (half last year's request, half the weights :data:`FITTED_WEIGHTS`
fitted on 2022 information against the real 2023 requests), chosen among named recipes by
the rule of ``docs/realism.md`` over the rolling-origin backtest
(:func:`busetting.backtest_recipes`, :func:`busetting.choose_default`).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources

import numpy as np
import pandas as pd

from busetting._criteria import DEFAULT_WEIGHTS
from busetting._exceptions import InputError
from busetting._model import Criterion, Problem, Rules
from busetting._recipes import Recipe, county_totals_at_shares, parse_recipe
from busetting._rules import explanation_step, request_floor, upper_limits

__all__ = [
    "CRITERION_GROUPS",
    "DEFAULT_MINORS_WEIGHTS",
    "DEFAULT_RECIPE",
    "FITTED_WEIGHTS",
    "HISTORY_YEARS",
    "MINISTRY_WEIGHTS",
    "PROCESS_RULES_2024",
    "REQUEST_CRITERIA",
    "default_criteria",
    "default_minors_criteria",
    "derive_indicators",
    "grants_with_haram",
    "history_with_haram",
    "load_grants",
    "load_history",
    "load_history_2020_2021",
    "load_municipalities",
    "national_totals",
    "norway_2024",
    "norway_problem",
    "observed_requests",
    "with_recipe",
]

_ID_COLUMNS = {"kommunenummer": str, "fylkesnummer": str}
_HISTORY_FILES = ("imdi_history_2020_2021.csv", "imdi_history_2022_2023.csv")

HISTORY_YEARS = (2020, 2021, 2022, 2023)
"""Years of IMDi history shipped (requests, decisions, settled)."""


def _read(name: str) -> pd.DataFrame:
    with resources.files(__name__).joinpath(name).open("rb") as fh:
        return pd.read_csv(fh, dtype=_ID_COLUMNS, encoding="utf-8")


def load_municipalities() -> pd.DataFrame:
    """The 357 municipalities of 2024 with population and indicators (ids as strings).

    Returns
    -------
    pandas.DataFrame
        One row per municipality: ``kommunenummer``, ``kommune``, ``fylkesnummer``, ``fylke``,
        ``population`` and the raw indicator columns.

    Examples
    --------
    >>> from busetting.datasets import load_municipalities
    >>> df = load_municipalities()
    >>> len(df), df.loc[0, "kommunenummer"], int(df["population"].sum())
    (357, '0301', 5550203)
    """
    return _read("municipalities_2024.csv")


def load_history() -> pd.DataFrame:
    """IMDi requests, decisions and settled refugees per municipality, 2020-2023.

    One row per municipality and year; ``anmodning_opprinnelig`` is the original request
    where the need was revised during the year (2020, 2022).

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``kommunenummer``, ``anmodning``, ``anmodning_opprinnelig``,
        ``vedtak``, ``bosatt`` (among others), sorted by year and municipality.

    Examples
    --------
    >>> from busetting.datasets import load_history
    >>> load_history().groupby("year")["anmodning"].sum().astype(int).to_dict()
    {2020: 3602, 2021: 5025, 2022: 35000, 2023: 38000}
    """
    frames = [_read(name) for name in _HISTORY_FILES]
    return pd.concat(frames, ignore_index=True).sort_values(["year", "kommunenummer"])


def load_history_2020_2021() -> pd.DataFrame:
    """:func:`load_history` for 2020 and 2021 alone (2020 holds a real cut during the year).

    The original requests (``anmodning_opprinnelig``, 5,120 in all) were lowered to
    ``anmodning`` (3,602) after the councils had decided 4,838 (``vedtak``).

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`load_history` for 2020 and 2021.

    Examples
    --------
    >>> from busetting.datasets import load_history_2020_2021
    >>> h = load_history_2020_2021()
    >>> y20 = h[h["year"] == 2020]
    >>> [int(y20[c].sum()) for c in ("anmodning_opprinnelig", "anmodning", "vedtak")]
    [5120, 3602, 4838]
    """
    history = load_history()
    return history[history["year"].isin([2020, 2021])].reset_index(drop=True)


def load_grants() -> pd.DataFrame:
    """IMDi grants per municipality, year (2022, 2023) and grant type, NOK.

    ``unaccompanied_minors`` is the grant for settling unaccompanied minors (paid per minor
    in care: a municipality with it runs a minors service); ``integration_year_1`` is paid
    per person settled in the year.

    Returns
    -------
    pandas.DataFrame
        One row per municipality and year, one column per grant type (blank where none).
    """
    return _read("imdi_grants_2022_2023.csv")


def _split_haram(frame: pd.DataFrame, muni: pd.DataFrame) -> pd.DataFrame:
    """Split Ålesund's joint pre-2024 figures (row 1508) with Haram (1580) by population."""
    if "1580" in frame.index or "1508" not in frame.index:
        return frame
    pop = muni.set_index("kommunenummer")["population"]
    share = pop["1580"] / (pop["1508"] + pop["1580"])
    joint = frame.loc["1508"].copy()
    frame.loc["1580"] = joint * share
    frame.loc["1508"] = joint * (1 - share)
    return frame


def history_with_haram(
    muni: pd.DataFrame,
    hist: pd.DataFrame,
    year: int,
    columns: tuple[str, ...] = ("vedtak", "bosatt"),
) -> pd.DataFrame:
    """A year's figures per 2024 municipality; Ålesund's joint figures split with Haram.

    Before 2024 Ålesund and Haram were one municipality: row ``1508`` holds the joint figures
    and ``1580`` Haram has none. The figures are split by the 2024 population shares.

    Parameters
    ----------
    muni : pandas.DataFrame
        The 2024 municipalities (:func:`load_municipalities`), for the population shares.
    hist : pandas.DataFrame
        The history (:func:`load_history`).
    year : int
        A year of the history.
    columns : tuple of str
        The history columns to return.

    Returns
    -------
    pandas.DataFrame
        ``columns`` as floats, indexed by ``kommunenummer``.

    Raises
    ------
    InputError
        If ``year`` is not in the history.
    """
    if year not in set(hist["year"]):
        raise InputError(
            f"The `year` parameter must be one of the history's years "
            f"{sorted(set(hist['year']))}. Got {year!r} instead."
        )
    h = hist[hist["year"] == year].set_index("kommunenummer")[list(columns)].astype(float)
    return _split_haram(h.copy(), muni)


def grants_with_haram(
    muni: pd.DataFrame, grants: pd.DataFrame, year: int, column: str
) -> pd.Series:
    """One grant column for a year per 2024 municipality (blank = 0), Haram split out.

    Parameters
    ----------
    muni : pandas.DataFrame
        The 2024 municipalities (:func:`load_municipalities`).
    grants : pandas.DataFrame
        The grants (:func:`load_grants`).
    year : int
        The year; a year without grant data gives zeros.
    column : str
        The grant type.

    Returns
    -------
    pandas.Series
        NOK per municipality, indexed by ``kommunenummer`` in the order of ``muni``.
    """
    if year not in set(grants["year"]):
        return pd.Series(0.0, index=muni["kommunenummer"], name=column)
    g = grants[grants["year"] == year].set_index("kommunenummer")[[column]].astype(float)
    g = _split_haram(g.copy(), muni)
    return g[column].reindex(muni["kommunenummer"]).fillna(0.0)


def observed_requests(year: int) -> pd.Series:
    """IMDi's real requests of ``year`` per 2024 municipality (0 where none was made).

    Parameters
    ----------
    year : int
        A year of the shipped history (2020-2023).

    Returns
    -------
    pandas.Series
        Integer requests indexed by ``kommunenummer``, in the order of
        :func:`load_municipalities`.
    """
    muni, hist = load_municipalities(), load_history()
    h = history_with_haram(muni, hist, year, ("anmodning",))["anmodning"]
    return h.reindex(muni["kommunenummer"]).fillna(0.0).round().astype(np.int64)


def national_totals() -> pd.DataFrame:
    """National requests, decisions and settled per year of the shipped history.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year``: ``anmodning``, ``anmodning_opprinnelig``, ``vedtak``, ``bosatt``.
    """
    hist = load_history()
    out = hist.groupby("year")[["anmodning", "anmodning_opprinnelig", "vedtak", "bosatt"]].sum()
    return out.astype(np.int64)


# -- the Norway problem --------------------------------------------------------------------

NEED_2024 = 37_000
"""National need for 2024 (persons), of whom :data:`MINORS_2024` unaccompanied minors."""
MINORS_2024 = 610

MINORS_GROUP = 4
"""Minors are asked in groups of at least this many (2024 process)."""
MINORS_CAPACITY_FACTOR = 2.0
"""Minors capacity: at most this multiple of the municipality's share of the national minors
service (its share of IMDi's minors grant) times the minors need, and at least one group."""
MINORS_SHRINKING = 0.5
"""A minors service whose grant fell below this fraction of the year before's is a weak
signal of minors capacity (its hosts are to confirm with the county)."""
SPEED_CAP = 1.25
"""Settling speed is ``settled / decided`` capped here (settling more than decided counts,
but at most 25 % extra)."""

PROCESS_RULES_2024 = Rules(granularity=5, min_request=5, minors_min_group=4, max_minors_hosts=57)
"""The shape of IMDi's real requests: multiples of 5, nobody asked for fewer than 5, minors
in groups of at least 4, and at most 57 municipalities asked for minors (2024). Pass
``rules=busetting.Rules()`` (or change single fields) to switch them off."""

REQUEST_CRITERIA: dict[str, dict[str, str]] = {
    "previous_request": {"indicator": "previous_request"},
    "capacity": {"indicator": "capacity"},
    "settling_speed": {"indicator": "settling_speed", "kind": "rate", "base": "capacity"},
    "services": {"indicator": "services", "kind": "rate", "base": "population"},
    "labour_market": {"indicator": "labour_market", "kind": "rate", "base": "population"},
    "spread": {"indicator": "remoteness", "kind": "rate", "base": "population"},
    "population": {"indicator": "population"},
}
"""The criteria of the requests key: name -> how its share vector is made."""

CRITERION_GROUPS: dict[str, str] = {
    "previous_request": "capacity",
    "capacity": "capacity",
    "settling_speed": "fast",
    "services": "accurate",
    "labour_market": "accurate",
    "spread": "steered and spread",
    "population": "steered and spread",
}
"""Which of the ministry's four criteria each criterion of the key serves: capacity (weighs
most), accurate (services, work and education), fast (settling speed), steered and spread."""

FITTED_WEIGHTS: dict[str, float] = {
    "previous_request": 0.18,
    "capacity": 0.336,
    "settling_speed": 0.152,
    "services": 0.05,
    "labour_market": 0.0,
    "spread": 0.282,
    "population": 0.0,
}
"""The fitted weights (the ``fitted`` base of the recipes; the default recipe
:data:`DEFAULT_RECIPE` leans half on last year's request and takes the other half from
these): fitted on 2022 information against IMDi's real 2023 requests
(``busetting.fit_weights(2023)``, reproduced by a test): the capacity group (previous request
and capacity, 0.516) weighs most, then spread (0.282), speed (0.152) and services (0.05, the
floor every ministry criterion keeps). See ``docs/realism.md`` for the out-of-sample
backtest."""

MINISTRY_WEIGHTS: dict[str, float] = dict(DEFAULT_WEIGHTS)
"""The "ministry-literal" preset of earlier versions: capacity 0.40, labour market 0.20,
services 0.15, settling speed 0.15, population 0.10. Kept for comparison (``weights=
"ministry"``); it loses to last year's requests rescaled in the backtest."""

DEFAULT_RECIPE: Recipe = Recipe("fitted", lean=0.5)
"""The recipe of the shipped default (:func:`norway_2024`), chosen by the rule written in
``docs/realism.md`` (``busetting.choose_default`` over the rolling-origin backtest); a test
recomputes the choice."""

DEFAULT_MINORS_WEIGHTS = {"minors_service": 1.0}
"""Default weights of the minors key: the size of the municipality's minors service (IMDi's
minors grant over the years available) alone, so the minors hosts are ranked on the strongest
signal the data has. ``services`` (the service offer for children and youth) and
``population`` stay available as criteria of the minors key."""

MINORS_CRITERIA: dict[str, dict[str, str]] = {
    "minors_service": {"indicator": "minors_service"},
    "services": {"indicator": "services", "kind": "rate", "base": "population"},
    "population": {"indicator": "population"},
}


def derive_indicators(
    municipalities: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
    *,
    year: int = 2023,
    grants: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The indicators IMDi knew in the autumn of ``year``, one row per municipality.

    They build the problem of year ``year + 1`` (2023 information for the 2024 requests).
    Columns (all finite and >= 0):

    ``previous_request``
        IMDi's request of ``year`` (IMDi history; 0 where the municipality was not asked).
        IMDi asks again what it asked before.
    ``decision``
        The council decision (vedtak) of ``year``. **Blank** (no decision recorded) is read as
        the previous request: IMDi re-asks, and a missing answer is no evidence of zero.
    ``settled``
        Refugees actually settled in ``year`` (bosatt; blank = 0). IMDi's integration grant
        for year 1 is paid per settled person, so this is the capacity shown in practice.
    ``capacity``
        ``max(decision, settled)``: what the municipality decided or showed it can do,
        including settling beyond what it decided.
    ``settling_speed``
        ``settled / decision``, capped at :data:`SPEED_CAP`; 1.0 (neutral) where no decision
        was recorded or it was 0. A rate applied to ``capacity`` (the ministry's "fast").
    ``services``
        Health-service score ``(GP reserve capacity / 100) * (1 - share on GP waiting
        lists)`` (SSB table 12005, 2023); a blank GP figure is imputed by the median of the
        municipality's KOSTRA comparison group. A rate applied to population.
    ``labour_market``
        ``(7 - c) / 6`` where ``c`` is the most central SSB centrality class in the
        municipality's BA region: the jobs and education within commuting reach. A rate
        applied to population. On the data this criterion runs *against* what IMDi asks (IMDi
        asks about 5x more per resident in the periphery than in the centre); the fitted
        default gives it weight 0 and the docs say so (``docs/realism.md``).
    ``remoteness``
        The SSB centrality class itself, 1 (most central) ... 6 (least central). A rate on
        population for the ``spread`` criterion: "steered and spread" means the whole
        country settles, and IMDi asks remote municipalities far more per resident (2023:
        3.4 per 1,000 residents in class 1, 9.4 in class 4, 16.5 in class 6).
    ``population``
        Residents 1 January 2024 (SSB 07459).
    ``minors_service``
        IMDi's grant for unaccompanied minors, the mean over the grant years up to ``year``
        (2022 and 2023 for ``year=2023``; NOK; paid per minor in care, so its size measures
        the municipality's minors service; 0 for years without grant data, 2020-2021; a net
        repayment, negative in the table, counts as 0). The strongest signal of minors
        capacity the shipped data has: no public per-municipality history of minors
        requests or decisions is shipped (see ``docs/realism.md``).
    ``minors_eligible``, ``minors_max``
        Eligible for minors when it runs a minors service now (paid the minors grant in
        ``year``: the ministry's "adapted apparatus"); capacity ``max(4, ceil(2 * share *
        610))`` with ``share`` its share of ``minors_service`` (:data:`MINORS_CAPACITY_FACTOR`).
    ``minors_weak_signal``
        1 where an eligible municipality was not paid the minors grant in every grant year
        up to ``year`` (its service is new) or its grant fell below half of the year
        before's (its service is shrinking fast): a minors host chosen on this signal is "to
        confirm with the county" (``Allocation.to_frame()["minors_to_confirm"]``); else 0.
    ``able_to_settle``
        False only where the data says the municipality cannot settle anyone: it was asked
        in ``year`` and its council decided 0. Everyone else is asked for at least the
        process minimum (see :func:`norway_problem`).

    Gaps: before 2024 Haram's figures are inside Ålesund's (split by 2024 population); blank
    GP figures are imputed as above and flagged in ``imputed``.

    Parameters
    ----------
    municipalities : pandas.DataFrame, optional
        The municipality table (default :func:`load_municipalities`).
    history : pandas.DataFrame, optional
        The IMDi history (default :func:`load_history`).
    year : int
        The year of the information (default 2023).
    grants : pandas.DataFrame, optional
        The IMDi grants (default :func:`load_grants`).

    Returns
    -------
    pandas.DataFrame
        The municipality table with the columns above (and ``imputed``), one row per
        municipality of ``municipalities``.
    """
    muni = load_municipalities() if municipalities is None else municipalities
    hist = load_history() if history is None else history
    grant_table = load_grants() if grants is None else grants
    ids = muni["kommunenummer"]
    h = history_with_haram(muni, hist, year, ("anmodning", "vedtak", "bosatt")).reindex(ids)
    asked = h["anmodning"].fillna(0.0).to_numpy(dtype=float)
    recorded = h["vedtak"].to_numpy(dtype=float)
    decision = np.where(np.isnan(recorded), asked, recorded)
    settled = h["bosatt"].fillna(0.0).to_numpy(dtype=float)
    capacity = np.fmax(decision, settled)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(recorded > 0, settled / recorded, 1.0)
    speed = np.minimum(speed, SPEED_CAP)
    service, eligible, weak = _minors_signal(muni, grant_table, year)
    share = service / service.sum() if service.sum() > 0 else np.zeros_like(service)
    minors_cap = np.where(
        eligible,
        np.maximum(MINORS_GROUP, np.ceil(MINORS_CAPACITY_FACTOR * share * MINORS_2024)),
        0,
    )
    services, imputed = _gp_services(muni)
    regional = muni.groupby("ba_region_nr")["sentralitet"].transform("min")
    return pd.DataFrame(
        {
            "municipality_id": ids.to_numpy(),
            "name": muni["kommune"].to_numpy(),
            "county": muni["fylke"].to_numpy(),
            "population": muni["population"].to_numpy(dtype=np.int64),
            "previous_request": asked,
            "decision": decision,
            "settled": settled,
            "capacity": capacity,
            "settling_speed": speed,
            "services": services,
            "labour_market": ((7 - regional) / 6.0).to_numpy(dtype=float),
            "remoteness": muni["sentralitet"].to_numpy(dtype=float),
            "minors_service": service,
            "minors_eligible": eligible,
            "minors_max": minors_cap.astype(np.int64),
            "minors_weak_signal": weak.astype(float),
            "able_to_settle": ~((asked > 0) & (recorded == 0)),
            "imputed": imputed,
        }
    )


def _minors_signal(
    muni: pd.DataFrame, grants: pd.DataFrame, year: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The minors service signal of ``year``: size, eligibility and a weak-signal flag.

    The size is the mean of IMDi's minors grant over the grant years up to ``year`` (a net
    repayment counts as 0); eligible are the municipalities paid the grant in ``year`` itself
    (they run a minors service now); the signal is weak where an eligible municipality was
    not paid the grant in every one of those years (a service that has only just started) or
    its grant of ``year`` is below :data:`MINORS_SHRINKING` of the year before's (a service
    shrinking fast).
    """
    grant_years = sorted(y for y in set(grants["year"]) if y <= year)
    per_year = [
        np.maximum(
            grants_with_haram(muni, grants, y, "unaccompanied_minors").to_numpy(dtype=float),
            0.0,
        )
        for y in grant_years
    ]
    if not per_year:
        zero = np.zeros(len(muni))
        return zero, zero > 0, zero > 0
    latest = grants_with_haram(muni, grants, year, "unaccompanied_minors").to_numpy(dtype=float)
    eligible = latest > 0
    paid_every_year = np.logical_and.reduce([g > 0 for g in per_year])
    shrinking = np.zeros(len(muni), dtype=bool)
    if len(per_year) > 1:
        shrinking = per_year[-1] < MINORS_SHRINKING * per_year[-2]
    return np.mean(per_year, axis=0), eligible, eligible & (~paid_every_year | shrinking)


INDICATORS = (
    "previous_request",
    "decision",
    "settled",
    "capacity",
    "settling_speed",
    "services",
    "labour_market",
    "remoteness",
    "minors_service",
    "minors_weak_signal",
)
"""The indicator columns of :func:`derive_indicators` kept on every municipality."""


def _gp_services(muni: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The GP service score and whether a blank GP figure was imputed."""
    cols = ["fastlege_reservekapasitet_2023", "fastlege_venteliste_pct_2023"]
    gp = muni[["kostragruppe", *cols]].copy()
    imputed = gp[cols].isna().any(axis=1).to_numpy()
    for col in cols:
        gp[col] = gp[col].fillna(gp.groupby("kostragruppe")[col].transform("median"))
    score = (gp[cols[0]] / 100.0) * (1.0 - gp[cols[1]] / 100.0)
    return score.to_numpy(dtype=float), imputed


def _resolve_weights(weights: Mapping[str, float] | str | None) -> dict[str, float]:
    if weights is None or weights == "fitted":
        return dict(FITTED_WEIGHTS)
    if weights == "ministry":
        return dict(MINISTRY_WEIGHTS)
    if isinstance(weights, str):
        raise InputError(
            "The `weights` parameter must be a mapping of criterion to weight, 'fitted' or "
            f"'ministry'. Got {weights!r} instead."
        )
    return dict(weights)


def default_criteria(weights: Mapping[str, float] | str | None = None) -> list[Criterion]:
    """The requests key with ``weights`` (default :data:`FITTED_WEIGHTS`; ``"ministry"``).

    Parameters
    ----------
    weights : mapping of str to float, "fitted" or "ministry", optional
        Weights by criterion name (among :data:`REQUEST_CRITERIA`); ``None`` is ``"fitted"``.

    Returns
    -------
    list of Criterion
        One criterion per weight, in the order of ``weights``.

    Examples
    --------
    >>> [c.name for c in default_criteria() if c.weight > 0]
    ['previous_request', 'capacity', 'settling_speed', 'services', 'spread']
    """
    w = _resolve_weights(weights)
    unknown = sorted(set(w) - set(REQUEST_CRITERIA))
    if unknown:
        raise InputError(
            f"The `weights` parameter must name criteria among {', '.join(REQUEST_CRITERIA)}. "
            f"Got {', '.join(map(repr, unknown))} instead."
        )
    return [Criterion(name=k, weight=v, **REQUEST_CRITERIA[k]) for k, v in w.items()]


def default_minors_criteria(weights: Mapping[str, float] | None = None) -> list[Criterion]:
    """The minors key (default: the minors service alone).

    Parameters
    ----------
    weights : mapping of str to float, optional
        Weights by criterion name (default :data:`DEFAULT_MINORS_WEIGHTS`).

    Returns
    -------
    list of Criterion
        One criterion per weight.
    """
    w = dict(DEFAULT_MINORS_WEIGHTS if weights is None else weights)
    unknown = sorted(set(w) - set(MINORS_CRITERIA))
    if unknown:
        raise InputError(
            f"The `minors_weights` parameter must name criteria among "
            f"{', '.join(MINORS_CRITERIA)}. Got {', '.join(map(repr, unknown))} instead."
        )
    return [Criterion(name=k, weight=v, **MINORS_CRITERIA[k]) for k, v in w.items()]


def norway_problem(
    year: int,
    *,
    total: int,
    minors: int = 0,
    weights: Mapping[str, float] | str | None = None,
    minors_weights: Mapping[str, float] | None = None,
    rules: Rules = PROCESS_RULES_2024,
    ask_everyone: bool | None = None,
    recipe: Recipe | str | None = None,
    fitted: Mapping[str, float] | None = None,
) -> Problem:
    """The Norwegian problem of ``year``, built from what was known in autumn ``year - 1``.

    Parameters
    ----------
    year : int
        The year whose requests are made (2021-2024); the indicators come from the history
        of ``year - 1`` (:func:`derive_indicators`).
    total, minors : int
        The national need and, of it, unaccompanied minors.
    weights : mapping, "fitted" or "ministry", optional
        Weights of the requests key, instead of a recipe.
    minors_weights : mapping, optional
        Weights of the minors key (default :data:`DEFAULT_MINORS_WEIGHTS`).
    rules : Rules
        Process rules (default :data:`PROCESS_RULES_2024`).
    ask_everyone : bool, optional
        With a minimum request ``k`` in the rules, every municipality that can settle is
        asked for at least ``k``, as IMDi asks nearly every municipality (356 of 357 in
        2024). Left free (0 or at least ``k``) are those whose council decided 0 when asked
        last year (``able_to_settle``) and those whose per-capita or share cap is below
        ``k``. ``None`` (default): applied when the total covers the floors; ``True``:
        always (an :class:`~busetting.InputError` when the total is too small); ``False``:
        never.
    recipe : Recipe or str, optional
        How the key is built (:class:`~busetting.Recipe`, or its spec such as
        ``"fitted+lean=0.5"``); default :data:`DEFAULT_RECIPE` when ``weights`` is not
        given. A recipe with ``county`` sets the rules' county totals at last year's
        county shares.
    fitted : mapping, optional
        The fitted weights a recipe with the ``fitted`` base uses (default
        :data:`FITTED_WEIGHTS`).

    Returns
    -------
    Problem
        The problem over the 357 municipalities of 2024, with the rules set.

    Raises
    ------
    InputError
        If both ``weights`` and ``recipe`` are given, or a recipe with county shares meets
        rules that already hold county totals.
    """
    if weights is not None and recipe is not None:
        raise InputError(
            "The `weights` and `recipe` parameters of `norway_problem` exclude each other "
            f"(a recipe makes the weights). Got weights={weights!r} and recipe={recipe!r}."
        )
    frame = derive_indicators(year=year - 1)
    floors = _floors(frame, rules, total, ask_everyone)
    if floors is not None:
        frame["min"] = floors
    frame = frame.drop(columns=["able_to_settle"])
    key: Mapping[str, float] | str = "fitted" if weights is None else weights
    problem = Problem.from_frame(
        frame,
        total=total,
        minors=minors,
        criteria=default_criteria(key),
        minors_criteria=default_minors_criteria(minors_weights),
        indicators=INDICATORS,
        id_format="kommunenummer",
    ).with_rules(rules)
    if weights is None:
        return with_recipe(problem, DEFAULT_RECIPE if recipe is None else recipe, fitted=fitted)
    return problem


def with_recipe(
    problem: Problem, recipe: Recipe | str, *, fitted: Mapping[str, float] | None = None
) -> Problem:
    """A Norway problem with its requests key (and county totals) made by ``recipe``.

    Parameters
    ----------
    problem : Problem
        A problem of :func:`norway_problem` (its municipalities carry the indicators of
        :data:`INDICATORS`).
    recipe : Recipe or str
        The recipe (:class:`~busetting.Recipe` or its spec, such as ``"persistence"``).
    fitted : mapping, optional
        The fitted weights a recipe with the ``fitted`` base uses (default
        :data:`FITTED_WEIGHTS`).

    Returns
    -------
    Problem
        The same municipalities, need and rules, the recipe's key; with ``+county``, the
        rules' county totals at last year's county shares (never below the floors).

    Raises
    ------
    InputError
        If a recipe with county shares meets rules that already hold county totals.

    Examples
    --------
    >>> from busetting.datasets import norway_2024, with_recipe
    >>> [c.name for c in with_recipe(norway_2024(), "persistence").criteria]
    ['previous_request']
    """
    chosen = parse_recipe(recipe)
    key = chosen.weights(FITTED_WEIGHTS if fitted is None else fitted)
    out = problem.with_criteria(default_criteria(key))
    if not chosen.county_shares:
        return out
    rules = problem.rules
    if rules.county_totals is not None:
        raise InputError(
            f"The recipe {chosen.spec!r} sets the county totals, but the problem's rules "
            "already hold county totals; drop one of them."
        )
    cols = problem.columns
    totals = county_totals_at_shares(
        pd.Series(cols.indicator("previous_request")),
        pd.Series(cols.counties),
        problem.total,
        floors=pd.Series(np.maximum(cols.min, 0)),
        granularity=explanation_step(rules),
    )
    return out.with_rules(rules.model_copy(update={"county_totals": totals}))


def _floors(
    frame: pd.DataFrame, rules: Rules, total: int, ask_everyone: bool | None
) -> np.ndarray | None:
    """The lower bound ``min`` of every municipality under ``ask_everyone`` (or None)."""
    floor = request_floor(rules)
    if not floor or ask_everyone is False:
        return None
    able = frame["able_to_settle"].to_numpy(dtype=bool).copy()
    for _, cap in upper_limits(rules, frame["population"].to_numpy(dtype=float), total):
        able &= cap >= floor
    floors = np.where(able, floor, 0).astype(np.int64)
    needed = int(floors.sum())
    if needed <= total:
        return floors
    if ask_everyone is None:
        return None
    raise InputError(
        f"The `total` parameter of `norway_problem` must be at least {needed:,} ({floor} for "
        f"each of the {int(able.sum())} municipalities asked) with ask_everyone=True. Got "
        f"{total:,} instead."
    )


def norway_2024(
    *,
    total: int = NEED_2024,
    minors: int = MINORS_2024,
    weights: Mapping[str, float] | str | None = None,
    minors_weights: Mapping[str, float] | None = None,
    rules: Rules = PROCESS_RULES_2024,
    ask_everyone: bool | None = None,
    recipe: Recipe | str | None = None,
) -> Problem:
    """The 2024 Norwegian problem: 37,000 persons, of whom 610 minors, over 357 municipalities.

    Built from what IMDi knew in autumn 2023 (:func:`derive_indicators`, :func:`norway_problem`)
    with the default recipe (:data:`DEFAULT_RECIPE`; ``recipe="persistence"`` or another recipe,
    ``weights="ministry"`` for the ministry-literal preset), the minors key over the
    municipalities that run a minors service,
    and the real process rules (:data:`PROCESS_RULES_2024`), each switchable off.

    Parameters
    ----------
    total, minors : int
        The need (default 37,000 persons, of whom 610 minors).
    weights, minors_weights, rules, ask_everyone, recipe
        As for :func:`norway_problem` (default: the recipe :data:`DEFAULT_RECIPE`).

    Returns
    -------
    Problem
        ``norway_problem(2024, ...)``.

    Examples
    --------
    >>> import busetting as bs
    >>> from busetting.datasets import norway_2024
    >>> problem = norway_2024()
    >>> problem.total, problem.minors_total, len(problem.municipalities)
    (37000, 610, 357)
    >>> alloc = bs.allocate(problem)
    >>> int(alloc.requests.sum()), int(alloc.minors.sum()), int((alloc.requests == 0).sum())
    (37000, 610, 0)
    """
    return norway_problem(
        2024,
        total=total,
        minors=minors,
        weights=weights,
        minors_weights=minors_weights,
        rules=rules,
        ask_everyone=ask_everyone,
        recipe=recipe,
    )
