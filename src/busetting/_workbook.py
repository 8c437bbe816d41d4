"""The workbook on paper: last year's figures, a readable parameters sheet and print setup.

:mod:`busetting.io` writes the workbooks; this module holds what makes them fit for an
official: the request, decision and settled figures of the last year in the history beside
this year's request, a ``Parametere`` sheet a reader can read (at most 25 rows, in the
chosen language, numbers stored as numbers), and the print setup of every sheet (A4
landscape, fit to the page width, the header row repeated, a footer with the year and the
page numbers). The machine-readable record of the run (every setting ``revise --previous``
needs) is kept on a hidden sheet, :data:`RECORD_SHEET`, in the format it always had.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from busetting._exceptions import InputError
from busetting._language import (
    LANGUAGES,
    column_words,
    criterion_words,
    method_words,
    term,
    terms,
)
from busetting.datasets import load_history

if TYPE_CHECKING:
    from busetting._model import Criterion
    from busetting._result import Allocation

__all__ = [
    "PREVIOUS_COLUMNS",
    "PRINT_LANGUAGES",
    "RECORD_SHEET",
    "column_header",
    "last_year_figures",
    "previous_headers",
    "print_language",
    "print_setup",
    "readable_parameters",
    "requests_year",
    "workbook_title",
]

RECORD_SHEET = "busetting-record"
"""The hidden sheet with the machine-readable run record (``parameter``, ``value``)."""

PREVIOUS_COLUMNS = ("request", "decision", "settled")
"""Last year's figures, in the order they are shown."""

_WORDS: dict[str, dict[str, str]] = {
    language: terms("workbook.", language) for language in LANGUAGES
}

_SOURCES = {language: term("workbook.sources_text", language) for language in LANGUAGES}


PRINT_LANGUAGES = ("en", "nb", "nn")
"""The languages of the report and the workbook: English, bokmål, nynorsk."""


def print_language(language: object, where: str) -> str:
    """``language`` if it is ``"en"``, ``"nb"`` or ``"nn"``; an :class:`InputError` otherwise.

    The report and the workbook take nynorsk; the other outputs follow
    :func:`busetting._language.check_language`.
    """
    if language not in PRINT_LANGUAGES:
        raise InputError(
            f"The `language` parameter of `{where}` must be 'en', 'nb' or 'nn'. "
            f"Got {language!r} instead."
        )
    return str(language)


def column_header(column: str, language: str) -> str:
    """A workbook column's header in ``language``: the table's own words, then the shared
    ones (bokmål for nynorsk where the shared tables have no nynorsk yet)."""
    own = _WORDS[language].get(f"col {column}")
    return own if own is not None else column_words(column, _base(language))


def _base(language: str) -> str:
    """The language the shared word tables know (nynorsk falls back to bokmål there)."""
    return "nb" if language == "nn" else language


def last_year_figures(ids: Sequence[str]) -> tuple[int, pd.DataFrame] | None:
    """Last year's request, decision and settled per municipality from the embedded history.

    Parameters
    ----------
    ids : sequence of str
        The municipalities (kommunenummer).

    Returns
    -------
    tuple of (int, pandas.DataFrame) or None
        ``(year, table)`` with columns ``request``, ``decision``, ``settled`` indexed by
        ``municipality_id`` (``ids``, in order), or ``None`` when none of ``ids`` is in the
        history. Haram (1580) has no row before 2024: its figures are inside Ålesund's
        (1508), shown as published.
    """
    hist = load_history()
    year = int(hist["year"].max())
    h = hist[hist["year"] == year].set_index("kommunenummer")
    ids = list(ids)
    if not set(ids) & set(h.index):
        return None
    table = pd.DataFrame(
        {"request": h["anmodning"], "decision": h["vedtak"], "settled": h["bosatt"]}
    ).reindex(pd.Index(ids, name="municipality_id"))
    return year, table


