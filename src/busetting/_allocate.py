"""``allocate``: from a problem to verified integer requests."""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import time
from collections.abc import Callable
from typing import Any, ParamSpec

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from busetting._criteria import Key, build_key
from busetting._diagnose import Bounds, count_noun, diagnose_bounds
from busetting._exceptions import InputError, SolverError
from busetting._feasibility import effective_bounds, raise_for_violations, violations
from busetting._limits import check_limits, check_program_limits
from busetting._methods import Method, objective, parse_method, tie_rule, unit_cost
from busetting._model import Problem
from busetting._result import Allocation
from busetting._solvers import SOLVERS, solver_version
from busetting._solvers.threshold import UNBOUNDED, SeparableSolution, solve_separable
from busetting._status import OBJECTIVE_TOLERANCE, Certificate, Shortfall, Status, Tie
from busetting._version import __version__

__all__ = ["allocate", "diagnose", "fingerprint"]

IntArray = NDArray[np.int64]
_bounds = effective_bounds  # the one home of the effective bounds is busetting._feasibility
"""Relative tolerance when comparing objective values of two solutions."""


def fingerprint(problem: Problem, method: Method | str = "") -> str:
    """SHA-256 of the canonical JSON of ``problem`` and ``method``.

    Municipalities and indicator names are sorted in the canonical JSON, so the fingerprint
    does not depend on the row order.

    Parameters
    ----------
    problem : Problem
        The problem.
    method : Method or str
        The method, part of what is fingerprinted (``""``: none).

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    digest = hashlib.sha256(problem.model_dump_json().encode("utf-8"))
    digest.update(b"\x00method=" + str(method).encode("utf-8"))
    return digest.hexdigest()


def _check_args(problem: Any, solver: Any, time_limit: Any) -> None:
    if not isinstance(problem, Problem):
        raise InputError(
            "The `problem` parameter of `allocate` must be a busetting.Problem. "
            f"Got {type(problem).__name__} instead."
        )
    if solver is not None and solver not in SOLVERS:
        names = ", ".join(repr(s) for s in SOLVERS)
        raise InputError(
            f"The `solver` parameter of `allocate` must be None or one of {names}. "
            f"Got {solver!r} instead."
        )
    if time_limit is not None and (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int | float)
        or not math.isfinite(time_limit)
        or time_limit <= 0
    ):
        raise InputError(
            "The `time_limit` parameter of `allocate` must be None or a positive number of "
            f"seconds. Got {time_limit!r} instead."
        )


def diagnose(problem: Problem, *, method: Method | str = "webster") -> tuple[Shortfall, ...]:
    """Check feasibility without solving: every failing constraint group and its shortfall.

    Returns an empty tuple when an allocation exists. The same diagnosis is attached to an
    infeasible :class:`Allocation`.

    Parameters
    ----------
    problem : Problem
        The problem to check.
    method : Method or str
        The apportionment method (a divisor method holds zero-target municipalities at 0).

    Returns
    -------
    tuple of Shortfall
        Every failing constraint group; empty when an allocation exists.

    Examples
    --------
    >>> import busetting as bs
    >>> p = bs.Problem(
    ...     municipalities=[bs.Municipality(municipality_id="0001", name="A", population=5,
    ...                                     max=10)],
    ...     criteria={"population": 1.0}, need=bs.Need(total=12))
    >>> [d.message for d in bs.diagnose(p)]
    ['requests: upper bounds (max, fixed) sum to 10, 2 short of the need of 12']
    """
    if not isinstance(problem, Problem):
        raise InputError(
            "The `problem` parameter of `diagnose` must be a busetting.Problem. "
            f"Got {type(problem).__name__} instead."
        )
    check_limits(problem, "diagnose")
    m_ = parse_method(method)
    key = build_key(problem, "requests")
    mkey = build_key(problem, "minors")
    bounds, source = _bounds(problem, m_, key, mkey)
    found = _crossed(problem, bounds, source) or diagnose_bounds(
        bounds, problem.total, problem.minors, m_
    )
    if not found and problem.rules.needs_program:
        from busetting._constrained import diagnose_rules, plan_rules

        found = diagnose_rules(problem, plan_rules(problem, key, mkey, bounds), bounds)
    return found


_log = logging.getLogger("busetting")
_P = ParamSpec("_P")


def _logged(solve: Callable[_P, Allocation]) -> Callable[_P, Allocation]:
    """Log every allocation's outcome and route on the ``busetting`` logger (INFO)."""

    @functools.wraps(solve)
    def run(*args: _P.args, **options: _P.kwargs) -> Allocation:
        alloc = solve(*args, **options)
        _log.info(
            "allocate: %s, %d municipalities, need %d, method %s, solver %s (%s), %.1f ms",
            alloc.status.value,
            len(alloc.problem.municipalities),
            alloc.problem.total,
            alloc.method,
            alloc.solver,
            alloc.solver_reason,
            1000 * alloc.runtime,
        )
        return alloc

    return run


