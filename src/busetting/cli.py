"""Command-line interface: a thin layer over the library.

``busetting`` (or ``python -m busetting``) with no arguments runs ``busetting allocate``: the
2024 Norwegian problem (37,000 persons, of whom 610 unaccompanied minors) on the embedded
data, printed as a compact summary.

Commands: ``allocate`` (default), ``validate FILE``, ``revise``, ``scenarios``, ``explain ID``,
``report``, ``calibrate``, ``counties``, ``reconcile``, ``schema``.

Exit codes: 0 success; 2 bad input (including a bad command line); 3 infeasible; 4 solver
failure (including a time limit without a proven optimum). Errors are one line plus the
failure table; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

import busetting as bs
from busetting._allocate import fingerprint
from busetting._exceptions import InfeasibleError, InputError, SolverError
from busetting._model import Problem, Rules
from busetting._report import default_language
from busetting._sweep import TerminalBar
from busetting._version import __version__
from busetting.datasets import (
    HISTORY_YEARS,
    INDICATORS,
    MINORS_2024,
    NEED_2024,
    PROCESS_RULES_2024,
    default_criteria,
    derive_indicators,
    norway_2024,
    norway_problem,
    observed_requests,
)
from busetting.io import (
    Settings,
    allocation_to_dict,
    allocation_to_json,
    county_table,
    problem_from_frame,
    read_allocation,
    read_county_totals,
    read_fixed,
    read_named_counts,
    read_parameters,
    read_problem,
    read_table,
    settings_from_parameters,
    write_allocation,
    write_revision,
    write_table,
)
from busetting.schemas import AllocationOutput

__all__ = ["EXIT_INFEASIBLE", "EXIT_INPUT", "EXIT_OK", "EXIT_SOLVER", "build_parser", "main"]

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_SOLVER = 4


class _Formatter(argparse.HelpFormatter):
    """Help text wrapped only at spaces: never inside a number, a name or a file name."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        text = " ".join(text.split())
        return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> Any:  # argparse's own exit code for usage errors is 2
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"busetting: error: {message}\n")


def _weights(text: str) -> dict[str, float] | str:
    if text.strip() in ("fitted", "ministry"):
        return text.strip()
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


STDIO = "-"
"""``--input -`` reads CSV from standard input; ``--out -`` writes CSV to standard output."""

METHODS_HELP = "webster (default), hamilton, dhondt, huntington_hill, adams or dean"


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1; got {text!r}")
    return value


def _output_path(*suffixes: str, stdout: bool = True) -> Any:
    """An argparse type: a path ending in one of ``suffixes`` (or ``-``), checked at once."""

    def check(text: str) -> Path:
        if text == STDIO and stdout:
            return Path(STDIO)
        path = Path(text)
        if path.suffix.lower() not in suffixes:
            allowed = (
                ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}"
                if len(suffixes) > 1
                else (suffixes[0])
            )
            raise argparse.ArgumentTypeError(
                f"must end in {allowed}{' (or be - for standard output)' if stdout else ''}; "
                f"got {text!r}"
            )
        return path

    return check


def _add_input(p: argparse.ArgumentParser, what: str | None = None) -> None:
    p.add_argument(
        "-i",
        "--input",
        type=Path,
        help=(
            what
            or "the problem: .csv or .xlsx (one row per municipality) or .json (a whole "
            "problem); default: the embedded Norway 2024 data"
        )
        + "; - reads CSV from standard input",
    )


def _add_out(
    p: argparse.ArgumentParser, what: str, suffixes: tuple[str, ...], *, required: bool = False
) -> None:
    p.add_argument(
        "-o",
        "--out",
        type=_output_path(*suffixes),
        required=required,
        help=f"write {what} to {' / '.join(suffixes)} (the format from the suffix); - writes "
        "CSV to standard output (the summary then goes to standard error)",
    )


def _add_output_flags(p: argparse.ArgumentParser, *, lang: str | None = "en") -> None:
    """--json, --quiet and (unless the command has its own) --lang."""
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    if lang is not None:
        p.add_argument(
            "--lang",
            choices=["en", "nb"],
            default=lang,
            help=f"language of written files and text: en or nb (bokmål); default {lang}",
        )


def _add_method(p: argparse.ArgumentParser, default: str | None = "webster") -> None:
    p.add_argument(
        "--method",
        default=default,
        help="apportionment method: " + METHODS_HELP
        if default
        else "apportionment method (default: the previous file's, else webster): " + METHODS_HELP,
    )


def _add_solver(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--solver",
        choices=["threshold", "cbc", "highs"],
        default=None,
        help="default: the fastest path that can solve the problem",
    )


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
        help="criteria weights: a preset (fitted: the default for the embedded data; "
        "ministry) or name=weight pairs such as capacity=0.5,spread=0.3,population=0.2; "
        "with --input, each name is a column (volume criterion)",
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


