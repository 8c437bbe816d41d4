"""Inputs: municipalities, criteria, the national need and the problem that holds them.

All models are pydantic v2, frozen and strict about unknown fields (``extra="forbid"``), so a
problem can be exported as JSON Schema (``Problem.model_json_schema()``), sent over the wire
and read back unchanged. Constructing or validating a model (the constructor,
``model_validate``, ``model_validate_json`` and every ``with_*`` copy) raises
:class:`~busetting._exceptions.InputError` (a ``ValueError``) whose ``failure_cases`` table lists
each failure, with pydantic's ``ValidationError`` kept as its ``__cause__``;
:meth:`Problem.from_frame` checks every row and raises one such error for the whole table.

Inside, a problem holds its municipalities as columns (:class:`Columns`: numpy arrays in id
order), built once; the computations read the columns, never the row objects. The pydantic
``Municipality`` rows are made from the columns only when asked for (iterating
``problem.municipalities``, dumping to JSON), so a problem of 100,000 regions read by
:meth:`Problem.from_frame` never holds 100,000 row objects.

Region ids are any non-empty strings without leading or trailing whitespace, unique by exact
comparison (``"0301"`` and ``"301"`` are two regions). The Norwegian 4-digit kommunenummer
is checked where asked for, with ``id_format="kommunenummer"``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import math
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self, cast, overload

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    field_validator,
    model_validator,
)
from pydantic_core import ValidationError, core_schema

from busetting._edge import check_count as _check_count
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._rules import describe as describe_rules
from busetting._rules import needs_program, rules_model
from busetting._rules import problem_failures as rule_problem_failures
from busetting._rules import validate as validate_rules

__all__ = [
    "Columns",
    "Criterion",
    "IdFormat",
    "Municipalities",
    "Municipality",
    "Need",
    "Problem",
    "Rules",
    "fingerprint",
    "pydantic_errors",
    "validation_failures",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

IdFormat = Literal["kommunenummer"] | None
"""How region ids are checked: ``None`` (any non-empty string without leading or trailing
whitespace) or ``"kommunenummer"`` (4 digits; whole numbers are zero-padded, 301 -> "0301")."""
ID_PATTERN = re.compile(r"[0-9]{4}")
"""A kommunenummer, matched in full (``fullmatch``: no trailing newline or space)."""
ID_REASON = "must be a 4-digit string with leading zeros kept (e.g. '0301')"
"""Why an id is refused with ``id_format="kommunenummer"``."""
ANY_ID_REASON = "must be a non-empty string without leading or trailing whitespace"
"""Why an id is refused (any format)."""
NONE = -1
"""The value of an optional count (``min``, ``max``, ``fixed``, ``minors_max``,
``minors_min``) that is not given, in :class:`Columns`."""
WEIGHT_TOLERANCE = 1e-9
"""How far the criteria weights may sum from 1 (absolute)."""

POPULATION = "population"
"""Indicator name that refers to :attr:`Municipality.population`."""

_FROZEN = ConfigDict(frozen=True, extra="forbid")


def _flat_errors(exc: ValidationError) -> list[Any]:
    """pydantic's errors, with the errors of a nested model (an :class:`InputError` raised
    inside a validator) spelled out under their parent's field path."""
    out: list[Any] = []
    for e in exc.errors():
        inner = (e.get("ctx") or {}).get("error")
        if isinstance(inner, InputError) and isinstance(inner.__cause__, ValidationError):
            for sub in _flat_errors(inner.__cause__):
                out.append({**sub, "loc": (*e["loc"], *sub["loc"])})
        else:
            out.append(e)
    return out


def validation_failures(exc: ValidationError) -> list[dict[str, Any]]:
    """pydantic's errors as rows of a failure table (column = the dotted field path)."""
    return [
        {
            "row": None,
            "municipality_id": None,
            "column": ".".join(map(str, e["loc"])) or None,
            # the whole input of a model-level error can be a problem of 100,000 rows
            "value": e.get("input") if e["loc"] else None,
            "reason": str(e.get("msg", "invalid value")).removeprefix("Value error, "),
        }
        for e in _flat_errors(exc)
    ]


def pydantic_errors(exc: BaseException) -> list[Any]:
    """pydantic's own error list of an :class:`InputError` raised by a model (else empty),
    nested models' errors spelled out under their parent's field path."""
    cause = exc.__cause__
    return _flat_errors(cause) if isinstance(cause, ValidationError) else []


