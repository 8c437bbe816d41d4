"""The county round: the counties' recommendations reconciled into one exact answer.

IMDi gives each county its share of the draft (requests and minors); each county council
recommends a number for every municipality in it; :func:`reconcile` turns the returned
recommendations into the final requests. It is :func:`~busetting.allocate` with the
recommendations as targets:

* each county's share of the draft is a hard county total (so the national total stays exact,
  and the problem decomposes into one part per county);
* the process rules of the problem (granularity, minimum request, minors groups and hosts)
  and every municipality's bounds hold as in the draft;
* the objective is the method's deviation from the *reconciliation targets* below.

Targets, county by county (``S_c`` its share, ``r_i`` a recommendation, ``k_i`` the national
key's target from the draft, ``w`` the ``key_weight``):

* a county whose recommendations are complete and sum to its share: ``t_i = r_i``. When those
  recommendations also honour the rules and bounds, the county gets exactly them back (the
  deviation is zero there and the county's total is held);
* a county that gave none: ``t_i = S_c * k_i / sum_c k`` (the national key inside its share);
* otherwise (blanks, or a sum above or below the share): blanks are filled with ``k_i`` and
  ``t_i = S_c * ((1 - w) * f_i / sum_c f + w * k_i / sum_c k)`` with ``f`` the filled
  recommendations: the county's own proportions scaled to its share, pulled towards the
  national key by ``w``.

Minors follow the same rules with the county's minors share (``M_c``, the draft's minors in
the county) over the municipalities eligible for minors, except that a county that recommends
no minors keeps the draft's own minors targets (minors have no county totals, so those come out
as in the draft unless the other counties' changes move them). In a county that recommends any
minors, a blank minors cell means 0. Where a county's minors recommendations are complete,
sum to its minors share and each is an allowed value (eligible, within the minors capacity,
not above the recommended request, 0 or a full group), they are held exactly.

Every municipality whose final request or minors differ from its recommendation is listed in
:attr:`Reconciliation.changes` with the reasons (``rule``, ``capacity``, ``total``,
``fixed``). Infeasibility is a status, with the engine's diagnosis naming each county and
the amount short.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from busetting._accounting import Accounting, account_parts, frame_of
from busetting._allocate import allocate
from busetting._cells import MAX_COUNT, Formula, count_problem
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._language import LANGUAGES, terms
from busetting._methods import Method, parse_method
from busetting._model import Criterion, Municipality, Problem, Rules
from busetting._names import resolve_county
from busetting._result import Allocation
from busetting._rules import (
    host_limit,
    minors_group,
    reconcile_hosts_reasons,
    reconcile_minors_reasons,
    reconcile_reasons,
    upper_limits,
)
from busetting._status import Status

__all__ = ["Recommendations", "Reconciliation", "change_report", "reconcile"]

log = logging.getLogger(__name__)

DEFAULT_KEY_WEIGHT = 0.25
"""Weight of the national key in a county whose recommendations are incomplete or do not sum
to its share (the rest is the county's own proportions)."""

TARGET = "reconcile_target"
MINORS_TARGET = "reconcile_minors_target"
THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")
"""Text such as ``1.000`` or ``2,500``: a thousands separator or a decimal? Refused."""
RECOMMENDATION = "recommendation"
RECOMMENDED_MINORS = "recommended_minors"
CHANGE_COLUMNS = (
    "county",
    "municipality_id",
    "name",
    "draft",
    RECOMMENDATION,
    "request",
    "change_from_draft",
    "change",
    RECOMMENDED_MINORS,
    "minors",
    "minors_change",
    "kind",
    "reason",
    "parts",
)


@dataclass(frozen=True, eq=False)
class Recommendations:
    """The counties' recommendations, as read back by :func:`busetting.read_recommendations`.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by ``municipality_id``; columns ``county``, ``name``, ``recommendation`` and
        ``recommended_minors`` (nullable integers: ``<NA>`` is a blank) and ``comment``.
    counties : tuple of str
        The counties that gave at least one recommendation (or comment).
    notes : tuple of str
        What the reader had to interpret: renamed sheets, misspelt headers, extra rows.
    """

    table: pd.DataFrame
    counties: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False, repr=False)
