"""During the year: decisions, shortfalls, a changed need, scenarios, uncertainty, sensitivity.

``revise`` turns the in-year events into a new problem and solves it with everything the
previous allocation was made with (criteria, method, rules, bounds and fixed values):

* **fixed** values of the previous problem are held exactly in every direction (a request
  already decided), unless ``decisions`` gives that municipality a new decision;
* **settled** numbers (bosatt) are floors: nobody is asked for fewer than they have settled;
* each other municipality's **commitment** is its council decision (vedtak) where one is
  known, else its previous request (and at least what it has settled).

When the need is **at least** the commitments (decisions arrive short, or the need rises),
nobody's request is lowered: decided municipalities are held at their decision, undecided
ones keep at least their request, and the increases (the supplementary requests,
tilleggsanmodning) go by the key; ``extra_capacity`` (what a municipality says it could
settle beyond its commitment, as IMDi's request letter asks) bounds each increase, and
``spare_capacity`` is the same for decided municipalities.

When the need **falls below** the commitments, decisions are **ceilings**, not fixed points:
nobody is asked above its decision (or, undecided, above its previous request), and the cut is
spread by the key over what remains (the method's objective against the key's targets at the
new need, within those ceilings and the settled floors). Without process rules or minors the
result is feasible whenever the need is at least the floors (settled numbers, fixed values and
the lower bounds); with them, an infeasible cut is a status with its diagnosis.

Because every request moves the same way from its commitment, every admissible allocation
has the same total change; among them the method's objective chooses, and exact ties are
broken by the library's tie rule. Revising with no new information returns the same numbers.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from busetting._accounting import Accounting, account_parts, key_frame
from busetting._allocate import allocate
from busetting._criteria import build_key
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._feasibility import effective_bounds
from busetting._methods import DIVISOR_METHODS, Method, exact_unit_cost, parse_method, unit_cost
from busetting._model import Criterion, Municipality, Need, Problem
from busetting._result import Allocation
from busetting._rules import LOWER_LABELS, UPPER_LABELS, sweepable
from busetting._solvers.threshold import solve_separable
from busetting._status import EXACT_MARGIN, Status
from busetting._sweep import (
    Progress,
    check_sweep_args,
    progress_reporter,
    requests_at,
    run_sweep,
)

__all__ = ["Revision", "revise", "scenarios", "sensitivity", "uncertainty"]

UP, DOWN, NONE = "up", "down", "none"
CUT_KEYS = ("original", "commitment")
"""The keys a cut can be spread by (``revise(cut_key=...)``)."""
COMMITMENT_CRITERION = "commitment"
"""The one criterion of the commitment key at a cut (its indicator has the same name)."""


def _as_counts(
    values: Mapping[str, int] | pd.Series | None, name: str, ids: Sequence[str]
) -> dict[str, int]:
    if values is None:
        return {}
    items = values.items() if isinstance(values, Mapping | pd.Series) else None
    if items is None:
        raise InputError(
            f"The `{name}` parameter of `revise` must be a mapping or Series of "
            f"municipality_id to a whole number. Got {type(values).__name__} "
            "instead."
        )
    known = set(ids)
    out: dict[str, int] = {}
    failures: list[dict[str, Any]] = []

    def fail(mid: str, value: Any, reason: str) -> None:
        failures.append(
            {"row": None, "municipality_id": mid, "column": name, "value": value, "reason": reason}
        )

    seen: set[str] = set()
    for key, value in items:
        mid = str(key)
        if mid in seen:  # a Series may repeat an id: neither value wins
            fail(mid, value, "is given more than once; expected one value per municipality")
            continue
        seen.add(mid)
        if pd.isna(value):
            continue
        if mid not in known:
            fail(mid, value, "is not a municipality of the problem")
            continue
        v = value.item() if hasattr(value, "item") else value
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            fail(mid, value, "must be a whole number >= 0")
            continue
        out[mid] = v
    if failures:
        raise InputError.from_failures("revise", failures)
    return out


def _whole(value: Any, name: str) -> int:
    v = value.item() if hasattr(value, "item") else value
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if not isinstance(v, int) or isinstance(v, bool) or v < 0:
        raise InputError(
            f"The `{name}` parameter of `revise` must be a whole number >= 0. Got {value!r} "
            "instead."
        )
    return v


def _need(base: Problem, total: int | None, minors: int | None) -> Need:
    """The new need, checked: an impossible one is an InputError naming the parameter."""
    n_total = base.total if total is None else _whole(total, "total")
    n_minors = base.minors_total if minors is None else _whole(minors, "minors")
    if n_minors > n_total:
        if minors is None:
            raise InputError(
                "The `total` parameter of `revise` must be at least the minors need "
                f"({n_minors:,}). Got {n_total:,} instead."
            )
        raise InputError(
            f"The `minors` parameter of `revise` must not exceed the total ({n_total:,}). "
            f"Got {n_minors:,} instead."
        )
    return Need(total=n_total, minors=n_minors)


def _direction(want: int, have: int) -> str:
    return UP if want > have else DOWN if want < have else NONE


@dataclass(frozen=True, eq=False)
class Revision:
    """The result of :func:`revise`: the new allocation and what changed.

    ``direction`` is ``"up"`` (the need is above the commitments: nobody is lowered, the
    increases are supplementary requests), ``"down"`` (below them: decisions are ceilings
    and the cut is spread by the key) or ``"none"``; ``minors_direction`` likewise.
    ``kept`` says in words what was kept from the previous allocation; ``problem`` is the
    previous problem with the new need (its own bounds and fixed values, which a further
    revision keeps), while ``allocation.problem`` holds the revision's one-direction bounds.
    ``cut_key`` is the key a cut was spread by (``"original"`` or ``"commitment"``), and
    ``gave_way`` names the municipalities whose planning floor (``min``, e.g. the
    ask-everyone minimum request) gave way in a cut because it lay above their request,
    with that floor: in a cut no request rises.
    """

    allocation: Allocation
    previous: pd.Series
    previous_minors: pd.Series
    decisions: dict[str, int]
    spare_capacity: dict[str, int]
    settled: dict[str, int]
    direction: str
    minors_direction: str
    extra_capacity: dict[str, int] = field(default_factory=dict)
    kept: tuple[str, ...] = ()
    problem: Problem | None = field(default=None, repr=False)
    cut_key: str = "original"
    gave_way: dict[str, int] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        return self.allocation.status

    @property
    def message(self) -> str:
        return self.allocation.message

    def raise_for_status(self) -> Revision:
        """Return ``self`` if the new allocation is optimal; raise otherwise."""
        self.allocation.raise_for_status()
        return self

    def to_frame(self) -> pd.DataFrame:
        """Per municipality: previous request, decision, new request and the change."""
        a = self.allocation
        p = a.problem
        idx = pd.Index(p.ids, name="municipality_id")

        def column(values: Mapping[str, int]) -> Any:
            return pd.array([values.get(i) for i in idx], dtype="Int64")

        frame = pd.DataFrame(
            {
                "name": [m.name for m in p.municipalities],
                "county": [m.county for m in p.municipalities],
                "previous": self.previous.reindex(idx).to_numpy(),
                "decision": column(self.decisions),
                "spare_capacity": column(self.spare_capacity),
                "extra_capacity": column(self.extra_capacity),
                "settled": column(self.settled),
                "floor_given_way": column(self.gave_way),
            },
            index=idx,
        )
        if a.requests is not None and a.minors is not None:
            frame["request"] = a.requests.to_numpy()
            frame["change"] = frame["request"] - frame["previous"]
            frame["previous_minors"] = self.previous_minors.reindex(idx).to_numpy()
            frame["minors"] = a.minors.to_numpy()
            frame["minors_change"] = frame["minors"] - frame["previous_minors"]
        frame["binding"] = a.binding.to_numpy()
        return frame

    def accounting(self) -> Accounting:
        """The parts of every municipality's change from the request being revised.

        Compared with the previous request: the change of the need (the key's targets at the
        new need against the same key at the previous total), the municipality's share by the
        key (the problem's, or the commitment with ``cut_key="commitment"``) against the
        request being revised, what others' bounds leave,
        its own ceiling (its decision, or its request in a cut: no request rises) or floor
        (settled, or its request in an increase: no request falls), a rule or the rounding,
        summing exactly to the change (see :func:`busetting.account`).
        """
        a = self.allocation
        if a.requests is None:
            raise InputError(f"The revision has no requests to account for: {a.message}")
        ids = a.problem.ids
        b = self.previous.reindex(ids).to_numpy(dtype=np.int64)
        frame = key_frame(a, b)
        lower, upper = [], []
        for i, lo, up in zip(ids, frame.lower_source, frame.upper_source, strict=True):
            decided = i in self.decisions
            if up in UPPER_LABELS:  # a given ceiling: the decision, or the request in a cut
                up = "decision" if decided else ("request" if self.direction == DOWN else up)
            if lo in LOWER_LABELS:  # a given floor: settled in a cut, else the request
                if i in self.settled and self.direction == DOWN:
                    lo = "settled"
                elif self.direction != DOWN:
                    lo = "decision" if decided else "request"
            lower.append(lo)
            upper.append(up)
        t = frame.targets
        n_total, b_total = float(a.problem.total), float(b.sum())
        ratio = b_total / n_total if n_total > 0 else 0.0
        moves = [("need", "", t * (1.0 - ratio)), ("key", "", t * ratio - b)]
        frame = dataclasses.replace(frame, moves=moves, lower_source=lower, upper_source=upper)
        return account_parts(frame, "current_request")

    def __repr__(self) -> str:
        head = (
            f"Revision(status={self.status.value!r}, direction={self.direction!r}, "
            f"decided={len(self.decisions)}, method={self.allocation.method!r})"
        )
        lines = [head, "  " + self.message]
        if self.kept:
            lines.append("  kept: " + "; ".join(self.kept))
        if self.gave_way:
            lines.append(
                f"  in the cut the planning floor gave way for {len(self.gave_way)} "
                "municipalities (no request rises): " + ", ".join(sorted(self.gave_way))
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        head = "".join(f"<div>{html.escape(line.strip())}</div>" for line in repr(self).split("\n"))
        frame = self.to_frame()
        if "change" not in frame.columns:
            return f"<div class='busetting-revision'>{head}</div>"
        order = frame["change"].abs().sort_values(ascending=False, kind="stable").index
        top = frame.loc[order].head(10)
        table = top.to_html(float_format=lambda v: f"{v:,.0f}", escape=True)
        return f"<div class='busetting-revision'>{head}<div>largest changes:</div>{table}</div>"


def _kept(base: Problem, method: Method) -> tuple[str, ...]:
    crit = ", ".join(f"{c.name}={c.weight:g}" for c in base.criteria)
    out = [f"method {method.value}", f"criteria {crit}"]
    rules = base.rules.describe()
    out.append("rules " + ", ".join(rules) if rules else "no process rules")
    n_fixed = sum(m.fixed is not None for m in base.municipalities)
    n_bounds = sum(
        m.min is not None or m.max is not None or m.minors_max is not None
        for m in base.municipalities
    )
    out.append(f"{n_fixed} fixed value{'s' * (n_fixed != 1)}")
    out.append(f"bounds on {n_bounds} municipalit{'ies' if n_bounds != 1 else 'y'}")
    return tuple(out)


def revise(
    previous: Allocation | Mapping[str, int] | pd.Series,
    *,
    problem: Problem | None = None,
    previous_minors: Mapping[str, int] | pd.Series | None = None,
    decisions: Mapping[str, int] | pd.Series | None = None,
    spare_capacity: Mapping[str, int] | pd.Series | None = None,
    extra_capacity: Mapping[str, int] | pd.Series | None = None,
    settled: Mapping[str, int] | pd.Series | None = None,
    total: int | None = None,
    minors: int | None = None,
    method: Method | str | None = None,
    solver: str | None = None,
    time_limit: float | None = None,
    cut_key: str = "original",
) -> Revision:
    """Re-solve during the year: decisions in, settled floors, a new need; one direction.

    Parameters
    ----------
    previous : Allocation, or mapping/Series of municipality_id to request
        What was asked. With an allocation, its problem (criteria, rules, bounds, fixed
        values) and method are kept. With a plain mapping, ``problem`` is required (and
        ``previous_minors`` is optional, zeros otherwise).
    problem : Problem, optional
        The problem the previous requests were made with (default: the allocation's).
    previous_minors : mapping, optional
        What was asked of minors, with a plain mapping as ``previous`` (default: zeros).
    decisions : mapping, optional
        Council decisions (vedtak). When the need is at least the commitments they are held
        exactly; when it falls below them they are ceilings.
    spare_capacity : mapping, optional
        Extra persons a decided municipality states it can take beyond its decision.
    extra_capacity : mapping, optional
        Extra persons a municipality states it could settle beyond its commitment (decision,
        else previous request) if the need rises: bounds each increase. Municipalities not
        named have no such bound (decided ones without one are held at their decision).
    settled : mapping, optional
        Refugees already settled (bosatt): floors, which win over every ceiling.
    total, minors : int, optional
        A new national need (default: unchanged).
    method, solver, time_limit
        As for :func:`busetting.allocate` (``method`` defaults to the previous one).
    cut_key : {"original", "commitment"}
        The key a cut (a need below the commitments) is spread by. ``"original"`` (default):
        the problem's own key (its criteria), the targets at the new need. ``"commitment"``:
        each municipality's commitment, ``min(request, decision)`` (at least what it has
        settled), so the cut is in proportion to what each has committed to. Increases always
        go by the problem's key. Both are measured on the real 2020 cut in
        ``docs/during-the-year.md``.

    Returns
    -------
    Revision
        The new allocation, with the previous requests and the events; ``status`` says
        whether it is optimal (an infeasible revision is a status with a diagnosis).

    Raises
    ------
    InputError
        For an impossible need (minors above the total, a negative total) or events naming
        unknown municipalities or holding negative or fractional numbers.

    Notes
    -----
    With ``r_i`` the commitment (decision, else previous request, at least settled
    ``s_i``), ``F`` the fixed values and ``N'`` the new need: if ``N' - sum(F) >= sum(r)``,
    ``r_i <= x_i <= r_i + e_i`` (``e_i`` the extra or spare capacity; 0 for a decided
    municipality without one, unbounded for an undecided one); otherwise
    ``s_i <= x_i <= r_i``. The method's objective against the key's targets at ``N'``
    chooses within these bounds and the problem's own.

    Examples
    --------
    >>> import busetting as bs
    >>> ms = [bs.Municipality(municipality_id=f"000{i}", name=f"K{i}", population=100 * i)
    ...       for i in range(1, 5)]
    >>> first = bs.allocate(bs.Problem(municipalities=ms, criteria={"population": 1.0},
    ...                                need=bs.Need(total=100)))
    >>> first.requests.tolist()
    [10, 20, 30, 40]
    >>> rev = bs.revise(first, decisions={"0004": 30})       # K4 decides 30 of its 40
    >>> rev.to_frame()["request"].tolist(), rev.direction
    ([12, 23, 35, 30], 'up')
    >>> cut = bs.revise(first, decisions={"0004": 30}, total=60)   # the need falls to 60
    >>> cut.to_frame()["request"].tolist(), cut.direction
    ([6, 12, 18, 24], 'down')
    """
    check_types(revise, locals())
    if cut_key not in CUT_KEYS:
        raise InputError(
            "The `cut_key` parameter of `revise` must be one of 'original' or 'commitment'. "
            f"Got {cut_key!r} instead."
        )
    prior = _previous(previous, problem, previous_minors, method)
    base = prior.base
    events = _events(base.ids, decisions, spare_capacity, extra_capacity, settled)
    need = _need(base, total, minors)
    plan = _plan(base, prior, events, need)
    municipalities = _bounded(base, prior, events, plan)
    criteria = base.criteria
    if cut_key == "commitment" and plan.direction == DOWN:
        municipalities, criteria = _commitment_key(municipalities, plan)
    new_problem = Problem(
        municipalities=municipalities,
        criteria=criteria,
        minors_criteria=base.minors_criteria,
        need=need,
        rules=base.rules,
    )
    alloc = allocate(new_problem, method=prior.method, solver=solver, time_limit=time_limit)
    return Revision(
        alloc,
        prior.requests,
        prior.minors,
        events.decisions,
        events.spare,
        events.settled,
        plan.direction,
        plan.minors_direction,
        events.extra,
        _kept(base, prior.method),
        base.with_need(need.total, need.minors),
        cut_key,
        _gave_way(base, events, plan),
    )


def _commitment_key(
    municipalities: tuple[Municipality, ...], plan: _Plan
) -> tuple[tuple[Municipality, ...], tuple[Criterion, ...]]:
    """The municipalities with their commitment as the one indicator of the cut's key."""
    out = []
    for m in municipalities:
        value = plan.commitment.get(m.municipality_id, plan.held.get(m.municipality_id, 0))
        indicators = {**m.indicators, COMMITMENT_CRITERION: float(value)}
        out.append(Municipality.model_validate({**m.model_dump(), "indicators": indicators}))
    return tuple(out), (
        Criterion(name=COMMITMENT_CRITERION, indicator=COMMITMENT_CRITERION, weight=1.0),
    )


def _gave_way(base: Problem, events: _Events, plan: _Plan) -> dict[str, int]:
    """Planning floors above the request that gave way in a cut (id -> the floor)."""
    if plan.direction != DOWN:
        return {}
    return {
        m.municipality_id: m.min
        for m in base.municipalities
        if m.min is not None
        and m.municipality_id in plan.commitment
        and m.municipality_id not in events.decisions
        and m.min > plan.commitment[m.municipality_id]
    }


@dataclass(frozen=True, eq=False)
class _Previous:
    """What was asked: the problem it was asked with, the requests, the minors, the method."""

    base: Problem
    requests: pd.Series
    minors: pd.Series
    method: Method


def _previous(
    previous: Allocation | Mapping[str, int] | pd.Series,
    problem: Problem | None,
    previous_minors: Mapping[str, int] | pd.Series | None,
    method: Method | str | None,
) -> _Previous:
    """The previous requests and minors, checked, in the order of the problem's ids."""
    if isinstance(previous, Allocation):
        if previous.requests is None or previous.minors is None:
            raise InputError(
                "The `previous` parameter of `revise` must be an allocation with requests. "
                f"Got one with status {previous.status.value!r} instead."
            )
        base = previous.problem if problem is None else problem
        prev = previous.requests.astype(np.int64)
        prev_m = previous.minors.astype(np.int64)
        method_ = parse_method(method or previous.method, caller="revise")
    else:
        if problem is None:
            raise InputError(
                "The `problem` parameter of `revise` is required when `previous` "
                "is a mapping of requests. Got None instead."
            )
        base = problem
        method_ = parse_method(method or "webster", caller="revise")
        prev = pd.Series(_as_counts(previous, "previous", base.ids), dtype=np.int64)
        prev_m = pd.Series(_as_counts(previous_minors, "previous_minors", base.ids), dtype=np.int64)
    ids = base.ids
    return _Previous(
        base,
        prev.reindex(ids, fill_value=0).astype(np.int64),
        prev_m.reindex(ids, fill_value=0).astype(np.int64),
        method_,
    )


@dataclass(frozen=True)
class _Events:
    """The in-year events, checked: decisions, stated capacities and settled numbers."""

    decisions: dict[str, int]
    spare: dict[str, int]
    extra: dict[str, int]
    settled: dict[str, int]

    @property
    def room(self) -> dict[str, int]:
        """Room for an increase: extra capacity, or a decided municipality's spare one."""
        return {**self.extra, **self.spare}


def _events(
    ids: Sequence[str],
    decisions: Mapping[str, int] | pd.Series | None,
    spare_capacity: Mapping[str, int] | pd.Series | None,
    extra_capacity: Mapping[str, int] | pd.Series | None,
    settled: Mapping[str, int] | pd.Series | None,
) -> _Events:
    dec = _as_counts(decisions, "decisions", ids)
    spare = _as_counts(spare_capacity, "spare_capacity", ids)
    extra = _as_counts(extra_capacity, "extra_capacity", ids)
    done = _as_counts(settled, "settled", ids)
    undecided_spare = sorted(set(spare) - set(dec))
    if undecided_spare:
        raise InputError(
            "The `spare_capacity` parameter of `revise` may only name decided municipalities. "
            f"Got {', '.join(undecided_spare)} instead."
        )
    both = sorted(set(spare) & set(extra))
    if both:
        raise InputError(
            "The `extra_capacity` parameter of `revise` must not name municipalities that "
            f"`spare_capacity` names. Got {', '.join(both)} in both instead."
        )
    return _Events(dec, spare, extra, done)


@dataclass(frozen=True)
class _Plan:
    """Who is held where, every other municipality's commitment, and the two directions."""

    held: dict[str, int]
    held_minors: dict[str, int]
    commitment: dict[str, int]
    direction: str
    minors_direction: str


def _plan(base: Problem, prior: _Previous, events: _Events, need: Need) -> _Plan:
    dec, done, room = events.decisions, events.settled, events.room
    prev, prev_m = prior.requests, prior.minors
    # fixed values of the previous problem are held in every direction (D6)
    held = {
        m.municipality_id: max(m.fixed, done.get(m.municipality_id, 0))
        for m in base.municipalities
        if m.fixed is not None and m.municipality_id not in dec
    }
    commitment = {
        i: max(dec[i] if i in dec else int(prev[i]), done.get(i, 0))
        for i in base.ids
        if i not in held
    }
    direction = _direction(need.total - sum(held.values()), sum(commitment.values()))
    if direction != DOWN:  # decisions without room are held; a cut makes them ceilings
        held |= {i: commitment.pop(i) for i in list(commitment) if i in dec and i not in room}

    eligible = {m.municipality_id for m in base.municipalities if m.minors_eligible}
    held_minors = {i: min(int(prev_m[i]), v) for i, v in held.items() if i in eligible}
    m_direction = _direction(
        need.minors - sum(held_minors.values()),
        sum(int(prev_m[i]) for i in commitment if i in eligible),
    )
    return _Plan(held, held_minors, commitment, direction, m_direction)


def _bounded(
    base: Problem, prior: _Previous, events: _Events, plan: _Plan
) -> tuple[Municipality, ...]:
    """The municipalities with the revision's one-direction bounds."""
    room, done = events.room, events.settled
    updated = []
    for m in base.municipalities:
        i = m.municipality_id
        if i in plan.held:
            data = _held(m, plan.held[i], plan.held_minors.get(i))
        else:
            data = _free(
                m,
                plan.commitment[i],
                plan.direction,
                room.get(i),
                done.get(i, 0),
                i in events.decisions,
            )
            if m.minors_eligible:
                data |= _free_minors(m, int(prior.minors[i]), plan.minors_direction, data["max"])
        try:
            updated.append(Municipality.model_validate(data))
        except InputError as exc:  # pragma: no cover - the bounds above are consistent
            raise InputError.from_failures(
                "revise",
                [
                    {
                        "row": None,
                        "municipality_id": i,
                        "column": None,
                        "value": None,
                        "reason": str(exc),
                    }
                ],
            ) from exc
    return tuple(updated)


def _held(m: Municipality, value: int, minors: int | None) -> dict[str, Any]:
    """A municipality held at ``value`` (a decision, or its fixed value)."""
    data: dict[str, Any] = m.model_dump()
    data["fixed"] = value
    if m.fixed is None or (m.min is not None and m.min > value):
        data["min"] = None
    if m.fixed is None or (m.max is not None and m.max < value):
        data["max"] = None
    if minors is not None:
        data.update(minors_min=minors or None, minors_max=minors)
    return data


def _free(
    m: Municipality, ref: int, direction: str, room: int | None, floor: int, decided: bool
) -> dict[str, Any]:
    """Bounds of a municipality that moves one way from its commitment ``ref``."""
    data: dict[str, Any] = m.model_dump()
    lo, hi = floor, None
    if not decided:  # a council decision replaces the planning bounds
        lo, hi = max(lo, m.min or 0), m.max
    if direction == DOWN:
        hi = ref if hi is None else min(hi, ref)
        lo = max(floor, min(lo, ref))  # in a cut a planning floor gives way to the request
    else:
        lo = max(lo, ref)
        if direction == NONE:
            hi = ref
        elif room is not None:
            hi = ref + room if hi is None else min(hi, ref + room)
    if hi is not None:
        hi = max(hi, lo)  # settled numbers win over every ceiling
    data.update(fixed=None, min=lo or None, max=hi)
    return data


def _free_minors(m: Municipality, pm: int, direction: str, top: int | None) -> dict[str, Any]:
    cap = m.minors_max
    lo = m.minors_min or 0
    if direction in (UP, NONE):
        lo = max(lo, pm)
    if direction in (DOWN, NONE):
        cap = pm if cap is None else min(cap, pm)
    for bound in (top, cap):
        if bound is not None:
            lo = min(lo, bound)
    return {"minors_min": lo or None, "minors_max": cap}


# -- scenarios ---------------------------------------------------------------------------------


def _fast_path(problem: Problem, method: Method) -> bool:
    return method in DIVISOR_METHODS and sweepable(problem.rules) and problem.minors_total == 0


def scenarios(
    problem: Problem,
    totals: Sequence[int] | range | np.ndarray,
    *,
    method: Method | str = "webster",
    solver: str | None = None,
    progress: Progress | bool | None = None,
    executor: Executor | None = None,
) -> pd.DataFrame:
    """Requests per municipality (rows) for each national total (columns).

    For divisor methods on problems without rules or minors, the whole sweep comes from one
    ordering of units (divisor methods are house monotone: each extra person goes to the next
    unit in one fixed order), which is exact and takes a few milliseconds for a thousand
    totals; every column equals ``allocate(problem.with_need(total))``. Other problems are
    solved total by total. A total that cannot be met (infeasible, or below the problem's
    minors need) is a column of missing values.

    ``progress`` (a callable ``progress(done, total)``, or ``True`` for a bar on a terminal)
    follows the totals; ``executor`` (any :class:`concurrent.futures.Executor`, e.g. a
    ``ProcessPoolExecutor`` or a Dask client's executor) solves blocks of totals in parallel.
    The table is the same either way.

    Parameters
    ----------
    problem : Problem
        The problem; its need is replaced by each total.
    totals : sequence of int
        The national totals (duplicates are solved once; the columns are sorted).
    method : Method or str
        The apportionment method (default Webster).
    solver : str, optional
        As for :func:`busetting.allocate`.
    progress : callable or bool, optional
        ``progress(done, total)``, or ``True`` for a bar on a terminal.
    executor : concurrent.futures.Executor, optional
        Solves blocks of totals in parallel.

    Returns
    -------
    pandas.DataFrame
        Nullable integers (``Int64``), indexed by ``municipality_id``, one column per total.

    Examples
    --------
    >>> import busetting as bs
    >>> ms = [bs.Municipality(municipality_id=f"000{i}", name=f"K{i}", population=p)
    ...       for i, p in enumerate([50, 30, 20], start=1)]
    >>> p = bs.Problem(municipalities=ms, criteria={"population": 1.0}, need=bs.Need(total=10))
    >>> bs.scenarios(p, [9, 10, 11]).to_numpy().tolist()
    [[4, 5, 6], [3, 3, 3], [2, 2, 2]]
    """
    check_types(scenarios, locals())

    check_sweep_args("scenarios", progress, executor)
    method_ = parse_method(method, caller="scenarios")
    values = sorted({int(t) for t in totals})
    if any(t < 0 for t in values):
        raise InputError(
            "The `totals` parameter of `scenarios` must hold whole numbers >= 0. "
            f"Got {min(values)} instead."
        )
    idx = pd.Index(problem.ids, name="municipality_id")
    out = pd.DataFrame(index=idx, columns=pd.Index(values, name="total"), dtype="Int64")
    if not values:
        return out
    if not _fast_path(problem, method_) or solver not in (None, "threshold"):
        _fill_by_solving(out, values, problem, method_, solver, progress, executor)
    else:
        _fill_by_unit_order(out, values, problem, method_, progress)
    return out


def _fill_by_solving(
    out: pd.DataFrame,
    values: list[int],
    problem: Problem,
    method: Method,
    solver: str | None,
    progress: Progress | bool | None,
    executor: Executor | None,
) -> None:
    """Fill the columns of ``out`` (one per total of ``values``) total by total, in blocks."""
    blocks = [values[k : k + SWEEP_BLOCK] for k in range(0, len(values), SWEEP_BLOCK)]
    solved = run_sweep(
        functools.partial(requests_at, problem, method, solver),
        blocks,
        progress=progress,
        executor=executor,
        label="scenarios",
        weights=[len(b) for b in blocks],
    )
    for block, columns in zip(blocks, solved, strict=True):
        for t, column in zip(block, columns, strict=True):
            if column is not None:
                out[t] = column


def _fill_by_unit_order(
    out: pd.DataFrame,
    values: list[int],
    problem: Problem,
    method: Method,
    progress: Progress | bool | None,
) -> None:
    """Fill the columns of ``out`` from one ordering of units (divisor methods, no rules)."""
    # the unit order depends only on the shares: build the key at a positive total
    scaled = problem.with_need(max(values[-1], 1), 0)
    key = build_key(scaled)
    mkey = build_key(scaled, "minors")
    bounds, _ = effective_bounds(scaled, method, key, mkey)
    lo, hi = bounds.lower, bounds.effective_upper()
    lo_sum = int(lo.sum())
    room = int(np.minimum(hi, values[-1]).sum())
    feasible = [t for t in values if lo_sum <= t <= room]
    if not feasible:
        return
    first, last = feasible[0], feasible[-1]
    x_first = solve_separable(method, key.targets, lo, hi, first, key.exact_targets).x
    x_last = solve_separable(method, key.targets, lo, hi, last, key.exact_targets).x
    span = x_last - x_first
    rows = np.repeat(np.arange(len(lo)), span)
    ks = np.arange(len(rows)) - np.repeat(np.cumsum(span) - span, span) + x_first[rows]
    ranked = rows[_unit_order(method, key, rows, ks)]
    current = x_first.copy()
    done = 0
    for t in feasible:
        step = t - first
        if step > done:
            np.add.at(current, ranked[done:step], 1)
            done = step
        out[t] = current
    reporter = progress_reporter(progress, "scenarios")
    if reporter is not None:
        reporter(len(values), len(values))


SWEEP_BLOCK = 8
"""Totals per work item of a scenario sweep (the same blocks serially and on an executor)."""


def _unit_order(method: Method, key: Any, rows: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """Order of the units (rows, ks) by cost, exactly (float first, exact near ties)."""
    t = key.targets
    costs = unit_cost(method, ks, t[rows])
    order = np.lexsort((ks, rows, -t[rows], costs))
    c = costs[order]
    close = np.abs(np.diff(c)) <= EXACT_MARGIN * np.maximum(1.0, np.abs(c[1:]))
    if not close.any():
        return order
    # re-sort each run of near-equal costs with exact costs
    out = order.copy()
    start = 0
    n = len(order)
    while start < n - 1:
        if not close[start]:
            start += 1
            continue
        end = start
        while end < n - 1 and close[end]:
            end += 1
        run = order[start : end + 1]
        exact = key.exact_targets(sorted({int(r) for r in rows[run]}))
        targets = dict(zip(sorted({int(r) for r in rows[run]}), exact, strict=True))
        run_sorted = sorted(
            run.tolist(),
            key=lambda u: (
                exact_unit_cost(method, int(ks[u]), targets[int(rows[u])]),
                -targets[int(rows[u])],
                int(rows[u]),
                int(ks[u]),
            ),
        )
        out[start : end + 1] = run_sorted
        start = end + 1
    return out


def uncertainty(
    problem: Problem,
    totals: Sequence[int] | np.ndarray | Mapping[float, int],
    *,
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    method: Method | str = "webster",
    progress: Progress | bool | None = None,
    executor: Executor | None = None,
) -> pd.DataFrame:
    """Per-municipality bands of the request under an uncertain national total.

    ``totals`` is either samples of the total (e.g. from a prognosis), or a mapping from
    probability to a quantile of the total (``{0.1: 33_000, 0.5: 37_000, 0.9: 42_000}``). For
    samples, each municipality's quantiles are taken over its requests at the sampled totals
    (``inverted_cdf``: always a request that occurs). For given quantiles of the total, a
    house-monotone method gives the request quantiles exactly as the requests at those totals.
    Columns ``p10``, ``p50``, ``p90`` (from ``quantiles``), indexed by municipality_id.
    ``progress`` and ``executor`` are passed to :func:`scenarios` (the distinct totals are
    solved once each).

    Parameters
    ----------
    problem : Problem
        The problem; its need is replaced by each total.
    totals : sequence of int, or mapping of float to int
        Sampled totals, or quantiles of the total by probability.
    quantiles : sequence of float
        The probabilities reported for sampled totals.
    method : Method or str
        The apportionment method (default Webster).
    progress : callable or bool, optional
        As for :func:`scenarios`.
    executor : concurrent.futures.Executor, optional
        As for :func:`scenarios`.

    Returns
    -------
    pandas.DataFrame
        One column per quantile (``p10``, ...), and ``mean`` over the samples when ``totals``
        are samples.
    """
    check_types(uncertainty, locals())
    check_sweep_args("uncertainty", progress, executor)
    method = parse_method(method, caller="uncertainty")
    sweep: dict[str, Any] = {"progress": progress, "executor": executor}
    if isinstance(totals, Mapping):
        probs = sorted(totals)
        table = scenarios(problem, [totals[p] for p in probs], method=method, **sweep)
        return pd.DataFrame(
            {f"p{round(p * 100):d}": table[int(totals[p])] for p in probs}, index=table.index
        )
    samples = np.asarray(list(totals), dtype=np.int64)
    if samples.size == 0:
        raise InputError(
            "The `totals` parameter of `uncertainty` must hold at least one total. "
            "Got none instead."
        )
    unique, inverse = np.unique(samples, return_inverse=True)
    table = scenarios(problem, unique.tolist(), method=method, **sweep)
    matrix = table.to_numpy(dtype=float)[:, inverse]
    out = {
        f"p{round(q * 100):d}": np.quantile(matrix, q, axis=1, method="inverted_cdf")
        for q in quantiles
    }
    frame = pd.DataFrame(out, index=table.index)
    frame["mean"] = matrix.mean(axis=1)
    return frame


def sensitivity(
    problem: Problem,
    *,
    delta: float = 0.05,
    method: Method | str = "webster",
    solver: str | None = None,
    progress: Progress | bool | None = None,
    executor: Executor | None = None,
) -> pd.DataFrame:
    """How each request moves when one criterion weight moves by ``±delta``.

    The other weights are rescaled in proportion so the weights still sum to 1. Returns a
    tidy frame: ``criterion``, ``delta``, ``weight``, ``municipality_id``, ``name``,
    ``base_request``, ``request``, ``change``. ``progress`` follows the moved solves;
    ``executor`` (any :class:`concurrent.futures.Executor`) runs them in parallel, with the
    same result.

    Parameters
    ----------
    problem : Problem
        The problem, solved as it is and once per moved weight.
    delta : float
        How far each weight moves, down and up (clipped to 0 and 1).
    method : Method or str
        The apportionment method (default Webster).
    solver : str, optional
        As for :func:`busetting.allocate`.
    progress : callable or bool, optional
        ``progress(done, total)``, or ``True`` for a bar on a terminal.
    executor : concurrent.futures.Executor, optional
        Runs the moved solves in parallel.

    Returns
    -------
    pandas.DataFrame
        One row per moved weight and municipality, with the columns above.

    Raises
    ------
    InfeasibleError, SolverError
        If ``problem`` itself is not solved to optimality.
    """
    check_types(sensitivity, locals())
    check_sweep_args("sensitivity", progress, executor)
    method = parse_method(method, caller="sensitivity")
    base = allocate(problem, method=method, solver=solver).raise_for_status()
    assert base.requests is not None
    moves = _moves(problem, delta)
    solved = run_sweep(
        functools.partial(_requests_of, method, solver),
        [move.problem for move in moves],
        progress=progress,
        executor=executor,
        label="sensitivity",
    )
    names = {m.municipality_id: m.name for m in problem.municipalities}
    base_values = base.requests.to_dict()
    rows = []
    for move, requests in zip(moves, solved, strict=True):
        if requests is None:
            continue
        for mid, r in requests.items():
            b = int(base_values[mid])
            rows.append(
                {
                    "criterion": move.criterion,
                    "delta": move.delta,
                    "weight": move.weight,
                    "municipality_id": mid,
                    "name": names[str(mid)],
                    "base_request": b,
                    "request": int(r),
                    "change": int(r) - b,
                }
            )
    return pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS))