def _rules(args: argparse.Namespace, base: Any) -> Any:
    """The rules the options ask for, starting from ``base`` (or none with --no-rules)."""
    if not hasattr(args, "granularity"):
        return base
    base = Rules() if args.no_rules else base
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
        raise InputError(
            f"bad rule option: {exc.errors()[0]['msg']}".replace("Value error, ", "")  # type: ignore[attr-defined]
        ) from None
    return rules


def _apply_rules(args: argparse.Namespace, problem: Problem) -> Problem:
    problem = problem.with_rules(_rules(args, problem.rules))
    if args.fixed is not None:
        problem = problem.with_fixed(read_fixed(args.fixed))
    return problem


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser: every subcommand, its options and their help.

    Returns
    -------
    argparse.ArgumentParser
        A new parser; the documentation's CLI reference is its help text.
    """
    parser = _Parser(
        prog="busetting",
        description=(
            "Allocate a national settlement need over municipalities, exactly. With no command, "
            "runs `allocate` on the embedded Norway 2024 data."
        ),
    )
    parser.add_argument("--version", action="version", version=f"busetting {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    for add in (
        _add_allocate,
        _add_validate,
        _add_revise,
        _add_scenarios,
        _add_explain,
        _add_report,
        _add_calibrate,
        _add_backtest,
        _add_county_commands,
        _add_schema,
    ):
        add(sub)
    return parser


TABLE_OUT = (".csv", ".xlsx", ".json")
"""What --out of a table accepts."""


def _add_debug(p: argparse.ArgumentParser) -> None:
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def _add_top(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--top", type=_positive_int, default=10, help=f"largest {what} to show (default 10)"
    )


def _add_allocate(sub: Any) -> None:
    a = sub.add_parser("allocate", help="compute the requests (the default command)")
    _add_input(a)
    _add_problem_options(a)
    _add_method(a)
    _add_solver(a)
    a.add_argument("--time-limit", type=float, default=None, help="seconds for the solver")
    _add_out(a, "the allocation", TABLE_OUT)
    _add_top(a, "requests")
    _add_output_flags(a)
    _add_debug(a)
    _add_rule_options(a)


def _add_validate(sub: Any) -> None:
    v = sub.add_parser("validate", help="check an input file and list every problem in it")
    _add_input(v, "the file to check: .csv, .xlsx or .json")
    v.add_argument(
        "file", type=Path, nargs="?", help="the same as --input (kept for older scripts)"
    )
    _add_problem_options(v)
    _add_output_flags(v, lang=None)
    _add_debug(v)
    _add_rule_options(v)


def _add_revise(sub: Any) -> None:
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
    r.add_argument(
        "--extra-capacity",
        type=Path,
        help="CSV/XLSX: municipality_id and extra_capacity (or extra): how many more each "
        "could settle if the need rises; bounds the increases",
    )
    _add_input(
        r,
        "the problem's indicators (default: embedded Norway 2024); method, criteria, "
        "rules, bounds, fixed values and need come from --previous unless a flag overrides",
    )
    _add_problem_options(r)
    _add_method(r, default=None)
    _add_solver(r)
    _add_out(r, "the revision", TABLE_OUT)
    _add_top(r, "changes")
    _add_output_flags(r, lang=None)
    _add_debug(r)
    _add_rule_options(r)


def _add_scenarios(sub: Any) -> None:
    c = sub.add_parser("scenarios", help="requests per municipality for a range of totals")
    c.add_argument(
        "--totals", required=True, help="START:STOP:STEP (inclusive), or a list 30000,37000,45000"
    )
    _add_input(c)
    _add_problem_options(c)
    _add_method(c)
    _add_out(c, "the table", TABLE_OUT)
    _add_output_flags(c)
    _add_debug(c)
    _add_rule_options(c)


def _add_explain(sub: Any) -> None:
    e = sub.add_parser("explain", help="why a municipality is asked for what it is asked for")
    e.add_argument("municipality_id", help="kommunenummer, e.g. 4601")
    _add_input(e)
    _add_problem_options(e)
    _add_method(e)
    _add_solver(e)
    _add_output_flags(e)
    _add_debug(e)
    _add_rule_options(e)


def _add_report(sub: Any) -> None:
    rp = sub.add_parser(
        "report", help="write the run report (.html or .md) or the workbook (.xlsx or .csv)"
    )
    rp.add_argument(
        "-o",
        "--out",
        type=_output_path(".html", ".md", ".xlsx", ".csv", stdout=False),
        required=True,
        help="report.html or report.md; requests.xlsx (the workbook) or requests.csv",
    )
    rp.add_argument(
        "--county", help="one county's letter-ready view or workbook rows, e.g. Vestland"
    )
    rp.add_argument(
        "--by-county",
        action="store_true",
        help="group the report's municipality table by county, with subtotals",
    )
    rp.add_argument(
        "--csv-dialect",
        choices=["standard", "excel-nb"],
        default=None,
        help="for a .csv: excel-nb (';', decimal comma, BOM; the default in nb) or standard",
    )
    _add_input(rp)
    _add_problem_options(rp)
    _add_method(rp)
    _add_solver(rp)
    rp.add_argument("--no-plots", action="store_true", help="leave the plots out")
    _add_output_flags(rp, lang=None)
    rp.add_argument(
        "--lang",
        choices=["en", "nb", "nn"],
        default=None,
        help="nb (bokmål), nn (nynorsk) or en; default: nb for the Norway data, en otherwise",
    )
    _add_debug(rp)
    _add_rule_options(rp)


def _add_calibrate(sub: Any) -> None:
    cb = sub.add_parser("calibrate", help="fit the criteria weights to past IMDi requests")
    cb.add_argument(
        "--year",
        type=int,
        default=2023,
        help="fit the requests of this year (2021-2023) with indicators from the year before",
    )
    _add_method(cb)
    cb.add_argument(
        "--criteria",
        type=lambda text: [c.strip() for c in text.split(",") if c.strip()],
        help="refit only these criteria, comma-separated (default: all seven; each one more "
        "makes the integer search slower)",
    )
    cb.add_argument(
        "--capacity-largest",
        action="store_true",
        help="require capacity to weigh at least as much as any other criterion",
    )
    _add_output_flags(cb, lang=None)
    _add_debug(cb)


def _add_backtest(sub: Any) -> None:
    bt = sub.add_parser(
        "backtest",
        help="predict a past year's IMDi requests from the year before and score them",
    )
    bt.add_argument(
        "--year",
        type=int,
        default=2023,
        help="the year to predict (2022 or 2023 with fitted weights; default 2023)",
    )
    bt.add_argument(
        "--weights",
        type=_weights,
        help="use these weights instead of fitting on the year before "
        "(a preset: fitted, ministry; or name=weight pairs)",
    )
    _add_method(bt)
    _add_output_flags(bt, lang=None)
    _add_debug(bt)


def _add_schema(sub: Any) -> None:
    s = sub.add_parser(
        "schema", help="print the JSON Schema of a problem (the .json input) or of the output"
    )
    s.add_argument(
        "--output",
        action="store_true",
        help="the schema of the allocation output (what --json prints) instead of the input",
    )
    s.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)


def _load(args: argparse.Namespace, path: Path | None) -> Problem:
    if path is None:
        return norway_2024(
            total=NEED_2024 if args.total is None else args.total,
            minors=MINORS_2024 if args.minors is None else args.minors,
            weights=args.weights,
            rules=_rules(args, PROCESS_RULES_2024),
        )
    if path.suffix.lower() == ".json":
        return read_problem(path, total=args.total, minors=args.minors)
    if args.total is None:
        raise InputError("--total is required with a CSV or XLSX --input.")
    criteria: Any = args.weights
    if isinstance(criteria, str):
        criteria = default_criteria(criteria)
    if criteria is None:
        columns = set(read_table(path).columns)
        default = default_criteria("ministry")
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


def _interactive(stream: TextIO) -> bool:
    """Whether progress lines belong on ``stream`` (a terminal, not a pipe or a test)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _count_bar(stream: TextIO, what: str) -> Callable[[int, int], None] | None:
    """A "k / n" progress line on ``stream`` when it is a terminal, else None."""
    return TerminalBar(what, stream) if _interactive(stream) else None


