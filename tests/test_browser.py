"""The report in a real browser: Debian's chromium, driven by Playwright, offline.

Playwright never downloads its own browser here: it drives ``/usr/bin/chromium`` (Debian's
``chromium`` package, which ``.ci/run`` installs when it is missing). Without a browser the
tests skip and say why; with ``BUSETTING_REQUIRE_BROWSER=1`` (set by ``.ci/run``) a missing
browser is a failure, so CI cannot pass without running them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chromium import browser_session

import busetting as bs
from busetting.datasets import load_municipalities, norway_2024


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from browser_session()


@pytest.fixture(scope="module")
def alloc() -> bs.Allocation:
    return bs.allocate(norway_2024())


def _open(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    """Open ``path``; collect console errors and every request that is not the file."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r: Any) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    return page, errors, outside


def test_report_renders_with_map_chart_and_every_municipality(
    browser: Any, alloc: bs.Allocation, tmp_path: Path
) -> None:
    path = alloc.report(tmp_path / "r.html")
    page, errors, outside = _open(browser, path)
    assert errors == [] and outside == []
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.title().startswith("Anmodning om bosetting av flyktninger")
    # the map: drawn, visible, one circle per municipality
    box = page.locator("#map svg").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300
    assert page.locator("#map circle.m").count() == 357
    assert page.locator("#map circle.em").count() == int((alloc.minors > 0).sum())
    # the county chart: one bar per county, drawn with a width
    counties = load_municipalities()["fylke"].nunique()
    assert page.locator("#chart g.bar").count() == counties
    widths = page.locator("#chart g.bar rect").evaluate_all(
        "rs => rs.map(r => r.getBoundingClientRect().width)"
    )
    assert all(w > 0 for w in widths)
    # the table: one row per municipality, Utsira included
    rows = page.locator("#municipalities tbody tr")
    assert rows.count() == 357
    assert page.locator("#municipalities tbody tr", has_text="Utsira").count() == 1
    # it prints: a PDF of the page
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    page.close()


def test_county_view_renders_one_county(browser: Any, alloc: bs.Allocation, tmp_path: Path) -> None:
    path = alloc.report(tmp_path / "vestland.html", county="Vestland")
    page, errors, outside = _open(browser, path)
    assert errors == [] and outside == []
    muni = load_municipalities()
    n = int((muni["fylke"] == "Vestland").sum())
    assert page.locator("#municipalities tbody tr").count() == n
    assert page.locator("#map circle.m").count() == n
    assert page.locator("#chart g.bar").count() == n  # one bar per municipality
    assert "Vestland" in page.locator("h1").inner_text()
    # every municipality named on the map, on paper as on screen
    labels = page.locator("#map text.label").evaluate_all(
        "ts => ts.filter(t => t.getBoundingClientRect().width > 0).map(t => t.textContent)"
    )
    assert sorted(labels) == sorted(muni.loc[muni["fylke"] == "Vestland", "kommune"])
    page.close()


MM = 96 / 25.4  # CSS pixels per millimetre


def test_first_printed_page_has_year_date_map_and_county_total(
    browser: Any, alloc: bs.Allocation, tmp_path: Path
) -> None:
    """The report in Chromium's A4 print: the first page holds the year, the date, a map
    with borders and labels, and the county table down to its total."""
    path = alloc.report(tmp_path / "print.html", prepared=dt.date(2024, 1, 15))
    page, errors, outside = _open(browser, path)
    assert errors == [] and outside == []
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    # A4 from the page's own @page rule: 595.92 x 842.88 points
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all(abs(float(w) - 595.9) < 1 and abs(float(h) - 842.9) < 1 for w, h in boxes)
    # the print layout, one page wide: A4 less the @page margins (14 mm each side)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": round((210 - 28) * MM), "height": 1200})
    first_page = (297 - 14 - 16) * MM  # the height of the first page's content
    h1 = page.locator("h1")
    assert "2024" in h1.inner_text() and "2024" in page.title()
    assert page.locator(".prepared").inner_text() == "Utarbeidet 15. januar 2024"
    svg = page.locator("#map svg")
    box = svg.bounding_box()
    assert box is not None and box["width"] > 90 * MM and box["height"] > 100 * MM
    assert page.locator("#map rect.frame").get_attribute("stroke") is not None
    assert page.locator("#map path.kommune").count() == 357
    assert page.locator("#map path.fylke").count() == 15
    sizes = page.locator("#map path.fylke").evaluate_all(
        "ps => ps.map(p => p.getBoundingClientRect().width * p.getBoundingClientRect().height)"
    )
    assert all(s > 0 for s in sizes)
    labels = page.locator("#map text.label").evaluate_all(
        "ts => ts.filter(t => t.getBoundingClientRect().width > 0).map(t => t.textContent)"
    )
    assert {"Oslo", "Bergen", "Trondheim", "Tromsø"} <= set(labels)
    total = page.locator("#county-table tfoot tr.total")
    assert total.locator("th").first.inner_text() == "I alt"
    total_box = total.bounding_box()
    assert total_box is not None
    for element in (h1, page.locator(".prepared"), svg, total):
        b = element.bounding_box()
        assert b is not None and b["y"] + b["height"] <= first_page, element
    page.close()
