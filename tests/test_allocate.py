"""allocate(): routing, infeasibility diagnosis, verification and the result object."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import numpy as np
import pandas as pd
import pytest

import busetting as bs
from busetting._allocate import Route, Run, _prepare, choose_route
from busetting._methods import TIE_RULE
from busetting.testing import assert_valid_allocation

M = bs.Municipality


def _p(ms: list[bs.Municipality], total: int, minors: int = 0, **kw: object) -> bs.Problem:
    kw.setdefault("criteria", {"population": 1.0})
    return bs.Problem(municipalities=ms, need=bs.Need(total=total, minors=minors), **kw)


def _toy() -> bs.Problem:
    pops = {"0001": 9061, "0002": 7179, "0003": 5259, "0004": 3319, "0005": 1182}
    return _p([M(municipality_id=k, name=f"M{k}", population=v) for k, v in pops.items()], 26)


def _coupled() -> bs.Problem:
    ms = [
        M(municipality_id="0001", name="A", population=1000, indicators={"cap": 1}),
        M(municipality_id="0002", name="B", population=10, indicators={"cap": 100}),
    ]
    return _p(ms, 20, 10, minors_criteria={"cap": 1.0})


# -- infeasibility: one test per family, message word for word -------------------------------


def test_upper_bounds_short_of_the_need() -> None:
    ms = [
        M(municipality_id="0001", name="A", population=100, max=10),
        M(municipality_id="0002", name="B", population=50, max=5),
    ]
    alloc = bs.allocate(_p(ms, 20))
    assert alloc.status == "infeasible" and alloc.requests is None
    assert alloc.message == (
        "Infeasible: requests: upper bounds (max, fixed) sum to 15, 5 short of the need of 20."
    )
    with pytest.raises(bs.InfeasibleError) as info:
        alloc.raise_for_status()
    (d,) = info.value.diagnosis
    assert (d.group, d.required, d.available, d.amount) == ("requests", 20, 15, 5)


def test_capacities_short_of_the_national_need_use_thousands_separators() -> None:
    ms = [
        M(municipality_id=f"{i:04d}", name=f"K{i}", population=1000, max=35_210 // 10)
        for i in range(1, 11)
    ]
    alloc = bs.allocate(_p(ms, 37_000))
    assert alloc.message == (
        "Infeasible: requests: upper bounds (max, fixed) sum to 35,210, "
        "1,790 short of the need of 37,000."
    )


def test_lower_bounds_above_the_need() -> None:
    ms = [
        M(municipality_id="0001", name="A", population=100, min=10),
        M(municipality_id="0002", name="B", population=50, fixed=15),
    ]
    assert bs.allocate(_p(ms, 20)).message == (
        "Infeasible: requests: lower bounds (min, fixed) sum to 25, 5 more than the need of 20."
    )


def test_no_municipality_eligible_for_minors() -> None:
    ms = [
        M(municipality_id="0001", name="A", population=100, minors_eligible=False),
        M(municipality_id="0002", name="B", population=50, minors_eligible=False),
    ]
    assert bs.allocate(_p(ms, 20, 5)).message == (
        "Infeasible: minors: no municipality is eligible for minors, 5 short of the minors "
        "need of 5."
    )


def test_minors_max_short_of_the_minors_need() -> None:
    ms = [
        M(municipality_id="0001", name="A", population=100, minors_max=2),
        M(municipality_id="0002", name="B", population=50, max=1),
    ]
    assert bs.allocate(_p(ms, 20, 5)).message == (
        "Infeasible: minors: the room for minors in the 2 eligible municipalities (minors "
        "capacity, request upper bound) sums to 3, 2 short of the minors need of 5."
    )


def test_minors_that_cannot_fit_inside_the_requests() -> None:
    ms = [
        M(municipality_id="0001", name="A", population=100, fixed=18, minors_eligible=False),
        M(municipality_id="0002", name="B", population=50),
    ]
    assert bs.allocate(_p(ms, 20, 5)).message == (
        "Infeasible: requests: lower bounds plus the minors that must be placed above them sum "
        "to 23, 3 more than the need of 20."
    )


def test_zero_target_municipalities_are_named_in_the_diagnosis() -> None:
    ms = [
        M(municipality_id="0001", name="A", population=100, max=5),
        M(municipality_id="0002", name="B", population=0),
    ]
    assert bs.allocate(_p(ms, 20)).message == (
        "Infeasible: requests: upper bounds (max, fixed) sum to 5, 15 short of the need of 20 "
        "(1 municipality with a zero target is held at its lower bound)."
    )
    # Hamilton may give a zero-target municipality units at the over-quota cost
    assert bs.allocate(_p(ms, 20), method="hamilton").requests.tolist() == [5, 15]


def test_several_families_are_reported_together() -> None:
    ms = [M(municipality_id="0001", name="A", population=100, max=3, minors_eligible=False)]
    alloc = bs.allocate(_p(ms, 5, 2))
    assert alloc.message == (
        "Infeasible: requests: upper bounds (max, fixed) sum to 3, 2 short of the need of 5; "
        "minors: no municipality is eligible for minors, 2 short of the minors need of 2."
    )
    assert [d.group for d in alloc.diagnosis] == ["requests", "minors"]
    assert bs.diagnose(_p(ms, 5, 2)) == alloc.diagnosis


# -- arguments -----------------------------------------------------------------------------


def test_unknown_method_is_named() -> None:
    with pytest.raises(bs.InputError) as info:
        bs.allocate(_toy(), method="sainte-laguë")
    assert str(info.value) == (
        "The `method` parameter of `allocate` must be one of 'webster', 'hamilton', 'dhondt', "
        "'huntington_hill', 'adams', 'dean'. Got 'sainte-laguë' instead."
    )


def test_method_aliases() -> None:
    p = _toy()
    assert bs.allocate(p, method="sainte_lague").method == "webster"
    assert bs.allocate(p, method="jefferson").method == "dhondt"
    assert bs.allocate(p, method="largest_remainder").method == "hamilton"


def test_unknown_solver_is_named() -> None:
    with pytest.raises(bs.InputError) as info:
        bs.allocate(_toy(), solver="gurobi")
    assert str(info.value) == (
        "The `solver` parameter of `allocate` must be None or one of 'threshold', 'cbc', "
        "'highs'. Got 'gurobi' instead."
    )


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), "10", True])
def test_bad_time_limit_is_named(bad: object) -> None:
    with pytest.raises(bs.InputError) as info:
        bs.allocate(_toy(), time_limit=bad)  # type: ignore[arg-type]
    assert str(info.value) == (
        "The `time_limit` parameter of `allocate` must be None or a positive number of "
        f"seconds. Got {bad!r} instead."
    )


def test_problem_must_be_a_problem() -> None:
    with pytest.raises(bs.InputError) as info:
        bs.allocate({"total": 3})  # type: ignore[arg-type]
    assert str(info.value) == (
        "The `problem` parameter of `allocate` must be a busetting.Problem. Got dict instead."
    )


# -- routing -------------------------------------------------------------------------------


def test_bounds_only_problems_take_the_threshold_path() -> None:
    alloc = bs.allocate(_toy())
    assert alloc.solver == "threshold"
    assert alloc.solver_reason == (
        "bounds only, and the minors of the independent threshold solutions fit inside the "
        "requests, so together they are optimal"
    )
    assert alloc.solver_version.startswith("busetting ")


def test_coupled_minors_go_to_the_integer_program() -> None:
    p = _coupled()
    alloc = bs.allocate(p)
    assert alloc.solver == "cbc" and alloc.status == "optimal"
    assert alloc.solver_reason == (
        "the minors of the independent threshold solutions exceed the requests of "
        "1 municipality, so the coupled problem goes to the integer program"
    )
    assert alloc.solver_version.startswith("CBC ")
    assert_valid_allocation(p, alloc)
    assert alloc.requests.tolist() == [13, 7] and alloc.minors.tolist() == [3, 7]
    assert alloc.binding.tolist() == ["", "minors"]
    assert alloc.certificate == ()


def test_threshold_path_refuses_coupled_minors_with_a_status() -> None:
    alloc = bs.allocate(_coupled(), solver="threshold")
    assert alloc.status == "error" and alloc.requests is None
    assert alloc.message == (
        "The threshold path cannot solve this problem: its minors solution exceeds the requests "
        "of 1 municipality (e.g. 0002: 10 minors, 0 requests); use solver=None or "
        "solver='cbc'."
    )
    with pytest.raises(bs.SolverError):
        alloc.raise_for_status()


def test_independent_minors_inside_requests_are_jointly_optimal() -> None:
    ms = [
        M(municipality_id="0001", name="A", population=600, minors_eligible=True),
        M(municipality_id="0002", name="B", population=400, minors_eligible=False),
    ]
    p = _p(ms, 50, 10)
    fast, milp = bs.allocate(p), bs.allocate(p, solver="cbc")
    assert fast.solver == "threshold"
    assert fast.minors.tolist() == [10, 0] == milp.minors.tolist()
    assert fast.objective == pytest.approx(milp.objective, rel=1e-12)


# -- the result object ---------------------------------------------------------------------


def test_to_frame_has_one_row_per_municipality() -> None:
    alloc = bs.allocate(_toy())
    frame = alloc.to_frame()
    assert list(frame.index) == ["0001", "0002", "0003", "0004", "0005"]
    assert list(frame.columns) == [
        "name",
        "county",
        "population",
        "target",
        "contribution_population",
        "request",
        "deviation",
        "minors_target",
        "minors",
        "binding",
        "tie",
    ]
    assert frame["request"].sum() == 26
    np.testing.assert_allclose(frame["deviation"], frame["request"] - frame["target"])


def test_repr_and_html_are_readable() -> None:
    alloc = bs.allocate(_toy())
    assert repr(alloc) == (
        "Allocation(status='optimal', method='webster', solver='threshold')\n"
        "  optimal (threshold path, certified)\n"
        "  requests: 26 of 26 over 5 of 5 municipalities\n"
        "  objective: 0.165741\n"
        "  largest: M0001 9, M0002 8, M0003 5, M0004 3, M0005 1"
    )
    html = alloc._repr_html_()
    assert "M0001" in html and "optimal" in html and "<table" in html


def test_infeasible_result_has_no_numbers_but_keeps_targets() -> None:
    ms = [M(municipality_id="0001", name="A", population=100, max=1)]
    alloc = bs.allocate(_p(ms, 2))
    frame = alloc.to_frame()
    assert frame["request"].isna().all()
    assert frame["target"].tolist() == [2.0]
    assert "infeasible" in repr(alloc)


def test_ties_are_broken_by_the_documented_rule_and_reported() -> None:
    ms = [M(municipality_id=i, name=i, population=100) for i in ("0003", "0001", "0002")]
    alloc = bs.allocate(_p(ms, 4))
    assert alloc.requests.tolist() == [2, 1, 1]  # the lowest id wins an exact tie
    (tie,) = alloc.ties
    assert (tie.key, tie.winners, tie.losers) == ("requests", ("0001",), ("0002", "0003"))
    assert tie.rule == TIE_RULE
    assert alloc.to_frame()["tie"].all()


def test_larger_target_wins_a_tie_before_the_id() -> None:
    # Adams gives every positive target one unit first (cost 0): with 2 units for 3
    # municipalities the two largest targets win.
    ms = [
        M(municipality_id="0001", name="A", population=10),
        M(municipality_id="0002", name="B", population=30),
        M(municipality_id="0003", name="C", population=20),
    ]
    alloc = bs.allocate(_p(ms, 2), method="adams")
    assert alloc.requests.tolist() == [0, 1, 1]
    assert alloc.ties[0].winners == ("0002", "0003") and alloc.ties[0].losers == ("0001",)


def test_binding_names_the_bound_that_holds_a_request() -> None:
    ms = [
        M(municipality_id="0001", name="A", population=900, max=50),
        M(municipality_id="0002", name="B", population=100, min=30),
        M(municipality_id="0003", name="C", population=500, fixed=7),
        M(municipality_id="0004", name="D", population=400),
    ]
    alloc = bs.allocate(_p(ms, 200))
    assert alloc.binding.tolist() == ["max", "min", "fixed", ""]
    assert alloc.requests.tolist() == [50, 30, 7, 113]


def test_fingerprint_changes_with_the_input() -> None:
    a = bs.allocate(_toy())
    b = bs.allocate(_toy().with_need(27))
    assert a.fingerprint != b.fingerprint and len(a.fingerprint) == 64
    assert a.version == bs.__version__


# -- verification and solver faults -------------------------------------------------------


def test_a_solution_that_breaks_the_total_is_a_solver_error(monkeypatch) -> None:
    import busetting._allocate as mod
    from busetting._solvers.threshold import solve_separable

    def broken(*args, **kwargs):
        sol = solve_separable(*args, **kwargs)
        x = sol.x.copy()
        if len(x):
            x[0] += 1
        return type(sol)(**{**sol.__dict__, "x": x})

    monkeypatch.setattr(mod, "solve_separable", broken)
    with pytest.raises(bs.SolverError) as info:
        bs.allocate(_toy())
    assert str(info.value) == (
        "The threshold solution failed verification: requests sum to 27, not the need of 26."
    )


def test_a_solution_outside_the_bounds_is_a_solver_error(monkeypatch) -> None:
    import busetting._allocate as mod
    from busetting._solvers.threshold import solve_separable

    def broken(*args, **kwargs):
        sol = solve_separable(*args, **kwargs)
        x = sol.x.copy()
        x[0] += 1
        x[1] -= 1
        return type(sol)(**{**sol.__dict__, "x": x})

    ms = [
        M(municipality_id="0001", name="A", population=100, max=5),
        M(municipality_id="0002", name="B", population=100),
    ]
    monkeypatch.setattr(mod, "solve_separable", broken)
    with pytest.raises(bs.SolverError) as info:
        bs.allocate(_p(ms, 20))
    assert str(info.value) == (
        "The threshold solution failed verification: municipality 0001 has request 6, above "
        "its upper bound 5."
    )


class _StatusOverride:
    """Runs the real solver, then rewrites what PuLP reports (status, a value)."""

    def __init__(self, real, status: int, sol_status: int, fractional: bool = False) -> None:
        self.real, self.status, self.sol_status = real, status, sol_status
        self.fractional = fractional

    def actualSolve(self, lp, **kwargs):
        self.real.actualSolve(lp, **kwargs)
        if self.fractional:
            first = next(v for v in lp.variables() if v.name.startswith("x_"))
            first.varValue += 0.5
        lp.assignStatus(self.status, self.sol_status)
        return self.status


def _fake(monkeypatch, status: int, sol_status: int, fractional: bool = False) -> None:
    import busetting._solvers.milp as milp

    real = milp._make_backend
    monkeypatch.setattr(
        milp,
        "_make_backend",
        lambda backend, limit: _StatusOverride(
            real(backend, limit), status, sol_status, fractional
        ),
    )


def test_time_limited_incumbent_is_never_reported_optimal(monkeypatch) -> None:
    import pulp

    # what PuLP reports for a CBC run stopped at its time limit: status "Optimal",
    # sol_status "Solution Found"
    _fake(monkeypatch, pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible)
    ms = [M(municipality_id=f"{i:04d}", name=f"K{i}", population=10 * i) for i in range(1, 6)]
    alloc = bs.allocate(_p(ms, 10), solver="cbc", time_limit=1)
    assert alloc.status == "time_limit"
    assert int(alloc.requests.sum()) == 10  # the verified incumbent is returned
    assert alloc.message == (
        "cbc stopped at the time limit with a feasible solution that is not proven optimal "
        "(Optimal / Solution Found)"
    )
    with pytest.raises(bs.SolverError):
        alloc.raise_for_status()


def test_a_fractional_solver_value_is_a_solver_error(monkeypatch) -> None:
    import pulp

    _fake(monkeypatch, pulp.LpStatusOptimal, pulp.LpSolutionOptimal, fractional=True)
    with pytest.raises(
        bs.SolverError,
        match=r"^the solver returned a fractional value \d+\.5 "
        r"for x_0; expected an integer within 1e-06$",
    ):
        bs.allocate(_toy(), solver="cbc")


def test_not_solved_is_an_error_status_without_numbers(monkeypatch) -> None:
    import pulp

    _fake(monkeypatch, pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound)
    alloc = bs.allocate(_toy(), solver="cbc")
    assert alloc.status == "error" and alloc.requests is None
    assert alloc.message == "cbc failed (Not Solved / No Solution Found)"


def test_missing_cbc_binary_is_a_clear_solver_error(monkeypatch) -> None:
    import busetting._solvers.milp as milp

    monkeypatch.setattr(milp, "cbc_path", lambda: None)
    with pytest.raises(bs.SolverError) as info:
        bs.allocate(_toy(), solver="cbc")
    assert str(info.value) == (
        "The CBC solver is not available: PuLP's bundled CBC binary is missing or not "
        "executable and no `cbc` is on the PATH. Reinstall pulp (`pip install "
        "--force-reinstall pulp`) or use solver='highs'."
    )


def test_no_printing(capfd) -> None:
    for solver in bs.available_solvers():
        bs.allocate(_toy(), solver=solver)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_real_data_with_minors_and_capacities(norway_frame: pd.DataFrame) -> None:
    df = norway_frame.copy()
    df["minors_eligible"] = df["sentralitet"] <= 3
    df["max"] = np.where(df["kommunenummer"] == "0301", 3_000, np.nan)
    p = bs.Problem.from_frame(df, total=37_000, minors=610, criteria={"population": 1.0})
    fast = bs.allocate(p)
    milp = bs.allocate(p, solver="cbc")
    for alloc in (fast, milp):
        assert alloc.status == "optimal"
        assert_valid_allocation(p, alloc)
    assert fast.objective == pytest.approx(milp.objective, rel=1e-9)
    assert fast.binding[fast.binding != ""].to_dict() == {"0301": "max"}
    assert fast.requests["0301"] == 3_000


@pytest.mark.parametrize("solver", bs.available_solvers())
def test_minors_cannot_go_where_a_zero_target_holds_the_request(solver: str) -> None:
    # found by the slow fuzz run: 0002 has a zero requests target (held at 0) but a positive
    # minors target; its minors must be capped at 0, on every path
    ms = [
        M(municipality_id="0001", name="A", population=1, indicators={"c": 1.0}),
        M(municipality_id="0002", name="B", population=10, indicators={"c": 2.0}),
        M(
            municipality_id="0003",
            name="C",
            population=0,
            indicators={"c": 0.0},
            minors_eligible=False,
        ),
    ]
    crit = [
        bs.Criterion(
            name="c", indicator="c", weight=1.0, kind="rate", base="population", direction="lower"
        )
    ]
    p = _p(ms, 3, 3, criteria=crit)
    alloc = bs.allocate(p, solver=solver)
    assert alloc.status == "optimal"
    assert alloc.requests.tolist() == [3, 0, 0] and alloc.minors.tolist() == [3, 0, 0]


# -- the pipeline: run, route and reason, one Allocation ---------------------------------------


def _run(problem: bs.Problem, solver: str | None = None) -> Run:
    return _prepare(problem, "webster", solver, None, 0.0)


def _county_ms(n: int = 3) -> list[bs.Municipality]:
    return [
        M(municipality_id=f"000{i + 1}", name=f"K{i + 1}", population=100 * (i + 1), county="F")
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("problem", "solver", "route", "reason"),
    [
        (_p([M(municipality_id="0001", name="A", population=1, max=1)], 2), None,
         Route.DIAGNOSED, "the feasibility diagnosis failed before any solve"),
        (_toy(), None, Route.THRESHOLD, "bounds only, and the minors of the independent "
         "threshold solutions fit inside the requests, so together they are optimal"),
        (_toy(), "threshold", Route.THRESHOLD, "solver='threshold' was requested"),
        (_toy(), "cbc", Route.PROGRAM, "solver='cbc' was requested"),
        (_p(_county_ms(), 30, rules=bs.Rules(granularity=5)), "threshold", Route.REFUSED,
         "solver='threshold' was requested"),
        (_p(_county_ms(), 30, rules=bs.Rules(granularity=5)), None, Route.RULES_PATH,
         "the rules (granularity 5) take the exact rules path"),
        (_p(_county_ms(), 30, rules=bs.Rules(granularity=5)), "highs", Route.RULES_PROGRAM,
         "solver='highs' was requested"),
    ],
)  # fmt: skip
def test_the_route_and_its_reason(
    problem: bs.Problem, solver: str | None, route: Route, reason: str
) -> None:
    assert choose_route(_run(problem, solver)) == (route, reason)


def test_penalised_county_totals_go_to_the_rules_program_with_the_reason() -> None:
    rules = bs.Rules(county_totals={"F": 20}, county_penalty=1.0)
    route, reason = choose_route(_run(_p(_county_ms(), 30, rules=rules)))
    assert route is Route.RULES_PROGRAM
    assert reason.endswith("need the integer program (penalised county totals are not separable)")


def test_the_reason_of_the_allocation_is_the_reason_of_the_route() -> None:
    problem = _p(_county_ms(), 30, rules=bs.Rules(granularity=5))
    alloc = bs.allocate(problem)
    assert (alloc.solver, alloc.solver_reason) == ("lagrange", choose_route(_run(problem))[1])


def test_a_threshold_route_hands_coupled_minors_to_the_program_and_says_why() -> None:
    route, _ = choose_route(_run(_coupled()))
    alloc = bs.allocate(_coupled())
    assert route is Route.THRESHOLD and alloc.solver == "cbc"
    assert alloc.solver_reason.startswith("the minors of the independent threshold solutions")


def test_the_columns_are_built_on_first_read_and_kept() -> None:
    alloc = bs.allocate(_toy())
    assert alloc.requests is alloc.requests and alloc.binding is alloc.binding
    assert alloc.requests.name == "request" and alloc.requests.dtype == np.int64
    assert alloc.requests.index.name == "municipality_id"
    assert list(alloc.contributions.columns) == ["population"]
    assert alloc.minors_targets.name == "minors_target"


def test_a_replaced_column_is_kept_as_given() -> None:
    alloc = bs.allocate(_toy())
    zero = pd.Series(0, index=alloc.requests.index, name="minors")
    changed = dataclasses.replace(alloc, minors=zero)
    assert changed.minors is zero
    assert changed.requests.tolist() == alloc.requests.tolist()


def test_an_allocation_pickles_with_its_columns_built() -> None:
    alloc = bs.allocate(_toy())
    again = pickle.loads(pickle.dumps(alloc))
    assert again.requests.tolist() == alloc.requests.tolist()
    assert again.binding.tolist() == alloc.binding.tolist()
    assert list(again.contributions.columns) == ["population"]
    assert copy.deepcopy(alloc).minors_targets.equals(alloc.minors_targets)


@pytest.mark.parametrize("method", ["webster", "dhondt", "adams", "huntington_hill", "dean"])
def test_the_shortcut_for_no_minors_equals_the_threshold_solve(method: str) -> None:
    from busetting._criteria import build_key
    from busetting._feasibility import effective_bounds
    from busetting._methods import parse_method
    from busetting._solvers.threshold import nothing_to_place, solve_separable

    problem = _toy().with_need(26, minors=0)
    m_ = parse_method(method, caller="allocate")
    key, mkey = build_key(problem), build_key(problem, "minors")
    bounds, _ = effective_bounds(problem, m_, key, mkey)
    full = solve_separable(
        m_,
        mkey.targets,
        bounds.minors_lower,
        bounds.effective_minors_upper(),
        0,
        mkey.exact_targets,
    )
    short = nothing_to_place(len(mkey.rows))
    assert full.x.tolist() == short.x.tolist() == [0] * len(mkey.rows)
    assert {k: v for k, v in full.__dict__.items() if k != "x"} == {
        k: v for k, v in short.__dict__.items() if k != "x"
    }


def test_a_sweep_over_weights_keeps_a_bounded_number_of_values_with_the_columns() -> None:
    ms = [
        M(municipality_id=f"{i:04d}", name=f"M{i}", population=100 + i, indicators={"cap": i})
        for i in range(1, 6)
    ]
    problem = _p(ms, 20)
    sizes = []
    for w in range(1, 49):
        weighted = problem.with_criteria({"population": 1 - w / 64, "cap": w / 64})
        assert weighted.columns is problem.columns
        bs.allocate(weighted)
        sizes.append(len(problem.columns.memo))
    assert sizes[-1] == sizes[1]  # what the columns keep does not grow with the weights


def test_values_computed_on_first_read_equal_their_definition_in_any_thread() -> None:
    import pickle
    from concurrent.futures import ThreadPoolExecutor

    from busetting._methods import objective

    problem = _toy()
    fresh = [bs.allocate(problem) for _ in range(16)]
    with ThreadPoolExecutor(8) as pool:
        read = list(pool.map(lambda a: (a.objective, a.fingerprint, a.minors_objective), fresh))
    alloc = pickle.loads(pickle.dumps(bs.allocate(problem)))  # pickled before any read
    expected = objective(bs.Method.WEBSTER, alloc.requests.to_numpy(), alloc.targets.to_numpy())
    assert alloc.requests_objective == expected
    assert alloc.objective == alloc.requests_objective + alloc.minors_objective
    assert alloc.fingerprint == bs.fingerprint(problem, "webster")
    assert set(read) == {(alloc.objective, alloc.fingerprint, alloc.minors_objective)}


def test_editing_a_result_column_does_not_change_a_value_read_later() -> None:
    problem = _toy()
    reference = bs.allocate(problem)
    alloc = bs.allocate(problem)
    alloc.requests.iloc[0] += 5
    alloc.targets.iloc[0] += 5.0
    assert alloc.objective == reference.objective
    assert bs.allocate(problem).requests.tolist() == reference.requests.tolist()