class Reconciliation:
    """The final requests of the county round, with what changed and why.

    Attributes
    ----------
    allocation : Allocation
        The reconciled allocation (its ``targets`` are the reconciliation targets).
    draft : Allocation
        The draft the shares came from.
    counties : pandas.DataFrame
        Per county: ``share``, ``minors_share``, ``recommended`` and ``recommended_minors``
        (sums of what was given), ``given`` (municipalities with a recommendation),
        ``municipalities``, ``case`` (``none``: no recommendation; ``matches``: complete and
        summing to the share; ``blanks``; ``above`` or ``below`` the share), ``request`` and
        ``minors`` (final sums) and ``changed`` (municipalities listed in :attr:`changes`).
    changes : pandas.DataFrame
        One row per municipality whose final request or minors differ from its recommendation:
        ``county``, ``municipality_id``, ``name``, ``recommendation``, ``request``, ``change``,
        ``recommended_minors``, ``minors``, ``minors_change``, ``kind`` (of the first reason:
        ``rule``, ``capacity``, ``total`` or ``fixed``) and ``reason`` (every reason, in words).
    key_weight : float
        The weight of the national key used where a county's recommendations did not fit.
    """

    allocation: Allocation
    draft: Allocation
    counties: pd.DataFrame
    changes: pd.DataFrame
    key_weight: float
    recommendations: pd.DataFrame = field(repr=False)

    @property
    def status(self) -> Status:
        """The status of the reconciled allocation."""
        return self.allocation.status

    @property
    def message(self) -> str:
        """The message of the reconciled allocation."""
        return self.allocation.message

    def raise_for_status(self) -> Reconciliation:
        """Return ``self`` if optimal; raise like :meth:`Allocation.raise_for_status`."""
        self.allocation.raise_for_status()
        return self

    def __repr__(self) -> str:
        answered = int((self.counties["case"] != "none").sum())
        return (
            f"Reconciliation(status={self.status.value!r}, counties answered "
            f"{answered}/{len(self.counties)}, changes={len(self.changes)}, "
            f"key_weight={self.key_weight:g})"
        )

    def accounting(self, against: str = "recommendation") -> Accounting:
        """The parts of every municipality's change from its draft or its recommendation.

        ``against="draft"``: every municipality against its draft request (the county share,
        the recommendation, the draft's own bounds and rounding, the final bounds, rules and
        rounding). ``against="recommendation"`` (default): municipalities with a
        recommendation against it (the county's own proportions scaled to its share, the
        national key at ``key_weight``, bounds, rules, rounding), the others against their
        draft. The parts sum exactly to each change (see :mod:`busetting._accounting`).
        """
        if against not in ("draft", "recommendation"):
            raise InputError(
                "The `against` parameter of `Reconciliation.accounting` must be 'draft' or "
                f"'recommendation'. Got {against!r} instead."
            )
        if self.allocation.requests is None:
            raise InputError(
                f"The reconciliation has no requests to account for: {self.allocation.message}"
            )
        return _accounting(
            self.allocation,
            self.draft,
            self.recommendations,
            self.counties,
            self.key_weight,
            against,
        )

    def changes_for(self, county: str) -> pd.DataFrame:
        """The change report of one county (``"Vestland"``, ``"vestland"`` or ``"46"``)."""
        name = resolve_county(county, list(self.counties.index), where="changes_for")
        return self.changes[self.changes["county"] == name].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """One row per municipality: draft, recommendation, target, final request and minors."""
        alloc = self.allocation
        frame = alloc.to_frame()[["name", "county", "target", "request", "minors_target", "minors"]]
        frame.insert(2, "draft_request", self.draft.requests)
        frame.insert(3, "draft_minors", self.draft.minors)
        frame.insert(4, RECOMMENDATION, self.recommendations[RECOMMENDATION])
        frame.insert(5, RECOMMENDED_MINORS, self.recommendations[RECOMMENDED_MINORS])
        reasons = self.changes.set_index("municipality_id")["reason"]
        frame["reason"] = reasons.reindex(frame.index).fillna("").to_numpy()
        return frame


_WORDS: dict[str, dict[str, str]] = {
    language: terms("reconcile.", language) for language in LANGUAGES
}


def change_report(reconciliation: Reconciliation, language: str = "en") -> pd.DataFrame:
    """The change report with its kinds, reasons and parts in ``language`` (en, nb or nn).

    English keeps :attr:`Reconciliation.changes` as it is. In Norwegian, ``kind`` is
    translated and ``reason`` and ``parts`` are the parts of the change in words (against the
    recommendation where one was given, else against the draft), largest first.
    """
    frame = reconciliation.changes.copy()
    if language == "en" or frame.empty:
        return frame
    words = _WORDS.get(language, _WORDS["en"])
    books = (reconciliation.accounting("recommendation"), reconciliation.accounting("draft"))
    reasons, parts = [], []
    records: list[dict[Any, Any]] = frame.to_dict("records")
    for row in records:
        given = row[RECOMMENDATION] is not pd.NA and not pd.isna(row[RECOMMENDATION])
        book = books[0] if given else books[1]
        baseline = int(row[RECOMMENDATION] if given else row["draft"])
        text = book.describe(str(row["municipality_id"]), language, limit=6)
        moved = int(row["request"]) != baseline
        if not moved:
            text = words["as_recommended"] if given else words["moved"]
        parts.append(text if moved else "")
        reasons.append(f"{words.get(str(row['kind']), str(row['kind']))}: {text}")
    frame["kind"] = [words.get(str(k), str(k)) for k in frame["kind"]]
    frame["reason"] = reasons
    frame["parts"] = parts
    return frame


