"""The county round on paper: draft workbooks out to the counties, recommendations back in.

:func:`county_drafts` turns a draft allocation into one table per county (its share, the draft
per municipality with last year's request, decision and settled, the criteria contributions,
and empty columns for the county's recommendation and a comment); :func:`write_county_drafts`
writes them as workbooks formatted for people (Norwegian headers by default), one per county
and one combined. :func:`read_recommendations` reads the returned workbooks or CSV files, any
subset of counties, and checks every cell; :func:`busetting.reconcile` turns them into the
final requests.
"""

from __future__ import annotations

import difflib
import html
import importlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from busetting._cells import Formula
from busetting._defaults import choose_language
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._language import (
    LANGUAGES,
    column_words,
    method_words,
    term,
    terms,
)
from busetting._model import ID_PATTERN, Problem
from busetting._reconcile import (
    RECOMMENDATION,
    RECOMMENDED_MINORS,
    Recommendations,
    Reconciliation,
    change_report,
    count_or_blank,
)
from busetting._result import Allocation
from busetting.datasets import history_with_haram, load_history, load_municipalities
from busetting.io import (
    EXCEL_HINT,
    Sheet,
    atomic_write,
    neutralise,
    read_table,
    write_table,
    write_workbook,
)

__all__ = [
    "county_drafts",
    "read_recommendations",
    "write_change_report",
    "write_county_drafts",
]

log = logging.getLogger(__name__)

Language = Literal["nb", "nn", "en"]

_WHICH = {"en": 0, "nb": 1, "nn": 2}
"""The position of each language in the header tuples."""


def _headers(prefix: str) -> dict[str, tuple[str, str, str]]:
    """Column -> (English, bokmål, nynorsk) header, from the catalogue's ``prefix`` entries."""
    return {
        column: (
            term(prefix + column, "en"),
            term(prefix + column, "nb"),
            term(prefix + column, "nn"),
        )
        for column in terms(prefix, "en")
    }


HEADERS: dict[str, tuple[str, str, str]] = _headers("counties.header.")
"""Canonical column -> (English, bokmål, nynorsk header)."""

PREVIOUS: dict[str, tuple[str, str]] = {
    stem: (term(f"counties.previous.{stem}", "nb"), term(f"counties.previous.{stem}", "nn"))
    for stem in ("request", "decision", "settled")
}
"""Last year's figures: canonical stem -> (bokmål, nynorsk) stem (the header adds the year)."""

SHEETS = {
    language: (term("counties.sheet.main", language), term("counties.sheet.info", language))
    for language in LANGUAGES
}
"""The two sheets of a county draft (the recommendations, the county's share) by language."""
COMBINED = {lang: term("file.all_counties", lang) for lang in ("en", "nb", "nn")}
INPUT_COLUMNS = (RECOMMENDATION, RECOMMENDED_MINORS, "comment")
HEADER_CUTOFF = 0.8
"""How close (difflib ratio) a misspelt header must be to a known one to be read as it."""


# -- drafts --------------------------------------------------------------------------------


def _embedded_previous(ids: Sequence[str]) -> tuple[pd.DataFrame, int] | None:
    """Last year's figures of the embedded Norway data, when ``ids`` are its municipalities."""
    muni = load_municipalities()
    if set(ids) != set(muni["kommunenummer"]):
        return None
    year = 2023
    hist = history_with_haram(muni, load_history(), year, ("anmodning", "vedtak", "bosatt"))
    frame = hist.rename(
        columns={"anmodning": "request", "vedtak": "decision", "bosatt": "settled"}
    ).round()
    return frame, year


class CountyDrafts(dict[str, pd.DataFrame]):
    """The county round's drafts: a plain ``dict`` of county -> table, shown in notebooks as
    one short line per county (its share, minors and municipalities)."""

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(str(county))}</td>"
            f"<td style='text-align:right'>{int(part['draft_request'].sum()):,}</td>"
            f"<td style='text-align:right'>{int(part['draft_minors'].sum()):,}</td>"
            f"<td style='text-align:right'>{len(part):,}</td></tr>"
            for county, part in self.items()
        )
        total = sum(int(part["draft_request"].sum()) for part in self.values())
        return (
            f"<div class='busetting-drafts'><strong>County drafts: {len(self)} counties, "
            f"{total:,} persons</strong><table><thead><tr><th>county</th><th>share</th>"
            f"<th>minors</th><th>municipalities</th></tr></thead><tbody>{rows}</tbody>"
            "</table></div>"
        )


