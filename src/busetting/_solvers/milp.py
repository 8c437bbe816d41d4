"""The integer program (PuLP; CBC or HiGHS): the general engine.

Variables ``x_i`` (requests) and ``m_j`` (minors, eligible municipalities only) are integers;
each has an epigraph variable ``z`` bounded below by the chords of its convex deviation
between consecutive integers,

    z_i >= f_i(k) + (f_i(k+1) - f_i(k)) (x_i - k),   k = a_i, ..., b_i - 1,

so ``z_i = f_i(x_i)`` at every integer point and the program is a pure MILP:

    min  sum_i z_i + sum_j w_j
    s.t. sum_i x_i = N,  sum_j m_j = M,  m_j <= x_j,
         l_i <= a_i <= x_i <= b_i <= u_i,  0 <= m_j <= min(minors capacity, u_j).

The window ``[a_i, b_i]`` starts a few units around a near-optimal point and is widened and
re-solved whenever the solution touches an edge that is not a real bound. For these
constraints (a transportation structure, totally unimodular) an optimum of the windowed
program that touches no artificial edge admits no improving unit exchange, so it is optimal
for the whole program. Gaps are set to 0: nothing is reported optimal that is not.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from busetting._exceptions import SolverError
from busetting._methods import Method, deviation, objective, objective_increment
from busetting._solvers import cbc_path, solver_version
from busetting._solvers.sets import Dual, VarSets, dual_bound, reduced_outside
from busetting._status import OutOfTime, Status, past

_log = logging.getLogger("busetting")

__all__ = [
    "COMMANDS",
    "INTEGRALITY_TOLERANCE",
    "Budget",
    "JoinRow",
    "KeySpec",
    "MilpOutcome",
    "RuleSpec",
    "RulesOutcome",
    "Start",
    "Windows",
    "build_rules",
    "elastic_rules_milp",
    "penalty_value",
    "solve_milp",
    "solve_rules_milp",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

INTEGRALITY_TOLERANCE = 1e-6
"""A solver value further than this from an integer is a solver error, never rounded."""
WINDOW = 2
"""Initial half-width of the chord window around the starting point."""
MAX_WIDENINGS = 12


@dataclass(frozen=True)
class KeySpec:
    """One key of the program: targets, bounds (effective) and its total."""

    method: Method
    targets: FloatArray
    lower: IntArray
    upper: IntArray
    total: int


@dataclass(frozen=True)
class MilpOutcome:
    """What the integer program returned (values already rounded and integrality-checked)."""

    status: Status
    x: IntArray | None
    m: IntArray | None
    message: str
    solver_version: str
    solves: int


def _quiet_highs_backend(**options: Any) -> object:
    """PuLP's HiGHS backend, with HiGHS's ``output_flag`` off before HiGHS can print.

    ``highspy.Highs()`` enables its callbacks in its constructor, and that first call prints
    HiGHS's banner while ``output_flag`` still has its default (on). The instance made here
    switches ``output_flag`` off just before that call, through HiGHS's own option; nothing
    touches the process's file descriptors.
    """
    import highspy
    import pulp

    class QuietHighs(highspy.Highs):
        def enableCallbacks(self) -> Any:
            self.setOptionValue("output_flag", False)
            return super().enableCallbacks()  # type: ignore[no-untyped-call]

    class QuietHiGHS(pulp.HiGHS):  # type: ignore[misc]
        def createAndConfigureSolver(self, lp: Any) -> None:
            lp.solverModel = QuietHighs()  # type: ignore[no-untyped-call]
            lp.solverModel.setOptionValue("output_flag", False)
            for key, value in (
                ("mip_rel_gap", self.gapRel),
                ("mip_abs_gap", self.gapAbs),
                ("threads", self.threads),
                ("time_limit", None if self.timeLimit is None else float(self.timeLimit)),
                *self.optionsDict.items(),
            ):
                if value is not None:
                    lp.solverModel.setOptionValue(key, value)

    return QuietHiGHS(**options)


def _cbc_command(time_limit: float | None) -> object:
    """PuLP's CBC command: exact gaps, one thread, silent."""
    import pulp

    path = cbc_path()
    if path is None:
        raise SolverError(
            "The CBC solver is not available: PuLP's bundled CBC binary is missing or not "
            "executable and no `cbc` is on the PATH. Reinstall pulp "
            "(`pip install --force-reinstall pulp`) or use solver='highs'."
        )
    return pulp.COIN_CMD(
        path=path, msg=False, gapRel=0.0, gapAbs=0.0, timeLimit=time_limit, threads=1
    )


def _highs_command(time_limit: float | None) -> object:
    """PuLP's HiGHS backend (quiet): exact gaps, one thread, a tight feasibility tolerance."""
    try:
        import highspy  # noqa: F401
    except ImportError:
        raise SolverError(
            "The HiGHS solver needs the highspy package. Install it with "
            "`pip install \"busetting[highs]\"` or use solver='cbc'."
        ) from None
    return _quiet_highs_backend(
        msg=False,
        gapRel=0.0,
        gapAbs=0.0,
        timeLimit=time_limit,
        threads=1,
        mip_feasibility_tolerance=1e-9,
    )


COMMANDS: dict[str, Callable[[float | None], object]] = {
    "cbc": _cbc_command,
    "highs": _highs_command,
}
"""How each backend of the integer program builds its PuLP solver (from a time limit)."""


