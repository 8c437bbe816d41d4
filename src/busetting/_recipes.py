"""Recipes of the Norway requests key: named, documented ways to build a year's default.

A recipe says how the key of a year is made from what was known the autumn before, in terms
an analyst can check:

``persistence``
    Last year's request, rescaled to the new total through the same method, rules and floor
    (the key is the ``previous_request`` criterion alone). What an IMDi analyst starts from.
``fitted``
    The criteria weights fitted on the year before (``busetting.fit_weights``).
``ministry``
    The ministry-literal weights (capacity 0.40, labour market 0.20, services 0.15, settling
    speed 0.15, population 0.10).

Two modifiers combine with any base, written after a ``+``:

``lean=x``
    Shrinkage toward last year's request: the key is ``x`` times persistence plus ``1 - x``
    times the base (``fitted+lean=0.5`` leans half on last year's request).
``county``
    County totals held at last year's county shares (a preset of the county-total rule,
    ``Rules.county_totals``): each county gets the total in proportion to what its
    municipalities were asked last year (never below the process floors of its
    municipalities), and the key divides it inside the county.

A recipe is written as its spec (``"fitted+lean=0.5+county"``); :data:`RECIPES` holds the
named presets compared by ``busetting backtest --recipes``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from busetting._criteria import DEFAULT_WEIGHTS
from busetting._edge import check_types
from busetting._exceptions import InputError

__all__ = ["RECIPES", "Recipe", "county_totals_at_shares", "parse_recipe"]

Base = Literal["persistence", "fitted", "ministry"]
BASES: tuple[Base, ...] = ("persistence", "fitted", "ministry")
PERSISTENCE_WEIGHTS: dict[str, float] = {"previous_request": 1.0}
"""The key of the persistence recipe: last year's request alone."""


@dataclass(frozen=True)
class Recipe:
    """A named way to build the Norway requests key of a year (see ``docs/realism.md``).

    Parameters
    ----------
    base : {"persistence", "fitted", "ministry"}
        Where the weights come from: last year's request alone, the weights fitted on the
        year before, or the ministry-literal weights.
    lean : float
        Shrinkage weight on last year's request, 0 to 1: the key is ``lean`` times
        persistence plus ``1 - lean`` times the base (0 for the base alone).
    county_shares : bool
        Hold each county's total at its share of last year's requests (a preset of the
        county-total rule).

    Examples
    --------
    >>> from busetting import Recipe, parse_recipe
    >>> parse_recipe("fitted+lean=0.5").spec
    'fitted+lean=0.5'
    >>> Recipe("ministry", lean=0.25).weights()["previous_request"]
    0.25
    """

    base: Base = "persistence"
    lean: float = 0.0
    county_shares: bool = False

    def __post_init__(self) -> None:
        if self.base not in BASES:
            raise InputError(
                f"The `base` of a recipe must be one of {', '.join(BASES)}. "
                f"Got {self.base!r} instead."
            )
        lean = self.lean
        if isinstance(lean, bool) or not isinstance(lean, int | float) or not 0 <= lean <= 1:
            raise InputError(
                f"The `lean` of a recipe must be a number from 0 to 1 (the weight on last "
                f"year's request). Got {lean!r} instead."
            )
        object.__setattr__(self, "lean", float(lean))

    @property
    def spec(self) -> str:
        """The recipe written out (what :func:`parse_recipe` reads back)."""
        parts: list[str] = [self.base]
        if self.lean and self.base != "persistence":
            parts.append(f"lean={self.lean:g}")
        if self.county_shares:
            parts.append("county")
        return "+".join(parts)

    @property
    def needs_fit(self) -> bool:
        """Whether the key needs weights fitted on the year before."""
        return self.base == "fitted" and self.lean < 1

    def weights(self, fitted: Mapping[str, float] | None = None) -> dict[str, float]:
        """The weights of the requests key.

        Parameters
        ----------
        fitted : mapping of str to float, optional
            The fitted weights, for the ``fitted`` base (required there).

        Returns
        -------
        dict of str to float
            Weight by criterion name, summing to 1.
        """
        if self.base == "persistence" or self.lean == 1:
            return dict(PERSISTENCE_WEIGHTS)
        if self.base == "ministry":
            base = dict(DEFAULT_WEIGHTS)
        elif fitted is None:
            raise InputError(f"The recipe {self.spec!r} needs fitted weights; none were given.")
        else:
            base = dict(fitted)
        out = {k: (1.0 - self.lean) * float(v) for k, v in base.items()}
        out["previous_request"] = out.get("previous_request", 0.0) + self.lean
        return out

    def __str__(self) -> str:
        return self.spec


RECIPES: dict[str, Recipe] = {
    "persistence": Recipe("persistence"),
    "persistence+county": Recipe("persistence", county_shares=True),
    "fitted": Recipe("fitted"),
    "fitted+lean=0.5": Recipe("fitted", lean=0.5),
    "fitted+county": Recipe("fitted", county_shares=True),
    "ministry": Recipe("ministry"),
    "ministry+lean=0.5": Recipe("ministry", lean=0.5),
}
"""The named recipes compared by default (``busetting backtest --recipes``), by spec."""