class _Checked(BaseModel):
    """A pydantic model whose validation errors are :class:`InputError` (the typed family of
    busetting) with pydantic's ``ValidationError`` kept as ``__cause__``."""

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise InputError.from_failures(type(self).__name__, validation_failures(exc)) from exc

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except ValidationError as exc:  # a frozen model
            raise InputError.from_failures(type(self).__name__, validation_failures(exc)) from exc

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as exc:
            raise InputError.from_failures(cls.__name__, validation_failures(exc)) from exc

    @classmethod
    def model_validate_json(cls, json_data: Any, *args: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as exc:
            raise InputError.from_failures(cls.__name__, validation_failures(exc)) from exc


def id_problem(value: Any) -> str | None:
    """Why ``value`` is not a region id (``None`` when it is one)."""
    if not isinstance(value, str) or not value or value.strip() != value:
        return ANY_ID_REASON
    return None


def outside_caller(*skip: str) -> int:
    """The ``stacklevel`` of the first frame outside pydantic, this module and ``skip``, so a
    deprecation warning names the user's line."""
    prefixes = ("pydantic", __name__, *skip)
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith(prefixes):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def warn_renamed(old: str, new: str, *skip: str) -> None:
    """A ``DeprecationWarning`` that ``old`` is now called ``new``."""
    warnings.warn(
        f"{old} is deprecated; use {new}", DeprecationWarning, stacklevel=outside_caller(*skip)
    )


_BOUND_RULES: tuple[tuple[str, str], ...] = (
    ("min", "min ({min}) must not exceed max ({max})"),
    ("fixed", "fixed ({fixed}) must not be below min ({min})"),
    ("fixed", "fixed ({fixed}) must not exceed max ({max})"),
    ("minors_min", "minors_min ({minors_min}) needs minors_eligible"),
    ("minors_min", "minors_min ({minors_min}) must not exceed minors_max ({minors_max})"),
    ("minors_min", "minors_min ({minors_min}) must not exceed the request's upper bound ({top})"),
)
"""The row rules on bounds, in the order they are checked: the column a failure names and
its message."""


def _bound_masks(
    low: IntArray,
    high: IntArray,
    fixed: IntArray,
    eligible: BoolArray,
    mmax: IntArray,
    mmin: IntArray,
) -> tuple[list[BoolArray], IntArray]:
    """Where each rule of :data:`_BOUND_RULES` fails (arrays use :data:`NONE` for none), and
    the request's upper bound ``top`` (``fixed``, else ``max``)."""
    top = np.where(fixed >= 0, fixed, high)
    asked = mmin > 0
    masks = [
        (low >= 0) & (high >= 0) & (low > high),
        (fixed >= 0) & (low >= 0) & (fixed < low),
        (fixed >= 0) & (high >= 0) & (fixed > high),
        asked & ~eligible,
        asked & (mmax >= 0) & (mmin > mmax),
        asked & (top >= 0) & (mmin > top),
    ]
    return masks, top


def bound_failures(columns: Columns) -> list[tuple[int, str, int, str]]:
    """The first bound rule each row breaks: ``(position, column, value, reason)`` in row
    order (the same messages as the :class:`Municipality` constructor)."""
    c = columns
    masks, top = _bound_masks(c.min, c.max, c.fixed, c.minors_eligible, c.minors_max, c.minors_min)
    found: dict[int, tuple[str, int, str]] = {}
    for (column, text), mask in zip(_BOUND_RULES, masks, strict=True):
        for i in np.flatnonzero(mask).tolist():
            if i in found:
                continue
            values = {
                "min": int(c.min[i]),
                "max": int(c.max[i]),
                "fixed": int(c.fixed[i]),
                "minors_min": int(c.minors_min[i]),
                "minors_max": int(c.minors_max[i]),
                "top": int(top[i]),
            }
            found[i] = (column, values[column], text.format(**values))
    return [(i, *found[i]) for i in sorted(found)]


class Municipality(_Checked):
    """One region (a municipality, kommune): identity, size, indicators and bounds.

    Attributes
    ----------
    municipality_id : str
        The region's id: any non-empty string without leading or trailing whitespace, unique
        in a problem by exact comparison (the Norwegian data use the 4-digit kommunenummer
        with the leading zero kept, ``"0301"``).
    name, county : str
        Official name (æ, ø, å and Sámi forms kept) and county (fylke).
    population : int
        Residents; also available to criteria as the indicator ``"population"``.
    indicators : dict of str to float
        Indicator values used by criteria (finite, >= 0).
    min, max : int, optional
        Lower and upper bounds on the request.
    fixed : int, optional
        A request that is already decided; held exactly (must lie within ``min``/``max``).
    minors_eligible : bool
        Whether the municipality may be asked to settle unaccompanied minors.
    minors_max : int, optional
        Upper bound on the minors asked of it (``minors_capacity`` is its deprecated name,
        still accepted as input).
    minors_min : int, optional
        Lower bound on the minors asked of it (e.g. minors already settled or decided).
    """

    model_config = _FROZEN

    municipality_id: str
    name: str
    county: str = ""
    population: int
    indicators: dict[str, float] = Field(default_factory=dict)
    min: int | None = None
    max: int | None = None
    fixed: int | None = None
    minors_eligible: bool = True
    minors_max: int | None = None
    minors_min: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "minors_capacity" in data:
            warn_renamed("Municipality field minors_capacity", "minors_max")
            if "minors_max" in data:
                raise ValueError("give minors_max only (minors_capacity is its deprecated name)")
            data = {("minors_max" if k == "minors_capacity" else k): v for k, v in data.items()}
        return data

    @field_validator("municipality_id", mode="before")
    @classmethod
    def _id(cls, v: Any) -> str:
        reason = id_problem(v)
        if reason is not None:
            raise ValueError(reason)
        return str(v)

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v: Any) -> str:
        if not isinstance(v, str) or not v.strip():
            raise ValueError("must be a non-empty string")
        return v

    @field_validator("county", mode="before")
    @classmethod
    def _county(cls, v: Any) -> str:
        if not isinstance(v, str):
            raise ValueError("must be a string")
        return v

    @field_validator("population", mode="before")
    @classmethod
    def _population(cls, v: Any) -> int:
        if v is None:
            raise ValueError("is missing; expected a whole number >= 0")
        return _check_count(v)

    @field_validator("min", "max", "fixed", "minors_max", "minors_min", mode="before")
    @classmethod
    def _counts(cls, v: Any) -> int | None:
        if v is None:
            return None
        return _check_count(v)

    @field_validator("indicators", mode="before")
    @classmethod
    def _indicators(cls, v: Any) -> dict[str, float]:
        if not isinstance(v, Mapping):
            raise ValueError("must be a mapping of indicator name to number")
        out: dict[str, float] = {}
        for key, value in v.items():
            if not isinstance(key, str) or not key:
                raise ValueError("indicator names must be non-empty strings")
            try:
                f = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"indicator {key!r} must be a finite number >= 0") from None
            if isinstance(value, bool) or not math.isfinite(f) or f < 0:
                raise ValueError(f"indicator {key!r} must be a finite number >= 0")
            out[key] = f
        return dict(sorted(out.items()))  # canonical order: the same JSON and fingerprint

    @model_validator(mode="after")
    def _bounds(self) -> Municipality:
        low, high, fixed = self.min, self.max, self.fixed
        top = fixed if fixed is not None else high
        mmin, mmax = self.minors_min or 0, self.minors_max
        broken = (
            low is not None and high is not None and low > high,
            fixed is not None and low is not None and fixed < low,
            fixed is not None and high is not None and fixed > high,
            mmin > 0 and not self.minors_eligible,
            mmin > 0 and mmax is not None and mmin > mmax,
            mmin > 0 and top is not None and mmin > top,
        )
        for (_, text), hit in zip(_BOUND_RULES, broken, strict=True):
            if hit:
                raise ValueError(
                    text.format(
                        min=low, max=high, fixed=fixed, minors_min=mmin, minors_max=mmax, top=top
                    )
                )
        return self

    @property
    def minors_capacity(self) -> int | None:
        """Deprecated name of :attr:`minors_max`."""
        warn_renamed("Municipality.minors_capacity", "minors_max")
        return self.minors_max

    def indicator(self, name: str) -> float:
        """Value of indicator ``name`` (``"population"`` is the population)."""
        if name == POPULATION and name not in self.indicators:
            return float(self.population)
        return self.indicators[name]