def _make_backend(backend: str, time_limit: float | None) -> object:
    build = COMMANDS.get(backend)
    if build is None:  # pragma: no cover
        raise ValueError(f"unknown MILP backend {backend!r}")
    return build(time_limit)


# -- one solve, its clock and its outcome ------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """One call of a solve: the backend, its version and the deadline (``perf_counter``)."""

    backend: str
    version: str
    deadline: float | None

    @classmethod
    def start(cls, backend: str, time_limit: float | None, started: float | None) -> _Run:
        """``time_limit`` counts from ``started`` (now when not given)."""
        return cls(backend, solver_version(backend), _deadline(time_limit, started))

    def remaining(self) -> float | None:
        return _remaining(self.deadline)

    def timed_out(self) -> bool:
        return _timed_out(self.deadline)

    def past_deadline(self) -> bool:
        return self.deadline is not None and time.perf_counter() >= self.deadline

    def solve(self, prob: Any, remaining: float | None) -> tuple[int, str]:
        """Solve ``prob`` with the time that is left."""
        return _run(prob, self.backend, None if remaining is None else max(0.01, remaining))

    def infeasible(self, prob: Any, sol: int) -> bool:
        """Whether the backend proved ``prob`` infeasible (not merely out of time)."""
        import pulp

        return bool(
            sol == pulp.LpSolutionInfeasible
            or (prob.status == pulp.LpStatusInfeasible and not self.timed_out())
        )

    def no_solution(self, text: str) -> tuple[Status, str]:
        return _no_solution(self.backend, text, self.deadline)

    def never_started(self) -> str:
        return f"the time limit ran out before {self.backend} started"

    def widening_timed_out(self) -> str:
        return (
            f"{self.backend} reached the time limit while widening its windows; the last "
            "solution is feasible but not proven optimal"
        )

    def stopped_early(self, text: str) -> str:
        return (
            f"{self.backend} stopped at the time limit with a feasible solution that is not "
            f"proven optimal ({text})"
        )

    def proven_infeasible(self, text: str) -> str:
        return f"{self.backend} reports the program infeasible ({text})"


def _deadline(time_limit: float | None, started: float | None) -> float | None:
    if time_limit is None:
        return None
    return (time.perf_counter() if started is None else started) + time_limit


def _timed_out(deadline: float | None) -> bool:
    return deadline is not None and time.perf_counter() >= deadline - 1e-3


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else deadline - time.perf_counter()


def _run(prob: Any, backend: str, remaining: float | None) -> tuple[int, str]:
    """Solve with ``backend``; the solution status and the backend's own status text."""
    import pulp

    try:
        prob.solve(_make_backend(backend, remaining))
    except pulp.PulpSolverError as exc:
        raise SolverError(f"{backend} failed: {exc}") from exc
    text = (
        f"{pulp.LpStatus.get(prob.status, prob.status)} / "
        f"{pulp.LpSolution.get(prob.sol_status, prob.sol_status)}"
    )
    return int(prob.sol_status), text


def _no_solution(backend: str, text: str, deadline: float | None) -> tuple[Status, str]:
    """Status and message when the solver returned no solution: time limit or failure."""
    timed_out = _timed_out(deadline)
    what = "stopped at the time limit without a solution" if timed_out else "failed"
    return (Status.TIME_LIMIT if timed_out else Status.ERROR), f"{backend} {what} ({text})"


def _solution_found(sol: int) -> bool:
    import pulp

    return sol in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)


def _proven_optimal(sol: int) -> bool:
    import pulp

    return bool(sol == pulp.LpSolutionOptimal)


# -- the integer program without rules ---------------------------------------------------------


@dataclass(frozen=True)
class Windows:
    """The chord windows ``[xa, xb]`` of the requests and ``[ma, mb]`` of the minors."""

    xa: IntArray
    xb: IntArray
    ma: IntArray
    mb: IntArray


@dataclass(frozen=True)
class _Keys:
    """Both keys of the program, the rows of the minors, and how far each variable can reach
    (its upper bound, never above its key's total)."""

    requests: KeySpec
    minors: KeySpec
    minors_rows: IntArray
    x_up: IntArray
    m_up: IntArray

    def windows(self, at: _Widen) -> Windows:
        """The windows of half-widths ``at.hx``/``at.hm`` around ``at``'s starting point."""
        xa, xb = _window(at.x, self.requests.lower, self.x_up, at.hx)
        ma, mb = _window(at.m, self.minors.lower, self.m_up, at.hm)
        rows = self.minors_rows
        # the window of x must leave room for the minors placed in it
        if len(rows):
            xb[rows] = np.minimum(self.x_up[rows], np.maximum(xb[rows], mb))
        return Windows(np.minimum(xa, xb), xb, np.minimum(ma, mb), mb)  # never empty

    def full(self, w: Windows) -> bool:
        """Whether the windows cover every variable's whole range."""
        return _is_full(w.xa, w.xb, self.requests.lower, self.x_up) and _is_full(
            w.ma, w.mb, self.minors.lower, self.m_up
        )


@dataclass(frozen=True)
class _Widen:
    """Where the next solve starts: the point its windows surround and their half-widths."""

    x: IntArray
    m: IntArray
    hx: IntArray
    hm: IntArray


