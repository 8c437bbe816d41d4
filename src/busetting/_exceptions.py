"""Errors raised by busetting.

The tree::

    BusettingError                       root of everything busetting raises
    ├── InputError(ValueError)           bad input; ``failure_cases`` lists every bad value
    ├── InfeasibleError                  raised by ``Allocation.raise_for_status()`` when the
    │                                    constraints cannot all hold; carries the diagnosis
    └── SolverError(RuntimeError)        a solver failed, or returned an answer that does not
                                         pass the post-solve checks (never returned silently)

``InputError`` subclasses ``ValueError`` and ``SolverError`` subclasses ``RuntimeError``, so
``except ValueError`` keeps working for callers who do not know busetting's types.
Infeasibility is a *status* of the result, not an exception, until the caller asks for one with
``raise_for_status()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from busetting._status import Shortfall

__all__ = ["BusettingError", "InfeasibleError", "InputError", "SolverError"]

FAILURE_COLUMNS = ("row", "municipality_id", "column", "value", "reason")
PLACE_COLUMNS = ("file", "sheet")
"""Columns a file reader adds in front when it names them (spreadsheet rows: header = 1)."""
MAX_LISTED = 20
"""At most this many failures are spelled out in the message; all are in ``failure_cases``."""


class BusettingError(Exception):
    """Root of every error busetting raises."""


class InputError(BusettingError, ValueError):
    """The input is malformed.

    Attributes
    ----------
    failure_cases : pandas.DataFrame
        One row per failure with the columns ``row`` (the spreadsheet row of a file, header =
        row 1, or ``None`` for problem-level failures), ``municipality_id``, ``column``,
        ``value`` and ``reason``; a reader of a file puts ``file`` and ``sheet`` in front.
    """

    def __init__(self, message: str, failure_cases: pd.DataFrame | None = None) -> None:
        super().__init__(message)
        import pandas as pd

        if failure_cases is None:
            failure_cases = pd.DataFrame(columns=list(FAILURE_COLUMNS))
        self.failure_cases = failure_cases

    @classmethod
    def from_failures(cls, where: str, failures: list[dict[str, Any]]) -> InputError:
        """Build one error that lists every failure in a table."""
        import pandas as pd

        # a reader of a user's file also names the file and the sheet (first columns)
        places = [k for k in PLACE_COLUMNS if any(f.get(k) is not None for f in failures)]
        table = pd.DataFrame(failures, columns=[*places, *FAILURE_COLUMNS])
        table["row"] = pd.array(
            [None if f.get("row") is None else f["row"] for f in failures], dtype=object
        )
        noun = "problem" if len(failures) == 1 else "problems"
        lines = [f"{where} found {len(failures):,} {noun} in the input:"]
        for f in failures[:MAX_LISTED]:
            place = [f"{k} {f[k]!r}" for k in PLACE_COLUMNS if f.get(k) is not None]
            if f.get("row") is not None:
                place.append(f"row {f['row']}")
            if f.get("municipality_id") is not None:
                place.append(f"municipality {f['municipality_id']}")
            if f.get("column") is not None:
                place.append(f"column {f['column']!r}")
            head = ", ".join(place) if place else "input"
            lines.append(f"- {head}: {f['reason']}; got {f['value']!r}.")
        if len(failures) > MAX_LISTED:
            lines.append(f"- ... and {len(failures) - MAX_LISTED:,} more (see failure_cases).")
        return cls("\n".join(lines), table)


class InfeasibleError(BusettingError):
    """The constraints cannot all hold; ``diagnosis`` names each group and the amount short."""

    def __init__(self, message: str, diagnosis: tuple[Shortfall, ...] = ()) -> None:
        super().__init__(message)
        self.diagnosis = diagnosis


class SolverError(BusettingError, RuntimeError):
    """A solver failed, is unavailable, or returned an answer that fails the checks."""
