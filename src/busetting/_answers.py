"""The councils' answers in: the returned answer workbooks (or a CSV) read cell by cell.

:func:`read_answers` reads what :func:`busetting.letters` sent out, filled in: per
municipality the decision (vedtak), the minors decided, how many more (and of them minors)
it could settle if the need rises, what it takes to keep its capacity high (free text) and
the date of the answer. Every cell is checked and every bad one is listed in one failure
table (file, sheet, row as the spreadsheet numbers it, column, value, what was wrong and what
was expected). A municipality answering twice is a failure, never "the last one wins"; blank
answers and late ones are named (a late answer is accepted and flagged as a
:class:`LateAnswer`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._language import LANGUAGES, terms

if TYPE_CHECKING:
    from busetting._result import Allocation

__all__ = [
    "ANSWER_COLUMNS",
    "ANSWER_HEADERS",
    "COUNT_COLUMNS",
    "INPUT_COLUMNS",
    "MAX_ANSWER",
    "Answers",
    "LateAnswer",
    "parse_date",
    "read_answers",
]

WHERE = "read_answers"
EXCEL_HINT = 'Excel files need openpyxl: pip install "busetting[excel]"'

ANSWER_COLUMNS = (
    "municipality_id",
    "name",
    "county",
    "request",
    "request_minors",
    "decision",
    "minors_decision",
    "extra_capacity",
    "extra_minors",
    "answered",
    "comment",
)
"""The columns of an answer form, in order (the last six are the council's input cells)."""

INPUT_COLUMNS = ANSWER_COLUMNS[5:]
"""The council's input cells of an answer form (open; the rest are prefilled and locked)."""
COUNT_COLUMNS = ("decision", "minors_decision", "extra_capacity", "extra_minors")
"""The answer cells that hold a whole number of persons."""

MAX_ANSWER = 100_000
"""The largest number of persons an answer cell accepts (more than any national need so far)."""

ANSWER_HEADERS: dict[str, dict[str, str]] = {
    language: terms("answers.header.", language) for language in LANGUAGES
}
"""The header of each answer column in English, bokmål and nynorsk (all are read back)."""

_EXPECTED: dict[str, str] = {
    "municipality_id": "a 4-digit kommunenummer",
    "count": f"a whole number from 0 to {MAX_ANSWER:,}",
    "answered": "a date (YYYY-MM-DD or DD.MM.YYYY)",
    "comment": "free text",
}

_HEADER_KEYS: dict[str, str] = {}
for _words in ANSWER_HEADERS.values():
    for _key, _text in _words.items():
        _HEADER_KEYS[_text.casefold()] = _key
for _key in ANSWER_COLUMNS:
    _HEADER_KEYS[_key.casefold()] = _key


@dataclass(frozen=True)
class LateAnswer:
    """An answer dated after the deadline: accepted, and flagged.

    Attributes
    ----------
    municipality_id, name : str
        Who answered.
    answered, deadline : datetime.date
        The date of the answer and the deadline.
    days_late : int
        ``(answered - deadline).days``.
    source : str
        Where the answer was read (file, sheet, row).
    """

    municipality_id: str
    name: str
    answered: dt.date
    deadline: dt.date
    days_late: int
    source: str


@dataclass(frozen=True)
class Answers:
    """The councils' answers, checked.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per municipality that answered, indexed by ``municipality_id``: ``name``,
        ``county``, ``decision``, ``minors_decision``, ``extra_capacity``, ``extra_minors``
        (nullable integers), ``answered`` (a date), ``comment``, ``late`` and ``source``.
    blanks : tuple of str
        Municipalities whose returned form holds no answer.
    late : tuple of LateAnswer
        Answers dated after ``deadline``.
    missing : tuple of str
        Municipalities asked (request > 0 in the allocation given) that returned nothing.
    deadline : datetime.date or None
        The deadline the answers were checked against.
    notes : tuple of str
        What the reader noticed and did (rows without an id skipped, ...).
    """

    table: pd.DataFrame
    blanks: tuple[str, ...] = ()
    late: tuple[LateAnswer, ...] = ()
    missing: tuple[str, ...] = ()
    deadline: dt.date | None = None
    notes: tuple[str, ...] = ()

    @property
    def decisions(self) -> pd.Series:
        """The decisions (vedtak) per municipality that answered, as whole numbers."""
        return self.table["decision"].dropna().astype("int64")

    @property
    def minors_decisions(self) -> pd.Series:
        """The minors decided per municipality (blank read as 0)."""
        return self.table["minors_decision"].fillna(0).astype("int64")

    @property
    def extra_capacity(self) -> pd.Series:
        """How many more each municipality could settle if the need rises (blank: not given)."""
        return self.table["extra_capacity"].dropna().astype("int64")


def parse_date(value: Any) -> dt.date | None:
    """A date from a date, a datetime, ``YYYY-MM-DD`` or ``DD.MM.YYYY``; ``None`` otherwise.

    Examples
    --------
    >>> parse_date("2024-02-25"), parse_date("25.02.2024"), parse_date("25 Feb")
    (datetime.date(2024, 2, 25), datetime.date(2024, 2, 25), None)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_INT = re.compile(r"^[+-]?\d[\d \u00a0]*$")
_DECIMAL = re.compile(r"^[+-]?\d[\d \u00a0]*[.,]\d+$")


def _count(value: Any) -> tuple[int | None, str | None]:
    """``(number, None)``, ``(None, None)`` for a blank, or ``(None, what is wrong)``."""
    if value is None or (isinstance(value, float) and value != value):
        return None, None
    if isinstance(value, bool):
        return None, "is true/false"
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None, None
        if _DECIMAL.match(text):
            return None, "is a decimal number"
        if not _INT.match(text):
            return None, "is text"
        value = int(text.replace(" ", "").replace("\u00a0", ""))
    if isinstance(value, float):
        if value != int(value):
            return None, "is a decimal number"
        value = int(value)
    if not isinstance(value, int):
        return None, f"is a {type(value).__name__}"
    if value < 0:
        return None, "is negative"
    if value > MAX_ANSWER:
        return None, "is too large"
    return value, None


def _id_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value == int(value):
        value = int(value)
    if isinstance(value, int) and 0 <= value <= 9999:
        return f"{value:04d}"
    if isinstance(value, str) and re.fullmatch(r"\d{4}", value.strip()):
        return value.strip()
    return None


@dataclass
class _Cells:
    """One table read from a file: where, header keys by column, and rows with numbers."""

    file: str
    sheet: str
    headers: list[Any]
    rows: list[tuple[int, list[Any], dict[int, str]]]  # (row number, values, formulas)


@dataclass(frozen=True)
class _RowView:
    """One row of a table being read, with its cells by canonical column."""

    cells: _Cells
    keys: dict[str, int]
    number: int
    values: list[Any]
    formulas: dict[int, str]

    def cell(self, key: str) -> Any:
        j = self.keys.get(key)
        return self.values[j] if j is not None and j < len(self.values) else None

    def header(self, key: str) -> str | None:
        j = self.keys.get(key)
        return None if j is None else str(self.cells.headers[j])


@dataclass
class _Reader:
    known: dict[str, tuple[str, str, int, int]]
    deadline: dt.date | None
    failures: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    blank_seen: dict[str, str] = field(default_factory=dict)

    def fail(self, row: _RowView, mid: Any, key: str, value: Any, why: str, expected: str) -> None:
        cells = row.cells
        header = row.header(key)
        self.failures.append(
            {
                "file": cells.file,
                "sheet": cells.sheet,
                "row": row.number,
                "municipality_id": mid,
                "column": header,
                "value": value,
                "reason": f"{why}; expected {expected} ({cells.file}, sheet {cells.sheet})",
                "expected": expected,
            }
        )

    def read(self, cells: _Cells) -> None:
        keys: dict[str, int] = {}
        for j, h in enumerate(cells.headers):
            key = _HEADER_KEYS.get(str(h).strip().casefold()) if h is not None else None
            if key is not None and key not in keys:
                keys[key] = j
        if "municipality_id" not in keys or "decision" not in keys:
            raise InputError(
                f"{cells.file} (sheet {cells.sheet}): an answer table needs a kommunenummer "
                "and a vedtak (decision) column. Got columns "
                f"{', '.join(str(h) for h in cells.headers if h is not None)} instead."
            )
        for number, values, formulas in cells.rows:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            self.read_row(_RowView(cells, keys, number, values, formulas))

    def read_row(self, row: _RowView) -> None:
        mid = self.row_id(row)
        if mid is None:
            return
        before = len(self.failures)
        record: dict[str, Any] = {}
        for key in COUNT_COLUMNS:
            record[key] = self.row_count(row, mid, key) if key in row.keys else None
        raw_date = row.cell("answered")
        answered = parse_date(raw_date) if raw_date not in (None, "") else None
        if raw_date not in (None, "") and answered is None:
            self.fail(row, mid, "answered", raw_date, "is not a date", _EXPECTED["answered"])
        comment, name = row.cell("comment"), row.cell("name")
        record["comment"] = "" if comment is None else str(comment).strip()
        record["answered"] = answered
        record["name"] = mid if name is None else str(name).strip()
        if len(self.failures) == before:
            self.check_row(row, mid, record, raw_date)

    def row_id(self, row: _RowView) -> str | None:
        """The row's kommunenummer; None (noted, or failed) when the row is not read."""
        raw_id = row.cell("municipality_id")
        mid = _id_text(raw_id)
        if mid is None:
            if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
                self.notes.append(
                    f"{row.cells.file} sheet {row.cells.sheet} row {row.number} has no "
                    "kommunenummer and was skipped"
                )
            else:
                self.fail(
                    row, raw_id, "municipality_id", raw_id, "is not a kommunenummer",
                    _EXPECTED["municipality_id"],
                )  # fmt: skip
            return None
        if self.known and mid not in self.known:
            self.fail(
                row, mid, "municipality_id", mid, "is not a municipality of the allocation",
                "a municipality the letters went to",
            )  # fmt: skip
            return None
        return mid

    def row_count(self, row: _RowView, mid: str, key: str) -> int | None:
        """The whole number in column ``key``, or None (blank, or failed)."""
        value = row.cell(key)
        formula = row.formulas.get(row.keys[key])
        if formula is not None and value is None:
            self.fail(
                row, mid, key, formula, "is a formula without a computed value",
                _EXPECTED["count"] + " typed in",
            )  # fmt: skip
            return None
        got, wrong = _count(value)
        if wrong is not None:
            self.fail(row, mid, key, value, wrong, _EXPECTED["count"])
        return got

    def check_row(self, row: _RowView, mid: str, record: dict[str, Any], raw_date: Any) -> None:
        cells, number = row.cells, row.number
        given = [k for k in COUNT_COLUMNS if record[k] is not None]
        where = f"{cells.file} sheet {cells.sheet} row {number}"
        if not given and not record["comment"] and record["answered"] is None:
            if mid not in self.records:
                self.blank_seen.setdefault(mid, where)
            return
        if record["decision"] is None:
            self.fail(
                row, mid, "decision", None,
                "is blank while other answers are given",
                "the decision (vedtak) whenever anything else is answered",
            )  # fmt: skip
            return
        if record["answered"] is None:
            self.fail(
                row, mid, "answered", raw_date, "is blank", "the date of the decision",
            )  # fmt: skip
            return
        minors = record["minors_decision"]
        if minors is not None and minors > record["decision"]:
            self.fail(
                row, mid, "minors_decision", minors,
                f"is more than the decision ({record['decision']})",
                "at most the decision: minors are part of it",
            )  # fmt: skip
            return
        extra, extra_minors = record["extra_capacity"], record["extra_minors"]
        if extra_minors is not None and extra_minors > (extra or 0):
            self.fail(
                row, mid, "extra_minors", extra_minors,
                f"is more than the extra capacity ({extra or 0})",
                "at most the extra capacity: minors are part of it",
            )  # fmt: skip
            return
        if mid in self.records:
            self.fail(
                row, mid, "municipality_id", mid,
                f"answers again (first answer in {self.records[mid]['source']})",
                "one answer per municipality",
            )  # fmt: skip
            return
        known = self.known.get(mid)
        if known:
            record["name"] = known[0]
        record["county"] = known[1] if known else ""
        record["source"] = where
        record["late"] = self.deadline is not None and record["answered"] > self.deadline
        self.records[mid] = record
        self.blank_seen.pop(mid, None)


def _header_row(rows: list[list[Any]]) -> int | None:
    for i, row in enumerate(rows[:20]):
        for v in row:
            if v is not None and _HEADER_KEYS.get(str(v).strip().casefold()) == "municipality_id":
                return i
    return None


def _workbook_tables(path: Path) -> list[_Cells]:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - the dev extras install it
        raise ImportError(EXCEL_HINT) from exc
    try:
        values_book = openpyxl.load_workbook(path, data_only=True, read_only=True)
        formula_book = openpyxl.load_workbook(path, data_only=False, read_only=True)
    except Exception as exc:
        raise InputError(f"{path.name}: not a readable .xlsx workbook ({exc}).") from exc
    out: list[_Cells] = []
    try:
        for sheet in values_book.worksheets:
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            start = _header_row(rows)
            if start is None:
                continue
            formula_rows = [list(r) for r in formula_book[sheet.title].iter_rows(values_only=True)]
            body: list[tuple[int, list[Any], dict[int, str]]] = []
            for i in range(start + 1, len(rows)):
                raw = formula_rows[i] if i < len(formula_rows) else []
                formulas = {
                    j: v for j, v in enumerate(raw) if isinstance(v, str) and v.startswith("=")
                }
                body.append((i + 1, rows[i], formulas))
            out.append(_Cells(path.name, sheet.title, rows[start], body))
    finally:
        values_book.close()
        formula_book.close()
    return out


def _csv_table(path: Path) -> _Cells:
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            sep=None,
            engine="python",
            encoding="utf-8-sig",
        )
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{path.name}: not a readable CSV file ({exc}).") from exc
    return _frame_table(frame, path.name, "csv")