def _print_failures(err: Any, stream: TextIO, *, as_json: bool = False) -> None:
    """The error's first line and its failure table; with ``as_json``, one JSON object."""
    message = str(err).splitlines()[0]
    table = getattr(err, "failure_cases", None)
    if as_json:
        cases = (
            json.loads(table.to_json(orient="records", force_ascii=False, default_handler=str))
            if table is not None
            else []
        )
        error = {"type": type(err).__name__, "message": message, "failure_cases": cases}
        print(json.dumps({"error": error}, indent=2, ensure_ascii=False), file=stream)
        return
    print(f"busetting: error: {message}", file=stream)
    if table is not None and len(table):
        print(table.to_string(index=False), file=stream)


def _summary(alloc: bs.Allocation, top: int, out: TextIO) -> None:
    p = alloc.problem
    assert alloc.requests is not None and alloc.minors is not None
    req, mnr = int(alloc.requests.sum()), int(alloc.minors.sum())
    print(
        f"busetting {__version__}: {p.total:,} persons, of whom {p.minors_total:,} unaccompanied "
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
    ok = "OK" if (req, mnr) == (p.total, p.minors_total) else "MISMATCH"
    print(
        f"totals check: requests sum to {req:,} (need {p.total:,}), minors to {mnr:,} "
        f"(need {p.minors_total:,}): {ok}",
        file=out,
    )
    if alloc.ties:
        print(f"ties: {len(alloc.ties)} broken by rule ({alloc.ties[0].rule})", file=out)
    _largest(alloc, top, out)
    counties = county_table(alloc)
    print("\nper county:", file=out)
    print(f"  {'county':<34} {'request':>8} {'minors':>6} {'per 1,000':>9}", file=out)
    for county, r in counties.iterrows():
        print(
            f"  {str(county)[:34]:<34} {int(r['request']):>8,} {int(r['minors']):>6,} "
            f"{r['per_1000']:>9.2f}",
            file=out,
        )


def _largest(alloc: bs.Allocation, top: int, out: TextIO) -> None:
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


def _allocate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    problem = _apply_rules(args, _load(args, args.input))
    show = _interactive(err) and not (args.quiet or args.json)
    with _progress(err, f"solving ({args.solver or 'auto'})", show):
        alloc = bs.allocate(
            problem, method=args.method, solver=args.solver, time_limit=args.time_limit
        )
    if alloc.requests is not None and args.out is not None:
        write_allocation(alloc, args.out, language=args.lang)
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
            print(f"\nwritten: {_shown(args)}", file=out)
    return EXIT_OK


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path = args.input or args.file
    if path is None:
        raise InputError("validate needs the file to check: --input FILE (or - for stdin)")
    problem = _apply_rules(args, _load(args, path))
    shortfalls = bs.diagnose(problem)
    if args.json:
        payload = {
            "file": str(path),
            "ok": not shortfalls,
            "municipalities": len(problem.municipalities),
            "total": problem.total,
            "minors": problem.minors_total,
            "shortfalls": [dataclasses.asdict(d) for d in shortfalls],
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False), file=out)
        return EXIT_INFEASIBLE if shortfalls else EXIT_OK
    if shortfalls:
        print("busetting: error: the input is valid but infeasible:", file=err)
        for d in shortfalls:
            print(f"  {d.group}: {d.message}", file=err)
        return EXIT_INFEASIBLE
    print(
        f"{path}: OK, {len(problem.municipalities)} municipalities, need "
        f"{problem.total:,} (minors {problem.minors_total:,})",
        file=out,
    )
    return EXIT_OK