def _window(
    start: IntArray, lower: IntArray, upper: IntArray, half: IntArray
) -> tuple[IntArray, IntArray]:
    a = np.maximum(lower, start - half)
    b = np.minimum(upper, np.maximum(start, lower) + half)
    return a.astype(np.int64), np.maximum(a, b).astype(np.int64)


@dataclass(frozen=True)
class Budget:
    """The backend of a solve and its time: ``backend`` (a name of ``SOLVERS``) and
    ``time_limit`` in seconds (``None``: no limit) counted from ``started`` (a
    ``time.perf_counter()`` value; now when ``None``)."""

    backend: str
    time_limit: float | None = None
    started: float | None = None


@dataclass(frozen=True)
class Start:
    """Where the windows of a solve start: requests ``x`` and minors ``m`` (the minors key's
    rows)."""

    x: IntArray
    m: IntArray


def solve_milp(
    requests: KeySpec,
    minors: KeySpec,
    minors_rows: IntArray,
    *,
    budget: Budget,
    start: Start,
    window: int | None = WINDOW,
) -> MilpOutcome:
    """Solve the coupled program; ``window=None`` uses the whole range of every variable.

    ``time_limit`` counts from ``started`` (a ``time.perf_counter()`` value; now when not
    given), so the caller's own work before the solve is inside the limit too.
    """
    run = _Run.start(budget.backend, budget.time_limit, budget.started)
    start_x, start_m = start.x, start.m
    # No variable can exceed its key's total, which bounds the "whole range".
    x_up = np.minimum(requests.upper, requests.total).astype(np.int64)
    m_up = np.minimum(minors.upper, minors.total).astype(np.int64)
    keys = _Keys(requests, minors, minors_rows, x_up, m_up)
    if window is None:
        hx = np.full(len(x_up), max(1, requests.total), dtype=np.int64)
        hm = np.full(len(m_up), max(1, minors.total), dtype=np.int64)
    else:
        hx = np.full(len(x_up), window, dtype=np.int64)
        hm = np.full(len(m_up), window, dtype=np.int64)
    step: MilpOutcome | _Widen = _Widen(start_x, start_m, hx, hm)
    solves = 0
    while isinstance(step, _Widen):
        step = _milp_step(run, keys, step, solves)
        solves += 1
    return step


def _milp_step(run: _Run, keys: _Keys, at: _Widen, solves: int) -> MilpOutcome | _Widen:
    """One solve over the windows around ``at``: an outcome, or where to solve next."""
    import pulp

    w = keys.windows(at)
    prob, xv, mv, consistent = _build(keys.requests, keys.minors, keys.minors_rows, w)
    remaining = run.remaining()
    if remaining is not None and remaining <= 0:
        if not solves:
            return MilpOutcome(
                Status.TIME_LIMIT, None, None, run.never_started(), run.version, solves
            )
        return MilpOutcome(
            Status.TIME_LIMIT, at.x, at.m, run.widening_timed_out(), run.version, solves
        )
    solves += 1
    if consistent and not prob.variables():
        sol, text = pulp.LpSolutionOptimal, "every variable fixed by its bounds"
    elif consistent:
        sol, text = run.solve(prob, remaining)
    else:
        sol, text = pulp.LpSolutionInfeasible, "the fixed values cannot meet the totals"
    if sol == pulp.LpSolutionInfeasible or (consistent and run.infeasible(prob, sol)):
        if keys.full(w):
            return MilpOutcome(
                Status.INFEASIBLE, None, None, run.proven_infeasible(text), run.version, solves
            )
        hx, hm = at.hx * 4 + 1, at.hm * 4 + 1  # the window itself was too tight
        _log.debug("%s: the window was too tight; widened to ±%d", run.backend, int(hx.max()))
        if run.past_deadline():
            status, message = run.no_solution(text)
            return MilpOutcome(status, None, None, message, run.version, solves)
        return _Widen(at.x, at.m, hx, hm)
    if not _solution_found(sol):
        status, message = run.no_solution(text)
        return MilpOutcome(status, None, None, message, run.version, solves)
    x, m = _values(xv, w.xa), _values(mv, w.ma)
    if not _proven_optimal(sol):
        return MilpOutcome(Status.TIME_LIMIT, x, m, run.stopped_early(text), run.version, solves)
    return _widen_at_edges(run, keys, w, at, x, m, text, solves)


def _widen_at_edges(
    run: _Run, keys: _Keys, w: Windows, at: _Widen, x: IntArray, m: IntArray, text: str, solves: int
) -> MilpOutcome | _Widen:
    """Optimal when the windows' optimum touches no artificial edge; else widen there."""
    requests, minors = keys.requests, keys.minors
    touch_x = ((x == w.xa) & (w.xa > requests.lower)) | ((x == w.xb) & (w.xb < keys.x_up))
    touch_m = ((m == w.ma) & (w.ma > minors.lower)) | ((m == w.mb) & (w.mb < keys.m_up))
    if not (touch_x.any() or touch_m.any()):
        message = f"optimal ({run.backend}: {text}, gap 0)"
        return MilpOutcome(Status.OPTIMAL, x, m, message, run.version, solves)
    hx, hm = at.hx, at.hm
    if solves > MAX_WIDENINGS:
        hx, hm = (
            np.full_like(hx, max(1, requests.total)),
            np.full_like(hm, max(1, minors.total)),
        )
    hx = np.where(touch_x, hx * 4, hx)
    _log.debug("%s: %d windows touched an edge and were widened", run.backend, int(touch_x.sum()))
    hm = np.where(touch_m, hm * 4, hm)
    return _Widen(x, m, hx, hm)