class Criterion(_Checked):
    """One criterion of the key: an indicator turned into a share vector.

    ``kind="volume"`` uses the indicator itself, ``a_i = v_i / sum_j v_j``.
    ``kind="rate"`` scales a base volume by the indicator as a score,
    ``a_i = base_i * s_i / sum_j base_j * s_j``.
    ``direction="lower"`` turns a lower-is-better indicator around by reflection,
    ``s_i = max_j v_j + min_j v_j - v_i``, which keeps its range and is unchanged in effect
    by scaling the indicator.
    """

    model_config = _FROZEN

    name: str
    indicator: str
    weight: float
    kind: Literal["volume", "rate"] = "volume"
    base: str | None = None
    direction: Literal["higher", "lower"] = "higher"

    @field_validator("name", "indicator", mode="before")
    @classmethod
    def _nonempty(cls, v: Any) -> str:
        if not isinstance(v, str) or not v.strip():
            raise ValueError("must be a non-empty string")
        return v

    @field_validator("weight", mode="before")
    @classmethod
    def _weight(cls, v: Any) -> float:
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise ValueError("must be a finite number >= 0") from None
        if isinstance(v, bool) or not math.isfinite(f) or f < 0:
            raise ValueError("must be a finite number >= 0")
        return f

    @model_validator(mode="after")
    def _base(self) -> Criterion:
        if self.kind == "rate" and not self.base:
            raise ValueError(f"criterion {self.name!r}: a rate criterion needs a base indicator")
        if self.kind == "volume" and self.base is not None:
            raise ValueError(f"criterion {self.name!r}: a volume criterion takes no base")
        return self

    @property
    def indicators_used(self) -> tuple[str, ...]:
        """The indicator names this criterion reads."""
        return (self.indicator,) if self.base is None else (self.indicator, self.base)


class Need(_Checked):
    """The national need: ``total`` persons, of whom ``minors`` unaccompanied minors."""

    model_config = _FROZEN

    total: int
    minors: int = 0

    @field_validator("total", "minors", mode="before")
    @classmethod
    def _count(cls, v: Any) -> int:
        return _check_count(v)

    @model_validator(mode="after")
    def _minors(self) -> Need:
        if self.minors > self.total:
            raise ValueError(f"minors ({self.minors:,}) must not exceed the total ({self.total:,})")
        return self


class _RulesBase(_Checked):
    """Rules of the real process on top of the bounds (all off by default).

    One field per parameter of a process rule, built from the rule registry
    (:mod:`busetting._rules`): each rule declares its own parameters, checks and words."""

    model_config = _FROZEN

    @model_validator(mode="after")
    def _together(self) -> Self:
        validate_rules(cast("Rules", self))
        return self

    @property
    def needs_program(self) -> bool:
        """Whether the rules need the integer program (caps are plain bounds)."""
        return needs_program(cast("Rules", self))

    def describe(self, language: str = "en") -> list[str]:
        """The active rules in words (``"en"``, ``"nb"`` or ``"nn"``), for messages and
        reports."""
        return describe_rules(cast("Rules", self), language)


if TYPE_CHECKING:

    class Rules(_RulesBase):
        """Rules of the real process on top of the bounds (all off by default).

        One field per parameter of a process rule, built from the rule registry of
        ``busetting._rules`` (each rule declares its parameters, their checks and words).
        What each means and which route solves it is in
        [the rules of the real process](constraints.md); at run time
        ``help(busetting.Rules)`` and ``Rules.model_json_schema()`` give every parameter
        with its documentation.
        """

        def __init__(self, **data: Any) -> None: ...

        def __getattr__(self, name: str) -> Any: ...

else:
    Rules = rules_model(_RulesBase)


def parse_criteria(value: Any, where: str = "criteria") -> tuple[Criterion, ...]:
    """Criteria from a mapping ``{column: weight}`` (volume shorthand) or a sequence."""
    if isinstance(value, Mapping):
        return tuple(Criterion(name=str(k), indicator=str(k), weight=w) for k, w in value.items())
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(c if isinstance(c, Criterion) else Criterion.model_validate(c) for c in value)
    raise TypeError(
        f"The `{where}` parameter must be a mapping of indicator to weight or a sequence of "
        f"Criterion. Got {type(value).__name__} instead."
    )


