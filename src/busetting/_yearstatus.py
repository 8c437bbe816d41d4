"""The status of the year: asked, answered, decided, settled; the gap to the national need.

:func:`status` puts the requests, the councils' answers and the persons settled so far side
by side, per municipality, per county and nationally, the way IMDi's "Bosettingstall" does:
how many were asked, who answered, what they decided and how far that is from what they were
asked, the extra capacity they offer if the need rises, how many are settled and how far
that is from what they decided. Nationally the parts add up exactly:

``need = decided + asked of those not yet answered + gap``

so the gap is what the need still lacks if everyone who has not answered decides as asked,
and the offered extra capacity either covers it or falls short by a stated number.
:func:`write_status` writes the page (HTML, A4; bokmål, nynorsk or English) or the workbook.
:func:`history_status` builds the status of a past year from the shipped IMDi history.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from busetting._answers import Answers
from busetting._defaults import choose_language
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._language import LANGUAGES, format_number, terms
from busetting._result import Allocation
from busetting.datasets import load_history
from busetting.io import EXCEL_HINT, atomic_write, neutralise, write_table

__all__ = [
    "STATUS_COLUMNS",
    "NationalStatus",
    "YearStatus",
    "history_status",
    "status",
    "write_status",
]

WHERE = "status"

STATUS_COLUMNS = (
    "name",
    "county",
    "asked",
    "asked_minors",
    "answered",
    "late",
    "decided",
    "decided_minus_asked",
    "minors_decided",
    "extra_capacity",
    "extra_minors",
    "settled",
    "settled_minus_decided",
    "settled_share",
)
"""The columns of :attr:`YearStatus.municipalities`, in order."""

COUNTY_COLUMNS = (
    "municipalities",
    "asked",
    "answered",
    "asked_not_answered",
    "decided",
    "decided_minus_asked",
    "extra_capacity",
    "settled",
    "settled_minus_decided",
    "settled_share",
)

_WORDS: dict[str, dict[str, str]] = {
    language: terms("yearstatus.", language) for language in LANGUAGES
}
"""Words of the status page and workbook (en, nb, nn), read from the term catalogue."""


@dataclass(frozen=True)
class NationalStatus:
    """The year nationally; ``need == decided + asked_not_answered + gap`` exactly.

    Attributes
    ----------
    need : int
        The national need (default: the sum of the requests).
    asked : int
        The sum of the requests.
    municipalities_asked, answered : int
        Municipalities asked for someone; municipalities that answered.
    asked_answered : int
        What those that answered were asked.
    decided : int
        What they decided.
    decided_minus_asked : int
        ``decided - asked_answered``.
    asked_not_answered : int
        What those that have not answered were asked (still open).
    gap : int
        ``need - decided - asked_not_answered``: what the need lacks if everyone who has not
        answered decides as asked (negative: more than the need).
    extra_capacity : int
        Extra persons offered if the need rises, summed.
    covers : bool
        ``extra_capacity >= gap``.
    extra_recorded : bool
        Whether any answer states an extra capacity (the history records none).
    short : int
        ``max(gap - extra_capacity, 0)``.
    settled : int
        Persons settled so far.
    settled_of_decided : int
        Persons settled so far in the municipalities that decided (the rest were settled in
        municipalities that have not answered).
    settled_minus_decided : int
        ``settled_of_decided - decided``.
    """

    need: int
    asked: int
    municipalities_asked: int
    answered: int
    asked_answered: int
    decided: int
    decided_minus_asked: int
    asked_not_answered: int
    gap: int
    extra_capacity: int
    covers: bool
    short: int
    settled: int
    settled_of_decided: int
    settled_minus_decided: int
    extra_recorded: bool = True

    def lines(self, language: str = "en") -> list[str]:
        """The national status in sentences whose numbers add up (en, nb or nn)."""
        w = _WORDS[_check_language(language)]

        def n(v: int) -> str:
            return format_number(v, language)

        def signed(v: int) -> str:
            return ("+" if v > 0 else "") + format_number(v, language)

        out = [
            w["gap_line"].format(
                need=n(self.need),
                decided=n(self.decided),
                open=n(self.asked_not_answered),
                gap=n(self.gap),
            ),
            w["answered_line"].format(
                answered=n(self.answered),
                asked_count=n(self.municipalities_asked),
                decided=n(self.decided),
                diff=signed(self.decided_minus_asked),
                asked_answered=n(self.asked_answered),
            ),
        ]
        if self.gap <= 0:
            out.append(w["no_gap"])
        elif not self.extra_recorded:
            out.append(w["no_extra"].format(gap=n(self.gap)))
        elif self.covers:
            out.append(w["covers"].format(extra=n(self.extra_capacity), gap=n(self.gap)))
        else:
            out.append(
                w["short"].format(
                    extra=n(self.extra_capacity), gap=n(self.gap), short=n(self.short)
                )
            )
        if not self.decided:
            out.append(w["settled_only"].format(settled=n(self.settled)))
            return out
        share = self.settled_of_decided / self.decided
        out.append(
            w["settled_line"].format(
                settled=n(self.settled),
                in_decided=n(self.settled_of_decided),
                share=_pct(share, language),
                decided=n(self.decided),
                diff=signed(self.settled_minus_decided),
                elsewhere=n(self.settled - self.settled_of_decided),
            )
        )
        return out


@dataclass(frozen=True)
class YearStatus:
    """The status of the year: per municipality, per county and nationally.

    Attributes
    ----------
    municipalities : pandas.DataFrame
        Indexed by ``municipality_id``; columns :data:`STATUS_COLUMNS` (counts of those that
        have not answered are missing, not 0).
    counties : pandas.DataFrame
        One row per county, summed.
    national : NationalStatus
        The year nationally, with the gap to the need.
    year : int or None
        The settlement year, when known.
    """

    municipalities: pd.DataFrame
    counties: pd.DataFrame
    national: NationalStatus
    year: int | None = None

    def history_rows(self, year: int | None = None) -> pd.DataFrame:
        """The year as rows of the IMDi history, to feed next year's indicators.

        :func:`busetting.datasets.derive_indicators` reads the request (``anmodning``), the
        decision (``vedtak``; blank where the council has not answered) and the persons
        settled (``bosatt``) of a year; these rows hold this status's numbers in those
        columns, so ``derive_indicators(history=pd.concat([load_history(), rows]),
        year=...)`` builds the next year's indicators from them.

        Parameters
        ----------
        year : int, optional
            The year of the rows (default: :attr:`year`).

        Returns
        -------
        pandas.DataFrame
            Columns ``kommunenummer``, ``kommune``, ``fylke``, ``year``, ``anmodning``,
            ``vedtak``, ``bosatt`` (floats, as in the history).
        """
        the_year = self.year if year is None else year
        if the_year is None:
            raise InputError("`history_rows` needs a year: pass year=... (the status has none).")
        m = self.municipalities
        return pd.DataFrame(
            {
                "kommunenummer": list(m.index),
                "kommune": m["name"].tolist(),
                "fylke": m["county"].tolist(),
                "year": int(the_year),
                "anmodning": m["asked"].astype(float).tolist(),
                "vedtak": m["decided"].astype("Float64").astype(float).tolist(),
                "bosatt": m["settled"].astype(float).tolist(),
            }
        )


def _default_language(year_status: object, language: object) -> object:
    """``language``, or the one default for ``year_status``'s municipalities when None."""
    if language is not None or not isinstance(year_status, YearStatus):
        return language
    return choose_language(None, map(str, year_status.municipalities.index), WHERE)


