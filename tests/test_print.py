"""On paper: the report's year, date, totals and map; the workbook's print setup and sheets."""

from __future__ import annotations

import datetime as dt
import gzip
import importlib
import json
import re
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
from clirun import run

import busetting as bs
from busetting._language import format_number
from busetting._map import load_borders
from busetting._report import report_html
from busetting._workbook import RECORD_SHEET
from busetting.datasets import load_history, load_municipalities, norway_2024
from busetting.io import (
    parameter_table,
    read_allocation,
    read_parameters,
    settings_from_parameters,
    write_allocation,
)

DAY = dt.date(2024, 1, 15)
NB = "\u00a0"


@pytest.fixture(scope="module")
def alloc() -> bs.Allocation:
    return bs.allocate(norway_2024())


@pytest.fixture(scope="module")
def page(alloc: bs.Allocation) -> str:
    return report_html(alloc, prepared=DAY)


def _num(text: str) -> int:
    return int(text.replace(NB, "").replace("\u2212", "-").lstrip("+"))


def _cells(row: str) -> list[str]:
    """The cells of a row, a cell spanning n columns as itself and n - 1 empty ones."""
    out: list[str] = []
    for attrs, text in re.findall(r"<t[dh]([^>]*)>(.*?)</t[dh]>", row):
        span = re.search(r'colspan="(\d+)"', attrs)
        n = int(span.group(1)) if span else 1
        out += [text] + [""] * (n - 1)
    return out


def _foot(page: str, table_id: str) -> list[str]:
    table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return _cells(table.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0])