def _frame_table(frame: pd.DataFrame, file: str, sheet: str) -> _Cells:
    headers = [str(c) for c in frame.columns]
    body = []
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        values = [None if (isinstance(v, str) and not v.strip()) else v for v in row]
        values = [None if (isinstance(v, float) and v != v) else v for v in values]
        body.append((i, values, dict[int, str]()))
    return _Cells(file, sheet, headers, body)


def _files(source: str | Path | Iterable[str | Path]) -> list[Path]:
    items = [source] if isinstance(source, str | Path) else list(source)
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(
                q
                for q in p.iterdir()
                if q.suffix.lower() in (".xlsx", ".csv") and not q.name.startswith(("~$", "."))
            )
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(f"The answers file {str(p)!r} does not exist.")
    if not out:
        raise InputError("No answer files (.xlsx or .csv) were found.")
    return out


def read_answers(
    source: str | Path | Sequence[str | Path] | pd.DataFrame,
    *,
    allocation: Allocation | None = None,
    deadline: dt.date | str | None = None,
) -> Answers:
    """Read the councils' answers: returned answer workbooks, CSV files or a DataFrame.

    Parameters
    ----------
    source : path, sequence of paths, or pandas.DataFrame
        ``.xlsx`` answer forms as written by :meth:`Letters.write` (one per municipality or
        per county), ``.csv`` files with the same columns, folders holding them, or a table.
        Headers may be English, bokmål or nynorsk (:data:`ANSWER_HEADERS`).
    allocation : Allocation, optional
        The allocation the letters were made from: every id must be one of its
        municipalities (names and counties are taken from it), and ``missing`` lists the
        municipalities asked that returned nothing.
    deadline : datetime.date or str, optional
        Answers dated after it are accepted and listed in ``late``.

    Returns
    -------
    Answers
        The checked answers, with the blank, late and missing ones named.

    Raises
    ------
    InputError
        Listing every bad cell in ``failure_cases`` (columns ``file``, ``sheet``, ``row`` as
        the spreadsheet numbers it, ``municipality_id``, ``column``, ``value``, ``reason``,
        ``expected``): text, decimals, negative or huge numbers, a formula without a value, a
        minors number above its total, a blank decision beside other answers, a missing date,
        an unknown municipality, and a municipality answering twice.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"kommunenummer": ["0301", "1103"], "vedtak": ["120", ""],
    ...                       "vedtaksdato": ["20.02.2024", ""]})
    >>> answers = read_answers(frame, deadline="2024-02-25")
    >>> answers.decisions.to_dict(), answers.blanks
    ({'0301': 120}, ('1103',))
    """
    check_types(read_answers, locals())
    when = _deadline(deadline)
    known: dict[str, tuple[str, str, int, int]] = {}
    if allocation is not None:
        requests, minors = allocation.requests, allocation.minors
        for m in allocation.problem.municipalities:
            mid = m.municipality_id
            known[mid] = (
                m.name,
                m.county or "",
                0 if requests is None else int(requests[mid]),
                0 if minors is None else int(minors[mid]),
            )
    reader = _Reader(known, when)
    if isinstance(source, pd.DataFrame):
        reader.read(_frame_table(source, "(table)", "table"))
    else:
        for path in _files(source):
            if path.suffix.lower() == ".xlsx":
                tables = _workbook_tables(path)
                if not tables:
                    raise InputError(
                        f"{path.name}: no sheet has a kommunenummer column; expected an answer "
                        "form."
                    )
                for cells in tables:
                    reader.read(cells)
            elif path.suffix.lower() == ".csv":
                reader.read(_csv_table(path))
            else:
                raise InputError(
                    f"{path.name}: an answer file must be .xlsx or .csv. Got {path.suffix!r}."
                )
    if reader.failures:
        err = InputError.from_failures(WHERE, reader.failures)
        for place in ("sheet", "file"):  # the error puts them in front when any is named
            if place not in err.failure_cases.columns:
                err.failure_cases.insert(0, place, [f[place] for f in reader.failures])
        err.failure_cases["expected"] = [f["expected"] for f in reader.failures]
        raise err
    return _answers(reader, known, when)