def _check_language(language: object) -> str:
    if language not in _WORDS:
        raise InputError(
            f"The `language` parameter of `{WHERE}` must be 'en', 'nb' or 'nn'. "
            f"Got {language!r} instead."
        )
    return str(language)


def _pct(share: float, language: str) -> str:
    if share != share:
        return ""
    return format_number(100 * share, language, 1) + ("%" if language == "en" else "\u00a0%")


def _series(values: Any, what: str) -> pd.Series:
    if isinstance(values, pd.Series):
        s = values.copy()
    elif isinstance(values, Mapping):
        s = pd.Series(dict(values), dtype=object)
    else:
        raise InputError(
            f"The `{what}` parameter of `{WHERE}` must be a mapping or Series of "
            f"municipality_id to a whole number. Got {type(values).__name__} instead."
        )
    s.index = s.index.astype(str)
    failures = []
    for pos, (mid, v) in enumerate(s.items()):
        if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
            continue
        try:
            ok = not isinstance(v, bool) and float(v) >= 0 and float(v) == int(float(v))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            failures.append(
                {
                    "row": pos,
                    "municipality_id": mid,
                    "column": what,
                    "value": v,
                    "reason": "must be a whole number >= 0",
                }
            )
    if failures:
        raise InputError.from_failures(WHERE, failures)
    if s.index.duplicated().any():
        dup = s.index[s.index.duplicated()][0]
        raise InputError(f"`{WHERE}`: municipality {dup} appears twice in `{what}`.")
    return pd.to_numeric(s, errors="coerce").astype("Float64").round().astype("Int64")


