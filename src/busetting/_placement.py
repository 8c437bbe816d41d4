"""Who receives the next person: a divisor-method priority over the councils' decisions.

Refugees arrive all year and each arrival must go somewhere. :func:`next_placements` gives
the next ``k`` persons (and, separately, the next unaccompanied minors) to the municipalities
whose settled numbers lie furthest behind a proportional share of their decisions, one person
at a time, by the priority of a divisor method:

``priority_i = d_i / s(x_i)``

with ``d_i`` the decision (vedtak), ``x_i`` the persons settled so far and ``s`` the method's
signpost (Webster/Sainte-Laguë by default: ``s(x) = x + 1/2``). One person goes to the
largest priority, its count rises by one, and the next person is placed the same way.

Why Webster: placing persons one by one by a divisor priority is the sequential form of a
divisor apportionment, so after any number ``n`` of placements from zero the settled vector
is exactly the method's apportionment of ``n`` over the decisions: at every moment the
settled numbers are as close as the method can make them to ``n * d_i / sum(d)``. Webster's
``x + 1/2`` rounds those shares to the nearest whole number and favours neither large nor
small municipalities (D'Hondt's ``x + 1`` favours the large, Adams's ``x`` the small). The
sequence is house-monotone by construction: placing ``k`` and then one more is placing
``k + 1``.

Ties (equal priorities, compared exactly as fractions) go to the larger decision, then to the
lower ``municipality_id``, whatever the order of the input rows. A municipality that has
settled its decision receives no one unless ``allow_above=True``.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from busetting._defaults import choose_language
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._language import LANGUAGES, format_number, terms
from busetting._methods import DIVISOR_METHODS, Method, exact_signpost_key, parse_method

__all__ = ["PLACEMENT_COLUMNS", "Placements", "next_placements"]

PLACEMENT_COLUMNS = (
    "order",
    "kind",
    "municipality_id",
    "name",
    "county",
    "settled_before",
    "decision",
    "priority",
    "reason",
)
"""The columns of :attr:`Placements.table`, in order."""

WHERE = "next_placements"
_LANGUAGES = ("en", "nb", "nn")

_WORDS: dict[str, dict[str, str]] = {
    language: terms("placement.", language) for language in LANGUAGES
}
"""Words of the placement reasons (en, nb, nn), read from the term catalogue."""

_METHOD_NAMES = {
    Method.WEBSTER: "Webster",
    Method.DHONDT: "D'Hondt",
    Method.ADAMS: "Adams",
    Method.HUNTINGTON_HILL: "Huntington-Hill",
    Method.DEAN: "Dean",
}


@dataclass(frozen=True)
class Placements:
    """The next placements, in order, each with its reason.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per placed person, in order (columns :data:`PLACEMENT_COLUMNS`): ``kind`` is
        ``"person"`` or ``"minor"``; ``settled_before`` the municipality's count (of persons
        or of minors) before this placement; ``priority`` the divisor priority that won.
    settled : pandas.Series
        Persons settled per municipality after the placements (minors included only as far
        as they were counted in the ``settled`` given).
    minors_settled : pandas.Series
        Minors settled per municipality after the minors placements (empty without minors).
    method : Method
        The divisor method of the priority.
    tie_rule : str
        How equal priorities are ordered.
    """

    table: pd.DataFrame
    settled: pd.Series
    minors_settled: pd.Series
    method: Method
    tie_rule: str

    def counts(self, kind: str = "person") -> pd.Series:
        """How many of the placements of ``kind`` go to each municipality (placed ones only)."""
        part = self.table[self.table["kind"] == kind]
        return part.groupby("municipality_id")["order"].count().rename("placed")


TIE_RULE = (
    "equal priorities (compared exactly) go to the larger decision, then to the lower "
    "municipality_id"
)


def _whole(v: Any) -> int | None:
    """``v`` as a whole number >= 0, or None."""
    if isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return int(f) if f == f and 0 <= f <= 10**9 and f == int(f) else None


def _failure(pos: int | None, mid: str, what: str, value: Any, reason: str) -> dict[str, Any]:
    return {"row": pos, "municipality_id": mid, "column": what, "value": value, "reason": reason}


def _counts(values: Any, what: str, ids: list[str] | None) -> dict[str, int]:
    if values is None:
        return {i: 0 for i in ids or []}
    if not isinstance(values, pd.Series | Mapping):
        raise InputError(
            f"The `{what}` parameter of `{WHERE}` must be a mapping or Series of "
            f"municipality_id to a whole number. Got {type(values).__name__} instead."
        )
    failures: list[dict[str, Any]] = []
    out: dict[str, int] = {}
    for pos, (mid, v) in enumerate(values.items()):
        key, got = str(mid), _whole(v)
        if got is None:
            failures.append(_failure(pos, key, what, v, "must be a whole number >= 0"))
        elif key in out:
            failures.append(_failure(pos, key, what, v, "appears twice"))
        else:
            out[key] = got
    if ids is not None:
        failures += [
            _failure(None, u, what, out[u], "has no decision") for u in sorted(set(out) - set(ids))
        ]
    if failures:
        raise InputError.from_failures(WHERE, failures)
    return out if ids is None else {i: out.get(i, 0) for i in ids}


def _priority(method: Method, decision: int, settled: int) -> tuple[int, Fraction]:
    """``(infinite?, value)``; Huntington-Hill's value is the square of its priority."""
    post = exact_signpost_key(method, settled)
    if post == 0:
        return (1, Fraction(decision))
    top = decision * decision if method is Method.HUNTINGTON_HILL else decision
    return (0, Fraction(top) / post)