# -- input checks --------------------------------------------------------------------------


def count_or_blank(value: Any) -> int | str | None:
    """A whole number >= 0, ``None`` for a blank, or a reason string for a bad value."""
    if isinstance(value, Formula):  # never blank: the number the county typed is unknown
        return count_problem(value, blank=True)[1]
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if not text:
            return None
        if THOUSANDS.match(text):
            return "must be a whole number >= 0 or blank, written without a thousands separator"
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            return "must be a whole number >= 0 or blank"
    if hasattr(value, "item") and not isinstance(value, (bool, int, float)):
        value = value.item()
    if isinstance(value, bool):
        return "must be a whole number >= 0 or blank"
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return "must be a whole number >= 0 or blank"
        value = int(value)
    if not isinstance(value, int) or value < 0:
        return "must be a whole number >= 0 or blank"
    if value > MAX_COUNT:  # would overflow the table's integers, and is not what was typed
        return f"must be a whole number >= 0 or blank; is too large (at most {MAX_COUNT:,})"
    return value


def recommendation_table(frame: Any, ids: Sequence[str], where: str) -> pd.DataFrame:
    """Check a recommendations table against the problem's ids; one row per municipality.

    Returns a frame indexed like ``ids`` with nullable-integer ``recommendation`` and
    ``recommended_minors`` (``<NA>`` where blank or absent). Every failure is collected into
    one :class:`InputError`.
    """
    if isinstance(frame, Recommendations):
        frame = frame.table
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"The `recommendations` parameter of `{where}` must be a Recommendations or a "
            f"pandas DataFrame. Got {type(frame).__name__} instead."
        )
    data = frame.reset_index() if "municipality_id" not in frame.columns else frame
    if "municipality_id" not in data.columns or RECOMMENDATION not in data.columns:
        raise InputError(
            f"The `recommendations` parameter of `{where}` must have the columns "
            f"'municipality_id' and 'recommendation'. Got {list(map(str, frame.columns))} "
            "instead."
        )
    rec, minors = _read_records(data, ids, where)
    idx = pd.Index(list(ids), name="municipality_id")
    return pd.DataFrame(
        {
            RECOMMENDATION: pd.array([rec.get(i) for i in ids], dtype="Int64"),
            RECOMMENDED_MINORS: pd.array([minors.get(i) for i in ids], dtype="Int64"),
        },
        index=idx,
    )


def _failure(row: int, mid: str | None, column: str, value: Any, reason: str) -> dict[str, Any]:
    """One failure record of :meth:`InputError.from_failures`."""
    return {"row": row, "municipality_id": mid, "column": column, "value": value, "reason": reason}


def _read_records(
    data: pd.DataFrame, ids: Sequence[str], where: str
) -> tuple[dict[str, int | None], dict[str, int | None]]:
    """The recommendation and recommended minors of each municipality named in ``data``
    (``None`` where blank); every failure is collected into one :class:`InputError`."""
    known = set(ids)
    failures: list[dict[str, Any]] = []
    rec: dict[str, int | None] = {}
    minors: dict[str, int | None] = {}
    has_minors = RECOMMENDED_MINORS in data.columns
    for row, record in enumerate(data.to_dict("records")):
        mid = record["municipality_id"]
        mid = str(mid) if mid is not None else None
        if mid not in known:
            reason = "is not a municipality of the problem"
            failures.append(_failure(row, mid, "municipality_id", mid, reason))
            continue
        if mid in rec:
            failures.append(_failure(row, mid, "municipality_id", mid, "appears more than once"))
            continue
        for column, store in ((RECOMMENDATION, rec), (RECOMMENDED_MINORS, minors)):
            if column == RECOMMENDED_MINORS and not has_minors:
                store[mid] = None
                continue
            got = count_or_blank(record[column])
            if isinstance(got, str):
                failures.append(_failure(row, mid, column, record[column], got))
                store[mid] = None
            else:
                store[mid] = got
    if failures:
        raise InputError.from_failures(where, failures)
    return rec, minors


# -- targets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CountyPlan:
    """The reconciliation targets of one county and how they were formed."""

    case: str
    targets: np.ndarray
    minors_targets: np.ndarray
    hold_minors: bool


