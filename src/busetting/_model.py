"""Inputs: municipalities, criteria, the national need and the problem that holds them.

All models are pydantic v2, frozen and strict about unknown fields (``extra="forbid"``), so a
problem can be exported as JSON Schema (``Problem.model_json_schema()``), sent over the wire
and read back unchanged. Constructing a model directly raises ``pydantic.ValidationError``
(a ``ValueError``); :meth:`Problem.from_frame` checks every row and raises one
:class:`~busetting._exceptions.InputError` whose ``failure_cases`` table lists each failure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Criterion", "Municipality", "Need", "Problem", "Rules"]

ID_PATTERN = re.compile(r"[0-9]{4}")
"""A kommunenummer, matched in full (``fullmatch``: no trailing newline or space)."""
ID_REASON = "must be a 4-digit string with leading zeros kept (e.g. '0301')"
WEIGHT_TOLERANCE = 1e-9
"""How far the criteria weights may sum from 1 (absolute)."""

POPULATION = "population"
"""Indicator name that refers to :attr:`Municipality.population`."""

_FROZEN = ConfigDict(frozen=True, extra="forbid")


COUNT_REASON = "must be a whole number >= 0"


def _check_count(value: Any) -> int:
    """Accept a whole number >= 0 (an int, or a float holding one); else ValueError."""
    if hasattr(value, "item") and not isinstance(value, (str, bool, int, float)):
        value = value.item()  # numpy scalars
    if isinstance(value, bool):
        raise ValueError(COUNT_REASON)
    if isinstance(value, int):
        n = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        n = int(value)
    else:
        raise ValueError(COUNT_REASON)
    if n < 0:
        raise ValueError(COUNT_REASON)
    return n


class Municipality(BaseModel):
    """One municipality (kommune): identity, size, indicators and bounds.

    Attributes
    ----------
    municipality_id : str
        Kommunenummer, a 4-digit string with the leading zero kept (``"0301"``).
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
    minors_capacity : int, optional
        Upper bound on the minors asked of it.
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
    minors_capacity: int | None = None
    minors_min: int | None = None

    @field_validator("municipality_id", mode="before")
    @classmethod
    def _id(cls, v: Any) -> str:
        if not isinstance(v, str) or not ID_PATTERN.fullmatch(v):
            raise ValueError(ID_REASON)
        return v

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

    @field_validator("min", "max", "fixed", "minors_capacity", "minors_min", mode="before")
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
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) must not exceed max ({self.max})")
        if self.fixed is not None:
            if self.min is not None and self.fixed < self.min:
                raise ValueError(f"fixed ({self.fixed}) must not be below min ({self.min})")
            if self.max is not None and self.fixed > self.max:
                raise ValueError(f"fixed ({self.fixed}) must not exceed max ({self.max})")
        if self.minors_min:
            if not self.minors_eligible:
                raise ValueError(f"minors_min ({self.minors_min}) needs minors_eligible")
            if self.minors_capacity is not None and self.minors_min > self.minors_capacity:
                raise ValueError(
                    f"minors_min ({self.minors_min}) must not exceed "
                    f"minors_capacity ({self.minors_capacity})"
                )
            top = self.fixed if self.fixed is not None else self.max
            if top is not None and self.minors_min > top:
                raise ValueError(
                    f"minors_min ({self.minors_min}) must not exceed the request's "
                    f"upper bound ({top})"
                )
        return self

    def indicator(self, name: str) -> float:
        """Value of indicator ``name`` (``"population"`` is the population)."""
        if name == POPULATION and name not in self.indicators:
            return float(self.population)
        return self.indicators[name]


class Criterion(BaseModel):
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


class Need(BaseModel):
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


