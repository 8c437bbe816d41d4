"""One CLI grammar: -i/-o with - for stdin/stdout, --json/--quiet everywhere, help everywhere."""

from __future__ import annotations

import argparse
import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from clirun import run

import busetting as bs
from busetting.cli import build_parser, main
from busetting.datasets import load_municipalities

READ_OR_WRITE = [
    "allocate",
    "validate",
    "revise",
    "scenarios",
    "explain",
    "report",
    "calibrate",
    "backtest",
    "counties",
    "reconcile",
]


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


def _csv(rows: int = 20) -> str:
    frame = load_municipalities()[["kommunenummer", "kommune", "fylke", "population"]]
    return frame.head(rows).to_csv(index=False)


@pytest.mark.parametrize("name", sorted(_subparsers()))
def test_every_option_of_every_subcommand_has_help(name: str) -> None:
    sub = _subparsers()[name]
    missing = [a.dest for a in sub._actions if not (a.help and a.help.strip())]
    assert missing == []


@pytest.mark.parametrize("name", sorted(_subparsers()))
def test_help_text_is_never_broken_inside_a_word_or_number(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")  # narrow, so that wrapping happens everywhere
    sub = _subparsers()[name]
    shown = set(sub.format_help().split())
    for action in sub._actions:
        if action.help and action.help != argparse.SUPPRESS:
            for token in action.help.split():
                assert token in shown, (action.dest, token)


@pytest.mark.parametrize("name", READ_OR_WRITE)
def test_every_reading_or_writing_subcommand_takes_json_quiet_and_input(name: str) -> None:
    options = {o for a in _subparsers()[name]._actions for o in a.option_strings}
    assert {"--json", "--quiet"} <= options
    if name not in ("calibrate", "backtest"):  # these read the shipped history only
        assert {"-i", "--input"} <= options
    if name in ("allocate", "scenarios", "explain", "report", "counties", "reconcile"):
        assert "--lang" in options


def test_a_csv_on_standard_input_and_json_on_standard_output() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["allocate", "-i", "-", "--total", "1200", "--json"],
        stdin=io.StringIO(_csv()),
        stdout=out,
        stderr=err,
    )
    assert code == 0, err.getvalue()
    data = json.loads(out.getvalue())
    assert data["total"] == 1200 and len(data["municipalities"]) == 20
    assert sum(m["request"] for m in data["municipalities"]) == 1200


def test_out_dash_writes_csv_to_standard_output_and_the_summary_to_stderr() -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = ["allocate", "-i", "-", "--total", "500", "-o", "-", "--lang", "en"]
    assert main(argv, stdin=io.StringIO(_csv()), stdout=out, stderr=err) == 0
    table = pd.read_csv(io.StringIO(out.getvalue()), dtype={"municipality_id": str})
    assert len(table) == 20 and int(table["request"].sum()) == 500
    assert "totals check" in err.getvalue()  # the human summary, out of the data's way
    assert "written: standard output" in err.getvalue()
    assert "parameters (what `busetting revise --previous` reads) are not kept" in err.getvalue()


def test_an_unknown_output_suffix_is_refused_before_solving(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("solved although the output could not be written")

    monkeypatch.setattr(bs, "allocate", never)
    with pytest.raises(SystemExit) as info:
        main(["allocate", "--out", "x.txt"])
    assert info.value.code == 2
    assert "must end in .csv, .xlsx or .json" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["report", "--out", "report.pdf"])


WRITERS = {
    "allocate": (["allocate"], "a.csv"),
    "revise": (["revise", "--previous", "previous.csv"], "r.csv"),
    "scenarios": (["scenarios", "--totals", "100,200"], "s.xlsx"),
    "report": (["report"], "report.html"),
    "counties": (["counties"], ""),
    "reconcile": (["reconcile", "recommendations"], "final.json"),
}
"""Every subcommand that writes a file: its arguments and a file name for --out."""