def status(
    requests: Allocation | Mapping[str, int] | pd.Series,
    answers: Answers | Mapping[str, int] | pd.Series | None,
    settled: Mapping[str, int] | pd.Series | None = None,
    *,
    need: int | None = None,
    municipalities: pd.DataFrame | None = None,
    year: int | None = None,
) -> YearStatus:
    """The status of the year: asked, answered, decided, settled; the gap to the need.

    Parameters
    ----------
    requests : Allocation, or mapping/Series of municipality_id to request
        What was asked (an allocation also gives the minors, names and counties).
    answers : Answers, or mapping/Series of municipality_id to decision, optional
        The councils' answers (:func:`read_answers`); a plain mapping holds decisions only.
        Municipalities without an answer have not answered.
    settled : mapping or Series, optional
        Persons settled so far per municipality (missing: 0).
    need : int, optional
        The national need (default: the sum of the requests).
    municipalities : pandas.DataFrame, optional
        Indexed by ``municipality_id`` with ``name`` and ``county`` (with plain requests).
    year : int, optional
        The settlement year, for the page's title.

    Returns
    -------
    YearStatus
        Per municipality, per county and nationally.

    Raises
    ------
    InputError
        For a count that is not a whole number >= 0, or an answer or settled number for a
        municipality that was not asked about.

    Examples
    --------
    >>> import busetting as bs
    >>> s = bs.status({"0001": 50, "0002": 30, "0003": 20}, {"0001": 40, "0002": 30},
    ...               {"0001": 12}, need=100)
    >>> s.national.gap, s.national.decided, s.national.asked_not_answered
    (10, 70, 20)
    >>> s.national.lines()[0]
    'Need 100 = decided 70 + asked of those not yet answered 20 + gap 10.'
    """
    check_types(status, locals())
    asked, asked_minors, names, counties = _requests(requests, municipalities)
    ids = list(asked.index)
    frame = pd.DataFrame(index=pd.Index(ids, name="municipality_id", dtype=object))
    frame["name"] = [names.get(i, i) for i in ids]
    frame["county"] = [counties.get(i, "") for i in ids]
    frame["asked"] = asked.astype("int64")
    frame["asked_minors"] = asked_minors.reindex(ids).fillna(0).astype("int64")
    table = _answer_table(answers)
    unknown = sorted(set(table.index) - set(ids))
    if settled is not None:
        settled_s = _series(settled, "settled").fillna(0)
        unknown += sorted(set(settled_s.index) - set(ids))
    else:
        settled_s = pd.Series(0, index=ids, dtype="Int64")
    if unknown:
        raise InputError(
            f"`{WHERE}`: {', '.join(sorted(set(unknown))[:10])} "
            "are not among the municipalities asked about; expected ids of the requests."
        )
    answered = table.index
    frame["answered"] = frame.index.isin(answered)
    late: list[str] = list(table.index[table["late"].to_numpy(dtype=bool)]) if len(table) else []
    frame["late"] = frame.index.isin(late)
    frame["decided"] = table["decision"].reindex(ids).astype("Int64")
    frame["decided_minus_asked"] = frame["decided"] - frame["asked"]
    frame["minors_decided"] = table["minors_decision"].reindex(ids).astype("Int64")
    frame["extra_capacity"] = table["extra_capacity"].reindex(ids).astype("Int64")
    frame["extra_minors"] = table["extra_minors"].reindex(ids).astype("Int64")
    frame["settled"] = settled_s.reindex(ids).fillna(0).astype("int64")
    frame["settled_minus_decided"] = frame["settled"] - frame["decided"]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = frame["settled"].to_numpy(float) / frame["decided"].to_numpy(float, na_value=np.nan)
    frame["settled_share"] = np.where(np.isfinite(share), share, np.nan)
    frame = frame[list(STATUS_COLUMNS)]
    return YearStatus(
        municipalities=frame,
        counties=_county_table(frame),
        national=_national(frame, need),
        year=year,
    )


