"""Which writer writes which file: the format registry of every output the CLI writes.

The command line only parses and prints; what a suffix means (``.csv``, ``.xlsx``,
``.json``, ``.html``, ``.md``) for each kind of output is decided here, once, with the two
settings every written file shares: the language and the CSV dialect.

The one default language and CSV dialect are ``busetting._defaults``'s: bokmål for the
Norway data, English otherwise; the Norwegian Excel dialect for Norwegian.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from busetting._counties import write_change_report, write_county_drafts
from busetting._defaults import default_csv_dialect, default_language
from busetting._exceptions import InputError
from busetting._kinds import SUFFIXES
from busetting._language import check_language
from busetting._model import Problem
from busetting._reconcile import Reconciliation
from busetting._report import write_report
from busetting._result import Allocation
from busetting._revise import Revision
from busetting._revision_report import write_revision_report
from busetting.io import check_csv_dialect, write_allocation, write_revision, write_table

__all__ = [
    "FORMATS",
    "Options",
    "resolve_language",
    "write_drafts",
    "write_output",
]


@dataclass(frozen=True)
class Options:
    """The settings every written file shares, already resolved.

    Attributes
    ----------
    language : str
        ``"en"``, ``"nb"`` or ``"nn"``.
    csv_dialect : str
        ``"standard"`` or ``"excel-nb"``.
    county : str or None
        One county's view (the report and the workbook), by its name as in the data.
    plots : bool
        Whether the report has its map and charts.
    by_county : bool
        Whether the report's municipality table is grouped by county, with subtotals.
    """

    language: str
    csv_dialect: str
    county: str | None = None
    plots: bool = True
    by_county: bool = False


def resolve_language(
    problem: Problem, language: str | None, csv_dialect: str | None, **rest: Any
) -> Options:
    """The :class:`Options` for ``problem``: the one default language and CSV dialect.

    Parameters
    ----------
    problem : Problem
        The problem whose outputs are written.
    language : str or None
        ``"en"``, ``"nb"``, ``"nn"``, or None for :func:`default_language`.
    csv_dialect : str or None
        ``"standard"``, ``"excel-nb"``, or None for :func:`default_csv_dialect`.
    **rest
        ``county`` and ``plots``, passed on.

    Returns
    -------
    Options
        The resolved settings.
    """
    lang = check_language(language or default_language(problem.ids), "resolve_language")
    dialect = check_csv_dialect(csv_dialect or default_csv_dialect(lang), "resolve_language")
    return Options(lang, dialect, **rest)


def _county_rows(frame: pd.DataFrame, county: str | None) -> pd.DataFrame:
    return frame if county is None else frame[frame["county"] == county]


def _allocation(alloc: Allocation, path: Path, o: Options) -> Path:
    if o.county is not None and path.suffix.lower() == ".xlsx":
        return _county_workbook(alloc, path, o)
    if o.county is not None and path.suffix.lower() == ".csv":
        frame = _county_rows(alloc.to_frame(), o.county)
        return write_table(frame, path, language=o.language, csv_dialect=o.csv_dialect)
    return write_allocation(alloc, path, language=o.language, csv_dialect=o.csv_dialect)


def _county_workbook(alloc: Allocation, path: Path, o: Options) -> Path:
    """The workbook of one county: the allocation workbook, the county's rows only."""
    return write_allocation(alloc, path, language=o.language, county=o.county)


def _report(alloc: Allocation, path: Path, o: Options) -> Path:
    if path.suffix.lower() in (".xlsx", ".csv"):
        return _allocation(alloc, path, o)
    return write_report(
        alloc, path, plots=o.plots, language=o.language, county=o.county, by_county=o.by_county
    )


def _table(frame: pd.DataFrame, path: Path, o: Options) -> Path:
    return write_table(frame, path, language=o.language, csv_dialect=o.csv_dialect)


def _revision(rev: Revision, path: Path, o: Options) -> Path:
    if path.suffix.lower() in (".xlsx", ".html"):  # the report against the request revised
        return write_revision_report(rev, path, language=o.language)
    return write_revision(rev, path, csv_dialect=o.csv_dialect)


def _changes(result: Reconciliation, path: Path, o: Options) -> Path:
    if path.suffix.lower() == ".xlsx":
        return write_change_report(result, path, language=o.language)  # type: ignore[arg-type]
    table = result.changes.set_index("municipality_id")  # the change table alone
    return write_table(table, path, language=o.language, csv_dialect=o.csv_dialect)


_WRITERS: Mapping[str, Callable[[Any, Path, Options], Path]] = {
    "allocation": _allocation,
    "report": _report,
    "table": _table,
    "revision": _revision,
    "changes": _changes,
}

FORMATS: Mapping[str, tuple[tuple[str, ...], Callable[[Any, Path, Options], Path]]] = {
    kind: (SUFFIXES[kind], writer) for kind, writer in _WRITERS.items()
}
"""Each kind of output: the suffixes it can be written as (:data:`busetting._kinds.SUFFIXES`)
and the writer that writes it."""


def write_output(kind: str, value: Any, path: str | Path, options: Options) -> Path:
    """Write ``value`` (an output of ``kind``) to ``path``; the format from its suffix.

    The folder of ``path`` is created when it does not exist.

    Parameters
    ----------
    kind : str
        One of :data:`FORMATS`: ``allocation``, ``report``, ``table``, ``revision``,
        ``changes``.
    value : object
        The allocation, table, revision or reconciliation.
    path : str or Path
        The file.
    options : Options
        Language, CSV dialect, county and plots.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    InputError
        When the suffix is not one ``kind`` can be written as.
    """
    p = Path(path)
    allowed, writer = FORMATS[kind]
    if p.suffix.lower() not in allowed:
        raise InputError(f"A {kind} is written as {', '.join(allowed)}; got {str(p)!r} instead.")
    p.parent.mkdir(parents=True, exist_ok=True)
    return writer(value, p, options)


def write_drafts(
    drafts: Mapping[str, pd.DataFrame], folder: str | Path, draft: Allocation, options: Options
) -> list[Path]:
    """Write the county round's draft workbooks into ``folder``, created when missing."""
    f = Path(folder)
    f.mkdir(parents=True, exist_ok=True)
    return write_county_drafts(drafts, f, language=options.language, allocation=draft)  # type: ignore[arg-type]
