"""The result of an allocation: status, numbers, explanation and proof.

:class:`Allocation` is frozen. It always carries a :class:`Status` and a ``message`` (which
keeps the backend's own status text); infeasibility is a status, and
:meth:`Allocation.raise_for_status` turns a non-optimal status into an exception.
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from busetting._accounting import LAST_YEAR, change_columns
from busetting._exceptions import InfeasibleError, SolverError
from busetting._status import Certificate, RulesCertificate, Shortfall, Status, Tie
from busetting.schemas import AllocationOutput

if TYPE_CHECKING:
    import datetime
    from pathlib import Path

    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

    from busetting._explain import Explanation
    from busetting._model import Problem

__all__ = [
    "Allocation",
    "Certificate",
    "Later",
    "Matrix",
    "RulesCertificate",
    "Shortfall",
    "Status",
    "Tie",
]


@dataclass(frozen=True)
class Matrix:
    """A table in numpy form: one row per municipality, one named column per criterion."""

    values: NDArray[np.float64]
    columns: tuple[str, ...]


_V = TypeVar("_V")

WEAK_MINORS_SIGNAL = "minors_weak_signal"
"""The indicator that marks a municipality whose minors service is a weak signal (the Norway
data sets it); its minors hosts get ``minors_to_confirm`` in :meth:`Allocation.to_frame`."""
_V_co = TypeVar("_V_co", covariant=True)


class Later(Generic[_V_co]):
    """A value computed when first read, then kept: ``Later(fn, *args)`` is ``fn(*args)``
    with every ``Later`` among ``args`` read first. ``allocate`` gives the values no solve
    or check needs (objective values, the fingerprint, labels, the minors columns) in this
    form, so a caller pays only for what it reads; the value is the same either way."""

    __slots__ = ("_pending", "_value")

    def __init__(self, fn: Callable[..., _V_co], /, *args: Any) -> None:
        self._pending: tuple[Callable[..., _V_co], tuple[Any, ...]] | None = (fn, args)

    def __call__(self) -> _V_co:
        pending = self._pending  # one read: safe when two threads read the value at once
        if pending is not None:
            fn, args = pending
            self._value = fn(*(a() if isinstance(a, Later) else a for a in args))
            self._pending = None
        return self._value


Raw = NDArray[Any] | Sequence[str] | Matrix | Later[Any]
"""A column of an :class:`Allocation` as the solve produced it, before pandas."""


class _Kept(Generic[_V]):
    """A field of :class:`Allocation` computed on first read and kept: a :class:`Later`
    value is computed, and with ``build`` a column given in numpy form (:data:`Raw`) is
    turned into its pandas form (a pandas value given is kept as it is). ``allocate`` gives
    numpy arrays, so a caller who reads two columns pays for two.

    As a dataclass field it has no default (reading it on the class raises AttributeError).
    """

    def __init__(self, build: Callable[[Allocation, Any], _V] | None = None) -> None:
        self._build = build

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, obj: Allocation | None, owner: type | None = None) -> _V:
        if obj is None:
            raise AttributeError(self._name)
        value = obj.__dict__[self._name]
        if isinstance(value, Later):
            value = obj.__dict__[self._name] = value()
        if self._build is not None and not (
            value is None or isinstance(value, pd.Series | pd.DataFrame)
        ):
            value = obj.__dict__[self._name] = self._build(obj, value)
        return cast(_V, value)

    def __set__(self, obj: Allocation, value: _V | Later[_V] | Raw) -> None:
        obj.__dict__[self._name] = value


def _series(name: str, dtype: Any = None) -> Callable[[Allocation, Any], pd.Series]:
    def build(alloc: Allocation, values: Any) -> pd.Series:
        # a copy: the values computed on first read (objective) keep reading the solve's arrays
        series: pd.Series = pd.Series(values, index=alloc._index, name=name, dtype=dtype, copy=True)
        return series

    return build


def _labels(alloc: Allocation, labels: Sequence[str]) -> pd.Series:
    series: pd.Series = pd.Series(labels, index=alloc._index, name="binding", dtype=object)
    return series


def _frame(alloc: Allocation, table: Matrix) -> pd.DataFrame:
    return pd.DataFrame(table.values, index=alloc._index, columns=list(table.columns), copy=True)


@dataclass(frozen=True, eq=False, kw_only=True)
class Allocation:
    """Integer requests per municipality, with everything needed to explain and check them.

    Attributes
    ----------
    status : Status
    message : str
        Human-readable outcome; for a solver path it keeps the backend's status text.
    requests, minors : pandas.Series of int64, or None
        Indexed by ``municipality_id``; ``None`` unless a verified allocation exists.
    targets, minors_targets : pandas.Series of float
    contributions, minors_contributions : pandas.DataFrame
        Each criterion's part of the target (rows sum to the target).
    binding : pandas.Series of str
        Which bound or rule holds the request where it is: ``"fixed"``, ``"max"``,
        ``"min"``, ``"minors"`` (held up by its minors), ``"zero target"`` or ``""``.
    objective, requests_objective, minors_objective : float or None
    method, solver, solver_version, solver_reason : str
    certificate : tuple of Certificate or RulesCertificate
        One per key solved by the threshold path; one :class:`RulesCertificate` from the exact
        rules path (empty for the integer program, whose optimality is proven by the solver
        with a zero gap).
    ties : tuple of Tie
    diagnosis : tuple of Shortfall
        Why the problem is infeasible (empty otherwise).
    fingerprint : str
        SHA-256 of the canonical problem and method.
    version : str
        busetting version.
    runtime : float
        Seconds, validation to verification.
    problem : Problem

    Notes
    -----
    ``allocate`` passes numpy arrays; each pandas column (``requests`` to ``binding``) is
    built on first read and kept, so a caller pays only for the columns it reads. The
    objective values and the fingerprint are computed on first read too (:class:`Later`);
    the values are the same either way, and a pickle or copy holds them computed.
    """

    status: Status
    message: str
    requests: _Kept[pd.Series | None] = _Kept(_series("request", np.int64))
    minors: _Kept[pd.Series | None] = _Kept(_series("minors", np.int64))
    targets: _Kept[pd.Series] = _Kept(_series("target"))
    minors_targets: _Kept[pd.Series] = _Kept(_series("minors_target"))
    contributions: _Kept[pd.DataFrame] = _Kept(_frame)
    minors_contributions: _Kept[pd.DataFrame] = _Kept(_frame)
    binding: _Kept[pd.Series] = _Kept(_labels)
    objective: _Kept[float | None] = _Kept()
    requests_objective: _Kept[float | None] = _Kept()
    minors_objective: _Kept[float | None] = _Kept()
    method: str
    solver: str
    solver_version: str
    solver_reason: str
    certificate: tuple[Certificate | RulesCertificate, ...]
    ties: tuple[Tie, ...]
    diagnosis: tuple[Shortfall, ...]
    fingerprint: _Kept[str] = _Kept()
    version: str
    runtime: float
    problem: Problem = field(repr=False)

    @cached_property
    def _index(self) -> pd.Index:
        """The municipality ids (``municipality_id``), the index of every column."""
        return self.problem.columns.index

    def __getstate__(self) -> dict[str, Any]:
        """Pickle (and copy) the pandas form of every column, never a pending computation."""
        state = dict(self.__dict__)
        for f in dataclasses.fields(self):
            state[f.name] = getattr(self, f.name)
        return state

    # -- status ------------------------------------------------------------------------------

    @property
    def success(self) -> bool:
        """True when the allocation is proven optimal."""
        return self.status is Status.OPTIMAL

    def raise_for_status(self) -> Allocation:
        """Return ``self`` if optimal; raise ``InfeasibleError`` or ``SolverError`` otherwise."""
        if self.status is Status.OPTIMAL:
            return self
        if self.status is Status.INFEASIBLE:
            raise InfeasibleError(self.message, self.diagnosis)
        raise SolverError(self.message)

    # -- tables ------------------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """One row per municipality: identity, target, contributions, request, minors, rules.

        Columns: ``municipality_id`` (index), ``name``, ``county``, ``population``,
        ``target``, one ``contribution_<criterion>`` column per criterion, ``request``,
        ``deviation`` (request - target), ``minors_target``, ``minors``, ``binding``, ``tie``.
        When the problem knows last year's request (the ``previous_request`` indicator, as
        the Norway problems do): ``last_year_request``, ``change_from_last_year`` and one
        ``part_<kind>`` column per kind of part of that change (``part_need``,
        ``part_criterion``, ``part_rule``, ``part_rounding``, ...), which add up to the change
        (see :func:`busetting.account`). Where the municipalities carry the indicator
        ``minors_weak_signal`` (the Norway data does), also ``minors_to_confirm``: a minors host
        chosen on a weak signal, to confirm with the county.
        """
        cols = self.problem.columns
        idx = cols.index
        frame = pd.DataFrame(
            {
                "name": list(cols.names),
                "county": list(cols.counties),
                "population": cols.population.copy(),
                "target": self.targets.to_numpy(),
            },
            index=idx,
        )
        for col in self.contributions.columns:
            frame[f"contribution_{col}"] = self.contributions[col].to_numpy()
        req = self.requests
        frame["request"] = (
            req.to_numpy() if req is not None else pd.array([pd.NA] * len(idx), dtype="Int64")
        )
        frame["deviation"] = req.to_numpy() - self.targets.to_numpy() if req is not None else np.nan
        frame["minors_target"] = self.minors_targets.reindex(idx, fill_value=0.0).to_numpy()
        mnr = self.minors
        frame["minors"] = (
            mnr.to_numpy() if mnr is not None else pd.array([pd.NA] * len(idx), dtype="Int64")
        )
        frame["binding"] = self.binding.to_numpy()
        tied = {m for t in self.ties for m in (*t.winners, *t.losers)}
        frame["tie"] = [i in tied for i in idx]
        weak = cols.indicators.get(WEAK_MINORS_SIGNAL)
        if weak is not None and mnr is not None:
            frame["minors_to_confirm"] = (mnr.to_numpy() > 0) & (np.nan_to_num(weak) > 0)
        if req is not None and LAST_YEAR in cols.indicators:
            # the yearly draft against last year's request, with the parts of the change
            for col, values in change_columns(self).items():
                frame[col] = values
        return frame

    def to_output(self) -> AllocationOutput:
        """The allocation as its output model (:class:`~busetting.schemas.AllocationOutput`).

        This is the JSON form (``.model_dump(mode="json")``) that ``--json`` prints and a web
        framework sends when a route returns an ``Allocation``.
        """
        p = self.problem
        frame = self.to_frame()
        contributions = self.contributions.to_dict(orient="index")
        rows = [
            {
                "municipality_id": str(mid),
                "name": r["name"],
                "county": r["county"],
                "population": int(r["population"]),
                "target": float(r["target"]),
                "contributions": {str(c): float(v) for c, v in contributions[mid].items()},
                "request": None if pd.isna(r["request"]) else int(r["request"]),
                "minors_target": float(r["minors_target"]),
                "minors": None if pd.isna(r["minors"]) else int(r["minors"]),
                "binding": str(r["binding"]),
                "tie": bool(r["tie"]),
            }
            for mid, r in frame.iterrows()
        ]
        return AllocationOutput.model_validate(
            {
                "status": self.status.value,
                "message": self.message,
                "total": p.total,
                "minors_total": p.minors_total,
                "method": self.method,
                "solver": self.solver,
                "solver_version": self.solver_version,
                "solver_reason": self.solver_reason,
                "objective": _finite(self.objective),
                "criteria": [c.model_dump() for c in p.criteria],
                "minors_criteria": [c.model_dump() for c in p.effective_minors_criteria],
                "ties": [dataclasses.asdict(t) for t in self.ties],
                "certificate": [
                    {k: _finite(v) for k, v in dataclasses.asdict(c).items()}
                    for c in self.certificate
                ],
                "diagnosis": [dataclasses.asdict(d) for d in self.diagnosis],
                "fingerprint": self.fingerprint,
                "version": self.version,
                "runtime_seconds": self.runtime,
                "municipalities": rows,
            }
        )

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """Let pydantic (and FastAPI) send an ``Allocation`` as its output model."""
        from pydantic_core import core_schema

        return core_schema.is_instance_schema(
            cls,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda a: a.to_output().model_dump(mode="json"), when_used="always"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(AllocationOutput.__pydantic_core_schema__)

    # -- explanation -------------------------------------------------------------------------

    def explain(self, municipality_id: str, *, language: str | None = None) -> Explanation:
        """Why ``municipality_id`` is asked for what it is asked for, line by line.

        ``language`` is ``"en"`` (English), ``"nb"`` (bokmål) or ``"nn"`` (nynorsk), for a letter;
        None (the default) is the one default: bokmål for the Norway data, English otherwise.
        Returns an :class:`~busetting._explain.Explanation`; ``str()`` of it is the text.
        """
        # the documented delegator (docs/architecture.md): the result hands over to the layer
        # that explains it, imported when asked for
        from busetting._explain import explain

        return explain(self, municipality_id, language=language)  # type: ignore[arg-type]

    def explain_frame(self) -> pd.DataFrame:
        """Every municipality's explanation as one tidy row."""
        from busetting._explain import explain_frame  # the documented delegator, as above

        return explain_frame(self)

    def report(
        self,
        path: str | Path,
        *,
        plots: bool = True,
        language: str | None = None,
        county: str | None = None,
        by_county: bool = False,
        prepared: datetime.date | None = None,
        year: int | None = None,
    ) -> Path:
        """Write a self-contained HTML report (``.html``) or Markdown (``.md``) to ``path``.

        ``language``: ``"nb"`` (bokmål, the default for the Norway data), ``"nn"``
        (nynorsk) or ``"en"``;
        ``county``: one county's letter-ready view; ``by_county``: the municipality table
        grouped by county with subtotals; ``prepared``: the date it says it was prepared
        (default today); ``year``: the year of the requests (default: the year after the
        history). See :func:`busetting._report.write_report`.
        """
        from busetting._report import write_report  # the documented delegator, as above

        return write_report(
            self,
            path,
            plots=plots,
            language=language,
            county=county,
            by_county=by_county,
            prepared=prepared,
            year=year,
        )

    # -- display -----------------------------------------------------------------------------

    def _summary_lines(self) -> list[str]:
        lines = [
            f"Allocation(status={self.status.value!r}, method={self.method!r}, "
            f"solver={self.solver!r})"
        ]
        lines.append(f"  {self.message}")
        if self.requests is not None:
            lines.append(
                f"  requests: {int(self.requests.sum()):,} of {self.problem.total:,} over "
                f"{int((self.requests > 0).sum())} of {len(self.requests)} municipalities"
            )
        if self.minors is not None and self.problem.minors_total:
            lines.append(
                f"  minors: {int(self.minors.sum()):,} of {self.problem.minors_total:,} over "
                f"{int((self.minors > 0).sum())} municipalities"
            )
        if self.objective is not None:
            lines.append(f"  objective: {self.objective:.6g}")
        if self.ties:
            lines.append(f"  ties: {len(self.ties)} (see .ties)")
        return lines

    def __repr__(self) -> str:
        lines = self._summary_lines()
        if self.requests is not None:
            top = self.requests.sort_values(ascending=False, kind="stable").head(5)
            names = dict(zip(self.problem.ids, self.problem.columns.names, strict=True))
            lines.append(
                "  largest: " + ", ".join(f"{names[str(i)]} {int(v):,}" for i, v in top.items())
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<div>{html.escape(line.strip())}</div>" for line in self._summary_lines())
        if self.requests is None:
            return f"<div class='busetting-allocation'>{head}</div>"
        frame = self.to_frame()
        top = frame.sort_values("request", ascending=False, kind="stable").head(10)
        cols = ["name", "county", "target", "request", "minors", "binding"]
        table = top[cols].to_html(float_format=lambda v: f"{v:,.2f}", escape=True)
        return f"<div class='busetting-allocation'>{head}{table}</div>"


def _finite(value: Any) -> Any:
    """``value`` with a non-finite float (an open certificate bound) as ``None``."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
