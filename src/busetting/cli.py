"""Command-line interface: a thin layer over the library.

``busetting`` (or ``python -m busetting``) with no arguments runs ``busetting allocate``: the
2024 Norwegian problem (37,000 persons, of whom 610 unaccompanied minors) on the embedded
data, printed as a compact summary.

Commands: ``allocate`` (default), ``validate FILE``, ``revise``, ``scenarios``, ``explain ID``,
``report``, ``calibrate``, ``counties``, ``reconcile``, ``schema``, and for the year in
motion ``letters``, ``status`` and ``next``.

Exit codes: 0 success; 2 bad input (including a bad command line); 3 infeasible; 4 solver
failure (including a time limit without a proven optimum). Errors are one line plus the
failure table; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import functools
import importlib
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
from typing import TYPE_CHECKING, Any, TextIO

import busetting as bs
from busetting._exceptions import InfeasibleError, InputError, SolverError
from busetting._kinds import CSV_DIALECTS, SUFFIXES
from busetting._language import (
    LANGUAGES,
    format_number,
    status_words,
    term,
    terms,
)
from busetting._version import __version__
from busetting.schemas import COMMAND_OUTPUTS  # pydantic models only: no pandas

if TYPE_CHECKING:
    import pandas as pd

    from busetting import _formats as formats
    from busetting._allocate import fingerprint
    from busetting._backtest import year_flags
    from busetting._defaults import default_csv_dialect
    from busetting._defaults import default_language as default_language_of
    from busetting._model import Problem, Rules
    from busetting._names import resolve_county
    from busetting._reconcile import change_report
    from busetting._record import (
        PreviousRun,
        check_previous_run,
        previous_problem,
        read_previous_run,
    )
    from busetting._sweep import TerminalBar
    from busetting.datasets import (
        HISTORY_YEARS,
        MINORS_2024,
        NEED_2024,
        PROCESS_RULES_2024,
        default_criteria,
        load_history,
        norway_2024,
        norway_problem,
        observed_requests,
    )
    from busetting.io import (
        Settings,
        allocation_to_dict,
        allocation_to_json,
        county_table,
        read_county_totals,
        read_fixed,
        read_named_counts,
        read_problem,
        read_table,
        write_table,
    )
    from busetting.schemas import AllocationOutput, json_schema

_LIBRARY: dict[str, tuple[str, str | None]] = {
    "pd": ("pandas", None),
    "fingerprint": ("busetting._allocate", "fingerprint"),
    "year_flags": ("busetting._backtest", "year_flags"),
    "Problem": ("busetting._model", "Problem"),
    "Rules": ("busetting._model", "Rules"),
    "PreviousRun": ("busetting._record", "PreviousRun"),
    "check_previous_run": ("busetting._record", "check_previous_run"),
    "previous_problem": ("busetting._record", "previous_problem"),
    "read_previous_run": ("busetting._record", "read_previous_run"),
    "resolve_county": ("busetting._names", "resolve_county"),
    "default_language_of": ("busetting._defaults", "default_language"),
    "change_report": ("busetting._reconcile", "change_report"),
    "default_csv_dialect": ("busetting._defaults", "default_csv_dialect"),
    "TerminalBar": ("busetting._sweep", "TerminalBar"),
    "HISTORY_YEARS": ("busetting.datasets", "HISTORY_YEARS"),
    "MINORS_2024": ("busetting.datasets", "MINORS_2024"),
    "NEED_2024": ("busetting.datasets", "NEED_2024"),
    "PROCESS_RULES_2024": ("busetting.datasets", "PROCESS_RULES_2024"),
    "default_criteria": ("busetting.datasets", "default_criteria"),
    "load_history": ("busetting.datasets", "load_history"),
    "norway_2024": ("busetting.datasets", "norway_2024"),
    "norway_problem": ("busetting.datasets", "norway_problem"),
    "observed_requests": ("busetting.datasets", "observed_requests"),
    "Settings": ("busetting.io", "Settings"),
    "allocation_to_dict": ("busetting.io", "allocation_to_dict"),
    "allocation_to_json": ("busetting.io", "allocation_to_json"),
    "county_table": ("busetting.io", "county_table"),
    "read_county_totals": ("busetting.io", "read_county_totals"),
    "read_fixed": ("busetting.io", "read_fixed"),
    "read_named_counts": ("busetting.io", "read_named_counts"),
    "read_problem": ("busetting.io", "read_problem"),
    "read_table": ("busetting.io", "read_table"),
    "write_allocation": ("busetting.io", "write_allocation"),
    "write_revision": ("busetting.io", "write_revision"),
    "write_table": ("busetting.io", "write_table"),
    "AllocationOutput": ("busetting.schemas", "AllocationOutput"),
    "json_schema": ("busetting.schemas", "json_schema"),
    "formats": ("busetting._formats", None),
}
"""The library names the command handlers read as module globals, and where they live: bound
by :func:`_import_library` once the command line is parsed, so that ``busetting --help``,
``--version`` and a bad command line import neither pandas nor the embedded data."""


def _import_library() -> None:
    """Import the names of :data:`_LIBRARY` into this module (once; cheap after that)."""
    names = globals()
    for local, (module, attr) in _LIBRARY.items():
        if local not in names:
            imported = importlib.import_module(module)
            names[local] = imported if attr is None else getattr(imported, attr)


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

    json_errors = False
    """With ``--json`` on the command line, a usage error is a JSON error object too."""

    def error(self, message: str) -> Any:  # argparse's own exit code for usage errors is 2
        if self.json_errors:
            error = {"type": "UsageError", "message": message, "failure_cases": []}
            print(json.dumps({"error": error}, indent=2, ensure_ascii=False), file=sys.stderr)
            self.exit(EXIT_INPUT)
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"busetting: error: {message}\n")

    def with_json_errors(self) -> _Parser:
        """This parser and its subcommands' parsers report usage errors as JSON."""
        self.json_errors = True
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    if isinstance(sub, _Parser):
                        sub.with_json_errors()
        return self


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