def county_drafts(
    allocation: Allocation,
    *,
    previous: pd.DataFrame | None = None,
    previous_year: int | None = None,
) -> CountyDrafts:
    """The draft of the county round: one table per county, ready to be sent out.

    Parameters
    ----------
    allocation : Allocation
        The draft (an optimal allocation).
    previous : pandas.DataFrame, optional
        Last year's figures indexed by ``municipality_id`` with any of the columns
        ``request``, ``decision`` and ``settled``. Default: for the embedded Norway
        municipalities, IMDi's 2023 figures (Ålesund's joint figure split with Haram);
        otherwise none.
    previous_year : int, optional
        The year of ``previous`` (for the headers); required with ``previous``.

    Returns
    -------
    CountyDrafts
        A ``dict``: county name -> one row per municipality (sorted by ``municipality_id``) with the
        columns ``municipality_id``, ``name``, ``county``, ``population``, last year's
        ``request_<year>``, ``decision_<year>``, ``settled_<year>``, ``draft_request``,
        ``draft_minors``, one ``contribution_<criterion>`` column per criterion, and the empty
        ``recommendation``, ``recommended_minors`` and ``comment`` for the county to fill in.
        The county's share is the sum of ``draft_request`` (and ``draft_minors``).

    Examples
    --------
    >>> import busetting as bs
    >>> p = bs.Problem(
    ...     municipalities=[bs.Municipality(municipality_id=f"000{i}", name=f"M{i}",
    ...                     county="A" if i < 3 else "B", population=100 * i)
    ...                     for i in range(1, 5)],
    ...     criteria={"population": 1.0}, need=bs.Need(total=20))
    >>> drafts = bs.county_drafts(bs.allocate(p))
    >>> sorted(drafts), int(drafts["A"]["draft_request"].sum())
    (['A', 'B'], 6)
    """
    check_types(county_drafts, locals())
    if not isinstance(allocation, Allocation):
        raise InputError(
            "The `allocation` parameter of `county_drafts` must be a busetting.Allocation. "
            f"Got {type(allocation).__name__} instead."
        )
    if allocation.requests is None or allocation.minors is None:
        raise InputError(
            f"The `allocation` parameter of `county_drafts` must hold requests. Got an "
            f"allocation with status {allocation.status.value!r} instead: {allocation.message}"
        )
    if (previous is None) != (previous_year is None):
        raise InputError(
            "The `previous` and `previous_year` parameters of `county_drafts` go together. "
            f"Got previous={'a table' if previous is not None else None}, "
            f"previous_year={previous_year!r} instead."
        )
    frame = allocation.to_frame()
    out = pd.DataFrame(
        {
            "municipality_id": frame.index.to_numpy(),
            "name": frame["name"].to_numpy(),
            "county": frame["county"].to_numpy(),
            "population": frame["population"].to_numpy(),
        }
    )
    if previous is None:
        found = _embedded_previous(allocation.problem.ids)
        if found is not None:
            previous, previous_year = found
    if previous is not None:
        for stem in PREVIOUS:
            if stem in previous.columns:
                values = previous[stem].reindex(frame.index)
                out[f"{stem}_{previous_year}"] = pd.array(
                    [None if pd.isna(v) else round(float(v)) for v in values], dtype="Int64"
                )
    out["draft_request"] = frame["request"].to_numpy()
    out["draft_minors"] = frame["minors"].to_numpy()
    for col in allocation.contributions.columns:
        out[f"contribution_{col}"] = allocation.contributions[col].to_numpy()
    out[RECOMMENDATION] = pd.array([None] * len(out), dtype="Int64")
    out[RECOMMENDED_MINORS] = pd.array([None] * len(out), dtype="Int64")
    out["comment"] = ""
    return CountyDrafts(
        (str(county), part.reset_index(drop=True))
        for county, part in out.groupby("county", sort=True)
    )


