"""Tables in and out: the only module (with the CLI) that knows column names.

``problem_from_frame`` is the DataFrame entry point behind :meth:`Problem.from_frame`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from busetting._allocate import fingerprint
from busetting._cells import FailureTable, spreadsheet_row
from busetting._defaults import choose_language, default_csv_dialect
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._frame import (
    ALIASES,
    error_reason,
    failure_record,
    is_missing,
    plain_value,
    problem_from_frame,
)
from busetting._hosts import CONFIRM_COLUMN, confirm_column
from busetting._kinds import CSV_DIALECTS
from busetting._language import (
    LANGUAGES,
    NORWEGIAN,
    binding_words,
    check_language,
    column_words,
    criterion_words,
    format_number,
    indicator_words,
    is_norwegian,
    method_words,
    term,
    translate_value,
)
from busetting._model import Criterion, IdFormat, Problem, Rules, pydantic_errors
from busetting._result import Allocation
from busetting._revise import Revision
from busetting._version import __version__
from busetting._workbook import (
    PREVIOUS_COLUMNS,
    RECORD_SHEET,
    last_year_figures,
    previous_headers,
    print_setup,
    readable_parameters,
    requests_year,
    workbook_title,
)
from busetting.schemas import AllocationOutput

__all__ = [
    "ALIASES",
    "CSV_DIALECTS",
    "Sheet",
    "allocation_table",
    "allocation_to_dict",
    "allocation_to_json",
    "atomic_write",
    "check_csv_dialect",
    "county_table",
    "csv_writer",
    "neutralise",
    "parameter_table",
    "parameters_path",
    "problem_from_frame",
    "read_allocation",
    "read_county_totals",
    "read_fixed",
    "read_named_counts",
    "read_parameters",
    "read_problem",
    "read_table",
    "restore",
    "settings_from_parameters",
    "workbook_sheets",
    "write_allocation",
    "write_revision",
    "write_table",
    "write_workbook",
]


# -- files in ----------------------------------------------------------------------------------

ID_COLUMNS = ("municipality_id", "kommunenummer", "fylkesnummer")
FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".json": "json"}
EXCEL_HINT = 'Excel files need openpyxl: pip install "busetting[excel]"'


def _format(path: Path, param: str, where: str) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"The `{param}` parameter of `{where}` must name a .csv, .xlsx or .json file. "
            f"Got {str(path)!r} instead."
        )
    return fmt


def _decode(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else Windows-1252/Latin-1 as Norwegian Excel writes."""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: the file is not text in UTF-8 or Latin-1.")  # pragma: no cover


MAX_INPUT_BYTES = 20_000_000
"""Largest input file read by default (a national table is a few hundred kB)."""


def read_table(path: str | Path, *, max_bytes: int = MAX_INPUT_BYTES) -> pd.DataFrame:
    """Read a municipality table from CSV or XLSX with ids as text.

    CSV: UTF-8 (a BOM is accepted) or Latin-1/Windows-1252; comma- or semicolon-separated; a
    semicolon file uses the decimal comma (as Norwegian Excel writes it). Files larger than
    ``max_bytes`` are refused before reading (raise the limit deliberately for big inputs).

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.txt`` or ``.xlsx`` file.
    max_bytes : int
        Largest file read (default ``MAX_INPUT_BYTES``, 20 MB).

    Returns
    -------
    pandas.DataFrame
        The table as read; the id columns are text.
    """
    check_types(read_table, locals())
    import io as _io

    p = Path(path)
    fmt = _format(p, "path", "read_table")
    if not p.is_file():
        raise InputError(f"The input file {str(p)!r} does not exist.")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"The input file {str(p)!r} is {size / 1e6:.1f} MB; the limit is "
            f"{max_bytes / 1e6:.1f} MB (pass max_bytes= to read_table to raise it)."
        )
    dtype = {c: str for c in ID_COLUMNS}
    if fmt == "xlsx":
        _require_openpyxl()
        try:
            frame = pd.read_excel(p, dtype=dtype)
            cells = _formulas_without_values(p)
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise InputError(f"{p}: not a readable .xlsx file ({exc}).") from exc
        _second_columns(frame, cells)
        cells.raise_any(f"read_table({p.name})")
        return frame
    if fmt == "json":
        raise InputError(f"{p}: a JSON file holds a whole problem; use read_problem().")
    text = _decode(p.read_bytes(), p)
    if not text.strip():
        raise InputError(
            f"{p}: the file is empty; expected a header row and one row per municipality."
        )
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    decimal = "," if sep == ";" else "."
    try:
        frame = pd.read_csv(_io.StringIO(text), sep=sep, decimal=decimal, dtype=dtype)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{p}: not a readable CSV file ({exc}).") from exc
    cells = FailureTable(file=p.name)
    _second_columns(frame, cells)
    cells.raise_any(f"read_table({p.name})")
    return frame


def _second_columns(frame: pd.DataFrame, cells: FailureTable) -> None:
    """A header given twice (pandas reads the copy as ``name.1``): the copy would be read as
    another column or ignored, so it is a failure."""
    names = {str(c) for c in frame.columns}
    for column in map(str, frame.columns):
        base, dot, number = column.rpartition(".")
        if dot and number.isdigit() and base in names:
            cells.add(
                f"is a second {base!r} column; expected each column once",
                row=1,
                column=base,
                value=column,
            )


def _formulas_without_values(path: Path) -> FailureTable:
    """The formula cells of the first sheet saved without their value (as openpyxl and
    scripts write them): pandas would read them as blank."""
    import openpyxl

    cells = FailureTable(file=path.name)
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    written = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        sheet, formulas = values.worksheets[0], written.worksheets[0]
        cells.sheet = sheet.title
        header: list[Any] = []
        for r, (row, text) in enumerate(
            zip(
                sheet.iter_rows(values_only=True),
                formulas.iter_rows(values_only=True),
                strict=False,
            ),
            start=1,
        ):
            if r == 1:
                header = list(row)
            for j, (value, formula) in enumerate(zip(row, text, strict=False)):
                if value is None and isinstance(formula, str) and formula.startswith("="):
                    cells.add(
                        "is a formula without a stored value; expected a value (type it, or "
                        "open the file in a spreadsheet and save it so the value is stored)",
                        row=r,
                        column=str(header[j]) if j < len(header) else None,
                        value=formula,
                    )
    finally:
        values.close()
        written.close()
    return cells


def _require_openpyxl() -> None:
    import importlib.util

    if importlib.util.find_spec("openpyxl") is None:
        raise InputError(EXCEL_HINT)