def _totals(text: str) -> list[int]:
    try:
        if ":" in text:
            start, stop, *step = (int(v) for v in text.split(":"))
            return list(range(start, stop + 1, step[0] if step else 1))
        return [int(v) for v in text.split(",") if v.strip()]
    except (ValueError, IndexError):
        raise InputError(
            f"--totals must be START:STOP:STEP or a comma list; got {text!r}"
        ) from None


# -- revise ---------------------------------------------------------------------------------


def _revise_problem(
    args: argparse.Namespace, totals: tuple[int, int], err: TextIO
) -> tuple[Problem, str, list[str]]:
    """The previous run's problem and method, rebuilt from its parameters; flags override.

    Returns the problem, the method and the lines that say what was kept or assumed.
    """
    name = args.previous.name
    params = read_parameters(args.previous)
    settings = settings_from_parameters(params, name) if params else None
    problem = _previous_problem(args, settings, totals)
    lines = []
    if settings is None or settings.criteria is None:  # none, or an older file's few
        method = args.method or (settings.method if settings else "webster")
        _warn_assumed(args, settings, problem, method, err)
    else:
        problem = settings.apply(problem, criteria=args.weights is None)
        method = args.method or settings.method
        if (
            settings.fingerprint
            and args.weights is None
            and fingerprint(problem, settings.method) != settings.fingerprint
        ):
            print(
                f"busetting: warning: the problem rebuilt from {name} differs from the one it "
                "was made with (other input data or another busetting version): its "
                "indicators are read from "
                + (str(args.input) if args.input else "the embedded data"),
                file=err,
            )
        lines.append(f"kept from {name}: {'; '.join(settings.describe())}")
    overridden = _overridden(args)
    if overridden:
        lines.append(f"overridden by {', '.join(overridden)}")
    return _apply_rules(args, problem), method, lines


def _previous_problem(
    args: argparse.Namespace, settings: Settings | None, totals: tuple[int, int]
) -> Problem:
    """The problem --previous was made on: its recorded criteria read from the indicators
    (unless --weights or a .json --input says otherwise), else the input as --input loads it."""
    json_input = args.input is not None and args.input.suffix.lower() == ".json"
    if settings is not None and settings.criteria is not None and not (json_input or args.weights):
        embedded = args.input is None
        return problem_from_frame(  # read the indicators the recorded criteria use
            derive_indicators() if embedded else read_table(args.input),
            total=settings.total,
            minors=settings.minors,
            criteria=settings.criteria,
            minors_criteria=settings.minors_criteria,
            indicators=INDICATORS if embedded else (),
        )
    loaded = argparse.Namespace(**vars(args))
    if settings is not None:
        loaded.total, loaded.minors = settings.total, settings.minors
    else:
        loaded.total, loaded.minors = totals
    return _load(loaded, args.input)