def requests_year(ids: Sequence[str]) -> int | None:
    """The year the requests are for: the year after the history of ``ids``, if any."""
    found = last_year_figures(ids)
    return None if found is None else found[0] + 1


def previous_headers(year: int, language: str) -> dict[str, str]:
    """Column headers of last year's figures: ``request_2023`` or ``anmodning 2023``."""
    w = _WORDS[language]
    return {k: w[k].format(y=year) for k in PREVIOUS_COLUMNS}


def workbook_title(year: int | None, language: str, county: str | None = None) -> str:
    """The document title (and the footer's left part): the requests and their year."""
    w = _WORDS[language]
    title = w["title"].format(year=year) if year is not None else w["title_plain"]
    return title if county is None else f"{title}: {county}"


def readable_parameters(
    alloc: Allocation, language: str, *, county: str | None = None
) -> pd.DataFrame:
    """The run's parameters for a reader: at most 25 rows, numbers stored as numbers.

    Parameters
    ----------
    alloc : Allocation
        The allocation.
    language : str
        ``"en"``, ``"nb"`` or ``"nn"``.
    county : str, optional
        The county the workbook shows, if it shows one.

    Returns
    -------
    pandas.DataFrame
        Two columns, the parameter and its value (an ``int``, a ``float`` or text).
    """
    w = _WORDS[language]
    base = _base(language)
    p = alloc.problem
    requests = alloc.requests
    asked = 0 if requests is None else int((requests > 0).sum())
    rows: list[tuple[str, Any]] = [
        (w["need"], int(p.total)),
        (w["minors"], int(p.minors_total)),
        (w["municipalities"], len(p.municipalities)),
        (w["asked"], asked),
    ]
    if county is not None:
        rows.append((w["county"], county))
    if len(p.criteria) <= _MAX_WEIGHT_ROWS:
        rows += [
            (w["weight"].format(c=criterion_words(c.name, base)), float(c.weight))
            for c in p.criteria
        ]
    else:  # many criteria: one row of text, so the sheet stays within 25 rows
        rows.append((w["weights"], _key_text(p.criteria, base)))
    rows.append((w["minors_key"], _key_text(p.effective_minors_criteria, base)))
    rules = p.rules.describe(base)
    rows.append((w["rules"], "; ".join(rules) if rules else w["norules"]))
    bounded = sum(
        1
        for m in p.municipalities
        if any(
            getattr(m, f) is not None for f in ("min", "max", "fixed", "minors_max", "minors_min")
        )
    )
    rows += [
        (w["bounds"], bounded),
        (w["method"], method_words(alloc.method, base)),
        (w["status"], alloc.status.value),
        (w["solver"], f"{alloc.solver} {alloc.solver_version}".strip()),
        (w["fingerprint"], alloc.fingerprint),
        (w["version"], alloc.version),
        (w["sources"], _SOURCES[language]),
        (w["record"], w["record_text"].format(sheet=RECORD_SHEET)),
    ]
    return pd.DataFrame(rows, columns=[w["parameter"], w["value"]], dtype=object)


_MAX_WEIGHT_ROWS = 8
"""At most this many weight rows (with the 16 other rows, at most 25 rows in all)."""


def _key_text(criteria: Sequence[Criterion], base: str) -> str:
    return ", ".join(
        f"{criterion_words(c.name, base)} {round(100 * c.weight, 1):g}\u00a0%" for c in criteria
    )


def print_setup(ws: Any, *, title: str, language: str, repeat_header: bool = True) -> None:
    """A4 landscape, fit to the page width, the header row repeated, the footer.

    The footer has the title (with the year) on the left and ``Side n av m`` on the right.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        The sheet.
    title : str
        The footer's left part.
    language : str
        ``"en"``, ``"nb"`` or ``"nn"``.
    repeat_header : bool
        Print the first row on every page.
    """
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.7
    if repeat_header:
        ws.print_title_rows = "1:1"
    ws.oddFooter.left.text = title.replace("&", "&&")
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = _WORDS[language]["footer_page"]
    ws.oddFooter.right.size = 8