def read_problem(
    path: str | Path,
    *,
    total: int | None = None,
    minors: int | None = None,
    criteria: Mapping[str, float] | Sequence[Criterion | Mapping[str, Any]] | None = None,
    minors_criteria: Mapping[str, float] | Sequence[Criterion | Mapping[str, Any]] | None = None,
    id_format: IdFormat = None,
) -> Problem:
    """Read a problem from a CSV, XLSX or JSON file, with the checks of ``from_frame``.

    A JSON file holds a whole problem (as ``Problem.model_dump_json()`` writes it, and as
    ``busetting schema`` describes it); ``total``/``minors`` override its need. A CSV/XLSX
    file holds one row per municipality and needs ``total`` and ``criteria``.

    Parameters
    ----------
    path : str or Path
        A ``.json``, ``.csv``, ``.txt`` or ``.xlsx`` file.
    total, minors : int, optional
        The need (required with ``criteria`` for a table; override a JSON problem's need).
    criteria : mapping or sequence, optional
        The criteria of the request key, for a table file.
    minors_criteria : mapping or sequence, optional
        The criteria of the minors key, for a table file (``None``: as ``criteria``).
    id_format : {None, "kommunenummer"}
        For a table file: ``"kommunenummer"`` requires 4-digit ids and zero-pads whole
        numbers, as in :meth:`Problem.from_frame`.

    Returns
    -------
    Problem
        The validated problem.
    """
    check_types(read_problem, locals())
    p = Path(path)
    if _format(p, "path", "read_problem") == "json":
        if not p.is_file():
            raise InputError(f"The input file {str(p)!r} does not exist.")
        raw = p.read_bytes()
        try:
            json.loads(raw)
        except ValueError as exc:
            raise InputError(f"{p}: not valid JSON ({exc}).") from None
        try:
            problem = Problem.model_validate_json(raw)
        except InputError as exc:
            failures = [
                failure_record(
                    None, None, ".".join(map(str, e["loc"])), e.get("input"), error_reason(e)
                )
                for e in pydantic_errors(exc)
            ]
            raise InputError.from_failures(f"read_problem({p.name})", failures) from exc.__cause__
        if total is not None or minors is not None:
            problem = problem.with_need(problem.total if total is None else total, minors)
        return problem
    if total is None or criteria is None:
        raise InputError(
            "The `total` and `criteria` parameters of `read_problem` are required for a "
            f"table file. Got total={total!r}, criteria={criteria!r} instead."
        )
    table = read_table(p)  # its own failures already name the file's rows
    try:
        return problem_from_frame(
            table,
            total=total,
            minors=minors or 0,
            criteria=criteria,
            minors_criteria=minors_criteria,
            id_format=id_format,
        )
    except InputError as exc:
        raise in_file(exc, p.name) from exc


def in_file(exc: InputError, name: str) -> InputError:
    """The failures of a table read from the file ``name``: each names the file, and a row
    is the spreadsheet's (header = row 1, first data row = 2), not the 0-based position."""
    if not len(exc.failure_cases):
        return exc
    failures: list[dict[str, Any]] = []
    for f in exc.failure_cases.to_dict("records"):
        row = f.get("row")
        failures.append(
            {str(k): v for k, v in f.items()}
            | {
                "row": None if row is None or pd.isna(row) else spreadsheet_row(int(row)),
                "file": name,
            }
        )
    where = str(exc).splitlines()[0].split(" found ")[0]
    return InputError.from_failures(where, failures)


def _two_columns(
    path: str | Path, keys: tuple[str, ...], values: tuple[str, ...], where: str
) -> dict[str, int]:
    """One count per municipality from a two-column table, checked cell by cell: each id
    once, each count a whole number >= 0, one id column and one count column (a second one
    would be ignored). Rows are spreadsheet rows (header = row 1)."""
    name = Path(path).name
    table = read_table(path)
    headers = [str(c) for c in table.columns]
    cells = FailureTable(file=name)
    # pandas renames a repeated header "x" to "x.1": a second copy of a column
    present = [h for h in headers if h.split(".")[0] in (*keys, *values)]
    key = next((k for k in keys if k in headers), None)
    val = next((v for v in values if v in headers), None)
    if key is None or val is None:
        raise InputError(
            f"{where}: {name} needs a column {' or '.join(keys)} and a column "
            f"{' or '.join(values)}. Got columns {', '.join(headers)} instead."
        )
    for h in present:
        if h not in (key, val):
            cells.add(
                f"is a second id or count column (beside {key!r} and {val!r}); expected one "
                "of each",
                row=1,
                column=h,
                value=h,
            )
    ids = [None if is_missing(k) else str(k) for k in table[key].tolist()]
    rows = [spreadsheet_row(i) for i in range(len(ids))]
    for i, mid in enumerate(ids):
        if mid is None:
            cells.add("is blank; expected a municipality id", row=rows[i], column=key)
    usable = cells.ids(ids, column=key, rows=rows)
    out: dict[str, int] = {}
    counts = table[val].tolist()
    for i in usable:
        mid = ids[i]
        n = cells.count(counts[i], row=rows[i], column=val, mid=mid)
        if mid is not None and n is not None:
            out[mid] = n
    cells.raise_any(f"{where}({name})")
    return out


def read_named_counts(path: str | Path, values: tuple[str, ...]) -> dict[str, int]:
    """``municipality_id`` (or ``kommunenummer``) to a count column named one of ``values``.

    Parameters
    ----------
    path : str or Path
        A CSV/XLSX table.
    values : tuple of str
        Accepted names of the count column, the first present is read.

    Returns
    -------
    dict of str to int
        Whole numbers >= 0 by municipality id.
    """
    check_types(read_named_counts, locals())
    return _two_columns(path, ("municipality_id", "kommunenummer"), values, "read")