def _blend(
    share: int, given: np.ndarray, values: np.ndarray, key: np.ndarray, weight: float
) -> tuple[str, np.ndarray]:
    """Targets of one county (see the module docstring); ``values`` are 0 where not given."""
    key_sum = float(key.sum())
    key_part = key / key_sum if key_sum > 0 else np.full(len(key), 1.0 / max(len(key), 1))
    if not given.any():
        return "none", share * key_part
    total = int(values[given].sum())
    if given.all() and total == share:
        return "matches", values.astype(np.float64)
    filled = np.where(given, values, key).astype(np.float64)
    f_sum = float(filled.sum())
    own = filled / f_sum if f_sum > 0 else key_part
    case = "blanks" if not given.all() else ("above" if total > share else "below")
    return case, share * ((1.0 - weight) * own + weight * key_part)


def _minors_allowed(m: Municipality, minors: int, request: int | None, group: int) -> bool:
    """Whether a recommended minors value may be held as it is."""
    if m.minors_min is not None and minors < m.minors_min:
        return False  # would lower a floor (minors already settled or decided)
    if minors == 0:
        return True
    if not m.minors_eligible:
        return False
    if m.minors_max is not None and minors > m.minors_max:
        return False
    top = m.fixed if m.fixed is not None else m.max
    if (request is not None and minors > request) or (top is not None and minors > top):
        return False
    return minors >= group


def _plan_county(
    problem: Problem,
    rows: np.ndarray,
    share: int,
    minors_share: int,
    rec: pd.DataFrame,
    key: np.ndarray,
    minors_key: np.ndarray,
    weight: float,
) -> _CountyPlan:
    ms = problem.municipalities
    r = rec[RECOMMENDATION].to_numpy()[rows]
    given = ~pd.isna(r)
    values = np.where(given, r, 0).astype(np.int64)
    case, targets = _blend(share, given, values, key[rows], weight)

    eligible = np.array([ms[i].minors_eligible for i in rows.tolist()], dtype=bool)
    rm = rec[RECOMMENDED_MINORS].to_numpy()[rows]
    m_given = ~pd.isna(rm)
    m_values = np.where(m_given, rm, 0).astype(np.int64)
    minors_targets = np.zeros(len(rows))
    hold = False
    if m_given.any():  # a county that recommends minors: blanks are 0
        m_all = np.ones(len(rows), dtype=bool)
        _, t = _blend(
            minors_share, m_all[eligible], m_values[eligible], minors_key[rows][eligible], weight
        )
        minors_targets[eligible] = t
        group = minors_group(problem.rules)
        hold = (
            int(m_values.sum()) == minors_share
            and not bool(((m_values > 0) & ~eligible).any())
            and all(
                _minors_allowed(ms[i], int(mv), None if pd.isna(rv) else int(rv), group)
                for i, mv, rv in zip(rows.tolist(), m_values.tolist(), r.tolist(), strict=True)
            )
        )
    else:  # the draft's own minors targets: minors are not held per county
        minors_targets[eligible] = minors_key[rows][eligible]
    return _CountyPlan(case, targets, minors_targets, hold)


# -- the change report ---------------------------------------------------------------------


def _upper(m: Municipality, problem: Problem) -> tuple[int | None, str]:
    """The tightest upper bound on a request and what sets it."""
    best: tuple[int | None, str] = (m.max, "max")
    rules = problem.rules
    pops = np.array([m.population], dtype=np.float64)
    caps = [(int(cap[0]), label) for label, cap in upper_limits(rules, pops, problem.total)]
    for value, label in caps:
        if best[0] is None or value < best[0]:
            best = (value, label)
    return best