def _place(
    method: Method,
    decisions: dict[str, int],
    settled: dict[str, int],
    k: int,
    allow_above: bool,
) -> list[tuple[str, int, tuple[int, Fraction]]]:
    """``k`` placements: ``(municipality_id, settled before, priority)`` in order."""
    heap: list[tuple[int, Fraction, int, str]] = []
    for mid, d in decisions.items():
        s = settled[mid]
        if d == 0 or (s >= d and not allow_above):
            continue
        inf, value = _priority(method, d, s)
        heap.append((-inf, -value, -d, mid))
    heapq.heapify(heap)
    now = dict(settled)
    out: list[tuple[str, int, tuple[int, Fraction]]] = []
    for _ in range(k):
        neg_inf, neg_value, neg_d, mid = heapq.heappop(heap)
        before = now[mid]
        out.append((mid, before, (-neg_inf, -neg_value)))
        now[mid] = before + 1
        d = -neg_d
        if now[mid] < d or allow_above:
            inf, value = _priority(method, d, now[mid])
            heapq.heappush(heap, (-inf, -value, neg_d, mid))
    return out


def _check_room(
    decisions: dict[str, int], settled: dict[str, int], k: int, what: str, allow_above: bool
) -> None:
    if not isinstance(k, int) or isinstance(k, bool) or k < 0:
        raise InputError(
            f"The `{what}` parameter of `{WHERE}` must be a whole number >= 0. Got {k!r} instead."
        )
    if k and not any(d > 0 for d in decisions.values()):
        raise InputError(f"`{WHERE}`: every decision is 0, so nobody can be placed ({what}={k}).")
    room = sum(max(d - settled[m], 0) for m, d in decisions.items())
    if k > room and not allow_above:
        raise InputError(
            f"The `{what}` parameter of `{WHERE}` asks for {k:,} placements but the decisions "
            f"leave room for {room:,} (decided minus settled, summed). Expected at most "
            f"{room:,}; pass allow_above=True to place above the decisions."
        )


def _language_of(decisions: object, language: str | None) -> str | None:
    """``language``, or the one default for the ids of ``decisions`` when None."""
    if language is not None or not isinstance(decisions, Mapping | pd.Series):
        return language
    ids = decisions.index if isinstance(decisions, pd.Series) else list(decisions)
    return choose_language(None, [str(i) for i in ids], WHERE)


