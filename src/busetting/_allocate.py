"""``allocate``: from a problem to verified integer requests.

One run of :func:`allocate` is a pipeline, and the function's body reads as its table of
contents:

1. :func:`_prepare` builds one frozen :class:`Run` from the arguments (keys, effective bounds,
   the feasibility diagnosis, the rule plan);
2. :func:`choose_route` picks the :class:`Route` and says why (``solver_reason``);
3. one function per route solves and returns an :class:`Outcome`;
4. :func:`_verify` checks every solved answer with the one feasibility checker;
5. :func:`_allocation` is the one place an :class:`~busetting._result.Allocation` is built.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ParamSpec

import numpy as np
from numpy.typing import NDArray

from busetting import _constrained  # its functions by module: tests replace them there
from busetting._constrained import RulePlan
from busetting._criteria import Key, build_key
from busetting._diagnose import Bounds, count_noun
from busetting._edge import check_types
from busetting._exceptions import InputError, SolverError
from busetting._feasibility import effective_bounds, raise_for_violations, violations
from busetting._limits import (
    MAX_PROGRAM_PERSONS,
    check_limits,
    check_program_limits,
    check_rules_path_limits,
)
from busetting._methods import (
    DIVISOR_METHODS,
    Method,
    objective,
    parameter_error,
    parse_method,
    tie_rule,
    unit_cost,
)
from busetting._model import Problem, fingerprint
from busetting._result import Allocation, Later, Matrix
from busetting._rules import (
    CEILING_LABEL,
    FLOOR_LABEL,
    HELD_LABEL,
    diagnose_given,
    needs_program,
    request_floor,
)
from busetting._solvers import SOLVERS, solver_version
from busetting._solvers.lagrange import solve_plan, supports
from busetting._solvers.milp import (
    Budget,
    KeySpec,
    Start,
    penalty_value,
    solve_milp,
    solve_rules_milp,
)
from busetting._solvers.threshold import SeparableSolution, nothing_to_place, solve_separable
from busetting._status import (
    OBJECTIVE_TOLERANCE,
    Certificate,
    OutOfTime,
    RulesCertificate,
    Shortfall,
    Status,
    Tie,
)
from busetting._version import __version__

__all__ = [
    "Outcome",
    "Route",
    "Run",
    "allocate",
    "choose_route",
    "diagnose",
    "fingerprint",
    "verify_solution",
]

IntArray = NDArray[np.int64]


# -- the run: everything the arguments determine, built once -------------------------------


@dataclass(frozen=True)
class Run:
    """One call of :func:`allocate`: the problem, the parsed method, both keys, the effective
    bounds and the source of each upper bound, the feasibility diagnosis (empty when an
    allocation exists), the rule plan (process rules only), the solver asked for, the time
    limit and the start time."""

    problem: Problem
    method: Method
    key: Key
    mkey: Key
    bounds: Bounds
    source: Sequence[str]
    diagnosis: tuple[Shortfall, ...]
    plan: RulePlan | None
    solver: str | None
    time_limit: float | None
    started: float

    @property
    def rules(self) -> RulePlan:
        """The rule plan of a problem with process rules (the rules routes only)."""
        if self.plan is None:  # pragma: no cover - choose_route sends only rules problems
            raise AssertionError("a rules route was taken by a problem without process rules")
        return self.plan

    def full_minors(self, m: IntArray) -> IntArray:
        """The minors of the eligible rows, as one value per municipality (0 elsewhere)."""
        full = np.zeros(len(self.key.targets), dtype=np.int64)
        full[self.mkey.rows] = m
        return full


def _check_args(problem: Any, solver: Any, time_limit: Any) -> None:
    if not isinstance(problem, Problem):
        raise parameter_error(
            "problem", "allocate", "a busetting.Problem", problem, shown=type(problem).__name__
        )
    if solver is not None and solver not in SOLVERS:
        names = ", ".join(repr(s) for s in SOLVERS)
        raise parameter_error("solver", "allocate", f"None or one of {names}", solver)
    if time_limit is not None and (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int | float)
        or not math.isfinite(time_limit)
        or time_limit <= 0
    ):
        raise parameter_error(
            "time_limit", "allocate", "None or a positive number of seconds", time_limit
        )


def _diagnosis(
    problem: Problem, method: Method, key: Key, mkey: Key, bounds: Bounds, source: Sequence[str]
) -> tuple[tuple[Shortfall, ...], RulePlan | None]:
    """Every failing constraint group (bounds first, then the process rules) and the rule
    plan (``None`` without process rules or when the bounds already fail)."""
    found = diagnose_given(problem, bounds, method, source)
    if found or not needs_program(problem.rules):
        return found, None
    plan = _constrained.plan_rules(problem, key, mkey, bounds)
    return _constrained.diagnose_rules(problem, plan, bounds), plan


def _prepare(
    problem: Problem,
    method: Method | str,
    solver: str | None,
    time_limit: float | None,
    started: float,
) -> Run:
    m_ = parse_method(method, caller="allocate")
    key = build_key(problem, "requests")
    mkey = build_key(problem, "minors")
    bounds, source = effective_bounds(problem, m_, key, mkey)
    diagnosis, plan = _diagnosis(problem, m_, key, mkey, bounds, source)
    return Run(
        problem,
        m_,
        key,
        mkey,
        bounds,
        source,
        diagnosis,
        plan,
        solver,
        time_limit,
        started,
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
    check_types(diagnose, locals())
    if not isinstance(problem, Problem):
        raise InputError(
            "The `problem` parameter of `diagnose` must be a busetting.Problem. "
            f"Got {type(problem).__name__} instead."
        )
    check_limits(problem, "diagnose")
    m_ = parse_method(method, caller="diagnose")
    key = build_key(problem, "requests")
    mkey = build_key(problem, "minors")
    bounds, source = effective_bounds(problem, m_, key, mkey)
    return _diagnosis(problem, m_, key, mkey, bounds, source)[0]


# -- the route and its reason --------------------------------------------------------------


class Route(StrEnum):
    """Where a run goes; :func:`choose_route` decides."""

    DIAGNOSED = "diagnosed"  # infeasible before any solve: no solver runs
    THRESHOLD = "threshold"  # bounds only: both keys separable, the threshold path
    PROGRAM = "program"  # bounds only: the coupled integer program
    REFUSED = "refused"  # solver='threshold' asked for a problem with process rules
    RULES_PATH = "rules path"  # process rules: the exact rules path (lagrange)
    RULES_PROGRAM = "rules program"  # process rules: the integer program


_FITS = (
    "bounds only, and the minors of the independent threshold solutions fit inside the "
    "requests, so together they are optimal"
)


def _rules_words(problem: Problem) -> str:
    return ", ".join(problem.rules.describe())


def choose_route(run: Run) -> tuple[Route, str]:
    """The route of ``run`` and the reason for it (the allocation's ``solver_reason``).

    A route may still hand over to another when its solve shows it must (the threshold path
    when the minors do not fit inside the requests, the rules path over its search budget);
    the outcome then carries the new reason.
    """
    requested = f"solver={run.solver!r} was requested"
    if run.diagnosis:
        return Route.DIAGNOSED, "the feasibility diagnosis failed before any solve"
    if run.plan is None:
        if run.solver is None:
            return Route.THRESHOLD, _FITS
        return (Route.THRESHOLD if run.solver == "threshold" else Route.PROGRAM), requested
    if run.solver is not None:
        return (Route.REFUSED if run.solver == "threshold" else Route.RULES_PROGRAM), requested
    words = _rules_words(run.problem)
    why = supports(run.plan.spec)
    if why is None:
        return Route.RULES_PATH, f"the rules ({words}) take the exact rules path"
    return Route.RULES_PROGRAM, f"the rules ({words}) need the integer program ({why})"


# -- the outcome of a route ----------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a route found: the status and message, the solver that answered and why it was
    chosen, and (when there is an answer) the requests and minors per municipality with
    their labels, objective values, certificates and ties; or the diagnosis."""

    status: Status
    message: str
    solver: str
    reason: str
    version: str | None = None  # None: the registry's version of ``solver``
    x: IntArray | None = None
    m: IntArray | None = None
    binding: Later[Sequence[str]] | None = None  # the labels, computed when first read
    requests_objective: float | Later[float] | None = None
    minors_objective: float | Later[float] | None = None
    penalty: float = 0.0
    certificate: tuple[Certificate | RulesCertificate, ...] = ()
    ties: tuple[Tie, ...] = ()
    diagnosis: tuple[Shortfall, ...] = ()

    @property
    def objective(self) -> float | Later[float] | None:
        """The requests' and the minors' objective plus the penalty (when first read)."""
        if self.requests_objective is None or self.minors_objective is None:
            return None
        return Later(_sum, self.requests_objective, self.minors_objective, self.penalty)


def _sum(*values: float) -> float:
    return sum(values)


_log = logging.getLogger("busetting")
_P = ParamSpec("_P")


def _logged(solve: Callable[_P, Allocation]) -> Callable[_P, Allocation]:
    """Log every allocation's outcome and route on the ``busetting`` logger (INFO)."""

    @functools.wraps(solve)
    def run(*args: _P.args, **options: _P.kwargs) -> Allocation:
        alloc = solve(*args, **options)
        if not _log.isEnabledFor(logging.INFO):
            return alloc
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
    check_types(allocate, locals())
    started = time.perf_counter()
    _check_args(problem, solver, time_limit)
    check_limits(problem, "allocate")
    run = _prepare(problem, method, solver, time_limit, started)
    route, reason = choose_route(run)
    outcome = _ROUTES[route](run, reason)
    _verify(run, outcome)
    return _allocation(run, outcome)


# -- the routes ----------------------------------------------------------------------------


def _diagnosed(run: Run, reason: str) -> Outcome:
    message = "Infeasible: " + "; ".join(d.message for d in run.diagnosis) + "."
    return Outcome(
        Status.INFEASIBLE, message, run.solver or "none", reason, diagnosis=run.diagnosis
    )


def _threshold(run: Run, reason: str) -> Outcome:
    """Both keys by the threshold path; certified when the minors fit inside the requests.
    Otherwise the coupled problem goes to the integer program (or, when the threshold path
    was asked for, it is an error)."""
    p, m_, key, mkey, bounds = run.problem, run.method, run.key, run.mkey, run.bounds
    xs = solve_separable(m_, key.targets, bounds.lower, bounds.upper, p.total, key.exact_targets)
    if p.minors_total == 0 and m_ in DIVISOR_METHODS:  # every minors target is 0
        ms, over = nothing_to_place(len(mkey.rows)), np.zeros(0, dtype=np.int64)
    else:
        ms = solve_separable(
            m_,
            mkey.targets,
            bounds.minors_lower,
            bounds.effective_minors_upper(),
            p.minors_total,
            mkey.exact_targets,
        )
        over = np.flatnonzero(ms.x > xs.x[mkey.rows])
    if len(over) == 0:
        verdict = Verdict(
            Status.OPTIMAL, "optimal (threshold path, certified)", "threshold", reason
        )
        return _separable_outcome(run, xs, ms, verdict)
    where = count_noun(len(over), "municipality")
    if run.solver is None:
        return _program(
            run,
            f"the minors of the independent threshold solutions exceed the requests of {where}, "
            "so the coupled problem goes to the integer program",
            backend="cbc",
        )
    row = int(mkey.rows[over[0]])
    example = f"{key.ids[row]}: {int(ms.x[int(over[0])])} minors, {int(xs.x[row])} requests"
    message = (
        "The threshold path cannot solve this problem: its minors solution exceeds the "
        f"requests of {where} (e.g. {example}); use solver=None or solver='cbc'."
    )
    return Outcome(Status.ERROR, message, "threshold", reason)


def _program(run: Run, reason: str, backend: str | None = None) -> Outcome:
    """The coupled integer program (bounds only), polished to the canonical optimum."""
    backend = backend or run.solver or "cbc"
    p, m_, key, mkey, bounds = run.problem, run.method, run.key, run.mkey, run.bounds
    check_program_limits(p, backend)
    mhi = bounds.effective_minors_upper()
    ms = solve_separable(
        m_, mkey.targets, bounds.minors_lower, mhi, p.minors_total, mkey.exact_targets
    )
    # a feasible start: the minors key's own optimum, and the requests' optimum above it
    start_lo = np.maximum(bounds.lower, run.full_minors(ms.x))
    start_x = start_lo
    if int(start_lo.sum()) <= p.total:
        start_x = solve_separable(
            m_, key.targets, start_lo, bounds.upper, p.total, key.exact_targets
        ).x
    found = solve_milp(
        KeySpec(m_, key.targets, bounds.lower, bounds.effective_upper(), p.total),
        KeySpec(m_, mkey.targets, bounds.minors_lower, mhi, p.minors_total),
        mkey.rows,
        budget=Budget(backend, run.time_limit, run.started),
        start=Start(start_x, ms.x),
    )
    if found.x is None or found.m is None:
        return Outcome(found.status, found.message, backend, reason, found.solver_version)
    verify_solution(p, bounds, found.x, run.full_minors(found.m), backend, m_)
    xs, ms = _polish(run, backend, found.status, found.x, found.m)
    lower = np.maximum(bounds.lower, run.full_minors(found.m))
    verdict = Verdict(found.status, found.message, backend, reason, found.solver_version)
    return _separable_outcome(run, xs, ms, verdict, lower)


def _polish(
    run: Run, backend: str, status: Status, x: IntArray, m: IntArray
) -> tuple[SeparableSolution, SeparableSolution]:
    """Canonical form among equal optima: the requests' tie rule given the minors, then the
    minors' tie rule given the requests. Each step is optimal given the other, so the
    objective cannot rise; a fall would mean the solver's answer was not optimal."""
    p, m_, key, mkey, bounds = run.problem, run.method, run.key, run.mkey, run.bounds
    raw = objective(m_, x, key.targets) + objective(m_, m, mkey.targets)
    low = np.maximum(bounds.lower, run.full_minors(m))
    xs = solve_separable(m_, key.targets, low, bounds.upper, p.total, key.exact_targets)
    mhi = np.minimum(bounds.effective_minors_upper(), xs.x[mkey.rows])
    ms = solve_separable(
        m_, mkey.targets, bounds.minors_lower, mhi, p.minors_total, mkey.exact_targets
    )
    polished = objective(m_, xs.x, key.targets) + objective(m_, ms.x, mkey.targets)
    scale = max(1.0, abs(raw))
    if polished > raw + OBJECTIVE_TOLERANCE * scale:
        raise SolverError(  # pragma: no cover - would be a bug in the threshold path
            f"re-solving the {backend} solution raised the objective from {raw!r} to {polished!r}"
        )
    if status is Status.OPTIMAL and polished < raw - OBJECTIVE_TOLERANCE * scale:
        raise SolverError(
            f"{backend} reported an optimal solution with objective {raw!r}, but a better one "
            f"with objective {polished!r} exists; the solver's answer is not optimal"
        )
    return xs, ms


def _refused(run: Run, reason: str) -> Outcome:
    message = (
        f"The threshold path cannot honour the rules ({_rules_words(run.problem)}); use "
        "solver=None or solver='cbc'."
    )
    return Outcome(Status.ERROR, message, "threshold", reason)


def _rules_path(run: Run, reason: str) -> Outcome:
    """The exact rules path (:mod:`busetting._solvers.lagrange`) and its certificate; the
    integer program when its search exceeds its budget (and the need is within its limit)."""
    check_rules_path_limits(run.problem)
    deadline = None if run.time_limit is None else run.started + run.time_limit
    try:
        sol = solve_plan(run.problem, run.method, run.key, run.mkey, run.rules, deadline=deadline)
    except OutOfTime:  # the time limit holds on this route too: no answer, never optimal
        message = (
            f"time limit of {run.time_limit:g} s reached during the rules path's search; no "
            "answer was found (raise time_limit)"
        )
        return Outcome(Status.TIME_LIMIT, message, "lagrange", reason, f"busetting {__version__}")
    if sol is None:
        words = _rules_words(run.problem)
        if run.problem.total > MAX_PROGRAM_PERSONS:
            message = (
                f"The exact rules path's search exceeded its budget, and the integer program "
                f"is not exact for a need above {MAX_PROGRAM_PERSONS:,} persons; no allocation."
            )
            return Outcome(Status.ERROR, message, "lagrange", reason)
        return _rules_program(
            run,
            f"the rules ({words}) need the integer program "
            "(the exact rules path's search exceeded its budget)",
        )
    cert = sol.certificate
    message = (
        f"optimal (rules path: Lagrangian bound {cert.bound:.6g} closed by a search over "
        f"{cert.core} municipalities with more than one candidate value)"
    )
    version = f"busetting {__version__}"
    verdict = Verdict(Status.OPTIMAL, message, "lagrange", reason, version)
    return _rules_outcome(run, verdict, sol.x, sol.m, (cert,))


def _rules_program(run: Run, reason: str) -> Outcome:
    """The integer program with the process rules (granularity, minimums, hosts, counties);
    an infeasible program is explained by the elastic program."""
    backend = run.solver or "cbc"
    p, m_, key, mkey, spec = run.problem, run.method, run.key, run.mkey, run.rules.spec
    check_program_limits(p, backend)
    bounds = run.bounds
    mhi = bounds.effective_minors_upper()
    found = solve_rules_milp(
        KeySpec(m_, key.targets, spec.x_sets.lower, spec.x_sets.upper, p.total),
        KeySpec(m_, mkey.targets, spec.m_sets.lower, spec.m_sets.upper, p.minors_total),
        mkey.rows,
        spec,
        budget=Budget(backend, run.time_limit, run.started),
        start=Start(
            _grouped_start(run),
            solve_separable(
                m_, mkey.targets, bounds.minors_lower, mhi, p.minors_total, mkey.exact_targets
            ).x,
        ),
    )
    if found.status is Status.INFEASIBLE:
        return _elastic(run, backend, reason, found.message, found.solver_version)
    if found.x is None or found.m is None:
        return Outcome(found.status, found.message, backend, reason, found.solver_version)
    verdict = Verdict(found.status, found.message, backend, reason, found.solver_version)
    return _rules_outcome(run, verdict, found.x, found.m)


def _elastic(run: Run, backend: str, reason: str, message: str, version: str) -> Outcome:
    """An infeasible rules program, with the smallest relaxation that would make it feasible
    (solved within what is left of the time limit)."""
    left = None
    if run.time_limit is not None:
        left = max(0.05, run.time_limit - (time.perf_counter() - run.started))
    diagnosis = _constrained.elastic_diagnosis(run.problem, run.rules, run.mkey.rows, backend, left)
    text = "; ".join(d.message for d in diagnosis)
    return Outcome(
        Status.INFEASIBLE,
        f"Infeasible: {message}; relax: {text}.",
        backend,
        reason,
        version,
        diagnosis=diagnosis,
    )


_ROUTES: dict[Route, Callable[[Run, str], Outcome]] = {
    Route.DIAGNOSED: _diagnosed,
    Route.THRESHOLD: _threshold,
    Route.PROGRAM: _program,
    Route.REFUSED: _refused,
    Route.RULES_PATH: _rules_path,
    Route.RULES_PROGRAM: _rules_program,
}


# -- outcomes: objective values, labels, certificates, ties --------------------------------


@dataclass(frozen=True)
class Verdict:
    """What a route says of its answer, before the answer itself: the status and message,
    the solver that answered, why it was chosen, and its version (``None``: the registry's)."""

    status: Status
    message: str
    solver: str
    reason: str
    version: str | None = None


def _separable_outcome(
    run: Run,
    xs: SeparableSolution,
    ms: SeparableSolution,
    verdict: Verdict,
    lower: IntArray | None = None,
) -> Outcome:
    """The outcome of an answer given as two threshold solutions (requests and minors); a
    certificate for each key when the threshold path itself answered. ``lower`` is the
    requests' floor the labels are read against (the bounds, or the minors under them)."""
    key, mkey = run.key, run.mkey
    certified = verdict.solver == "threshold"
    return Outcome(
        verdict.status,
        verdict.message,
        verdict.solver,
        verdict.reason,
        verdict.version,
        x=xs.x,
        m=run.full_minors(ms.x),
        binding=Later(_binding, run, run.bounds.lower if lower is None else lower, xs),
        requests_objective=Later(objective, run.method, xs.x, key.targets),
        minors_objective=Later(objective, run.method, ms.x, mkey.targets),
        certificate=_certificates(run, xs, ms) if certified else (),
        ties=_ties(run, xs, ms),
    )


def _keyed(
    run: Run, xs: SeparableSolution, ms: SeparableSolution
) -> tuple[tuple[str, Key, SeparableSolution], ...]:
    return (("requests", run.key, xs), ("minors", run.mkey, ms))


def _ties(run: Run, xs: SeparableSolution, ms: SeparableSolution) -> tuple[Tie, ...]:
    rule = tie_rule(run.method)
    return tuple(
        Tie(
            name,
            sol.tie_cost,
            tuple(k.ids[r] for r in sol.tie_winners),
            tuple(k.ids[r] for r in sol.tie_losers),
            rule,
        )
        for name, k, sol in _keyed(run, xs, ms)
        if sol.tie_cost is not None
    )


def _certificates(
    run: Run, xs: SeparableSolution, ms: SeparableSolution
) -> tuple[Certificate, ...]:
    return tuple(
        Certificate(
            name,
            run.method.value,
            sol.lambda_low,
            sol.lambda_high,
            None if sol.low_row is None else k.ids[sol.low_row],
            None if sol.high_row is None else k.ids[sol.high_row],
            sol.exact,
        )
        for name, k, sol in _keyed(run, xs, ms)
        if name == "requests" or run.problem.minors_total > 0
    )


def _binding(run: Run, lower: IntArray, sol: SeparableSolution) -> list[str]:
    """Which bound holds each request of a threshold solution where it is."""
    x, t, bounds, source = sol.x, run.key.targets, run.bounds, run.source
    labels = [HELD_LABEL if s == HELD_LABEL else "" for s in source]
    nxt = unit_cost(run.method, x, t)
    last = unit_cost(run.method, np.maximum(x - 1, 0), t)
    for i in range(len(x)):
        if labels[i]:
            continue
        if bounds.zero_held[i]:
            labels[i] = "zero target"
        elif x[i] >= bounds.upper[i] and nxt[i] < sol.lambda_low:
            labels[i] = source[i] or CEILING_LABEL
        elif x[i] <= lower[i] and x[i] > 0 and last[i] > sol.lambda_high:
            labels[i] = "minors" if lower[i] > bounds.lower[i] else FLOOR_LABEL
    return labels


def _rules_outcome(
    run: Run,
    verdict: Verdict,
    x: IntArray,
    m: IntArray,
    certificate: tuple[RulesCertificate, ...] = (),
) -> Outcome:
    """The outcome of a rules answer (``m`` on the eligible rows); its objective includes
    the penalty of penalised county totals."""
    m_full = run.full_minors(m)
    return Outcome(
        verdict.status,
        verdict.message,
        verdict.solver,
        verdict.reason,
        verdict.version,
        x=x,
        m=m_full,
        binding=Later(_rules_binding, run, x, m_full),
        requests_objective=objective(run.method, x, run.key.targets),
        minors_objective=objective(run.method, m, run.mkey.targets),
        penalty=penalty_value(x, run.rules.spec),
        certificate=certificate,
    )


def _rules_binding(run: Run, x: IntArray, m: IntArray) -> list[str]:
    """Which bound or rule holds each request of a rules answer where it is."""
    bounds, source, k = run.bounds, run.source, request_floor(run.problem.rules)
    lo, hi = bounds.lower, bounds.upper
    labels = []
    for i, t in enumerate(run.key.targets.tolist()):
        xi = int(x[i])
        if source[i] == HELD_LABEL:
            labels.append(HELD_LABEL)
        elif bounds.zero_held[i]:
            labels.append("zero target")
        elif xi >= hi[i] and t > xi:
            labels.append(source[i] or CEILING_LABEL)
        elif xi <= lo[i] and xi > 0 and t < xi:
            labels.append(FLOOR_LABEL)
        elif k and xi == 0 and t > 0:
            labels.append("minimum request (0)")
        elif k and xi == k and t < xi:
            labels.append("minimum request")
        elif xi < m[i] + 1 and m[i] > 0 and t < xi:
            labels.append("minors")
        else:
            labels.append("")
    return labels


def _grouped_start(run: Run) -> IntArray:
    """A start near the optimum for the rules program: the threshold solution of each hard
    county total (and of the rest), or of the whole country when there are none."""
    m_, key, spec, total = run.method, run.key, run.rules.spec, run.problem.total
    lo, hi = run.bounds.lower, run.bounds.upper
    if spec.group_penalty is not None or not spec.group_totals:
        return solve_separable(m_, key.targets, lo, hi, total, key.exact_targets).x
    x = np.zeros(len(lo), dtype=np.int64)
    groups = dict(spec.group_totals)
    groups[-1] = total - sum(groups.values())
    for gid, target in groups.items():
        rows = np.flatnonzero(spec.group == gid)
        if not len(rows):
            continue
        room = int(np.minimum(hi[rows], target).sum())
        if not int(lo[rows].sum()) <= target <= room:  # diagnosed elsewhere; any start will do
            x[rows] = np.clip(np.round(key.targets[rows]), lo[rows], hi[rows]).astype(np.int64)
            continue

        def exact(rs: list[int], rows: IntArray = rows) -> list[Any]:
            return key.exact_targets([int(rows[r]) for r in rs])

        x[rows] = solve_separable(m_, key.targets[rows], lo[rows], hi[rows], target, exact).x
    return x


# -- verification and the one Allocation ---------------------------------------------------


def verify_solution(
    problem: Problem,
    bounds: Bounds,
    x: IntArray,
    m: IntArray,
    solver: str,
    method: Method,
    plan: RulePlan | None = None,
) -> None:
    """Post-solve check by the one feasibility checker; a violation is a SolverError."""
    raise_for_violations(violations(problem, x, m, method=method, bounds=bounds, plan=plan), solver)


def _verify(run: Run, outcome: Outcome) -> None:
    """Every answer a route returns (an incumbent of a time-limited solve too) is checked."""
    if outcome.x is not None and outcome.m is not None:
        verify_solution(
            run.problem, run.bounds, outcome.x, outcome.m, outcome.solver, run.method, run.plan
        )


def _allocation(run: Run, outcome: Outcome) -> Allocation:
    """The one place an :class:`Allocation` is built (its pandas columns are built from
    these arrays on first read)."""
    p, key, mkey = run.problem, run.key, run.mkey
    n = len(key.targets)
    version = outcome.version or (
        solver_version(outcome.solver) if outcome.solver in SOLVERS else ""
    )
    return Allocation(
        status=outcome.status,
        message=outcome.message,
        requests=outcome.x,
        minors=outcome.m,
        targets=key.targets,
        minors_targets=Later(_on_all_rows, mkey.rows, mkey.targets, n),
        contributions=Later(_contributions, key, n),
        minors_contributions=Later(_contributions, mkey, n),
        binding=("",) * n if outcome.binding is None else outcome.binding,
        objective=outcome.objective,
        requests_objective=outcome.requests_objective,
        minors_objective=outcome.minors_objective,
        method=run.method.value,
        solver=outcome.solver,
        solver_version=version,
        solver_reason=outcome.reason,
        certificate=outcome.certificate,
        ties=outcome.ties,
        diagnosis=outcome.diagnosis,
        fingerprint=Later(fingerprint, p, run.method),
        version=__version__,
        runtime=time.perf_counter() - run.started,
        problem=p,
    )


def _contributions(key: Key, n: int) -> Matrix:
    """Each criterion's part of the target of ``key``, over all ``n`` rows (0 off the key)."""
    values = (
        key.contributions if len(key.rows) == n else _on_all_rows(key.rows, key.contributions, n)
    )
    return Matrix(values, tuple(c.name for c in key.criteria))


def _on_all_rows(rows: IntArray, values: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """``values`` of the rows ``rows`` spread over all ``n`` rows (0 elsewhere)."""
    full = np.zeros((n, *values.shape[1:]))
    full[rows] = values
    return full