def _requests(
    requests: Any, municipalities: pd.DataFrame | None
) -> tuple[pd.Series, pd.Series, dict[str, str], dict[str, str]]:
    if isinstance(requests, Allocation):
        if requests.requests is None:
            raise InputError(f"`{WHERE}`: the allocation has no requests ({requests.status}).")
        asked = requests.requests.astype("int64")
        minors = (
            requests.minors.astype("int64")
            if requests.minors is not None
            else pd.Series(0, index=asked.index)
        )
        names = {m.municipality_id: m.name for m in requests.problem.municipalities}
        counties = {m.municipality_id: m.county or "" for m in requests.problem.municipalities}
        return asked, minors, names, counties
    asked = _series(requests, "requests").fillna(0).astype("int64").sort_index()
    names, counties = {}, {}
    if municipalities is not None:
        frame = municipalities
        if "municipality_id" in frame.columns:
            frame = frame.set_index("municipality_id")
        idx = frame.index.astype(str)
        if "name" in frame.columns:
            names = dict(zip(idx, frame["name"].astype(str), strict=True))
        if "county" in frame.columns:
            counties = dict(zip(idx, frame["county"].fillna("").astype(str), strict=True))
    return asked, pd.Series(0, index=asked.index, dtype="int64"), names, counties


def _answer_table(answers: Any) -> pd.DataFrame:
    columns = ["decision", "minors_decision", "extra_capacity", "extra_minors"]
    if answers is None:
        frame = pd.DataFrame(columns=[*columns, "late"], index=pd.Index([], dtype=object))
        for c in columns:
            frame[c] = frame[c].astype("Int64")
        return frame
    if isinstance(answers, Answers):
        return answers.table
    decisions = _series(answers, "answers").dropna()
    frame = pd.DataFrame({"decision": decisions})
    for c in columns[1:]:
        frame[c] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["late"] = False
    return frame


def _sum(series: pd.Series) -> int:
    return int(series.fillna(0).astype("int64").sum())