def _overridden(args: argparse.Namespace) -> list[str]:
    """The flags that override what --previous was made with."""
    return [
        flag
        for flag, value in (
            ("--method", args.method),
            ("--weights", args.weights),
            ("--fixed", args.fixed),
            ("--no-rules", args.no_rules or None),
            *((f"--{f.replace('_', '-')}", getattr(args, f)) for f in _RULE_FLAGS),
        )
        if value is not None
    ]


def _warn_assumed(
    args: argparse.Namespace,
    settings: Settings | None,
    problem: Problem,
    method: str,
    err: TextIO,
) -> None:
    """Warn that --previous does not say what it was made with, and what is assumed."""
    assumed = [
        f"method {method}" + (" (its own)" if settings and not args.method else ""),
        "criteria "
        + ", ".join(f"{c.name}={c.weight:g}" for c in problem.criteria)
        + (" (from --weights)" if args.weights else " (the input's defaults)"),
        "rules " + (", ".join(problem.rules.describe()) or "none") + " (the input's)",
        "no fixed values" + (" but --fixed" if args.fixed else "") + ", bounds from the input only",
        f"need {problem.total:,} (minors {problem.minors_total:,})"
        + (", the sum of its requests" if settings is None else " (its own)"),
    ]
    what = "no parameters" if settings is None else "no criteria, rules or bounds"
    print(
        f"busetting: warning: {args.previous.name} has {what} (the settings it was made "
        f"with); assumed: {'; '.join(assumed)}",
        file=err,
    )


_RULE_FLAGS = (
    "granularity",
    "min_request",
    "minors_min_group",
    "max_minors_hosts",
    "county_totals",
    "county_penalty",
    "per_capita_cap",
    "share_cap",
)


def _previous_requests(path: Path) -> tuple[pd.Series, pd.Series | None]:
    """The requests (and minors, if any) of the previous allocation file."""
    prev = read_allocation(path)
    if "request" not in prev.columns:
        raise InputError(
            f"--previous: {path.name} needs a column request. Got columns "
            f"{', '.join(map(str, prev.columns))} instead."
        )
    previous = prev["request"].dropna().astype(int)
    minors_prev = prev["minors"].dropna().astype(int) if "minors" in prev else None
    return previous, minors_prev


def _counts(path: Path | None, columns: tuple[str, ...]) -> dict[str, int] | None:
    return read_named_counts(path, columns) if path else None