def _is_full(a: IntArray, b: IntArray, lower: IntArray, upper: IntArray) -> bool:
    return bool(np.all(a <= lower) and np.all(b >= upper))


def _values(variables: list[Any], fallback: IntArray) -> IntArray:
    out = fallback.copy()
    for i, v in enumerate(variables):
        if isinstance(v, int):
            out[i] = v
            continue
        val = v.varValue
        if val is None or not math.isfinite(val):
            raise SolverError(f"the solver returned no value for {v.name}")
        r = round(val)
        if abs(val - r) > INTEGRALITY_TOLERANCE:
            raise SolverError(
                f"the solver returned a fractional value {val!r} for {v.name}; expected an "
                f"integer within {INTEGRALITY_TOLERANCE}"
            )
        out[i] = r
    return out


def _chords(prob: Any, var: Any, z: Any, method: Method, t: float, a: int, b: int) -> None:
    import pulp

    ks = np.arange(a, b, dtype=np.int64)
    g = objective_increment(method, ks, np.full(len(ks), t))
    f = np.concatenate(([0.0], np.cumsum(g)))
    for j, k in enumerate(ks.tolist()):
        prob += (
            pulp.LpAffineExpression([(z, 1.0), (var, -float(g[j]))])
            >= float(f[j]) - float(g[j]) * k
        )


def _epigraphs(
    prob: Any, spec: KeySpec, a_: IntArray, b_: IntArray, name: str, objective: list[Any]
) -> list[Any]:
    """One integer variable per row with its epigraph (added to ``objective``); a row whose
    window is a single value is that constant."""
    import pulp

    out: list[Any] = []
    for i in range(len(a_)):
        a, b = int(a_[i]), int(b_[i])
        if a == b:
            out.append(a)
            continue
        v = prob.add_variable(f"{name}_{i}", lowBound=a, upBound=b, cat=pulp.LpInteger)
        z = prob.add_variable(f"z{name}_{i}")
        _chords(prob, v, z, spec.method, float(spec.targets[i]), a, b)
        objective.append(z)
        out.append(v)
    return out


def _build(
    requests: KeySpec, minors: KeySpec, minors_rows: IntArray, w: Windows
) -> tuple[Any, list[Any], list[Any], bool]:
    import pulp

    prob = pulp.LpProblem("busetting", pulp.LpMinimize)
    objective: list[Any] = []
    xv = _epigraphs(prob, requests, w.xa, w.xb, "x", objective)
    mv = _epigraphs(prob, minors, w.ma, w.mb, "m", objective)
    prob += pulp.lpSum(objective) if objective else pulp.LpAffineExpression(constant=0.0)
    # Rows without variables are checked here, not sent (CBC rejects empty rows).
    feasible = _add_sum(prob, xv, requests.total, "total")
    if len(mv):
        feasible &= _add_minors(prob, mv, xv, minors.total, minors_rows)
    return prob, xv, mv, feasible


def _add_minors(
    prob: Any, mval: list[Any], xval: list[Any], total: int, minors_rows: IntArray
) -> bool:
    """The minors total and minors within requests; constant rows are checked, not sent."""
    ok = _add_sum(prob, mval, total, "minors_total")
    for j, row in enumerate(minors_rows.tolist()):
        mj, xi = mval[j], xval[row]
        if isinstance(mj, int) and isinstance(xi, int):
            ok &= mj <= xi
            continue
        prob += mj <= xi, f"minors_within_{j}"
    return ok


def _add_sum(prob: Any, variables: list[Any], total: int, name: str) -> bool:
    import pulp

    constant = sum(v for v in variables if isinstance(v, int))
    free = [v for v in variables if not isinstance(v, int)]
    if not free:
        return constant == total
    prob += pulp.lpSum(free) == total - constant, name
    return True


# -- the integer program with the process rules ----------------------------------------------


@dataclass(frozen=True)
class JoinRow:
    """A joining row a rule adds to the program: the requests of ``members`` (row indices)
    sum to ``rhs`` (``sense`` ``"=="``) or at most ``rhs`` (``"<="``); ``name`` names it in
    the elastic diagnosis."""

    name: str
    members: IntArray
    rhs: int
    sense: str = "<="


@dataclass(frozen=True)
class RuleSpec:
    """The rules as the program sees them (see :mod:`busetting._solvers.sets`), built by the
    rule objects of :mod:`busetting._rules`: the allowed values of every variable, the
    number of off-grid requests, sum groups of the requests with their totals (hard, or
    penalised per person of deviation), the host limit, further joining ``rows``, and why
    the rules path cannot take them (``unsupported``)."""

    x_sets: VarSets
    m_sets: VarSets
    offgrid_count: int
    group: IntArray  # sum group per request row (-1: none)
    group_totals: dict[int, int]
    group_penalty: float | None
    max_hosts: int | None
    exact_hosts: bool
    county_names: tuple[str, ...] = ()  # names of the sum groups, for messages
    row_names: tuple[str, ...] = ()  # "id name" of each request row, for messages
    rows: tuple[JoinRow, ...] = ()
    unsupported: str | None = None
    offgrid_name: str = "granularity"  # the off-grid row's name in the elastic diagnosis