def next_placements(
    decisions: Mapping[str, int] | pd.Series,
    settled: Mapping[str, int] | pd.Series | None,
    k: int,
    *,
    minors_decisions: Mapping[str, int] | pd.Series | None = None,
    minors_settled: Mapping[str, int] | pd.Series | None = None,
    minors_k: int = 0,
    method: Method | str = "webster",
    allow_above: bool = False,
    municipalities: pd.DataFrame | None = None,
    language: str | None = None,
) -> Placements:
    """The municipalities that receive the next ``k`` persons (and ``minors_k`` minors).

    Parameters
    ----------
    decisions : mapping or Series of municipality_id to int
        The council decisions (vedtak): how many each municipality will settle this year.
    settled : mapping or Series, optional
        Persons settled so far (bosatt; missing ids and ``None``: 0).
    k : int
        How many persons to place.
    minors_decisions, minors_settled : mapping or Series, optional
        The same for unaccompanied minors, placed separately over the minors decisions.
    minors_k : int, default 0
        How many minors to place.
    method : str or Method, default "webster"
        A divisor method (``webster``, ``dhondt``, ``adams``, ``huntington_hill``, ``dean``).
    allow_above : bool, default False
        Allow placements beyond a decision (only then may ``k`` exceed the room left).
    municipalities : pandas.DataFrame, optional
        Indexed by ``municipality_id`` with ``name`` and ``county`` (for the reasons).
    language : {"en", "nb", "nn"}, optional
        The language of the reasons; None is the one default: bokmål for the Norway data
        (every id a 2024 kommunenummer), English otherwise.

    Returns
    -------
    Placements
        The placements in order, with their reasons, and the settled numbers after them.

    Raises
    ------
    InputError
        For a count that is not a whole number >= 0 (one failure table), an id settled
        without a decision, or ``k`` beyond the room the decisions leave.

    Notes
    -----
    Each person goes to ``argmax_i d_i / s(x_i)`` over the municipalities with ``x_i < d_i``
    (all with ``d_i > 0`` when ``allow_above``), with ``s(x) = x + 1/2`` for Webster. From
    ``x = 0`` the counts after ``n`` placements are the divisor apportionment of ``n`` over
    ``d``; from other counts they move towards it as fast as one person at a time can.

    Examples
    --------
    >>> import busetting as bs
    >>> p = bs.next_placements({"0001": 600, "0002": 200}, {"0001": 410, "0002": 135}, 3)
    >>> p.table["municipality_id"].tolist()
    ['0002', '0002', '0001']
    >>> print(p.table["reason"].iloc[2])  # doctest: +NORMALIZE_WHITESPACE
    0001 has settled 410 of 600 (68.3%); Webster priority 600/410.5 = 1.462, the highest
    of all; the lowest share of all
    """
    check_types(next_placements, locals())
    parsed = parse_method(method, caller="next_placements")
    if parsed not in DIVISOR_METHODS:
        raise InputError(
            f"The `method` parameter of `{WHERE}` must be a divisor method (webster, dhondt, "
            f"adams, huntington_hill, dean). Got {method!r} instead."
        )
    language = _language_of(decisions, language)
    if language not in _LANGUAGES:
        raise InputError(
            f"The `language` parameter of `{WHERE}` must be 'en', 'nb' or 'nn'. "
            f"Got {language!r} instead."
        )
    d = _counts(decisions, "decisions", None)
    ids = sorted(d)
    d = {i: d[i] for i in ids}
    s = _counts(settled, "settled", ids)
    _check_room(d, s, k, "k", allow_above)
    names, counties = _labels(municipalities)
    placed = _place(parsed, d, s, k, allow_above)
    rows = _rows(d, s, placed, "person", counties)
    after = dict(s)
    for r in rows:
        after[r[0]] += 1
    ms_after: dict[str, int] = {}
    if minors_decisions is not None or minors_k:
        md = _counts(minors_decisions or {}, "minors_decisions", None)
        mids = sorted(md)
        md = {i: md[i] for i in mids}
        ms = _counts(minors_settled, "minors_settled", mids)
        _check_room(md, ms, minors_k, "minors_k", allow_above)
        minor_rows = _rows(md, ms, _place(parsed, md, ms, minors_k, allow_above), "minor", counties)
        ms_after = dict(ms)
        for r in minor_rows:
            ms_after[r[0]] += 1
        rows += minor_rows
    table = _table(rows, names, counties, parsed, language)
    return Placements(
        table=table,
        settled=pd.Series(after, dtype="int64", name="settled").rename_axis("municipality_id"),
        minors_settled=pd.Series(ms_after, dtype="int64", name="minors_settled").rename_axis(
            "municipality_id"
        ),
        method=parsed,
        tie_rule=TIE_RULE,
    )