def _header(column: str, language: Language) -> str:
    """The header written for a canonical column (the criteria from the one catalogue)."""
    which = _WHICH[language]
    if column in HEADERS:
        return HEADERS[column][which]
    match = re.fullmatch(r"(request|decision|settled)_(\d{4})", column)
    if match:
        stem = PREVIOUS[match.group(1)][which - 1] if which else match.group(1)
        return f"{stem} {match.group(2)}"
    if column.startswith("contribution_"):
        name = column.removeprefix("contribution_")
        return column_words(column, language) if which else f"from {name}"
    return column


def _slug(county: str) -> str:
    text = unicodedata.normalize("NFKD", county.replace("ø", "o").replace("Ø", "O"))
    text = text.replace("æ", "ae").replace("Æ", "Ae").replace("å", "a")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower() or "county"


def _require_openpyxl(part: str = "") -> Any:
    """The optional ``openpyxl`` (or one of its modules), or an install hint."""
    # loaded here, not at the top: openpyxl is the optional excel extra
    try:
        return importlib.import_module("openpyxl" + (f".{part}" if part else ""))
    except ImportError:  # pragma: no cover - openpyxl is installed in the test environment
        raise InputError(EXCEL_HINT) from None


def _info_rows(
    county: str | None, part: pd.DataFrame, language: Language, national: Allocation | None
) -> list[tuple[str, Any]]:
    share = int(part["draft_request"].sum())
    minors = int(part["draft_minors"].sum())
    w = terms("county.", language)
    rows: list[tuple[str, Any]] = [
        (w["county"], county if county is not None else w["all"]),
        (w["share"], share),
        (w["share_minors"], minors),
        (w["municipalities"], len(part)),
    ]
    if national is not None:
        rows += [
            (w["national_need"], national.problem.total),
            (w["national_minors"], national.problem.minors_total),
            (w["method"], method_words(national.method, language)),
            (w["rules"], ", ".join(national.problem.rules.describe(language)) or "-"),
            (w["fingerprint"], national.fingerprint),
            ("busetting", national.version),
        ]
    rows.append((w["how_title"], w["how"]))
    return rows


def _write_book(
    path: Path,
    part: pd.DataFrame,
    county: str | None,
    language: Language,
    national: Allocation | None,
    summary: pd.DataFrame | None = None,
) -> None:
    openpyxl = _require_openpyxl()
    bold = _require_openpyxl("styles").Font(bold=True)
    book = openpyxl.Workbook()
    sheet = book.active
    main_name, info_name = SHEETS[language]
    sheet.title = main_name
    _fill_main_sheet(sheet, part, language)
    info = book.create_sheet(info_name)
    for key, value in _info_rows(county, part, language, national):
        info.append([key, neutralise(value)])
    for cell in info["A"]:
        cell.font = bold
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 70
    if summary is not None:
        _fill_county_sheet(
            book.create_sheet(terms("county.", language)["sheet"]), summary, language
        )
    atomic_write(path, book.save)


def _fill_main_sheet(sheet: Any, part: pd.DataFrame, language: Language) -> None:
    """The municipalities: headers, values, formats, the input columns filled and checked."""
    get_column_letter = _require_openpyxl("utils").get_column_letter
    columns = list(part.columns)
    sheet.append([_header(c, language) for c in columns])
    for record in part.itertuples(index=False):
        sheet.append([None if v is None or v is pd.NA else neutralise(_plain(v)) for v in record])
    n = len(part) + 1
    for j, col in enumerate(columns, start=1):
        _style_column(sheet, j, col, part, language)
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n}"