@dataclass(frozen=True)
class RulesOutcome:
    """What the rules program returned, with its certificate."""

    status: Status
    x: IntArray | None
    m: IntArray | None
    message: str
    solver_version: str
    solves: int
    objective: float | None
    bound: float | None


def penalty_value(x: IntArray, rules: RuleSpec) -> float:
    """County-total penalty of requests ``x`` (0 for hard or no county totals)."""
    if rules.group_penalty is None:
        return 0.0
    total = 0.0
    for g, target in rules.group_totals.items():
        total += abs(int(x[rules.group == g].sum()) - target)
    return rules.group_penalty * total


@dataclass(frozen=True)
class _RulesProgram:
    """The rules program of one solve: keys, rules, and the Lagrangian bound of each key
    (multipliers for the window certificate)."""

    requests: KeySpec
    minors: KeySpec
    minors_rows: IntArray
    rules: RuleSpec
    x_dual: Dual
    m_dual: Dual
    bound: float

    def windows(self, at: _RulesWiden) -> Windows:
        """The windows around ``at`` (held rows at their value; room in x for the minors)."""
        xs, ms, rows = self.rules.x_sets, self.rules.m_sets, self.minors_rows
        xa = np.where(xs.const, xs.lower, np.maximum(xs.lower, at.x - at.half_x))
        xb = np.where(xs.const, xs.lower, np.minimum(xs.upper, at.x + at.half_x))
        ma = np.where(ms.const, ms.lower, np.maximum(ms.lower, at.m - at.half_m))
        mb = np.where(ms.const, ms.lower, np.minimum(ms.upper, at.m + at.half_m))
        if len(rows):  # leave room in x for the minors
            xb[rows] = np.where(
                xs.const[rows], xb[rows], np.minimum(xs.upper[rows], np.maximum(xb[rows], mb))
            )
        return Windows(np.minimum(xa, xb), xb, np.minimum(ma, mb), mb)  # never empty

    def full(self, w: Windows) -> bool:
        """Whether the windows cover every variable's whole set."""
        xs, ms = self.rules.x_sets, self.rules.m_sets
        return bool(
            np.all(w.xa <= xs.lower)
            and np.all(w.xb >= xs.upper)
            and np.all(w.ma <= ms.lower)
            and np.all(w.mb >= ms.upper)
        )

    def outcome(
        self,
        run: _Run,
        status: Status,
        solution: tuple[IntArray, IntArray, float] | None,
        message: str,
        solves: int,
    ) -> RulesOutcome:
        x, m, value = (None, None, None) if solution is None else solution
        return RulesOutcome(status, x, m, message, run.version, solves, value, self.bound)


@dataclass(frozen=True)
class _RulesWiden:
    """Where the next rules solve starts: the centre of its windows, their half-widths, and
    the best solution so far (feasible, not yet certified)."""

    x: IntArray
    m: IntArray
    half_x: IntArray
    half_m: IntArray
    incumbent: tuple[IntArray, IntArray, float] | None


def _bound_groups(requests: KeySpec, rules: RuleSpec) -> tuple[IntArray, dict[int, int]]:
    """The sum groups of the requests for the bound: the hard county totals and the rest, or
    the nation."""
    if rules.group_penalty is None and rules.group_totals:
        groups = rules.group.copy()
        rest = groups < 0
        groups[rest] = -2
        totals = dict(rules.group_totals)
        national = requests.total - sum(totals.values())
        if rest.any():
            totals[-2] = national
        groups = np.where(groups == -2, max(totals) + 1 if totals else 0, groups)
        if rest.any():
            totals[int(groups[rest][0])] = totals.pop(-2)
        return groups, totals
    return np.zeros(len(rules.x_sets.lower), dtype=np.int64), {0: requests.total}


def _rules_program(
    requests: KeySpec,
    minors: KeySpec,
    minors_rows: IntArray,
    rules: RuleSpec,
    deadline: float | None = None,
) -> _RulesProgram:
    groups, totals = _bound_groups(requests, rules)
    x_dual = dual_bound(
        requests.method, requests.targets, rules.x_sets, groups, totals, deadline=deadline
    )
    m_dual = dual_bound(
        minors.method,
        minors.targets,
        rules.m_sets,
        np.zeros(len(rules.m_sets.lower), dtype=np.int64),
        {0: minors.total},
        hosts=rules.max_hosts,
        exact_hosts=rules.exact_hosts,
        deadline=deadline,
    )
    bound = x_dual.bound + m_dual.bound
    return _RulesProgram(requests, minors, minors_rows, rules, x_dual, m_dual, bound)


def solve_rules_milp(
    requests: KeySpec,
    minors: KeySpec,
    minors_rows: IntArray,
    rules: RuleSpec,
    *,
    budget: Budget,
    start: Start,
) -> RulesOutcome:
    """Solve the program with the rules; certify the windows with a Lagrangian bound.

    ``time_limit`` counts from ``started`` (now when not given), as in :func:`solve_milp`.
    """
    run = _Run.start(budget.backend, budget.time_limit, budget.started)
    start_x, start_m = start.x, start.m
    xs, ms = rules.x_sets, rules.m_sets
    g = np.maximum(xs.grid, 1)
    half_x = np.maximum(2 * g, np.maximum(xs.lo_p - xs.lower, 2)).astype(np.int64) + 2
    half_m = np.full(len(ms.lower), 4, dtype=np.int64) + ms.lo_p
    try:  # the bound takes a while on a large problem: it stops at the deadline (issue 28)
        prog = _rules_program(requests, minors, minors_rows, rules, run.deadline)
    except OutOfTime:
        return RulesOutcome(
            Status.TIME_LIMIT, None, None, run.never_started(), run.version, 0, None, None
        )
    step: RulesOutcome | _RulesWiden = _RulesWiden(
        start_x.copy(), start_m.copy(), half_x, half_m, None
    )
    solves = 0
    while isinstance(step, _RulesWiden):
        step = _rules_step(run, prog, step, solves)
        solves += 1
    return step