@_logged
def allocate(
    problem: Problem,
    *,
    method: Method | str = "webster",
    solver: str | None = None,
    time_limit: float | None = None,
) -> Allocation:
    """Integer requests (and minors) per municipality, summing exactly to the need.

    Parameters
    ----------
    problem : Problem
        Municipalities, criteria and the national need.
    method : str, default "webster"
        ``"webster"`` (Sainte-Laguë, ``sum (x - t)**2 / t``), ``"hamilton"`` (largest
        remainder, ``sum |x - t|``), ``"dhondt"``, ``"huntington_hill"``, ``"adams"`` or
        ``"dean"``; see :mod:`busetting._methods`.
    solver : {None, "threshold", "cbc", "highs"}
        ``None`` picks the fastest path that can solve the problem (the choice and the reason
        are in ``solver`` and ``solver_reason``): the threshold path for bounds-only problems
        whose independent minors solution fits inside the requests, the exact rules path
        (``"lagrange"``, :mod:`busetting._solvers.lagrange`) for the process rules, the integer
        program with CBC otherwise (and for what the rules path does not take).
    time_limit : float, optional
        Seconds allowed to an integer-program solve (ignored by the threshold path, which
        has no iterations to stop). A time-limited solve is never reported as optimal.

    Returns
    -------
    Allocation
        Always returned for a well-formed problem; check ``status`` (or call
        ``raise_for_status()``). Infeasible problems come back with status ``infeasible``
        and a ``diagnosis`` naming each constraint group and the amount short.

    Raises
    ------
    InputError
        For malformed arguments (unknown method or solver, a non-positive time limit).
    SolverError
        If a solver is unavailable or returns an answer that fails the post-solve checks.

    Notes
    -----
    With targets ``t_i`` (requests) and ``tau_j`` (minors), the integer program is

    .. math::

        \\min_{x, m \\in \\mathbb{Z}} \\sum_i f(x_i; t_i) + \\sum_j f(m_j; \\tau_j)
        \\quad\\text{s.t.}\\quad \\sum_i x_i = N,\\ \\sum_j m_j = M,\\
        l_i \\le x_i \\le u_i,\\ 0 \\le m_j \\le \\min(c_j, x_j),

    with ``m_j = 0`` where not eligible and ``f`` the method's convex deviation. After every
    solve the totals, bounds, minors rules and integrality are verified; a violation raises
    :class:`~busetting._exceptions.SolverError`.

    Examples
    --------
    The Balinski-Young five-municipality toy, 26 persons by population:

    >>> import busetting as bs
    >>> pops = {"0001": 9061, "0002": 7179, "0003": 5259, "0004": 3319, "0005": 1182}
    >>> problem = bs.Problem(
    ...     municipalities=[bs.Municipality(municipality_id=k, name=f"M{k}", population=v)
    ...                     for k, v in pops.items()],
    ...     criteria={"population": 1.0}, need=bs.Need(total=26))
    >>> bs.allocate(problem).requests.tolist()
    [9, 8, 5, 3, 1]
    >>> bs.allocate(problem, method="hamilton").requests.tolist()
    [9, 7, 5, 4, 1]
    >>> bs.allocate(problem, method="dhondt").requests.tolist()
    [10, 7, 5, 3, 1]
    """
    started = time.perf_counter()
    _check_args(problem, solver, time_limit)
    check_limits(problem, "allocate")
    m_ = parse_method(method)
    key = build_key(problem, "requests")
    mkey = build_key(problem, "minors")
    bounds, source = _bounds(problem, m_, key, mkey)
    common: dict[str, Any] = {
        "targets": pd.Series(
            key.targets, index=pd.Index(key.ids, name="municipality_id"), name="target"
        ),
        "minors_targets": _full(problem, mkey.rows, mkey.targets, float).rename("minors_target"),
        "contributions": pd.DataFrame(
            key.contributions,
            index=pd.Index(key.ids, name="municipality_id"),
            columns=[c.name for c in key.criteria],
        ),
        "minors_contributions": _full_frame(problem, mkey),
        "method": m_.value,
        "fingerprint": fingerprint(problem, m_),
        "version": __version__,
        "problem": problem,
    }
    diagnosis = _crossed(problem, bounds, source) or diagnose_bounds(
        bounds, problem.total, problem.minors, m_
    )
    if not diagnosis and problem.rules.needs_program:
        from busetting._constrained import diagnose_rules, plan_rules

        plan = plan_rules(problem, key, mkey, bounds)
        diagnosis = diagnose_rules(problem, plan, bounds)
        if not diagnosis:
            return _allocate_rules(
                problem, common, m_, key, mkey, bounds, source, plan, solver, time_limit, started
            )
    if diagnosis:
        return _unsolved(
            common,
            Status.INFEASIBLE,
            "Infeasible: " + "; ".join(d.message for d in diagnosis) + ".",
            solver or "none",
            "the feasibility diagnosis failed before any solve",
            diagnosis,
            started,
        )

    lo, hi = bounds.lower, bounds.upper
    mlo = bounds.minors_lower
    mhi = bounds.effective_minors_upper()
    xs = ms = None
    if solver in (None, "threshold"):
        xs = solve_separable(m_, key.targets, lo, hi, problem.total, key.exact_targets)
        ms = solve_separable(m_, mkey.targets, mlo, mhi, problem.minors, mkey.exact_targets)
        over = np.flatnonzero(ms.x > xs.x[mkey.rows])
        if len(over) == 0:
            reason = (
                "bounds only, and the minors of the independent threshold solutions fit "
                "inside the requests, so together they are optimal"
                if solver is None
                else "solver='threshold' was requested"
            )
            return _finish(
                problem,
                common,
                m_,
                "threshold",
                reason,
                bounds,
                source,
                key,
                mkey,
                xs,
                ms,
                Status.OPTIMAL,
                "optimal (threshold path, certified)",
                certified=True,
                started=started,
            )
        if solver == "threshold":
            rows = mkey.rows[over]
            first = int(over[0])
            example = (
                f"{key.ids[int(rows[0])]}: {int(ms.x[first])} minors, "
                f"{int(xs.x[int(rows[0])])} requests"
            )
            return _unsolved(
                common,
                Status.ERROR,
                "The threshold path cannot solve this problem: its minors solution exceeds the "
                f"requests of {count_noun(len(over), 'municipality')} (e.g. {example}); use "
                "solver=None or "
                "solver='cbc'.",
                "threshold",
                "solver='threshold' was requested",
                (),
                started,
            )
        backend = "cbc"
        reason = (
            f"the minors of the independent threshold solutions exceed the requests of "
            f"{count_noun(len(over), 'municipality')}, so the coupled problem goes to the "
            "integer program"
        )
    else:
        backend = solver
        reason = f"solver={solver!r} was requested"

    from busetting._solvers.milp import KeySpec, solve_milp

    check_program_limits(problem, backend)
    if ms is None:
        ms = solve_separable(m_, mkey.targets, mlo, mhi, problem.minors, mkey.exact_targets)
    # a feasible start: the minors key's own optimum, and the requests' optimum above it
    m_full = np.zeros(len(lo), dtype=np.int64)
    m_full[mkey.rows] = ms.x
    start_lo = np.maximum(lo, m_full)
    if int(start_lo.sum()) <= problem.total:
        start_x = solve_separable(m_, key.targets, start_lo, hi, problem.total, key.exact_targets).x
    else:
        start_x = start_lo
    outcome = solve_milp(
        KeySpec(m_, key.targets, lo, bounds.effective_upper(), problem.total),
        KeySpec(m_, mkey.targets, mlo, mhi, problem.minors),
        mkey.rows,
        backend=backend,
        time_limit=time_limit,
        start_x=start_x,
        start_m=ms.x,
        started=started,
    )
    if outcome.x is None or outcome.m is None:
        return _unsolved(
            common,
            outcome.status,
            outcome.message,
            backend,
            reason,
            (),
            started,
            version=outcome.solver_version,
        )
    # Canonical form among equal optima: the requests' tie rule given the minors, then the
    # minors' tie rule given the requests. Each step is optimal given the other, so the
    # objective cannot rise; a fall would mean the solver's answer was not optimal.
    _verify(problem, bounds, outcome.x, _minors_full(len(lo), mkey.rows, outcome.m), backend, m_)
    raw = objective(m_, outcome.x, key.targets) + objective(m_, outcome.m, mkey.targets)
    m_full = _minors_full(len(lo), mkey.rows, outcome.m)
    xs = solve_separable(
        m_, key.targets, np.maximum(lo, m_full), hi, problem.total, key.exact_targets
    )
    ms = solve_separable(
        m_, mkey.targets, mlo, np.minimum(mhi, xs.x[mkey.rows]), problem.minors, mkey.exact_targets
    )
    polished = objective(m_, xs.x, key.targets) + objective(m_, ms.x, mkey.targets)
    scale = max(1.0, abs(raw))
    if polished > raw + OBJECTIVE_TOLERANCE * scale:
        raise SolverError(  # pragma: no cover - would be a bug in the threshold path
            f"re-solving the {backend} solution raised the objective from {raw!r} to {polished!r}"
        )
    if outcome.status is Status.OPTIMAL and polished < raw - OBJECTIVE_TOLERANCE * scale:
        raise SolverError(
            f"{backend} reported an optimal solution with objective {raw!r}, but a better one "
            f"with objective {polished!r} exists; the solver's answer is not optimal"
        )
    return _finish(
        problem,
        common,
        m_,
        backend,
        reason,
        bounds,
        source,
        key,
        mkey,
        xs,
        ms,
        outcome.status,
        outcome.message,
        certified=False,
        started=started,
        version=outcome.solver_version,
        lower_for_binding=np.maximum(lo, m_full),
    )


