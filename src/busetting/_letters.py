"""Letters out: one request letter per municipality and its answer form.

:func:`letters` turns an allocation into IMDi's request letters (anmodningsbrev in bokmål,
oppmodingsbrev in nynorsk): one HTML page per municipality asked, printing on A4, with its
request, its unaccompanied minors, the national need, the deadline and what the council's
decision must state. :meth:`Letters.write` writes them with one answer workbook per
municipality (or one per county): ids, names and requests filled in and locked, the answer
cells open and validated (whole numbers >= 0, a date, free text). :func:`read_answers`
reads the returned forms back.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from busetting._answers import (
    ANSWER_COLUMNS,
    ANSWER_HEADERS,
    INPUT_COLUMNS,
    MAX_ANSWER,
    parse_date,
)
from busetting._defaults import choose_language
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._language import LANGUAGES, format_number, terms
from busetting._result import Allocation
from busetting.io import EXCEL_HINT, atomic_write, neutralise

__all__ = ["LETTER_LANGUAGES", "Letters", "letters", "write_answer_forms"]

LETTER_LANGUAGES = ("nb", "nn", "en")
"""The languages of the letters and forms: bokmål, nynorsk, English."""

WHERE = "letters"

_WORDS: dict[str, dict[str, str]] = {
    language: terms("letters.", language) for language in LANGUAGES
}
"""Words of the letters and answer forms (en, nb, nn), from the term catalogue."""

_MONTHS = {language: tuple(terms("month.", language).values()) for language in LANGUAGES}
"""The names of the months, January first, in each language (from the term catalogue)."""

_CSS = """
@page { size: A4; margin: 22mm 20mm 22mm 22mm; }
body { font-family: "Source Sans Pro", "Helvetica Neue", Arial, sans-serif; font-size: 11pt;
       line-height: 1.45; color: #111; max-width: 170mm; margin: 0 auto; }
header { display: flex; justify-content: space-between; margin-bottom: 14mm; }
h1 { font-size: 15pt; margin: 0 0 6mm 0; }
table { border-collapse: collapse; margin: 4mm 0 6mm 0; }
th, td { text-align: left; padding: 1.5mm 4mm 1.5mm 0; border-bottom: 0.3pt solid #999; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
ul { margin: 2mm 0 5mm 0; }
.letter { page-break-after: always; break-after: page; }
.letter:last-child { page-break-after: auto; break-after: auto; }
"""


def _date_words(day: dt.date, language: str) -> str:
    month = _MONTHS[language][day.month - 1]
    if language == "en":
        return f"{day.day} {month} {day.year}"
    return f"{day.day}. {month} {day.year}"


def _e(text: object) -> str:
    return html.escape(str(text))


def _file_stem(mid: str, name: str) -> str:
    return re.sub(r'[\\/:*?"<>|]', "-", f"{mid} {name}").strip()


@dataclass(frozen=True)
class Letters:
    """The request letters of an allocation, and their answer forms.

    Attributes
    ----------
    pages : dict of str to str
        One HTML page (A4) per municipality asked, by ``municipality_id``.
    allocation : Allocation
        What the letters ask.
    deadline : datetime.date
        The deadline for the councils' decisions.
    year : int
        The settlement year the letters ask about.
    language : {"nb", "nn", "en"}
        The language of the letters and forms.
    """

    pages: dict[str, str] = field(repr=False)
    allocation: Allocation = field(repr=False)
    deadline: dt.date
    year: int
    language: str

    def __repr__(self) -> str:
        return (
            f"Letters({len(self.pages)} letters, deadline={self.deadline.isoformat()}, "
            f"year={self.year}, language={self.language!r})"
        )

    def write(
        self,
        folder: str | Path,
        *,
        forms: Literal["municipality", "county", "none"] = "municipality",
    ) -> list[Path]:
        """Write every letter (``<id> <name>.html``) and the answer forms into ``folder``.

        Parameters
        ----------
        folder : str or Path
            Created when missing. Letters go in it; answer forms in its ``svar`` subfolder.
        forms : {"municipality", "county", "none"}, default "municipality"
            One answer workbook per municipality, one per county, or none.

        Returns
        -------
        list of Path
            The files written, letters first.
        """
        if forms not in ("municipality", "county", "none"):
            raise InputError(
                "The `forms` parameter of `Letters.write` must be 'municipality', 'county' or "
                f"'none'. Got {forms!r} instead."
            )
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        names = {m.municipality_id: m.name for m in self.allocation.problem.municipalities}
        written = []
        for mid, page in self.pages.items():
            path = out / f"{_file_stem(mid, names[mid])}.html"
            atomic_write(path, _text_writer(page))
            written.append(path)
        if forms != "none":
            written += write_answer_forms(
                self.allocation,
                out / "svar",
                per=forms,
                deadline=self.deadline,
                language=self.language,
                only=tuple(self.pages),
            )
        return written


def _text_writer(text: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return write


def _check(allocation: Any, deadline: Any, language: Any) -> dt.date:
    if not isinstance(allocation, Allocation):
        raise InputError(
            f"The `allocation` parameter of `{WHERE}` must be an Allocation. "
            f"Got {type(allocation).__name__} instead."
        )
    if allocation.requests is None:
        raise InputError(f"`{WHERE}`: the allocation has no requests ({allocation.status}).")
    if language not in LETTER_LANGUAGES:
        raise InputError(
            f"The `language` parameter of `{WHERE}` must be 'nb', 'nn' or 'en'. "
            f"Got {language!r} instead."
        )
    when = parse_date(deadline)
    if when is None:
        raise InputError(
            f"The `deadline` parameter of `{WHERE}` must be a date (YYYY-MM-DD or DD.MM.YYYY). "
            f"Got {deadline!r} instead."
        )
    return when


def letters(
    allocation: Allocation,
    *,
    deadline: dt.date | str,
    language: str | None = None,
    year: int | None = None,
    sender: str = "IMDi",
    include_zero: bool = False,
) -> Letters:
    """One request letter per municipality asked, in bokmål, nynorsk or English.

    Parameters
    ----------
    allocation : Allocation
        The requests (and minors) to send.
    deadline : datetime.date or str
        The deadline for the council's decision (``YYYY-MM-DD`` or ``DD.MM.YYYY``).
    language : {"nb", "nn", "en"}, optional
        None is the one default: bokmål for the Norway data, English otherwise.
        Bokmål (anmodningsbrev), nynorsk (oppmodingsbrev) or English.
    year : int, optional
        The settlement year (default: the deadline's year).
    sender : str, default "IMDi"
        Who asks, as named in the letter.
    include_zero : bool, default False
        Also write to municipalities asked for nobody.

    Returns
    -------
    Letters
        The pages; :meth:`Letters.write` writes them with the answer forms.

    Examples
    --------
    >>> import busetting as bs
    >>> ms = [bs.Municipality(municipality_id=f"000{i}", name=f"K{i}", population=100 * i)
    ...       for i in range(1, 4)]
    >>> alloc = bs.allocate(bs.Problem(municipalities=ms, criteria={"population": 1.0},
    ...                                need=bs.Need(total=60)))
    >>> out = bs.letters(alloc, deadline="2024-02-25", language="nn")
    >>> sorted(out.pages), "om å busetje 30 flyktningar i 2024" in out.pages["0003"]
    (['0001', '0002', '0003'], True)
    """
    check_types(letters, locals())
    if isinstance(allocation, Allocation):
        language = choose_language(language, allocation.problem.ids, WHERE)
    when = _check(allocation, deadline, language)
    the_year = when.year if year is None else int(year)
    requests = allocation.requests
    minors = allocation.minors
    assert requests is not None
    pages: dict[str, str] = {}
    for m in allocation.problem.municipalities:
        mid = m.municipality_id
        request = int(requests[mid])
        if request == 0 and not include_zero:
            continue
        minor = 0 if minors is None else int(minors[mid])
        pages[mid] = _page(
            _LetterFacts(
                mid,
                m.name,
                request,
                minor,
                allocation.problem.total,
                allocation.problem.minors_total,
                when,
                the_year,
                sender,
            ),
            language,
        )
    return Letters(pages=pages, allocation=allocation, deadline=when, year=the_year,
                   language=language)  # fmt: skip


@dataclass(frozen=True)
class _LetterFacts:
    mid: str
    name: str
    request: int
    minors: int
    total: int
    minors_total: int
    deadline: dt.date
    year: int
    sender: str


def _page(f: _LetterFacts, language: str) -> str:
    w = _WORDS[language]

    def n(v: int) -> str:
        return format_number(v, language, space="\u00a0")

    ask = w["ask"] if f.minors else w["ask_no_minors"]
    form = f"{_file_stem(f.mid, f.name)}.xlsx"
    items = [w["must_number"], w["must_clean"], w["must_more"], w["must_keep"]]
    lang_attr = {"nb": "nb", "nn": "nn", "en": "en"}[language]
    body = f"""
<section class="letter">
<header><div>{_e(f.sender)}</div><div>{_e(w["letter"])}</div></header>
<p>{_e(w["to"].format(name=f.name))}</p>
<h1>{_e(w["title"].format(year=f.year))}</h1>
<p>{_e(ask.format(sender=f.sender, name=f.name, request=n(f.request), year=f.year,
                  minors=n(f.minors)))}</p>
<table>
<tr><th>{_e(w["table_request"])}</th><td class="n">{n(f.request)}</td></tr>
<tr><th>{_e(w["table_minors"])}</th><td class="n">{n(f.minors)}</td></tr>
<tr><th>{_e(w["table_deadline"])}</th><td>{_e(_date_words(f.deadline, language))}</td></tr>
</table>
<p>{_e(w["need"].format(total=n(f.total), minors_total=n(f.minors_total)))}</p>
<p>{_e(w["deadline"].format(deadline=_date_words(f.deadline, language)))}</p>
<p>{_e(w["must"])}</p>
<ul>{"".join(f"<li>{_e(item.format(year=f.year))}</li>" for item in items)}</ul>
<p>{_e(w["answer"].format(form=form))}</p>
<p>{_e(w["greeting"])}<br>{_e(f.sender)}</p>
</section>"""  # fmt: skip
    return (
        f'<!DOCTYPE html>\n<html lang="{lang_attr}">\n<head><meta charset="utf-8">'
        f"<title>{_e(w['title'].format(year=f.year))} \N{EN DASH} {_e(f.name)}</title>"
        f"<style>{_CSS}</style></head>\n<body>{body}\n</body>\n</html>\n"
    )


def write_answer_forms(
    allocation: Allocation,
    folder: str | Path,
    *,
    per: Literal["municipality", "county"] = "municipality",
    deadline: dt.date | str,
    language: str | None = None,
    only: tuple[str, ...] | None = None,
) -> list[Path]:
    """Write the answer workbooks: one per municipality (or per county), atomically.

    Each has a sheet ``Svar`` (``Answer`` in English) with one row per municipality: id, name,
    county, request and minors filled in and locked; decision, minors decided, more if the
    need rises (and of them minors), the date of the decision and what it takes to keep
    capacity high are the open cells, validated by the workbook itself (whole numbers from 0
    to :data:`MAX_ANSWER`, a date, free text). The sheet is protected except those cells. A
    second sheet explains how to fill it in.

    Parameters
    ----------
    allocation : Allocation
        The requests sent.
    folder : str or Path
        Created when missing.
    per : {"municipality", "county"}, default "municipality"
        One workbook per municipality (``<id> <name>.xlsx``) or per county (``<county>.xlsx``).
    deadline : datetime.date or str
        The deadline, shown on the guide sheet.
    language : {"nb", "nn", "en"}, optional
        None is the one default: bokmål for the Norway data, English otherwise.
        The language of the headers and the guide.
    only : tuple of str, optional
        The municipalities to include (default: every one asked for someone).

    Returns
    -------
    list of Path
        The workbooks written.
    """
    check_types(write_answer_forms, locals())
    if isinstance(allocation, Allocation):
        language = choose_language(language, allocation.problem.ids, WHERE)
    when = _check(allocation, deadline, language)
    requests, minors = allocation.requests, allocation.minors
    assert requests is not None
    groups: dict[str, list[list[Any]]] = {}
    for m in allocation.problem.municipalities:
        mid = m.municipality_id
        if (only is not None and mid not in only) or (only is None and int(requests[mid]) == 0):
            continue
        minor = 0 if minors is None else int(minors[mid])
        key = _file_stem(mid, m.name) if per == "municipality" else (m.county or "uten fylke")
        groups.setdefault(re.sub(r'[\\/:*?"<>|]', "-", key), []).append(
            [mid, m.name, m.county or "", int(requests[mid]), minor]
        )
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, group in groups.items():
        book = _form_book(group, language, when)
        path = out / f"{stem}.xlsx"
        atomic_write(path, book.save)
        written.append(path)
    return written


def _form_book(group: list[list[Any]], language: str, when: dt.date) -> Any:
    """One answer workbook: the locked, prefilled rows and the validated answer cells."""
    try:
        import openpyxl
        from openpyxl.styles import Font, PatternFill, Protection
        from openpyxl.worksheet.datavalidation import DataValidation
    except ImportError as exc:  # pragma: no cover - the dev extras install it
        raise ImportError(EXCEL_HINT) from exc
    w = _WORDS[language]
    headers = [ANSWER_HEADERS[language][c] for c in ANSWER_COLUMNS]
    grey = PatternFill("solid", fgColor="DDDDDD")
    epoch = dt.date(1899, 12, 30)
    low, high = (dt.date(2000, 1, 1) - epoch).days, (dt.date(2100, 12, 31) - epoch).days
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = w["sheet"]
    sheet.append(headers)
    for j in range(1, len(headers) + 1):
        sheet.cell(row=1, column=j).font = Font(bold=True)
        sheet.cell(row=1, column=j).fill = grey
    for row in group:
        sheet.append([neutralise(v) for v in row])
    last = len(group) + 1
    number = DataValidation(
        type="whole", operator="between", formula1="0", formula2=str(MAX_ANSWER),
        allow_blank=True, showErrorMessage=True, errorTitle=w["sheet"],
        error=w["invalid_number"].format(max=MAX_ANSWER),
    )  # fmt: skip
    date = DataValidation(
        type="date", operator="between", formula1=str(low), formula2=str(high),
        allow_blank=True, showErrorMessage=True, errorTitle=w["sheet"],
        error=w["invalid_date"].format(year=when.year),
    )  # fmt: skip
    text = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="2000",
                          allow_blank=True)  # fmt: skip
    for dv in (number, date, text):
        sheet.add_data_validation(dv)
    for j, column in enumerate(ANSWER_COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(j)
        sheet.column_dimensions[letter].width = max(12, min(len(headers[j - 1]) + 2, 45))
        for r in range(2, last + 1):
            c = sheet.cell(row=r, column=j)
            if column not in INPUT_COLUMNS:
                c.fill = grey
                continue
            c.protection = Protection(locked=False)
            if column == "answered":
                c.number_format = "DD.MM.YYYY"
        if column in INPUT_COLUMNS:
            {"answered": date, "comment": text}.get(column, number).add(f"{letter}2:{letter}{last}")
    sheet.freeze_panes = "B2"
    sheet.protection.sheet = True
    _guide(book.create_sheet(w["guide"]), language, when)
    return book


def _guide(guide: Any, language: str, when: dt.date) -> None:
    w = _WORDS[language]
    for line in (
        w["title"].format(year=when.year),
        w["deadline"].format(deadline=_date_words(when, language)),
        w["guide_open"],
        w["guide_numbers"].format(max=format_number(MAX_ANSWER, language)),
        w["guide_date"],
        w["must"],
        *(w[k].format(year=when.year) for k in ("must_number", "must_clean", "must_more",
                                               "must_keep")),
    ):  # fmt: skip
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    guide.protection.sheet = True