def _rules_step(
    run: _Run, prog: _RulesProgram, at: _RulesWiden, solves: int
) -> RulesOutcome | _RulesWiden:
    """One solve of the rules program over the windows around ``at``."""
    w = prog.windows(at)
    try:  # building a large program takes seconds: it stops at the deadline (issue 28)
        prob, xv, mv = build_rules(
            prog.requests, prog.minors, prog.minors_rows, prog.rules, w, deadline=run.deadline
        )
        remaining = run.remaining()
    except OutOfTime:
        remaining = 0.0
    if remaining is not None and remaining <= 0:
        if at.incumbent is None:
            return prog.outcome(run, Status.TIME_LIMIT, None, run.never_started(), solves)
        message = run.widening_timed_out()
        return prog.outcome(run, Status.TIME_LIMIT, at.incumbent, message, solves)
    solves += 1
    sol, text = run.solve(prob, remaining)
    if run.infeasible(prob, sol):
        if prog.full(w):
            message = run.proven_infeasible(text)
            return prog.outcome(run, Status.INFEASIBLE, None, message, solves)
        half_x, half_m = at.half_x * 4 + 1, at.half_m * 4 + 1
        _log.debug("%s: rules window too tight; widened to ±%d", run.backend, int(half_x.max()))
        if run.past_deadline():
            status, message = run.no_solution(text)
            return prog.outcome(run, status, None, message, solves)
        return _RulesWiden(at.x, at.m, half_x, half_m, at.incumbent)
    if not _solution_found(sol):
        status, message = run.no_solution(text)
        return prog.outcome(run, status, None, message, solves)
    x = np.array([v if isinstance(v, int) else v.solution() for v in xv], dtype=np.int64)
    m = np.array([v if isinstance(v, int) else v.solution() for v in mv], dtype=np.int64)
    requests, minors = prog.requests, prog.minors
    value = (
        objective(requests.method, x, requests.targets)
        + objective(minors.method, m, minors.targets)
        + penalty_value(x, prog.rules)
    )
    if not _proven_optimal(sol):
        return prog.outcome(run, Status.TIME_LIMIT, (x, m, value), run.stopped_early(text), solves)
    return _certify_windows(run, prog, w, at, (x, m, value), text, solves)


def _certify_windows(
    run: _Run,
    prog: _RulesProgram,
    w: Windows,
    at: _RulesWiden,
    solution: tuple[IntArray, IntArray, float],
    text: str,
    solves: int,
) -> RulesOutcome | _RulesWiden:
    """Optimal when no value outside the windows has a reduced cost within the gap to the
    bound; else widen the windows where one has."""
    x, m, value = solution
    requests, minors = prog.requests, prog.minors
    xs, ms = prog.rules.x_sets, prog.rules.m_sets
    x_dual, m_dual, bound = prog.x_dual, prog.m_dual, prog.bound
    gap = value - bound
    tol = 1e-9 * max(1.0, abs(value))
    xl, xh = reduced_outside(
        requests.method, requests.targets, xs, x_dual.lam, np.zeros(len(xs.lower)), w.xa, w.xb
    )
    ml, mh = reduced_outside(
        minors.method, minors.targets, ms, m_dual.lam, np.full(len(ms.lower), m_dual.mu), w.ma, w.mb
    )
    grow_x = (xl < gap - tol) | (xh < gap - tol)
    grow_m = (ml < gap - tol) | (mh < gap - tol)
    if not (grow_x.any() or grow_m.any()):
        message = (
            f"optimal ({run.backend}: {text}, gap 0; windows certified by a Lagrangian bound "
            f"{bound:.6g}, {solves} solve{'s' if solves > 1 else ''})"
        )
        return prog.outcome(run, Status.OPTIMAL, solution, message, solves)
    if prog.full(w):  # pragma: no cover - nothing lies outside a full window
        raise SolverError("the window certificate failed on the full ranges")
    _log.debug(
        "%s: %d windows touched an artificial edge and were widened",
        run.backend,
        int(grow_x.sum() + grow_m.sum()),
    )
    half_x = np.where(grow_x, at.half_x * 4, at.half_x)
    half_m = np.where(grow_m, at.half_m * 4, at.half_m)
    return _RulesWiden(x, m, half_x, half_m, solution)


def _points(sets: VarSets, i: int, a: int, b: int) -> list[int]:
    """The allowed values of variable ``i`` inside the window ``[a, b]``, ascending."""
    g = int(sets.grid[i])
    lo = max(a, int(sets.lo_p[i]))
    hi = min(b, int(sets.upper[i]))
    pts = [v for v in range(lo, hi + 1) if g == 1 or v % g == 0 or (sets.offgrid and v % g == 1)]
    if bool(sets.zero_ok[i]) and a <= 0 <= b and (not pts or pts[0] != 0):
        pts.insert(0, 0)
    return pts