def _revise(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    previous, minors_prev = _previous_requests(args.previous)
    sums = (int(previous.sum()), 0 if minors_prev is None else int(minors_prev.sum()))
    problem, method, kept = _revise_problem(args, sums, err)
    rev = bs.revise(
        previous,
        problem=problem,
        previous_minors=minors_prev,
        decisions=_counts(args.decisions, ("decision", "vedtak", "fixed")),
        spare_capacity=_counts(args.spare, ("spare", "spare_capacity")),
        extra_capacity=_counts(args.extra_capacity, ("extra_capacity", "extra")),
        settled=_counts(args.settled, ("settled", "bosatt")),
        total=args.total,
        minors=args.minors,
        method=method,
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
        write_revision(rev, args.out)
    moved = frame[frame["change"] != 0].assign(size=lambda f: f["change"].abs())
    moved = moved.sort_values("size", ascending=False, kind="stable")  # ids ascending within
    if args.json:
        _print_revision_json(rev, moved, kept, out)
    else:
        _print_revision(args, rev, frame, moved, kept, out)
    return EXIT_OK


def _print_revision_json(
    rev: bs.Revision, moved: pd.DataFrame, kept: list[str], out: TextIO
) -> None:
    payload = {
        "direction": rev.direction,
        "minors_direction": rev.minors_direction,
        "kept": kept,
        "changes": [
            {
                "municipality_id": str(mid),
                "name": str(r["name"]),
                "previous": int(r["previous"]),
                "request": int(r["request"]),
                "change": int(r["change"]),
            }
            for mid, r in moved.iterrows()
        ],
        "allocation": allocation_to_dict(rev.allocation),
    }
    print(json.dumps(payload, indent=2, ensure_ascii=False), file=out)


def _print_revision(
    args: argparse.Namespace,
    rev: bs.Revision,
    frame: pd.DataFrame,
    moved: pd.DataFrame,
    kept: list[str],
    out: TextIO,
) -> None:
    p = rev.allocation.problem
    print(
        f"revision: {rev.direction} | need {p.total:,} (minors {p.minors_total:,}) | "
        f"{len(rev.decisions)} decided | requests sum to {int(frame['request'].sum()):,}",
        file=out,
    )
    for line in kept:
        print(line, file=out)
    up, down = int((moved["change"] > 0).sum()), int((moved["change"] < 0).sum())
    print(f"largest changes ({up} up, {down} down, by absolute change):", file=out)
    for mid, r in moved.head(args.top).iterrows():
        print(
            f"  {mid}  {str(r['name'])[:28]:<28} {int(r['previous']):>7,} -> "
            f"{int(r['request']):>7,} ({int(r['change']):+,})",
            file=out,
        )
    if args.out is not None:
        print(f"written: {_shown(args)}", file=out)


def _scenarios(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    problem = _apply_rules(args, _load(args, args.input))
    totals = _totals(args.totals)
    started = time.perf_counter()
    bar = _count_bar(err, "busetting: scenarios")
    table = bs.scenarios(problem, totals, method=args.method, progress=bar)
    took = time.perf_counter() - started
    if args.out is not None:
        write_table(table, args.out, language=args.lang)
    if args.json:
        payload = {
            "totals": [int(t) for t in table.columns],
            "requests": {
                str(mid): [None if _isna(v) else int(v) for v in row]
                for mid, row in table.iterrows()
            },
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    print(
        f"{len(totals)} totals x {len(table)} municipalities in {took * 1000:.1f} ms "
        f"({took * 1000 / max(1, len(totals)):.3f} ms per total)",
        file=out,
    )
    missing = [int(t) for t in table.columns if table[t].isna().all()]
    if missing:
        below = [t for t in missing if t < problem.minors_total]
        print(
            f"{len(missing)} total{'s' * (len(missing) != 1)} cannot be met and "
            f"{'are' if len(missing) != 1 else 'is'} left as missing values: "
            f"{', '.join(f'{t:,}' for t in missing[:5])}{' ...' if len(missing) > 5 else ''}"
            + (
                f" ({len(below)} below the minors need of {problem.minors_total:,})"
                if below
                else ""
            ),
            file=out,
        )
    return EXIT_OK


def _solved(args: argparse.Namespace, err: TextIO) -> tuple[int, Any]:
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
    explanation = alloc.explain(args.municipality_id, language=args.lang)
    if args.json:
        payload = {
            k: v
            for k, v in dataclasses.asdict(explanation).items()
            if k not in ("lines", "margins")
        }
        payload["lines"] = list(explanation.lines)
        print(json.dumps(payload, indent=2, ensure_ascii=False, default=str), file=out)
        return EXIT_OK
    print(explanation.text, file=out)
    return EXIT_OK


def _report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    code, alloc = _solved(args, err)
    if alloc is None:
        return code
    suffix = args.out.suffix.lower()
    if suffix in (".xlsx", ".csv"):
        lang = args.lang or default_language(alloc)
        dialect = args.csv_dialect or ("excel-nb" if lang in ("nb", "nn") else "standard")
        path = write_allocation(
            alloc, args.out, language=lang, csv_dialect=dialect, county=args.county
        )
    else:
        path = alloc.report(
            args.out,
            plots=not args.no_plots,
            language=args.lang,
            county=args.county,
            by_county=args.by_county,
        )
    if args.json:
        print(json.dumps({"written": str(path)}), file=out)
        return EXIT_OK
    print(f"written: {path}", file=out)
    return EXIT_OK


def _calibration_year(year: int) -> tuple[Problem, pd.Series]:
    """The problem of ``year`` (its real total, no rules) and IMDi's real requests."""
    observed = observed_requests(year)
    total = int(observed.sum())
    built = norway_problem(year, total=total, rules=bs.Rules(), ask_everyone=False)
    return built, observed


def _calibrate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    years = HISTORY_YEARS[1:]
    if args.year not in years:
        raise InputError(f"--year must be one of {list(years)}; got {args.year}")
    problem, observed = _calibration_year(args.year)
    previous = observed_requests(args.year - 1)
    constraints = ["capacity_largest"] if args.capacity_largest else []
    cal = bs.calibrate(
        problem,
        observed,
        criteria=args.criteria,
        method=args.method,
        constraints=constraints,
        previous=previous,
        progress=_count_bar(err, "busetting: calibrating"),
    )
    if args.json:
        payload = {
            "year": args.year,
            "method": cal.method,
            "weights": cal.weights,
            "loss": cal.loss,
            "baselines": cal.baselines,
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    print(
        f"requests {args.year} ({int(observed.sum()):,}), indicators from the "
        f"{args.year - 1} history, method {cal.method}",
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
        _print_out_of_sample(args, (problem, observed), previous, constraints, out)
    return EXIT_OK


def _print_out_of_sample(
    args: argparse.Namespace,
    evaluate: tuple[Problem, pd.Series],
    previous: pd.Series,
    constraints: list[str],
    out: TextIO,
) -> None:
    """The losses with weights fitted on the year before ``--year``, scored on ``--year``."""
    table = bs.out_of_sample(
        _calibration_year(args.year - 1),
        evaluate,
        method=args.method,
        criteria=args.criteria,
        constraints=constraints,
        evaluate_previous=previous,
        labels=(f"fit {args.year - 1}", f"evaluate {args.year}"),
    )
    print("out of sample (weights fitted on the year before):", file=out)
    for row in table.itertuples(index=False):
        print(f"  {row.sample:<14} {row.model:<22} {row.loss:.4f}", file=out)


def _backtest(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with _progress(err, "backtesting", _interactive(err)):
        result = bs.backtest(args.year, weights=args.weights, method=args.method)
    if args.json:
        payload = {
            "year": result.year,
            "total": result.total,
            "weights": result.weights,
            "fitted_on": result.fitted_on,
            "beats_baselines": result.beats_baselines,
            "scores": result.table.reset_index().to_dict(orient="records"),
            "by_county": result.by_county.reset_index().to_dict(orient="records"),
            "by_centrality": result.by_centrality.reset_index().to_dict(orient="records"),
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    print(
        f"Backtest {result.year}: IMDi's real requests ({result.total:,} persons) against "
        f"the model built from {result.year - 1} information",
        file=out,
    )
    print(f"weights ({result.fitted_on}):", file=out)
    for k, v in result.weights.items():
        print(f"  {k:<18} {v:.3f}", file=out)
    print("", file=out)
    print(result.to_markdown(), file=out)
    print("", file=out)
    print("requests per 1,000 residents by SSB centrality class (1 = most central):", file=out)
    print(result.by_centrality.round(2).to_string(), file=out)
    print("", file=out)
    print("L1 / real county total, per county:", file=out)
    print(result.by_county.round(3).to_string(), file=out)
    verdict = "beats" if result.beats_baselines else "does NOT beat"
    print(f"\nThe model {verdict} both baselines on L1/N.", file=out)
    return EXIT_OK


# -- the county round ---------------------------------------------------------------------


def _add_county_commands(sub: Any) -> None:
    co = sub.add_parser(
        "counties", help="the county round: write the draft workbooks, one per county"
    )
    co.add_argument(
        "-o", "--out", type=Path, required=True, help="an existing folder for the workbooks"
    )
    _add_output_flags(co, lang="nb")
    re_ = sub.add_parser(
        "reconcile", help="the county round: recommendations in, final requests and changes out"
    )
    re_.add_argument(
        "recommendations",
        type=Path,
        nargs="+",
        help="the returned workbooks or CSV files (or folders of them), any subset of counties",
    )
    re_.add_argument(
        "--key-weight",
        type=float,
        default=0.25,
        help="weight of the national key where a county's recommendations are incomplete or "
        "do not sum to its share (default 0.25)",
    )
    _add_out(re_, "the final requests", TABLE_OUT)
    re_.add_argument(
        "--changes",
        type=_output_path(".xlsx", ".csv", ".json", stdout=False),
        help="write the per-county change report (.xlsx, .csv, .json)",
    )
    _add_output_flags(re_, lang="nb")
    for p in (co, re_):
        _add_input(p)
        _add_problem_options(p)
        _add_method(p)
        _add_solver(p)
        _add_debug(p)
        _add_rule_options(p)


def _county_round(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``counties``: the draft workbooks. ``reconcile``: the final requests and the changes."""
    code, draft = _solved(args, err)
    if draft is None:
        return code
    if args.command == "counties":
        _counties(args, draft, out)
    else:
        _reconcile(args, draft, out, err)
    return EXIT_OK


def _counties(args: argparse.Namespace, draft: bs.Allocation, out: TextIO) -> None:
    drafts = bs.county_drafts(draft)
    paths = bs.write_county_drafts(drafts, args.out, language=args.lang, allocation=draft)
    if args.json:
        payload = {
            county: {
                "share": int(drafts[county]["draft_request"].sum()),
                "minors": int(drafts[county]["draft_minors"].sum()),
                "file": str(path),
            }
            for county, path in zip(sorted(drafts), paths, strict=False)
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False), file=out)
        return
    for county, path in zip(sorted(drafts), paths, strict=False):
        share = int(drafts[county]["draft_request"].sum())
        minors = int(drafts[county]["draft_minors"].sum())
        print(f"{county:<34} share {share:>7,}  minors {minors:>5,}  {path.name}", file=out)
    print(f"written: {len(paths)} workbooks in {args.out}", file=out)


def _reconcile(args: argparse.Namespace, draft: bs.Allocation, out: TextIO, err: TextIO) -> None:
    recs = bs.read_recommendations(args.recommendations, problem=draft.problem)
    for note in recs.notes:
        print(f"busetting: note: {note}", file=err)
    result = bs.reconcile(
        draft.problem,
        recs,
        draft=draft,
        method=args.method,
        key_weight=args.key_weight,
        solver=args.solver,
    ).raise_for_status()
    if args.out is not None:
        write_allocation(result.allocation, args.out)
    if args.changes is not None:
        bs.write_change_report(result, args.changes, language=args.lang)
    if args.json:
        payload = {
            "counties": json.loads(result.counties.reset_index().to_json(orient="records")),
            "changes": json.loads(result.changes.to_json(orient="records")),
            "allocation": allocation_to_dict(result.allocation),
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False), file=out)
        return
    _print_reconciliation(result, out)
    for path in (args.out, args.changes):
        if path is not None:
            print(f"written: {path}", file=out)


def _print_reconciliation(result: bs.Reconciliation, out: TextIO) -> None:
    """Each county's share, recommendation and final sum, then every change and its reason."""
    print(
        f"{'county':<34} {'share':>7} {'recommended':>11} {'final':>7} {'changed':>7}  case",
        file=out,
    )
    for name, row in result.counties.iterrows():
        shown = "-" if _isna(row["recommendation"]) else f"{int(row['recommendation']):,}"
        print(
            f"{name!s:<34} {int(row['share']):>7,} {shown:>11} {int(row['request']):>7,} "
            f"{int(row['changed']):>7}  {row['case']}",
            file=out,
        )
    for change in result.changes.itertuples(index=False):
        print(
            f"  {change.county}: {change.municipality_id} {change.name}: "
            f"{_text(change.recommendation)} -> {change.request}, minors "
            f"{_text(change.recommended_minors)} -> {change.minors}: {change.reason}",
            file=out,
        )


def _isna(value: Any) -> bool:
    return bool(pd.isna(value))


def _text(value: Any) -> str:
    return "-" if _isna(value) else str(int(value))


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """Run the CLI with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    ``--input -`` reads CSV from ``stdin``; ``--out -`` writes CSV to ``stdout`` (the human
    summary then goes to ``stderr``).
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["allocate", *argv]
    args = build_parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="busetting-") as tmp:
        return _run(args, stdin or sys.stdin, out, err, Path(tmp))


def _run(args: argparse.Namespace, inp: TextIO, out: TextIO, err: TextIO, tmp: Path) -> int:
    """Standard input and output for ``-``, --quiet, then the command."""
    if getattr(args, "input", None) == Path(STDIO):
        args.input = tmp / "stdin.csv"
        args.input.write_text(inp.read(), encoding="utf-8")
    to_stdout = getattr(args, "out", None) == Path(STDIO)
    if to_stdout:
        if getattr(args, "json", False):
            return _input_error(
                args, InputError("--out - and --json both write to standard output"), err
            )
        args.out = tmp / "out.csv"
        args.stdout_file = args.out
    text = err if to_stdout else out
    if getattr(args, "quiet", False) and not getattr(args, "json", False):
        text = io.StringIO()
    code = _dispatch(args, text, err)
    if to_stdout and code == EXIT_OK and args.out.is_file():
        out.write(args.out.read_text(encoding="utf-8"))
        if (tmp / "out.parameters.csv").is_file():
            print(
                "busetting: note: with --out - the run's parameters (what `busetting revise "
                "--previous` reads) are not kept; write to a .csv, .xlsx or .json file for that",
                file=err,
            )
    return code


def _shown(args: argparse.Namespace) -> str:
    """Where --out went, in words: the file, or standard output for ``-``."""
    if getattr(args, "stdout_file", None) is not None and args.out == args.stdout_file:
        return "standard output"
    return str(args.out)


def _check_outputs(args: argparse.Namespace) -> None:
    """Raise :class:`InputError` for an output whose folder does not exist, before solving.

    The suffixes were checked by the parser; ``counties -o`` names the folder itself.
    """
    for name in ("out", "changes"):
        path = getattr(args, name, None)
        if path is None or path == Path(STDIO):
            continue
        folder = path if args.command == "counties" else path.parent
        folder = folder if str(folder) else Path(".")
        if not folder.is_dir():
            raise InputError(f"The output folder {str(folder)!r} does not exist.")


def _schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    model = AllocationOutput if args.output else Problem
    print(json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False), file=out)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
    "schema": _schema,
    "allocate": _allocate,
    "validate": _validate,
    "revise": _revise,
    "scenarios": _scenarios,
    "calibrate": _calibrate,
    "backtest": _backtest,
    "explain": _explain,
    "report": _report,
    "counties": _county_round,
    "reconcile": _county_round,
}
"""The function behind each command."""


def _input_error(args: argparse.Namespace, exc: Exception, err: TextIO) -> int:
    """Report a bad input on ``err`` (as JSON with --json); the exit code for it."""
    _print_failures(exc, err, as_json=getattr(args, "json", False))
    return EXIT_INPUT


def _dispatch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    command = COMMANDS.get(args.command, _allocate)
    try:
        _check_outputs(args)
        return command(args, out, err)
    except InputError as exc:
        if args.debug:
            raise
        return _input_error(args, exc, err)
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
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except (OSError, ValueError) as exc:
        if args.debug:
            raise
        if getattr(args, "json", False):
            return _input_error(args, exc, err)
        print(f"busetting: error: {exc}", file=err)
        return EXIT_INPUT