def write_table(
    frame: pd.DataFrame, path: str | Path, *, language: str = "en", csv_dialect: str = "standard"
) -> Path:
    """Write any result table to .csv, .json (records) or .xlsx, atomically and safely.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; a named index is written as a column.
    path : str or Path
        The output file; its suffix chooses the format.
    language : str
        ``"en"``, ``"nb"`` or ``"nn"`` (Norwegian headers and index name).
    csv_dialect : str
        ``"standard"`` or ``"excel-nb"`` (CSV only; see :func:`write_allocation`).

    Returns
    -------
    Path
        The file written.
    """
    check_types(write_table, locals())
    p = Path(path)
    fmt = _format(p, "path", "write_table")
    lang = check_language(language, "write_table")
    check_csv_dialect(csv_dialect, "write_table")
    if lang != "en":
        frame = frame.rename(columns=lambda c: column_words(str(c), lang))
        if frame.index.name is not None:
            frame = frame.rename_axis(column_words(str(frame.index.name), lang))
    safe = _safe_text(frame)
    safe.columns = [str(c) for c in safe.columns]
    if fmt == "csv":
        atomic_write(p, csv_writer(safe, csv_dialect, index=True))
    elif fmt == "json":
        text = safe.reset_index().to_json(orient="records", force_ascii=False, indent=2)
        atomic_write(p, lambda t: _write_text(t, text or "[]"))
    else:
        _require_openpyxl()
        plain = frame.copy()
        plain.columns = [str(c) for c in plain.columns]
        sheet = Sheet("table", plain.reset_index() if _named_index(plain) else plain)
        atomic_write(p, lambda t: write_workbook(t, [sheet]))
    return p


def _named_index(frame: pd.DataFrame) -> bool:
    return any(n is not None for n in frame.index.names)


def read_county_totals(path: str | Path) -> dict[str, int]:
    """County totals from a CSV/XLSX with columns ``county`` (or ``fylke``) and ``total``.

    ``recommendation`` or ``tilråding`` are accepted for ``total``.

    Parameters
    ----------
    path : str or Path
        A CSV/XLSX table.

    Returns
    -------
    dict of str to int
        The total by county name.
    """
    check_types(read_county_totals, locals())
    return _two_columns(
        path, ("county", "fylke"), ("total", "recommendation", "tilråding"), "read_county_totals"
    )


def read_fixed(path: str | Path) -> dict[str, int]:
    """Fixed requests from a CSV/XLSX table of municipalities and values.

    The columns are ``municipality_id`` (or ``kommunenummer``) and ``fixed`` (or ``decision``
    or ``vedtak``).

    Parameters
    ----------
    path : str or Path
        A CSV/XLSX table.

    Returns
    -------
    dict of str to int
        The fixed request by municipality id.
    """
    check_types(read_fixed, locals())
    return _two_columns(
        path, ("municipality_id", "kommunenummer"), ("fixed", "decision", "vedtak"), "read_fixed"
    )


# -- files out ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe.

    Parameters
    ----------
    value : Any
        A cell value.

    Returns
    -------
    Any
        ``value``, or ``"'" + value`` for text starting with ``=``, ``+``, ``-``, ``@``, a tab,
        a carriage return or an apostrophe (so that :func:`restore` gives the text back).
    """
    check_types(neutralise, locals())
    # text already starting with the apostrophe gets one more, so restore() is exact
    if isinstance(value, str) and value.startswith((*_FORMULA_START, "'")):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The inverse of :func:`neutralise`: the text as it was before it was written.

    An id such as ``-0301`` is written ``'-0301`` and read back as ``-0301``; text that
    began with an apostrophe was written with a second one, so nothing else changes.

    Parameters
    ----------
    value : Any
        A cell value read from a file busetting wrote.

    Returns
    -------
    Any
        ``value`` without the apostrophe :func:`neutralise` put in front.
    """
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value[1:].startswith((*_FORMULA_START, "'"))
    ):
        return value[1:]
    return value


def _safe_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = out.index.map(neutralise)
    return out


def allocation_to_dict(alloc: Allocation) -> dict[str, Any]:
    """The JSON form of an allocation (also what ``busetting allocate --json`` prints).

    It follows :class:`busetting.schemas.AllocationOutput` (``busetting schema --output``),
    with ``parameters``: everything the run was made with, as text (:func:`parameter_table`),
    so that ``busetting revise --previous`` can keep it.

    Parameters
    ----------
    alloc : Allocation
        The allocation.

    Returns
    -------
    dict
        JSON-ready values.
    """
    check_types(allocation_to_dict, locals())
    data = alloc.to_output().model_dump(mode="json")
    data["parameters"] = dict(parameter_table(alloc).itertuples(index=False, name=None))
    return AllocationOutput.model_validate(data).model_dump(mode="json")


