"""Files in and out: formats, Norwegian CSV dialects, formula injection, atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import busetting as bs
from busetting._workbook import RECORD_SHEET
from busetting.io import read_allocation, read_problem, read_table, write_allocation

ROWS = "kommunenummer,kommune,fylke,population,capacity\n0301,Oslo,Oslo,700,10.5\n1151,Utsira,Rogaland,215,2.25\n"


@pytest.fixture
def alloc() -> bs.Allocation:
    df = pd.DataFrame(
        {
            "municipality_id": ["0301", "1151", "5001"],
            "name": ["Oslo", '=HYPERLINK("http://x")', "Trondheim - Tråante"],
            "county": ["Oslo", "@SUM(A1)", "Trøndelag - Trööndelage"],
            "population": [700, 215, 300],
        }
    )
    return bs.allocate(bs.Problem.from_frame(df, total=50, criteria={"population": 1.0}))


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_round_trip(alloc: bs.Allocation, tmp_path: Path, suffix: str) -> None:
    path = write_allocation(alloc, tmp_path / f"out{suffix}")
    back = read_allocation(path)
    assert back.index.tolist() == ["0301", "1151", "5001"]
    assert back["request"].tolist() == alloc.requests.tolist()
    assert back["minors"].tolist() == alloc.minors.tolist()
    assert back["target"].tolist() == pytest.approx(alloc.targets.tolist(), rel=1e-12)
    assert "Trondheim - Tråante" in back["name"].tolist()


def test_xlsx_has_requests_counties_and_parameters(alloc: bs.Allocation, tmp_path: Path) -> None:
    path = write_allocation(alloc, tmp_path / "out.xlsx", language="en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["requests", "counties", "criteria", "parameters", RECORD_SHEET]
    assert book[RECORD_SHEET].sheet_state == "hidden"
    params = dict(pd.read_excel(path, sheet_name=RECORD_SHEET).values.tolist())
    assert params["input_fingerprint"] == alloc.fingerprint
    assert params["method"] == "webster" and "NLOD 2.0" in params["data_attribution"]
    assert params["busetting_version"] == bs.__version__


def test_formula_looking_text_is_neutralised(alloc: bs.Allocation, tmp_path: Path) -> None:
    path = write_allocation(alloc, tmp_path / "out.xlsx", language="en")
    sheet = openpyxl.load_workbook(path)["requests"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    # kept as text, shown as typed: no visible apostrophe, a string cell with quote prefix
    hyperlink = next(c for c in cells if c.value == '=HYPERLINK("http://x")')
    at = next(c for c in cells if c.value == "@SUM(A1)")
    assert hyperlink.data_type == "s" and hyperlink.quotePrefix
    assert at.data_type == "s" and at.quotePrefix
    assert not any(str(c.value).startswith("'") for c in cells)
    text = (write_allocation(alloc, tmp_path / "out.csv")).read_text("utf-8")
    assert "'=HYPERLINK" in text and '\n1151,"=' not in text


def test_json_has_the_documented_keys(alloc: bs.Allocation, tmp_path: Path) -> None:
    data = json.loads(write_allocation(alloc, tmp_path / "out.json").read_text("utf-8"))
    assert {"status", "total", "minors_total", "method", "solver", "municipalities"} <= set(data)
    row = data["municipalities"][0]
    assert {"municipality_id", "name", "county", "target", "request", "minors"} <= set(row)
    assert row["municipality_id"] == "0301"


def test_a_failed_write_leaves_the_old_file(
    alloc: bs.Allocation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.csv"
    path.write_text("previous contents", encoding="utf-8")

    def broken(self, target, *args, **kwargs):
        Path(target).write_text("half a fi", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        write_allocation(alloc, path)
    assert path.read_text(encoding="utf-8") == "previous contents"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left


def test_missing_output_folder_is_an_input_error(alloc: bs.Allocation, tmp_path: Path) -> None:
    with pytest.raises(bs.InputError) as info:
        write_allocation(alloc, tmp_path / "missing" / "out.csv")
    assert str(info.value) == f"The output folder {str(tmp_path / 'missing')!r} does not exist."


def test_unknown_suffix_is_named(alloc: bs.Allocation, tmp_path: Path) -> None:
    with pytest.raises(bs.InputError) as info:
        write_allocation(alloc, tmp_path / "out.parquet")
    assert str(info.value) == (
        "The `path` parameter of `write_allocation` must name a .csv, .xlsx or .json file. "
        f"Got {str(tmp_path / 'out.parquet')!r} instead."
    )


def test_infeasible_allocations_are_not_written(tmp_path: Path) -> None:
    m = bs.Municipality(municipality_id="0301", name="Oslo", population=1, max=1)
    p = bs.Problem(municipalities=[m], criteria={"population": 1.0}, need=bs.Need(total=5))
    with pytest.raises(bs.InputError, match="status 'infeasible' and no requests"):
        write_allocation(bs.allocate(p), tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_utf8_bom_csv(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ROWS.encode("utf-8"))
    assert read_table(path).columns[0] == "kommunenummer"


def test_latin1_csv_with_norwegian_letters(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(
        "kommunenummer,kommune,population\n1508,Ålesund,58509\n5001,Trøndelag,1\n".encode("latin-1")
    )
    assert read_table(path)["kommune"].tolist() == ["Ålesund", "Trøndelag"]


def test_semicolon_and_decimal_comma_from_norwegian_excel(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        ROWS.replace(",", ";").replace("10.5", "10,5").replace("2.25", "2,25"), encoding="utf-8"
    )
    table = read_table(path)
    assert table["capacity"].tolist() == [10.5, 2.25]
    assert table["kommunenummer"].tolist() == ["0301", "1151"]


def test_read_problem_from_csv_and_json(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(ROWS, encoding="utf-8")
    p = read_problem(path, total=20, criteria={"capacity": 0.5, "population": 0.5})
    assert p.ids == ("0301", "1151")
    again = tmp_path / "problem.json"
    again.write_text(p.model_dump_json(), encoding="utf-8")
    assert read_problem(again) == p
    assert read_problem(again, total=30).total == 30


def test_a_json_problem_with_bad_values_lists_them(tmp_path: Path) -> None:
    path = tmp_path / "problem.json"
    path.write_text(
        json.dumps(
            {
                "municipalities": [{"municipality_id": "301 ", "name": "Oslo", "population": -1}],
                "criteria": [{"name": "population", "indicator": "population", "weight": 1.0}],
                "need": {"total": 10},
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(bs.InputError) as info:
        read_problem(path)
    assert str(info.value) == (
        "read_problem(problem.json) found 2 problems in the input:\n"
        "- column 'municipalities.0.municipality_id': must be a non-empty string without "
        "leading or trailing whitespace; got '301 '.\n"
        "- column 'municipalities.0.population': must be a whole number >= 0; got -1."
    )


def test_missing_input_file(tmp_path: Path) -> None:
    with pytest.raises(bs.InputError) as info:
        read_table(tmp_path / "nope.csv")
    assert str(info.value) == f"The input file {str(tmp_path / 'nope.csv')!r} does not exist."