def parse_recipe(spec: str | Recipe) -> Recipe:
    """Read a recipe from its spec: ``base[+lean=x][+county]``.

    Parameters
    ----------
    spec : str or Recipe
        ``persistence``, ``fitted`` or ``ministry``, optionally followed by ``+lean=x``
        (``0 <= x <= 1``) and ``+county``.

    Returns
    -------
    Recipe

    Raises
    ------
    InputError
        If the spec names no base, an unknown modifier or a lean outside 0-1.

    Examples
    --------
    >>> from busetting import parse_recipe
    >>> parse_recipe("ministry+lean=0.3+county")
    Recipe(base='ministry', lean=0.3, county_shares=True)
    """
    check_types(parse_recipe, locals())
    if isinstance(spec, Recipe):
        return spec
    if not isinstance(spec, str) or not spec.strip():
        raise InputError(
            "A recipe must be written as base[+lean=x][+county] with base persistence, fitted "
            f"or ministry. Got {spec!r} instead."
        )
    head, *mods = (part.strip() for part in spec.strip().split("+"))
    lean: float = 0.0
    county = False
    for mod in mods:
        if mod == "county":
            county = True
        elif mod.startswith("lean="):
            try:
                lean = float(mod[5:])
            except ValueError:
                lean = math.nan
            if not 0 <= lean <= 1:
                raise InputError(
                    f"The lean of the recipe {spec!r} must be a number from 0 to 1. "
                    f"Got {mod[5:]!r} instead."
                )
        else:
            raise InputError(
                f"The recipe {spec!r} has an unknown part {mod!r}; expected lean=x or county."
            )
    if head not in BASES:
        raise InputError(
            f"The recipe {spec!r} must start with persistence, fitted or ministry. "
            f"Got {head!r} instead."
        )
    return Recipe(head, lean=lean, county_shares=county)


def county_totals_at_shares(
    previous: pd.Series,
    counties: pd.Series,
    total: int,
    *,
    floors: pd.Series | None = None,
    granularity: int = 1,
) -> dict[str, int]:
    """Divide ``total`` over the counties in proportion to last year's requests.

    Largest remainders on units of ``granularity`` (the rest of the total goes to the county
    with the largest share); a county whose share falls below the sum of its municipalities'
    floors is held at that sum and the rest is divided again over the others.

    Parameters
    ----------
    previous : pandas.Series
        Last year's request per municipality.
    counties : pandas.Series
        The county of each municipality (same index).
    total : int
        The national total.
    floors : pandas.Series, optional
        Each municipality's lower bound (same index; default 0).
    granularity : int
        Counties receive multiples of this where the total allows.

    Returns
    -------
    dict of str to int
        Total per county, summing to ``total``.

    Examples
    --------
    >>> import pandas as pd
    >>> prev = pd.Series([10, 30, 60]); counties = pd.Series(["A", "B", "B"])
    >>> county_totals_at_shares(prev, counties, 200, granularity=5)
    {'A': 20, 'B': 180}
    """
    weight = previous.astype(float).groupby(counties).sum()
    low = (
        floors.astype(float).groupby(counties).sum().reindex(weight.index, fill_value=0.0)
        if floors is not None
        else pd.Series(0.0, index=weight.index)
    )
    names = sorted(weight.index, key=str)
    weight, low = weight.reindex(names), low.reindex(names)
    if weight.sum() <= 0:
        weight = pd.Series(1.0, index=names)
    held: dict[str, int] = {}
    while True:
        free = [c for c in names if c not in held]
        rest = total - sum(held.values())
        out = _largest_remainders(weight[free].to_numpy(), rest, granularity)
        short = [c for c, v in zip(free, out, strict=True) if v < low[c]]
        if not short:
            merged = {**held, **{c: int(v) for c, v in zip(free, out, strict=True)}}
            return {c: merged[c] for c in names}
        for c in short:
            held[c] = int(math.ceil(low[c] / granularity) * granularity)
        if len(held) == len(names):
            return {c: held[c] for c in names}


def _largest_remainders(weights: np.ndarray, total: int, granularity: int) -> np.ndarray:
    """Apportion ``total`` by ``weights`` in units of ``granularity`` (Hamilton)."""
    if len(weights) == 0:
        return np.zeros(0, dtype=np.int64)
    units, extra = divmod(max(total, 0), granularity)
    w = weights / weights.sum() if weights.sum() > 0 else np.full(len(weights), 1 / len(weights))
    quota = w * units
    base = np.floor(quota).astype(np.int64)
    left = int(units - base.sum())
    order = np.lexsort((np.arange(len(w)), -(quota - base)))
    base[order[:left]] += 1
    out = base * granularity
    out[int(np.argmax(w))] += extra
    return np.asarray(out, dtype=np.int64)
