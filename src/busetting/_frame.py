"""The DataFrame entry point behind :meth:`Problem.from_frame`, column by column.

Each column is checked as a whole (numpy where the dtype allows it, one pass of Python over
the values where it does not); the failures are then put in row order, within a row in the
order of the columns' checks, and raised together as one
:class:`~busetting._exceptions.InputError`. A valid frame becomes the problem's
:class:`~busetting._model.Columns` directly, without one :class:`Municipality` per row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from busetting._edge import COUNT_REASON
from busetting._exceptions import InputError
from busetting._model import (
    ANY_ID_REASON,
    ID_PATTERN,
    ID_REASON,
    INT64_MAX,
    NONE,
    POPULATION,
    Columns,
    Criterion,
    IdFormat,
    Municipalities,
    Need,
    Problem,
    bound_failures,
    check_criteria,
    check_problem,
    parse_criteria,
    pydantic_errors,
    warn_renamed,
)

__all__ = ["ALIASES", "ID_FORMATS", "problem_from_frame"]

ALIASES = {"kommunenummer": "municipality_id", "kommune": "name", "fylke": "county"}
"""Norwegian headers of the shared data accepted for the canonical column names."""
ID_FORMATS = (None, "kommunenummer")
"""The values of ``id_format``."""

REQUIRED = ("municipality_id", "name", "population")
OPTIONAL_COUNTS = ("min", "max", "fixed", "minors_max", "minors_min")
WHERE = "Problem.from_frame"

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

# the order of a row's failures: as the row-by-row reader found them
_UNIQUE, _ELIGIBLE, _INDICATOR, _ID, _NAME, _COUNTY, _COUNT, _BOUNDS = range(8)


@dataclass
class _Found:
    """Failures found so far: ``(position, order, column, value, reason)``."""

    rows: list[tuple[int, int, str, Any, str]] = field(default_factory=list)

    def add(self, pos: int, order: int, column: str, value: Any, reason: str) -> None:
        self.rows.append((pos, order, column, value, reason))


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def plain_value(value: Any) -> Any:
    """numpy scalars -> Python scalars, missing -> None."""
    if is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
        return None if is_missing(value) else value
    return value


def failure_record(
    row: Any, mid: Any, column: str | None, value: Any, reason: str
) -> dict[str, Any]:
    return {"row": row, "municipality_id": mid, "column": column, "value": value, "reason": reason}


def error_reason(err: Any) -> str:
    msg = str(err.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


def problem_from_frame(
    df: pd.DataFrame,
    *,
    total: int,
    minors: int = 0,
    criteria: Mapping[str, float] | Sequence[Criterion | Mapping[str, Any]],
    minors_criteria: Mapping[str, float] | Sequence[Criterion | Mapping[str, Any]] | None = None,
    indicators: Sequence[str] = (),
    id_format: IdFormat = None,
) -> Problem:
    """Build and validate a :class:`Problem` from a DataFrame; see :meth:`Problem.from_frame`.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per municipality (region); the columns of :meth:`Problem.from_frame`.
    total, minors : int
        The national need and, of it, the unaccompanied minors.
    criteria, minors_criteria : mapping of str to float, or sequence of Criterion
        The requests key and the minors key (``None``: the requests key).
    indicators : sequence of str
        Further indicator columns to keep (besides those the criteria read).
    id_format : {None, "kommunenummer"}
        ``"kommunenummer"`` requires 4-digit ids and zero-pads whole numbers.

    Returns
    -------
    Problem
        The problem, its municipalities held as columns in id order.

    Raises
    ------
    InputError
        Listing every bad value (row, municipality, column, value, reason).
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError(
            f"The `df` parameter of `{WHERE}` must be a pandas DataFrame. "
            f"Got {type(df).__name__} instead."
        )
    if id_format not in ID_FORMATS:
        raise InputError(
            f"The `id_format` parameter of `{WHERE}` must be None or 'kommunenummer'. "
            f"Got {id_format!r} instead."
        )
    failures: list[dict[str, Any]] = []
    need = _need(total, minors, failures)
    crits = _criteria(criteria, "criteria", failures)
    mcrits = (
        None if minors_criteria is None else _criteria(minors_criteria, "minors_criteria", failures)
    )
    frame = _canonical_headers(df, failures)
    if len(frame) == 0:
        failures.append(
            failure_record(None, None, None, 0, "at least one municipality is required")
        )
    needed = {ind for c in (*(crits or ()), *(mcrits or ())) for ind in c.indicators_used}
    needed |= set(indicators)
    needed.discard(POPULATION)
    missing = [col for col in (*REQUIRED, *sorted(needed)) if col not in frame.columns]
    for col in missing:
        failures.append(failure_record(None, None, col, None, "column is missing"))
    if missing or len(frame) == 0:
        raise InputError.from_failures(WHERE, failures)

    columns = _read_columns(frame, sorted(needed), id_format, failures)
    if failures or columns is None:
        raise InputError.from_failures(WHERE, failures)
    problem_failures = check_problem(columns, crits or (), mcrits)
    if problem_failures:
        raise InputError.from_failures(WHERE, problem_failures)
    assert need is not None and crits is not None
    return Problem(
        municipalities=Municipalities(columns), criteria=crits, minors_criteria=mcrits, need=need
    )


