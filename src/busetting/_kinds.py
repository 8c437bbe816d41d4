"""The kinds of output files and the CSV dialects, as names only: no writer, no pandas.

The format registry (:mod:`busetting._formats`) pairs each kind with its writer, and
:mod:`busetting.io` writes the dialects; both read the names from here, so that the command
line can list what ``--out`` and ``--csv-dialect`` accept without importing pandas (``busetting
--help`` stays light).
"""

from __future__ import annotations

__all__ = ["CSV_DIALECTS", "SUFFIXES", "suffixes"]

CSV_DIALECTS: tuple[str, ...] = ("standard", "excel-nb")
"""The CSV dialects every writer takes: ``standard`` (``,``, decimal point, UTF-8) and
``excel-nb`` (what Norwegian Excel opens directly: ``;``, decimal comma, UTF-8 with BOM)."""

SUFFIXES: dict[str, tuple[str, ...]] = {
    "allocation": (".csv", ".xlsx", ".json"),
    "report": (".html", ".md", ".xlsx", ".csv"),
    "table": (".csv", ".xlsx", ".json"),
    "revision": (".csv", ".xlsx", ".json", ".html"),
    "changes": (".xlsx", ".csv", ".json"),
}
"""Each kind of output and the suffixes it can be written as (what ``--out`` accepts)."""


def suffixes(kind: str) -> tuple[str, ...]:
    """The suffixes an output of ``kind`` can be written as.

    Examples
    --------
    >>> suffixes("revision")
    ('.csv', '.xlsx', '.json', '.html')
    """
    return SUFFIXES[kind]