def _crossed(problem: Problem, bounds: Bounds, source: list[str]) -> tuple[Shortfall, ...]:
    """Municipalities whose lower bound is above their upper bound (a cap below ``min``, or
    ``minors_min`` above what the request may reach)."""
    out = []
    top = bounds.effective_upper()
    for j, r in enumerate(bounds.minors_rows.tolist()):
        low = int(bounds.minors_lower[j])
        if low > top[r]:
            m = problem.municipalities[r]
            why = "zero target" if bounds.zero_held[r] else (source[r] or "upper bound")
            out.append(
                Shortfall(
                    "minors",
                    f"minors: {m.municipality_id} {m.name} has minors_min {low} above its request "
                    f"limit {int(top[r])} ({why})",
                    low,
                    int(top[r]),
                )
            )
    for i in np.flatnonzero(bounds.lower > bounds.upper).tolist():
        m = problem.municipalities[i]
        out.append(
            Shortfall(
                "requests",
                f"requests: {m.municipality_id} {m.name} has min {int(bounds.lower[i])} above its "
                f"{source[i] or 'upper bound'} {int(bounds.upper[i])}",
                int(bounds.lower[i]),
                int(bounds.upper[i]),
            )
        )
    return tuple(out)


def _allocate_rules(
    problem: Problem,
    common: dict[str, Any],
    method: Method,
    key: Key,
    mkey: Key,
    bounds: Bounds,
    source: list[str],
    plan: Any,
    solver: str | None,
    time_limit: float | None,
    started: float,
) -> Allocation:
    """The integer program with the process rules (granularity, minimums, hosts, counties)."""
    from busetting._solvers.milp import KeySpec, solve_rules_milp

    words = ", ".join(problem.rules.describe())
    if solver == "threshold":
        return _unsolved(
            common,
            Status.ERROR,
            f"The threshold path cannot honour the rules ({words}); use solver=None or "
            "solver='cbc'.",
            "threshold",
            "solver='threshold' was requested",
            (),
            started,
        )
    backend = solver or "cbc"
    check_program_limits(problem, backend)
    reason = (
        f"the rules ({words}) need the integer program"
        if solver is None
        else f"solver={solver!r} was requested"
    )
    lo, hi = bounds.lower, bounds.upper
    mlo = bounds.minors_lower
    mhi = bounds.effective_minors_upper()
    spec = plan.spec
    fast = _rules_fast_path(problem, method, key, mkey, plan) if solver is None else None
    certs: tuple[Any, ...] = ()
    if isinstance(fast, str):
        reason = f"{reason} ({fast})"
    if fast is not None and not isinstance(fast, str):
        outcome, certs = fast
        backend, reason = "lagrange", f"the rules ({words}) take the exact rules path"
    else:
        start_x = _grouped_start(method, key, lo, hi, problem.total, spec)
        start_m = solve_separable(
            method, mkey.targets, mlo, mhi, problem.minors, mkey.exact_targets
        ).x
        outcome = solve_rules_milp(
            KeySpec(method, key.targets, spec.x_sets.lower, spec.x_sets.upper, problem.total),
            KeySpec(method, mkey.targets, spec.m_sets.lower, spec.m_sets.upper, problem.minors),
            mkey.rows,
            spec,
            backend=backend,
            time_limit=time_limit,
            start_x=start_x,
            start_m=start_m,
            started=started,
        )
    if outcome.status is Status.INFEASIBLE:
        from busetting._constrained import elastic_diagnosis

        left = None if time_limit is None else time_limit - (time.perf_counter() - started)
        diagnosis = elastic_diagnosis(
            problem, plan, mkey.rows, backend, None if left is None else max(0.05, left)
        )
        text = "; ".join(d.message for d in diagnosis)
        return _unsolved(
            common,
            Status.INFEASIBLE,
            f"Infeasible: {outcome.message}; relax: {text}.",
            backend,
            reason,
            diagnosis,
            started,
            version=outcome.solver_version,
        )
    if outcome.x is None or outcome.m is None:
        return _unsolved(
            common,
            outcome.status,
            outcome.message,
            backend,
            reason,
            (),
            started,
            version=outcome.solver_version,
        )
    x = outcome.x
    m_full = _minors_full(len(x), mkey.rows, outcome.m)
    _verify(problem, bounds, x, m_full, backend, method, plan)
    from busetting._solvers.milp import penalty_value

    idx = pd.Index(problem.ids, name="municipality_id")
    req_obj = objective(method, x, key.targets)
    min_obj = objective(method, outcome.m, mkey.targets)
    labels = []
    k = problem.rules.min_request
    for i, t in enumerate(key.targets.tolist()):
        xi = int(x[i])
        if source[i] == "fixed":
            labels.append("fixed")
        elif bounds.zero_held[i]:
            labels.append("zero target")
        elif xi >= hi[i] and t > xi:
            labels.append(source[i] or "max")
        elif xi <= lo[i] and xi > 0 and t < xi:
            labels.append("min")
        elif k and xi == 0 and t > 0:
            labels.append("minimum request (0)")
        elif k and xi == k and t < xi:
            labels.append("minimum request")
        elif xi < m_full[i] + 1 and m_full[i] > 0 and t < xi:
            labels.append("minors")
        else:
            labels.append("")
    return Allocation(
        status=outcome.status,
        message=outcome.message,
        requests=pd.Series(x, index=idx, name="request", dtype=np.int64),
        minors=pd.Series(m_full, index=idx, name="minors", dtype=np.int64),
        binding=pd.Series(labels, index=idx, name="binding", dtype=object),
        objective=req_obj + min_obj + penalty_value(x, spec),
        requests_objective=req_obj,
        minors_objective=min_obj,
        solver=backend,
        solver_version=outcome.solver_version,
        solver_reason=reason,
        certificate=certs,
        ties=(),
        diagnosis=(),
        runtime=time.perf_counter() - started,
        **common,
    )