def check_criteria(criteria: Sequence[Criterion], label: str) -> list[dict[str, Any]]:
    """Checks of a criteria list on its own: non-empty, unique names, weights summing to 1."""
    failures: list[dict[str, Any]] = []

    def fail(reason: str, value: Any) -> None:
        failures.append(
            {
                "row": None,
                "municipality_id": None,
                "column": label,
                "value": value,
                "reason": reason,
            }
        )

    if not criteria:
        fail(f"{label} must hold at least one criterion", 0)
        return failures
    names = [c.name for c in criteria]
    for name in sorted({n for n in names if names.count(n) > 1}):
        fail(f"{label}: criterion names must be unique", name)
    total_w = math.fsum(c.weight for c in criteria)
    if abs(total_w - 1.0) > WEIGHT_TOLERANCE:
        fail(f"{label}: weights must sum to 1", total_w)
    return failures


# -- the column store --------------------------------------------------------------------------

_COUNTS = ("min", "max", "fixed", "minors_max", "minors_min")
INT64_MAX = 2**63 - 1
"""Where a count beyond 64 bits is clipped in :class:`Columns` (beyond every limit)."""
"""The optional counts of a municipality, held with :data:`NONE` for "not given"."""


def _frozen(values: Any, dtype: Any) -> NDArray[Any]:
    """A read-only array of ``dtype`` (a copy when it needs converting)."""
    out = np.asarray(values, dtype=dtype)
    if out.flags.writeable and out.base is not None:
        out = out.copy()
    out.flags.writeable = False
    return out


def _optional(value: int) -> int | None:
    return None if value == NONE else value


