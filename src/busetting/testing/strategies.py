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

from busetting._allocate import diagnose
from busetting._exceptions import InputError
from busetting._model import Criterion, Municipality, Need, Problem

__all__ = ["baselines", "criteria", "municipalities", "problems"]

INDICATORS = ("capacity", "services")


ID_ALPHABET = "0123456789ABCXYZabcxyzæøåÆØÅ-_. "
"""Characters of the ids drawn with ``any_ids=True`` (a space only inside an id)."""


@st.composite
def municipalities(
    draw: st.DrawFn,
    *,
    min_size: int = 1,
    max_size: int = 8,
    max_population: int = 100_000,
    indicators: tuple[str, ...] = INDICATORS,
    any_ids: bool = False,
) -> list[Municipality]:
    """Municipalities with unique ids, a population and ``indicators`` (no bounds).

    The first municipality always has a positive population and positive indicators, so
    every key built over them is defined.

    Parameters
    ----------
    min_size, max_size : int
        How many municipalities.
    max_population : int
        Largest population drawn.
    indicators : tuple of str
        The indicators each municipality gets (whole numbers 0 to 1,000).
    any_ids : bool
        ``False``: 4-digit kommunenummer. ``True``: any strings of 1 to 9 characters of
        :data:`ID_ALPHABET` without leading or trailing whitespace (their lengths and their
        order as text vary).

    Returns
    -------
    SearchStrategy of list of Municipality
    """
    n = draw(st.integers(min_size, max_size))
    if any_ids:
        text = st.text(ID_ALPHABET, min_size=1, max_size=9).filter(lambda t: t.strip() == t)
        ids = draw(st.lists(text, min_size=n, max_size=n, unique=True))
    else:
        numbers = draw(st.lists(st.integers(1, 9999), min_size=n, max_size=n, unique=True))
        ids = [f"{num:04d}" for num in numbers]
    out = []
    for j, mid in enumerate(ids):
        low = 1 if j == 0 else 0
        pop = draw(st.integers(low, max_population))
        inds = {name: float(draw(st.integers(low, 1000))) for name in indicators}
        out.append(
            Municipality(
                municipality_id=mid,
                name=f"Kommune {mid}",
                county=f"Fylke {(len(mid) if any_ids else int(mid)) % 3}",
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
        The indicators the criteria may read (``"population"`` always as a volume).

    Returns
    -------
    SearchStrategy of tuple of Criterion
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
    any_ids: bool = False,
) -> Problem:
    """Whole problems: municipalities, a key, a need, and optionally bounds and minors.

    Parameters
    ----------
    min_size, max_size, max_population, any_ids
        As in :func:`municipalities`.
    max_total : int
        Largest national need drawn.
    bounds, minors : bool
        Whether to draw ``min``/``max``/``fixed`` and the minors fields and need.
    feasible : bool
        Only problems that :func:`busetting.diagnose` accepts for ``method`` (one
        municipality is always left unbounded with positive targets, and lower bounds are
        kept small, so few draws are rejected).
    method : str
        The method the feasibility is checked for.

    Returns
    -------
    SearchStrategy of Problem
    """
    ms = draw(
        municipalities(
            min_size=min_size, max_size=max_size, max_population=max_population, any_ids=any_ids
        )
    )
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
                upd["minors_max"] = draw(st.integers(0, max(1, minors_total)))
            if upd["minors_eligible"] and minors_total and draw(st.integers(0, 4)) == 0:
                top = min(
                    upd.get("minors_max", minors_total),
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


@st.composite
def baselines(draw: st.DrawFn, problem: Problem, *, max_value: int | None = None) -> dict[str, int]:
    """Numbers to compare a problem's requests with (last year's, a draft, a recommendation).

    Parameters
    ----------
    problem : Problem
        Whose municipalities the baseline covers (every one, some at 0).
    max_value : int, optional
        Largest number drawn (default: the problem's need, at least 1).

    Returns
    -------
    SearchStrategy of dict of str to int
        ``municipality_id`` to a whole number >= 0.
    """
    top = max(1, problem.total if max_value is None else max_value)
    values = draw(
        st.lists(st.integers(0, top), min_size=len(problem.ids), max_size=len(problem.ids))
    )
    return dict(zip(problem.ids, values, strict=True))