def _reasons(
    m: Municipality,
    problem: Problem,
    rec: int | None,
    rmin: int | None,
    final: int,
    final_minors: int,
    county_note: str,
    minors_note: str,
    hosts_full: bool,
) -> list[tuple[str, str]]:
    """Why ``final`` differs from ``rec`` (and the minors from ``rmin``): (kind, words)."""
    rules = problem.rules
    out: list[tuple[str, str]] = []
    if rec is not None and final != rec:
        upper, label = _upper(m, problem)
        if m.fixed is not None:
            out.append(("fixed", f"fixed: already decided at {m.fixed}"))
        if upper is not None and rec > upper:
            out.append(("capacity", f"capacity: above its {label} of {upper}"))
        if m.min is not None and rec < m.min:
            out.append(("capacity", f"capacity: below its minimum of {m.min}"))
        out.extend(("rule", why) for why in reconcile_reasons(rules, rec))
        if rmin is not None and rmin > rec:
            out.append(("rule", f"rule: {rmin} minors recommended, more than the request"))
        if final < final_minors and rec < final_minors:  # pragma: no cover - verified away
            out.append(("rule", "rule: the minors need a larger request"))
        if county_note:
            out.append(("total", county_note))
        if not out:
            out.append(
                (
                    "total",
                    "total: keeps the county's share exact after the other changes in the county",
                )
            )
    if rmin is not None and final_minors != rmin:
        before = len(out)
        if rmin > 0 and not m.minors_eligible:
            out.append(("rule", "rule: not eligible for minors"))
        if m.minors_max is not None and rmin > m.minors_max:
            out.append(("capacity", f"capacity: above its minors capacity of {m.minors_max}"))
        out.extend(("rule", why) for why in reconcile_minors_reasons(rules, rmin))
        if rmin > final:
            out.append(("rule", f"rule: {rmin} minors do not fit in a request of {final}"))
        if hosts_full and rmin > 0 and final_minors == 0:
            out.extend(("rule", why) for why in reconcile_hosts_reasons(rules))
        if minors_note:
            out.append(("total", minors_note))
        if len(out) == before:
            out.append(("total", "total: keeps the minors need exact after the other changes"))
    return out


def _sum_note(what: str, given: int, share: int, complete: bool, minors: bool = False) -> str:
    """The county-level reason: its recommendations do not fill its share exactly."""
    name = "minors share" if minors else "share"
    if given == share and complete:
        return ""
    if not complete:
        return (
            f"total: the county left some {what} blank; blanks follow the national key "
            f"inside its {name} of {share:,}"
        )
    diff = given - share
    word = "above" if diff > 0 else "below"
    return (
        f"total: the county's {what} sum to {given:,}, {abs(diff):,} {word} its {name} of {share:,}"
    )


# -- reconcile -----------------------------------------------------------------------------


def reconcile(
    problem: Problem,
    recommendations: Recommendations | pd.DataFrame,
    *,
    draft: Allocation | None = None,
    method: Method | str = "webster",
    key_weight: float = DEFAULT_KEY_WEIGHT,
    solver: str | None = None,
    time_limit: float | None = None,
) -> Reconciliation:
    """The final requests: the draft's county shares, the counties' recommendations as targets.

    Parameters
    ----------
    problem : Problem
        The problem of the draft (municipalities, bounds, rules, national need).
    recommendations : Recommendations or pandas.DataFrame
        As returned by :func:`busetting.read_recommendations`, or a frame with
        ``municipality_id`` (index or column), ``recommendation`` and optionally
        ``recommended_minors``; blanks (``NA``) and missing municipalities mean "no
        recommendation".
    draft : Allocation, optional
        The draft sent to the counties; its county sums are the shares and its targets the
        national key. Default: ``allocate(problem, method=method)``.
    method : str, default "webster"
        The deviation measured from the reconciliation targets (see :func:`allocate`).
    key_weight : float, default 0.25
        Weight ``w`` of the national key inside a county whose recommendations are incomplete
        or do not sum to its share; ``0`` keeps the county's own proportions, ``1`` ignores them.
    solver, time_limit
        As for :func:`allocate`.

    Returns
    -------
    Reconciliation
        The reconciled allocation (check ``status``), the per-county summary and the change
        report.

    Notes
    -----
    With ``S_c`` the county shares and ``t`` the reconciliation targets (see the module
    :mod:`busetting._reconcile`), the program is :func:`allocate`'s with the rules of
    ``problem`` and ``sum_{i in c} x_i = S_c`` for every county. A county whose
    recommendations are complete, sum to its share and honour the rules and bounds gets
    exactly them back.

    Examples
    --------
    >>> import pandas as pd, busetting as bs
    >>> p = bs.Problem(
    ...     municipalities=[bs.Municipality(municipality_id=f"000{i}", name=f"M{i}",
    ...                     county="A" if i < 3 else "B", population=100 * i)
    ...                     for i in range(1, 5)],
    ...     criteria={"population": 1.0}, need=bs.Need(total=20))
    >>> bs.allocate(p).requests.tolist()
    [2, 4, 6, 8]
    >>> recs = pd.DataFrame({"municipality_id": ["0001", "0002"], "recommendation": [5, 1]})
    >>> r = bs.reconcile(p, recs)
    >>> r.allocation.requests.tolist()
    [5, 1, 6, 8]
    >>> r
    Reconciliation(status='optimal', counties answered 1/2, changes=2, key_weight=0.25)
    """
    check_types(reconcile, locals())
    started = time.perf_counter()
    _check_arguments(problem, key_weight)
    m_ = parse_method(method, caller="reconcile")
    rec = recommendation_table(recommendations, problem.ids, "reconcile")
    draft = _draft(problem, draft, m_, solver, time_limit)
    targets = _targets(problem, draft, rec, key_weight)
    alloc = allocate(
        _target_problem(problem, rec, targets), method=m_, solver=solver, time_limit=time_limit
    )
    changes, summary = _report(problem, alloc, rec, targets, draft, key_weight)
    log.info(
        "reconciled %d counties in %.2f s: %s",
        len(targets.plans),
        time.perf_counter() - started,
        alloc.status,
    )
    return Reconciliation(
        allocation=alloc,
        draft=draft,
        counties=summary,
        changes=changes,
        key_weight=float(key_weight),
        recommendations=rec,
    )