def _add_out(p: argparse.ArgumentParser, what: str, kind: str) -> None:
    suffixes = SUFFIXES[kind]
    p.add_argument(
        "-o",
        "--out",
        type=_output_path(*suffixes),
        help=f"write {what} to {' / '.join(suffixes)} (the format from the suffix; a missing "
        "folder is created); - writes CSV to standard output (the summary then goes to "
        "standard error)",
    )
    _add_csv_dialect(p)


def _add_csv_dialect(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--csv-dialect",
        choices=list(CSV_DIALECTS),
        default=None,
        help="for every CSV written: excel-nb (';', decimal comma, UTF-8 with BOM: what "
        "Norwegian Excel opens; the default with --lang nb or nn) or standard (',', decimal "
        "point; the default with --lang en, and for --out -)",
    )


def _add_output_flags(p: argparse.ArgumentParser, *, lang: bool = True) -> None:
    """--json, --quiet and --lang (the one flag for the language of files and text)."""
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    if lang:
        p.add_argument(
            "--lang",
            choices=list(LANGUAGES),
            default=None,
            help="language of written files and printed text: en, nb (bokmål) or nn "
            "(nynorsk); default: nb for the Norway data (every municipality one of the "
            "embedded 2024 municipalities), en otherwise and for an --input CSV with English "
            "headers (municipality_id)",
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
        help="criteria weights: a preset (fitted, ministry) or name=weight pairs such as "
        "capacity=0.5,spread=0.3,population=0.2; with --input, each name is a column "
        "(volume criterion)",
    )
    p.add_argument(
        "--recipe",
        help="the recipe of the embedded data's key, base[+lean=x][+county] with base "
        "persistence, fitted or ministry (default fitted+lean=0.5; docs/realism.md)",
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
    r.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set any parameter of the process rules by name (repeatable; VALUE is read as "
        "JSON: --rule max_request=1500 --rule county_share_cap=0.2); see docs/constraints.md",
    )
    r.add_argument("--no-rules", action="store_true", help="switch every process rule off")


def _named_rules(given: list[str]) -> dict[str, Any]:
    """The ``--rule NAME=VALUE`` options: each a parameter of ``Rules`` by name, its value
    read as JSON (a bare word is kept as text, for the model to judge)."""
    known = list(Rules.model_fields)
    out: dict[str, Any] = {}
    for item in given:
        name, sep, text = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in known:
            close = difflib.get_close_matches(name, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise InputError(
                f"bad rule option: --rule {item!r} must be NAME=VALUE with NAME one of "
                f"{', '.join(known)}{hint}"
            )
        try:
            out[name] = json.loads(text)
        except json.JSONDecodeError:
            out[name] = text
    return out


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
    changes.update(_named_rules(args.rule))
    try:
        rules = Rules.model_validate({**base.model_dump(), **changes})
    except InputError as exc:
        first = str(exc)
        if len(exc.failure_cases):
            case = exc.failure_cases.iloc[0]
            where = case["column"] if isinstance(case["column"], str) else ""
            first = f"{where} {case['reason']}".strip()
            if where:
                value = case["value"]
                first += f"; got {value!r}" if isinstance(value, str) else f"; got {value}"
        raise InputError(f"bad rule option: {first}") from exc.__cause__
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
        _add_year_commands,
    ):
        add(sub)
    return parser


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
    _add_out(a, "the allocation", "allocation")
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
    _add_output_flags(v)
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
    r.add_argument(
        "--cut-key",
        choices=["original", "commitment"],
        default="original",
        help="the key a cut is spread by: the problem's own key (original, default) or each "
        "municipality's commitment, the smaller of request and decision (commitment)",
    )
    _add_out(
        r, "the revision (.xlsx and .html: the report against the request revised)", "revision"
    )
    _add_top(r, "changes")
    _add_output_flags(r)
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
    _add_out(c, "the table", "table")
    _add_output_flags(c)
    _add_debug(c)
    _add_rule_options(c)


def _add_explain(sub: Any) -> None:
    e = sub.add_parser("explain", help="why a municipality is asked for what it is asked for")
    e.add_argument("municipality_id", help="kommunenummer or name, e.g. 4601, 301 or Bergen")
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
        type=_output_path(*SUFFIXES["report"], stdout=False),
        required=True,
        help="report.html or report.md; requests.xlsx (the workbook) or requests.csv (a "
        "missing folder is created)",
    )
    rp.add_argument(
        "--by-county",
        action="store_true",
        help="group the report's municipality table by county, with subtotals",
    )
    rp.add_argument(
        "--county",
        help="one county only (the report's letter-ready view, or the county's rows of the "
        "workbook and CSV): its name in any case (Vestland, vestland), the first part of a "
        "name in several languages (Trøndelag) or its number (46)",
    )
    _add_csv_dialect(rp)
    _add_input(rp)
    _add_problem_options(rp)
    _add_method(rp)
    _add_solver(rp)
    rp.add_argument("--no-plots", action="store_true", help="leave the plots out")
    _add_output_flags(rp)
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
    _add_output_flags(cb, lang=False)
    _add_debug(cb)