def _body(page: str, table_id: str) -> list[list[str]]:
    table = page.split(f'id="{table_id}"', 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr([^>]*)>(.*?)</tr>", table.split("<tbody>", 1)[1])
    out = []
    for attrs, row in rows:
        cells = _cells(row)
        out.append(cells[:1] if "group" in attrs else cells)  # a county's heading: its name
    return out


# -- the geography -----------------------------------------------------------------------------


def test_the_shipped_borders_are_the_357_municipalities_and_15_counties() -> None:
    munis, counties, names = load_borders()
    muni = load_municipalities()
    assert sorted(munis) == sorted(muni["kommunenummer"])
    assert sorted(counties) == sorted(muni["fylkesnummer"].unique())
    # every municipality's number starts with its county's number
    assert all(mid[:2] in counties for mid in munis)
    table = dict(zip(muni["kommunenummer"], muni["kommune"], strict=True))
    # the names agree except for the Sámi forms and disambiguations Kartverket spells its way
    first = {m: names[m].split(" - ")[0].lower() for m in munis}
    agree = sum(
        1 for m in munis if first[m] in table[m].lower() or table[m].lower() in names[m].lower()
    )
    assert agree >= 350
    assert names["4601"] == "Bergen" and names["1151"] == "Utsira"


def test_the_borders_keep_the_published_coordinates() -> None:
    raw = resources.files("busetting.datasets").joinpath("geo", "kommuner_2024.geojson.gz")
    data = json.loads(gzip.decompress(raw.read_bytes()))
    coords = data["features"][0]["geometry"]["coordinates"][0]
    assert all(round(x, 3) == x and round(y, 3) == y for x, y in coords)
    attribution = resources.files("busetting.datasets").joinpath("ATTRIBUTION.md").read_text()
    assert "Kartverket" in attribution and "CC BY 4.0" in attribution


# -- the report --------------------------------------------------------------------------------


def test_report_title_and_head_name_the_year_and_the_date(page: str, alloc: bs.Allocation) -> None:
    title = f"Anmodning om bosetting av flyktninger i 2024: 37{NB}000 personer"
    assert f"<title>{title}</title>" in page and f"<h1>{title}</h1>" in page
    assert '<p class="prepared">Utarbeidet 15. januar 2024</p>' in page
    english = report_html(alloc, language="en", prepared=DAY)
    assert "<title>Settlement requests 2024: 37,000 persons</title>" in english
    assert "Prepared January 15, 2024" in english
    later = report_html(alloc, prepared=DAY, year=2025)
    assert "<title>Anmodning om bosetting av flyktninger i 2025: " in later


def test_same_input_and_date_give_the_same_bytes(alloc: bs.Allocation, page: str) -> None:
    assert report_html(alloc, prepared=DAY) == page
    assert report_html(alloc, prepared=dt.date(2024, 1, 16)) != page


def test_every_table_has_a_total_row_that_adds_up(page: str, alloc: bs.Allocation) -> None:
    for table_id in ("municipalities", "county-table"):
        assert _foot(page, table_id)[0] == "I alt"
    counties = _body(page, "county-table")
    foot = _foot(page, "county-table")
    for j in (1, 2, 3, 4, 5, 6, 7):  # every column of counts sums to its total
        assert sum(_num(r[j]) for r in counties) == _num(foot[j])
    assert _num(foot[4]) == 37_000 and _num(foot[5]) == alloc.problem.minors_total
    munis = _foot(page, "municipalities")
    assert _num(munis[3]) == 37_000
    hist = load_history()
    assert _num(munis[5]) == int(hist.loc[hist["year"] == 2023, "anmodning"].sum())
    assert munis[-1] == format_number(1000 * 37_000 / 5_550_203, "nb", 1)  # rate of the sums
    # the change column sums to its total; Haram (no 2023 figures of its own) is said apart
    haram = int(alloc.requests["1580"])
    assert _num(munis[8]) == 37_000 - haram - _num(munis[5])
    assert f"endringen i alt er uten Harams anmodning på {haram}" in page
    # the appendix's tables too: the weights sum to 1
    assert page.count('<tr class="total">') >= 4


def test_municipality_table_grouped_by_county_with_subtotals(alloc: bs.Allocation) -> None:
    page = report_html(alloc, prepared=DAY, by_county=True)
    rows = _body(page, "municipalities")
    muni = load_municipalities()
    groups = [r[0] for r in rows if len(r) == 1]
    assert groups == sorted(muni["fylke"].unique())
    subtotals = [r for r in rows if r[0].startswith("I alt ")]
    assert len(subtotals) == 15
    vestland = next(r for r in subtotals if r[0] == "I alt Vestland")
    ids = muni.loc[muni["fylke"] == "Vestland", "kommunenummer"]
    assert _num(vestland[3]) == int(alloc.requests[ids].sum())
    assert sum(_num(r[3]) for r in subtotals) == _num(_foot(page, "municipalities")[3])


def test_page_is_a4_with_page_numbers_and_print_rules(page: str) -> None:
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "@page{size:A4" in style
    assert 'counter(page) " av " counter(pages)' in style
    assert "@media print" in style and "break-inside:avoid" in style
    assert "thead{display:table-header-group}" in style


def test_map_is_a_choropleth_on_real_borders_with_labels(page: str) -> None:
    svg = page.split('<figure id="map">', 1)[1].split("</figure>", 1)[0]
    assert "<script" not in page and "http://" not in svg.replace("http://www.w3.org", "")
    kommuner = re.findall(r'<path class="kommune c(\d)" data-id="(\d{4})"', svg)
    assert sorted(m for _, m in kommuner) == sorted(load_municipalities()["kommunenummer"])
    assert len(re.findall(r'<path class="fylke" data-id="\d\d"', svg)) == 15
    # every path is a real outline (closed rings), not a placeholder
    paths = re.findall(r'<path class="kommune[^>]* d="([^"]*)"', svg)
    assert len(paths) == 357 and all(d.startswith("m") and d.endswith("z") for d in paths)
    assert sum(len(d) for d in paths) > 100_000  # the coast and the borders, not boxes
    labels = re.findall(r'<text class="label" data-id="(\d{4})"[^>]*>([^<]*)</text>', svg)
    assert ("0301", "Oslo") in labels and ("4601", "Bergen") in labels and len(labels) >= 8
    assert "Kartverket, CC BY 4.0" in svg
    assert "Anmodning per 1 000 innbyggere" in svg
    # the classes follow the rate: Oslo's 3.0 per 1,000 is below three quarters of 6.7
    oslo = next(c for c, m in kommuner if m == "0301")
    assert oslo == "1"


def test_county_view_labels_every_municipality(alloc: bs.Allocation) -> None:
    page = report_html(alloc, county="Vestland", prepared=DAY)
    muni = load_municipalities()
    ids = sorted(muni.loc[muni["fylke"] == "Vestland", "kommunenummer"])
    svg = page.split('<figure id="map">', 1)[1].split("</figure>", 1)[0]
    labelled = sorted(re.findall(r'<text class="label" data-id="(\d{4})"', svg))
    assert labelled == ids
    assert re.findall(r'<path class="fylke" data-id="(\d\d)"', svg) == ["46"]
    foot = _foot(page, "municipalities")
    assert foot[0] == "I alt Vestland" and _num(foot[3]) == int(alloc.requests[ids].sum())


# -- the workbook ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book_path(alloc: bs.Allocation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_allocation(alloc, tmp_path_factory.mktemp("wb") / "anmodning.xlsx", language="nb")


def test_workbook_prints_a4_landscape_fitted_with_header_and_footer(book_path: Path) -> None:
    book = openpyxl.load_workbook(book_path)
    assert book.properties.title == "Anmodning om bosetting av flyktninger 2024"
    assert book.properties.creator.startswith("busetting")
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == "$1:$1"
        assert "2024" in ws.oddFooter.left.text
        assert ws.oddFooter.right.text == "Side &P av &N"


def test_workbook_has_the_2023_columns_as_numbers(book_path: Path) -> None:
    ws = openpyxl.load_workbook(book_path)["Anmodninger"]
    header = [c.value for c in ws[1]]
    assert header[:8] == [
        "kommunenummer",
        "kommune",
        "fylke",
        "anmodning",
        "herav enslige mindreårige",
        "anmodning 2023",
        "vedtak 2023",
        "bosatt 2023",
    ]
    hist = load_history()
    h = hist[hist["year"] == 2023].set_index("kommunenummer")
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["4601"][5:8] == tuple(
        int(h.loc["4601", c]) for c in ("anmodning", "vedtak", "bosatt")
    )
    assert rows["1580"][5] is None  # Haram: inside Ålesund until 2024, left empty


def test_no_number_is_stored_as_text(book_path: Path) -> None:
    book = openpyxl.load_workbook(book_path)
    number = re.compile(r"[-\u2212+]?\d[\d\s\u00a0]*([.,]\d+)?")
    for ws in book.worksheets:
        ids = {j for j, c in enumerate(ws[1]) if c.value in ("kommunenummer", "municipality_id")}
        for row in ws.iter_rows(min_row=2):
            for j, c in enumerate(row):
                if j in ids or not isinstance(c.value, str):
                    continue
                assert not number.fullmatch(c.value), (ws.title, c.coordinate, c.value)


def test_parametere_is_readable_and_the_record_hidden(
    book_path: Path, alloc: bs.Allocation
) -> None:
    book = openpyxl.load_workbook(book_path)
    ws = book["Parametere"]
    assert ws.max_row <= 26  # a header and at most 25 rows
    rows = dict(ws.iter_rows(min_row=2, values_only=True))
    assert rows["behov (personer)"] == 37_000 and rows["herav enslige mindreårige"] == 610
    assert rows["metode"] and not any("{" in str(v) for v in rows.values())  # no JSON
    assert book[RECORD_SHEET].sheet_state == "hidden"
    assert [ws.sheet_state for ws in book.worksheets].count("visible") == 4
    # the record reads back as it was written: revise --previous keeps the run's settings
    back = read_parameters(book_path)
    written = dict(parameter_table(alloc).itertuples(index=False))
    assert back is not None and back.keys() == written.keys()
    for key in back.keys() - {"objective", "runtime_seconds"}:
        try:  # a number is stored as a number: 1.0 reads back as 1, the same value
            same = float(back[key]) == float(written[key])
        except (TypeError, ValueError):
            same = back[key] == written[key]
        assert same, (key, back[key], written[key])
    assert float(back["objective"]) == pytest.approx(float(written["objective"]), rel=1e-15)
    assert settings_from_parameters(back) == settings_from_parameters(written)


def test_workbook_county_filter(alloc: bs.Allocation, tmp_path: Path) -> None:
    path = write_allocation(alloc, tmp_path / "v.xlsx", language="nb", county="Vestland")
    book = openpyxl.load_workbook(path)
    muni = load_municipalities()
    ids = sorted(muni.loc[muni["fylke"] == "Vestland", "kommunenummer"])
    assert [r[0] for r in book["Anmodninger"].iter_rows(min_row=2, values_only=True)] == ids
    assert [r[0] for r in book["Fylker"].iter_rows(min_row=2, values_only=True)] == ["Vestland"]
    assert book.properties.title.endswith(": Vestland")
    with pytest.raises(bs.InputError, match=r"`county` parameter of `write_allocation`.*'Vest'"):
        write_allocation(alloc, tmp_path / "x.xlsx", county="Vest")


def test_nynorsk_report_and_workbook(alloc: bs.Allocation, tmp_path: Path) -> None:
    page = report_html(alloc, language="nn", prepared=DAY)
    assert page.startswith('<!DOCTYPE html>\n<html lang="nn">')
    assert f"<h1>Oppmoding om busetjing av flyktningar i 2024: 37{NB}000 personar</h1>" in page
    assert "Utarbeidd 15. januar 2024" in page and _foot(page, "county-table")[0] == "I alt"
    assert "Oppmoding per 1 000 innbyggjarar" in page  # the map's legend
    path = write_allocation(alloc, tmp_path / "nn.xlsx", language="nn")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:4] == ["Oppmodingar", "Fylke", "Kriterium", "Parametrar"]
    header = [c.value for c in book["Oppmodingar"][1]]
    assert header[3:8] == [
        "oppmoding",
        "av dei einslege mindreårige",
        "oppmoding 2023",
        "vedtak 2023",
        "busett 2023",
    ]
    assert book["Oppmodingar"].oddFooter.right.text == "Side &P av &N"
    back = read_allocation(path)  # a nynorsk workbook is a previous run too
    assert back["request"].tolist() == alloc.requests.tolist()