@dataclasses.dataclass(frozen=True, eq=False)
class Columns:
    """The municipalities of a problem as columns, in id order (the problem's row order).

    Attributes
    ----------
    ids, names, counties : tuple of str
    population : ndarray of int64
    min, max, fixed, minors_max, minors_min : ndarray of int64
        :data:`NONE` (-1) where not given.
    minors_eligible : ndarray of bool
    indicators : mapping of str to ndarray of float64
        One array per indicator name (names sorted); NaN where a municipality has no value.

    A count above ``2**63 - 1`` (far beyond the documented limits, refused by ``allocate``)
    is held as :data:`INT64_MAX`.

    The arrays are read-only. A ``Columns`` is trusted as it is: build one with
    :meth:`from_models` or :meth:`Problem.from_frame`, which check every value.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    counties: tuple[str, ...]
    population: IntArray
    min: IntArray
    max: IntArray
    fixed: IntArray
    minors_eligible: BoolArray
    minors_max: IntArray
    minors_min: IntArray
    indicators: Mapping[str, FloatArray]

    def __post_init__(self) -> None:
        for name in ("population", *_COUNTS):
            object.__setattr__(self, name, _frozen(getattr(self, name), np.int64))
        object.__setattr__(self, "minors_eligible", _frozen(self.minors_eligible, np.bool_))
        inds = {k: _frozen(self.indicators[k], np.float64) for k in sorted(self.indicators)}
        object.__setattr__(self, "indicators", inds)

    def __len__(self) -> int:
        return len(self.ids)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Columns, tuple(getattr(self, f.name) for f in dataclasses.fields(self)))

    def indicator(self, name: str) -> FloatArray:
        """Values of indicator ``name`` (``"population"`` is the population where no
        indicator of that name is given); NaN where missing."""
        values = self.indicators.get(name)
        if name == POPULATION:
            pop = self.population.astype(np.float64)
            return pop if values is None else np.where(np.isnan(values), pop, values)
        if values is None:
            return np.full(len(self), np.nan)
        return values

    def replace(self, **changes: Any) -> Columns:
        """A copy with some columns replaced (not checked)."""
        return dataclasses.replace(self, **changes)

    def take(self, order: IntArray) -> Columns:
        """The rows at positions ``order``, in that order."""
        pick = order.tolist()
        return Columns(
            ids=tuple(self.ids[i] for i in pick),
            names=tuple(self.names[i] for i in pick),
            counties=tuple(self.counties[i] for i in pick),
            population=self.population[order],
            min=self.min[order],
            max=self.max[order],
            fixed=self.fixed[order],
            minors_eligible=self.minors_eligible[order],
            minors_max=self.minors_max[order],
            minors_min=self.minors_min[order],
            indicators={k: v[order] for k, v in self.indicators.items()},
        )

    @classmethod
    def from_models(cls, models: Sequence[Municipality]) -> Columns:
        """Columns of ``models``, in the given order."""

        def counts(name: str) -> IntArray:
            values = [getattr(m, name) for m in models]
            return np.array(
                [NONE if v is None else min(v, INT64_MAX) for v in values], dtype=np.int64
            )

        names = sorted({k for m in models for k in m.indicators})
        return cls(
            ids=tuple(m.municipality_id for m in models),
            names=tuple(m.name for m in models),
            counties=tuple(m.county for m in models),
            population=np.array([min(m.population, INT64_MAX) for m in models], dtype=np.int64),
            min=counts("min"),
            max=counts("max"),
            fixed=counts("fixed"),
            minors_eligible=np.array([m.minors_eligible for m in models], dtype=np.bool_),
            minors_max=counts("minors_max"),
            minors_min=counts("minors_min"),
            indicators={
                k: np.array([m.indicators.get(k, np.nan) for m in models], dtype=np.float64)
                for k in names
            },
        )

    def models(self) -> list[Municipality]:
        """One validated-equivalent :class:`Municipality` per row (built without re-checking)."""
        counts = {k: getattr(self, k).tolist() for k in _COUNTS}
        inds = {k: v.tolist() for k, v in self.indicators.items()}
        pops = self.population.tolist()
        eligible = self.minors_eligible.tolist()
        out = []
        for i, mid in enumerate(self.ids):
            data: dict[str, Any] = {
                "municipality_id": mid,
                "name": self.names[i],
                "county": self.counties[i],
                "population": pops[i],
                "indicators": {k: v[i] for k, v in inds.items() if v[i] == v[i]},
                "minors_eligible": eligible[i],
            }
            for k, v in counts.items():
                data[k] = _optional(v[i])
            out.append(Municipality.model_construct(**data))
        return out

    def equals(self, other: Columns) -> bool:
        """Whether both hold the same values (NaN equal to NaN)."""
        return self is other or self.digest == other.digest

    @cached_property
    def index(self) -> pd.Index:
        """The ids as a pandas ``Index`` named ``municipality_id`` (shared: an Index is
        immutable)."""
        return pd.Index(list(self.ids), name="municipality_id")

    @cached_property
    def all_rows(self) -> IntArray:
        """Positions of every municipality (``0, 1, ..., n - 1``)."""
        return _frozen(np.arange(len(self)), np.int64)

    @cached_property
    def eligible_rows(self) -> IntArray:
        """Positions of the municipalities eligible for minors."""
        return _frozen(np.flatnonzero(self.minors_eligible), np.int64)

    @cached_property
    def eligible_ids(self) -> tuple[str, ...]:
        """Ids of the municipalities eligible for minors."""
        return tuple(self.ids[r] for r in self.eligible_rows.tolist())

    @cached_property
    def largest(self) -> Mapping[str, float]:
        """The largest value of each count column and each indicator (``-inf`` when none is
        given), so a range check looks at the rows only when one is out of range."""
        out = {}
        for name in ("population", *_COUNTS):
            values = getattr(self, name)
            out[name] = float(values.max()) if len(values) else -math.inf
        for name, values in self.indicators.items():
            given = values[~np.isnan(values)]
            out[name] = float(given.max()) if len(given) else -math.inf
        return out

    @cached_property
    def memo(self) -> dict[tuple[object, ...], object]:
        """Values derived from the columns alone (e.g. a criterion's shares), kept by the
        module that derives them under a key naming what they are."""
        return {}

    @cached_property
    def position(self) -> Mapping[str, int]:
        """Row position of each id."""
        return {mid: i for i, mid in enumerate(self.ids)}

    @cached_property
    def duplicates(self) -> tuple[int, ...]:
        """Positions of rows whose id equals the previous row's (ids are in sorted order)."""
        if len(set(self.ids)) == len(self.ids):
            return ()
        return tuple(i for i in range(1, len(self.ids)) if self.ids[i] == self.ids[i - 1])

    @cached_property
    def digest(self) -> bytes:
        """SHA-256 of the canonical bytes of the columns (see :func:`fingerprint`)."""
        h = hashlib.sha256(f"columns {len(self)}\n".encode())
        for strings in (self.ids, self.names, self.counties):
            _hash_strings(h, strings)
        for name in ("population", *_COUNTS):
            h.update(getattr(self, name).astype("<i8").tobytes())
        h.update(self.minors_eligible.astype(np.uint8).tobytes())
        _hash_strings(h, tuple(self.indicators))
        for values in self.indicators.values():
            canonical = np.where(np.isnan(values), np.nan, values + 0.0)  # one NaN, no -0.0
            h.update(canonical.astype("<f8").tobytes())
        return h.digest()


def _hash_strings(h: Any, strings: tuple[str, ...]) -> None:
    """Feed ``strings`` to ``h`` unambiguously: their lengths, then their UTF-8 text."""
    h.update(np.fromiter(map(len, strings), dtype="<i8", count=len(strings)).tobytes())
    h.update("".join(strings).encode("utf-8", "surrogatepass"))


class Municipalities(Sequence[Municipality]):
    """The municipalities of a problem: a read-only sequence backed by :class:`Columns`.

    Indexing and iterating give :class:`Municipality` objects, made from the columns on first
    use; equality compares the columns. ``problem.columns`` is the column store itself.
    """

    __slots__ = ("_columns", "_models")

    def __init__(self, columns: Columns, models: Sequence[Municipality] | None = None) -> None:
        self._columns = columns
        self._models = None if models is None else tuple(models)

    @property
    def columns(self) -> Columns:
        """The column store."""
        return self._columns

    def models(self) -> tuple[Municipality, ...]:
        """All rows as :class:`Municipality` objects (made once)."""
        if self._models is None:
            self._models = tuple(self._columns.models())
        return self._models

    def __len__(self) -> int:
        return len(self._columns)

    @overload
    def __getitem__(self, index: int) -> Municipality: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Municipality, ...]: ...

    def __getitem__(self, index: int | slice) -> Municipality | tuple[Municipality, ...]:
        return self.models()[index]

    def __iter__(self) -> Iterator[Municipality]:
        return iter(self.models())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Municipalities):
            return self._columns.equals(other._columns)
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self.models() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (Municipalities, (self._columns,))

    def __repr__(self) -> str:
        return f"Municipalities({len(self)} rows: {', '.join(self._columns.ids[:3])}, ...)"

    @classmethod
    def of(cls, models: Sequence[Municipality]) -> Municipalities:
        """The table of ``models`` in id order."""
        ordered = sorted(models, key=lambda m: m.municipality_id)
        return cls(Columns.from_models(ordered), ordered)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        as_list = core_schema.list_schema(handler.generate_schema(Municipality))

        def keep(value: Any, validate: Callable[[Any], Any]) -> Any:
            return value if isinstance(value, Municipalities) else validate(value)

        def dump(value: Sequence[Municipality]) -> list[Municipality]:
            return list(value.models() if isinstance(value, Municipalities) else value)

        return core_schema.no_info_wrap_validator_function(
            keep,
            core_schema.no_info_after_validator_function(cls.of, as_list),
            serialization=core_schema.plain_serializer_function_ser_schema(
                dump, return_schema=as_list
            ),
        )