class Rules(BaseModel):
    """Rules of the real process on top of the bounds (all off by default).

    Attributes
    ----------
    granularity : int
        Requests in multiples of ``g`` (IMDi uses 5). The national total stays exact: when the
        total left after fixed values is not a multiple of ``g``, exactly ``r = N' mod g``
        municipalities get a request one above a multiple of ``g`` (the smallest step off the
        grid), chosen by the objective. Fixed values are held as they are.
    min_request : int
        Nobody is asked for fewer than ``k``: each request is 0 or at least ``k``.
    min_request_all : bool
        Every municipality whose bounds allow it is asked for at least ``min_request``.
    minors_min_group : int
        Minors in groups: each municipality's minors are 0 or at least this many.
    minors_min_group_all : bool
        Every eligible municipality gets at least ``minors_min_group`` minors.
    max_minors_hosts : int, optional
        At most this many municipalities are asked for minors (exactly, with
        ``exact_minors_hosts``), chosen by the objective among the eligible.
    county_totals : dict of str to int, optional
        Totals per county (the counties' recommendations), as hard equalities, or as targets
        with ``county_penalty`` per person of deviation added to the objective.
    county_penalty : float, optional
        ``None`` (default): county totals are hard. A positive number: soft, with this penalty.
    per_capita_cap : float, optional
        ``x_i <= floor(r * population_i)``: spread.
    share_cap : float, optional
        ``x_i <= floor(s * N)``: no municipality takes more than this share of the need.
    """

    model_config = _FROZEN

    granularity: int = 1
    min_request: int = 0
    min_request_all: bool = False
    minors_min_group: int = 0
    minors_min_group_all: bool = False
    max_minors_hosts: int | None = None
    exact_minors_hosts: bool = False
    county_totals: dict[str, int] | None = None
    county_penalty: float | None = None
    per_capita_cap: float | None = None
    share_cap: float | None = None

    @field_validator("granularity", mode="before")
    @classmethod
    def _granularity(cls, v: Any) -> int:
        n = _check_count(v)
        if n < 1:
            raise ValueError("must be a whole number >= 1")
        return n

    @field_validator("min_request", "minors_min_group", mode="before")
    @classmethod
    def _minimums(cls, v: Any) -> int:
        return _check_count(v)

    @field_validator("max_minors_hosts", mode="before")
    @classmethod
    def _hosts(cls, v: Any) -> int | None:
        return None if v is None else _check_count(v)

    @field_validator("county_totals", mode="before")
    @classmethod
    def _county_totals(cls, v: Any) -> dict[str, int] | None:
        if v is None:
            return None
        if not isinstance(v, Mapping):
            raise ValueError("must be a mapping of county to a whole number >= 0")
        return {str(k): _check_count(n) for k, n in v.items()}

    @field_validator("county_penalty", "per_capita_cap", "share_cap", mode="before")
    @classmethod
    def _positive(cls, v: Any) -> float | None:
        if v is None:
            return None
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise ValueError("must be a positive finite number") from None
        if isinstance(v, bool) or not math.isfinite(f) or f <= 0:
            raise ValueError("must be a positive finite number")
        return f

    @model_validator(mode="after")
    def _share(self) -> Rules:
        if self.share_cap is not None and self.share_cap > 1:
            raise ValueError(f"share_cap ({self.share_cap}) must not exceed 1")
        if self.exact_minors_hosts and self.max_minors_hosts is None:
            raise ValueError("exact_minors_hosts needs max_minors_hosts")
        return self

    @property
    def needs_program(self) -> bool:
        """Whether the rules need the integer program (caps are plain bounds)."""
        return (
            self.granularity > 1
            or self.min_request > 0
            or self.minors_min_group > 0
            or self.max_minors_hosts is not None
            or self.county_totals is not None
        )

    def describe(self) -> list[str]:
        """The active rules in words, for messages and reports."""
        out = []
        if self.granularity > 1:
            out.append(f"granularity {self.granularity}")
        if self.min_request:
            out.append(
                f"minimum request {self.min_request}"
                + (" for every municipality" if self.min_request_all else "")
            )
        if self.minors_min_group:
            out.append(
                f"minors in groups of at least {self.minors_min_group}"
                + (" in every eligible municipality" if self.minors_min_group_all else "")
            )
        if self.max_minors_hosts is not None:
            kind = "exactly" if self.exact_minors_hosts else "at most"
            out.append(f"{kind} {self.max_minors_hosts} minors hosts")
        if self.county_totals is not None:
            kind = "hard" if self.county_penalty is None else f"penalty {self.county_penalty:g}"
            out.append(f"county totals ({kind})")
        if self.per_capita_cap is not None:
            out.append(f"per-capita cap {self.per_capita_cap:g}")
        if self.share_cap is not None:
            out.append(f"share cap {self.share_cap:g}")
        return out


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


