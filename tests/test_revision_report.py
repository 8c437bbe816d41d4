"""The report of a revision: Norwegian, formatted, compared with the request being revised."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import openpyxl
import pytest
from clirun import run

import busetting as bs
from busetting._accounting import CENTS
from busetting._revision_report import revision_html, revision_tables, write_revision_report
from busetting.datasets import norway_2024


@cache
def _cut() -> bs.Revision:
    alloc = bs.allocate(norway_2024()).raise_for_status()
    return bs.revise(alloc, total=30_000, decisions={"0301": 1900}).raise_for_status()


def test_the_tables_compare_with_the_request_being_revised() -> None:
    rev = _cut()
    tables = revision_tables(rev, "nb")
    every = tables["all"].set_index("kommunenummer")
    assert list(every.columns[:2]) == ["kommune", "fylke"]
    assert every.loc["0301", "anmodning som revideres"] == int(rev.previous["0301"])
    assert every.loc["0301", "kommunestyrevedtak"] == 1900
    assert (
        every["endring"] == every["revidert anmodning"] - every["anmodning som revideres"]
    ).all()
    cuts = tables["cuts"]
    assert (cuts["endring"] < 0).all() and cuts["endring"].is_monotonic_increasing
    assert tables["increases"].empty  # a cut raises nobody
    counties = tables["counties"].set_index("fylke")
    assert counties.loc["Alle kommuner", "revidert anmodning"] == 30_000
    rule = dict(tables["rule"].itertuples(index=False, name=None))
    assert rule["retning"].startswith("kutt: ingen anmodning går opp")
    assert "cut_key='original'" in rule["nøkkel ved kutt"]


def test_the_parts_in_the_report_sum_to_each_change() -> None:
    rev = _cut()
    accounting = rev.accounting()
    for change in accounting.changes:
        assert sum(p.cents for p in change.parts) == change.change * CENTS
    oslo = accounting["0301"]
    assert oslo.baseline == int(rev.previous["0301"]) and oslo.new <= 1900
    assert any(p.kind == "need" for p in oslo.parts)


@pytest.mark.parametrize(
    ("language", "sheet", "header"),
    [
        ("nb", "revisjon", "revidert anmodning"),
        ("nn", "revisjon", "revidert oppmoding"),
        ("en", "revision", "revised request"),
    ],
)
def test_the_workbook_is_formatted_in_the_language_asked(
    tmp_path: Path, language: str, sheet: str, header: str
) -> None:
    path = write_revision_report(_cut(), tmp_path / "revidert.xlsx", language=language)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == sheet
    ws = book[sheet]
    headers = [c.value for c in ws[1]]
    assert header in headers
    assert ws.freeze_panes == "C2" and ws["A1"].font.bold and ws.auto_filter.ref
    column = headers.index(header) + 1
    assert ws.cell(row=2, column=column).number_format == "#,##0"
    assert book["requests"].sheet_state == "hidden"


def test_the_html_page_is_norwegian_and_names_the_rule() -> None:
    page = revision_html(_cut(), language="nb")
    assert '<html lang="nb">' in page
    assert "Revisjon av anmodningene: 37\u00a0000 til 30\u00a0000" in page
    assert "Største kutt" in page and "Summer per fylke" in page
    assert "det nasjonale behovet endret seg" in page
    assert "request" not in page.split("<body>")[1].split("cut_key")[0]


def test_an_unknown_language_or_suffix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(bs.InputError, match="must be 'en', 'nb' or 'nn'"):
        revision_tables(_cut(), "sv")
    with pytest.raises(bs.InputError, match=r"must end in \.xlsx or \.html"):
        write_revision_report(_cut(), tmp_path / "x.csv")


def test_cli_revise_writes_norwegian_reports_that_revise_again(tmp_path: Path) -> None:
    first = tmp_path / "anmodning.xlsx"
    assert run("--out", str(first)).returncode == 0
    book = tmp_path / "revidert.xlsx"
    page = tmp_path / "revidert.html"
    done = run(
        "revise", "--previous", str(first), "--total", "30000", "--lang", "nb", "--out", str(book)
    )
    assert done.returncode == 0, done.stderr
    assert "revidert anmodning" in [c.value for c in openpyxl.load_workbook(book)["revisjon"][1]]
    done = run(
        "revise",
        "--previous",
        str(first),
        "--total",
        "30000",
        "--lang",
        "nb",
        "--cut-key",
        "commitment",
        "--out",
        str(page),
    )
    assert done.returncode == 0, done.stderr
    assert "hver kommunes forpliktelse" in page.read_text(encoding="utf-8")
    again = run("revise", "--previous", str(book), "--total", "29000")
    assert again.returncode == 0, again.stderr
    assert "behov 29 000" in again.stdout  # the Norway data: bokmål by default