def _style_column(sheet: Any, j: int, col: str, part: pd.DataFrame, language: Language) -> None:
    styles = _require_openpyxl("styles")
    get_column_letter = _require_openpyxl("utils").get_column_letter
    DataValidation = _require_openpyxl("worksheet.datavalidation").DataValidation
    fill = styles.PatternFill("solid", fgColor="FFF2CC")
    n = len(part) + 1
    letter = get_column_letter(j)
    head = sheet.cell(row=1, column=j)
    head.font = styles.Font(bold=True)
    head.alignment = styles.Alignment(wrap_text=True, vertical="top")
    fmt = "0.0" if col.startswith("contribution_") else "#,##0"
    if col not in ("municipality_id", "name", "county", "comment"):
        for row in range(2, n + 1):
            sheet.cell(row=row, column=j).number_format = fmt
    width = max([len(str(head.value))] + [len(str(v)) for v in part[col].tolist()[:400]])
    sheet.column_dimensions[letter].width = min(max(width + 2, 8), 40 if col != "comment" else 60)
    if col in INPUT_COLUMNS:
        head.fill = fill
        for row in range(2, n + 1):
            sheet.cell(row=row, column=j).fill = fill
    if col in (RECOMMENDATION, RECOMMENDED_MINORS) and n > 1:
        check = DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            error=terms("county.", language)["whole"],
        )
        check.add(f"{letter}2:{letter}{n}")
        sheet.add_data_validation(check)


def _fill_county_sheet(sheet: Any, summary: pd.DataFrame, language: Language) -> None:
    """The national overview: each county's share and its number of municipalities."""
    w = terms("county.", language)
    heads = [w["county"], w["share"], w["share_minors"], w["municipalities"]]
    sheet.append(heads)
    for record in summary.itertuples(index=False):
        sheet.append([neutralise(_plain(v)) for v in record])
    for cell in sheet[1]:
        cell.font = _require_openpyxl("styles").Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 22
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 16


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def write_county_drafts(
    drafts: Mapping[str, pd.DataFrame],
    directory: str | Path,
    *,
    language: Language | None = None,
    allocation: Allocation | None = None,
) -> list[Path]:
    """Write the draft workbooks: one per county and one combined, each written atomically.

    Each workbook has the table (bold frozen header, widths, thousands separators, the input
    columns shaded and limited to whole numbers >= 0) and a sheet with the county's share and
    how to fill it in (``ramme``; ``share`` in English). The combined workbook
    (``alle_fylker.xlsx``; ``all_counties.xlsx``) has every municipality and a sheet of the
    county shares. Text that a spreadsheet would run as a formula is neutralised.

    Parameters
    ----------
    drafts : mapping of str to pandas.DataFrame
        As returned by :func:`county_drafts`.
    directory : str or Path
        An existing folder.
    language : {"nb", "nn", "en"}, optional
        Headers and sheet names in bokmål, nynorsk or English (default: bokmål for the
        Norway data, English otherwise).
    allocation : Allocation, optional
        The draft allocation, to record the national need, method, rules and fingerprint.

    Returns
    -------
    list of Path
        The files written, the combined workbook last.
    """
    check_types(write_county_drafts, locals())
    ids = [str(i) for part in drafts.values() for i in part["municipality_id"]]
    lang: Any = choose_language(language, ids, "write_county_drafts")
    folder = Path(directory)
    if not folder.is_dir():
        raise InputError(f"The output folder {str(folder)!r} does not exist.")
    paths = []
    for county in sorted(drafts):
        path = folder / f"{_slug(county)}.xlsx"
        _write_book(path, drafts[county], county, lang, allocation)
        paths.append(path)
    combined = pd.concat([drafts[c] for c in sorted(drafts)], ignore_index=True)
    summary = pd.DataFrame(
        [
            (
                c,
                int(drafts[c]["draft_request"].sum()),
                int(drafts[c]["draft_minors"].sum()),
                len(drafts[c]),
            )
            for c in sorted(drafts)
        ]
    )
    path = folder / f"{COMBINED[lang]}.xlsx"
    _write_book(path, combined, None, lang, allocation, summary)
    paths.append(path)
    return paths


# -- recommendations back in ---------------------------------------------------------------


def _norm(text: Any) -> str:
    return " ".join(str(text).strip().lower().replace("_", " ").split())


