"""Tables in and out: the only module (with the CLI) that knows column names.

``problem_from_frame`` is the DataFrame entry point behind :meth:`Problem.from_frame`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from pydantic import ValidationError

from busetting.exceptions import InputError
from busetting.model import (
    ID_REASON,
    POPULATION,
    Criterion,
    Municipality,
    Need,
    Problem,
    check_criteria,
    check_problem,
    parse_criteria,
)

__all__ = ["ALIASES", "problem_from_frame"]

ALIASES = {"kommunenummer": "municipality_id", "kommune": "name", "fylke": "county"}
"""Norwegian headers of the shared data accepted for the canonical column names."""

REQUIRED = ("municipality_id", "name", "population")
OPTIONAL_COUNTS = ("min", "max", "fixed", "minors_capacity")
WHERE = "Problem.from_frame"


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value: Any) -> Any:
    """numpy scalars -> Python scalars, missing -> None."""
    if _missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def _failure(row: Any, mid: Any, column: str | None, value: Any, reason: str) -> dict[str, Any]:
    return {"row": row, "municipality_id": mid, "column": column, "value": value, "reason": reason}


def _reason(err: Any) -> str:
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
) -> Problem:
    """Build and validate a :class:`Problem` from a DataFrame; see :meth:`Problem.from_frame`."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(
            f"The `df` parameter of `{WHERE}` must be a pandas DataFrame. "
            f"Got {type(df).__name__} instead."
        )
    failures: list[dict[str, Any]] = []
    need = _need(total, minors, failures)
    crits = _criteria(criteria, "criteria", failures)
    mcrits = (
        None if minors_criteria is None else _criteria(minors_criteria, "minors_criteria", failures)
    )
    frame = df.rename(
        columns={k: v for k, v in ALIASES.items() if k in df.columns and v not in df.columns}
    )
    if len(frame) == 0:
        failures.append(_failure(None, None, None, 0, "at least one municipality is required"))
    needed = {ind for c in (*(crits or ()), *(mcrits or ())) for ind in c.indicators_used}
    needed |= set(indicators)
    needed.discard(POPULATION)
    missing = [col for col in (*REQUIRED, *sorted(needed)) if col not in frame.columns]
    for col in missing:
        failures.append(_failure(None, None, col, None, "column is missing"))
    if missing or len(frame) == 0:
        raise InputError.from_failures(WHERE, failures)

    municipalities = _rows(frame, sorted(needed), failures)
    if failures:
        raise InputError.from_failures(WHERE, failures)
    problem_failures = check_problem(municipalities, crits or (), mcrits)
    if problem_failures:
        raise InputError.from_failures(WHERE, problem_failures)
    assert need is not None and crits is not None
    return Problem(
        municipalities=tuple(municipalities), criteria=crits, minors_criteria=mcrits, need=need
    )


def _need(total: Any, minors: Any, failures: list[dict[str, Any]]) -> Need | None:
    try:
        return Need(total=total, minors=minors)
    except ValidationError as exc:
        for err in exc.errors():
            col = str(err["loc"][0]) if err["loc"] else "minors"
            value = {"total": total, "minors": minors}.get(col, minors)
            failures.append(_failure(None, None, col, value, _reason(err)))
    return None


def _criteria(raw: Any, label: str, failures: list[dict[str, Any]]) -> tuple[Criterion, ...] | None:
    try:
        parsed = parse_criteria(raw, label)
    except TypeError as exc:
        failures.append(_failure(None, None, label, type(raw).__name__, str(exc)))
        return None
    except ValidationError as exc:
        for err in exc.errors():
            failures.append(
                _failure(
                    None,
                    None,
                    label,
                    err.get("input"),
                    f"{'.'.join(map(str, err['loc']))}: {_reason(err)}",
                )
            )
        return None
    failures.extend(check_criteria(parsed, label))
    return parsed


def _count_value(value: Any) -> Any:
    v = _plain(value)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _rows(
    frame: pd.DataFrame, needed: list[str], failures: list[dict[str, Any]]
) -> list[Municipality]:
    municipalities: list[Municipality] = []
    has = set(frame.columns)
    seen: dict[Any, Any] = {}
    records = frame.to_dict(orient="records")
    for row, rec in zip(frame.index.tolist(), records, strict=True):
        mid = _plain(rec.get("municipality_id"))
        if mid is not None and mid in seen:
            failures.append(
                _failure(
                    row, mid, "municipality_id", mid, f"must be unique (also in row {seen[mid]})"
                )
            )
        elif mid is not None:
            seen[mid] = row
        data: dict[str, Any] = {
            "municipality_id": mid,
            "name": _plain(rec.get("name")),
            "population": _count_value(rec.get("population")),
        }
        if "county" in has:
            county = _plain(rec.get("county"))
            data["county"] = "" if county is None else county
        for col in OPTIONAL_COUNTS:
            if col in has and not _missing(rec.get(col)):
                data[col] = _count_value(rec[col])
        if "minors_eligible" in has and not _missing(rec.get("minors_eligible")):
            flag = _plain(rec["minors_eligible"])
            if isinstance(flag, bool) or flag in (0, 1):
                data["minors_eligible"] = bool(flag)
            else:
                failures.append(
                    _failure(row, mid, "minors_eligible", flag, "must be true or false")
                )
        inds: dict[str, float] = {}
        bad_indicator = False
        for col in needed:
            value = _plain(rec.get(col))
            if value is None:
                failures.append(
                    _failure(row, mid, col, value, "is missing; expected a finite number >= 0")
                )
                bad_indicator = True
            elif (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (not math.isfinite(float(value)) or value < 0)
            ):
                failures.append(_failure(row, mid, col, value, "must be a finite number >= 0"))
                bad_indicator = True
            else:
                inds[col] = float(value)
        data["indicators"] = inds
        try:
            built = Municipality(**data)
        except ValidationError as exc:
            for err in exc.errors():
                failures.append(_row_failure(row, mid, data, err))
            continue
        if not bad_indicator:
            municipalities.append(built)
    return municipalities


def _row_failure(row: Any, mid: Any, data: dict[str, Any], err: Any) -> dict[str, Any]:
    col = str(err["loc"][0]) if err["loc"] else None
    reason = _reason(err)
    if col == "municipality_id" and isinstance(mid, int):
        reason = f"{ID_REASON}; read the column as text (e.g. dtype={{'kommunenummer': str}})"
    elif col is None:
        col = _bound_column(reason)
    return _failure(row, mid, col, data.get(col) if col else None, reason)


def _bound_column(reason: str) -> str | None:
    for col in ("fixed", "min"):
        if reason.startswith(col):
            return col
    return None