def _rules_fast_path(
    problem: Problem, method: Method, key: Key, mkey: Key, plan: Any
) -> tuple[Any, tuple[Any, ...]] | str:
    """The exact rules path (:mod:`busetting._solvers.lagrange`) as a rules-program outcome
    and its certificate, or the reason it does not apply."""
    from busetting._solvers import lagrange
    from busetting._solvers.milp import RulesOutcome

    why = lagrange.supports(plan.spec)
    if why is not None:
        return why
    sol = lagrange.solve_plan(problem, method, key, mkey, plan)
    if sol is None:
        return "the exact rules path's search exceeded its budget"
    cert = sol.certificate
    message = (
        f"optimal (rules path: Lagrangian bound {cert.bound:.6g} closed by a search over "
        f"{cert.core} municipalities with more than one candidate value)"
    )
    version = f"busetting {__version__}"
    return RulesOutcome(
        Status.OPTIMAL, sol.x, sol.m, message, version, 1, sol.objective, cert.bound
    ), (cert,)


def _grouped_start(
    method: Method, key: Key, lo: IntArray, hi: IntArray, total: int, spec: Any
) -> IntArray:
    """A start near the optimum: the threshold solution of each hard county total (and of
    the rest), or of the whole country when there are none."""
    if spec.county_penalty is not None or not spec.county_totals:
        return solve_separable(method, key.targets, lo, hi, total, key.exact_targets).x
    x = np.zeros(len(lo), dtype=np.int64)
    groups = dict(spec.county_totals)
    groups[-1] = total - sum(groups.values())
    for gid, target in groups.items():
        rows = np.flatnonzero(spec.county == gid)
        if not len(rows):
            continue
        sub_hi = effective_hi = hi[rows]
        room = int(np.minimum(effective_hi, target).sum())
        if not int(lo[rows].sum()) <= target <= room:  # diagnosed elsewhere; any start will do
            x[rows] = np.clip(np.round(key.targets[rows]), lo[rows], sub_hi).astype(np.int64)
            continue

        def exact(rs: list[int], rows: IntArray = rows) -> list[Any]:
            return key.exact_targets([int(rows[r]) for r in rs])

        x[rows] = solve_separable(method, key.targets[rows], lo[rows], sub_hi, target, exact).x
    return x