def columns_of(municipalities: Sequence[Municipality]) -> Columns:
    """The column store of a problem's municipalities (built when they are a plain sequence,
    as ``model_copy(update=...)`` leaves them)."""
    if isinstance(municipalities, Municipalities):
        return municipalities.columns
    return Municipalities.of(municipalities).columns


def check_problem(
    columns: Columns,
    criteria: Sequence[Criterion],
    minors_criteria: Sequence[Criterion] | None,
    rules: Rules | None = None,
) -> list[dict[str, Any]]:
    """Problem-level checks; one failure record per problem found (empty when valid)."""
    failures: list[dict[str, Any]] = []

    def fail(reason: str, value: Any, mid: str | None = None, column: str | None = None) -> None:
        failures.append(
            {
                "row": None,
                "municipality_id": mid,
                "column": column,
                "value": value,
                "reason": reason,
            }
        )

    if not len(columns):
        fail("at least one municipality is required", 0)
    for i in columns.duplicates:
        mid = columns.ids[i]
        fail("municipality_id must be unique", mid, mid, "municipality_id")
    failures.extend(check_criteria(criteria, "criteria"))
    if rules is not None:
        for reason, value in rule_problem_failures(rules, set(columns.counties)):
            fail(reason, value, column="county")
    if minors_criteria is not None:
        failures.extend(check_criteria(minors_criteria, "minors_criteria"))
    for label, crits in (("criteria", criteria), ("minors_criteria", minors_criteria)):
        for c in crits or ():
            for ind in c.indicators_used:
                if ind == POPULATION:
                    continue
                for i in np.flatnonzero(np.isnan(columns.indicator(ind))).tolist():
                    fail(
                        f"{label}: indicator {ind!r} of criterion {c.name!r} is missing",
                        None,
                        columns.ids[i],
                        ind,
                    )
    return failures


def _canonical(model: BaseModel) -> str:
    """A model's type and (field, value) pairs as text, mappings sorted by key."""
    pairs = [
        (name, sorted(value.items()) if isinstance(value, dict) else value)
        for name, value in vars(model).items()
    ]
    return f"{type(model).__name__}{pairs!r}"


def canonical_rules(rules: BaseModel) -> str:
    """The rules as text for the fingerprint: only the parameters set away from their
    defaults, sorted by name (so a new rule, off by default, or a new order of the registry
    changes no fingerprint)."""
    defaults = {name: f.default for name, f in type(rules).model_fields.items()}
    pairs = sorted(
        (name, sorted(value.items()) if isinstance(value, dict) else value)
        for name, value in vars(rules).items()
        if value != defaults.get(name, object())
    )
    return f"Rules{pairs!r}"


@functools.lru_cache(maxsize=256)
def _criteria_text(criteria: tuple[Criterion, ...] | None) -> str:
    """:func:`_canonical` of each criterion (frozen, so the text is kept per key)."""
    if criteria is None:
        return "no criteria"
    return repr([_canonical(c) for c in criteria])


def fingerprint(problem: Problem, method: object = "") -> str:
    """SHA-256 (hex) of ``problem`` and ``method``, the same for equal problems in any row order.

    Parameters
    ----------
    problem : Problem
        The problem; its columns are hashed once and the digest kept with them.
    method : Method or str
        The apportionment method (any value; its ``str`` is hashed).

    Returns
    -------
    str
        64 hex digits; different when any value of the problem or the method differs.

    Notes
    -----
    The hash runs over, in order: a version tag; the columns (:attr:`Columns.digest`: the row
    count; the ids, names and counties as their lengths (int64, little-endian) and their
    UTF-8 text; the population and the optional counts as int64 with -1 for "not given";
    ``minors_eligible`` as bytes; the sorted indicator names like the ids, then each
    indicator as float64 with one NaN for "missing"); the criteria, the minors criteria, the
    need and the rules, each as the Python ``repr`` of its (field, value) pairs (mappings
    sorted; the ``repr`` of a float is exact; of the rules only the parameters set away from
    their defaults, sorted by name, so a new rule changes no fingerprint) in UTF-8 after its
    length in bytes (uint64, little-endian); and ``str(method)``.

    Examples
    --------
    >>> import busetting as bs
    >>> ms = [bs.Municipality(municipality_id=i, name=i, population=1) for i in ("b", "a")]
    >>> p = bs.Problem(municipalities=ms, criteria={"population": 1.0}, need=bs.Need(total=2))
    >>> q = bs.Problem(municipalities=ms[::-1], criteria={"population": 1.0},
    ...                need=bs.Need(total=2))
    >>> fingerprint(p, "webster") == fingerprint(q, "webster") != fingerprint(p, "hamilton")
    True
    """
    check_types(fingerprint, locals())
    h = hashlib.sha256(b"busetting problem v3\n")
    h.update(problem.columns.digest)
    parts = [
        _criteria_text(problem.criteria),
        _criteria_text(problem.minors_criteria),
        _canonical(problem.need),
        canonical_rules(problem.rules),
    ]
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little") + data)
    h.update(b"\x00method=" + str(method).encode("utf-8"))
    return h.hexdigest()