KNOWN: dict[str, str] = {}
for _canonical, _names in HEADERS.items():
    for _name in _names:
        KNOWN[_norm(_name)] = _canonical
    KNOWN[_norm(_canonical)] = _canonical
KNOWN.update({"recommended_minors": RECOMMENDED_MINORS, "tilråding": RECOMMENDATION})
WANTED = ("municipality_id", "county", "name", RECOMMENDATION, RECOMMENDED_MINORS, "comment")
IGNORED = re.compile(
    r"^((request|decision|settled|anmodning|oppmoding|vedtak|bosatt|busett) \d{4}|"
    r"contribution .*|from .*|bidrag .*|draft .*|utkast .*|population|innbyggere|innbyggjarar)$"
)


def _map_headers(headers: list[Any], source: str, notes: list[str]) -> dict[int, str]:
    """Column position -> canonical name; misspelt headers matched and reported."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    pending = []
    for j, head in enumerate(headers):
        if head is None or not str(head).strip():
            continue
        key = _norm(head)
        canonical = KNOWN.get(key)
        if canonical in WANTED and canonical not in taken:
            mapping[j] = canonical
            taken.add(canonical)
        elif canonical is None and not IGNORED.match(key):
            pending.append((j, head, key))
    for j, head, key in pending:
        choices = [k for k, c in KNOWN.items() if c in WANTED and c not in taken]
        close = difflib.get_close_matches(key, choices, n=1, cutoff=HEADER_CUTOFF)
        if close:
            canonical = KNOWN[close[0]]
            mapping[j] = canonical
            taken.add(canonical)
            notes.append(f"{source}: header {str(head)!r} read as {close[0]!r} ({canonical})")
        else:
            notes.append(f"{source}: column {str(head)!r} is not a known column and was ignored")
    return mapping


def _sheet_rows(path: Path, notes: list[str]) -> list[tuple[str, list[list[Any]], int]]:
    """(source label, rows from the header on, rows above the header) of every table in the
    file that has an id column."""
    if path.suffix.lower() == ".csv":
        frame = read_table(path)
        rows = [list(frame.columns)] + [
            [None if (isinstance(v, float) and pd.isna(v)) else v for v in r]
            for r in frame.itertuples(index=False)
        ]
        return [(path.name, rows, 0)]
    openpyxl = _require_openpyxl()
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise InputError(f"{path}: not a readable .xlsx file ({exc}).") from exc
    found = []
    try:
        for sheet, written in zip(book.worksheets, formulas.worksheets, strict=True):
            rows = _with_formulas(
                [list(r) for r in sheet.iter_rows(values_only=True)],
                [list(r) for r in written.iter_rows(values_only=True)],
            )
            header_at = next(
                (
                    i
                    for i, r in enumerate(rows[:20])
                    if any(KNOWN.get(_norm(v)) == "municipality_id" for v in r if v is not None)
                ),
                None,
            )
            if header_at is None:
                continue
            if header_at:
                notes.append(f"{path.name}: {header_at} rows above the header in sheet skipped")
            if _norm(sheet.title) not in {_norm(SHEETS["nb"][0]), _norm(SHEETS["en"][0])}:
                notes.append(
                    f"{path.name}: read sheet {sheet.title!r} (expected {SHEETS['nb'][0]!r})"
                )
            found.append((f"{path.name}[{sheet.title}]", rows[header_at:], header_at))
    finally:
        book.close()
        formulas.close()
    return found


def _with_formulas(values: list[list[Any]], written: list[list[Any]]) -> list[list[Any]]:
    """The cell values, with a formula saved without its value as a :class:`Formula` (never
    read as blank: the value a spreadsheet would show is unknown)."""
    for r, row in enumerate(values):
        for j, value in enumerate(row):
            if value is not None or r >= len(written) or j >= len(written[r]):
                continue
            text = written[r][j]
            if isinstance(text, str) and text.startswith("="):
                row[j] = Formula(text)
            elif text is not None and type(text).__name__ == "ArrayFormula":
                row[j] = Formula(str(getattr(text, "text", text)))
    return values


def _blank(record: Mapping[str, Any]) -> bool:
    """No recommendation, no minors and no comment (and no bad cell)."""
    return (
        not record.get("bad")
        and record[RECOMMENDATION] is None
        and record[RECOMMENDED_MINORS] is None
        and not record["comment"]
    )


def _id_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and float(value).is_integer()):
        text = f"{int(value):04d}"
    else:
        text = str(value).strip()
    return text if ID_PATTERN.match(text) else None


def _files(paths: Any) -> list[Path]:
    items: Iterable[Any] = [paths] if isinstance(paths, str | Path) else paths
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.iterdir()
                    if f.suffix.lower() in (".xlsx", ".csv") and not f.name.startswith(("~$", "."))
                )
            )
        elif p.is_file():
            if p.suffix.lower() not in (".xlsx", ".csv"):
                raise InputError(
                    "The `paths` parameter of `read_recommendations` must name .xlsx or .csv "
                    f"files or folders. Got {str(p)!r} instead."
                )
            out.append(p)
        else:
            raise InputError(f"The input file {str(p)!r} does not exist.")
    if not out:
        raise InputError(
            "The `paths` parameter of `read_recommendations` must name at least one .xlsx or "
            f".csv file. Got {paths!r} instead."
        )
    return out


def read_recommendations(
    paths: str | Path | Sequence[str | Path], *, problem: Problem | None = None
) -> Recommendations:
    """Read the counties' returned workbooks or CSV files into one table.

    Any subset of counties may be given (files, or folders of them); blanks mean "no
    recommendation". The table sheet is found by its id column wherever it is (a renamed
    sheet, rows above the header); misspelt headers close to a known one are read as it;
    rows without a municipality id (sums, notes) are skipped. Each of these is reported in
    ``notes`` (and logged). Every recommendation cell is checked.

    Parameters
    ----------
    paths : path or sequence of paths
        ``.xlsx`` or ``.csv`` files as written by :func:`write_county_drafts` (Norwegian or
        English headers), or folders holding them.
    problem : Problem, optional
        When given, every id must be one of its municipalities, in the county it names.

    Returns
    -------
    Recommendations
        ``table`` indexed by ``municipality_id`` with ``county``, ``name``,
        ``recommendation``, ``recommended_minors`` (nullable integers) and ``comment``.

    Raises
    ------
    InputError
        Listing every bad cell (county, municipality, column as written, value, reason) in
        ``failure_cases``; also for a missing id or recommendation column.
    """
    check_types(read_recommendations, locals())
    reader = _RecommendationReader(
        {m.municipality_id: m for m in problem.municipalities} if problem is not None else {}
    )
    for path in _files(paths):
        tables = _sheet_rows(path, reader.notes)
        if not tables:
            raise InputError(
                f"{path.name}: no sheet has a kommunenummer (municipality_id) column; "
                "expected the table of a county draft."
            )
        for source, rows, above in tables:
            reader.read_table(source, rows, above)
    if reader.failures:
        err = InputError.from_failures("read_recommendations", reader.failures)
        err.failure_cases.insert(0, "county", [f["county"] for f in reader.failures])
        raise err
    for note in reader.notes:
        log.warning("%s", note)
    records = reader.records
    ids = sorted(records)
    answered = {str(r["county"]) for r in records.values() if r["county"] and not _blank(r)}
    table = pd.DataFrame(
        {
            "county": [records[i]["county"] or "" for i in ids],
            "name": [records[i]["name"] for i in ids],
            RECOMMENDATION: pd.array([records[i][RECOMMENDATION] for i in ids], dtype="Int64"),
            RECOMMENDED_MINORS: pd.array(
                [records[i][RECOMMENDED_MINORS] for i in ids], dtype="Int64"
            ),
            "comment": [records[i]["comment"] for i in ids],
        },
        index=pd.Index(ids, name="municipality_id"),
    )
    return Recommendations(table=table, counties=tuple(sorted(answered)), notes=tuple(reader.notes))


@dataclass
class _Row:
    """One table row being read: where it is and the header of each canonical column."""

    source: str
    number: int
    headers: list[Any]
    columns: dict[str, int]

    def header(self, column: str) -> str:
        return str(self.headers[self.columns[column]])


@dataclass
class _RecommendationReader:
    """What :func:`read_recommendations` gathers over the files: records, notes, failures."""

    known: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    where_from: dict[str, str] = field(default_factory=dict)

    def fail(self, row: _Row, mid: Any, county: Any, column: str, value: Any, why: str) -> None:
        self.failures.append(
            {
                "row": row.number,
                "municipality_id": mid,
                "column": row.header(column),
                "value": value,
                "reason": f"{why} (county {county or '?'})",
                "county": county,
            }
        )

    def read_table(self, source: str, rows: list[list[Any]], above: int = 0) -> None:
        """Read one table; ``above`` rows stand above its header (row numbers are the
        spreadsheet's: the header is row ``above + 1``)."""
        headers = rows[0]
        mapping = _map_headers(list(headers), source, self.notes)
        columns = {c: j for j, c in mapping.items()}
        head = _Row(source, above + 1, list(headers), {})
        for j, text in enumerate(headers):
            canonical = KNOWN.get(_norm(text)) if text is not None else None
            if canonical in WANTED and j not in mapping and canonical in columns:
                first = columns[canonical]
                self.failures.append(
                    {
                        "row": head.number,
                        "municipality_id": None,
                        "column": str(text),
                        "value": str(text),
                        "reason": f"is a second {canonical} column (the first is column "
                        f"{first + 1}); expected the column once (source {source})",
                        "county": None,
                    }
                )
        if "municipality_id" not in columns or RECOMMENDATION not in columns:
            raise InputError(
                f"{source}: needs a kommunenummer and a tilråding anmodning "
                "(recommendation) column. Got columns "
                f"{', '.join(str(h) for h in headers if h is not None)} instead."
            )
        for r, raw in enumerate(rows[1:], start=above + 2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
                continue
            cells = {c: raw[j] if j < len(raw) else None for c, j in columns.items()}
            self.read_row(_Row(source, r, headers, columns), raw, cells)

    def read_row(self, row: _Row, raw: list[Any], cells: dict[str, Any]) -> None:
        county = cells.get("county")
        county = str(county).strip() if county is not None else None
        mid = self.checked_id(row, raw, cells["municipality_id"], county)
        if mid is None:
            return
        if self.known:
            county = county or self.known[mid].county
        record: dict[str, Any] = {"county": county, "name": cells.get("name")}
        for column in (RECOMMENDATION, RECOMMENDED_MINORS):
            value = cells.get(column)
            got = count_or_blank(value)
            if isinstance(got, str):
                self.fail(row, mid, county, column, value, got)
                record["bad"] = True
                got = None
            record[column] = got
        comment = cells.get("comment")
        record["comment"] = "" if comment is None else str(comment).strip()
        self.keep(row, mid, county, record)

    def checked_id(self, row: _Row, raw: list[Any], raw_id: Any, county: str | None) -> str | None:
        """The row's municipality id, or None (noted or failed) when the row is skipped."""
        mid = _id_text(raw_id)
        if mid is None:
            if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
                shown = ", ".join(str(v) for v in raw if v is not None)[:60]
                self.notes.append(
                    f"{row.source}: row {row.number} has no kommunenummer and was skipped ({shown})"
                )
            else:
                self.fail(
                    row,
                    raw_id,
                    county,
                    "municipality_id",
                    raw_id,
                    "must be a 4-digit kommunenummer",
                )
            return None
        if not self.known:
            return mid
        if mid not in self.known:
            self.fail(
                row, mid, county, "municipality_id", mid, "is not a municipality of the problem"
            )
            return None
        if county and county != self.known[mid].county:
            self.fail(
                row,
                mid,
                county,
                "county",
                county,
                f"does not match the problem's county {self.known[mid].county!r}",
            )
        return mid

    def keep(self, row: _Row, mid: str, county: str | None, record: dict[str, Any]) -> None:
        """Keep ``record``, unless ``mid`` was read before with a recommendation."""
        here = f"{row.source} row {row.number}"
        if mid in self.records:
            first = self.where_from[mid]
            if _blank(record):  # e.g. the combined draft next to a county's reply
                self.notes.append(
                    f"{row.source}: row {row.number} repeats {mid} with no recommendation; "
                    f"kept {first}"
                )
                return
            if not _blank(self.records[mid]):
                self.fail(
                    row, mid, county, "municipality_id", mid, f"appears again (first in {first})"
                )
                return
            self.notes.append(f"{first}: {mid} has no recommendation there; kept {here}")
        self.records[mid] = record
        self.where_from[mid] = here


# -- the change report ---------------------------------------------------------------------

REPORT_HEADERS: dict[str, tuple[str, str, str]] = _headers("counties.report.")
SHEET_NAME_LIMIT = 31
"""Longest sheet name a workbook accepts."""


def _sheet_name(text: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "-", text)[:SHEET_NAME_LIMIT] or "sheet"
    base, k = name, 2
    while name.lower() in taken:
        suffix = f" ({k})"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        k += 1
    taken.add(name.lower())
    return name


_CHANGE_HEADERS: dict[str, tuple[str, str, str]] = _headers("counties.change.")
"""The change report's own headers (en, nb, nn), beside :data:`REPORT_HEADERS`."""

_CASES: dict[str, dict[str, str]] = {
    language: terms("counties.case.", language) for language in LANGUAGES
}


def _change_header(column: str, language: str) -> str:
    words = {**REPORT_HEADERS, **_CHANGE_HEADERS}.get(column)
    return column if words is None else words[_WHICH[language]]


def write_change_report(
    reconciliation: Reconciliation, path: str | Path, *, language: Language | None = None
) -> Path:
    """Write the per-county change report, atomically.

    ``.xlsx``: a sheet with the county summary (share, what was recommended, the case, the
    final sums and how many municipalities changed), then one sheet per county with a change,
    listing every municipality whose final request differs from its draft or its
    recommendation (or whose minors differ from theirs), with the draft, the
    recommendation, the final request, both changes, the kind, the reason and the parts of
    the change (summing to it, see :meth:`Reconciliation.accounting`). Formatted like the
    report workbook (bold frozen headers with filters, widths, number formats).
    ``.csv`` / ``.json``: the change table alone.

    Parameters
    ----------
    reconciliation : Reconciliation
        As returned by :func:`busetting.reconcile`.
    path : str or Path
        ``.xlsx``, ``.csv`` or ``.json``.
    language : {"nb", "nn", "en"}, optional
        Headers, kinds, reasons and parts in bokmål, nynorsk or English; default: bokmål for
        the Norway data, English otherwise.

    Returns
    -------
    Path
        The file written.
    """
    check_types(write_change_report, locals())
    ids = reconciliation.allocation.problem.ids
    lang: Any = choose_language(language, ids, "write_change_report")
    language = lang
    p = Path(path)
    changes = change_report(reconciliation, language)
    if p.suffix.lower() != ".xlsx":
        table = changes.rename(columns=lambda c: _change_header(str(c), language))
        return write_table(table.set_index(table.columns[1]), p)
    _require_openpyxl()
    summary = reconciliation.counties.reset_index()
    summary["case"] = [_CASES[language].get(c, c) for c in summary["case"]]
    sheets = [
        Sheet(
            "fylker" if language != "en" else "counties",
            summary.rename(columns=lambda c: _change_header(str(c), language)),
            freeze="B2",
        )
    ]
    taken = {sheets[0].name.lower()}
    changed = reconciliation.counties
    for county in changed.index[changed["changed"] > 0].tolist():
        part = changes[changes["county"] == county].drop(columns=["county"])
        sheets.append(
            Sheet(
                _sheet_name(str(county), taken),
                part.rename(columns=lambda c: _change_header(str(c), language)),
                freeze="C2",
            )
        )
    atomic_write(p, lambda tmp: write_workbook(tmp, sheets))
    return p