@pytest.fixture
def no_solving(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("solved although the output could not be written")

    for name in ("allocate", "revise", "scenarios"):
        monkeypatch.setattr(bs, name, never)


@pytest.mark.usefixtures("no_solving")
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_an_output_folder_inside_a_file_is_refused_before_solving(
    tmp_path: Path, name: str
) -> None:
    argv, file = WRITERS[name]
    (tmp_path / "file").write_text("x", encoding="utf-8")
    folder = tmp_path / "file" / "sub"
    out = run(*argv, "-o", str(folder / file) if file else str(folder))
    assert out.returncode == 2, out.stderr
    assert out.stderr == (
        f"busetting: error: The output folder {str(folder)!r} is inside a file: "
        f"{tmp_path / 'file'}.\n"
    )
    if name == "reconcile":
        out = run(*argv, "--changes", str(folder / "changes.csv"))
        assert out.returncode == 2 and "is inside a file" in out.stderr


@pytest.mark.usefixtures("no_solving")
@pytest.mark.parametrize("name", sorted(set(WRITERS) - {"counties"}))
def test_every_unknown_output_suffix_is_refused_before_solving(name: str) -> None:
    argv, _ = WRITERS[name]
    out = run(*argv, "-o", "out.txt")
    assert out.returncode == 2 and "argument -o/--out: must end in" in out.stderr
    if name == "reconcile":
        out = run(*argv, "--changes", "changes.txt")
        assert out.returncode == 2 and "argument --changes: must end in" in out.stderr


def test_top_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["allocate", "--top", "-3"])
    assert info.value.code == 2
    assert "expected a whole number >= 1; got '-3'" in capsys.readouterr().err


def test_quiet_prints_nothing_and_json_and_out_dash_conflict(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    path = tmp_path / "mine.csv"
    path.write_text(_csv(), encoding="utf-8")
    argv = ["scenarios", "-i", str(path), "--total", "100", "--totals", "100,200", "--quiet"]
    assert main(argv, stdout=out, stderr=err) == 0
    assert out.getvalue() == "" and err.getvalue() == ""
    argv = ["allocate", "-i", str(path), "--total", "100", "-o", "-", "--json"]
    assert main(argv, stdout=out, stderr=err) == 2
    assert "both write to standard output" in err.getvalue()


def test_scenarios_writes_norwegian_headers_with_lang_nb(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(_csv(), encoding="utf-8")
    table = tmp_path / "sc.csv"
    argv = ["scenarios", "-i", str(path), "--total", "100", "--totals", "100,200"]
    assert main([*argv, "--lang", "nb", "-o", str(table), "--quiet"]) == 0
    # Norwegian implies the Norwegian Excel dialect: ';' and a byte-order mark
    assert table.read_text(encoding="utf-8").splitlines()[0] == "\ufeffkommunenummer;100;200"
    standard = ["--csv-dialect", "standard", "-o", str(table), "--quiet"]
    assert main([*argv, "--lang", "nn", *standard]) == 0
    assert table.read_text(encoding="utf-8").splitlines()[0] == "kommunenummer,100,200"


def test_validate_takes_input_like_every_other_subcommand(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(_csv(), encoding="utf-8")
    for argv in (["validate", "-i", str(path)], ["validate", str(path)]):
        out = io.StringIO()
        assert main([*argv, "--total", "100", "--json"], stdout=out, stderr=io.StringIO()) == 0
        assert json.loads(out.getvalue())["ok"] is True


def test_json_from_scenarios_and_explain(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(_csv(), encoding="utf-8")
    out = io.StringIO()
    argv = ["scenarios", "-i", str(path), "--total", "100", "--totals", "100,200", "--json"]
    assert main(argv, stdout=out, stderr=io.StringIO()) == 0
    data = json.loads(out.getvalue())
    assert data["totals"] == [100, 200]
    assert sum(v[1] for v in data["requests"].values()) == 200
    out = io.StringIO()
    argv = ["explain", "0301", "-i", str(path), "--total", "100", "--json"]
    assert main(argv, stdout=out, stderr=io.StringIO()) == 0
    explained = json.loads(out.getvalue())
    assert explained["municipality_id"] == "0301" and explained["lines"]


def test_the_real_shell_pipeline(tmp_path: Path) -> None:
    """``cat mine.csv | busetting allocate -i - --total 1200 --json`` in a real shell."""
    import subprocess
    import sys

    path = tmp_path / "mine.csv"
    path.write_text(_csv(), encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    with path.open("rb") as fh:
        done = subprocess.run(
            [sys.executable, "-m", "busetting", "allocate", "-i", "-", "--total", "1200", "--json"],
            stdin=fh,
            capture_output=True,
            timeout=300,
            env=env,
        )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 1200