def allocation_to_json(alloc: Allocation, *, indent: int | None = 2) -> str:
    """:func:`allocation_to_dict` as JSON text (UTF-8, æøå kept).

    Parameters
    ----------
    alloc : Allocation
        The allocation.
    indent : int, optional
        Indentation of the JSON text; ``None`` writes one line.

    Returns
    -------
    str
        The JSON text.
    """
    check_types(allocation_to_json, locals())
    return json.dumps(allocation_to_dict(alloc), indent=indent, ensure_ascii=False)


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename over ``path``.

    Parameters
    ----------
    path : Path
        The file to write; its folder must exist.
    write : callable
        ``write(tmp)`` writes the content to the temporary path ``tmp``.

    Raises
    ------
    InputError
        If the folder of ``path`` does not exist.
    """
    check_types(atomic_write, locals())
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"The output folder {str(folder)!r} does not exist.")
    while True:  # like mkstemp, but created 0o666 less the umask, as open() would
        tmp = folder / f".{path.name}.{secrets.token_hex(8)}.tmp"
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:  # pragma: no cover - 64 random bits
            continue
        os.close(fd)
        break
    try:
        write(tmp)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def check_csv_dialect(csv_dialect: object, where: str) -> str:
    """``csv_dialect`` if it is one of :data:`CSV_DIALECTS`; an :class:`InputError` otherwise.

    Parameters
    ----------
    csv_dialect : object
        The value given.
    where : str
        The function it was given to (named in the error).

    Returns
    -------
    str
        ``"standard"`` or ``"excel-nb"``.
    """
    if csv_dialect not in CSV_DIALECTS:
        raise InputError(
            f"The `csv_dialect` parameter of `{where}` must be 'standard' or 'excel-nb'. "
            f"Got {csv_dialect!r} instead."
        )
    return str(csv_dialect)


def csv_writer(frame: pd.DataFrame, csv_dialect: str, *, index: bool) -> Callable[[Path], None]:
    """A function writing ``frame`` as CSV in ``csv_dialect`` to a path (for atomic_write).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    csv_dialect : str
        ``"standard"`` or ``"excel-nb"``.
    index : bool
        Whether the index is written as the first column.

    Returns
    -------
    callable
        ``write(path)``.
    """
    if csv_dialect == "excel-nb":
        return lambda t: frame.to_csv(t, sep=";", decimal=",", encoding="utf-8-sig", index=index)
    return lambda t: frame.to_csv(t, encoding="utf-8", index=index)


def write_allocation(
    alloc: Allocation,
    path: str | Path,
    *,
    language: str | None = None,
    csv_dialect: str | None = None,
    county: str | None = None,
) -> Path:
    """Write an allocation to ``.csv``, ``.json`` or ``.xlsx`` (format from the suffix).

    The write is atomic: a failure leaves the previous file (or none), never a broken one.

    The XLSX has a sheet per purpose: the requests (one row per municipality, the request
    and its minors first, as IMDi sends them, then last year's request, decision and settled
    for the Norway data), the counties, the criteria, and the parameters for a reader (at
    most 25 rows); the machine-readable record of the run is on a hidden sheet. Headers are
    bold and frozen, columns have widths and number formats, numbers are stored as numbers;
    every sheet prints on A4 landscape, fitted to the page width, with the header row
    repeated and a footer with the year and the page numbers; the document has a title and
    a creator. ``language="nb"`` gives Norwegian sheet names and headers (``anmodning``,
    ``herav enslige mindreårige``, ...). Text that a spreadsheet would run as a formula is
    stored as text (string cell, quote-prefix style), so it shows as typed.

    CSV: ``csv_dialect="standard"`` is comma-separated UTF-8 with the decimal point;
    ``"excel-nb"`` is what Norwegian Excel opens directly: ``;``-separated, the decimal comma
    and a UTF-8 byte-order mark. Formula-looking text gets a leading apostrophe in CSV (the
    only neutralisation a text file allows). :func:`read_allocation` reads every form back.

    Every form records what the run was made with (criteria, rules, bounds, fixed values; see
    :func:`parameter_table`), so that ``busetting revise --previous`` can keep it: the XLSX in
    its hidden record sheet, the JSON under ``"parameters"``, a CSV beside it in
    ``<name>.parameters.csv``.

    Parameters
    ----------
    alloc : Allocation
        The allocation to write.
    path : str or Path
        The output file; its suffix chooses the format.
    language : str, optional
        ``"en"``, ``"nb"`` or ``"nn"`` (bokmål or nynorsk sheet names and headers); None is
        the one default: bokmål for the Norway data, English otherwise.
    csv_dialect : str, optional
        ``"standard"`` or ``"excel-nb"`` (CSV only); None: ``"excel-nb"`` for bokmål and
        nynorsk, ``"standard"`` for English.
    county : str, optional
        Only this county's municipalities in the requests table and the county sheet
        (CSV and XLSX; the record keeps the whole run).

    Returns
    -------
    Path
        The file written.
    """
    check_types(write_allocation, locals())
    p = Path(path)
    fmt = _format(p, "path", "write_allocation")
    _check_county(alloc, county, "write_allocation")
    lang = choose_language(language, alloc.problem.ids, "write_allocation")
    if csv_dialect is None:
        csv_dialect = default_csv_dialect(lang)
    check_csv_dialect(csv_dialect, "write_allocation")
    if alloc.requests is None:
        raise InputError(
            f"The allocation has status {alloc.status.value!r} and no requests to write: "
            f"{alloc.message}"
        )
    if fmt == "json":
        text = allocation_to_json(alloc)
        atomic_write(p, lambda t: _write_text(t, text))
    elif fmt == "csv":
        frame = _safe_text(allocation_table(alloc, lang, county=county))
        atomic_write(p, csv_writer(frame, csv_dialect, index=False))
        params = _safe_text(parameter_table(alloc))
        atomic_write(parameters_path(p), lambda t: params.to_csv(t, index=False, encoding="utf-8"))
    else:
        _require_openpyxl()
        sheets = workbook_sheets(alloc, lang, county=county)
        title = workbook_title(requests_year(alloc.problem.ids), lang, county)
        atomic_write(p, lambda t: write_workbook(t, sheets, title=title, language=lang))
    return p


def _check_county(alloc: Allocation, county: str | None, where: str) -> None:
    if county is None:
        return
    counties = sorted({m.county for m in alloc.problem.municipalities})
    if county not in counties:
        raise InputError(
            f"The `county` parameter of `{where}` must be a county of the problem "
            f"({', '.join(counties)}). Got {county!r} instead."
        )


_SHEET_NAMES = {
    lang: tuple(
        term(f"sheet.{k}", lang) for k in ("requests", "counties", "criteria", "parameters")
    )
    for lang in LANGUAGES
}
"""The workbook's sheets in each language, from the catalogue."""


def allocation_table(
    alloc: Allocation, language: str = "en", *, county: str | None = None
) -> pd.DataFrame:
    """One row per municipality, the request columns first, headers in ``language``.

    Columns: ``municipality_id``, ``name``, ``county``, ``request``, ``minors``, last year's
    ``request_<year>``, ``decision_<year>``, ``settled_<year>`` (the Norway data only:
    IMDi's published figures, Haram inside Ålesund until 2024), ``population``,
    ``per_1000``, ``target``, ``deviation``, the contributions, ``minors_target``,
    ``binding``, ``tie`` (Norwegian headers with ``language="nb"``, the binding in words and
    the tie as ja/nei).

    Parameters
    ----------
    alloc : Allocation
        The allocation.
    language : str
        ``"en"`` or ``"nb"``.
    county : str, optional
        Only this county's municipalities.

    Returns
    -------
    pandas.DataFrame
        The table, with a default integer index.
    """
    check_types(allocation_table, locals())
    frame = alloc.to_frame().reset_index()
    pop = frame["population"].astype(float).where(frame["population"] > 0)
    frame["per_1000"] = 1000.0 * frame["request"].astype(float) / pop
    previous: list[str] = []
    found = last_year_figures(list(frame["municipality_id"]))
    if found is not None:
        year, table = found
        heads = previous_headers(year, "en")
        for k in PREVIOUS_COLUMNS:
            frame[heads[k]] = pd.array(table[k].to_numpy(), dtype="Int64")
            previous.append(heads[k])
    first = ["municipality_id", "name", "county", "request", "minors", *previous]
    first += ["population", "per_1000"]
    rest = [c for c in frame.columns if c not in first]
    frame = frame[first + rest]
    if county is not None:
        frame = frame[frame["county"] == county].reset_index(drop=True)
    if is_norwegian(language):
        frame["binding"] = [binding_words(str(b), language) for b in frame["binding"]]
        frame["tie"] = [translate_value(bool(v), language) for v in frame["tie"]]
        if CONFIRM_COLUMN in frame:
            frame[CONFIRM_COLUMN] = [
                translate_value(bool(v), language) for v in frame[CONFIRM_COLUMN]
            ]
            frame = frame.rename(columns={CONFIRM_COLUMN: confirm_column(language)})
        nb_prev = {} if found is None else previous_headers(found[0], language)
        en_prev = {} if found is None else previous_headers(found[0], "en")
        back = {en_prev[k]: nb_prev[k] for k in en_prev}
        frame.columns = [back.get(c, column_words(c, language)) for c in frame.columns]
    return frame