def _add_backtest(sub: Any) -> None:
    bt = sub.add_parser(
        "backtest",
        help="score recipes of the default against IMDi's real requests of every past year",
        description="Without --year: a rolling-origin backtest of the recipes over every year "
        "the shipped history allows, each recipe's margin over persistence with a paired "
        "bootstrap interval, per year and pooled, and the default the rule of "
        "docs/realism.md picks. With --year: one year in detail.",
    )
    bt.add_argument(
        "--recipes",
        type=_recipes,
        help="the recipes to compare, comma-separated (base[+lean=x][+county] with base "
        "persistence, fitted or ministry; default: every named recipe; persistence is "
        "always added as the baseline)",
    )
    bt.add_argument(
        "--samples",
        type=int,
        default=2000,
        help="bootstrap resamples of the intervals (default 2000)",
    )
    bt.add_argument("--seed", type=int, default=2027, help="seed of the bootstrap (default 2027)")
    bt.add_argument(
        "--year",
        type=int,
        help="one year in detail instead (2022 or 2023 with fitted weights): the model "
        "against population share and last year rescaled, by county and centrality",
    )
    bt.add_argument(
        "--weights",
        type=_weights,
        help="with --year: use these weights instead of fitting on the year before "
        "(a preset: fitted, ministry; or name=weight pairs)",
    )
    _add_method(bt)
    _add_output_flags(bt, lang=False)
    _add_debug(bt)


def _recipes(text: str) -> list[str]:
    out = []
    for part in text.split(","):
        if not part.strip():
            continue
        try:
            out.append(bs.parse_recipe(part.strip()).spec)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    if not out:
        raise argparse.ArgumentTypeError(f"expected recipes such as fitted,ministry; got {text!r}")
    return out


def _add_schema(sub: Any) -> None:
    s = sub.add_parser(
        "schema", help="print the JSON Schema of a problem (the .json input) or of the output"
    )
    s.add_argument(
        "--output",
        action="store_true",
        help="the schema of the allocation output (what --json prints) instead of the input",
    )
    s.add_argument(
        "--of",
        choices=sorted(COMMAND_OUTPUTS),
        default=None,
        help="the schema of what this command prints with --json (error: what every command "
        "prints on standard error for a bad input)",
    )
    s.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)


def _load(args: argparse.Namespace, path: Path | None) -> Problem:
    recipe = getattr(args, "recipe", None)
    if path is None:
        return norway_2024(
            total=NEED_2024 if args.total is None else args.total,
            minors=MINORS_2024 if args.minors is None else args.minors,
            weights=args.weights,
            rules=_rules(args, PROCESS_RULES_2024),
            recipe=recipe,
        )
    if recipe is not None:
        raise InputError(
            f"--recipe applies to the embedded Norway data, not to --input {path}; give "
            "--weights for the columns of the file instead."
        )
    if path.suffix.lower() == ".json":
        return read_problem(path, total=args.total, minors=args.minors)
    if not path.is_file() and path.suffix.lower() in (".csv", ".txt", ".xlsx"):
        raise InputError(f"The input file {str(path)!r} does not exist.")
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


def _failure_table(table: pd.DataFrame, language: str) -> pd.DataFrame:
    """A failure table with its headers in ``language`` (the values as the reader gave them).

    Parameters
    ----------
    table : pandas.DataFrame
        ``InputError.failure_cases``: ``row``, ``municipality_id``, ``column``, ``value``,
        ``reason``.
    language : {"en", "nb", "nn"}
        The language of the headers.

    Returns
    -------
    pandas.DataFrame
        The same rows; the known headers translated.
    """
    return table.rename(columns=terms("error.", language))


def _print_failures(
    err: Any,
    stream: TextIO,
    *,
    as_json: bool = False,
    language: str = "en",
    stdin: str | None = None,
) -> None:
    """The error's first line and its failure table; with ``as_json``, one JSON object.

    The JSON keeps the machine names; the printed table has its headers in ``language``.
    ``stdin``: the file standard input was copied to, named "standard input" instead."""
    message = str(err).splitlines()[0]
    table = getattr(err, "failure_cases", None)
    if stdin:
        message = message.replace(stdin, "standard input").replace(
            Path(stdin).name, "standard input"
        )
        if table is not None and "file" in table.columns:
            shown = table["file"].replace(Path(stdin).name, "standard input")
            table = table.assign(file=shown)
    if as_json:
        cases = (
            json.loads(table.to_json(orient="records", force_ascii=False, default_handler=str))
            if table is not None
            else []
        )
        error = {"type": type(err).__name__, "message": message, "failure_cases": cases}
        print(json.dumps({"error": error}, indent=2, ensure_ascii=False), file=stream)
        return
    print(f"busetting: error: {message}", file=stream)  # the prefix scripts grep for
    if table is not None and len(table):
        print(_failure_table(table, language).to_string(index=False), file=stream)


def _options(args: argparse.Namespace, problem: Problem, **rest: Any) -> formats.Options:
    """The language and CSV dialect of this run: the flags, else the one default."""
    return formats.resolve_language(
        problem, getattr(args, "lang", None), getattr(args, "csv_dialect", None), **rest
    )


