"""The embedded Norway data (2024 municipality structure) and its loaders.

Figures from IMDi (bosettingstall, tilskudd), SSB (Statistics Norway) and UDI, published
under the Norwegian Licence for Open Government Data (NLOD 2.0) / CC BY 4.0; see
``ATTRIBUTION.md`` beside the data files.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources

import numpy as np
import pandas as pd

from busetting.criteria import DEFAULT_WEIGHTS
from busetting.datasets._history_2020 import load_history_2020_2021
from busetting.exceptions import InputError
from busetting.model import Criterion, Problem, Rules

__all__ = [
    "DEFAULT_MINORS_WEIGHTS",
    "PROCESS_RULES_2024",
    "default_criteria",
    "default_minors_criteria",
    "derive_indicators",
    "history_with_haram",
    "load_history",
    "load_history_2020_2021",
    "load_municipalities",
    "norway_2024",
]

_ID_COLUMNS = {"kommunenummer": str, "fylkesnummer": str}


def _read(name: str) -> pd.DataFrame:
    with resources.files(__name__).joinpath(name).open("rb") as fh:
        return pd.read_csv(fh, dtype=_ID_COLUMNS, encoding="utf-8")


def load_municipalities() -> pd.DataFrame:
    """The 357 municipalities of 2024 with population and indicators (ids as strings).

    Examples
    --------
    >>> from busetting.datasets import load_municipalities
    >>> df = load_municipalities()
    >>> len(df), df.loc[0, "kommunenummer"], int(df["population"].sum())
    (357, '0301', 5550203)
    """
    return _read("municipalities_2024.csv")


def load_history() -> pd.DataFrame:
    """IMDi requests, decisions and settled refugees per municipality, 2022 and 2023."""
    return _read("imdi_history_2022_2023.csv")


# -- the Norway 2024 problem ---------------------------------------------------------------

NEED_2024 = 37_000
"""National need for 2024 (persons), of whom :data:`MINORS_2024` unaccompanied minors."""
MINORS_2024 = 610

MINORS_MIN_CENTRALITY = 4
"""Minors eligibility: SSB centrality class at most this (1 = most central)."""
MINORS_MIN_POPULATION = 15_000
"""Minors eligibility: at least this many residents (large enough to run a unit)."""
MINORS_CAPACITY_SHARE = 0.10
"""Minors capacity: this share of the 2023 capacity ..."""
MINORS_GROUP = 4
"""... and at least one group of this size."""
SPEED_CAP = 1.25
"""Settling speed is ``settled / decided`` capped here (settling more than decided counts,
but at most 25 % extra)."""

PROCESS_RULES_2024 = Rules(granularity=5, min_request=5, minors_min_group=4, max_minors_hosts=57)
"""The shape of IMDi's real requests: multiples of 5, nobody asked for fewer than 5, minors
in groups of at least 4, and at most 57 municipalities asked for minors (2024). Pass
``rules=busetting.Rules()`` (or change single fields) to switch them off."""

DEFAULT_MINORS_WEIGHTS = {"minors_capacity": 0.6, "services": 0.25, "population": 0.15}
"""Default weights of the minors key: capacity for minors weighs most, then the service offer
for children and youth, then spread."""


def history_with_haram(
    muni: pd.DataFrame,
    hist: pd.DataFrame,
    year: int,
    columns: tuple[str, ...] = ("vedtak", "bosatt"),
) -> pd.DataFrame:
    """A year's figures per 2024 municipality; Ålesund's joint figures split with Haram.

    In 2022-2023 Ålesund and Haram were one municipality: row ``1508`` holds the joint figures
    and ``1580`` Haram has none. Both figures are split by the 2024 population shares.
    """
    if year not in set(hist["year"]):
        raise InputError(
            f"The `year` parameter must be one of the history's years "
            f"{sorted(set(hist['year']))}. Got {year!r} instead."
        )
    h = hist[hist["year"] == year].set_index("kommunenummer")[list(columns)].copy()
    pop = muni.set_index("kommunenummer")["population"]
    if "1580" not in h.index and "1508" in h.index:
        share = pop["1580"] / (pop["1508"] + pop["1580"])
        joint = h.loc["1508"].copy()
        h.loc["1580"] = joint * share
        h.loc["1508"] = joint * (1 - share)
    return h


def derive_indicators(
    municipalities: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
    *,
    year: int = 2023,
) -> pd.DataFrame:
    """The indicators behind :func:`norway_2024`, one row per municipality.

    Columns (all finite and >= 0):

    ``capacity``
        What the municipality showed it can take in 2023: ``max(vedtak, bosatt)``, the larger
        of its council decision and the refugees it actually settled (IMDi). With no
        decision recorded, the settled number.
    ``settling_speed``
        ``bosatt / vedtak`` in 2023, capped at :data:`SPEED_CAP`; 1.0 (neutral) where no
        decision was recorded. A rate applied to ``capacity``.
    ``services``
        Health-service score ``(GP reserve capacity / 100) * (1 - share on GP waiting lists)``
        (SSB table 12005, 2023); a blank GP figure is imputed by the median of the
        municipality's KOSTRA comparison group. A rate applied to population.
    ``labour_market``
        ``(7 - c) / 6`` where ``c`` is the most central SSB centrality class in the
        municipality's BA region (housing and labour-market region, delimited by commuting):
        the jobs and education within commuting reach. A rate applied to population.
    ``population``
        Residents 1 January 2024 (SSB 07459): the spread criterion.
    ``minors_eligible``, ``minors_capacity``
        Eligible for unaccompanied minors when centrality class <=
        :data:`MINORS_MIN_CENTRALITY` and population >= :data:`MINORS_MIN_POPULATION`; minors
        capacity ``max(4, round(0.10 * capacity))`` for the eligible.

    ``year`` picks the history year behind capacity and settling speed (2023: what IMDi knew
    in autumn 2023; 2022 for calibrating against the 2023 requests).

    Gaps: Haram's 2022-2023 figures are inside Ålesund's (both split by 2024 population);
    blank GP figures are imputed as above; the imputation is flagged in ``imputed``.
    """
    muni = load_municipalities() if municipalities is None else municipalities
    hist = load_history() if history is None else history
    h = history_with_haram(muni, hist, year).reindex(muni["kommunenummer"])
    vedtak = h["vedtak"].to_numpy(dtype=float)
    bosatt = h["bosatt"].fillna(0.0).to_numpy(dtype=float)
    capacity = np.where(np.isnan(vedtak), bosatt, np.fmax(vedtak, bosatt))
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(np.isnan(vedtak) | (vedtak <= 0), 1.0, bosatt / vedtak)
    speed = np.minimum(speed, SPEED_CAP)

    gp = muni[
        ["kostragruppe", "fastlege_reservekapasitet_2023", "fastlege_venteliste_pct_2023"]
    ].copy()
    imputed = (
        gp[["fastlege_reservekapasitet_2023", "fastlege_venteliste_pct_2023"]].isna().any(axis=1)
    )
    for col in ("fastlege_reservekapasitet_2023", "fastlege_venteliste_pct_2023"):
        gp[col] = gp[col].fillna(gp.groupby("kostragruppe")[col].transform("median"))
    services = (gp["fastlege_reservekapasitet_2023"] / 100.0) * (
        1.0 - gp["fastlege_venteliste_pct_2023"] / 100.0
    )

    regional = muni.groupby("ba_region_nr")["sentralitet"].transform("min")
    labour = (7 - regional) / 6.0

    eligible = (muni["sentralitet"] <= MINORS_MIN_CENTRALITY) & (
        muni["population"] >= MINORS_MIN_POPULATION
    )
    minors_cap = np.where(
        eligible, np.maximum(MINORS_GROUP, np.round(MINORS_CAPACITY_SHARE * capacity)), 0
    )
    return pd.DataFrame(
        {
            "municipality_id": muni["kommunenummer"].to_numpy(),
            "name": muni["kommune"].to_numpy(),
            "county": muni["fylke"].to_numpy(),
            "population": muni["population"].to_numpy(dtype=np.int64),
            "capacity": capacity,
            "settling_speed": speed,
            "services": services.to_numpy(dtype=float),
            "labour_market": labour.to_numpy(dtype=float),
            "minors_capacity_indicator": minors_cap.astype(float),
            "minors_eligible": eligible.to_numpy(),
            "minors_capacity": minors_cap.astype(np.int64),
            "imputed": imputed.to_numpy(),
        }
    )


def default_criteria(weights: Mapping[str, float] | None = None) -> list[Criterion]:
    """The requests key of :func:`norway_2024` with ``weights`` (defaults: capacity most)."""
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    spec = {
        "capacity": {"indicator": "capacity"},
        "settling_speed": {"indicator": "settling_speed", "kind": "rate", "base": "capacity"},
        "services": {"indicator": "services", "kind": "rate", "base": "population"},
        "labour_market": {"indicator": "labour_market", "kind": "rate", "base": "population"},
        "population": {"indicator": "population"},
    }
    unknown = sorted(set(w) - set(spec))
    if unknown:
        raise InputError(
            f"The `weights` parameter must name criteria among {', '.join(spec)}. "
            f"Got {', '.join(map(repr, unknown))} instead."
        )
    return [Criterion(name=k, weight=v, **spec[k]) for k, v in w.items()]


def default_minors_criteria(weights: Mapping[str, float] | None = None) -> list[Criterion]:
    """The minors key of :func:`norway_2024` (capacity for minors weighs most)."""
    w = dict(DEFAULT_MINORS_WEIGHTS if weights is None else weights)
    spec = {
        "minors_capacity": {"indicator": "minors_capacity_indicator"},
        "services": {"indicator": "services", "kind": "rate", "base": "population"},
        "population": {"indicator": "population"},
    }
    unknown = sorted(set(w) - set(spec))
    if unknown:
        raise InputError(
            f"The `minors_weights` parameter must name criteria among {', '.join(spec)}. "
            f"Got {', '.join(map(repr, unknown))} instead."
        )
    return [Criterion(name=k, weight=v, **spec[k]) for k, v in w.items()]


def norway_2024(
    *,
    total: int = NEED_2024,
    minors: int = MINORS_2024,
    weights: Mapping[str, float] | None = None,
    minors_weights: Mapping[str, float] | None = None,
    rules: Rules = PROCESS_RULES_2024,
    indicators_year: int = 2023,
) -> Problem:
    """The 2024 Norwegian problem: 37,000 persons, of whom 610 minors, over 357 municipalities.

    Indicators are derived from what IMDi knew in autumn 2023 (see
    :func:`derive_indicators`); weights default to :data:`busetting.DEFAULT_WEIGHTS`
    (capacity 0.40, labour market 0.20, services 0.15, settling speed 0.15, population
    0.10) and :data:`DEFAULT_MINORS_WEIGHTS`; the rules default to the real process's
    (:data:`PROCESS_RULES_2024`: multiples of 5, minimum 5, minors in groups of at least 4, at
    most 57 minors hosts), each switchable off.

    Examples
    --------
    >>> import busetting as bs
    >>> from busetting.datasets import norway_2024
    >>> problem = norway_2024()
    >>> problem.total, problem.minors, len(problem.municipalities)
    (37000, 610, 357)
    >>> alloc = bs.allocate(problem)
    >>> int(alloc.requests.sum()), int(alloc.minors.sum())
    (37000, 610)
    """
    frame = derive_indicators(year=indicators_year)
    problem = Problem.from_frame(
        frame,
        total=total,
        minors=minors,
        criteria=default_criteria(weights),
        minors_criteria=default_minors_criteria(minors_weights),
    )
    return problem.with_rules(rules)