def _minors_full(n: int, rows: IntArray, m: IntArray) -> IntArray:
    full = np.zeros(n, dtype=np.int64)
    full[rows] = m
    return full


def _full(problem: Problem, rows: IntArray, values: NDArray[Any], dtype: type) -> pd.Series:
    out: NDArray[Any] = np.zeros(len(problem.municipalities), dtype=dtype)
    out[rows] = values
    return pd.Series(out, index=pd.Index(problem.ids, name="municipality_id"))


def _full_frame(problem: Problem, mkey: Key) -> pd.DataFrame:
    cols = [c.name for c in mkey.criteria]
    data = np.zeros((len(problem.municipalities), len(cols)))
    data[mkey.rows] = mkey.contributions
    return pd.DataFrame(data, index=pd.Index(problem.ids, name="municipality_id"), columns=cols)


def _unsolved(
    common: dict[str, Any],
    status: Status,
    message: str,
    solver: str,
    reason: str,
    diagnosis: tuple[Shortfall, ...],
    started: float,
    version: str | None = None,
) -> Allocation:
    ids = common["problem"].ids
    return Allocation(
        status=status,
        message=message,
        requests=None,
        minors=None,
        binding=pd.Series(
            [""] * len(ids),
            index=pd.Index(ids, name="municipality_id"),
            name="binding",
            dtype=object,
        ),
        objective=None,
        requests_objective=None,
        minors_objective=None,
        solver=solver,
        solver_version=version or (solver_version(solver) if solver in SOLVERS else ""),
        solver_reason=reason,
        certificate=(),
        ties=(),
        diagnosis=diagnosis,
        runtime=time.perf_counter() - started,
        **common,
    )