def _canonical_headers(df: pd.DataFrame, failures: list[dict[str, Any]]) -> pd.DataFrame:
    """The frame with the canonical column names (aliases and deprecated names renamed)."""
    renames = {k: v for k, v in ALIASES.items() if k in df.columns and v not in df.columns}
    if "minors_capacity" in df.columns:
        warn_renamed("The column minors_capacity", "minors_max", "busetting._frame")
        if "minors_max" in df.columns:
            failures.append(
                failure_record(
                    None,
                    None,
                    "minors_capacity",
                    None,
                    "give minors_max only (minors_capacity is its deprecated name)",
                )
            )
        else:
            renames["minors_capacity"] = "minors_max"
    return df.rename(columns=renames) if renames else df


def _need(total: Any, minors: Any, failures: list[dict[str, Any]]) -> Need | None:
    try:
        return Need(total=total, minors=minors)
    except InputError as exc:
        for err in pydantic_errors(exc):
            col = str(err["loc"][0]) if err["loc"] else "minors"
            value = {"total": total, "minors": minors}.get(col, minors)
            failures.append(failure_record(None, None, col, value, error_reason(err)))
    return None


def _criteria(raw: Any, label: str, failures: list[dict[str, Any]]) -> tuple[Criterion, ...] | None:
    try:
        parsed = parse_criteria(raw, label)
    except TypeError as exc:
        failures.append(failure_record(None, None, label, type(raw).__name__, str(exc)))
        return None
    except InputError as exc:
        for err in pydantic_errors(exc):
            failures.append(
                failure_record(
                    None,
                    None,
                    label,
                    err.get("input"),
                    f"{'.'.join(map(str, err['loc']))}: {error_reason(err)}",
                )
            )
        return None
    failures.extend(check_criteria(parsed, label))
    return parsed


# -- one column at a time ----------------------------------------------------------------------


def number_value(value: Any) -> Any:
    """Numbers stay numbers; a numeric string (a column pandas read as text because of
    another row's bad value) becomes a number; anything else is returned as is."""
    v = plain_value(value)
    if isinstance(v, str):
        text = v.strip()
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return v
    return v