def _n(value: float, lang: str, decimals: int = 0) -> str:
    return format_number(value, lang, decimals)


def _summary(alloc: bs.Allocation, top: int, out: TextIO, lang: str = "en") -> None:
    p = alloc.problem
    assert alloc.requests is not None and alloc.minors is not None
    req, mnr = int(alloc.requests.sum()), int(alloc.minors.sum())
    t = functools.partial(term, language=lang)
    print(
        t(
            "cli.headline",
            version=__version__,
            total=_n(p.total, lang),
            minors=_n(p.minors_total, lang),
            n=len(p.municipalities),
        ),
        file=out,
    )
    print(
        t(
            "cli.status",
            status=status_words(alloc.status.value, lang),
            method=alloc.method,
            solver=alloc.solver,
            version=alloc.solver_version,
            ms=_n(alloc.runtime * 1000, lang, 1),
        ),
        file=out,
    )
    if p.rules.describe():
        print(t("cli.rules", rules=", ".join(p.rules.describe(lang))), file=out)
    ok = t("cli.ok") if (req, mnr) == (p.total, p.minors_total) else t("cli.mismatch")
    print(
        t(
            "cli.totals",
            req=_n(req, lang),
            total=_n(p.total, lang),
            mnr=_n(mnr, lang),
            minors=_n(p.minors_total, lang),
            ok=ok,
        ),
        file=out,
    )
    if alloc.ties:
        print(t("cli.ties", n=len(alloc.ties), rule=alloc.ties[0].rule), file=out)
    _largest(alloc, top, out, lang)
    counties = county_table(alloc)
    print("\n" + t("cli.per_county"), file=out)
    print(
        f"  {t('cli.county'):<34} {t('cli.request'):>9} {t('cli.minors'):>6} "
        f"{t('cli.per_1000'):>9}",
        file=out,
    )
    for county, r in counties.iterrows():
        print(
            f"  {str(county)[:34]:<34} {_n(r['request'], lang):>9} {_n(r['minors'], lang):>6} "
            f"{_n(r['per_1000'], lang, 2):>9}",
            file=out,
        )


def _largest(alloc: bs.Allocation, top: int, out: TextIO, lang: str = "en") -> None:
    frame = alloc.to_frame().sort_values(["request", "target"], ascending=False, kind="stable")
    t = functools.partial(term, language=lang)
    print("\n" + t("cli.largest", n=min(top, len(frame))), file=out)
    print(
        f"  {t('cli.id'):<4}  {t('cli.municipality'):<28} {t('cli.request'):>9} "
        f"{t('cli.minors'):>6} {t('cli.target'):>10}",
        file=out,
    )
    for mid, r in frame.head(top).iterrows():
        print(
            f"  {mid}  {r['name'][:28]:<28} {_n(r['request'], lang):>9} "
            f"{_n(r['minors'], lang):>6} {_n(r['target'], lang, 2):>10}",
            file=out,
        )


def _allocate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    problem = _apply_rules(args, _load(args, args.input))
    show = _interactive(err) and not (args.quiet or args.json)
    with _progress(err, f"solving ({args.solver or 'auto'})", show):
        alloc = bs.allocate(
            problem, method=args.method, solver=args.solver, time_limit=args.time_limit
        )
    opts = _options(args, problem)
    args.shown_language = opts.language
    if alloc.requests is not None and args.out is not None:
        formats.write_output("allocation", alloc, args.out, opts)
    if args.json:
        print(allocation_to_json(alloc), file=out)
    if alloc.status is bs.Status.INFEASIBLE:
        print(f"busetting: {alloc.message}", file=err)
        return EXIT_INFEASIBLE
    if alloc.status is not bs.Status.OPTIMAL:
        print(f"busetting: solver failure: {alloc.message}", file=err)
        return EXIT_SOLVER
    if not (args.quiet or args.json):
        _summary(alloc, args.top, out, opts.language)
        if args.out is not None:
            print("\n" + term("cli.written", opts.language, path=_shown(args)), file=out)
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
    lang = _options(args, problem).language
    print(
        term(
            "cli.valid",
            lang,
            path=path,
            n=len(problem.municipalities),
            total=_n(problem.total, lang),
            minors=_n(problem.minors_total, lang),
        ),
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
    args: argparse.Namespace, run: PreviousRun, err: TextIO
) -> tuple[Problem, str, list[str]]:
    """The previous run's problem and method, rebuilt from its parameters; flags override.

    Returns the problem, the method and the lines that say what was kept or assumed.
    """
    name = args.previous.name
    settings = run.settings
    problem = _previous_problem(args, run)
    check_previous_run(run, problem)
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
        lang = "en" if args.json else _options(args, problem).language
        what = "; ".join(settings.describe(lang))
        lines.append(term("settings.kept", lang, name=name, what=what))
    overridden = _overridden(args)
    if overridden:
        lang = "en" if args.json else _options(args, problem).language
        lines.append(term("settings.overridden", lang, flags=", ".join(overridden)))
    return _apply_rules(args, problem), method, lines


def _previous_problem(args: argparse.Namespace, run: PreviousRun) -> Problem:
    """The problem --previous was made on: its recorded criteria read from the indicators
    (unless --weights or a .json --input says otherwise), else the input as --input loads it."""
    json_input = args.input is not None and args.input.suffix.lower() == ".json"

    def load(total: int, minors: int) -> Problem:
        loaded = argparse.Namespace(**vars(args))
        loaded.total, loaded.minors = total, minors
        return _load(loaded, args.input)

    rebuild = not (json_input or args.weights or getattr(args, "recipe", None))
    table = read_table(args.input) if rebuild and args.input is not None else None
    return previous_problem(run, table=table, rebuild_criteria=rebuild, load=load)


