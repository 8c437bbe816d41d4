"""The command line: default run, formats, exit codes, bad files (in process; one smoke test
runs ``python -m busetting`` as a real subprocess)."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import openpyxl
import pytest
from clirun import run, run_process

import busetting as bs
from busetting.cli import main
from busetting.datasets import load_municipalities
from busetting.io import read_allocation


def test_default_run_allocates_the_2024_need_on_the_embedded_data() -> None:
    out = run_process()
    assert out.returncode == 0, out.stderr
    assert (  # the Norway data: bokmål by default (the one default of --lang)
        "kontroll av summene: anmodningene blir 37 000 (behov 37 000), enslige mindreårige "
        "610 (behov 610): stemmer" in out.stdout
    )
    english = run_process("--lang", "en")
    assert (
        "totals check: requests sum to 37,000 (need 37,000), minors to 610 (need 610): OK"
        in english.stdout
    )
    assert "  0301  Oslo " in out.stdout
    counties = set(load_municipalities()["fylke"])
    assert len(counties) == 15 and all(c in out.stdout for c in counties)
    assert out.stderr == ""


def test_allocate_is_the_default_command() -> None:
    def without_timing(text: str) -> list[str]:
        return [line for line in text.splitlines() if " ms" not in line]

    assert without_timing(run("--top", "3").stdout) == without_timing(
        run("allocate", "--top", "3").stdout
    )
    assert without_timing(run().stdout) == without_timing(run("allocate").stdout)


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_each_output_format_is_written_and_reads_back(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"alloc{suffix}"
    out = run("allocate", "--quiet", "--out", str(path))
    assert out.returncode == 0 and out.stdout == "", out.stderr
    back = read_allocation(path)
    assert len(back) == 357 and int(back["request"].sum()) == 37_000
    assert int(back["minors"].sum()) == 610
    assert back.index[0] == "0301"


def test_json_on_stdout() -> None:
    out = run("allocate", "--json")
    assert out.returncode == 0
    data = json.loads(out.stdout)
    assert (data["status"], data["total"], data["minors_total"]) == ("optimal", 37_000, 610)
    assert data["method"] == "webster" and data["solver"] == "lagrange"  # the process rules
    first = data["municipalities"][0]
    assert set(first) >= {"municipality_id", "name", "county", "target", "request", "minors"}
    assert sum(m["request"] for m in data["municipalities"]) == 37_000


def test_options_total_minors_method_weights_solver() -> None:
    out = run(
        "allocate",
        "--total",
        "1000",
        "--minors",
        "20",
        "--method",
        "hamilton",
        "--weights",
        "capacity=0.5,population=0.5",
        "--solver",
        "cbc",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["total"], data["minors_total"], data["method"], data["solver"]) == (
        1000,
        20,
        "hamilton",
        "cbc",
    )
    assert [c["name"] for c in data["criteria"]] == ["capacity", "population"]


def test_exit_code_2_for_a_malformed_csv(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "kommunenummer,kommune,population\n0301,Oslo,abc\n,Utsira,5\n", encoding="utf-8"
    )
    out = run("allocate", "--input", str(path), "--total", "10")
    assert out.returncode == 2
    assert out.stderr.splitlines()[0] == (
        "busetting: error: Problem.from_frame found 2 problems in the input:"
    )
    assert "must be a whole number >= 0" in out.stderr and "Traceback" not in out.stderr


def test_exit_code_2_for_a_missing_file(tmp_path: Path) -> None:
    out = run("allocate", "--input", str(tmp_path / "nope.csv"), "--total", "10")
    assert out.returncode == 2
    assert out.stderr == (
        f"busetting: error: The input file {str(tmp_path / 'nope.csv')!r} does not exist.\n"
    )


def test_an_output_folder_that_does_not_exist_is_created(tmp_path: Path) -> None:
    out = run("allocate", "--out", str(tmp_path / "missing" / "deeper" / "a.csv"), "--quiet")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "missing" / "deeper" / "a.csv").is_file()


def test_exit_code_2_for_an_output_folder_inside_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out = run("allocate", "--out", str(tmp_path / "file" / "a.csv"))
    assert out.returncode == 2
    assert "is inside a file" in out.stderr


def test_with_json_an_input_error_is_json_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "kommunenummer,kommune,population\n0301,Oslo,abc\n,Utsira,5\n", encoding="utf-8"
    )
    out = run("allocate", "--input", str(path), "--total", "10", "--json")
    assert out.returncode == 2 and out.stdout == ""
    error = json.loads(out.stderr)["error"]
    assert error["type"] == "InputError"
    assert error["message"] == "Problem.from_frame found 2 problems in the input:"
    assert [(c["municipality_id"], c["column"], c["value"]) for c in error["failure_cases"]] == [
        ("0301", "population", "abc"),
        (None, "municipality_id", None),
    ]
    assert error["failure_cases"][0]["reason"] == "must be a whole number >= 0"
    missing = str(tmp_path / "nope.csv")
    for argv in (["allocate"], ["validate"], ["explain", "0301"], ["scenarios", "--totals", "5"]):
        out = run(*argv, "--input", missing, "--total", "10", "--json")
        assert out.returncode == 2 and out.stdout == "", argv
        assert json.loads(out.stderr) == {
            "error": {
                "type": "InputError",
                "message": f"The input file {missing!r} does not exist.",
                "failure_cases": [],
            }
        }


def test_exit_code_2_for_a_bad_command_line() -> None:
    out = run("allocate", "--weights", "capacity")
    assert out.returncode == 2 and "expected name=weight pairs" in out.stderr


def test_exit_code_3_for_an_infeasible_problem(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "municipality_id,name,population,max\n0301,Oslo,700,3\n1151,Utsira,215,2\n",
        encoding="utf-8",
    )
    out = run("allocate", "--input", str(path), "--total", "10")
    assert out.returncode == 3
    assert out.stderr == (
        "busetting: Infeasible: requests: upper bounds (max, fixed) sum to 5, "
        "5 short of the need of 10.\n"
    )


def test_exit_code_4_for_a_solver_failure(tmp_path: Path) -> None:
    ms = [
        bs.Municipality(municipality_id="0001", name="A", population=1000, indicators={"cap": 1}),
        bs.Municipality(municipality_id="0002", name="B", population=10, indicators={"cap": 100}),
    ]
    p = bs.Problem(
        municipalities=ms,
        criteria={"population": 1.0},
        minors_criteria={"cap": 1.0},
        need=bs.Need(total=20, minors=10),
    )
    path = tmp_path / "problem.json"
    path.write_text(p.model_dump_json(), encoding="utf-8")
    out = run("allocate", "--input", str(path), "--solver", "threshold")
    assert out.returncode == 4
    assert out.stderr.startswith("busetting: solver failure: The threshold path cannot solve")


def test_xlsx_input_with_a_formula_looking_name(tmp_path: Path) -> None:
    src = tmp_path / "in.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (
        ["kommunenummer", "kommune", "population"],
        ["0301", "", 700],
        ["1151", "Utsira", 215],
    ):
        sheet.append(row)
    sheet["B2"].value = "=cmd|' /C calc'!A0"
    sheet["B2"].data_type = "s"  # text that looks like a formula, as a user may type it
    book.save(src)
    dst = tmp_path / "out.xlsx"
    out = run("allocate", "--input", str(src), "--total", "20", "--out", str(dst), "--quiet")
    assert out.returncode == 0, out.stderr
    sheet = openpyxl.load_workbook(dst)["Anmodninger"]  # Norway ids: bokmål by default
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert names == ["=cmd|' /C calc'!A0", "Utsira"]  # text as typed, no apostrophe added
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert sheet["B2"].data_type == "s" and sheet["B2"].quotePrefix


def test_validate_lists_every_problem_and_exits_non_zero(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("kommunenummer,kommune,population\n0301,,1\n,X,-4\n", encoding="utf-8")
    out = run("validate", str(path), "--total", "10")
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert lines[0] == "busetting: error: Problem.from_frame found 3 problems in the input:"
    assert len(lines) == 5  # the message, the table header and one row per problem


def test_validate_accepts_a_good_file(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text("kommunenummer,kommune,population\n0301,Oslo,10\n", encoding="utf-8")
    out = run("validate", str(path), "--total", "5", "--lang", "en")
    assert out.returncode == 0
    assert out.stdout == f"{path}: OK, 1 municipalities, need 5 (minors 0)\n"
    nynorsk = run("validate", str(path), "--total", "5", "--lang", "nn")
    assert nynorsk.stdout == f"{path}: i orden, 1 kommunar, behov 5 (einslege mindreårige 0)\n"


def test_schema_prints_the_json_schema_of_a_problem() -> None:
    out = run("schema")
    assert out.returncode == 0
    schema = json.loads(out.stdout)
    assert schema["title"] == "Problem" and "Municipality" in schema["$defs"]


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    out = run("allocate", "--input", str(tmp_path / "nope.csv"), "--total", "1", "--debug")
    assert out.returncode != 0 and "Traceback" in out.stderr


def test_progress_is_shown_for_slow_runs_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = bs.allocate

    def slow(*args, **kwargs):
        time.sleep(1.3)
        return real(*args, **kwargs)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(bs, "allocate", slow)
    out, err = io.StringIO(), Terminal()
    argv = ["allocate", "--total", "100", "--minors", "0", "--lang", "en"]
    assert main(argv, stdout=out, stderr=err) == 0
    assert err.getvalue() == "busetting: solving (auto) ... 1 s\n"
    assert "requests sum to 100" in out.getvalue()
    # not on a pipe or a file: progress is for people at a terminal only
    quiet = io.StringIO()
    assert main(["allocate", "--total", "100", "--minors", "0"], stdout=out, stderr=quiet) == 0
    assert quiet.getvalue() == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_sweep_writes_no_progress_when_stderr_is_not_a_terminal() -> None:
    argv = ["scenarios", "--totals", "30000:31000:500", "--no-rules"]
    err = io.StringIO()
    assert main(argv, stdout=io.StringIO(), stderr=err) == 0
    assert err.getvalue() == ""
    # the same sweep at a terminal draws its bar, so the check above can fail
    terminal = _Terminal()
    assert main(argv, stdout=io.StringIO(), stderr=terminal) == 0
    assert "busetting: scenarios 3 / 3 [" in terminal.getvalue()


def test_rule_flags_reach_the_problem(tmp_path: Path) -> None:
    totals = tmp_path / "counties.csv"
    totals.write_text("fylke,total\nOslo,3000\n", encoding="utf-8")
    fixed = tmp_path / "fixed.csv"
    fixed.write_text("kommunenummer,vedtak\n4601,1400\n", encoding="utf-8")
    out = run(
        "allocate",
        "--json",
        "--granularity",
        "10",
        "--min-request",
        "10",
        "--minors-min-group",
        "5",
        "--max-minors-hosts",
        "40",
        "--county-totals",
        str(totals),
        "--per-capita-cap",
        "0.02",
        "--fixed",
        str(fixed),
    )
    assert out.returncode == 0, out.stderr
    rows = {m["municipality_id"]: m for m in json.loads(out.stdout)["municipalities"]}
    assert rows["0301"]["request"] == 3000 and rows["4601"]["request"] == 1400
    assert all(m["request"] % 10 in (0, 1) or m["municipality_id"] == "4601" for m in rows.values())
    assert sum(m["minors"] > 0 for m in rows.values()) <= 40
    assert all(m["minors"] == 0 or m["minors"] >= 5 for m in rows.values())
    assert all(
        m["request"] <= 0.02 * m["population"]
        for m in rows.values()
        if m["municipality_id"] not in ("0301", "4601")
    )


def test_no_rules_switches_the_process_rules_off() -> None:
    data = json.loads(run("allocate", "--json", "--no-rules").stdout)
    assert data["solver"] == "threshold"
    assert any(m["request"] % 5 for m in data["municipalities"])


def test_a_bad_rule_option_is_exit_code_2() -> None:
    out = run("allocate", "--granularity", "0")
    assert out.returncode == 2
    assert out.stderr == (
        "busetting: error: bad rule option: granularity must be a whole number >= 1; got 0\n"
    )


def test_any_rule_parameter_is_set_by_name() -> None:
    data = json.loads(run("allocate", "--json", "--rule", "max_request=900").stdout)
    assert max(m["request"] for m in data["municipalities"]) == 900
    out = run("allocate", "--rule", "max_reqest=900")
    assert out.returncode == 2
    assert "did you mean max_request" in out.stderr
    out = run("allocate", "--rule", "max_request=-3")
    assert out.returncode == 2
    assert out.stderr == (
        "busetting: error: bad rule option: max_request must be a whole number >= 0; got -3\n"
    )