def _criteria_frame(alloc: Allocation, language: str) -> pd.DataFrame:
    p = alloc.problem
    rows = []
    for key, crits in (("requests", p.criteria), ("minors", p.effective_minors_criteria)):
        for c in crits:
            rows.append(
                {
                    "key": key,
                    "criterion": c.name,
                    "weight": c.weight,
                    "kind": c.kind,
                    "indicator": c.indicator,
                    "base": c.base or "",
                    "better": c.direction,
                }
            )
    frame = pd.DataFrame(
        rows, columns=["key", "criterion", "weight", "kind", "indicator", "base", "better"]
    )
    if is_norwegian(language):
        frame["key"] = [term(f"key.{k}", language) for k in frame["key"]]
        frame["criterion"] = [criterion_words(c, language) for c in frame["criterion"]]
        frame["kind"] = [term(f"kind.{k}", language) for k in frame["kind"]]
        frame["indicator"] = [indicator_words(c, language) for c in frame["indicator"]]
        frame["base"] = [indicator_words(c, language) if c else "" for c in frame["base"]]
        frame["better"] = [term(f"better.{b}", language) for b in frame["better"]]
        frame.columns = [column_words(c, language) for c in frame.columns]
    return frame


def workbook_sheets(
    alloc: Allocation, language: str = "en", *, county: str | None = None
) -> list[Sheet]:
    """The sheets of the allocation workbook: requests, counties, criteria, parameters, record.

    Parameters
    ----------
    alloc : Allocation
        The allocation.
    language : str
        ``"en"``, ``"nb"`` or ``"nn"`` (sheet names and headers).
    county : str, optional
        Only this county's municipalities (and its row of the county sheet).

    Returns
    -------
    list of Sheet
        The four sheets a reader sees, in order, and the hidden record of the run, for
        :func:`write_workbook`.
    """
    check_types(workbook_sheets, locals())
    names = _SHEET_NAMES[language]
    counties = county_table(alloc).reset_index()
    if county is not None:
        counties = counties[counties["county"] == county].reset_index(drop=True)
    if is_norwegian(language):
        counties.columns = [column_words(c, language) for c in counties.columns]
    return [
        Sheet(names[0], allocation_table(alloc, language, county=county), freeze="C2"),
        Sheet(names[1], counties, freeze="B2"),
        Sheet(names[2], _criteria_frame(alloc, language), freeze="A2"),
        Sheet(names[3], readable_parameters(alloc, language, county=county), freeze="A2"),
        _record_sheet(parameter_table(alloc)),
    ]


def _record_sheet(params: pd.DataFrame) -> Sheet:
    """The one place the machine-readable run record lives in a workbook: a hidden sheet.

    Its content is :func:`parameter_table`'s, unchanged; a value whose text is a plain
    number (``37000``, ``176.0876974982814``) is stored as that number, so no number is
    text. A whole number reads back as the same text; a decimal (the objective, the
    runtime: nothing a later run reads) as the same number to 15 significant digits.
    """
    values = [_as_number(v) for v in params["value"]]
    return Sheet(
        RECORD_SHEET, params.assign(value=pd.Series(values, dtype=object)), freeze="A2", hidden=True
    )


def _as_number(text: Any) -> Any:
    """``text`` as an int or float when that number prints back as exactly ``text``."""
    if not isinstance(text, str):
        return text
    with contextlib.suppress(ValueError):
        i = int(text)
        if str(i) == text and abs(i) < 2**53:
            return i
    if _DECIMAL.fullmatch(text):
        return float(text)
    return text


_DECIMAL = re.compile(r"-?\d+\.\d+")


@dataclasses.dataclass(frozen=True)
class Sheet:
    """One worksheet: a name, a table, the cell where the panes freeze, whether it is hidden."""

    name: str
    frame: pd.DataFrame
    freeze: str = "B2"
    hidden: bool = False


_INT_FORMAT = "#,##0"
_FLOAT_FORMAT = "#,##0.00"


def write_workbook(
    path: Path, sheets: Sequence[Sheet], *, title: str = "", language: str = "en"
) -> None:
    """Write ``sheets`` with openpyxl: bold frozen header, widths, number formats, filters.

    Whole-number columns get ``#,##0``, other numbers ``#,##0.00`` (the spreadsheet shows
    them with the reader's own separators); in a column of mixed values each number gets
    the format of its own kind. Text is always stored as text: a value such as
    ``=HYPERLINK(...)`` is a string cell with the quote-prefix style, never a formula, and
    it shows without an apostrophe. Every sheet prints on A4 landscape, fitted to the page
    width, with the header row repeated and a footer with ``title`` and the page numbers;
    ``title`` is also the document's title, and the creator is busetting.

    Parameters
    ----------
    path : Path
        The ``.xlsx`` file (written directly; callers write through a temporary file).
    sheets : sequence of Sheet
        The worksheets, in order.
    title : str
        The document title and the footer's left part.
    language : str
        The footer's words (``"en"``, ``"nb"`` or ``"nn"``).
    """
    check_types(write_workbook, locals())
    # openpyxl is optional (the excel extra): loaded only when a workbook is written
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    book.properties.title = title or None
    book.properties.creator = f"busetting {__version__}"
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31])
        frame = sheet.frame
        widths = []
        for j, col in enumerate(frame.columns, start=1):
            cell = ws.cell(row=1, column=j)
            _set_text(cell, str(col))
            cell.font = bold
            widths.append(len(str(col)))
        for j, col in enumerate(frame.columns, start=1):
            series = frame[col]
            whole = pd.api.types.is_integer_dtype(series) or (
                pd.api.types.is_float_dtype(series)
                and bool(series.dropna().map(float.is_integer).all())
                and len(series.dropna()) > 0
                and not str(col).startswith(("target", "mål", "contribution", "bidrag"))
            )
            number = _INT_FORMAT if whole else _FLOAT_FORMAT
            mixed = series.dtype == object
            for r, value in enumerate(series.tolist(), start=2):
                cell = ws.cell(row=r, column=j)
                own = _INT_FORMAT if mixed and isinstance(value, int) else number
                shown = _cell_value(cell, value, own)
                widths[j - 1] = max(widths[j - 1], len(shown))
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = min(60, w + 2)
        ws.freeze_panes = sheet.freeze
        if len(frame.columns):
            ws.auto_filter.ref = ws.dimensions
        print_setup(ws, title=title, language=language)
        if sheet.hidden:
            ws.sheet_state = "hidden"
    book.save(path)