def _verify(
    problem: Problem,
    bounds: Bounds,
    x: IntArray,
    m: IntArray,
    solver: str,
    method: Method,
    plan: Any = None,
) -> None:
    """Post-solve check by the one feasibility checker; a violation is a SolverError."""
    raise_for_violations(violations(problem, x, m, method=method, bounds=bounds, plan=plan), solver)


def _bound_text(v: int) -> str:
    return "unbounded" if v >= UNBOUNDED else str(v)


def _binding(
    method: Method,
    key: Key,
    bounds: Bounds,
    lower: IntArray,
    source: list[str],
    sol: SeparableSolution,
) -> list[str]:
    x, t = sol.x, key.targets
    upper = bounds.upper
    labels = ["fixed" if s == "fixed" else "" for s in source]
    nxt = unit_cost(method, x, t)
    last = unit_cost(method, np.maximum(x - 1, 0), t)
    for i in range(len(x)):
        if labels[i]:
            continue
        if bounds.zero_held[i]:
            labels[i] = "zero target"
        elif x[i] >= upper[i] and nxt[i] < sol.lambda_low:
            labels[i] = source[i] or "max"
        elif x[i] <= lower[i] and x[i] > 0 and last[i] > sol.lambda_high:
            labels[i] = "minors" if lower[i] > bounds.lower[i] else "min"
    return labels