class _Choice:
    """A variable chosen among allowed points: binaries b_p with sum 1, value sum p b_p."""

    def __init__(self, prob: Any, name: str, points: list[int], costs: FloatArray) -> None:
        import pulp

        self.points = points
        self.binaries = [
            prob.add_variable(f"{name}_{p}", lowBound=0, upBound=1, cat=pulp.LpInteger)
            for p in points
        ]
        prob += pulp.lpSum(self.binaries) == 1, f"one_{name}"
        self.value = pulp.lpSum(p * v for p, v in zip(points, self.binaries, strict=True))
        self.cost = pulp.lpSum(float(c) * v for c, v in zip(costs, self.binaries, strict=True))

    def where(self, cond: Any) -> list[Any]:
        return [v for p, v in zip(self.points, self.binaries, strict=True) if cond(p)]

    def solution(self) -> int:
        chosen = []
        for p, v in zip(self.points, self.binaries, strict=True):
            val = v.varValue
            if val is None or not math.isfinite(val):
                raise SolverError(f"the solver returned no value for {v.name}")
            if abs(val - round(val)) > INTEGRALITY_TOLERANCE:
                raise SolverError(
                    f"the solver returned a fractional value {val!r} for {v.name}; expected an "
                    f"integer within {INTEGRALITY_TOLERANCE}"
                )
            if round(val) == 1:
                chosen.append(p)
        if len(chosen) != 1:
            raise SolverError(f"the solver chose {len(chosen)} values for one variable")
        return chosen[0]


def _choose(
    prob: Any,
    sets: VarSets,
    lo: IntArray,
    hi: IntArray,
    spec: KeySpec,
    prefix: str,
    deadline: float | None = None,
) -> tuple[list[Any], list[Any], list[Any], bool]:
    """One choice per variable among its allowed values in ``[lo, hi]``; held rows are
    constants. Returns the choices, their value expressions, their costs and whether every
    window holds an allowed value."""
    chosen: list[Any] = []
    values: list[Any] = []
    costs: list[Any] = []
    ok = True
    for i in range(len(lo)):
        if i % 64 == 0 and past(deadline):
            raise OutOfTime
        a, b = int(lo[i]), int(hi[i])
        pts = [] if sets.const[i] else _points(sets, i, a, b)
        if not pts:
            held = int(sets.lower[i]) if sets.const[i] else a
            ok &= bool(sets.const[i])
            chosen.append(held)
            values.append(held)
            continue
        cost = deviation(
            spec.method, np.array(pts, dtype=np.int64), np.full(len(pts), float(spec.targets[i]))
        )
        c = _Choice(prob, f"{prefix}{i}", pts, cost)
        costs.append(c.cost)
        chosen.append(c)
        values.append(c.value)
    return chosen, values, costs, ok


class _Joins:
    """The joining rows of a rules program (totals, off-grid count, hard county totals, host
    limit, and in the elastic program the room for minors), and whether the constant ones hold.

    A row without variables is checked instead of sent (CBC rejects empty rows). With
    ``slack`` (the elastic program of the infeasibility diagnosis) every row gets a surplus
    and a shortfall variable, recorded in ``slack`` under the row's name.
    """

    def __init__(self, prob: Any, slack: dict[str, tuple[Any, Any]] | None, ok: bool) -> None:
        self.prob = prob
        self.slack = slack
        self.ok = ok

    def join(self, name: str, terms: list[Any], rhs: int, sense: str = "==") -> None:
        import pulp

        constant = sum(v for v in terms if isinstance(v, int))
        free = [v for v in terms if not isinstance(v, int)]
        prob, slack = self.prob, self.slack
        if slack is not None:
            plus = prob.add_variable(f"sp_{len(slack)}", lowBound=0)
            minus = prob.add_variable(f"sm_{len(slack)}", lowBound=0)
            slack[name] = (plus, minus)
            if sense == "==":
                prob.addConstraint(
                    pulp.lpSum(free) + minus - plus == rhs - constant, f"elastic_{len(slack)}"
                )
            else:
                prob.addConstraint(
                    pulp.lpSum(free) - plus <= rhs - constant, f"elastic_{len(slack)}"
                )
                prob.addConstraint(minus == 0, f"elastic_zero_{len(slack)}")
        elif not free:
            self.ok &= constant == rhs if sense == "==" else constant <= rhs
        elif sense == "==":
            prob.addConstraint(pulp.lpSum(free) == rhs - constant, name.replace(" ", "_"))
        else:
            prob.addConstraint(pulp.lpSum(free) <= rhs - constant, name.replace(" ", "_"))


def _county_deviations(prob: Any, rules: RuleSpec, penalty: float, xval: list[Any]) -> list[Any]:
    """Penalised county totals: a deviation pair per county, and their objective terms."""
    import pulp

    terms = []
    for gid, target in rules.group_totals.items():
        plus = prob.add_variable(f"dp_{gid}", lowBound=0)
        minus = prob.add_variable(f"dm_{gid}", lowBound=0)
        rows = np.flatnonzero(rules.group == gid).tolist()
        prob += pulp.lpSum(xval[i] for i in rows) - target == plus - minus, f"county_{gid}"
        terms.append(penalty * plus)
        terms.append(penalty * minus)
    return terms