_Row = tuple[str, int, int, tuple[int, Fraction], str, bool]
"""A placement: id, settled before, decision, priority, kind, lowest share of its group."""


def _labels(municipalities: pd.DataFrame | None) -> tuple[dict[str, str], dict[str, str]]:
    """Names and counties by municipality_id (empty without a table)."""
    if municipalities is None:
        return {}, {}
    frame = municipalities
    if "municipality_id" in frame.columns:
        frame = frame.set_index("municipality_id")
    index = [str(i) for i in frame.index]
    names = (
        {i: str(v) for i, v in zip(index, frame["name"], strict=True)}
        if "name" in frame.columns
        else {}
    )
    counties = (
        {i: str(v) for i, v in zip(index, frame["county"], strict=True) if pd.notna(v)}
        if "county" in frame.columns
        else {}
    )
    return names, counties


def _rows(
    d: dict[str, int],
    s: dict[str, int],
    placed: list[tuple[str, int, tuple[int, Fraction]]],
    kind: str,
    counties: dict[str, str],
) -> list[_Row]:
    """Each placement, and whether its share was the lowest of its county (or of all)."""
    now = dict(s)
    heaps: dict[str | None, list[tuple[float, str]]] = {}
    for m, dm in d.items():
        if dm > 0:
            heaps.setdefault(counties.get(m), []).append((now[m] / dm, m))
    for heap in heaps.values():
        heapq.heapify(heap)
    out: list[_Row] = []
    for mid, before, prio in placed:
        heap = heaps[counties.get(mid)]
        while heap[0][0] != now[heap[0][1]] / d[heap[0][1]]:  # an old share: drop it
            heapq.heappop(heap)
        out.append((mid, before, d[mid], prio, kind, before / d[mid] <= heap[0][0]))
        now[mid] += 1
        heapq.heappush(heap, (now[mid] / d[mid], mid))
    return out


def _priority_value(method: Method, prio: tuple[int, Fraction]) -> float:
    if prio[0]:
        return float("inf")
    value = float(prio[1])
    return value**0.5 if method is Method.HUNTINGTON_HILL else value


def _table(
    rows: list[_Row],
    names: dict[str, str],
    counties: dict[str, str],
    method: Method,
    language: str,
) -> pd.DataFrame:
    records = [
        {
            "order": order,
            "kind": kind,
            "municipality_id": mid,
            "name": names.get(mid, mid),
            "county": counties.get(mid, ""),
            "settled_before": before,
            "decision": decision,
            "priority": _priority_value(method, prio),
            "reason": _reason(
                names.get(mid, mid), before, decision, prio, lowest, counties.get(mid),
                method, language, kind,
            ),
        }
        for order, (mid, before, decision, prio, kind, lowest) in enumerate(rows, start=1)
    ]  # fmt: skip
    return pd.DataFrame.from_records(records, columns=list(PLACEMENT_COLUMNS))


def _reason(
    name: str,
    before: int,
    decision: int,
    prio: tuple[int, Fraction],
    lowest: bool,
    county: str | None,
    method: Method,
    language: str,
    kind: str = "person",
) -> str:
    w = _WORDS[language]
    share = before / decision if decision else float("inf")
    pct = format_number(100 * share, language, 1) + ("%" if language == "en" else "\u00a0%")
    text = w["reason" if kind == "person" else "reason_minor"].format(
        name=name,
        settled=format_number(before, language),
        decision=format_number(decision, language),
        share=pct,
    )
    if before >= decision:
        return f"{text}; {w['above']}"
    if prio[0]:
        return f"{text}; {w['first']}"
    post = exact_signpost_key(method, before)
    shown_post = (
        format_number(float(post) ** 0.5, language, 3)
        if method is Method.HUNTINGTON_HILL
        else format_number(float(post), language, 1)
    )
    text += "; " + w["priority"].format(
        method=_METHOD_NAMES[method],
        decision=format_number(decision, language),
        signpost=shown_post,
        value=format_number(_priority_value(method, prio), language, 3),
    )
    text += f", {w['highest']}"
    if lowest:
        where = w["lowest_county"].format(county=county) if county else w["lowest_all"]
        text += f"; {where}"
    return text