def count_value(value: Any) -> Any:
    v = number_value(value)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _count_problem(v: Any) -> str | None:
    """Why ``v`` (not missing) is not a count, or ``None``."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return COUNT_REASON
    if isinstance(v, float) and not (math.isfinite(v) and v.is_integer()):
        return COUNT_REASON
    return COUNT_REASON if v < 0 else None


def _numeric(series: pd.Series) -> FloatArray | None:
    """The column as float64 when its dtype is a plain integer or float dtype, else None."""
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iuf":
        return series.to_numpy(dtype=np.float64)
    return None


def _counts(
    series: pd.Series, column: str, required: bool, found: _Found
) -> tuple[IntArray, list[int]]:
    """A count column (:data:`NONE` where missing) and the positions that failed."""
    numbers = _numeric(series)
    if numbers is not None and series.dtype.kind in "iu":
        values = series.to_numpy(dtype=np.int64)
        bad = np.flatnonzero(values < 0)
        for i in bad.tolist():
            found.add(i, _COUNT, column, int(values[i]), COUNT_REASON)
        return np.where(values < 0, NONE, values), bad.tolist()
    if numbers is not None:
        missing = np.isnan(numbers)
        ok = ~missing & np.isfinite(numbers) & (numbers >= 0) & (numbers == np.floor(numbers))
        odd = (~ok & ~missing) | (missing & required) | (numbers > INT64_MAX)
        check = np.flatnonzero(odd).tolist()
        values = np.where(ok & (numbers <= INT64_MAX), numbers, NONE).astype(np.int64)
        raw: list[Any] = [series.iat[i] for i in check]
    else:
        values = np.full(len(series), NONE, dtype=np.int64)
        check, raw = list(range(len(series))), series.tolist()
    failed = []
    for i, value in zip(check, raw, strict=True):
        v = count_value(value)
        reason = None if v is None else _count_problem(v)
        if v is None and required:
            reason = "is missing; expected a whole number >= 0"
        if reason is not None:
            found.add(i, _COUNT, column, v, reason)
            failed.append(i)
        elif v is not None:
            values[i] = min(int(v), INT64_MAX)
    return values, failed


def _indicator(series: pd.Series, column: str, found: _Found) -> FloatArray:
    """An indicator column; a missing or bad value is a failure."""
    numbers = _numeric(series)
    if numbers is not None:
        bad = np.flatnonzero(~(np.isfinite(numbers) & (numbers >= 0))).tolist()
        raw: list[Any] = [series.iat[i] for i in bad]
        values = numbers
    else:
        bad, raw = list(range(len(series))), series.tolist()
        values = np.full(len(series), np.nan)
    for i, value in zip(bad, raw, strict=True):
        v = number_value(value)
        if v is None:
            found.add(i, _INDICATOR, column, v, "is missing; expected a finite number >= 0")
        elif (
            isinstance(v, bool)
            or not isinstance(v, int | float)
            or not math.isfinite(float(v))
            or v < 0
        ):
            found.add(i, _INDICATOR, column, v, "must be a finite number >= 0")
        else:
            values[i] = float(v)
    return values


def _id_text(value: Any, id_format: IdFormat) -> tuple[Any, str | None]:
    """The id as text (whole numbers as written, zero-padded for kommunenummer), and why it
    is refused (or ``None``)."""
    v = plain_value(value)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int) and not isinstance(v, bool):
        v = f"{v:04d}" if id_format == "kommunenummer" and 0 <= v <= 9999 else str(v)
    if id_format == "kommunenummer":
        ok = isinstance(v, str) and ID_PATTERN.fullmatch(v) is not None
        return v, None if ok else ID_REASON
    return v, None if isinstance(v, str) and v and v.strip() == v else ANY_ID_REASON


def _ids(series: pd.Series, id_format: IdFormat, found: _Found) -> tuple[list[Any], list[int]]:
    """The ids as text, and the positions whose id failed; duplicates are failures too."""
    raw = series.tolist()
    if id_format is None and all(type(v) is str and v and v.strip() == v for v in raw):
        ids: list[Any] = raw
        failed: list[int] = []
    else:
        ids, failed = [], []
        for i, value in enumerate(raw):
            text, reason = _id_text(value, id_format)
            ids.append(text)
            if reason is not None:
                found.add(i, _ID, "municipality_id", text, reason)
                failed.append(i)
    if len(set(ids)) < len(ids):
        first: dict[Any, int] = {}
        for i, mid in enumerate(ids):
            if mid is None:
                continue
            if mid in first:
                j = first[mid]
                found.add(i, _UNIQUE, "municipality_id", mid, f"must be unique (also in row {j})")
            else:
                first[mid] = i
    return ids, failed


def _texts(
    series: pd.Series, column: str, required: bool, found: _Found
) -> tuple[list[str], list[int]]:
    """A name (a non-empty string) or county (any string; missing is "") column."""
    raw = series.tolist()
    if required:
        out = raw
        good = [type(v) is str and bool(v.strip()) for v in raw]
        reason, order = "must be a non-empty string", _NAME
    elif all(type(v) is str for v in raw):
        return raw, []
    else:
        out = ["" if is_missing(v) else v for v in raw]
        good = [isinstance(v, str) for v in out]
        reason, order = "must be a string", _COUNTY
    failed = [i for i, ok in enumerate(good) if not ok]
    for i in failed:
        found.add(i, order, column, plain_value(raw[i]), reason)
    return out, failed


def _eligible(series: pd.Series | None, n: int, found: _Found) -> NDArray[np.bool_]:
    """``minors_eligible``: true, false, 1 or 0 (missing: true)."""
    if series is None:
        return np.ones(n, dtype=np.bool_)
    if series.dtype == np.bool_:
        return series.to_numpy(dtype=np.bool_)
    out = np.ones(n, dtype=np.bool_)
    for i, value in enumerate(series.tolist()):
        flag = plain_value(value)
        if flag is None:
            continue
        if isinstance(flag, bool) or flag in (0, 1):
            out[i] = bool(flag)
        else:
            found.add(i, _ELIGIBLE, "minors_eligible", flag, "must be true or false")
    return out


def _read_columns(
    frame: pd.DataFrame, needed: list[str], id_format: IdFormat, failures: list[dict[str, Any]]
) -> Columns | None:
    """The checked columns in id order, or ``None`` with the row failures in ``failures``."""
    found = _Found()
    n = len(frame)
    ids, field_failed = _ids(frame["municipality_id"], id_format, found)
    names, failed = _texts(frame["name"], "name", True, found)
    field_failed += failed
    counties = [""] * n
    if "county" in frame.columns:
        counties, failed = _texts(frame["county"], "county", False, found)
        field_failed += failed
    population, failed = _counts(frame["population"], "population", True, found)
    field_failed += failed
    counts = {}
    for col in OPTIONAL_COUNTS:
        if col in frame.columns:
            counts[col], failed = _counts(frame[col], col, False, found)
            field_failed += failed
        else:
            counts[col] = np.full(n, NONE, dtype=np.int64)
    eligible = _eligible(frame.get("minors_eligible"), n, found)
    inds = {col: _indicator(frame[col], col, found) for col in needed}
    columns = Columns(
        ids=tuple(ids),
        names=tuple(names),
        counties=tuple(counties),
        population=population,
        minors_eligible=eligible,
        indicators=inds,
        **counts,
    )
    failed_rows = set(field_failed)
    for i, col, value, reason in bound_failures(columns):
        if i not in failed_rows:
            found.add(i, _BOUNDS, col, value, reason)
    if found.rows:
        labels = frame.index.tolist()
        for i, _, col, value, reason in sorted(found.rows, key=lambda f: (f[0], f[1])):
            failures.append(failure_record(labels[i], _shown_id(ids[i]), col, value, reason))
        return None
    order = sorted(range(n), key=ids.__getitem__)
    return columns if order == list(range(n)) else columns.take(np.array(order, dtype=np.int64))


def _shown_id(mid: Any) -> Any:
    return None if is_missing(mid) else mid
