"""The cells of a user's file, checked one by one into one failure table.

Every reader of a user's file (problem tables, a previous allocation and its parameters,
decisions, settled, extra capacity, recommendations, answers) checks each cell it reads with
these helpers and raises one :class:`~busetting._exceptions.InputError` that lists every bad
cell: file, sheet, row, column, value and what was expected. Nothing is rounded, dropped or
resolved last-wins.

Row numbers are spreadsheet rows everywhere: the header is row 1 and the first data row is
row 2 (:func:`spreadsheet_row`), in a CSV file as in a workbook, so a number in a message is the
number the user sees at the left edge of Excel.

A reader builds one :class:`FailureTable`, reads with :meth:`FailureTable.count` (a whole
number >= 0), :meth:`FailureTable.ids` (duplicates, unknown ids, missing rows) and
:meth:`FailureTable.headers` (a column given twice), then calls :meth:`FailureTable.raise_any`::

    table = FailureTable(file="vedtak.csv")
    for position, (mid, cell) in enumerate(zip(ids, cells)):
        n = table.count(cell, row=spreadsheet_row(position), column="decision", mid=mid)
    table.ids(ids, column="municipality_id", known=problem_ids)
    table.raise_any("read_decisions")
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from busetting._exceptions import InputError

__all__ = [
    "FIRST_DATA_ROW",
    "MAX_COUNT",
    "FailureTable",
    "Formula",
    "count_problem",
    "spreadsheet_row",
]

FIRST_DATA_ROW = 2
"""The spreadsheet row of the first data row (the header is row 1)."""

MAX_COUNT = 10**15
"""The largest count a cell may hold: a spreadsheet keeps 15 significant digits, so a larger
number is not the number that was typed."""

_EXPECTED = "a whole number >= 0"


def spreadsheet_row(position: int, header_row: int = 1) -> int:
    """The spreadsheet row of the data row at ``position`` (0-based) under ``header_row``."""
    return header_row + 1 + position


@dataclass(frozen=True)
class Formula:
    """A formula cell saved without its value (as openpyxl and scripts write them): the value
    a spreadsheet would show is unknown, so it is never read as blank."""

    text: str

    def __repr__(self) -> str:  # shown in a failure as what the cell holds
        return repr(self.text)


def _blank(value: Any) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return value is pd.NA or value is pd.NaT


def count_problem(value: Any, *, blank: bool = False) -> tuple[int | None, str | None]:
    """A whole number >= 0 from one cell: ``(number, None)``, or ``(None, what is wrong and
    what was expected)``; a blank cell is ``(None, None)`` when ``blank`` allows it.

    Text that spells a whole number (``"12"``, ``"12.0"``) is read; decimals, text, formulas
    without a stored value, negative numbers, True/False and numbers above
    :data:`MAX_COUNT` are refused, never rounded.
    """
    expected = _EXPECTED + (" or blank" if blank else "")
    if isinstance(value, Formula):
        return None, (
            f"is a formula without a stored value; expected {expected} (type the number, or "
            "open the file in a spreadsheet and save it so the value is stored)"
        )
    if _blank(value):
        return (None, None) if blank else (None, f"is blank; expected {expected}")
    if isinstance(value, bool):
        return None, f"is {value}; expected {expected}"
    if hasattr(value, "item") and not isinstance(value, int | float | str):
        value = value.item()  # numpy scalars
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("="):
            return None, f"is a formula; expected {expected}"
        try:
            number = float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            return None, f"is text; expected {expected}"
        value = number
    if isinstance(value, float):
        if not math.isfinite(value):
            return None, f"is not a finite number; expected {expected}"
        if not value.is_integer():
            return None, f"has decimals; expected {expected} (nothing is rounded)"
        if abs(value) > MAX_COUNT:
            return None, f"is too large; expected {expected} of at most {MAX_COUNT:,}"
        value = int(value)
    if not isinstance(value, int):
        return None, f"is a {type(value).__name__}; expected {expected}"
    if value < 0:
        return None, f"is negative; expected {expected}"
    if value > MAX_COUNT:
        return None, f"is too large; expected {expected} of at most {MAX_COUNT:,}"
    return value, None


@dataclass
class FailureTable:
    """The failures of one reading, gathered cell by cell (file and sheet as defaults)."""

    file: str | None = None
    sheet: str | None = None
    failures: list[dict[str, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.failures)

    def __len__(self) -> int:
        return len(self.failures)

    def add(
        self,
        reason: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        mid: Any = None,
        file: str | None = None,
        sheet: str | None = None,
    ) -> None:
        """One failure: what is wrong with the cell and what was expected, in ``reason``."""
        self.failures.append(
            {
                "file": file if file is not None else self.file,
                "sheet": sheet if sheet is not None else self.sheet,
                "row": row,
                "municipality_id": mid,
                "column": column,
                "value": value,
                "reason": reason,
            }
        )

    def count(
        self,
        value: Any,
        *,
        row: int | None,
        column: str,
        mid: Any = None,
        blank: bool = False,
    ) -> int | None:
        """The whole number >= 0 in a cell, or ``None`` (a failure is added unless blank)."""
        number, problem = count_problem(value, blank=blank)
        if problem is not None:
            self.add(problem, row=row, column=column, value=value, mid=mid)
        return number

    def ids(
        self,
        ids: Sequence[Any],
        *,
        column: str = "municipality_id",
        rows: Sequence[int] | None = None,
        known: Iterable[str] | None = None,
        complete: bool = False,
        what: str = "municipality",
    ) -> list[int]:
        """Check a column of ids: each id once, each one of ``known`` (when given), and, with
        ``complete``, every known id present. Returns the positions whose id is usable (the
        first of a repeated id is not usable either: neither copy wins)."""
        rows = list(rows) if rows is not None else [spreadsheet_row(i) for i in range(len(ids))]
        first: dict[Any, int] = {}
        repeated: set[Any] = set()
        for i, mid in enumerate(ids):
            if mid in first:
                repeated.add(mid)
                self.add(
                    f"appears again (first in row {rows[first[mid]]}); expected each {what} once",
                    row=rows[i],
                    column=column,
                    value=mid,
                    mid=mid,
                )
            else:
                first[mid] = i
        usable = [i for i, mid in enumerate(ids) if mid not in repeated]
        if known is not None:
            known_set = set(known)
            for i in list(usable):
                if ids[i] not in known_set:
                    self.add(
                        "is not a municipality of the problem",
                        row=rows[i],
                        column=column,
                        value=ids[i],
                        mid=ids[i],
                    )
                    usable.remove(i)
            if complete:
                for mid in sorted(known_set - set(first)):
                    self.add(
                        "has no row; expected a row for every municipality of the problem",
                        column=column,
                        mid=mid,
                    )
        return usable

    def headers(self, headers: Sequence[Any], names: Iterable[str]) -> None:
        """A column of ``names`` given more than once (the second copy would be ignored)."""
        wanted = set(names)
        seen: dict[str, int] = {}
        for j, head in enumerate(headers):
            text = str(head).strip() if head is not None else ""
            if text not in wanted:
                continue
            if text in seen:
                self.add(
                    f"is a second {text!r} column (the first is column {seen[text] + 1}); "
                    "expected the column once",
                    row=1,
                    column=text,
                    value=text,
                )
            else:
                seen[text] = j

    def raise_any(self, where: str) -> None:
        """Raise one :class:`InputError` listing every failure, if there is any."""
        if self.failures:
            raise InputError.from_failures(where, self.failures)
