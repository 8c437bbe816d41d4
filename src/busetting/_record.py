"""A previous run, rebuilt from its files: the allocation and the parameters it was made with.

``busetting revise --previous FILE`` starts from a run written by ``busetting allocate`` (or
``revise``): the requests and minors of each municipality, and beside them the parameters
(need, criteria, rules, minors eligibility, bounds). Both are a user's files, so both are
checked cell by cell (:mod:`busetting._cells`) into one failure table before anything is
rebuilt: a request with decimals, text, a formula, a negative or huge number, a municipality
listed twice (never last-wins), a JSON file without its municipalities, a parameter given twice,
bounds or minors eligibility for a municipality the problem does not have, and, once the
problem is known, a municipality of the problem with no row.

The command line only calls these functions; the library can call them too::

    run = read_previous_run("allocation-2024.csv")
    problem = previous_problem(run, table=frame)   # or load=...
    check_previous_run(run, problem)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from busetting._cells import FailureTable, spreadsheet_row
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._model import Problem
from busetting.datasets import INDICATORS, derive_indicators
from busetting.io import (
    Settings,
    problem_from_frame,
    read_allocation,
    read_parameters,
    settings_from_parameters,
)

__all__ = ["PreviousRun", "check_previous_run", "previous_problem", "read_previous_run"]


@dataclass(frozen=True)
class PreviousRun:
    """A previous allocation as read back from its files, every cell checked.

    Attributes
    ----------
    path : Path
        The allocation file (``.csv``, ``.xlsx`` or ``.json``).
    requests : pandas.Series
        The request of each municipality (whole numbers >= 0), indexed by id in file order.
    minors : pandas.Series or None
        The minors of each municipality, when the file has them.
    settings : Settings or None
        What the run was made with (its parameters), or ``None`` when the file has none.
    rows : dict of str to int
        The spreadsheet row of each municipality (header = row 1), for messages.
    """

    path: Path
    requests: pd.Series
    minors: pd.Series | None
    settings: Settings | None
    rows: dict[str, int]

    @property
    def sums(self) -> tuple[int, int]:
        """The sum of the requests and of the minors (0 without minors)."""
        return int(self.requests.sum()), 0 if self.minors is None else int(self.minors.sum())


def read_previous_run(path: str | Path) -> PreviousRun:
    """Read and check a previous allocation and its parameters.

    Parameters
    ----------
    path : str or Path
        An allocation written by ``busetting allocate`` or ``revise`` (or
        :func:`busetting.io.write_allocation`).

    Returns
    -------
    PreviousRun
        The requests, minors and settings of the run.

    Raises
    ------
    InputError
        One table of every bad cell: file, row (spreadsheet numbering), municipality,
        column, value and what was expected.
    """
    check_types(read_previous_run, locals())
    p = Path(path)
    frame = read_allocation(p)
    if "request" not in frame.columns:
        raise InputError(
            f"--previous: {p.name} needs a column request. Got columns "
            f"{', '.join(map(str, frame.columns))} instead."
        )
    json_file = p.suffix.lower() == ".json"
    cells = FailureTable(file=p.name)
    ids = [str(i) for i in frame.index]
    rows = [(i + 1) if json_file else spreadsheet_row(i) for i in range(len(ids))]
    usable = cells.ids(ids, rows=rows)
    columns = [c for c in ("request", "minors") if c in frame.columns]
    values: dict[str, dict[str, int]] = {c: {} for c in columns}
    for column in columns:
        raw = frame[column].tolist()
        for i in usable:
            n = cells.count(raw[i], row=rows[i], column=column, mid=ids[i])
            if n is not None:
                values[column][ids[i]] = n
    if json_file:  # a JSON row is the position in "municipalities", counted from 1
        for f in cells.failures:
            f["column"] = f"municipalities[{f['row']}].{f['column']}" if f["row"] else f["column"]
            f["row"] = None
    cells.raise_any("--previous")
    params = read_parameters(p)
    settings = settings_from_parameters(params, p.name) if params else None
    kept = [ids[i] for i in usable]
    return PreviousRun(
        path=p,
        requests=pd.Series([values["request"][i] for i in kept], index=kept, dtype="int64"),
        minors=(
            pd.Series([values["minors"][i] for i in kept], index=kept, dtype="int64")
            if "minors" in values
            else None
        ),
        settings=settings,
        rows={ids[i]: rows[i] for i in usable},
    )


def previous_problem(
    run: PreviousRun,
    *,
    table: pd.DataFrame | None,
    rebuild_criteria: bool,
    load: Callable[[int, int], Problem],
) -> Problem:
    """The problem the previous run was made on.

    With recorded criteria (and ``rebuild_criteria``), the indicators they use are read
    from ``table`` (the input's table; ``None``: the embedded Norway data) under the recorded
    need; otherwise ``load(total, minors)`` loads the input as the command line does, with the
    recorded need (or, with no parameters, the sums of the requests and minors).
    """
    settings = run.settings
    if settings is not None and settings.criteria is not None and rebuild_criteria:
        embedded = table is None
        return problem_from_frame(  # read the indicators the recorded criteria use
            derive_indicators() if table is None else table,
            total=settings.total,
            minors=settings.minors,
            criteria=settings.criteria,
            minors_criteria=settings.minors_criteria,
            indicators=INDICATORS if embedded else (),
        )
    if settings is not None:
        return load(settings.total, settings.minors)
    return load(*run.sums)


def check_previous_run(run: PreviousRun, problem: Problem) -> None:
    """Check the previous run against the problem it is revised on: every municipality of
    the problem has a row and no row names another one; the recorded bounds and minors
    eligibility name only municipalities of the problem.

    Raises
    ------
    InputError
        One table of every failure (file, row, municipality, column, value, expected).
    """
    known = problem.columns.position
    cells = FailureTable(file=run.path.name)
    for mid in run.requests.index:
        if mid not in known:
            cells.add(
                "is not a municipality of the problem",
                row=run.rows.get(mid),
                column="municipality_id",
                value=mid,
                mid=mid,
            )
    for mid in problem.columns.ids:
        if mid not in run.rows:
            cells.add(
                "has no row; expected a row for every municipality of the problem (a "
                "request of 0 is written as 0)",
                column="request",
                mid=mid,
            )
    settings = run.settings
    if settings is not None:
        side = _parameters_name(run.path)
        for mid, bounds in (settings.bounds or {}).items():
            if mid not in known:
                cells.add(
                    "names a municipality that is not in the problem",
                    column=f"bounds {mid}",
                    value=bounds,
                    mid=mid,
                    file=side,
                )
        for mid in sorted(settings.minors_eligible or ()):
            if mid not in known:
                cells.add(
                    "names a municipality that is not in the problem; expected the ids of "
                    "the municipalities eligible for minors, separated by commas",
                    column="minors_eligible",
                    value=mid,
                    mid=mid,
                    file=side,
                )
    cells.raise_any("--previous")


def _parameters_name(path: Path) -> str:
    return f"{path.stem}.parameters.csv" if path.suffix.lower() == ".csv" else path.name