SENSITIVITY_COLUMNS = (
    "criterion",
    "delta",
    "weight",
    "municipality_id",
    "name",
    "base_request",
    "request",
    "change",
)


@dataclass(frozen=True, eq=False)
class _Move:
    """One criterion's weight moved by ``delta`` to ``weight``, and the problem it makes."""

    criterion: str
    delta: float
    weight: float
    problem: Problem


def _moves(problem: Problem, delta: float) -> list[_Move]:
    """Each criterion moved by ``-delta`` and ``+delta``, the others rescaled to sum to 1."""
    moves = []
    for c in problem.criteria:
        for d in (-delta, delta):
            w = min(1.0, max(0.0, c.weight + d))
            others = 1.0 - c.weight
            if others <= 0 or w == c.weight:
                continue
            scale = (1.0 - w) / others
            weights = [w if cc.name == c.name else cc.weight * scale for cc in problem.criteria]
            # the last weight absorbs the rounding (never below 0, which a weight cannot be)
            weights[-1] = max(0.0, weights[-1] + 1 - sum(weights))
            crits = [
                Criterion.model_validate({**cc.model_dump(), "weight": v})
                for cc, v in zip(problem.criteria, weights, strict=True)
            ]
            moves.append(_Move(c.name, d, w, problem.with_criteria(crits)))
    return moves


def _requests_of(method: Method | str, solver: str | None, problem: Problem) -> pd.Series | None:
    """The requests of ``problem`` (None when it has no allocation)."""
    return allocate(problem, method=method, solver=solver).requests