def _finish(
    problem: Problem,
    common: dict[str, Any],
    method: Method,
    solver: str,
    reason: str,
    bounds: Bounds,
    source: list[str],
    key: Key,
    mkey: Key,
    xs: SeparableSolution,
    ms: SeparableSolution,
    status: Status,
    message: str,
    *,
    certified: bool,
    started: float,
    version: str | None = None,
    lower_for_binding: IntArray | None = None,
) -> Allocation:
    x = xs.x
    m = _minors_full(len(x), mkey.rows, ms.x)
    _verify(problem, bounds, x, m, solver, method)
    idx = pd.Index(problem.ids, name="municipality_id")
    req_obj = objective(method, x, key.targets)
    min_obj = objective(method, ms.x, mkey.targets)
    rule = tie_rule(method)
    ties = []
    for name, k, sol in (("requests", key, xs), ("minors", mkey, ms)):
        if sol.tie_cost is not None:
            ties.append(
                Tie(
                    name,
                    sol.tie_cost,
                    tuple(k.ids[r] for r in sol.tie_winners),
                    tuple(k.ids[r] for r in sol.tie_losers),
                    rule,
                )
            )
    certs: tuple[Certificate, ...] = ()
    if certified:
        certs = tuple(
            Certificate(
                name,
                method.value,
                sol.lambda_low,
                sol.lambda_high,
                None if sol.low_row is None else k.ids[sol.low_row],
                None if sol.high_row is None else k.ids[sol.high_row],
                sol.exact,
            )
            for name, k, sol in (("requests", key, xs), ("minors", mkey, ms))
            if name == "requests" or problem.minors > 0
        )
    lower = bounds.lower if lower_for_binding is None else lower_for_binding
    binding = _binding(method, key, bounds, lower, source, xs)
    return Allocation(
        status=status,
        message=message,
        requests=pd.Series(x, index=idx, name="request", dtype=np.int64),
        minors=pd.Series(m, index=idx, name="minors", dtype=np.int64),
        binding=pd.Series(binding, index=idx, name="binding", dtype=object),
        objective=req_obj + min_obj,
        requests_objective=req_obj,
        minors_objective=min_obj,
        solver=solver,
        solver_version=version or solver_version(solver),
        solver_reason=reason,
        certificate=certs,
        ties=tuple(ties),
        diagnosis=(),
        runtime=time.perf_counter() - started,
        **common,
    )