def _check_arguments(problem: Any, key_weight: Any) -> None:
    if not isinstance(problem, Problem):
        raise InputError(
            "The `problem` parameter of `reconcile` must be a busetting.Problem. "
            f"Got {type(problem).__name__} instead."
        )
    if (
        isinstance(key_weight, bool)
        or not isinstance(key_weight, int | float)
        or not 0.0 <= float(key_weight) <= 1.0
    ):
        raise InputError(
            "The `key_weight` parameter of `reconcile` must be a number between 0 and 1. "
            f"Got {key_weight!r} instead."
        )


def _draft(
    problem: Problem,
    draft: Allocation | None,
    method: Method,
    solver: str | None,
    time_limit: float | None,
) -> Allocation:
    """The draft the shares come from (solved when not given), checked."""
    if draft is None:
        draft = allocate(problem, method=method, solver=solver, time_limit=time_limit)
    elif not isinstance(draft, Allocation) or draft.problem.ids != problem.ids:
        raise InputError(
            "The `draft` parameter of `reconcile` must be an Allocation of the same "
            "municipalities as `problem`. Got "
            f"{type(draft).__name__ if not isinstance(draft, Allocation) else 'another set'} "
            "instead."
        )
    if draft.requests is None or draft.minors is None:
        raise InputError(
            f"The draft has status {draft.status.value!r} and no requests to share out: "
            f"{draft.message}"
        )
    return draft


@dataclass(frozen=True, eq=False)
class _Targets:
    """The reconciliation targets and, per county, its rows, plan and shares of the draft."""

    requests: np.ndarray
    minors: np.ndarray
    rows: dict[str, np.ndarray]
    plans: dict[str, _CountyPlan]
    shares: dict[str, int]
    minors_shares: dict[str, int]


def _targets(problem: Problem, draft: Allocation, rec: pd.DataFrame, key_weight: float) -> _Targets:
    assert draft.requests is not None and draft.minors is not None
    ms = problem.municipalities
    county = np.array([m.county for m in ms], dtype=object)
    drafted = draft.requests.to_numpy()
    drafted_minors = draft.minors.to_numpy()
    key = draft.targets.to_numpy(dtype=np.float64)
    minors_key = draft.minors_targets.reindex(problem.ids, fill_value=0.0).to_numpy(np.float64)
    out = _Targets(np.zeros(len(ms)), np.zeros(len(ms)), {}, {}, {}, {})
    for name in sorted(set(county.tolist())):
        rows = np.flatnonzero(county == name)
        out.rows[name] = rows
        out.shares[name] = int(drafted[rows].sum())
        out.minors_shares[name] = int(drafted_minors[rows].sum())
        plan = _plan_county(
            problem,
            rows,
            out.shares[name],
            out.minors_shares[name],
            rec,
            key,
            minors_key,
            key_weight,
        )
        out.plans[name] = plan
        out.requests[rows] = plan.targets
        out.minors[rows] = plan.minors_targets
    return out


def _target_problem(problem: Problem, rec: pd.DataFrame, targets: _Targets) -> Problem:
    """The problem whose allocation is the reconciliation: the targets as its one criterion
    (requests and minors), the county shares as hard county totals, held minors fixed."""
    ms = problem.municipalities
    held: dict[int, int] = {}
    for name, plan in targets.plans.items():
        if plan.hold_minors:
            for i in targets.rows[name].tolist():
                if ms[i].minors_eligible:
                    value = rec[RECOMMENDED_MINORS].iloc[i]
                    held[i] = 0 if pd.isna(value) else int(value)
    new_ms = []
    for i, m in enumerate(ms):
        data = m.model_dump()
        data["indicators"] = {
            TARGET: float(targets.requests[i]),
            MINORS_TARGET: float(targets.minors[i]),
        }
        if i in held:
            data["minors_min"] = held[i]
            data["minors_max"] = held[i]
        new_ms.append(Municipality.model_validate(data))
    rules = Rules.model_validate(
        {**problem.rules.model_dump(), "county_totals": targets.shares, "county_penalty": None}
    )
    return Problem(
        municipalities=tuple(new_ms),
        criteria=(Criterion(name=RECOMMENDATION, indicator=TARGET, weight=1.0),),
        minors_criteria=(Criterion(name=RECOMMENDED_MINORS, indicator=MINORS_TARGET, weight=1.0),),
        need=problem.need,
        rules=rules,
    )


