"""The report, the workbook and the explanations for readers: Norwegian, complete, exact."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from clirun import run
from hypothesis import given, settings
from hypothesis import strategies as st
from problem_edits import with_indicator

import busetting as bs
from busetting._language import format_number
from busetting._report import report_html
from busetting._workbook import RECORD_SHEET
from busetting.datasets import load_history, load_municipalities, norway_2024
from busetting.io import read_allocation, write_allocation
from busetting.testing.strategies import problems

ENGLISH = re.compile(
    r"\b(capacity|settling|speed|services|labour|market|population|weight|target|rounding|"
    r"granularity|minimum|request|minors|groups|hosts|bound|would|more|fewer|residents|"
    r"persons|points|the|of|is|and|at|most|least)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def ruled() -> bs.Allocation:
    return bs.allocate(norway_2024())


@pytest.fixture(scope="module")
def plain() -> bs.Allocation:
    return bs.allocate(norway_2024(rules=bs.Rules()))


@pytest.fixture(scope="module")
def page(ruled: bs.Allocation) -> str:
    return report_html(ruled, prepared=dt.date(2024, 1, 15))


def _cells(page: str, table_id: str) -> list[list[str]]:
    body = page.split(f'id="{table_id}"', 1)[1].split("</tbody>", 1)[0].split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body)
    return [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in rows]


# -- numbers in Norwegian ----------------------------------------------------------------------


def test_format_number_is_norwegian_in_nb_and_english_in_en() -> None:
    assert format_number(1530, "nb") == "1 530"
    assert format_number(1530, "nb", space="\u00a0") == "1\u00a0530"
    assert format_number(26.5549, "nb", 2) == "26,55"
    assert format_number(-1234.5, "nb", 1) == "\u22121 234,5"
    assert format_number(1530, "en") == "1,530"
    assert format_number(float("nan"), "nb") == ""


# -- the report ----------------------------------------------------------------------------------


def test_report_is_bokmal_by_default_for_norway_and_lists_every_municipality(page: str) -> None:
    assert page.startswith('<!DOCTYPE html>\n<html lang="nb">')
    assert "<h2>Sammendrag</h2>" in page and "<h2>Teknisk vedlegg</h2>" in page
    rows = _cells(page, "municipalities")
    ids = [r[0] for r in rows]
    assert ids == sorted(load_municipalities()["kommunenummer"])  # all 357, in official order
    utsira = next(r for r in rows if r[0] == "1151")
    assert utsira[1] == "Utsira"


def test_report_sections_come_in_the_readers_order(page: str) -> None:
    # the first page: the map and the counties with their total; then the summary
    order = ["Kart", "Fylker", "Sammendrag", "Alle kommuner", "Teknisk vedlegg"]
    positions = [page.index(f">{h}</h2>") for h in order]
    assert positions == sorted(positions)
    # solver internals only in the appendix
    appendix = page.index("<h2>Teknisk vedlegg</h2>")
    for internal in ("fingeravtrykk", "sertifikat", "målfunksjon", "løser"):
        assert page.index(internal) > appendix


def test_report_shows_last_years_figures_from_the_history(page: str, ruled: bs.Allocation) -> None:
    hist = load_history()
    h = hist[hist["year"] == 2023].set_index("kommunenummer")
    head = page.split('id="municipalities"', 1)[1].split("</thead>", 1)[0]
    for col in ("anmodning 2023", "vedtak 2023", "bosatt 2023", "endring fra 2023"):
        assert col in head
    rows = {r[0]: r for r in _cells(page, "municipalities")}
    for mid in ("0301", "4601", "1151", "5501"):
        row = rows[mid]
        assert row[5] == format_number(h.loc[mid, "anmodning"], "nb", space="\u00a0")
        assert row[7] == format_number(h.loc[mid, "bosatt"], "nb", space="\u00a0")
        change = int(ruled.requests[mid]) - int(h.loc[mid, "anmodning"])
        shown = row[8].replace("\u2212", "-").replace("\u00a0", "").lstrip("+")
        assert int(shown) == change
    assert rows["1580"][5] == ""  # Haram: inside Ålesund until 2024, said in a note
    assert "Ålesunds tall omfatter Haram" in page


def test_report_numbers_are_grouped_the_norwegian_way(page: str) -> None:
    # no number of 4 digits or more without the thousands separator, outside the ids,
    # the appendix (fingerprints, solver versions) and the markup
    body = page.split("<h2>Teknisk vedlegg</h2>")[0]
    text = re.sub(r"<[^>]+>", " ", body.split("<body>", 1)[1])
    for row in _cells(page, "municipalities"):
        text = text.replace(f" {row[0]} ", " ")
    text = re.sub(r"\((\d{4})\)", "", text)  # ids in the map's tooltips: "Bergen (4601)"
    text = re.sub(r"\b(19|20)\d\d\b", "", text)  # years
    text = text.replace("CC BY 4.0", "")  # the licence's version
    assert not re.findall(r"\d{4,}", text)
    assert "1\u00a0000" in text or "1 000" in text  # "per 1 000 innbyggere"
    assert not re.findall(r"\d\.\d", text)  # decimal comma, never a point


def test_report_map_has_a_circle_per_municipality(page: str) -> None:
    circles = re.findall(r'<circle class="m(?: zero)?" data-id="(\d{4})"', page)
    assert sorted(circles) == sorted(load_municipalities()["kommunenummer"])


def test_report_summary_names_the_need_the_criteria_and_the_changes(
    page: str, ruled: bs.Allocation
) -> None:
    summary = page.split('id="summary"', 1)[1].split("</section>", 1)[0]
    assert "Behovet er 37\u00a0000 personer, av dem 610 enslige mindreårige." in summary
    for word in ("kapasitet", "bosettingstakt", "tjenestetilbud", "folketall"):
        assert word in summary
    assert "Største endringer fra anmodningene i 2023" in summary
    assert "anmodninger i multipler av 5" in summary
    assert "bevist optimal" in summary


def test_english_report_on_request(ruled: bs.Allocation) -> None:
    page = report_html(ruled, language="en")
    assert '<html lang="en">' in page and "<h2>Summary</h2>" in page
    assert "The need is 37,000 persons, of whom 610 unaccompanied minors." in page


def test_county_view_is_one_county_with_its_own_totals(ruled: bs.Allocation) -> None:
    page = report_html(ruled, county="Vestland")
    muni = load_municipalities()
    vestland = sorted(muni.loc[muni["fylke"] == "Vestland", "kommunenummer"])
    assert [r[0] for r in _cells(page, "municipalities")] == vestland
    total = format_number(int(ruled.requests[vestland].sum()), "nb", space="\u00a0")
    assert f"<h1>Anmodning om bosetting i Vestland i 2024: {total} personer</h1>" in page
    circles = re.findall(r'<circle class="m(?: zero)?" data-id="(\d{4})"', page)
    assert sorted(circles) == vestland


def test_report_errors_name_the_parameter(ruled: bs.Allocation, tmp_path: Path) -> None:
    with pytest.raises(bs.InputError) as info:
        ruled.report(tmp_path / "r.html", county="Vestlandet")
    assert str(info.value).startswith(
        "The `county` parameter of `report` must be a county of the problem (Agder, "
    )
    assert str(info.value).endswith("Got 'Vestlandet' instead.")
    with pytest.raises(bs.InputError, match=r"^The `language` parameter of `report` must be"):
        ruled.report(tmp_path / "r.html", language="sv")


def test_report_of_a_problem_outside_norway_is_english_without_history(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "municipality_id": ["9001", "9002"],
            "name": ["Alpha", "Beta"],
            "county": ["X", "X"],
            "population": [1000, 3000],
        }
    )
    alloc = bs.allocate(bs.Problem.from_frame(df, total=40, criteria={"population": 1.0}))
    page = report_html(alloc)
    assert '<html lang="en">' in page
    assert "No coordinates for these municipalities" in page
    assert [r[:5] for r in _cells(page, "municipalities")] == [
        ["9001", "Alpha", "X", "10", "0"],
        ["9002", "Beta", "X", "30", "0"],
    ]


def test_cli_report_county_and_workbook(tmp_path: Path) -> None:
    page = tmp_path / "vestland.html"
    out = run("report", "--county", "Vestland", "--out", str(page))
    assert out.returncode == 0, out.stderr
    assert "Anmodning om bosetting i Vestland" in page.read_text("utf-8")
    book = tmp_path / "anmodninger.xlsx"
    out = run("report", "--out", str(book))
    assert out.returncode == 0, out.stderr
    assert openpyxl.load_workbook(book).sheetnames == [
        "Anmodninger",
        "Fylker",
        "Kriterier",
        "Parametere",
        RECORD_SHEET,
    ]
    csv = tmp_path / "anmodninger.csv"
    assert run("report", "--out", str(csv)).returncode == 0
    raw = csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfkommunenummer;kommune;fylke;anmodning;")


# -- the workbook --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "nb"])
def test_workbook_has_bold_frozen_headers_widths_and_number_formats(
    plain: bs.Allocation, tmp_path: Path, language: str
) -> None:
    path = write_allocation(plain, tmp_path / "out.xlsx", language=language)
    book = openpyxl.load_workbook(path)
    names = {
        "en": ["requests", "counties", "criteria", "parameters", RECORD_SHEET],
        "nb": ["Anmodninger", "Fylker", "Kriterier", "Parametere", RECORD_SHEET],
    }[language]
    assert book.sheetnames == names
    for ws in book.worksheets:
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2")
        assert all(c.font.b for c in ws[1])
        assert all(ws.column_dimensions[c.column_letter].width >= 4 for c in ws[1])
    ws = book[names[0]]
    header = [c.value for c in ws[1]]
    first = {
        "en": ["municipality_id", "name", "county", "request", "minors"],
        "nb": ["kommunenummer", "kommune", "fylke", "anmodning", "herav enslige mindreårige"],
    }[language]
    assert header[:5] == first  # the request columns first
    assert ws.max_row == 358  # a header and 357 municipalities
    col = {h: i + 1 for i, h in enumerate(header)}
    request = ws.cell(row=2, column=col[first[3]])
    target = ws.cell(row=2, column=col["target" if language == "en" else "mål etter kriteriene"])
    assert isinstance(request.value, int) and request.number_format == "#,##0"
    assert isinstance(target.value, float) and target.number_format == "#,##0.00"
    assert ws.column_dimensions["B"].width >= max(len(str(c.value)) for c in ws["B"])
    assert ws.cell(row=2, column=1).value == "0301"  # the id stays text


def test_norwegian_workbook_and_excel_csv_read_back(plain: bs.Allocation, tmp_path: Path) -> None:
    for path, kwargs in (
        (tmp_path / "nb.xlsx", {"language": "nb"}),
        (tmp_path / "nb.csv", {"language": "nb", "csv_dialect": "excel-nb"}),
        (tmp_path / "en.csv", {}),
    ):
        back = read_allocation(write_allocation(plain, path, **kwargs))
        assert back.index.tolist() == list(plain.problem.ids)
        assert back["request"].tolist() == plain.requests.tolist()
        np.testing.assert_allclose(back["target"], plain.targets, rtol=1e-12)


def test_excel_csv_dialect_is_semicolon_decimal_comma_and_bom(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "municipality_id": ["0301", "1151"],
            "name": ["Oslo", "=1+1"],
            "county": ["Oslo", "Rogaland"],
            "population": [700, 300],
        }
    )
    alloc = bs.allocate(bs.Problem.from_frame(df, total=20, criteria={"population": 1.0}))
    path = write_allocation(alloc, tmp_path / "a.csv", language="nb", csv_dialect="excel-nb")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("kommunenummer;kommune;fylke;anmodning;herav enslige mindreårige;")
    # the ids are Norway's, so IMDi's 2023 figures stand beside the request
    assert lines[0].startswith(
        "kommunenummer;kommune;fylke;anmodning;herav enslige mindreårige;"
        "anmodning 2023;vedtak 2023;bosatt 2023;innbyggere;"
    )
    assert lines[1].startswith("0301;Oslo;Oslo;14;0;2170;2000;2018;700;20,0;14,0;")
    assert lines[2].startswith("1151;'=1+1;Rogaland;6;0;20;15;11;300;")  # CSV needs the apostrophe
    with pytest.raises(bs.InputError) as info:
        write_allocation(alloc, tmp_path / "a.csv", csv_dialect="excel")
    assert str(info.value) == (
        "The `csv_dialect` parameter of `write_allocation` must be 'standard' or 'excel-nb'. "
        "Got 'excel' instead."
    )


# -- explanations ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mid", ["4601", "1151", "0301", "5501"])
def test_bokmal_explanation_has_no_english_from_criteria_or_rules(
    ruled: bs.Allocation, plain: bs.Allocation, mid: str
) -> None:
    for alloc in (ruled, plain):
        text = alloc.explain(mid, language="nb").text
        assert not ENGLISH.findall(text), ENGLISH.findall(text)
        numbers = re.sub(r"\b20\d\d\b", "", text.replace(mid, ""))  # ids and years aside
        assert not re.findall(r"\d{4,}", numbers), text  # 1 530, never 1530
    rules = ruled.explain(mid, language="nb").text
    assert "anmodninger i multipler av 5" in rules


def test_bokmal_explanation_states_the_margin_in_the_indicators_units(
    plain: bs.Allocation,
) -> None:
    e = plain.explain("4601", language="nb")
    lines = [line for line in e.lines if line.startswith("  folketall, nå 291 940:")]
    assert len(lines) == 1
    assert re.search(
        r": (\d[\d ]*|én) (flere innbyggere|innbygger til) ville gitt én mer;", lines[0]
    )
    more = next(m for m in e.margins if m.indicator == "population" and m.direction == "more")
    assert more.change is not None and more.change > 0 and more.step == 1
    assert format_number(float(more.change), "nb") in lines[0]


def _check_margins(alloc: bs.Allocation, mid: str) -> int:
    """Every whole-unit margin moves the request by one; one unit less does not."""
    checked = 0
    e = alloc.explain(mid)
    x = int(alloc.requests[mid])
    for mg in e.margins:
        if mg.change is None or mg.step != 1 or Fraction(mg.value).denominator != 1:
            continue
        sign = 1 if mg.direction == "more" else -1
        moved = bs.allocate(with_indicator(alloc.problem, mid, mg.indicator, mg.new_value))
        assert moved.success
        assert sign * (int(moved.requests[mid]) - x) >= 1, (mg, moved.requests[mid], x)
        short = mg.change - (1 if mg.change > 0 else -1)
        if short != 0:
            before = bs.allocate(
                with_indicator(alloc.problem, mid, mg.indicator, mg.value + float(short))
            )
            tied = any(mid in (*t.winners, *t.losers) for t in before.ties)
            assert int(before.requests[mid]) == x or tied, (mg, before.requests[mid], x)
        checked += 1
    return checked


def test_margins_move_the_norway_request_by_exactly_one_step(plain: bs.Allocation) -> None:
    assert _check_margins(plain, "4601") >= 2  # population and capacity, both ways
    assert _check_margins(plain, "1151") >= 1


@settings(max_examples=30, deadline=None)
@given(data=st.data(), method=st.sampled_from(["webster", "dhondt", "hamilton"]))
def test_margins_are_exact_on_random_problems(data: st.DataObject, method: str) -> None:
    problem = data.draw(problems(max_size=6, max_total=60, method=method))
    alloc = bs.allocate(problem, method=method)
    mid = data.draw(st.sampled_from(problem.ids))
    e = alloc.explain(mid)
    x = int(alloc.requests[mid])
    for mg in e.margins:
        if mg.change is None or mg.step != 1 or Fraction(mg.value).denominator != 1:
            continue
        sign = 1 if mg.direction == "more" else -1
        moved = bs.allocate(with_indicator(problem, mid, mg.indicator, mg.new_value), method=method)
        assert sign * (int(moved.requests[mid]) - x) >= 1
        short = mg.change - (1 if mg.change > 0 else -1)
        if short != 0:
            before = bs.allocate(
                with_indicator(problem, mid, mg.indicator, mg.value + float(short)),
                method=method,
            )
            tied = any(mid in (*t.winners, *t.losers) for t in before.ties)
            assert int(before.requests[mid]) == x or tied


def test_margins_on_the_grid_of_the_real_process_move_the_request_by_five(
    ruled: bs.Allocation,
) -> None:
    """With the process rules (multiples of 5), the margin is a move of 5, re-solved."""
    mid = "4601"
    e = ruled.explain(mid, language="nb")
    assert "Dette ville flyttet anmodningen med 5, når alt annet er som før:" in e.lines
    x = int(ruled.requests[mid])
    pop = {m.direction: m for m in e.margins if m.indicator == "population"}
    for direction, sign in (("more", 1), ("fewer", -1)):
        mg = pop[direction]
        assert mg.unit == 5 and mg.change is not None
        moved = bs.allocate(with_indicator(ruled.problem, mid, "population", mg.new_value))
        assert moved.success and int(moved.requests[mid]) == x + 5 * sign
        short = mg.value + float(mg.change - sign)
        if short != mg.value:
            before = bs.allocate(with_indicator(ruled.problem, mid, "population", short))
            assert before.success and int(before.requests[mid]) == x


def test_rules_without_an_exact_margin_say_so() -> None:
    df = pd.DataFrame(
        {
            "municipality_id": ["0301", "1151", "4601"],
            "name": ["Oslo", "Utsira", "Bergen"],
            "county": ["Oslo", "Rogaland", "Vestland"],
            "population": [700, 215, 300],
        }
    )
    problem = bs.Problem.from_frame(df, total=50, criteria={"population": 1.0}).with_rules(
        bs.Rules(granularity=5, min_request=5)
    )
    alloc = bs.allocate(problem, method="dhondt")
    e = alloc.explain("1151", language="nb")
    assert e.margins == ()
    assert any(
        line.startswith("Marginene i indikatorenes egne enheter regnes ut") for line in e.lines
    )
