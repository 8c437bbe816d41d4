"""Hypothesis strategies for busetting problems (public; needs the ``testing`` extra).

>>> from hypothesis import given, settings
>>> import busetting as bs
>>> from busetting.testing import assert_valid_allocation
>>> from busetting.testing.strategies import problems
>>> @settings(max_examples=5, database=None)
... @given(problems(max_size=6))
... def test_valid(problem):
...     assert_valid_allocation(problem, bs.allocate(problem))
>>> test_valid()
"""

from __future__ import annotations

from typing import Any

try:
    from hypothesis import assume
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        'busetting.testing.strategies needs hypothesis: pip install "busetting[testing]"'
    ) from exc

from busetting._exceptions import InputError
from busetting._model import Criterion, Municipality, Need, Problem

__all__ = ["criteria", "municipalities", "problems"]

INDICATORS = ("capacity", "services")


@st.composite
def municipalities(
    draw: st.DrawFn,
    *,
    min_size: int = 1,
    max_size: int = 8,
    max_population: int = 100_000,
    indicators: tuple[str, ...] = INDICATORS,
) -> list[Municipality]:
    """Municipalities with unique 4-digit ids, a population and ``indicators`` (no bounds).

    The first one always has a positive population and positive indicators, so every key
    built over them is defined.

    Parameters
    ----------
    min_size, max_size : int
        Bounds on the number of municipalities.
    max_population : int
        Largest population drawn.
    indicators : tuple of str
        Indicator names, each drawn as a whole number 0-1000.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Lists of :class:`~busetting.Municipality`.
    """
    n = draw(st.integers(min_size, max_size))
    ids = draw(st.lists(st.integers(1, 9999), min_size=n, max_size=n, unique=True))
    out = []
    for j, num in enumerate(ids):
        low = 1 if j == 0 else 0
        pop = draw(st.integers(low, max_population))
        inds = {name: float(draw(st.integers(low, 1000))) for name in indicators}
        out.append(
            Municipality(
                municipality_id=f"{num:04d}",
                name=f"Kommune {num:04d}",
                county=f"Fylke {num % 3}",
                population=pop,
                indicators=inds,
            )
        )
    return out


@st.composite
def criteria(
    draw: st.DrawFn, *, indicators: tuple[str, ...] = ("population", *INDICATORS)
) -> tuple[Criterion, ...]:
    """A key over ``indicators``: weights summing to 1, volume or rate, either direction.

    Parameters
    ----------
    indicators : tuple of str
        The indicators the key may use; ``population`` is always a volume.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Tuples of :class:`~busetting.Criterion`.
    """
    raw = draw(
        st.lists(st.integers(0, 4), min_size=len(indicators), max_size=len(indicators)).filter(
            lambda ws: sum(ws) > 0
        )
    )
    total = sum(raw)
    out = []
    for name, k in zip(indicators, raw, strict=True):
        if k == 0:
            continue
        kind = "volume" if name == "population" else draw(st.sampled_from(["volume", "rate"]))
        direction = "higher" if kind == "volume" else draw(st.sampled_from(["higher", "lower"]))
        out.append(
            Criterion(
                name=name,
                indicator=name,
                weight=k / total,
                kind=kind,
                base="population" if kind == "rate" else None,
                direction=direction,
            )
        )
    return tuple(out)


@st.composite
def problems(
    draw: st.DrawFn,
    *,
    min_size: int = 1,
    max_size: int = 8,
    max_total: int = 300,
    bounds: bool = True,
    minors: bool = True,
    feasible: bool = True,
    max_population: int = 100_000,
    method: str = "webster",
) -> Problem:
    """Whole problems: municipalities, a key, a need, and optionally bounds and minors.

    With ``feasible=True`` (default) only problems that ``busetting._diagnose`` accepts for
    ``method`` are produced (one municipality is always left unbounded with positive
    targets, and lower bounds are kept small, so few draws are rejected).

    Parameters
    ----------
    min_size, max_size : int
        Bounds on the number of municipalities.
    max_total : int
        Largest national need drawn.
    bounds : bool
        Draw ``min``/``max``/``fixed`` bounds.
    minors : bool
        Draw a minors need (at most a quarter of ``max_total``), eligibility, capacities and
        ``minors_min``.
    feasible : bool
        Keep only problems the pre-checks accept for ``method``.
    max_population : int
        Largest population drawn.
    method : str
        The apportionment method the feasibility is checked for.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        :class:`~busetting.Problem` instances.
    """
    from busetting._allocate import diagnose

    ms = draw(municipalities(min_size=min_size, max_size=max_size, max_population=max_population))
    key = draw(criteria())
    total = draw(st.integers(0, max_total))
    minors_total = draw(st.integers(0, min(total, max_total // 4))) if minors else 0
    n = len(ms)
    updated = []
    for j, m in enumerate(ms):
        upd: dict[str, Any] = {}
        if bounds and (j > 0 or not feasible):
            share = max(1, total // n)
            kind = draw(st.sampled_from(["none", "none", "min", "max", "both", "fixed"]))
            if kind in ("min", "both"):
                upd["min"] = draw(st.integers(0, share))
            if kind in ("max", "both"):
                upd["max"] = draw(st.integers(upd.get("min", 0), upd.get("min", 0) + 2 * share))
            if kind == "fixed":
                upd["fixed"] = draw(st.integers(0, share))
        if minors:
            upd["minors_eligible"] = True if j == 0 else draw(st.booleans())
            if (j > 0 or not feasible) and draw(st.booleans()):
                upd["minors_capacity"] = draw(st.integers(0, max(1, minors_total)))
            if upd["minors_eligible"] and minors_total and draw(st.integers(0, 4)) == 0:
                top = min(
                    upd.get("minors_capacity", minors_total),
                    upd.get("max", minors_total),
                    upd.get("fixed", minors_total),
                    max(1, minors_total // n),
                )
                upd["minors_min"] = draw(st.integers(0, max(0, top)))
        updated.append(Municipality(**{**m.model_dump(), **upd}) if upd else m)
    problem = Problem(
        municipalities=tuple(updated), criteria=key, need=Need(total=total, minors=minors_total)
    )
    if feasible:
        try:
            ok = not diagnose(problem, method=method)
        except InputError:  # a criterion that is 0 everywhere in a key
            ok = False
        assume(ok)
    return problem
