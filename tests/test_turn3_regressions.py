"""Regression tests for the adversarial run of issue 28 (one scenario per reproduction).

Each test copies its scenario (the reproductions themselves are not read) and asserts the
expected behaviour: a typed error naming the cell, or a correct allocation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import busetting as bs
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