def _join_minors(
    joins: _Joins,
    rules: RuleSpec,
    minors: KeySpec,
    minors_rows: IntArray,
    mv: list[Any],
    mval: list[Any],
    xval: list[Any],
) -> None:
    """The minors rows: their total, minors within requests, and the host limit."""
    joins.join("minors total", mval, minors.total)
    for j, row in enumerate(minors_rows.tolist()):
        mj, xi = mval[j], xval[row]
        constant = isinstance(mj, int) and isinstance(xi, int)
        if joins.slack is not None and not (constant and mj <= xi):
            label = rules.row_names[row] if rules.row_names else f"row {row}"
            joins.join(f"the room for minors in {label} (its request)", [mj, -xi], 0, "<=")
        elif constant:
            joins.ok &= mj <= xi
        else:
            joins.prob += mj <= xi, f"minors_within_{j}"
    if rules.max_hosts is not None:
        hosts = [v for c in mv if isinstance(c, _Choice) for v in c.where(lambda p: p > 0)]
        const_hosts = sum(1 for c in mv if isinstance(c, int) and c > 0)
        joins.join(
            "minors hosts",
            [*hosts, *([1] * const_hosts)] if const_hosts else list(hosts),
            rules.max_hosts,
            "==" if rules.exact_hosts else "<=",
        )


def build_rules(
    requests: KeySpec,
    minors: KeySpec,
    minors_rows: IntArray,
    rules: RuleSpec,
    w: Windows,
    slack: dict[str, tuple[Any, Any]] | None = None,
    deadline: float | None = None,
) -> tuple[Any, list[Any], list[Any]]:
    """The program over allowed points: each variable picks one value of its window.

    The cost of each point is the method's exact deviation, so the objective is exact at
    every point, and the relaxation of a variable is the convex hull of its allowed values.

    With ``slack`` (a dict to fill), the program is the elastic one of the infeasibility
    diagnosis: every joining row (the two totals, the off-grid count, hard county totals, the
    host limit) gets a surplus and a shortfall variable, recorded in ``slack`` under the
    group's name, and the objective is their sum.
    """
    import pulp

    prob = pulp.LpProblem("busetting_rules", pulp.LpMinimize)
    xs = rules.x_sets
    xv, xval, x_cost, x_ok = _choose(prob, xs, w.xa, w.xb, requests, "x", deadline)
    mv, mval, m_cost, m_ok = _choose(prob, rules.m_sets, w.ma, w.mb, minors, "m", deadline)
    objective: list[Any] = x_cost + m_cost
    joins = _Joins(prob, slack, x_ok and m_ok)
    if rules.group_penalty is not None and slack is None:
        objective.extend(_county_deviations(prob, rules, rules.group_penalty, xval))
    joins.join("requests total", xval, requests.total)
    if rules.group_penalty is None:
        for gid, target in rules.group_totals.items():
            rows = np.flatnonzero(rules.group == gid).tolist()
            name = rules.county_names[gid] if rules.county_names else f"county_{gid}"
            joins.join(name, [xval[i] for i in rows], target)
    if rules.offgrid_count:
        offgrid = [
            v
            for i, c in enumerate(xv)
            if isinstance(c, _Choice) and int(xs.grid[i]) > 1 and xs.offgrid
            for v in c.where(lambda p, g=int(xs.grid[i]): p % g == 1)
        ]
        joins.join(rules.offgrid_name, offgrid, rules.offgrid_count)
    for row in rules.rows:
        joins.join(row.name, [xval[i] for i in row.members.tolist()], row.rhs, row.sense)
    if len(mv):
        _join_minors(joins, rules, minors, minors_rows, mv, mval, xval)
    if slack is not None:
        objective = [p + q for p, q in slack.values()]
    prob += pulp.lpSum(objective) if objective else pulp.LpAffineExpression(constant=0.0)
    if not joins.ok:  # the window (or a constant) breaks a rule: an infeasible program
        dummy = prob.add_variable("infeasible", lowBound=0, upBound=0)
        prob += dummy >= 1, "infeasible_window"
    return prob, xv, mv


def elastic_rules_milp(
    rules: RuleSpec,
    total: int,
    minors_total: int,
    minors_rows: IntArray,
    *,
    budget: Budget,
) -> list[tuple[str, int, int]]:
    """The elastic rules program over the full ranges: per joining row that had to give,
    ``(name, raise_by, lower_by)`` (its right-hand side must be raised or lowered)."""
    xs, ms, spec = rules.x_sets, rules.m_sets, rules
    zeros = np.zeros(len(xs.lower))
    keys = (
        KeySpec(Method.HAMILTON, zeros, xs.lower, xs.upper, total),
        KeySpec(Method.HAMILTON, np.zeros(len(ms.lower)), ms.lower, ms.upper, minors_total),
    )
    slack: dict[str, tuple[Any, Any]] = {}
    full = Windows(np.minimum(xs.lower, 0), xs.upper, np.minimum(ms.lower, 0), ms.upper)
    prob, _, _ = build_rules(keys[0], keys[1], minors_rows, spec, full, slack)
    sol, _ = _run(prob, budget.backend, budget.time_limit)
    if not _solution_found(sol):
        return []  # the per-municipality sets alone cannot hold (or no answer in time)
    out = []
    for name, (plus, minus) in slack.items():
        over = round(plus.varValue or 0.0)
        under = round(minus.varValue or 0.0)
        if over or under:
            out.append((name, over, under))
    return out