def _overridden(args: argparse.Namespace) -> list[str]:
    """The flags that override what --previous was made with."""
    return [
        flag
        for flag, value in (
            ("--method", args.method),
            ("--weights", args.weights),
            ("--recipe", getattr(args, "recipe", None)),
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


def _counts(path: Path | None, columns: tuple[str, ...]) -> dict[str, int] | None:
    return read_named_counts(path, columns) if path else None


def _revise(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    run = read_previous_run(args.previous)
    problem, method, kept = _revise_problem(args, run, err)
    rev = bs.revise(
        run.requests,
        problem=problem,
        previous_minors=run.minors,
        decisions=_counts(args.decisions, ("decision", "vedtak", "fixed")),
        spare_capacity=_counts(args.spare, ("spare", "spare_capacity")),
        extra_capacity=_counts(args.extra_capacity, ("extra_capacity", "extra")),
        settled=_counts(args.settled, ("settled", "bosatt")),
        total=args.total,
        minors=args.minors,
        method=method,
        solver=args.solver,
        cut_key=args.cut_key,
    )
    if rev.status is bs.Status.INFEASIBLE:
        print(f"busetting: {rev.message}", file=err)
        return EXIT_INFEASIBLE
    if rev.status is not bs.Status.OPTIMAL:
        print(f"busetting: solver failure: {rev.message}", file=err)
        return EXIT_SOLVER
    frame = rev.to_frame()
    opts = _options(args, rev.allocation.problem)
    args.shown_language = opts.language
    if args.out is not None:
        formats.write_output("revision", rev, args.out, opts)
    moved = frame[frame["change"] != 0].assign(size=lambda f: f["change"].abs())
    moved = moved.sort_values("size", ascending=False, kind="stable")  # ids ascending within
    if args.json:
        _print_revision_json(rev, moved, kept, out)
    else:
        _print_revision(args, rev, frame, moved, kept, out, opts.language)
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
    lang: str = "en",
) -> None:
    p = rev.allocation.problem
    print(
        term(
            "cli.revision",
            lang,
            direction=term(f"direction.{rev.direction}", lang),
            total=_n(p.total, lang),
            minors=_n(p.minors_total, lang),
            decided=len(rev.decisions),
            sum=_n(int(frame["request"].sum()), lang),
        ),
        file=out,
    )
    for line in kept:
        print(line, file=out)
    up, down = int((moved["change"] > 0).sum()), int((moved["change"] < 0).sum())
    print(term("cli.revision_changes", lang, up=up, down=down), file=out)
    for mid, r in moved.head(args.top).iterrows():
        change = _n(int(r["change"]), lang)
        print(
            f"  {mid}  {str(r['name'])[:28]:<28} {_n(int(r['previous']), lang):>7} -> "
            f"{_n(int(r['request']), lang):>7} ({'+' * (int(r['change']) > 0)}{change})",
            file=out,
        )
    if args.out is not None:
        print(term("cli.written", lang, path=_shown(args)), file=out)


def _scenarios(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    problem = _apply_rules(args, _load(args, args.input))
    totals = _totals(args.totals)
    started = time.perf_counter()
    bar = _count_bar(err, "busetting: scenarios")
    table = bs.scenarios(problem, totals, method=args.method, progress=bar)
    took = time.perf_counter() - started
    if args.out is not None:
        formats.write_output("table", table, args.out, _options(args, problem))
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
    lang = _options(args, problem).language
    print(
        term(
            "cli.scenarios",
            lang,
            k=len(totals),
            n=len(table),
            ms=_n(took * 1000, lang, 1),
            each=_n(took * 1000 / max(1, len(totals)), lang, 3),
        ),
        file=out,
    )
    missing = [int(t) for t in table.columns if table[t].isna().all()]
    if missing:
        below = [t for t in missing if t < problem.minors_total]
        shown = ", ".join(_n(t, lang) for t in missing[:5]) + (" ..." if len(missing) > 5 else "")
        print(
            term("cli.scenarios_missing", lang, k=len(missing), totals=shown)
            + (
                term("cli.scenarios_below", lang, k=len(below), m=_n(problem.minors_total, lang))
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
    lang = _options(args, alloc.problem).language
    explanation = alloc.explain(args.municipality_id, language=lang)
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
    lang = args.lang or default_language_of(alloc.problem.ids)
    county = None if args.county is None else _county_name(args.county, alloc.problem, lang)
    opts = _options(
        args, alloc.problem, county=county, plots=not args.no_plots, by_county=args.by_county
    )
    path = formats.write_output("report", alloc, args.out, opts)
    if args.json:
        print(json.dumps({"written": str(path)}), file=out)
        return EXIT_OK
    print(term("cli.written", opts.language, path=path), file=out)
    return EXIT_OK


def _county_name(text: str, problem: Problem, language: str) -> str:
    """The county ``text`` names (a name in any case, its first part, or its 2024 number),
    by :func:`busetting._names.resolve_county`; unknown or ambiguous: "did you mean ..."."""
    counties = sorted({m.county for m in problem.municipalities})
    return resolve_county(text, counties, language=language, where="--county")


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
    if args.year is None and args.weights is None:
        return _backtest_recipes(args, out, err)
    if args.recipes is not None:
        raise InputError(
            "The --recipes option of `busetting backtest` compares recipes over every year; "
            "it does not combine with --year or --weights (one year in detail)."
        )
    year = 2023 if args.year is None else args.year
    with _progress(err, "backtesting", _interactive(err)):
        result = bs.backtest(year, weights=args.weights, method=args.method)
    if args.json:
        payload = {
            "year": result.year,
            "total": result.total,
            "weights": result.weights,
            "fitted_on": result.fitted_on,
            "flags": year_flags(result.year),
            "scores": result.table.reset_index().to_dict(orient="records"),
            "by_county": result.by_county.reset_index().to_dict(orient="records"),
            "by_centrality": result.by_centrality.reset_index().to_dict(orient="records"),
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    if args.quiet:
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
    for note in year_flags(result.year):
        print(f"\natypical: {note}", file=out)
    print(
        "\nOne year decides nothing: `busetting backtest` (without --year) compares recipes "
        "over every year with intervals.",
        file=out,
    )
    return EXIT_OK


def _backtest_recipes(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    with _progress(err, "backtesting", _interactive(err)):
        result = bs.backtest_recipes(
            args.recipes, method=args.method, samples=args.samples, seed=args.seed
        )
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    if args.quiet:
        return EXIT_OK
    print(
        "Rolling-origin backtest: each year built from the autumn before, scored against "
        "IMDi's real requests; margin = L1/N of the recipe minus L1/N of persistence "
        "(below 0: closer).",
        file=out,
    )
    print("", file=out)
    print(result.to_markdown(), file=out)
    print(
        f"\nThe rule of docs/realism.md picks: {bs.choose_default(result)}",
        file=out,
    )
    return EXIT_OK


# -- the county round ---------------------------------------------------------------------


def _add_county_commands(sub: Any) -> None:
    co = sub.add_parser(
        "counties", help="the county round: write the draft workbooks, one per county"
    )
    co.add_argument(
        "-o",
        "--out",
        type=Path,
        required=True,
        help="the folder for the workbooks (created when it does not exist)",
    )
    _add_output_flags(co)
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
    _add_out(re_, "the final requests", "allocation")
    re_.add_argument(
        "--changes",
        type=_output_path(*SUFFIXES["changes"], stdout=False),
        help="write the per-county change report (.xlsx, .csv, .json)",
    )
    _add_output_flags(re_)
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
    opts = _options(args, draft.problem)
    lang = opts.language
    paths = formats.write_drafts(drafts, args.out, draft, opts)
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
        print(
            f"{county:<34} {term('cli.share', lang)} {_n(share, lang):>7}  "
            f"{term('cli.minors', lang)} {_n(minors, lang):>5}  {path.name}",
            file=out,
        )
    print(term("cli.written_drafts", lang, n=len(paths), folder=args.out), file=out)


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
    opts = _options(args, draft.problem)
    if args.out is not None:
        formats.write_output("allocation", result.allocation, args.out, opts)
    if args.changes is not None:
        formats.write_output("changes", result, args.changes, opts)
    if args.json:
        payload = {
            "counties": json.loads(result.counties.reset_index().to_json(orient="records")),
            "changes": json.loads(result.changes.to_json(orient="records")),
            "allocation": allocation_to_dict(result.allocation),
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False), file=out)
        return
    _print_reconciliation(result, out, opts.language)
    for path in (args.out, args.changes):
        if path is not None:
            print(term("cli.written", opts.language, path=path), file=out)


def _print_reconciliation(result: bs.Reconciliation, out: TextIO, lang: str = "en") -> None:
    """Each county's share, recommendation and final sum, then every change and its reason."""
    w = terms("cli.", lang)
    print(
        f"{w['county']:<34} {w['share']:>7} {w['recommended']:>11} {w['final']:>7} "
        f"{w['changed']:>7}  {w['case']}",
        file=out,
    )
    for name, row in result.counties.iterrows():
        shown = "-" if _isna(row["recommendation"]) else _n(int(row["recommendation"]), lang)
        case = term(f"counties.case.{row['case']}", lang)
        print(
            f"{name!s:<34} {_n(int(row['share']), lang):>7} {shown:>11} "
            f"{_n(int(row['request']), lang):>7} {int(row['changed']):>7}  {case}",
            file=out,
        )
    changes = result.changes if lang == "en" else change_report(result, lang)
    for change in changes.itertuples(index=False):
        print(
            f"  {change.county}: {change.municipality_id} {change.name}: "
            f"{_text(change.recommendation)} -> {change.request}, {w['minors']} "
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
    parser = build_parser()
    if "--json" in argv and isinstance(parser, _Parser):
        parser.with_json_errors()
    args = parser.parse_args(argv)
    _import_library()
    with tempfile.TemporaryDirectory(prefix="busetting-") as tmp:
        return _run(args, stdin or sys.stdin, out, err, Path(tmp))


def _run(args: argparse.Namespace, inp: TextIO, out: TextIO, err: TextIO, tmp: Path) -> int:
    """Standard input and output for ``-``, --quiet, then the command."""
    if getattr(args, "input", None) == Path(STDIO):
        args.input = tmp / "stdin.csv"
        # the bytes as given, decoded as a file's are (UTF-8, else Latin-1): a text stream
        # holds undecodable bytes as surrogates, which give the bytes back
        buffer = getattr(inp, "buffer", None)
        raw = buffer.read() if buffer is not None else inp.read().encode("utf-8", "surrogateescape")
        args.input.write_bytes(raw)
        args.stdin_file = str(args.input)  # named "standard input" in messages
    if getattr(args, "lang", "") is None and getattr(args, "input", None) is not None:
        args.lang = _input_language(args.input)  # None: the one default, by the ids
    to_stdout = getattr(args, "out", None) == Path(STDIO)
    if to_stdout:
        if getattr(args, "json", False):
            return _input_error(
                args, InputError("--out - and --json both write to standard output"), err
            )
        args.out = tmp / "out.csv"
        args.stdout_file = args.out
        if getattr(args, "csv_dialect", None) is None:  # a pipe, not a spreadsheet
            args.csv_dialect = "standard"
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


def _input_language(path: Path) -> str | None:
    """``"en"`` for an input CSV whose header row names ``municipality_id`` (English headers)
    and not ``kommunenummer``; ``None`` otherwise (the one default by the ids: bokmål for the
    Norway data). Answered in the language it was asked in: a table a user wrote with English
    headers gets English outputs, even when its ids are Norwegian municipalities."""
    if path.suffix.lower() not in (".csv", ".txt"):
        return None
    try:
        with path.open("rb") as f:
            head = f.readline(4096).decode("utf-8", "replace").lower()
    except OSError:
        return None  # the reader names the problem
    return "en" if "municipality_id" in head and "kommunenummer" not in head else None


def _shown(args: argparse.Namespace) -> str:
    """Where --out went, in words: the file, or standard output for ``-``."""
    if getattr(args, "stdout_file", None) is not None and args.out == args.stdout_file:
        return term("cli.stdout", getattr(args, "shown_language", "en"))
    return str(args.out)


def _check_outputs(args: argparse.Namespace) -> None:
    """Raise :class:`InputError` for an output folder that is a file, before solving.

    A folder that does not exist is created when the file is written; the suffixes were
    checked by the parser; ``counties -o`` names the folder itself.
    """
    for name in ("out", "changes"):
        path = getattr(args, name, None)
        if path is None or path == Path(STDIO):
            continue
        folder = path if args.command == "counties" else path.parent
        for part in (folder, *folder.parents):
            if part.exists() and not part.is_dir():
                raise InputError(f"The output folder {str(folder)!r} is inside a file: {part}.")


def _schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    model = COMMAND_OUTPUTS[args.of] if args.of else AllocationOutput if args.output else Problem
    print(json.dumps(json_schema(model), indent=2, ensure_ascii=False), file=out)
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
    stdin = getattr(args, "stdin_file", None)
    lang = getattr(args, "lang", None) or ("nb" if getattr(args, "input", None) is None else "en")
    _print_failures(exc, err, as_json=getattr(args, "json", False), language=lang, stdin=stdin)
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
        text = str(exc)
        if getattr(args, "stdin_file", None):
            text = text.replace(args.stdin_file, "standard input")
        print(f"busetting: error: {text}", file=err)
        return EXIT_INPUT


# -- the year in motion: letters, status, next (issue 31) ---------------------------------


def _add_year_commands(sub: Any) -> None:
    """``letters``, ``status`` and ``next``: letters out, answers in, the next placement."""
    _add_letters(sub)
    _add_status(sub)
    _add_next(sub)


def _add_letters(sub: Any) -> None:
    lt = sub.add_parser(
        "letters", help="write the request letters (HTML, A4) and the answer workbooks"
    )
    lt.add_argument("-o", "--out", type=Path, required=True, help="the folder, e.g. brev/")
    lt.add_argument(
        "--deadline", required=True, help="the deadline for the decisions, e.g. 2024-02-25"
    )
    lt.add_argument(
        "--forms",
        choices=["municipality", "county", "none"],
        default="municipality",
        help="one answer workbook per municipality (default), per county, or none",
    )
    _add_input(lt)
    _add_problem_options(lt)
    _add_method(lt)
    _add_solver(lt)
    _add_output_flags(lt)
    _add_debug(lt)
    _add_rule_options(lt)


def _add_status(sub: Any) -> None:
    st = sub.add_parser(
        "status", help="the status of the year: asked, answered, decided, settled, the gap"
    )
    st.add_argument("--year", type=int, help="a past year of the shipped IMDi history (e.g. 2023)")
    st.add_argument(
        "--answers", type=Path, nargs="+", help="returned answer workbooks/CSV files or folders"
    )
    st.add_argument("--settled", type=Path, help="CSV/XLSX: kommunenummer and settled (bosatt)")
    st.add_argument("--deadline", help="the deadline: later answers are flagged late")
    st.add_argument("--need", type=int, help="the national need (default: the requests summed)")
    st.add_argument(
        "-o",
        "--out",
        type=_output_path(".html", ".xlsx", ".csv", ".json", stdout=False),
        help="write the page (.html, A4) or the workbook (.xlsx) or the table",
    )
    _add_input(st)
    _add_problem_options(st)
    _add_method(st)
    _add_solver(st)
    _add_output_flags(st)
    _add_debug(st)
    _add_rule_options(st)


def _add_next(sub: Any) -> None:
    nx = sub.add_parser("next", help="who receives the next k persons (divisor priority)")
    nx.add_argument("--k", type=int, required=True, help="how many persons to place")
    nx.add_argument(
        "--minors-k",
        type=int,
        default=0,
        help="how many unaccompanied minors to place (needs --minors-decisions)",
    )
    nx.add_argument(
        "--minors-decisions", type=Path, help="CSV/XLSX: kommunenummer and minors decided"
    )
    nx.add_argument(
        "--minors-settled", type=Path, help="CSV/XLSX: kommunenummer and minors settled"
    )
    nx.add_argument(
        "--year", type=int, default=2023, help="decisions and settled of this history year"
    )
    nx.add_argument("--decisions", type=Path, help="CSV/XLSX: kommunenummer and decision")
    nx.add_argument("--settled", type=Path, help="CSV/XLSX: kommunenummer and settled")
    nx.add_argument("--from-zero", action="store_true", help="start from nobody settled")
    nx.add_argument("--allow-above", action="store_true", help="allow placements above a decision")
    nx.add_argument(
        "--method",
        default="webster",
        help="the divisor method of the priority (default webster)",
    )
    nx.add_argument(
        "-o", "--out", type=_output_path(".csv", ".xlsx", ".json"), help="write the placements"
    )
    _add_output_flags(nx)
    _add_debug(nx)


def _letters(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    code, alloc = _solved(args, err)
    if alloc is None:
        return code
    lang = _options(args, alloc.problem).language
    made = bs.letters(alloc, deadline=args.deadline, language=lang)
    paths = made.write(args.out, forms=args.forms)
    n_forms = len(paths) - len(made.pages)
    if args.json:
        print(json.dumps({"letters": len(made.pages), "forms": n_forms, "folder": str(args.out)}),
              file=out)  # fmt: skip
        return EXIT_OK
    deadline = made.deadline.isoformat() if lang == "en" else made.deadline.strftime("%d.%m.%Y")
    print(
        term(
            "year.letters_written",
            lang,
            letters=len(made.pages),
            forms=n_forms,
            folder=args.out,
            deadline=deadline,
        ),
        file=out,
    )
    return EXIT_OK


def _year_status(args: argparse.Namespace, err: TextIO) -> tuple[int, bs.YearStatus | None]:
    if args.year is not None:
        if args.answers:
            raise InputError("--year reads the history; give either --year or --answers.")
        return EXIT_OK, bs.history_status(args.year)
    code, alloc = _solved(args, err)
    if alloc is None:
        return code, None
    answers = (
        bs.read_answers(args.answers, allocation=alloc, deadline=args.deadline)
        if args.answers
        else None
    )
    settled = read_named_counts(args.settled, ("settled", "bosatt")) if args.settled else None
    return EXIT_OK, bs.status(alloc, answers, settled, need=args.need)


def _status(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    code, result = _year_status(args, err)
    if result is None:
        return code
    ids = [str(i) for i in result.municipalities.index]
    lang = args.lang or default_language_of(ids)
    path = bs.write_status(result, args.out, language=lang) if args.out else None
    if args.json:
        body = dataclasses.asdict(result.national)
        print(json.dumps({"national": body, "written": str(path) if path else None}), file=out)
        return EXIT_OK
    for line in result.national.lines(lang):
        print(line, file=out)
    if path is not None:
        print(term("cli.written", lang, path=path), file=out)
    return EXIT_OK


def _history_year(year: int) -> pd.DataFrame:
    hist = load_history()
    part = hist[hist["year"] == year]
    if part.empty:
        raise InputError(f"--year must be one of {', '.join(map(str, HISTORY_YEARS))}.")
    return part.set_index("kommunenummer")


def _next(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    part = _history_year(args.year)
    lang = args.lang or default_language_of([str(i) for i in part.index])
    if args.decisions:
        decisions: Any = read_named_counts(args.decisions, ("decision", "vedtak"))
    else:
        decisions = part["vedtak"].dropna().round().astype("int64")
    if args.from_zero:
        settled: Any = None
    elif args.settled:
        settled = read_named_counts(args.settled, ("settled", "bosatt"))
    else:
        settled = part["bosatt"].fillna(0).round().astype("int64").reindex(decisions.index)
    if args.minors_k and not args.minors_decisions:
        raise InputError("--minors-k needs --minors-decisions (the history has no minors).")
    minors_columns = ("minors_decision", "minors", "vedtak_em")
    placed = bs.next_placements(
        decisions,
        settled,
        args.k,
        minors_decisions=(
            read_named_counts(args.minors_decisions, minors_columns)
            if args.minors_decisions
            else None
        ),
        minors_settled=(
            read_named_counts(args.minors_settled, ("minors_settled", "minors", "bosatt_em"))
            if args.minors_settled
            else None
        ),
        minors_k=args.minors_k,
        method=args.method,
        allow_above=args.allow_above,
        municipalities=part.rename(columns={"kommune": "name", "fylke": "county"}),
        language=lang,
    )
    if args.out:
        table = placed.table.set_index("order")
        if lang != "en":
            table["kind"] = [term(f"placement.{k}", lang) for k in table["kind"]]
        write_table(table, args.out, language=lang, csv_dialect=default_csv_dialect(lang))
    if args.json:
        print(placed.table.to_json(orient="records", force_ascii=False), file=out)
        return EXIT_OK
    for row in placed.table.itertuples(index=False):
        print(f"{row.order:>4}  {row.municipality_id}  {row.reason}", file=out)
    if args.out:
        print(term("cli.written", lang, path=args.out), file=out)
    return EXIT_OK


COMMANDS.update({"letters": _letters, "status": _status, "next": _next})
