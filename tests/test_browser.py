"""The report in a real browser: Debian's chromium, driven by Playwright, offline.

Playwright never downloads its own browser here: it drives ``/usr/bin/chromium`` (Debian's
``chromium`` package, which ``.ci/run`` installs when it is missing). Without a browser the
tests skip and say why; with ``BUSETTING_REQUIRE_BROWSER=1`` (set by ``.ci/run``) a missing
browser is a failure, so CI cannot pass without running them.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import busetting as bs
from busetting.datasets import load_municipalities, norway_2024

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install playwright; no browser download)"
    if not CHROMIUM.exists():
        return f"no browser at {CHROMIUM} (apt-get install -y chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        if os.environ.get("BUSETTING_REQUIRE_BROWSER") == "1":
            pytest.fail(f"BUSETTING_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield b
        finally:
            b.close()


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
    page.close()