def check_problem(
    municipalities: Sequence[Municipality],
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

    if not municipalities:
        fail("at least one municipality is required", 0)
    seen: set[str] = set()
    for m in municipalities:
        if m.municipality_id in seen:
            fail(
                "municipality_id must be unique",
                m.municipality_id,
                m.municipality_id,
                "municipality_id",
            )
        seen.add(m.municipality_id)

    failures.extend(check_criteria(criteria, "criteria"))
    if rules is not None and rules.county_totals:
        counties = {m.county for m in municipalities}
        for name in sorted(set(rules.county_totals) - counties):
            fail("county_totals: no municipality is in this county", name, column="county")
    if minors_criteria is not None:
        failures.extend(check_criteria(minors_criteria, "minors_criteria"))
    for label, crits in (("criteria", criteria), ("minors_criteria", minors_criteria)):
        if crits is None:
            continue
        for c in crits:
            for ind in c.indicators_used:
                if ind == POPULATION:
                    continue
                for m in municipalities:
                    if ind not in m.indicators:
                        fail(
                            f"{label}: indicator {ind!r} of criterion {c.name!r} is missing",
                            None,
                            m.municipality_id,
                            ind,
                        )
    return failures


class Problem(BaseModel):
    """An allocation problem: municipalities, the criteria key and the national need.

    Municipalities are stored sorted by ``municipality_id``, so the problem (and every result
    computed from it) does not depend on the order of the input rows.

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

    municipalities: tuple[Municipality, ...]
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

    @field_validator("municipalities", mode="after")
    @classmethod
    def _sorted(cls, v: tuple[Municipality, ...]) -> tuple[Municipality, ...]:
        return tuple(sorted(v, key=lambda m: m.municipality_id))

    @model_validator(mode="after")
    def _consistent(self) -> Problem:
        failures = check_problem(
            self.municipalities, self.criteria, self.minors_criteria, self.rules
        )
        if failures:
            parts = []
            for f in failures:
                where = f" (municipality {f['municipality_id']})" if f["municipality_id"] else ""
                parts.append(f"{f['reason']}{where}; got {f['value']!r}")
            raise ValueError("; ".join(parts))
        return self

    # -- convenience ---------------------------------------------------------------------

    @property
    def total(self) -> int:
        """The national need, persons."""
        return self.need.total

    @property
    def minors(self) -> int:
        """Of the total, unaccompanied minors."""
        return self.need.minors

    @property
    def ids(self) -> tuple[str, ...]:
        """Municipality ids in the problem's (sorted) order."""
        return tuple(m.municipality_id for m in self.municipalities)

    @property
    def effective_minors_criteria(self) -> tuple[Criterion, ...]:
        """The minors key's criteria (the main criteria when none are given)."""
        return self.minors_criteria if self.minors_criteria is not None else self.criteria

    def with_need(self, total: int, minors: int | None = None) -> Problem:
        """A copy with another national need (``minors`` kept unless given)."""
        need = Need(total=total, minors=self.minors if minors is None else minors)
        return self.model_copy(update={"need": need})

    # -- display -----------------------------------------------------------------------------

    def _summary(self) -> list[str]:
        weights = ", ".join(f"{c.name}={c.weight:g}" for c in self.criteria)
        lines = [
            f"Problem({len(self.municipalities)} municipalities, need {self.total:,}, "
            f"of whom {self.minors:,} minors)",
            f"  criteria: {weights}",
        ]
        if self.minors_criteria is not None:
            minors = ", ".join(f"{c.name}={c.weight:g}" for c in self.minors_criteria)
            lines.append(f"  minors criteria: {minors}")
        eligible = sum(m.minors_eligible for m in self.municipalities)
        lines.append(f"  minors eligible: {eligible} of {len(self.municipalities)}")
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
        more = len(self.municipalities) - 10
        tail = f"<div>… and {more} more (<code>.to_frame()</code>)</div>" if more > 0 else ""
        return f"<div class='busetting-problem'>{head}{table}{tail}</div>"

    def to_frame(self) -> pd.DataFrame:
        """One row per municipality: identity, bounds, minors fields and every indicator.

        Columns: ``municipality_id`` (index), ``name``, ``county``, ``population``, ``min``,
        ``max``, ``fixed``, ``minors_eligible``, ``minors_capacity``, ``minors_min`` (nullable
        integers) and one column per indicator. The inverse of :meth:`from_frame` (with the
        same criteria, total and minors).

        >>> import busetting as bs
        >>> p = bs.Problem(municipalities=[bs.Municipality(municipality_id="0301",
        ...                name="Oslo", population=700, indicators={"capacity": 9.0})],
        ...                criteria={"capacity": 1.0}, need=bs.Need(total=10))
        >>> p.to_frame()[["name", "population", "capacity"]].to_dict("records")
        [{'name': 'Oslo', 'population': 700, 'capacity': 9.0}]
        """
        import pandas as pd

        ms = self.municipalities
        frame = pd.DataFrame(
            {
                "name": [m.name for m in ms],
                "county": [m.county for m in ms],
                "population": [m.population for m in ms],
            },
            index=pd.Index(self.ids, name="municipality_id"),
        )
        for col in ("min", "max", "fixed", "minors_capacity", "minors_min"):
            frame[col] = pd.array([getattr(m, col) for m in ms], dtype="Int64")
        frame.insert(6, "minors_eligible", [m.minors_eligible for m in ms])
        names = sorted({k for m in ms for k in m.indicators})
        for name in names:
            frame[name] = [m.indicators.get(name, float("nan")) for m in ms]
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
        missing indicator raises ``pydantic.ValidationError``.
        """
        data = {**dict(self), "criteria": criteria}
        if minors_criteria is not None:
            data["minors_criteria"] = minors_criteria
        return Problem.model_validate(data)

    def with_fixed(self, fixed: Mapping[str, int]) -> Problem:
        """A copy with the requests of some municipalities held fixed (already decided).

        Raises ``ValueError`` naming any id that is not in the problem.
        """
        known = set(self.ids)
        unknown = sorted(set(fixed) - known)
        if unknown:
            raise ValueError(f"fixed values name unknown municipalities: {', '.join(unknown)}")
        ms = [
            Municipality.model_validate({**m.model_dump(), "fixed": fixed[m.municipality_id]})
            if m.municipality_id in fixed
            else m
            for m in self.municipalities
        ]
        return self.model_copy(update={"municipalities": tuple(ms)})

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
        return Problem.model_validate({**self.model_dump(), "rules": new.model_dump()})

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
    ) -> Problem:
        """Build a problem from a DataFrame with one row per municipality.

        Columns: ``municipality_id``, ``name``, ``population`` (required), ``county`` and the
        optional ``min``, ``max``, ``fixed``, ``minors_eligible``, ``minors_capacity``, plus one
        column per indicator the criteria use. The Norwegian headers ``kommunenummer``,
        ``kommune`` and ``fylke`` are accepted as aliases. Every row is checked; all failures
        are raised together as one :class:`~busetting._exceptions.InputError` whose
        ``failure_cases`` table names row, municipality, column, value and reason. The frame is
        not modified.

        Examples
        --------
        >>> import pandas as pd, busetting as bs
        >>> df = pd.DataFrame({"kommunenummer": ["0301", "1103"], "kommune": ["Oslo", "Stavanger"],
        ...                    "population": [700, 150]})
        >>> bs.Problem.from_frame(df, total=17, criteria={"population": 1.0}).ids
        ('0301', '1103')
        """
        from busetting.io import problem_from_frame

        return problem_from_frame(
            df,
            total=total,
            minors=minors,
            criteria=criteria,
            minors_criteria=minors_criteria,
            indicators=indicators,
        )
