"""Command-line interface: a thin layer over the library.

``busetting`` (or ``python -m busetting``) with no arguments runs ``busetting allocate``: the
2024 Norwegian problem (37,000 persons, of whom 610 unaccompanied minors) on the embedded
data, printed as a compact summary.

Commands: ``allocate`` (default), ``validate FILE``, ``revise``, ``scenarios``, ``explain ID``,
``report``, ``calibrate``, ``schema``.

Exit codes: 0 success; 2 bad input (including a bad command line); 3 infeasible; 4 solver
failure (including a time limit without a proven optimum). Errors are one line plus the
failure table; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from busetting._version import __version__

if TYPE_CHECKING:
    import busetting as bs

__all__ = ["EXIT_INFEASIBLE", "EXIT_INPUT", "EXIT_OK", "EXIT_SOLVER", "main"]

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_SOLVER = 4


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own exit code for usage errors is 2
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"busetting: error: {message}\n")


def _weights(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(
                f"expected name=weight pairs such as capacity=0.4,population=0.6; got {part!r}"
            )
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"weight of {name.strip()!r} must be a number; got {value!r}"
            ) from None
    if not out:
        raise argparse.ArgumentTypeError("expected at least one name=weight pair")
    return out


def _add_problem_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--total",
        type=int,
        help="national need in persons (default: 37,000 for "
        "the embedded data; required with a CSV/XLSX --input)",
    )
    p.add_argument(
        "--minors",
        type=int,
        help="of which unaccompanied minors (default: 610 for the embedded data, else 0)",
    )
    p.add_argument(
        "--weights",
        type=_weights,
        help="criteria weights, e.g. "
        "capacity=0.4,settling_speed=0.15,services=0.15,labour_market=0.2,"
        "population=0.1; with --input, each name is a column (volume criterion)",
    )


def _add_rule_options(p: argparse.ArgumentParser) -> None:
    r = p.add_argument_group(
        "process rules (the embedded data defaults to the 2024 process: "
        "granularity 5, minimum 5, minors groups of 4, at most 57 hosts)"
    )
    r.add_argument("--granularity", type=int, help="requests in multiples of G (1: off)")
    r.add_argument("--min-request", type=int, help="requests are 0 or at least K (0: off)")
    r.add_argument("--minors-min-group", type=int, help="minors are 0 or at least K (0: off)")
    r.add_argument(
        "--max-minors-hosts",
        type=int,
        help="at most H municipalities asked for minors (0: no limit)",
    )
    r.add_argument(
        "--county-totals",
        type=Path,
        help="CSV with columns county (or fylke) and "
        "total: hard county totals (see --county-penalty)",
    )
    r.add_argument(
        "--county-penalty",
        type=float,
        help="make county totals soft, with this penalty per person of deviation",
    )
    r.add_argument("--per-capita-cap", type=float, help="x_i <= R * population_i")
    r.add_argument("--share-cap", type=float, help="x_i <= S * total")
    r.add_argument(
        "--fixed",
        type=Path,
        help="CSV with columns municipality_id (or "
        "kommunenummer) and fixed: requests already decided, held exactly",
    )
    r.add_argument("--no-rules", action="store_true", help="switch every process rule off")


def _apply_rules(args: argparse.Namespace, problem: bs.Problem) -> bs.Problem:
    from busetting.io import read_county_totals, read_fixed
    from busetting.model import Rules

    base = Rules() if args.no_rules else problem.rules
    changes: dict[str, Any] = {}
    for flag, field in (
        ("granularity", "granularity"),
        ("min_request", "min_request"),
        ("minors_min_group", "minors_min_group"),
        ("per_capita_cap", "per_capita_cap"),
        ("share_cap", "share_cap"),
        ("county_penalty", "county_penalty"),
    ):
        value = getattr(args, flag)
        if value is not None:
            changes[field] = value
    if args.max_minors_hosts is not None:
        changes["max_minors_hosts"] = args.max_minors_hosts or None
    if args.county_totals is not None:
        changes["county_totals"] = read_county_totals(args.county_totals)
    try:
        rules = Rules.model_validate({**base.model_dump(), **changes})
    except ValueError as exc:
        from busetting.exceptions import InputError

        raise InputError(
            f"bad rule option: {exc.errors()[0]['msg']}".replace("Value error, ", "")  # type: ignore[attr-defined]
        ) from None
    problem = problem.with_rules(rules)
    if args.fixed is not None:
        problem = problem.with_fixed(read_fixed(args.fixed))
    return problem


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="busetting",
        description=(
            "Allocate a national settlement need over municipalities, exactly. With no command, "
            "runs `allocate` on the embedded Norway 2024 data."
        ),
    )
    parser.add_argument("--version", action="version", version=f"busetting {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    a = sub.add_parser("allocate", help="compute the requests (the default command)")
    a.add_argument(
        "--input",
        type=Path,
        help="problem file: .csv, .xlsx (one row per "
        "municipality) or .json (a whole problem); default: embedded Norway 2024",
    )
    _add_problem_options(a)
    a.add_argument(
        "--method",
        default="webster",
        help="webster (default), hamilton, dhondt, huntington_hill, adams or dean",
    )
    a.add_argument(
        "--solver",
        choices=["threshold", "cbc", "highs"],
        default=None,
        help="default: the fastest path that can solve the problem",
    )
    a.add_argument("--time-limit", type=float, default=None, help="seconds for the solver")
    a.add_argument("--out", type=Path, help="write the allocation to .csv, .xlsx or .json")
    a.add_argument("--top", type=int, default=10, help="largest requests to show (default 10)")
    a.add_argument("--json", action="store_true", help="print the allocation as JSON")
    a.add_argument("--quiet", action="store_true", help="print nothing on success")
    a.add_argument("--debug", action="store_true", help="show tracebacks")
    _add_rule_options(a)

    v = sub.add_parser("validate", help="check an input file and list every problem in it")
    v.add_argument("file", type=Path)
    _add_problem_options(v)
    v.add_argument("--debug", action="store_true", help="show tracebacks")
    _add_rule_options(v)

    r = sub.add_parser("revise", help="during the year: decisions in, shortfall redistributed")
    r.add_argument(
        "--previous",
        type=Path,
        required=True,
        help="the previous allocation (.csv/.xlsx/.json as written by --out)",
    )
    r.add_argument(
        "--decisions",
        type=Path,
        help="CSV/XLSX: municipality_id (or kommunenummer) and decision (or vedtak)",
    )
    r.add_argument(
        "--spare",
        type=Path,
        help="CSV/XLSX: municipality_id and spare capacity "
        "(column spare) of decided municipalities",
    )
    r.add_argument(
        "--settled", type=Path, help="CSV/XLSX: municipality_id and settled (or bosatt): floors"
    )
    r.add_argument("--input", type=Path, help="the problem (default: embedded Norway 2024)")
    _add_problem_options(r)
    r.add_argument("--method", default=None, help="default: webster")
    r.add_argument("--solver", choices=["threshold", "cbc", "highs"], default=None)
    r.add_argument("--out", type=Path, help="write the revision to .csv, .xlsx or .json")
    r.add_argument("--top", type=int, default=10, help="largest changes to show")
    r.add_argument("--debug", action="store_true", help="show tracebacks")
    _add_rule_options(r)

    c = sub.add_parser("scenarios", help="requests per municipality for a range of totals")
    c.add_argument(
        "--totals", required=True, help="START:STOP:STEP (inclusive), or a list 30000,37000,45000"
    )
    c.add_argument("--input", type=Path, help="the problem (default: embedded Norway 2024)")
    _add_problem_options(c)
    c.add_argument("--method", default="webster")
    c.add_argument("--out", type=Path, help="write the table to .csv, .xlsx or .json")
    c.add_argument("--debug", action="store_true", help="show tracebacks")
    _add_rule_options(c)

    e = sub.add_parser("explain", help="why a municipality is asked for what it is asked for")
    e.add_argument("municipality_id", help="kommunenummer, e.g. 4601")
    e.add_argument("--lang", choices=["en", "nb"], default="en", help="en or nb (bokmål)")
    e.add_argument("--input", type=Path, help="the problem (default: embedded Norway 2024)")
    _add_problem_options(e)
    e.add_argument("--method", default="webster")
    e.add_argument("--solver", choices=["threshold", "cbc", "highs"], default=None)
    e.add_argument("--debug", action="store_true", help="show tracebacks")
    _add_rule_options(e)

    rp = sub.add_parser("report", help="write the run report (.html or .md)")
    rp.add_argument("--out", type=Path, required=True, help="report.html or report.md")
    rp.add_argument("--input", type=Path, help="the problem (default: embedded Norway 2024)")
    _add_problem_options(rp)
    rp.add_argument("--method", default="webster")
    rp.add_argument("--solver", choices=["threshold", "cbc", "highs"], default=None)
    rp.add_argument("--no-plots", action="store_true", help="leave the plots out")
    rp.add_argument("--debug", action="store_true", help="show tracebacks")
    _add_rule_options(rp)

    cb = sub.add_parser("calibrate", help="fit the criteria weights to past IMDi requests")
    cb.add_argument(
        "--year",
        type=int,
        default=2023,
        help="requests of this year (2022 or "
        "2023), with indicators from the year before where the history has it",
    )
    cb.add_argument("--method", default="webster")
    cb.add_argument(
        "--capacity-largest",
        action="store_true",
        help="require capacity to weigh at least as much as any other criterion",
    )
    cb.add_argument("--debug", action="store_true", help="show tracebacks")

    s = sub.add_parser("schema", help="print the JSON Schema of a problem (the .json input)")
    s.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


def _load(args: argparse.Namespace, path: Path | None) -> bs.Problem:
    from busetting.datasets import MINORS_2024, NEED_2024, norway_2024
    from busetting.io import read_problem

    if path is None:
        return norway_2024(
            total=NEED_2024 if args.total is None else args.total,
            minors=MINORS_2024 if args.minors is None else args.minors,
            weights=args.weights,
        )
    if path.suffix.lower() == ".json":
        return read_problem(path, total=args.total, minors=args.minors)
    from busetting.datasets import default_criteria
    from busetting.exceptions import InputError

    if args.total is None:
        raise InputError("--total is required with a CSV or XLSX --input.")
    criteria: Any = args.weights
    if criteria is None:
        from busetting.io import read_table

        columns = set(read_table(path).columns)
        default = default_criteria()
        used = {i for c in default for i in c.indicators_used} - {"population"}
        criteria = default if used <= columns else {"population": 1.0}
    return read_problem(path, total=args.total, minors=args.minors or 0, criteria=criteria)


@contextmanager
def _progress(stream: TextIO, what: str, enabled: bool) -> Iterator[None]:
    """After one second, say on stderr that work is going on (every 5 s after that)."""
    done = threading.Event()

    def tick() -> None:
        start = time.perf_counter()
        wait = 1.0
        while not done.wait(wait):
            stream.write(f"busetting: {what} ... {time.perf_counter() - start:.0f} s\n")
            stream.flush()
            wait = 5.0

    thread = threading.Thread(target=tick, daemon=True) if enabled else None
    if thread:
        thread.start()
    try:
        yield
    finally:
        done.set()
        if thread:
            thread.join()


def _count_bar(stream: TextIO, what: str) -> Callable[[int, int], None] | None:
    """A "k / n" progress line on ``stream`` when it is a terminal, else None."""
    from busetting._sweep import TerminalBar

    isatty = getattr(stream, "isatty", None)
    return TerminalBar(what, stream) if isatty is not None and isatty() else None


def _print_failures(err: Any, stream: TextIO) -> None:
    print(f"busetting: error: {str(err).splitlines()[0]}", file=stream)
    table = getattr(err, "failure_cases", None)
    if table is not None and len(table):
        print(table.to_string(index=False), file=stream)


def _summary(alloc: bs.Allocation, top: int, out: TextIO) -> None:
    from busetting.io import county_table

    p = alloc.problem
    assert alloc.requests is not None and alloc.minors is not None
    req, mnr = int(alloc.requests.sum()), int(alloc.minors.sum())
    print(
        f"busetting {__version__}: {p.total:,} persons, of whom {p.minors:,} unaccompanied "
        f"minors, over {len(p.municipalities)} municipalities",
        file=out,
    )
    print(
        f"status {alloc.status.value} | method {alloc.method} | solver {alloc.solver} "
        f"({alloc.solver_version}) | {alloc.runtime * 1000:.1f} ms",
        file=out,
    )
    if p.rules.describe():
        print(f"rules: {', '.join(p.rules.describe())}", file=out)
    ok = "OK" if (req, mnr) == (p.total, p.minors) else "MISMATCH"
    print(
        f"totals check: requests sum to {req:,} (need {p.total:,}), minors to {mnr:,} "
        f"(need {p.minors:,}): {ok}",
        file=out,
    )
    if alloc.ties:
        print(f"ties: {len(alloc.ties)} broken by rule ({alloc.ties[0].rule})", file=out)
    frame = alloc.to_frame().sort_values(["request", "target"], ascending=False, kind="stable")
    print(f"\nlargest {min(top, len(frame))} requests:", file=out)
    print(
        f"  {'id':<4}  {'municipality':<28} {'request':>8} {'minors':>6} {'target':>10}", file=out
    )
    for mid, r in frame.head(top).iterrows():
        print(
            f"  {mid}  {r['name'][:28]:<28} {int(r['request']):>8,} {int(r['minors']):>6,} "
            f"{r['target']:>10,.2f}",
            file=out,
        )
    counties = county_table(alloc)
    print("\nper county:", file=out)
    print(f"  {'county':<34} {'request':>8} {'minors':>6} {'per 1,000':>9}", file=out)
    for county, r in counties.iterrows():
        print(
            f"  {str(county)[:34]:<34} {int(r['request']):>8,} {int(r['minors']):>6,} "
            f"{r['per_1000']:>9.2f}",
            file=out,
        )


def _allocate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import busetting as bs
    from busetting.io import allocation_to_json, write_allocation

    problem = _apply_rules(args, _load(args, args.input))
    with _progress(err, f"solving ({args.solver or 'auto'})", not (args.quiet or args.json)):
        alloc = bs.allocate(
            problem, method=args.method, solver=args.solver, time_limit=args.time_limit
        )
    if alloc.requests is not None and args.out is not None:
        write_allocation(alloc, args.out)
    if args.json:
        print(allocation_to_json(alloc), file=out)
    if alloc.status is bs.Status.INFEASIBLE:
        print(f"busetting: {alloc.message}", file=err)
        return EXIT_INFEASIBLE
    if alloc.status is not bs.Status.OPTIMAL:
        print(f"busetting: solver failure: {alloc.message}", file=err)
        return EXIT_SOLVER
    if not (args.quiet or args.json):
        _summary(alloc, args.top, out)
        if args.out is not None:
            print(f"\nwritten: {args.out}", file=out)
    return EXIT_OK


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import busetting as bs

    problem = _apply_rules(args, _load(args, args.file))
    shortfalls = bs.diagnose(problem)
    if shortfalls:
        print("busetting: error: the input is valid but infeasible:", file=err)
        for d in shortfalls:
            print(f"  {d.group}: {d.message}", file=err)
        return EXIT_INFEASIBLE
    print(
        f"{args.file}: OK, {len(problem.municipalities)} municipalities, need "
        f"{problem.total:,} (minors {problem.minors:,})",
        file=out,
    )
    return EXIT_OK


def _totals(text: str) -> list[int]:
    from busetting.exceptions import InputError

    try:
        if ":" in text:
            start, stop, *step = (int(v) for v in text.split(":"))
            return list(range(start, stop + 1, step[0] if step else 1))
        return [int(v) for v in text.split(",") if v.strip()]
    except (ValueError, IndexError):
        raise InputError(
            f"--totals must be START:STOP:STEP or a comma list; got {text!r}"
        ) from None


def _revise(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import busetting as bs
    from busetting.io import read_allocation, read_named_counts, write_table

    problem = _apply_rules(args, _load(args, args.input))
    prev = read_allocation(args.previous)
    previous = prev["request"].dropna().astype(int)
    minors_prev = prev["minors"].dropna().astype(int) if "minors" in prev else None
    decisions = (
        read_named_counts(args.decisions, ("decision", "vedtak", "fixed"))
        if args.decisions
        else None
    )
    spare = read_named_counts(args.spare, ("spare", "spare_capacity")) if args.spare else None
    settled = read_named_counts(args.settled, ("settled", "bosatt")) if args.settled else None
    rev = bs.revise(
        previous,
        problem=problem,
        previous_minors=minors_prev,
        decisions=decisions,
        spare_capacity=spare,
        settled=settled,
        total=args.total,
        minors=args.minors,
        method=args.method,
        solver=args.solver,
    )
    if rev.status is bs.Status.INFEASIBLE:
        print(f"busetting: {rev.message}", file=err)
        return EXIT_INFEASIBLE
    if rev.status is not bs.Status.OPTIMAL:
        print(f"busetting: solver failure: {rev.message}", file=err)
        return EXIT_SOLVER
    frame = rev.to_frame()
    if args.out is not None:
        write_table(frame, args.out)
    p = rev.allocation.problem
    print(
        f"revision: {rev.direction} | need {p.total:,} (minors {p.minors:,}) | "
        f"{len(rev.decisions)} decided | requests sum to {int(frame['request'].sum()):,}",
        file=out,
    )
    moved = frame[frame["change"] != 0].sort_values("change", ascending=False, kind="stable")
    print(f"largest changes ({len(moved)} municipalities changed):", file=out)
    for mid, r in moved.head(args.top).iterrows():
        print(
            f"  {mid}  {str(r['name'])[:28]:<28} {int(r['previous']):>7,} -> "
            f"{int(r['request']):>7,} ({int(r['change']):+,})",
            file=out,
        )
    return EXIT_OK


def _scenarios(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import busetting as bs
    from busetting.io import write_table

    problem = _apply_rules(args, _load(args, args.input))
    totals = _totals(args.totals)
    started = time.perf_counter()
    bar = _count_bar(err, "busetting: scenarios")
    with _progress(err, "scenarios", bar is None):
        table = bs.scenarios(problem, totals, method=args.method, progress=bar)
    took = time.perf_counter() - started
    if args.out is not None:
        write_table(table, args.out)
    print(
        f"{len(totals)} totals x {len(table)} municipalities in {took * 1000:.1f} ms "
        f"({took * 1000 / max(1, len(totals)):.3f} ms per total)",
        file=out,
    )
    return EXIT_OK


def _solved(args: argparse.Namespace, err: TextIO) -> tuple[int, Any]:
    import busetting as bs

    problem = _apply_rules(args, _load(args, args.input))
    alloc = bs.allocate(problem, method=args.method, solver=args.solver)
    if alloc.status is bs.Status.INFEASIBLE:
        print(f"busetting: {alloc.message}", file=err)
        return EXIT_INFEASIBLE, None
    if alloc.status is not bs.Status.OPTIMAL:
        print(f"busetting: solver failure: {alloc.message}", file=err)
        return EXIT_SOLVER, None
    return EXIT_OK, alloc


def _explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    code, alloc = _solved(args, err)
    if alloc is None:
        return code
    print(alloc.explain(args.municipality_id, language=args.lang).text, file=out)
    return EXIT_OK


def _report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    code, alloc = _solved(args, err)
    if alloc is None:
        return code
    path = alloc.report(args.out, plots=not args.no_plots)
    print(f"written: {path}", file=out)
    return EXIT_OK


def _calibrate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import busetting as bs
    from busetting.datasets import (
        history_with_haram,
        load_history,
        load_municipalities,
        norway_2024,
    )

    muni, hist = load_municipalities(), load_history()
    years = sorted(set(hist["year"]))
    if args.year not in years:
        from busetting.exceptions import InputError

        raise InputError(f"--year must be one of {years}; got {args.year}")
    observed = history_with_haram(muni, hist, args.year, ("anmodning",))["anmodning"]
    before = args.year - 1 if args.year - 1 in years else args.year
    previous = (
        history_with_haram(muni, hist, args.year - 1, ("anmodning",))["anmodning"]
        if args.year - 1 in years
        else None
    )
    problem = norway_2024(
        indicators_year=before, rules=bs.Rules(), minors=0, total=int(observed.sum())
    )
    constraints = ["capacity_largest"] if args.capacity_largest else []
    bar = _count_bar(err, "busetting: calibrating")
    with _progress(err, "calibrating", bar is None):
        cal = bs.calibrate(
            problem,
            observed,
            method=args.method,
            constraints=constraints,
            previous=previous,
            progress=bar,
        )
    print(
        f"requests {args.year} ({int(observed.sum()):,}), indicators from the {before} "
        f"history, method {cal.method}",
        file=out,
    )
    print("fitted weights:", file=out)
    for k, v in cal.weights.items():
        print(f"  {k:<16} {v:.3f}", file=out)
    print("loss = sum |request - observed| / N:", file=out)
    print(f"  {'fitted weights':<22} {cal.loss:.4f}", file=out)
    for k, v in cal.baselines.items():
        print(f"  {k:<22} {v:.4f}", file=out)
    if args.year - 1 in years:
        fit_obs = history_with_haram(muni, hist, args.year - 1, ("anmodning",))["anmodning"]
        fit_problem = norway_2024(
            indicators_year=args.year - 1, rules=bs.Rules(), minors=0, total=int(fit_obs.sum())
        )
        table = bs.out_of_sample(
            (fit_problem, fit_obs),
            (problem, observed),
            method=args.method,
            constraints=constraints,
            evaluate_previous=previous,
            labels=(f"fit {args.year - 1}", f"evaluate {args.year}"),
        )
        print("out of sample (weights fitted on the year before):", file=out)
        for row in table.itertuples(index=False):
            print(f"  {row.sample:<14} {row.model:<22} {row.loss:.4f}", file=out)
    return EXIT_OK


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the CLI with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["allocate", *argv]
    args = _parser().parse_args(argv)
    from busetting.exceptions import InfeasibleError, InputError, SolverError

    try:
        if args.command == "schema":
            import busetting as bs

            print(
                json.dumps(bs.Problem.model_json_schema(), indent=2, ensure_ascii=False), file=out
            )
            return EXIT_OK
        if args.command == "validate":
            return _validate(args, out, err)
        if args.command == "revise":
            return _revise(args, out, err)
        if args.command == "scenarios":
            return _scenarios(args, out, err)
        if args.command == "calibrate":
            return _calibrate(args, out, err)
        if args.command == "explain":
            return _explain(args, out, err)
        if args.command == "report":
            return _report(args, out, err)
        return _allocate(args, out, err)
    except InputError as exc:
        if args.debug:
            raise
        _print_failures(exc, err)
        return EXIT_INPUT
    except InfeasibleError as exc:
        if args.debug:
            raise
        print(f"busetting: {exc}", file=err)
        return EXIT_INFEASIBLE
    except SolverError as exc:
        if args.debug:
            raise
        print(f"busetting: solver failure: {exc}", file=err)
        return EXIT_SOLVER
    except BrokenPipeError:  # the reader went away (e.g. `| head`): nothing left to say
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except (OSError, ValueError) as exc:
        if args.debug:
            raise
        print(f"busetting: error: {exc}", file=err)
        return EXIT_INPUT