def _accounting(
    alloc: Allocation,
    draft: Allocation,
    rec: pd.DataFrame,
    counties: pd.DataFrame,
    key_weight: float,
    against: str,
) -> Accounting:
    """The accounting of the county round (see :meth:`Reconciliation.accounting`)."""
    assert draft.requests is not None
    p = alloc.problem
    county = np.array(list(p.columns.counties), dtype=object)
    key = draft.targets.to_numpy(dtype=np.float64)
    target = alloc.targets.to_numpy(dtype=np.float64)
    drafted = draft.requests.to_numpy(dtype=np.float64)
    given = rec[RECOMMENDATION].reindex(p.ids)
    has = given.notna().to_numpy() if against == "recommendation" else np.zeros(len(p.ids), bool)
    r = given.fillna(0).to_numpy(dtype=np.float64)
    scaled_key = np.zeros(len(key))
    own = np.zeros(len(key))
    pulled = np.zeros(len(key))
    for name in sorted(set(county.tolist())):
        rows = county == name
        share = float(counties.loc[name, "share"])
        k_sum = float(key[rows].sum())
        scaled_key[rows] = share * key[rows] / k_sum if k_sum > 0 else share / rows.sum()
        case = counties.loc[name, "case"]
        if case in ("blanks", "above", "below"):
            filled = np.where(given.notna().to_numpy()[rows], r[rows], key[rows])
            f_sum = float(filled.sum())
            proportions = share * filled / f_sum if f_sum > 0 else scaled_key[rows]
            own[rows] = proportions
            pulled[rows] = key_weight * (scaled_key[rows] - proportions)
        else:
            own[rows] = target[rows]
    baseline = np.where(has, r, drafted).round().astype(np.int64)
    zero = np.zeros(len(key))
    moves = [
        ("draft_deviation", "", np.where(has, zero, key - drafted)),
        ("county_share", "", np.where(has, own - r, scaled_key - key)),
        ("key_weight", f"{key_weight:g}", np.where(has, pulled, zero)),
        ("recommended", "", np.where(has, zero, target - scaled_key)),
    ]
    compared = ["recommendation" if h else "draft" for h in has.tolist()]
    frame = frame_of(alloc, baseline, moves)
    return account_parts(frame, compared)


