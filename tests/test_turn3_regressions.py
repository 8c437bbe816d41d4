"""Regression tests for the adversarial run of issue 28 (one scenario per reproduction).

Each test copies its scenario (the reproductions themselves are not read) and asserts the
expected behaviour: a typed error naming the cell, or a correct allocation.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import random
import shutil
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import busetting as bs
import busetting.io as bio
from busetting.cli import main
from busetting.testing import assert_valid_allocation


def _ineligible(mid: str, pop: int) -> bs.Municipality:
    return bs.Municipality(
        municipality_id=mid, name=f"K{mid}", population=pop, minors_eligible=False
    )


@pytest.mark.parametrize("solver", ["cbc", "highs", None])
def test_no_municipality_eligible_for_minors_reaches_the_integer_program(
    solver: str | None,
) -> None:
    plain = bs.Problem(
        municipalities=[_ineligible("0001", 10), _ineligible("0002", 20)],
        criteria={"population": 1.0},
        need=bs.Need(total=5),
    )
    if solver is None:  # soft county totals send the default path to the integer program
        problem = plain.with_rules(county_totals={"": 3}, county_penalty=0.5)
    else:
        if solver not in bs.available_solvers():
            pytest.skip(f"{solver} is not installed")
        problem = plain
    alloc = bs.allocate(problem, solver=solver)
    assert alloc.status is bs.Status.OPTIMAL
    assert alloc.requests.tolist() == [2, 3]
    assert_valid_allocation(problem, alloc)


# -- recommendations -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def county_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[bs.Problem, Path]:
    from busetting.datasets import norway_2024

    problem = norway_2024()
    draft = bs.allocate(problem).raise_for_status()
    folder = tmp_path_factory.mktemp("drafts")
    bs.write_county_drafts(bs.county_drafts(draft), folder, allocation=draft)
    return problem, folder / "agder.xlsx"


def _edited(book_path: Path, out: Path, edit: Any) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(book_path)
    sheet = book["tilråding"]
    col = [c.value for c in sheet[1]].index("tilråding anmodning") + 1
    edit(sheet, col)
    book.save(out)
    return out


def test_a_formula_without_a_stored_value_is_a_failure_not_a_blank(
    county_book: tuple[bs.Problem, Path], tmp_path: Path
) -> None:
    problem, path = county_book

    def edit(sheet: Any, col: int) -> None:
        sheet.cell(row=2, column=col, value="=1+1")
        sheet.cell(row=3, column=col, value='=HYPERLINK("http://evil.example","40")')
        sheet.cell(row=4, column=col, value=25)

    with pytest.raises(bs.InputError) as info:
        bs.read_recommendations(_edited(path, tmp_path / "agder.xlsx", edit), problem=problem)
    cases = info.value.failure_cases
    assert cases["row"].tolist() == [2, 3]
    assert cases["municipality_id"].tolist() == ["4201", "4202"]
    assert set(cases["column"]) == {"tilråding anmodning"}
    assert all("formula without a stored value" in r for r in cases["reason"])
    assert "got '=1+1'" in str(info.value)


@pytest.mark.parametrize("value", [1e20, 2**63])
def test_a_huge_recommendation_is_an_input_error_naming_the_cell(
    county_book: tuple[bs.Problem, Path], tmp_path: Path, value: float
) -> None:
    problem, path = county_book

    def edit(sheet: Any, col: int) -> None:
        sheet.cell(row=2, column=col, value=value)

    with pytest.raises(bs.InputError, match="too large") as info:
        bs.read_recommendations(_edited(path, tmp_path / "huge.xlsx", edit), problem=problem)
    assert info.value.failure_cases[["row", "municipality_id"]].values.tolist() == [[2, "4201"]]


def test_a_huge_recommendation_in_a_csv_is_an_input_error(
    county_book: tuple[bs.Problem, Path], tmp_path: Path
) -> None:
    problem, _ = county_book
    csv = tmp_path / "agder.csv"
    csv.write_text(
        "kommunenummer,kommune,fylke,tilråding anmodning\n4201,Risør,Agder,1" + "0" * 25 + "\n",
        encoding="utf-8",
    )
    with pytest.raises(bs.InputError, match="too large"):
        bs.read_recommendations(csv, problem=problem)


def test_the_largest_count_is_still_read(
    county_book: tuple[bs.Problem, Path], tmp_path: Path
) -> None:
    problem, path = county_book

    def edit(sheet: Any, col: int) -> None:
        sheet.cell(row=2, column=col, value=10**15)

    rec = bs.read_recommendations(_edited(path, tmp_path / "big.xlsx", edit), problem=problem)
    assert rec.table["recommendation"].dropna().to_dict() == {"4201": 10**15}


def test_a_second_recommendation_column_is_a_failure(
    county_book: tuple[bs.Problem, Path], tmp_path: Path
) -> None:
    problem, path = county_book

    def edit(sheet: Any, col: int) -> None:
        last = sheet.max_column + 1
        sheet.cell(row=1, column=last, value="tilråding anmodning")
        sheet.cell(row=2, column=col, value=10)
        sheet.cell(row=2, column=last, value=99)

    with pytest.raises(bs.InputError, match="second recommendation column") as info:
        bs.read_recommendations(_edited(path, tmp_path / "two.xlsx", edit), problem=problem)
    assert info.value.failure_cases["row"].tolist() == [1]


def test_rows_above_the_header_keep_spreadsheet_row_numbers(
    county_book: tuple[bs.Problem, Path], tmp_path: Path
) -> None:
    problem, path = county_book

    def edit(sheet: Any, col: int) -> None:
        sheet.cell(row=2, column=col, value="tre")
        sheet.insert_rows(1, amount=2)

    with pytest.raises(bs.InputError) as info:
        bs.read_recommendations(_edited(path, tmp_path / "above.xlsx", edit), problem=problem)
    assert info.value.failure_cases["row"].tolist() == [4]  # header on row 3


# -- the command line: a previous run, its parameters, decisions, odd ids, stdin ------------


def _cli(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    inp = io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8", errors="surrogateescape")
    try:
        code = main(list(args), stdout=out, stderr=err, stdin=inp)
    except Exception:  # an untyped error is what these tests are about
        traceback.print_exc(file=err)
        code = 1
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    (tmp_path / "in.csv").write_text(
        "municipality_id,name,population\n0301,Oslo,700\n1103,Stavanger,150\n1151,Utsira,2\n",
        encoding="utf-8",
    )
    for suffix in (".csv", ".json"):
        code, _, err = _cli(
            "allocate",
            "-i",
            str(tmp_path / "in.csv"),
            "--total",
            "20",
            "--weights",
            "population=1",
            "-o",
            str(tmp_path / f"prev{suffix}"),
            "--quiet",
            "--lang",
            "en",
        )  # fmt: skip (English, standard CSV: the tampering below edits it as plain CSV)
        assert code == 0, err
    return tmp_path


def _revise_json(folder: Path, prev: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code, _, err = _cli(
        "revise", "--previous", str(prev), "-i", str(folder / "in.csv"), "--total", "25",
        "--json", *extra,
    )  # fmt: skip
    assert "Traceback" not in err, err
    return code, (json.loads(err) if code == 2 else {})


def _tampered(folder: Path, edit: Any) -> Path:
    rows = list(csv.DictReader((folder / "prev.csv").open(encoding="utf-8-sig")))
    edit(rows)
    path = folder / "t.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    shutil.copy(folder / "prev.parameters.csv", folder / "t.parameters.csv")
    return path


@pytest.mark.parametrize(
    ("label", "edit", "row", "column", "reason"),
    [
        ("decimals", lambda rs: rs[0].__setitem__("request", "2.5"), 2, "request", "decimals"),
        ("text", lambda rs: rs[0].__setitem__("request", "tre"), 2, "request", "is text"),
        ("formula", lambda rs: rs[0].__setitem__("request", "=1+1"), 2, "request", "formula"),
        ("negative", lambda rs: rs[1].__setitem__("request", "-3"), 3, "request", "negative"),
        (
            "twice",
            lambda rs: rs.append({**rs[0], "request": "9"}),
            5,
            "municipality_id",
            "appears again (first in row 2)",
        ),
        ("missing row", lambda rs: rs.pop(2), None, "request", "has no row"),
    ],
)
def test_a_tampered_previous_file_is_refused_cell_by_cell(
    previous: Path, label: str, edit: Any, row: int | None, column: str, reason: str
) -> None:
    code, doc = _revise_json(previous, _tampered(previous, edit))
    assert code == 2, label
    (case,) = doc["error"]["failure_cases"]
    assert case["file"] == "t.csv"
    assert case["row"] == row and case["column"] == column and reason in case["reason"]


@pytest.mark.parametrize(
    ("label", "edit", "match"),
    [
        (
            "json request 1e30",
            lambda j: j["municipalities"][0].__setitem__("request", 10**30),
            "too large",
        ),
        ("json without municipalities", lambda j: j.pop("municipalities"), "'municipalities'"),
    ],
)
def test_a_tampered_previous_json_is_an_input_error(
    previous: Path, label: str, edit: Any, match: str
) -> None:
    doc = json.loads((previous / "prev.json").read_text(encoding="utf-8"))
    edit(doc)
    (previous / "t.json").write_text(json.dumps(doc), encoding="utf-8")
    code, err = _revise_json(previous, previous / "t.json")
    assert code == 2, label
    assert match in json.dumps(err)


def test_an_empty_parameters_file_is_an_input_error(previous: Path) -> None:
    (previous / "prev.parameters.csv").write_text("", encoding="utf-8")
    with pytest.raises(bs.InputError, match="not a readable parameters file"):
        bio.read_parameters(previous / "prev.csv")


@pytest.mark.parametrize(
    ("label", "extra", "column", "reason"),
    [
        ("second total row", "total,999\n", "parameter", "appears again"),
        ("bounds for an unknown id", 'bounds 9999,"{""min"": 3}"\n', "bounds 9999", "not in"),
        ("garbage eligibility", 'minors_eligible,"@@,,;;"\n', "minors_eligible", "not in"),
    ],
)
def test_a_tampered_parameters_file_is_refused(
    previous: Path, label: str, extra: str, column: str, reason: str
) -> None:
    side = previous / "prev.parameters.csv"
    text = side.read_text(encoding="utf-8")
    if label == "garbage eligibility":  # replace the recorded row, so only the garbage is read
        text = "".join(line for line in text.splitlines(True) if "minors_eligible" not in line)
    side.write_text(text + extra, encoding="utf-8")
    code, doc = _revise_json(previous, previous / "prev.csv")
    assert code == 2, label
    cases = doc["error"]["failure_cases"]
    assert cases and all(c["file"] == "prev.parameters.csv" for c in cases)
    assert any(c["column"] == column and reason in c["reason"] for c in cases)


def test_two_decisions_for_one_municipality_are_refused_in_the_api() -> None:
    ms = [
        bs.Municipality(municipality_id=f"000{i}", name=f"K{i}", population=10 * i)
        for i in range(1, 5)
    ]
    alloc = bs.allocate(
        bs.Problem(municipalities=ms, criteria={"population": 1.0}, need=bs.Need(total=20))
    )
    for dec in (
        pd.Series([1, 7], index=["0004", "0004"]),
        pd.Series([7, 1], index=["0004", "0004"]),
    ):
        with pytest.raises(bs.InputError, match="more than once") as info:
            bs.revise(alloc, decisions=dec)
        assert info.value.failure_cases["municipality_id"].tolist() == ["0004"]


def test_two_decisions_for_one_municipality_are_refused_on_the_command_line(previous: Path) -> None:
    (previous / "dec.csv").write_text(
        "municipality_id,decision\n0301,1\n0301,7\n", encoding="utf-8"
    )
    code, doc = _revise_json(
        previous, previous / "prev.csv", "--decisions", str(previous / "dec.csv")
    )
    assert code == 2
    (case,) = doc["error"]["failure_cases"]
    assert (case["file"], case["row"], case["municipality_id"]) == ("dec.csv", 3, "0301")


def test_a_second_decision_column_is_refused(previous: Path) -> None:
    (previous / "dec.csv").write_text(
        "municipality_id,decision,vedtak\n0301,1,7\n", encoding="utf-8"
    )
    code, doc = _revise_json(
        previous, previous / "prev.csv", "--decisions", str(previous / "dec.csv")
    )
    assert code == 2
    assert doc["error"]["failure_cases"][0]["column"] == "vedtak"


def test_an_id_a_spreadsheet_would_run_round_trips(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text(
        "municipality_id,name,population\n-0301,Minus,7\n1103,S,5\n+47,Plus,3\n'x,Quote,4\n",
        encoding="utf-8",
    )
    code, _, err = _cli(
        "allocate", "-i", str(tmp_path / "in.csv"), "--total", "10", "--weights",
        "population=1", "-o", str(tmp_path / "a.csv"), "--quiet",
    )  # fmt: skip
    assert code == 0, err
    assert bio.read_allocation(tmp_path / "a.csv").index.tolist() == ["'x", "+47", "-0301", "1103"]
    code, _, err = _cli(
        "revise", "--previous", str(tmp_path / "a.csv"), "-i", str(tmp_path / "in.csv"),
        "--total", "12", "--quiet",
    )  # fmt: skip
    assert code == 0, err


LATIN1 = b"municipality_id,name,population\n0301,Os\xe1lo,7\n1103,S,5\n"


def test_non_utf8_stdin_reads_as_the_same_bytes_from_a_file(tmp_path: Path) -> None:
    flags = ("--total", "10", "--weights", "population=1", "-o", "-")
    code, out, _ = _cli("allocate", "-i", "-", *flags, stdin=LATIN1)
    (tmp_path / "latin1.csv").write_bytes(LATIN1)
    code_file, out_file, _ = _cli("allocate", "-i", str(tmp_path / "latin1.csv"), *flags)
    assert (code, out) == (code_file, out_file)
    assert code == 0 and "Osálo" in out


def test_non_utf8_stdin_with_json_is_read() -> None:
    code, out, err = _cli(
        "allocate", "-i", "-", "--total", "10", "--weights", "population=1", "--json", stdin=LATIN1
    )
    assert code == 0, err
    assert "Osálo" in out


@pytest.mark.parametrize("extra", [(), ("--json",)])
def test_random_bytes_on_stdin_are_bad_input(extra: tuple[str, ...]) -> None:
    # a real process: its standard input is the interpreter's, with undecodable bytes
    junk = random.Random(3).randbytes(3000) + bytes(range(128, 256))  # not UTF-8
    done = subprocess.run(
        [sys.executable, "-m", "busetting", "allocate", "-i", "-", "--total", "10",
         "--weights", "population=1", *extra],
        input=junk, capture_output=True, timeout=300,
    )  # fmt: skip
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2 and "Traceback" not in err, err
    assert "stdin.csv" not in err  # named "standard input", not the temporary copy
    if extra:
        assert json.loads(err)["error"]["type"] == "InputError"


# -- time limits on every route ------------------------------------------------------------


def _large_rules_problem(n: int) -> bs.Problem:
    rng = np.random.default_rng(n)
    ms = [
        bs.Municipality(
            municipality_id=f"{i:05d}",
            name=f"K{i}",
            population=int(p),
            indicators={"cap": float(rng.integers(0, 500))},
            minors_max=int(rng.integers(0, 30)),
        )
        for i, p in enumerate(rng.integers(100, 200_000, n))
    ]
    return bs.Problem(
        municipalities=ms,
        criteria={"population": 0.5, "cap": 0.5},
        need=bs.Need(total=n * 20, minors=n // 4),
        rules=bs.Rules(granularity=5, min_request=5, minors_min_group=4, max_minors_hosts=n // 8),
    )


@pytest.fixture(scope="module")
def large_rules() -> bs.Problem:
    return _large_rules_problem(2000)


@pytest.mark.parametrize("solver", [None, "cbc", "highs"])
def test_a_time_limit_is_honoured_on_every_route_of_the_rules(
    large_rules: bs.Problem, solver: str | None
) -> None:
    if solver is not None and solver not in bs.available_solvers():
        pytest.skip(f"{solver} is not installed")
    alloc = bs.allocate(large_rules, solver=solver, time_limit=1e-4)
    assert alloc.status is bs.Status.TIME_LIMIT  # never optimal past the limit
    if alloc.requests is not None:  # the best answer found, only when it is verified
        assert bs.verify(large_rules, alloc).feasible


# -- granularity next to a held value (the downstream hypothesis finding) -------------------


def test_a_held_value_off_the_grid_moves_n_mod_g_requests_off_the_grid() -> None:
    """Documented behaviour (docs/constraints.md), not a defect: the zero-target row is held at
    its ``min=1``, so 54 are left and exactly 54 mod 5 = 4 requests are one above the grid."""

    def m(i: int, cap: float, **bounds: int) -> bs.Municipality:
        return bs.Municipality(
            municipality_id=f"000{i}",
            name=f"K{i}",
            population=100,
            indicators={"cap": cap},
            **bounds,
        )

    ms = [m(1, 20.0), m(2, 20.0), m(3, 30.0), m(4, 30.0), m(5, 0.0, min=1)]
    problem = bs.Problem(
        municipalities=ms,
        criteria={"cap": 1.0},
        need=bs.Need(total=55),
        rules=bs.Rules(granularity=5),
    )
    alloc = bs.allocate(problem)
    assert alloc.status is bs.Status.OPTIMAL
    assert alloc.requests.tolist() == [11, 11, 16, 16, 1]
    free = alloc.requests.iloc[:4]
    assert int((free % 5 == 1).sum()) == (55 - 1) % 5 and bool((free % 5).isin([0, 1]).all())
    assert_valid_allocation(problem, alloc)
    # the same need with the held value on the grid keeps every request on it
    on_grid = bs.allocate(problem.with_fixed({"0005": 5}))
    assert (on_grid.requests % 5 == 0).all()


# -- row numbers and --json everywhere -----------------------------------------------------


def test_validate_names_spreadsheet_rows(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "municipality_id,name,population\n0301,Oslo,700\n1103,Stavanger,-5\n1151,Utsira,tre\n",
        encoding="utf-8",
    )
    code, _, err = _cli(
        "validate", "-i", str(bad), "--total", "10", "--weights", "population=1", "--json"
    )
    assert code == 2
    cases = json.loads(err)["error"]["failure_cases"]
    assert [(c["file"], c["row"], c["column"]) for c in cases] == [
        ("bad.csv", 3, "population"),
        ("bad.csv", 4, "population"),
    ]
    # the API on a DataFrame keeps positions: there is no spreadsheet
    with pytest.raises(bs.InputError) as info:
        bio.read_problem(bad, total=10, criteria={"population": 1.0})
    assert info.value.failure_cases["row"].tolist() == [3, 4]


def test_a_usage_error_with_json_is_json_on_stderr() -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as info:
        main(["allocate", "--total", "abc", "--json"], stdout=out, stderr=err)
    assert info.value.code == 2
    error = json.loads(err.getvalue())["error"]
    assert error["type"] == "UsageError" and "--total" in error["message"]


def test_a_problem_workbook_with_a_formula_without_a_value_names_the_cell(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["municipality_id", "name", "population", "max"])
    sheet.append(["0301", "Oslo", 700, "=2+3"])  # read as blank (no bound) before
    sheet.append(["1103", "S", 150, None])
    book.save(tmp_path / "p.xlsx")
    with pytest.raises(bs.InputError, match="formula without a stored value") as info:
        bio.read_problem(tmp_path / "p.xlsx", total=10, criteria={"population": 1.0})
    case = info.value.failure_cases.iloc[0]
    assert (case["file"], case["row"], case["column"], case["value"]) == (
        "p.xlsx",
        2,
        "max",
        "=2+3",
    )


def test_a_problem_table_with_a_column_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "municipality_id,name,population,max,max\n0301,Oslo,700,9,3\n", encoding="utf-8"
    )
    with pytest.raises(bs.InputError, match="second 'max' column") as info:
        bio.read_problem(path, total=5, criteria={"population": 1.0})
    assert info.value.failure_cases["row"].tolist() == [1]
