"""The letters and the status page in a real browser (Debian's chromium, offline): a letter
prints on one A4 page; the status page prints on A4 with its tables whole.

Skips without a browser, like tests/test_browser.py, unless ``BUSETTING_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chromium import browser_session

import busetting as bs

A4_POINTS = (595, 842)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from browser_session()


def _pdf_pages(pdf: bytes) -> list[tuple[int, int]]:
    """The (width, height) in points of every page of a PDF chromium printed."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(round(float(w)), round(float(h))) for w, h in boxes]


def _print(browser: Any, path: Path) -> bytes:
    page = browser.new_page()
    try:
        page.goto(path.as_uri(), wait_until="load")
        pdf: bytes = page.pdf(prefer_css_page_size=True)
        return pdf
    finally:
        page.close()


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_a_letter_prints_on_one_a4_page(browser: Any, tmp_path: Path, language: str) -> None:
    alloc = bs.allocate(bs.datasets.norway_2024())
    made = bs.letters(alloc, deadline="2024-02-25", language=language)
    made.write(tmp_path, forms="none")
    pdf = _print(browser, tmp_path / "5001 Trondheim - Tråante.html")
    assert _pdf_pages(pdf) == [A4_POINTS]


def test_the_2023_status_page_prints_on_a4(browser: Any, tmp_path: Path) -> None:
    path = bs.write_status(bs.history_status(2023), tmp_path / "status.html")
    pages = _pdf_pages(_print(browser, path))
    assert len(pages) > 3 and set(pages) == {A4_POINTS}