def test_cli_report_grouped_in_nynorsk_and_a_county_workbook(tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    out = run("report", "--out", str(page), "--by-county", "--lang", "nn")
    assert out.returncode == 0, out.stderr
    text = page.read_text("utf-8")
    assert '<html lang="nn">' in text and '<tr class="subtotal">' in text
    book = tmp_path / "vestland.xlsx"
    out = run("report", "--out", str(book), "--county", "Vestland")
    assert out.returncode == 0, out.stderr
    ws = openpyxl.load_workbook(book)["Anmodninger"]
    assert {r[2] for r in ws.iter_rows(min_row=2, values_only=True)} == {"Vestland"}


def _keys(table: dict[str, object], prefix: str = "") -> set[str]:
    out = set()
    for k, v in table.items():
        out.add(prefix + k)
        if isinstance(v, dict):
            out |= _keys(v, f"{prefix}{k}.")
    return out


@pytest.mark.parametrize("module", ["_map", "_report", "_workbook"])
def test_every_word_exists_in_english_bokmal_and_nynorsk(module: str) -> None:
    mod = importlib.import_module(f"busetting.{module}")
    tables = [mod._WORDS] + ([mod._W] if module == "_report" else [])
    for table in tables:
        assert set(table) == {"en", "nb", "nn"}
        assert _keys(table["en"]) == _keys(table["nb"]) == _keys(table["nn"])
        nb, nn = table["nb"], table["nn"]
        assert nb != nn  # nynorsk is its own written standard, not a copy of bokmål
