"""The output schema: what an allocation looks like to a service, as pydantic models.

:class:`AllocationOutput` is the JSON form of an :class:`~busetting.Allocation` — what
``busetting allocate --json`` prints, what :func:`busetting.io.allocation_to_dict` returns,
and what a web framework that reads pydantic types (FastAPI, Litestar) sends when a route
returns an ``Allocation``. ``busetting schema --output`` prints its JSON Schema.

>>> from busetting.schemas import AllocationOutput
>>> sorted(AllocationOutput.model_json_schema()["required"])[:4]
['certificate', 'criteria', 'diagnosis', 'fingerprint']
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel

__all__ = [
    "COMMAND_OUTPUTS",
    "JSON_SCHEMA_DIALECT",
    "AllocationOutput",
    "CertificateOutput",
    "CountyDraftOutput",
    "CriterionOutput",
    "ErrorBody",
    "ErrorOutput",
    "MunicipalityOutput",
    "RevisionChangeOutput",
    "RevisionOutput",
    "RulesCertificateOutput",
    "ScenariosOutput",
    "ShortfallOutput",
    "TieOutput",
    "ValidateOutput",
    "WrittenOutput",
    "json_schema",
]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect pydantic writes; every schema the package prints names it."""


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of ``model`` with ``$schema`` first (what ``busetting schema`` prints).

    Parameters
    ----------
    model : type of pydantic.BaseModel
        :class:`AllocationOutput`, :class:`busetting.Problem` or any other model.

    Returns
    -------
    dict
        The schema; ``$schema`` names :data:`JSON_SCHEMA_DIALECT`.

    Examples
    --------
    >>> json_schema(AllocationOutput)["$schema"]
    'https://json-schema.org/draft/2020-12/schema'
    """
    return {"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema()}


_OUT = ConfigDict(frozen=True, extra="forbid")


class MunicipalityOutput(BaseModel):
    """One municipality's line of the result."""

    model_config = _OUT

    municipality_id: str
    name: str
    county: str
    population: int
    target: float = Field(description="the criteria key's target (persons, fractional)")
    contributions: dict[str, float] = Field(description="each criterion's part of the target")
    request: int | None = Field(description="the request (anmodning); null without a solution")
    minors_target: float
    minors: int | None = Field(description="of the request, unaccompanied minors")
    binding: str = Field(description="the bound or rule that holds the request, or ''")
    tie: bool = Field(description="whether the municipality was in a tie at the margin")


class CriterionOutput(BaseModel):
    """One criterion of the key, as it was used."""

    model_config = _OUT

    name: str
    indicator: str
    weight: float
    kind: str
    base: str | None
    direction: str


class TieOutput(BaseModel):
    """Municipalities tied for the last unit and the rule that broke the tie."""

    model_config = _OUT

    key: str
    cost: float
    winners: list[str]
    losers: list[str]
    rule: str


class CertificateOutput(BaseModel):
    """The threshold path's optimality certificate for one key."""

    model_config = _OUT

    key: str
    method: str
    lambda_low: float | None
    lambda_high: float | None
    low_municipality: str | None
    high_municipality: str | None
    exact: bool


class RulesCertificateOutput(BaseModel):
    """The exact rules path's optimality certificate (Lagrangian bound and search gap)."""

    model_config = _OUT

    key: str
    method: str
    lambdas: list[tuple[str, float]]
    nu: float | None
    lambda_minors: float | None
    mu: float | None
    bound: float | None
    objective: float | None
    gap: float | None
    candidates: int
    core: int


class ShortfallOutput(BaseModel):
    """One infeasible constraint group and the amount by which it misses."""

    model_config = _OUT

    group: str
    message: str
    required: int
    available: int


class AllocationOutput(BaseModel):
    """The JSON form of an allocation."""

    model_config = _OUT

    status: str = Field(description="optimal, infeasible, time_limit or error")
    message: str
    total: int
    minors_total: int
    method: str
    solver: str
    solver_version: str
    solver_reason: str
    objective: float | None
    criteria: list[CriterionOutput]
    minors_criteria: list[CriterionOutput]
    ties: list[TieOutput]
    certificate: list[CertificateOutput | RulesCertificateOutput]
    diagnosis: list[ShortfallOutput]
    fingerprint: str
    version: str
    runtime_seconds: float
    parameters: dict[str, str] | None = Field(
        default=None,
        description="everything the run was made with, as text (files and --json; what "
        "`busetting revise --previous` reads back)",
    )
    municipalities: list[MunicipalityOutput]


# -- the other commands' --json outputs ----------------------------------------------------


class ValidateOutput(BaseModel):
    """What ``busetting validate --json`` prints."""

    model_config = _OUT

    file: str
    ok: bool = Field(description="true when the input is valid and feasible")
    municipalities: int
    total: int
    minors: int
    shortfalls: list[ShortfallOutput]


class ScenariosOutput(BaseModel):
    """What ``busetting scenarios --json`` prints: one request per total and municipality."""

    model_config = _OUT

    totals: list[int]
    requests: dict[str, list[int | None]] = Field(
        description="municipality id -> its request at each total (null: the total cannot be met)"
    )


class RevisionChangeOutput(BaseModel):
    """One municipality whose request a revision changed."""

    model_config = _OUT

    municipality_id: str
    name: str
    previous: int
    request: int
    change: int


class RevisionOutput(BaseModel):
    """What ``busetting revise --json`` prints."""

    model_config = _OUT

    direction: str = Field(description="up, down or none")
    minors_direction: str
    kept: list[str] = Field(description="what was kept from the previous file, in words")
    changes: list[RevisionChangeOutput]
    allocation: AllocationOutput


class CountyDraftOutput(BaseModel):
    """One county's draft workbook, as ``busetting counties --json`` lists it."""

    model_config = _OUT

    share: int
    minors: int
    file: str


class WrittenOutput(BaseModel):
    """What ``busetting report --json`` prints: the file written."""

    model_config = _OUT

    written: str


class ErrorBody(BaseModel):
    """A bad input: the error's type and first line, and one row per bad value."""

    model_config = _OUT

    type: str
    message: str
    failure_cases: list[dict[str, Any]] = Field(
        description="row, municipality_id, column, value and reason of each bad value"
    )


class ErrorOutput(BaseModel):
    """What every command prints on standard error for a bad input with ``--json``."""

    model_config = _OUT

    error: ErrorBody


COMMAND_OUTPUTS: dict[str, Any] = {
    "allocate": AllocationOutput,
    "validate": ValidateOutput,
    "scenarios": ScenariosOutput,
    "revise": RevisionOutput,
    "counties": RootModel[dict[str, CountyDraftOutput]],
    "report": WrittenOutput,
    "error": ErrorOutput,
}
"""The model of each command's ``--json`` output (``busetting schema --of NAME``)."""