def _county_table(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for county, part in frame.groupby("county", sort=True):
        decided = part[part["answered"]]
        rows.append(
            {
                "county": county,
                "municipalities": int((part["asked"] > 0).sum()),
                "asked": int(part["asked"].sum()),
                "answered": int(part["answered"].sum()),
                "asked_not_answered": int(part.loc[~part["answered"], "asked"].sum()),
                "decided": _sum(decided["decided"]),
                "decided_minus_asked": _sum(decided["decided"]) - int(decided["asked"].sum()),
                "extra_capacity": _sum(part["extra_capacity"]),
                "settled": int(part["settled"].sum()),
                "settled_minus_decided": int(decided["settled"].sum()) - _sum(decided["decided"]),
                "settled_share": (
                    int(decided["settled"].sum()) / _sum(decided["decided"])
                    if _sum(decided["decided"])
                    else np.nan
                ),
            }
        )
    return pd.DataFrame(rows, columns=["county", *COUNTY_COLUMNS]).set_index("county")


def _national(frame: pd.DataFrame, need: int | None) -> NationalStatus:
    answered = frame[frame["answered"]]
    asked = int(frame["asked"].sum())
    total = asked if need is None else int(need)
    decided = _sum(answered["decided"])
    asked_answered = int(answered["asked"].sum())
    open_ = int(frame.loc[~frame["answered"], "asked"].sum())
    gap = total - decided - open_
    extra = _sum(frame["extra_capacity"])
    settled_decided = int(answered["settled"].sum())
    return NationalStatus(
        need=total,
        asked=asked,
        municipalities_asked=int((frame["asked"] > 0).sum()),
        answered=int(frame["answered"].sum()),
        asked_answered=asked_answered,
        decided=decided,
        decided_minus_asked=decided - asked_answered,
        asked_not_answered=open_,
        gap=gap,
        extra_capacity=extra,
        covers=extra >= gap,
        short=max(gap - extra, 0),
        settled=int(frame["settled"].sum()),
        settled_of_decided=settled_decided,
        settled_minus_decided=settled_decided - decided,
        extra_recorded=bool(answered["extra_capacity"].notna().any()),
    )


def history_status(year: int = 2023) -> YearStatus:
    """The status of a past year from the shipped IMDi history (requests, vedtak, bosatt).

    A blank decision (vedtak) in the history is read as "not answered". The names and
    counties are the history's own.

    Parameters
    ----------
    year : int, default 2023
        A year of :func:`busetting.datasets.load_history` (2020-2023).

    Returns
    -------
    YearStatus
        The year as it ended: requested (anmodning), decided (vedtak) and settled (bosatt).

    Examples
    --------
    >>> s = history_status(2023)
    >>> s.national.need, s.national.decided, s.national.settled
    (38000, 32732, 33420)
    """
    check_types(history_status, locals())
    hist = load_history()
    part = hist[hist["year"] == year]
    if part.empty:
        years = ", ".join(str(y) for y in sorted(hist["year"].unique()))
        raise InputError(
            f"The `year` parameter of `history_status` must be one of {years}. "
            f"Got {year!r} instead."
        )
    part = part.set_index("kommunenummer")
    answers = part["vedtak"].dropna()
    return status(
        part["anmodning"].fillna(0).round().astype("int64"),
        answers.round().astype("int64"),
        part["bosatt"].fillna(0).round().astype("int64"),
        municipalities=part.rename(columns={"kommune": "name", "fylke": "county"}),
        year=year,
    )


def _e(text: object) -> str:
    return html.escape(str(text))


def _shown(value: Any, column: str, language: str, w: dict[str, str]) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool | np.bool_):
        return w["yes"] if value else ""
    if column == "settled_share":
        return _pct(float(value), language)
    if isinstance(value, int | np.integer | float):
        signed = column.endswith("_minus_asked") or column.endswith("_minus_decided")
        text = format_number(float(value), language, space="\u00a0")
        return ("+" + text) if signed and value > 0 else text
    return str(value)