def _report(
    problem: Problem,
    alloc: Allocation,
    rec: pd.DataFrame,
    targets: _Targets,
    draft: Allocation,
    key_weight: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The change report (one row per changed municipality) and the per-county summary."""
    limit = host_limit(problem.rules)
    final_minors = alloc.minors
    hosts_full = (
        limit is not None and final_minors is not None and int((final_minors > 0).sum()) >= limit
    )
    rows_out: list[dict[str, Any]] = []
    summary: list[dict[str, Any]] = []
    counties = pd.DataFrame(
        {
            "share": targets.shares,
            "case": {name: plan.case for name, plan in targets.plans.items()},
        }
    )
    books = (
        None
        if alloc.requests is None
        else (
            _accounting(alloc, draft, rec, counties, key_weight, "recommendation"),
            _accounting(alloc, draft, rec, counties, key_weight, "draft"),
        )
    )
    for name in targets.plans:
        recs = _county_recommendations(problem, rec, name)
        changes = _county_changes(problem, alloc, targets, recs, hosts_full, draft, books)
        rows_out.extend(changes)
        summary.append(_county_summary(alloc, targets, recs, len(changes)))
    changes_frame = pd.DataFrame(rows_out, columns=list(CHANGE_COLUMNS))
    for col in (
        "draft",
        RECOMMENDATION,
        "change_from_draft",
        "change",
        RECOMMENDED_MINORS,
        "minors_change",
    ):
        changes_frame[col] = pd.array(changes_frame[col].tolist(), dtype="Int64")
    table = pd.DataFrame(summary).set_index("county")
    for col in (RECOMMENDATION, RECOMMENDED_MINORS, "request", "minors"):
        table[col] = pd.array(table[col].tolist(), dtype="Int64")
    return changes_frame, table


@dataclass(frozen=True, eq=False)
class _CountyRecommendations:
    """One county's municipalities and their recommendations (``<NA>`` where blank)."""

    name: str
    ids: list[str]
    requests: pd.Series
    minors: pd.Series

    @property
    def any_minors(self) -> bool:
        return bool(self.minors.notna().any())

    @property
    def requests_sum(self) -> int:
        return int(self.requests.fillna(0).sum())

    @property
    def minors_sum(self) -> int:
        return int(self.minors.fillna(0).sum())


def _county_recommendations(
    problem: Problem, rec: pd.DataFrame, name: str
) -> _CountyRecommendations:
    ids = [m.municipality_id for m in problem.municipalities if m.county == name]
    return _CountyRecommendations(
        name, ids, rec[RECOMMENDATION].loc[ids], rec[RECOMMENDED_MINORS].loc[ids]
    )


def _county_changes(
    problem: Problem,
    alloc: Allocation,
    targets: _Targets,
    recs: _CountyRecommendations,
    hosts_full: bool,
    draft: Allocation,
    books: tuple[Accounting, Accounting] | None,
) -> list[dict[str, Any]]:
    """One county's rows of the change report: every municipality whose final request
    differs from its draft or its recommendation, or whose minors differ from theirs."""
    ms = problem.municipalities
    county_note, minors_note = _county_notes(targets, recs)
    final, final_minors = alloc.requests, alloc.minors
    if final is None or final_minors is None or books is None or draft.requests is None:
        return []
    drafted = draft.requests
    r, rm = recs.requests, recs.minors
    rows_out: list[dict[str, Any]] = []
    for mid in recs.ids:
        m = ms[problem.ids.index(mid)]
        rv = None if pd.isna(r[mid]) else int(r[mid])
        rmv = None if pd.isna(rm[mid]) else int(rm[mid])
        if rmv is None and recs.any_minors:
            rmv = 0
        x, mx, dx = int(final[mid]), int(final_minors[mid]), int(drafted[mid])
        off_rec = (rv is not None and x != rv) or (rmv is not None and mx != rmv)
        if not off_rec and x == dx:
            continue
        if off_rec:
            reasons = _reasons(m, problem, rv, rmv, x, mx, county_note, minors_note, hosts_full)
        else:
            reasons = [("total", _moved_note(recs, rv))]
        book = books[0] if rv is not None else books[1]
        parts = book.describe(mid, "en", limit=6) if x != (dx if rv is None else rv) else ""
        rows_out.append(
            {
                "county": recs.name,
                "municipality_id": mid,
                "name": m.name,
                "draft": dx,
                RECOMMENDATION: rv,
                "request": x,
                "change_from_draft": x - dx,
                "change": None if rv is None else x - rv,
                RECOMMENDED_MINORS: rmv,
                "minors": mx,
                "minors_change": None if rmv is None else mx - rmv,
                "kind": reasons[0][0],
                "reason": "; ".join(text for _, text in reasons),
                "parts": parts,
            }
        )
    return rows_out


def _moved_note(recs: _CountyRecommendations, recommended: int | None) -> str:
    """Why a municipality the county left as drafted moved from its draft."""
    if recommended is not None:
        return "total: as the county recommended (its recommendation is held)"
    if recs.requests.notna().any():
        return (
            "total: no recommendation; follows the national key inside the county's share "
            "after the county's other recommendations"
        )
    return "total: the other counties' changes moved it (rules and bounds inside its county)"


def _county_summary(
    alloc: Allocation, targets: _Targets, recs: _CountyRecommendations, changed: int
) -> dict[str, Any]:
    """One county's row of the summary."""
    name, ids = recs.name, recs.ids
    final, final_minors = alloc.requests, alloc.minors
    return {
        "county": name,
        "share": targets.shares[name],
        "minors_share": targets.minors_shares[name],
        RECOMMENDATION: recs.requests_sum if recs.requests.notna().any() else None,
        RECOMMENDED_MINORS: recs.minors_sum if recs.any_minors else None,
        "given": int(recs.requests.notna().sum()),
        "municipalities": len(ids),
        "case": targets.plans[name].case,
        "request": None if final is None else int(final.loc[ids].sum()),
        "minors": None if final_minors is None else int(final_minors.loc[ids].sum()),
        "changed": changed,
    }


def _county_notes(targets: _Targets, recs: _CountyRecommendations) -> tuple[str, str]:
    """The county-level reasons for its requests and for its minors ("" when none)."""
    plan = targets.plans[recs.name]
    county_note = (
        ""
        if plan.case in ("none", "matches")
        else _sum_note(
            "recommendations", recs.requests_sum, targets.shares[recs.name], plan.case != "blanks"
        )
    )
    minors_note = (
        ""
        if not recs.any_minors or plan.hold_minors
        else _sum_note(
            "minors recommendations",
            recs.minors_sum,
            targets.minors_shares[recs.name],
            True,
            minors=True,
        )
    )
    return county_note, minors_note