class Problem(_Checked):
    """An allocation problem: municipalities, the criteria key and the national need.

    Municipalities are stored sorted by ``municipality_id`` (exact string order), so the
    problem (and every result computed from it) does not depend on the order of the input
    rows. They are held as columns (:attr:`columns`); ``municipalities`` is a read-only
    sequence of :class:`Municipality` made from them on first use.

    Examples
    --------
    >>> import busetting as bs
    >>> p = bs.Problem(
    ...     municipalities=[
    ...         bs.Municipality(municipality_id="0301", name="Oslo", population=700),
    ...         bs.Municipality(municipality_id="1103", name="Stavanger", population=150),
    ...     ],
    ...     criteria=[bs.Criterion(name="population", indicator="population", weight=1.0)],
    ...     need=bs.Need(total=17),
    ... )
    >>> p.total, p.ids
    (17, ('0301', '1103'))
    """

    model_config = _FROZEN

    municipalities: Annotated[Sequence[Municipality], Municipalities]
    criteria: tuple[Criterion, ...]
    minors_criteria: tuple[Criterion, ...] | None = None
    need: Need
    rules: Rules = Field(default_factory=Rules)

    @field_validator("criteria", "minors_criteria", mode="before")
    @classmethod
    def _criteria(cls, v: Any) -> Any:
        if v is None or isinstance(v, Mapping):
            return None if v is None else parse_criteria(v)
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Problem:
        failures = check_problem(self.columns, self.criteria, self.minors_criteria, self.rules)
        if failures:
            parts = []
            for f in failures:
                where = f" (municipality {f['municipality_id']})" if f["municipality_id"] else ""
                parts.append(f"{f['reason']}{where}; got {f['value']!r}")
            raise ValueError("; ".join(parts))
        return self

    # -- convenience ---------------------------------------------------------------------

    @property
    def columns(self) -> Columns:
        """The municipalities as columns (numpy arrays in id order), built once."""
        return columns_of(self.municipalities)

    @property
    def total(self) -> int:
        """The national need, persons."""
        return self.need.total

    @property
    def minors_total(self) -> int:
        """Of the total, unaccompanied minors (the minors need)."""
        return self.need.minors

    @property
    def minors(self) -> int:
        """Deprecated name of :attr:`minors_total`."""
        warn_renamed("Problem.minors", "Problem.minors_total")
        return self.need.minors

    @property
    def ids(self) -> tuple[str, ...]:
        """Municipality ids in the problem's (sorted) order."""
        return self.columns.ids

    @property
    def effective_minors_criteria(self) -> tuple[Criterion, ...]:
        """The minors key's criteria (the main criteria when none are given)."""
        return self.minors_criteria if self.minors_criteria is not None else self.criteria

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Problem:
        """pydantic's unvalidated copy; new ``municipalities`` are put in id order and held
        as columns (prefer the validated ``with_*`` methods)."""
        if update and "municipalities" in update:
            rows = update["municipalities"]
            if not isinstance(rows, Municipalities):
                update = {**update, "municipalities": Municipalities.of(rows)}
        return super().model_copy(update=update, deep=deep)

    def _replaced(self, **changes: Any) -> Problem:
        """A validated copy with some fields changed (the columns are reused, not rebuilt)."""
        fields = {
            "municipalities": self.municipalities,
            "criteria": self.criteria,
            "minors_criteria": self.minors_criteria,
            "need": self.need,
            "rules": self.rules,
        }
        return Problem.model_validate({**fields, **changes})

    def with_need(self, total: int, minors: int | None = None) -> Problem:
        """A validated copy with another national need (``minors`` kept unless given)."""
        need = Need(total=total, minors=self.minors_total if minors is None else minors)
        return self._replaced(need=need)

    # -- display -----------------------------------------------------------------------------

    def _summary(self) -> list[str]:
        weights = ", ".join(f"{c.name}={c.weight:g}" for c in self.criteria)
        n = len(self.columns)
        lines = [
            f"Problem({n} municipalities, need {self.total:,}, "
            f"of whom {self.minors_total:,} minors)",
            f"  criteria: {weights}",
        ]
        if self.minors_criteria is not None:
            minors = ", ".join(f"{c.name}={c.weight:g}" for c in self.minors_criteria)
            lines.append(f"  minors criteria: {minors}")
        eligible = int(self.columns.minors_eligible.sum())
        lines.append(f"  minors eligible: {eligible} of {n}")
        rules = self.rules.describe()
        lines.append(f"  rules: {'; '.join(rules) if rules else 'none'}")
        return lines

    def __repr__(self) -> str:
        return "\n".join(self._summary())

    def __str__(self) -> str:
        return self.__repr__()

    def _repr_html_(self) -> str:
        import html

        head = "".join(f"<div>{html.escape(line.strip())}</div>" for line in self._summary())
        table = self.to_frame().head(10).to_html(float_format=lambda v: f"{v:,.4g}")
        more = len(self.columns) - 10
        tail = f"<div>… and {more} more (<code>.to_frame()</code>)</div>" if more > 0 else ""
        return f"<div class='busetting-problem'>{head}{table}{tail}</div>"

    def to_frame(self) -> pd.DataFrame:
        """One row per municipality: identity, bounds, minors fields and every indicator.

        Columns: ``municipality_id`` (index), ``name``, ``county``, ``population``, ``min``,
        ``max``, ``fixed``, ``minors_eligible``, ``minors_max``, ``minors_min`` (nullable
        integers) and one column per indicator. The inverse of :meth:`from_frame` (with the
        same criteria, total and minors).

        >>> import busetting as bs
        >>> p = bs.Problem(municipalities=[bs.Municipality(municipality_id="0301",
        ...                name="Oslo", population=700, indicators={"capacity": 9.0})],
        ...                criteria={"capacity": 1.0}, need=bs.Need(total=10))
        >>> p.to_frame()[["name", "population", "capacity"]].to_dict("records")
        [{'name': 'Oslo', 'population': 700, 'capacity': 9.0}]
        """
        c = self.columns
        frame = pd.DataFrame(
            {"name": list(c.names), "county": list(c.counties), "population": c.population},
            index=c.index,
        )
        for col in _COUNTS:
            values = getattr(c, col)
            frame[col] = pd.arrays.IntegerArray(values.copy(), values == NONE)
        frame.insert(6, "minors_eligible", c.minors_eligible.copy())
        for name, values in c.indicators.items():
            frame[name] = values.copy()
        return frame

    def with_criteria(
        self,
        criteria: Mapping[str, float] | Sequence[Criterion],
        minors_criteria: Mapping[str, float] | Sequence[Criterion] | None = None,
    ) -> Problem:
        """A validated copy with another requests key (and minors key, when given).

        >>> import busetting as bs
        >>> p = bs.Problem(municipalities=[bs.Municipality(municipality_id="0301",
        ...                name="Oslo", population=1)], criteria={"population": 1.0},
        ...                need=bs.Need(total=10))
        >>> only = p.with_criteria({"population": 1.0}).criteria[0]
        >>> only.name, only.weight
        ('population', 1.0)

        Unlike ``model_copy(update=...)``, the copy is validated: a criterion that reads a
        missing indicator raises :class:`~busetting._exceptions.InputError`.
        """
        if minors_criteria is None:
            return self._replaced(criteria=criteria)
        return self._replaced(criteria=criteria, minors_criteria=minors_criteria)

    def with_fixed(self, fixed: Mapping[str, int]) -> Problem:
        """A validated copy with the requests of some municipalities held fixed (already
        decided).

        Raises :class:`~busetting._exceptions.InputError` naming any id that is not in the
        problem, or when a value is not a whole number >= 0 or breaks the
        municipality's bounds.
        """
        c = self.columns
        failures: list[dict[str, Any]] = []

        def fail(mid: Any, value: Any, reason: str) -> None:
            failures.append(
                {
                    "row": None,
                    "municipality_id": mid,
                    "column": "fixed",
                    "value": value,
                    "reason": reason,
                }
            )

        if not isinstance(fixed, Mapping):
            fail(None, type(fixed).__name__, "must be a mapping of municipality id to a count")
            raise InputError.from_failures("Problem.with_fixed", failures)
        values = c.fixed.copy()
        for mid, v in fixed.items():
            if mid not in c.position:
                fail(mid, v, "is not a municipality of the problem")
                continue
            try:
                values[c.position[mid]] = _check_count(v)
            except (ValueError, TypeError) as exc:
                fail(mid, v, str(exc))
        if failures:
            raise InputError.from_failures("Problem.with_fixed", failures)
        table = c.replace(fixed=values)
        for i, _, _, reason in bound_failures(table):
            fail(table.ids[i], int(values[i]), reason)
        if failures:
            raise InputError.from_failures("Problem.with_fixed", failures)
        return self._replaced(municipalities=Municipalities(table))

    def with_rules(self, rules: Rules | None = None, **changes: Any) -> Problem:
        """A copy with other rules: a whole :class:`Rules`, or changes to the current ones.

        >>> import busetting as bs
        >>> p = bs.Problem(municipalities=[bs.Municipality(municipality_id="0301",
        ...                name="Oslo", population=1)], criteria={"population": 1.0},
        ...                need=bs.Need(total=10))
        >>> p.with_rules(granularity=5).rules.granularity
        5
        """
        new = (
            rules
            if rules is not None
            else Rules.model_validate({**self.rules.model_dump(), **changes})
        )
        return self._replaced(rules=new)

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        total: int,
        minors: int = 0,
        criteria: Mapping[str, float] | Sequence[Criterion | Mapping[str, Any]],
        minors_criteria: Mapping[str, float]
        | Sequence[Criterion | Mapping[str, Any]]
        | None = None,
        indicators: Sequence[str] = (),
        id_format: IdFormat = None,
    ) -> Problem:
        """Build a problem from a DataFrame with one row per municipality (region).

        Columns: ``municipality_id``, ``name``, ``population`` (required), ``county`` and the
        optional ``min``, ``max``, ``fixed``, ``minors_eligible``, ``minors_max``,
        ``minors_min``, plus one column per indicator the criteria use (and per name in
        ``indicators``). The Norwegian headers ``kommunenummer``, ``kommune`` and ``fylke``
        are accepted as aliases, ``minors_capacity`` as the deprecated name of
        ``minors_max``. Every row is checked, column by column; all failures are raised
        together as one :class:`~busetting._exceptions.InputError` whose ``failure_cases``
        table names row, municipality, column, value and reason. The frame is not modified.

        Ids are any non-empty strings without leading or trailing whitespace, unique by exact
        comparison; whole numbers (pandas reads ``0301`` as 301) become the digits as
        written (``"301"``). With ``id_format="kommunenummer"`` every id must be a 4-digit
        kommunenummer, and whole numbers are zero-padded (301 -> ``"0301"``).

        Examples
        --------
        >>> import pandas as pd, busetting as bs
        >>> df = pd.DataFrame({"kommunenummer": ["0301", "1103"], "kommune": ["Oslo", "Stavanger"],
        ...                    "population": [700, 150]})
        >>> bs.Problem.from_frame(df, total=17, criteria={"population": 1.0}).ids
        ('0301', '1103')
        >>> df["kommunenummer"] = [301, 1103]
        >>> bs.Problem.from_frame(df, total=17, criteria={"population": 1.0},
        ...                       id_format="kommunenummer").ids
        ('0301', '1103')
        """
        from busetting._frame import problem_from_frame

        return problem_from_frame(
            df,
            total=total,
            minors=minors,
            criteria=criteria,
            minors_criteria=minors_criteria,
            indicators=indicators,
            id_format=id_format,
        )