def _html_table(frame: pd.DataFrame, language: str, w: dict[str, str], index: str) -> str:
    columns = list(frame.columns)
    head = f"<th>{_e(w[index])}</th>" + "".join(f"<th>{_e(_header(c, w))}</th>" for c in columns)
    body = []
    for key, row in frame.iterrows():
        cells = [f"<td>{_e(key)}</td>"]
        for c in columns:
            v = row[c]
            numeric = c not in ("name", "county")
            cls = ' class="n"' if numeric else ""
            cells.append(f"<td{cls}>{_e(_shown(v, c, language, w))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


_CSS = """
@page { size: A4; margin: 15mm 12mm; }
body { font-family: "Source Sans Pro", Arial, sans-serif; font-size: 9.5pt; color: #111; }
h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 8mm; break-after: avoid; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 0.8mm 1.5mm; border-bottom: 0.3pt solid #bbb; text-align: left; }
th { font-weight: 600; vertical-align: bottom; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
thead { display: table-header-group; } tr { break-inside: avoid; }
p.lead { font-size: 11pt; }
"""


def status_html(year_status: YearStatus, language: str | None = None) -> str:
    """The status page as one HTML document (A4 print)."""
    lang = _check_language(_default_language(year_status, language))
    w = _WORDS[lang]
    s = year_status
    title = w["title"].format(year=s.year if s.year is not None else "").strip()
    lines = "".join(f'<p class="lead">{_e(x)}</p>' for x in s.national.lines(lang))
    muni = s.municipalities.drop(columns=["county"])
    muni = s.municipalities[s.municipalities["asked"] > 0].sort_values(["county", "name"])
    parts = [
        f"<h1>{_e(title)}</h1>",
        f"<h2>{_e(w['national'])}</h2>",
        lines,
        f"<h2>{_e(w['counties'])}</h2>",
        _html_table(s.counties, lang, w, "county"),
        f"<h2>{_e(w['municipalities'])}</h2>",
        _html_table(
            muni[
                [
                    "name",
                    "county",
                    "asked",
                    "decided",
                    "decided_minus_asked",
                    "extra_capacity",
                    "settled",
                    "settled_share",
                    "late",
                ]
            ],
            lang,
            w,
            "municipality_id",
        ),
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body>\n</html>\n"
    )


def _writer(text: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return write


def _localised(frame: pd.DataFrame, w: dict[str, str], index: str) -> pd.DataFrame:
    out = frame.reset_index()
    return out.rename(columns={c: _header(c, w) for c in out.columns} | {index: w[index]})


def _header(column: str, w: dict[str, str]) -> str:
    return w.get(f"col_{column}", w.get(column, column))


def write_status(year_status: YearStatus, path: str | Path, *, language: str | None = None) -> Path:
    """Write the status of the year, atomically: a page (.html), a workbook (.xlsx) or a table.

    Parameters
    ----------
    year_status : YearStatus
        As returned by :func:`status` or :func:`history_status`.
    path : str or Path
        ``.html`` (the page, A4), ``.xlsx`` (sheets: national, counties, municipalities) or
        ``.csv`` / ``.json`` (the municipality table).
    language : {"nb", "nn", "en"}, optional
        The language of the page and the headers; None is the one default: bokmål for the
        Norway data, English otherwise.

    Returns
    -------
    Path
        The file written.
    """
    check_types(write_status, locals())
    lang = _check_language(_default_language(year_status, language))
    w = _WORDS[lang]
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".html":
        atomic_write(p, _writer(status_html(year_status, lang)))
        return p
    if suffix in (".csv", ".json"):
        return write_table(year_status.municipalities, p)
    if suffix != ".xlsx":
        raise InputError(
            "The `path` parameter of `write_status` must end in .html, .xlsx, .csv or .json. "
            f"Got {str(p)!r} instead."
        )
    try:
        import openpyxl
        from openpyxl.styles import Font
    except ImportError as exc:  # pragma: no cover - the dev extras install it
        raise ImportError(EXCEL_HINT) from exc
    book = openpyxl.Workbook()
    national = book.active
    national.title = w["sheet_national"]
    national.append([w["item"], w["value"]])
    n = year_status.national
    for key, value in (
        ("need", n.need),
        ("asked", n.asked),
        ("answered", n.answered),
        ("decided", n.decided),
        ("decided_minus_asked", n.decided_minus_asked),
        ("asked_not_answered", n.asked_not_answered),
        ("gap", n.gap),
        ("extra_capacity", n.extra_capacity),
        ("settled", n.settled),
        ("settled_minus_decided", n.settled_minus_decided),
    ):
        national.append([w[key], value])
    for line in n.lines(lang):
        national.append([line])
    national.column_dimensions["A"].width = 40
    sheets = (
        (w["sheet_counties"], _localised(year_status.counties, w, "county")),
        (w["sheet_municipalities"], _localised(year_status.municipalities, w, "municipality_id")),
    )
    for title, frame in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(frame.columns))
        for record in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in record])
        for j in range(1, len(frame.columns) + 1):
            sheet.cell(row=1, column=j).font = Font(bold=True)
            sheet.column_dimensions[openpyxl.utils.get_column_letter(j)].width = 16
        sheet.freeze_panes = "A2"
    national.cell(row=1, column=1).font = Font(bold=True)
    atomic_write(p, book.save)
    return p


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    return neutralise(value)
