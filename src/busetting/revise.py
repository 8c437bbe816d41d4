"""During the year: decisions, shortfalls, a changed need, scenarios, uncertainty, sensitivity.

``revise`` turns the in-year events into a new problem and solves it with the same criteria,
method and rules:

* **decisions** (vedtak) are held exactly, except where a decided municipality states spare
  capacity, which lets it take up to that much more;
* **settled** numbers (bosatt) are floors: nobody is asked for fewer than they have settled;
* everyone else moves in **one direction**: when the remaining need is larger than what they
  were asked, no request goes down (the increases are the supplementary requests,
  tilleggsanmodning); when it is smaller, no request goes up. The same holds for minors.

Because every request moves the same way, every admissible allocation has the same total
change (the difference between the remaining need and what was asked); among them the method's
objective chooses, and exact ties are broken by the library's tie rule. Revising with no new
information returns the same numbers.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from busetting._sweep import (
    Progress,
    check_sweep_args,
    progress_reporter,
    requests_at,
    run_sweep,
)
from busetting.exceptions import InputError
from busetting.methods import DIVISOR_METHODS, Method, parse_method
from busetting.model import Municipality, Need, Problem
from busetting.result import Allocation, Status

__all__ = ["Revision", "revise", "scenarios", "sensitivity", "uncertainty"]


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
    failures = []
    for key, value in items:
        mid = str(key)
        if pd.isna(value):
            continue
        if mid not in known:
            failures.append(
                {
                    "row": None,
                    "municipality_id": mid,
                    "column": name,
                    "value": value,
                    "reason": "is not a municipality of the problem",
                }
            )
            continue
        v = value.item() if hasattr(value, "item") else value
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            failures.append(
                {
                    "row": None,
                    "municipality_id": mid,
                    "column": name,
                    "value": value,
                    "reason": "must be a whole number >= 0",
                }
            )
            continue
        out[mid] = v
    if failures:
        raise InputError.from_failures("revise", failures)
    return out


@dataclass(frozen=True, eq=False)
class Revision:
    """The result of :func:`revise`: the new allocation and what changed.

    ``direction`` is ``"up"`` (the remaining need is larger than what the undecided were
    asked: supplementary requests), ``"down"`` or ``"none"``; ``minors_direction`` likewise.
    """

    allocation: Allocation
    previous: pd.Series
    previous_minors: pd.Series
    decisions: dict[str, int]
    spare_capacity: dict[str, int]
    settled: dict[str, int]
    direction: str
    minors_direction: str

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
        frame = pd.DataFrame(
            {
                "name": [m.name for m in p.municipalities],
                "county": [m.county for m in p.municipalities],
                "previous": self.previous.reindex(idx).to_numpy(),
                "decision": pd.array([self.decisions.get(i) for i in idx], dtype="Int64"),
                "spare_capacity": pd.array(
                    [self.spare_capacity.get(i) for i in idx], dtype="Int64"
                ),
                "settled": pd.array([self.settled.get(i) for i in idx], dtype="Int64"),
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

    def __repr__(self) -> str:
        head = (
            f"Revision(status={self.status.value!r}, direction={self.direction!r}, "
            f"decided={len(self.decisions)})"
        )
        return head + "\n  " + self.message


def revise(
    previous: Allocation | Mapping[str, int] | pd.Series,
    *,
    problem: Problem | None = None,
    previous_minors: Mapping[str, int] | pd.Series | None = None,
    decisions: Mapping[str, int] | pd.Series | None = None,
    spare_capacity: Mapping[str, int] | pd.Series | None = None,
    settled: Mapping[str, int] | pd.Series | None = None,
    total: int | None = None,
    minors: int | None = None,
    method: Method | str | None = None,
    solver: str | None = None,
    time_limit: float | None = None,
) -> Revision:
    """Re-solve during the year: decisions in, settled floors, a new need; one direction.

    Parameters
    ----------
    previous : Allocation, or mapping/Series of municipality_id to request
        What was asked. With a plain mapping, ``problem`` is required (and ``previous_minors``
        is optional, zeros otherwise).
    decisions : mapping, optional
        Council decisions (vedtak): held exactly.
    spare_capacity : mapping, optional
        Extra persons a decided municipality states it can take beyond its decision.
    settled : mapping, optional
        Refugees already settled (bosatt): floors.
    total, minors : int, optional
        A new national need (default: unchanged).
    method, solver, time_limit
        As for :func:`busetting.allocate` (``method`` defaults to the previous one).

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
    """
    started = time.perf_counter()
    if isinstance(previous, Allocation):
        if previous.requests is None or previous.minors is None:
            raise InputError(
                "The `previous` parameter of `revise` must be an allocation with requests. "
                f"Got one with status {previous.status.value!r} instead."
            )
        base = previous.problem if problem is None else problem
        prev = previous.requests.astype(np.int64)
        prev_m = previous.minors.astype(np.int64)
        method_ = parse_method(method or previous.method)
    else:
        if problem is None:
            raise InputError(
                "The `problem` parameter of `revise` is required when `previous` "
                "is a mapping of requests. Got None instead."
            )
        base = problem
        method_ = parse_method(method or "webster")
        prev = pd.Series(_as_counts(previous, "previous", base.ids), dtype=np.int64)
        prev_m = pd.Series(_as_counts(previous_minors, "previous_minors", base.ids), dtype=np.int64)
    ids = base.ids
    prev = prev.reindex(ids, fill_value=0).astype(np.int64)
    prev_m = prev_m.reindex(ids, fill_value=0).astype(np.int64)
    dec = _as_counts(decisions, "decisions", ids)
    spare = _as_counts(spare_capacity, "spare_capacity", ids)
    done = _as_counts(settled, "settled", ids)
    extra = sorted(set(spare) - set(dec))
    if extra:
        raise InputError(
            "The `spare_capacity` parameter of `revise` may only name decided municipalities. "
            f"Got {', '.join(extra)} instead."
        )
    n_total = base.total if total is None else total
    n_minors = base.minors if minors is None else minors
    need = Need(total=n_total, minors=n_minors)

    held = {i: max(v, done.get(i, 0)) for i, v in dec.items() if i not in spare}
    flexible = [i for i in ids if i not in held]
    reference = {i: (dec[i] if i in dec else int(prev[i])) for i in flexible}
    rest = need.total - sum(held.values())
    flex_sum = sum(reference.values())
    direction = "up" if rest > flex_sum else "down" if rest < flex_sum else "none"

    held_minors = {i: min(int(prev_m[i]), v) for i, v in held.items()}
    m_rest = need.minors - sum(held_minors.values())
    m_flex = sum(int(prev_m[i]) for i in flexible)
    m_direction = "up" if m_rest > m_flex else "down" if m_rest < m_flex else "none"

    updated = []
    for m in base.municipalities:
        i = m.municipality_id
        data: dict[str, Any] = m.model_dump()
        floor = done.get(i, 0)
        if i in held:
            data.update(fixed=held[i], min=None, max=None)
            if m.minors_eligible:
                data.update(minors_min=held_minors[i], minors_capacity=held_minors[i])
        else:
            ref = reference[i]
            lo = max(m.min or 0, floor)
            hi = m.max
            if i in spare:
                lo, hi = max(lo, dec[i]), dec[i] + spare[i]
                hi = hi if m.max is None else max(lo, min(hi, m.max))
            if direction in ("up", "none"):
                lo = max(lo, ref)
            if direction in ("down", "none"):
                hi = ref if hi is None else min(hi, ref)
            if hi is not None and lo > hi:
                raise InputError.from_failures(
                    "revise",
                    [
                        {
                            "row": None,
                            "municipality_id": i,
                            "column": "settled",
                            "value": floor,
                            "reason": f"the floor {lo} is above the ceiling {hi}",
                        }
                    ],
                )
            data.update(
                fixed=None if m.fixed is None or direction != "none" else m.fixed,
                min=lo or None,
                max=hi,
            )
            if data["fixed"] is not None and not lo <= data["fixed"] <= (hi or lo):
                data["fixed"] = None
            if m.minors_eligible:
                pm = int(prev_m[i])
                cap = m.minors_capacity
                mlo = m.minors_min or 0
                if m_direction in ("up", "none"):
                    mlo = max(mlo, pm)
                if m_direction in ("down", "none"):
                    cap = pm if cap is None else min(cap, pm)
                top = hi if data["fixed"] is None else data["fixed"]
                if top is not None:
                    mlo = min(mlo, top)
                data.update(minors_min=mlo or None, minors_capacity=cap)
        updated.append(Municipality.model_validate(data))
    new_problem = base.model_copy(update={"municipalities": tuple(updated), "need": need})
    from busetting.solve import allocate

    alloc = allocate(new_problem, method=method_, solver=solver, time_limit=time_limit)
    del started
    return Revision(alloc, prev, prev_m, dec, spare, done, direction, m_direction)


# -- scenarios ---------------------------------------------------------------------------------


def _fast_path(problem: Problem, method: Method) -> bool:
    return (
        method in DIVISOR_METHODS
        and not problem.rules.needs_program
        and problem.rules.share_cap is None
        and problem.minors == 0
    )


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
    solved total by total. A total that cannot be met is a column of missing values.

    ``progress`` (a callable ``progress(done, total)``, or ``True`` for a bar on a terminal)
    follows the totals; ``executor`` (any :class:`concurrent.futures.Executor`, e.g. a
    ``ProcessPoolExecutor`` or a Dask client's executor) solves blocks of totals in parallel.
    The table is the same either way.

    Examples
    --------
    >>> import busetting as bs
    >>> ms = [bs.Municipality(municipality_id=f"000{i}", name=f"K{i}", population=p)
    ...       for i, p in enumerate([50, 30, 20], start=1)]
    >>> p = bs.Problem(municipalities=ms, criteria={"population": 1.0}, need=bs.Need(total=10))
    >>> bs.scenarios(p, [9, 10, 11]).to_numpy().tolist()
    [[4, 5, 6], [3, 3, 3], [2, 2, 2]]
    """
    from busetting.criteria import build_key
    from busetting.solve import _bounds
    from busetting.solvers.threshold import solve_separable

    check_sweep_args("scenarios", progress, executor)
    method_ = parse_method(method)
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
        blocks = [values[k : k + SWEEP_BLOCK] for k in range(0, len(values), SWEEP_BLOCK)]
        solved = run_sweep(
            functools.partial(requests_at, problem, method_, solver),
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
        return out
    # the unit order depends only on the shares: build the key at a positive total
    scaled = problem.with_need(max(values[-1], 1), 0)
    key = build_key(scaled)
    mkey = build_key(scaled, "minors")
    bounds, _ = _bounds(scaled, method_, key, mkey)
    lo, hi = bounds.lower, bounds.effective_upper()
    lo_sum = int(lo.sum())
    room = int(np.minimum(hi, values[-1]).sum())
    feasible = [t for t in values if lo_sum <= t <= room]
    if not feasible:
        return out
    first, last = feasible[0], feasible[-1]
    x_first = solve_separable(method_, key.targets, lo, hi, first, key.exact_targets).x
    x_last = solve_separable(method_, key.targets, lo, hi, last, key.exact_targets).x
    span = x_last - x_first
    rows = np.repeat(np.arange(len(lo)), span)
    ks = np.arange(len(rows)) - np.repeat(np.cumsum(span) - span, span) + x_first[rows]
    order = _unit_order(method_, key, rows, ks)
    ranked = rows[order]
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
    return out


SWEEP_BLOCK = 8
"""Totals per work item of a scenario sweep (the same blocks serially and on an executor)."""


def _unit_order(method: Method, key: Any, rows: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """Order of the units (rows, ks) by cost, exactly (float first, exact near ties)."""
    from busetting.methods import exact_unit_cost, unit_cost
    from busetting.solvers.threshold import EXACT_MARGIN

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
    """
    check_sweep_args("uncertainty", progress, executor)
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
    """
    from busetting.solve import allocate

    check_sweep_args("sensitivity", progress, executor)
    base = allocate(problem, method=method, solver=solver).raise_for_status()
    assert base.requests is not None
    rows = []
    names = {m.municipality_id: m.name for m in problem.municipalities}
    moves = []
    for c in problem.criteria:
        for d in (-delta, delta):
            w = min(1.0, max(0.0, c.weight + d))
            others = 1.0 - c.weight
            if others <= 0 or w == c.weight:
                continue
            scale = (1.0 - w) / others
            crits = [
                cc.model_copy(update={"weight": w if cc.name == c.name else cc.weight * scale})
                for cc in problem.criteria
            ]
            total_w = sum(cc.weight for cc in crits)
            crits[-1] = crits[-1].model_copy(update={"weight": crits[-1].weight + 1 - total_w})
            moves.append((c.name, d, w, problem.model_copy(update={"criteria": tuple(crits)})))
    solved = run_sweep(
        functools.partial(_requests_of, method, solver),
        [moved for *_, moved in moves],
        progress=progress,
        executor=executor,
        label="sensitivity",
    )
    base_values = base.requests.to_dict()
    for (name, d, w, _), requests in zip(moves, solved, strict=True):
        if requests is None:
            continue
        for mid, r in requests.items():
            b = int(base_values[mid])
            rows.append(
                {
                    "criterion": name,
                    "delta": d,
                    "weight": w,
                    "municipality_id": mid,
                    "name": names[str(mid)],
                    "base_request": b,
                    "request": int(r),
                    "change": int(r) - b,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "criterion",
            "delta",
            "weight",
            "municipality_id",
            "name",
            "base_request",
            "request",
            "change",
        ],
    )


def _requests_of(method: Method | str, solver: str | None, problem: Problem) -> pd.Series | None:
    """The requests of ``problem`` (None when it has no allocation)."""
    from busetting.solve import allocate

    return allocate(problem, method=method, solver=solver).requests
