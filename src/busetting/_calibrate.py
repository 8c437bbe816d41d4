"""Calibrate the criteria weights to past requests (inverse optimisation).

Which weights reproduce what was actually asked? :func:`calibrate` finds non-negative weights
summing to 1 (optionally with capacity weighted most, and per-weight bounds) whose *integer*
allocation comes closest to the observed requests, in ``sum |x - observed| / N``.

The map from weights to integers is piecewise constant, so gradients are useless. The method:

1. **Continuous fit**: a linear program (scipy/HiGHS) minimises ``sum |N A w - observed|``
   over the weight simplex, where ``A`` holds each criterion's shares: the best weights for
   the targets themselves.
2. **Exact consistency** (divisor methods without bounds): observed requests are the
   allocation of weights ``w`` iff a multiplier puts every scaled target between its two
   signposts; with ``v = lambda w`` that is a linear feasibility problem, whose widest-margin
   solution, when it exists, reproduces the observations exactly.
3. **Integer refinement**: from several starts (the exact solution if any, the continuous
   fit, the problem's own weights, equal weights), a pattern search moves weight between
   pairs of criteria in steps of 0.05 down to 0.00001, keeping every move that lowers the
   integer loss, until none does.

The result carries the fitted weights, the integer loss, each municipality's residual and the
losses of two simple references: population share, and last year's requests scaled to the
new total (when given).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from busetting._allocate import allocate
from busetting._criteria import build_key
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._methods import DIVISOR_METHODS, Method, parse_method, signpost
from busetting._model import Criterion, Municipality, Problem
from busetting._result import Allocation
from busetting._sweep import Progress, check_sweep_args, progress_reporter, run_sweep

__all__ = ["Calibration", "calibrate", "continuous_fit", "out_of_sample"]

STEPS = (0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001, 0.00005, 0.00002, 0.00001)


@dataclass(frozen=True, eq=False)
class Calibration:
    """Fitted weights, the integer loss, residuals and the baselines."""

    weights: dict[str, float]
    loss: float
    continuous_loss: float
    residuals: pd.DataFrame
    baselines: dict[str, float]
    evaluations: int
    method: str

    def to_frame(self) -> pd.DataFrame:
        """Losses of the fitted model and the baselines as a tidy frame."""
        rows = [("fitted weights", self.loss), *self.baselines.items()]
        return pd.DataFrame(rows, columns=["model", "loss"])

    def __repr__(self) -> str:
        w = ", ".join(f"{k}={v:.3f}" for k, v in self.weights.items())
        base = ", ".join(f"{k} {v:.4f}" for k, v in self.baselines.items())
        return f"Calibration(loss={self.loss:.4f}; {w}; baselines: {base})"


def _observed(problem: Problem, observed: Mapping[str, int] | pd.Series) -> np.ndarray:
    series = pd.Series(observed, dtype=float)
    series.index = series.index.astype(str)
    unknown = sorted(set(series.index) - set(problem.ids))
    if unknown:
        raise InputError(
            "The `observed` parameter of `calibrate` names municipalities that are not in the "
            f"problem: {', '.join(unknown[:5])}."
        )
    values = series.reindex(problem.ids).fillna(0.0).to_numpy()
    if (values < 0).any() or not np.all(np.isfinite(values)):
        raise InputError("The `observed` parameter of `calibrate` must hold finite numbers >= 0.")
    return np.round(values).astype(np.int64)


def _with_weights(problem: Problem, criteria: Sequence[Criterion], w: np.ndarray) -> Problem:
    """``problem`` with ``criteria`` weighted ``w`` (the largest weight absorbs the rounding)."""
    weights = [float(v) for v in w]
    largest = int(np.argmax(w))
    weights[largest] = weights[largest] + (1.0 - sum(weights))
    return problem.with_criteria(
        [
            Criterion.model_validate({**c.model_dump(), "weight": v})
            for c, v in zip(criteria, weights, strict=True)
        ]
    )


def calibrate(
    problem: Problem,
    observed: Mapping[str, int] | pd.Series,
    *,
    criteria: Sequence[str] | None = None,
    constraints: Sequence[str] = (),
    bounds: Mapping[str, tuple[float, float]] | None = None,
    loss: str = "l1",
    method: Method | str = "webster",
    previous: Mapping[str, int] | pd.Series | None = None,
    progress: Progress | bool | None = None,
    executor: Executor | None = None,
) -> Calibration:
    """Fit the criteria weights of ``problem`` to ``observed`` requests.

    Parameters
    ----------
    problem : Problem
        Its criteria (or the subset named in ``criteria``) are refitted; its need is set to
        the observed total.
    observed : mapping or Series of municipality_id to request
    criteria : sequence of str, optional
        The criteria to refit (default: all of the problem's); the others are dropped.
    constraints : sequence of str
        ``"capacity_largest"``: the criterion named ``capacity`` weighs at least as much as
        any other.
    bounds : mapping of criterion name to (low, high), optional
    loss : {"l1"}
        ``sum |x - observed| / N`` on the integer allocation.
    method : Method or str
        The apportionment method of the integer allocations (default Webster).
    previous : mapping, optional
        Last year's requests, for the "previous year scaled" baseline.
    progress : callable or bool, optional
        ``progress(done, total)`` after each step of the search (start x step size), or
        ``True`` for a bar on a terminal.
    executor : concurrent.futures.Executor, optional
        Evaluates the candidate weights of each search step in parallel (for example a
        ``ProcessPoolExecutor``); the fit is the same as the serial one.

    Returns
    -------
    Calibration
        The fitted weights, their integer loss, the residuals and the baselines' losses.

    Examples
    --------
    >>> import busetting as bs
    >>> ms = [bs.Municipality(municipality_id=f"000{i}", name=f"K{i}", population=100 * i,
    ...                       indicators={"capacity": float(10 * (6 - i))})
    ...       for i in range(1, 6)]
    >>> p = bs.Problem(municipalities=ms, criteria={"population": 0.3, "capacity": 0.7},
    ...                need=bs.Need(total=300))
    >>> observed = bs.allocate(p).requests           # made with weights 0.3 / 0.7
    >>> fit = bs.calibrate(p.with_criteria({"population": 0.5, "capacity": 0.5}), observed)
    >>> fit.loss
    0.0
    """
    check_types(calibrate, locals())
    check_sweep_args("calibrate", progress, executor)
    _check_options(loss, constraints)
    method_ = parse_method(method, caller="calibrate")
    obs = _observed(problem, observed)
    total = int(obs.sum())
    if total <= 0:
        raise InputError("The `observed` parameter of `calibrate` must sum to more than 0.")
    chosen = _chosen(problem, criteria)
    crits = [c for c in problem.criteria if c.name in chosen]
    base = _with_weights(problem.with_need(total, 0), crits, np.full(len(crits), 1 / len(crits)))
    shares = build_key(base).shares  # n x C
    region = _region(chosen, bounds, constraints)
    w_lp, continuous = continuous_fit(
        shares, obs, bounds=list(zip(region.lo, region.hi, strict=True)), dominates=region.dominates
    )
    exact_w = _consistent_weights(
        method_, shares, obs, total, region.lo, region.hi, region.cap, base
    )
    starts = [
        *([exact_w] if exact_w is not None else []),
        w_lp,
        np.array([cc.weight for cc in crits]) / sum(cc.weight for cc in crits),
        np.full(len(crits), 1.0 / len(crits)),
    ]
    losses = _Losses(
        functools.partial(_integer_loss, base, tuple(crits), obs, total, method_), executor
    )
    best_w, best = _search(starts, w_lp, region, losses, progress_reporter(progress, "calibrate"))
    fitted = allocate(_with_weights(base, crits, best_w), method=method_)
    baselines = {"population share": _baseline(base, {"population": 1.0}, obs, method_)}
    if previous is not None:
        baselines["previous year scaled"] = _previous_baseline(
            base, _observed(problem, previous), obs, method_
        )
    return Calibration(
        weights={k: float(v) for k, v in zip(chosen, best_w, strict=True)},
        loss=best,
        continuous_loss=continuous,
        residuals=_residuals(base, obs, fitted),
        baselines=baselines,
        evaluations=losses.evaluations,
        method=method_.value,
    )


def _check_options(loss: str, constraints: Sequence[str]) -> None:
    if loss != "l1":
        raise InputError(f"The `loss` parameter of `calibrate` must be 'l1'. Got {loss!r} instead.")
    unknown = sorted(set(constraints) - {"capacity_largest"})
    if unknown:
        raise InputError(
            "The `constraints` parameter of `calibrate` accepts "
            f"'capacity_largest'. Got {unknown[0]!r} instead."
        )


def _chosen(problem: Problem, criteria: Sequence[str] | None) -> list[str]:
    """The names of the criteria to refit (all of the problem's by default), checked."""
    names = [c.name for c in problem.criteria]
    chosen = list(criteria) if criteria is not None else names
    missing = sorted(set(chosen) - set(names))
    if missing:
        raise InputError(
            f"The `criteria` parameter of `calibrate` must name criteria of the "
            f"problem ({', '.join(names)}). Got {missing[0]!r} instead."
        )
    return chosen


@dataclass(frozen=True, eq=False)
class _Region:
    """The admissible weights: per-weight bounds and, with ``cap``, capacity weighing most."""

    lo: np.ndarray
    hi: np.ndarray
    cap: int | None
    """Index of the capacity criterion when it must weigh at least as much as any other."""

    @property
    def dominates(self) -> list[tuple[list[int], list[int]]]:
        """The ``(major, minor)`` pairs of :func:`continuous_fit` for ``cap``."""
        if self.cap is None:
            return []
        return [([self.cap], [j]) for j in range(len(self.lo)) if j != self.cap]

    def contains(self, w: np.ndarray) -> bool:
        if (w < self.lo - 1e-12).any() or (w > self.hi + 1e-12).any():
            return False
        return not (self.cap is not None and (w > w[self.cap] + 1e-12).any())


def _region(
    chosen: Sequence[str],
    bounds: Mapping[str, tuple[float, float]] | None,
    constraints: Sequence[str],
) -> _Region:
    lo = np.array([(bounds or {}).get(k, (0.0, 1.0))[0] for k in chosen], dtype=float)
    hi = np.array([(bounds or {}).get(k, (0.0, 1.0))[1] for k in chosen], dtype=float)
    cap = chosen.index("capacity") if "capacity" in chosen else None
    largest = "capacity_largest" in constraints and cap is not None
    return _Region(lo, hi, cap if largest else None)


class _Losses:
    """Integer losses of weight vectors, each evaluated once (new ones on the executor)."""

    def __init__(self, loss_at: Callable[[np.ndarray], float], executor: Executor | None):
        self.loss_at = loss_at
        self.executor = executor
        self.cache: dict[tuple[int, ...], float] = {}
        self.evaluations = 0

    @staticmethod
    def _key(w: np.ndarray) -> tuple[int, ...]:
        return tuple(np.round(w * 1e6).astype(int))

    def __call__(self, ws: list[np.ndarray]) -> list[float]:
        fresh: dict[tuple[int, ...], np.ndarray] = {}
        for w in ws:
            k = self._key(w)
            if k not in self.cache and k not in fresh:
                fresh[k] = w
        if fresh:
            values = run_sweep(self.loss_at, list(fresh.values()), executor=self.executor)
            self.evaluations += len(fresh)
            self.cache.update(zip(fresh, values, strict=True))
        return [self.cache[self._key(w)] for w in ws]


def _search(
    starts: list[np.ndarray],
    fallback: np.ndarray,
    region: _Region,
    losses: _Losses,
    report: Callable[[int, int], None] | None,
) -> tuple[np.ndarray, float]:
    """The best weights of a pattern search from each start (``fallback`` if none is
    admissible), with their integer loss."""
    rounds, done = len(starts) * len(STEPS), 0
    best_w, best = fallback, float("inf")
    for start in starts:
        w = start.copy()
        if not region.contains(w):
            done += len(STEPS)
            if report is not None:
                report(done, rounds)
            continue
        current = losses([w])[0]
        for step in STEPS:
            w, current = _descend(w, current, step, region, losses)
            done += 1
            if report is not None:
                report(done, rounds)
        if current < best:
            best_w, best = w, current
    return best_w, best


def _descend(
    w: np.ndarray, current: float, step: float, region: _Region, losses: _Losses
) -> tuple[np.ndarray, float]:
    """Move ``step`` of weight between pairs of criteria while a move lowers the loss."""
    c = len(w)
    improved = True
    while improved and current > 0:
        improved = False
        moves = []
        for i, j in itertools.permutations(range(c), 2):
            cand = w.copy()
            cand[i] -= step
            cand[j] += step
            if cand[i] < -1e-12 or not region.contains(cand):
                continue
            moves.append((i, j, np.clip(cand, 0, 1)))
        if moves:
            values = losses([m[2] for m in moves])
            value, _, _, cand = min(
                ((v, i, j, cw) for v, (i, j, cw) in zip(values, moves, strict=True)),
                key=lambda m: (m[0], m[1], m[2]),
            )
            if value < current - 1e-15:
                w, current, improved = cand, value, True
    return w, current


def _residuals(base: Problem, obs: np.ndarray, fitted: Allocation) -> pd.DataFrame:
    assert fitted.requests is not None
    resid = pd.DataFrame(
        {
            "name": [m.name for m in base.municipalities],
            "observed": obs,
            "fitted": fitted.requests.to_numpy(),
            "target": fitted.targets.to_numpy(),
        },
        index=pd.Index(base.ids, name="municipality_id"),
    )
    resid["residual"] = resid["fitted"] - resid["observed"]
    return resid


def continuous_fit(
    shares: np.ndarray,
    observed: np.ndarray,
    *,
    bounds: Sequence[tuple[float, float]] | None = None,
    dominates: Sequence[tuple[Sequence[int], Sequence[int]]] = (),
    floors: Sequence[tuple[Sequence[int], float]] = (),
) -> tuple[np.ndarray, float]:
    """Weights on the simplex whose targets come closest to ``observed`` in L1.

    Solves the linear program ``min sum_i |N sum_c w_c a_ic - y_i| / N`` subject to
    ``sum w = 1``, ``low_c <= w_c <= high_c`` and, for each ``(major, minor)`` pair of column
    groups in ``dominates``, ``sum w[major] >= sum w[minor]`` (e.g. "the capacity group weighs
    at least as much as any other group"), and for each ``(group, floor)`` in ``floors``,
    ``sum w[group] >= floor``. Returns the weights and the loss ``L1 / N``.

    Parameters
    ----------
    shares : ndarray, shape (n, C)
        Each criterion's share vector (columns sum to 1).
    observed : ndarray, shape (n,)
        The observed requests ``y``; ``N = sum y``.
    """
    from scipy.optimize import linprog

    n, c = shares.shape
    total = float(observed.sum())
    cost = np.concatenate([np.zeros(c), np.ones(2 * n)]) / total
    a_eq = np.hstack([total * shares, -np.eye(n), np.eye(n)])
    a_eq = np.vstack([a_eq, np.concatenate([np.ones(c), np.zeros(2 * n)])])
    b_eq = np.concatenate([observed.astype(float), [1.0]])
    rows, rhs = [], []
    for major, minor in dominates:
        row = np.zeros(c + 2 * n)
        row[list(minor)] += 1.0
        row[list(major)] -= 1.0
        rows.append(row)
        rhs.append(0.0)
    for group, floor in floors:
        row = np.zeros(c + 2 * n)
        row[list(group)] = -1.0
        rows.append(row)
        rhs.append(-float(floor))
    res = linprog(
        cost,
        A_ub=np.array(rows) if rows else None,
        b_ub=np.array(rhs) if rows else None,
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=[*(bounds or [(0.0, 1.0)] * c), *[(0, None)] * (2 * n)],
        method="highs",
    )
    if not res.success:
        raise InputError(f"The weight constraints cannot all hold: {res.message}")
    lo = np.array([b[0] for b in (bounds or [(0.0, 1.0)] * c)])
    hi = np.array([b[1] for b in (bounds or [(0.0, 1.0)] * c)])
    w = np.clip(res.x[:c], lo, hi)
    return w / w.sum(), float(res.fun)


def _integer_loss(
    base: Problem,
    crits: Sequence[Criterion],
    obs: np.ndarray,
    total: int,
    method: Method,
    w: np.ndarray,
) -> float:
    """``sum |x - observed| / N`` of the integer allocation with weights ``w``."""
    alloc = allocate(_with_weights(base, crits, w), method=method)
    if alloc.requests is None:
        return float("inf")
    return float(np.abs(alloc.requests.to_numpy() - obs).sum()) / total


def _consistent_weights(
    method: Method,
    shares: np.ndarray,
    obs: np.ndarray,
    total: int,
    lo: np.ndarray,
    hi: np.ndarray,
    cap: int | None,
    base: Problem,
) -> np.ndarray | None:
    """Weights whose divisor rounding reproduces ``obs`` exactly, if any exist.

    For a divisor method without bounds, ``obs`` is the allocation of weights ``w`` iff some
    multiplier ``lambda`` puts every ``lambda * t_i(w)`` between the signposts ``s(obs_i - 1)``
    and ``s(obs_i)``. With ``v = lambda * w`` that is linear: a linear program finds the ``v``
    with the widest margin, and ``w = v / sum(v)``.
    """
    from scipy.optimize import linprog

    if (
        method not in DIVISOR_METHODS
        or base.rules.needs_program
        or any(m.min or m.max or m.fixed is not None for m in base.municipalities)
    ):
        return None
    n, c = shares.shape
    upper = signpost(method, obs)
    lower = np.where(obs > 0, signpost(method, np.maximum(obs - 1, 0)), -np.inf)
    rows, rhs = [], []
    a = total * shares
    for i in range(n):  # lower[i] + mu <= a_i v <= upper[i] - mu
        rows.append(np.concatenate([a[i], [1.0]]))
        rhs.append(upper[i])
        if np.isfinite(lower[i]):
            rows.append(np.concatenate([-a[i], [1.0]]))
            rhs.append(-lower[i])
    for j in range(c):  # weight bounds on the normalised w = v / sum(v)
        e = np.eye(c)[j]
        rows.append(np.concatenate([lo[j] * np.ones(c) - e, [0.0]]))
        rhs.append(0.0)
        rows.append(np.concatenate([e - hi[j] * np.ones(c), [0.0]]))
        rhs.append(0.0)
        if cap is not None and j != cap:
            rows.append(np.concatenate([e - np.eye(c)[cap], [0.0]]))
            rhs.append(0.0)
    res = linprog(
        np.concatenate([np.zeros(c), [-1.0]]),
        A_ub=np.array(rows),
        b_ub=np.array(rhs),
        bounds=[(0, None)] * c + [(None, 1.0)],
        method="highs",
    )
    if not res.success or res.x[-1] <= 0 or res.x[:c].sum() <= 0:
        return None
    v = res.x[:c]
    return np.asarray(v / v.sum(), dtype=np.float64)


def _baseline(
    problem: Problem, criteria: dict[str, float], obs: np.ndarray, method: Method
) -> float:
    crit = [Criterion(name=k, indicator=k, weight=v) for k, v in criteria.items()]
    alloc = allocate(problem.with_criteria(crit), method=method)
    assert alloc.requests is not None
    return float(np.abs(alloc.requests.to_numpy() - obs).sum()) / int(obs.sum())


def _previous_baseline(
    problem: Problem, previous: np.ndarray, obs: np.ndarray, method: Method
) -> float:
    """Loss of last year's requests scaled to the new total by the same method."""
    with_previous = Problem(
        municipalities=tuple(
            Municipality.model_validate(
                {**m.model_dump(), "indicators": {**m.indicators, "previous": float(v)}}
            )
            for m, v in zip(problem.municipalities, previous, strict=True)
        ),
        criteria=problem.criteria,
        minors_criteria=problem.minors_criteria,
        need=problem.need,
        rules=problem.rules,
    )
    return _baseline(with_previous, {"previous": 1.0}, obs, method)


def out_of_sample(
    fit: tuple[Problem, Mapping[str, int] | pd.Series],
    evaluate: tuple[Problem, Mapping[str, int] | pd.Series],
    *,
    method: Method | str = "webster",
    criteria: Sequence[str] | None = None,
    constraints: Sequence[str] = (),
    fit_previous: Mapping[str, int] | pd.Series | None = None,
    evaluate_previous: Mapping[str, int] | pd.Series | None = None,
    labels: tuple[str, str] = ("fit", "evaluate"),
) -> pd.DataFrame:
    """Fit the weights on one sample and evaluate them on the next, as a tidy frame.

    Rows: ``sample`` (the labels), ``model`` (fitted weights and the baselines), ``loss``.

    Parameters
    ----------
    fit, evaluate : tuple of (Problem, mapping or Series)
        A problem and its observed requests: the weights are fitted on ``fit`` and scored on
        ``evaluate``.
    method : Method or str
        The apportionment method (default Webster).
    criteria, constraints
        As for :func:`calibrate`.
    fit_previous, evaluate_previous : mapping or Series, optional
        Last year's requests of each sample, for the "previous year scaled" baseline.
    labels : tuple of str
        The ``sample`` values of the two samples.

    Returns
    -------
    pandas.DataFrame
        Columns ``sample``, ``model``, ``loss``.
    """
    check_types(out_of_sample, locals())
    cal = calibrate(
        fit[0],
        fit[1],
        criteria=criteria,
        method=method,
        constraints=constraints,
        previous=fit_previous,
    )
    rows = [(labels[0], "fitted weights", cal.loss)]
    rows += [(labels[0], k, v) for k, v in cal.baselines.items()]
    problem, observed = evaluate
    obs = _observed(problem, observed)
    target = problem.with_need(int(obs.sum()), 0)
    crits = [cc for cc in target.criteria if cc.name in cal.weights]
    moved = _with_weights(target, crits, np.array([cal.weights[cc.name] for cc in crits]))
    alloc = allocate(moved, method=method)
    assert alloc.requests is not None
    rows.append(
        (
            labels[1],
            "fitted weights",
            float(np.abs(alloc.requests.to_numpy() - obs).sum()) / int(obs.sum()),
        )
    )
    rows.append(
        (
            labels[1],
            "population share",
            _baseline(
                target, {"population": 1.0}, obs, parse_method(method, caller="out_of_sample")
            ),
        )
    )
    if evaluate_previous is not None:
        loss = _previous_baseline(
            target,
            _observed(problem, evaluate_previous),
            obs,
            parse_method(method, caller="out_of_sample"),
        )
        rows.append((labels[1], "previous year scaled", loss))
    return pd.DataFrame(rows, columns=["sample", "model", "loss"])