def _set_text(cell: Any, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # never a formula, whatever the text starts with
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True


def _cell_value(cell: Any, value: Any, number: str) -> str:
    """Put ``value`` into ``cell``; the text it shows (for the column width)."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        cell.value = value
        return "FALSE" if not value else "TRUE"
    if isinstance(value, int | float) or hasattr(value, "item"):
        v = plain_value(value)
        if isinstance(v, int | float) and not isinstance(v, bool):
            if isinstance(v, float) and not math.isfinite(v):
                _set_text(cell, str(v))
                return str(v)
            cell.value = v
            cell.number_format = number
            return f"{v:,.2f}" if number == _FLOAT_FORMAT else f"{v:,.0f}"
    text = str(value)
    _set_text(cell, text)
    return text


def county_table(alloc: Allocation) -> pd.DataFrame:
    """Per county: population, target, request, minors and requests per 1,000 residents.

    Parameters
    ----------
    alloc : Allocation
        The allocation.

    Returns
    -------
    pandas.DataFrame
        One row per county (sorted), also with the number of ``municipalities``.
    """
    check_types(county_table, locals())
    frame = alloc.to_frame()
    out = frame.groupby("county", sort=True)[["population", "target", "request", "minors"]].sum()
    out["municipalities"] = frame.groupby("county", sort=True).size()
    out["per_1000"] = 1000.0 * out["request"].astype(float) / out["population"]
    return out


ATTRIBUTION = term("report.page.attribution", "en")
"""Where the figures come from and under which licence (the catalogue's English words)."""


def parameter_table(
    alloc: Allocation, problem: Problem | None = None, language: str = "en"
) -> pd.DataFrame:
    """Parameters and provenance of a run as two text columns (``language``: en or nb).

    Besides the readable rows, the rows ``criteria``, ``minors_criteria`` and ``rules`` (JSON),
    ``minors_eligible`` (the eligible ids) and one ``bounds <id>`` row (JSON) per municipality
    with a bound or fixed value record everything the run was made with, so that
    ``busetting revise --previous`` can keep it (:func:`read_parameters`).

    Parameters
    ----------
    alloc : Allocation
        The allocation.
    problem : Problem, optional
        The problem whose settings are recorded (default: the allocation's).
    language : str
        ``"en"`` or ``"nb"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``parameter`` and ``value`` (Norwegian names with ``language="nb"``).
    """
    check_types(parameter_table, locals())
    p = alloc.problem if problem is None else problem
    rows: list[tuple[str, str]] = [
        ("status", alloc.status.value),
        ("message", alloc.message),
        ("total", str(p.total)),
        ("minors", str(p.minors_total)),
        ("method", alloc.method),
        ("solver", alloc.solver),
        ("solver_version", alloc.solver_version),
        ("solver_reason", alloc.solver_reason),
        ("objective", "" if alloc.objective is None else repr(alloc.objective)),
    ]
    rows += [
        (
            f"weight {c.name}",
            f"{c.weight} ({c.kind} of {c.indicator}"
            + (f" on {c.base}" if c.base else "")
            + f", {c.direction} is better)",
        )
        for c in p.criteria
    ]
    rows += [(f"minors weight {c.name}", str(c.weight)) for c in p.effective_minors_criteria]
    rows += _settings_rows(p)
    rows += [
        (
            "input_fingerprint",
            alloc.fingerprint if problem is None else fingerprint(p, alloc.method),
        ),
        ("busetting_version", alloc.version),
        ("runtime_seconds", f"{alloc.runtime:.6f}"),
        ("data_attribution", ATTRIBUTION),
    ]
    if is_norwegian(language):
        rows = [(_PARAMETER_WORDS.get(k, k), v) for k, v in rows]
        rows = [
            (
                k.replace("minors weight ", "vekt (enslige mindreårige) ").replace(
                    "weight ", "vekt "
                ),
                v,
            )
            for k, v in rows
        ]
        return pd.DataFrame(rows, columns=["parameter", "verdi"])
    return pd.DataFrame(rows, columns=["parameter", "value"])


_PARAMETER_WORDS = {
    "status": "status",
    "message": "melding",
    "total": "behov (personer)",
    "minors": "herav enslige mindreårige",
    "method": "metode",
    "solver": "løser",
    "solver_version": "løserversjon",
    "solver_reason": "hvorfor denne løseren",
    "objective": "målfunksjon",
    "input_fingerprint": "fingeravtrykk av inndata",
    "busetting_version": "busetting-versjon",
    "runtime_seconds": "kjøretid (sekunder)",
    "data_attribution": "datakilder",
}


def read_allocation(path: str | Path) -> pd.DataFrame:
    """Read back a written allocation as the per-municipality table of ``to_frame()``.

    Accepts every form :func:`write_allocation` writes: JSON, CSV in both dialects, and the
    workbook in English or Norwegian.

    Parameters
    ----------
    path : str or Path
        A ``.json``, ``.csv`` or ``.xlsx`` allocation.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``municipality_id``, with at least ``request`` and ``minors``.
    """
    check_types(read_allocation, locals())
    p = Path(path)
    fmt = _format(p, "path", "read_allocation")
    if not p.is_file():
        raise InputError(f"The input file {str(p)!r} does not exist.")
    if fmt == "json":
        data = _json_file(p)
        rows = data.get("municipalities") if isinstance(data, dict) else None
        if not isinstance(rows, list) or not all(
            isinstance(r, dict) and "municipality_id" in r for r in rows
        ):
            raise InputError(
                f"{p.name}: expected a JSON allocation, an object whose 'municipalities' is a "
                "list of objects with a 'municipality_id' (as write_allocation writes it)."
            )
        frame = pd.DataFrame(rows, dtype=object).drop(columns=["contributions"], errors="ignore")
        frame["municipality_id"] = frame["municipality_id"].astype(str)
        return frame.set_index("municipality_id")
    if fmt == "csv":
        frame = read_table(p)
    else:
        _require_openpyxl()
        names = pd.ExcelFile(p).sheet_names
        sheet = next(
            (n for n in ("requests", _SHEET_NAMES["nb"][0], _SHEET_NAMES["nn"][0]) if n in names),
            0,
        )
        frame = pd.read_excel(p, sheet_name=sheet, dtype={c: str for c in ID_COLUMNS})
    back = {column_words(c, lang): c for c in _ALLOCATION_COLUMNS for lang in NORWEGIAN}
    back.update(
        {
            column_words(f"contribution_{c}", lang): f"contribution_{c}"
            for c in _KNOWN
            for lang in NORWEGIAN
        }
    )
    back.update({confirm_column(lang): CONFIRM_COLUMN for lang in NORWEGIAN})
    frame = frame.rename(columns={k: v for k, v in back.items() if k in frame.columns})
    frame["municipality_id"] = frame["municipality_id"].astype(str).map(restore)
    for column in ("name", "county"):
        if column in frame.columns:
            frame[column] = frame[column].map(restore)
    return frame.set_index("municipality_id")


_ALLOCATION_COLUMNS = (
    "municipality_id",
    "name",
    "county",
    "population",
    "request",
    "minors",
    "per_1000",
    "target",
    "deviation",
    "minors_target",
    "binding",
    "tie",
)
_KNOWN = (
    "previous_request",
    "capacity",
    "settling_speed",
    "services",
    "labour_market",
    "spread",
    "population",
)


# -- the settings of a previous run ------------------------------------------------------------

BOUND_FIELDS = ("min", "max", "fixed", "minors_max", "minors_min")
"""Per-municipality bounds recorded in the parameters (``bounds <id>`` rows)."""


def _settings_rows(p: Problem) -> list[tuple[str, str]]:
    def dump(criteria: tuple[Criterion, ...] | None) -> str:
        return json.dumps(
            None if criteria is None else [c.model_dump() for c in criteria], ensure_ascii=False
        )

    rows = [
        ("criteria", dump(p.criteria)),
        ("minors_criteria", dump(p.minors_criteria)),
        ("rules", json.dumps(p.rules.model_dump(exclude_defaults=True), ensure_ascii=False)),
        (
            "minors_eligible",
            ",".join(m.municipality_id for m in p.municipalities if m.minors_eligible),
        ),
    ]
    for m in p.municipalities:
        bounds = {f: getattr(m, f) for f in BOUND_FIELDS if getattr(m, f) is not None}
        if bounds:
            rows.append((f"bounds {m.municipality_id}", json.dumps(bounds)))
    return rows


def parameters_path(path: str | Path) -> Path:
    """Where the parameters of a CSV allocation are written: ``<name>.parameters.csv``.

    Parameters
    ----------
    path : str or Path
        The CSV allocation.

    Returns
    -------
    Path
        The parameters file beside it.
    """
    check_types(parameters_path, locals())
    p = Path(path)
    return p.with_name(f"{p.stem}.parameters.csv")


def read_parameters(path: str | Path) -> dict[str, str] | None:
    """The ``parameter -> value`` table written with an allocation, or ``None`` if it has none.

    XLSX: the hidden record sheet (``busetting-record``); in a workbook written before it
    existed, the ``parameters`` sheet (``Parametere`` in a Norwegian workbook, its names
    read back into the English ones); CSV: ``<name>.parameters.csv`` beside it; JSON: the
    ``"parameters"`` object.

    Parameters
    ----------
    path : str or Path
        A file written by :func:`write_allocation` or :func:`write_revision`.

    Returns
    -------
    dict of str to str or None
        The parameters as text, for :func:`settings_from_parameters`.
    """
    check_types(read_parameters, locals())
    p = Path(path)
    fmt = _format(p, "path", "read_parameters")
    if fmt == "json":
        data = _json_file(p)
        params = data.get("parameters") if isinstance(data, dict) else None
        return {str(k): str(v) for k, v in params.items()} if isinstance(params, dict) else None
    if fmt == "xlsx":
        _require_openpyxl()
        names = pd.ExcelFile(p).sheet_names
        known = (RECORD_SHEET, "parameters", _SHEET_NAMES["nb"][3], _SHEET_NAMES["nn"][3])
        sheet = next((n for n in known if n in names), None)
        if sheet is None:
            return None
        table = pd.read_excel(p, sheet_name=sheet, dtype=str, keep_default_na=False)
        if list(table.columns[:2]) == ["parameter", "verdi"]:
            back = {v: k for k, v in _PARAMETER_WORDS.items()}
            table = table.rename(columns={"verdi": "value"})
            table["parameter"] = [
                back.get(
                    k,
                    k.replace("vekt (enslige mindreårige) ", "minors weight ").replace(
                        "vekt ", "weight "
                    ),
                )
                for k in table["parameter"]
            ]
    else:
        side = parameters_path(p)
        if not side.is_file():
            return None
        try:
            table = pd.read_csv(side, dtype=str, keep_default_na=False, encoding="utf-8")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise InputError(
                f"{side.name}: not a readable parameters file ({exc}); expected the "
                "'parameter,value' table written beside the allocation."
            ) from None
    if list(table.columns[:2]) != ["parameter", "value"]:
        return None
    return _parameter_rows(table, side.name if fmt == "csv" else p.name)


def _parameter_rows(table: pd.DataFrame, name: str) -> dict[str, str]:
    """``parameter -> value``, checked cell by cell: each parameter once (a second row would
    win silently), no third column."""
    cells = FailureTable(file=name)
    for extra in [str(c) for c in table.columns[2:]]:
        cells.add(
            "is an extra column; expected only 'parameter' and 'value'",
            row=1,
            column=extra,
            value=extra,
        )
    keys = [str(restore(k)) for k in table["parameter"]]
    cells.ids(keys, column="parameter", what="parameter")
    cells.raise_any(f"read_parameters({name})")
    return {k: str(restore(v)) for k, v in zip(keys, table["value"], strict=True)}


def _json_file(p: Path) -> Any:
    """The parsed JSON of ``p``; unreadable JSON is an :class:`InputError`."""
    try:
        return json.loads(p.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{p.name}: not valid JSON ({exc}).") from None


@dataclasses.dataclass(frozen=True)
class Settings:
    """What a previous run was made with, as read back from its parameters."""

    method: str
    total: int
    minors: int
    criteria: tuple[Criterion, ...] | None
    minors_criteria: tuple[Criterion, ...] | None
    rules: Rules | None
    minors_eligible: frozenset[str] | None
    bounds: dict[str, dict[str, int]] | None
    fingerprint: str | None

    def apply(self, problem: Problem, *, criteria: bool = True) -> Problem:
        """``problem`` with these settings (need, criteria unless ``criteria=False``, rules,
        minors eligibility and bounds: municipalities not recorded get none)."""
        data = problem.model_dump()
        data["need"] = {"total": self.total, "minors": self.minors}
        if criteria and self.criteria is not None:
            data["criteria"] = [c.model_dump() for c in self.criteria]
            data["minors_criteria"] = (
                None
                if self.minors_criteria is None
                else [c.model_dump() for c in self.minors_criteria]
            )
        if self.rules is not None:
            data["rules"] = self.rules.model_dump()
        for m in data["municipalities"]:
            mid = m["municipality_id"]
            if self.minors_eligible is not None:
                m["minors_eligible"] = mid in self.minors_eligible
            if self.bounds is not None:
                m.update(dict.fromkeys(BOUND_FIELDS), **self.bounds.get(mid, {}))
        try:
            return Problem.model_validate(data)
        except InputError as exc:
            failures = [
                failure_record(
                    None,
                    None,
                    ".".join(map(str, e["loc"])) or None,
                    e.get("input") if e["loc"] else None,
                    error_reason(e),
                )
                for e in pydantic_errors(exc)
            ]
            raise InputError.from_failures(
                "the previous run's parameters", failures
            ) from exc.__cause__

    def describe(self, language: str = "en") -> list[str]:
        """What is kept, in words of ``language`` (``"en"``, ``"nb"`` or ``"nn"``)."""
        if language == "en":
            out = [f"method {self.method}"]
        else:
            out = [term("settings.method", language, method=method_words(self.method, language))]
        if self.criteria is not None:
            criteria = ", ".join(
                f"{c.name if language == 'en' else criterion_words(c.name, language)}="
                + (f"{c.weight:g}" if language == "en" else format_number(c.weight, language, 3))
                for c in self.criteria
            )
            out.append(term("settings.criteria", language, criteria=criteria))
        if self.rules is not None:
            rules = self.rules.describe(language)
            out.append(
                term("settings.rules", language, rules=", ".join(rules))
                if rules
                else term("settings.no_rules", language)
            )
        if self.bounds is not None:
            n_fixed = sum("fixed" in b for b in self.bounds.values())
            key = "settings.fixed_one" if n_fixed == 1 else "settings.fixed"
            out.append(term(key, language, n=n_fixed))
            out.append(term("settings.bounds", language, n=len(self.bounds)))
        out.append(
            term(
                "settings.need",
                language,
                total=format_number(self.total, language),
                minors=format_number(self.minors, language),
            )
        )
        return out


def settings_from_parameters(params: Mapping[str, str], where: str = "parameters") -> Settings:
    """Parse the table of :func:`read_parameters`; a malformed entry is an ``InputError``.

    Parameters
    ----------
    params : mapping of str to str
        The parameters as read back.
    where : str
        Where the parameters came from, for the error message.

    Returns
    -------
    Settings
        Method, need, criteria, rules, eligibility, bounds and fingerprint of the run.
    """
    check_types(settings_from_parameters, locals())
    failures: list[dict[str, Any]] = []

    def parsed(key: str, parse: Callable[[str], Any]) -> Any:
        if key not in params:
            return None
        try:
            return parse(params[key])
        except (ValueError, TypeError) as exc:
            failures.append(failure_record(None, None, key, params[key], f"unreadable ({exc})"))
            return None

    def criteria(text: str) -> tuple[Criterion, ...] | None:
        raw = json.loads(text)
        return None if raw is None else tuple(Criterion.model_validate(c) for c in raw)

    def bounds(text: str) -> dict[str, int]:
        raw = json.loads(text)
        if isinstance(raw, dict) and "minors_capacity" in raw:  # the field's name until renamed
            raw = {("minors_max" if k == "minors_capacity" else k): v for k, v in raw.items()}
        if not isinstance(raw, dict) or set(raw) - set(BOUND_FIELDS):
            raise ValueError(f"expected an object with keys among {', '.join(BOUND_FIELDS)}")
        return {str(k): int(v) for k, v in raw.items()}

    total = parsed("total", int)
    minors = parsed("minors", int)
    crit = parsed("criteria", criteria)
    mcrit = parsed("minors_criteria", criteria)
    rules = parsed("rules", lambda t: Rules.model_validate(json.loads(t)))
    eligible = parsed("minors_eligible", lambda t: frozenset(i for i in t.split(",") if i))
    recorded = {
        k.removeprefix("bounds "): parsed(k, bounds) for k in params if k.startswith("bounds ")
    }
    if total is None:
        failures.append(failure_record(None, None, "total", None, "is missing"))
    if failures:
        raise InputError.from_failures(where, failures)
    return Settings(
        method=params.get("method") or "webster",
        total=int(total),
        minors=int(minors or 0),
        criteria=crit,
        minors_criteria=mcrit,
        rules=rules,
        minors_eligible=eligible,
        bounds=recorded if "criteria" in params else None,
        fingerprint=params.get("input_fingerprint") or None,
    )


def write_revision(rev: Revision, path: str | Path, *, csv_dialect: str = "standard") -> Path:
    """Write a revision (its :meth:`~busetting.Revision.to_frame`) with the parameters it keeps.

    The file reads back as a previous allocation (``busetting revise --previous``): the
    ``requests`` table (XLSX sheet, CSV, or JSON ``"municipalities"``) holds ``request`` and
    ``minors``, and the parameters record the revised problem's settings (its own bounds and
    fixed values, not the revision's one-direction bounds) with the new need.

    Parameters
    ----------
    rev : Revision
        The revision.
    path : str or Path
        The output file; its suffix chooses the format.
    csv_dialect : str
        ``"standard"`` or ``"excel-nb"`` (CSV only; see :func:`write_allocation`).

    Returns
    -------
    Path
        The file written.
    """
    check_types(write_revision, locals())
    p = Path(path)
    fmt = _format(p, "path", "write_revision")
    check_csv_dialect(csv_dialect, "write_revision")
    frame = _safe_text(rev.to_frame())
    params = _safe_text(parameter_table(rev.allocation, rev.problem))
    if fmt == "json":
        records = json.loads(frame.reset_index().to_json(orient="records", force_ascii=False))
        data = {
            "status": rev.status.value,
            "message": rev.message,
            "direction": rev.direction,
            "parameters": dict(params.itertuples(index=False, name=None)),
            "municipalities": records,
        }
        text = json.dumps(data, indent=2, ensure_ascii=False)
        atomic_write(p, lambda t: _write_text(t, text))
    elif fmt == "csv":
        atomic_write(p, csv_writer(frame, csv_dialect, index=True))
        atomic_write(parameters_path(p), lambda t: params.to_csv(t, index=False, encoding="utf-8"))
    else:
        _require_openpyxl()

        sheets = [Sheet("requests", frame.reset_index()), _record_sheet(params)]
        title = workbook_title(requests_year(rev.allocation.problem.ids), "en")
        atomic_write(p, lambda t: write_workbook(t, sheets, title=title))
    return p