def _deadline(deadline: dt.date | str | None) -> dt.date | None:
    if deadline is None:
        return None
    got = parse_date(deadline)
    if got is None:
        raise InputError(
            f"The `deadline` parameter of `{WHERE}` must be a date (YYYY-MM-DD or "
            f"DD.MM.YYYY). Got {deadline!r} instead."
        )
    return got


def _answers(
    reader: _Reader, known: Mapping[str, tuple[str, str, int, int]], when: dt.date | None
) -> Answers:
    records = reader.records
    ids = sorted(records)
    table = pd.DataFrame(
        {
            "name": [records[i]["name"] for i in ids],
            "county": [records[i]["county"] for i in ids],
            **{k: pd.array([records[i][k] for i in ids], dtype="Int64") for k in COUNT_COLUMNS},
            "answered": [records[i]["answered"] for i in ids],
            "comment": [records[i]["comment"] for i in ids],
            "late": [bool(records[i]["late"]) for i in ids],
            "source": [records[i]["source"] for i in ids],
        },
        index=pd.Index(ids, name="municipality_id", dtype=object),
    )
    late = tuple(
        LateAnswer(
            municipality_id=i,
            name=records[i]["name"],
            answered=records[i]["answered"],
            deadline=when,
            days_late=(records[i]["answered"] - when).days,
            source=records[i]["source"],
        )
        for i in ids
        if records[i]["late"] and when is not None
    )
    blanks = tuple(sorted(reader.blank_seen))
    missing = tuple(
        sorted(
            i
            for i, (_, _, req, _) in known.items()
            if req > 0 and i not in records and i not in reader.blank_seen
        )
    )
    return Answers(
        table=table,
        blanks=blanks,
        late=late,
        missing=missing,
        deadline=when,
        notes=tuple(reader.notes),
    )
