"""The small records every layer shares: status, shortfall, tie, certificates, tolerances.

This module sits at the bottom of the package (it imports nothing from busetting), so the
solvers, the checks and the result can all speak of a :class:`Status` or a
:class:`Shortfall` without importing each other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

__all__ = [
    "EXACT_MARGIN",
    "OBJECTIVE_TOLERANCE",
    "Certificate",
    "OutOfTime",
    "RulesCertificate",
    "Shortfall",
    "Status",
    "Tie",
    "past",
]


class OutOfTime(Exception):
    """The caller's time limit passed inside a solve (the rules path's search, the building of
    the integer program); ``allocate`` turns it into the status ``time_limit``."""


def past(deadline: float | None) -> bool:
    """Whether ``deadline`` (a ``time.perf_counter()`` value, or ``None``: none) has passed."""
    return deadline is not None and time.perf_counter() >= deadline


EXACT_MARGIN = 1e-9
"""Relative margin under which two unit costs are settled in exact rational arithmetic."""

OBJECTIVE_TOLERANCE = 1e-9
"""Relative tolerance when two objective values computed in floating point are compared."""


class Status(StrEnum):
    """Outcome of a solve.

    ``optimal``: proven optimal and verified. ``infeasible``: the constraints cannot all hold
    (see ``diagnosis``). ``time_limit``: the solver stopped at its time limit; ``requests``
    holds its verified incumbent if it had one, which is feasible but *not* proven optimal.
    ``error``: the solver failed; no numbers are returned.
    """

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


@dataclass(frozen=True)
class Shortfall:
    """One infeasible constraint group and the amount by which it misses."""

    group: str
    message: str
    required: int
    available: int

    @property
    def amount(self) -> int:
        """How much is short (or in excess)."""
        return abs(self.required - self.available)


@dataclass(frozen=True)
class Tie:
    """Municipalities tied for the last unit, and the rule that broke the tie.

    ``key`` is ``"requests"`` or ``"minors"``; ``cost`` the common unit cost at the margin;
    ``winners`` received a unit of that cost, ``losers`` could have received one but did not.
    """

    key: str
    cost: float
    winners: tuple[str, ...]
    losers: tuple[str, ...]
    rule: str


@dataclass(frozen=True)
class Certificate:
    """Proof of optimality for one separable key (the threshold path).

    Every unit the allocation could give back costs at most ``lambda_low`` and every unit
    it could add costs at least ``lambda_high``; ``lambda_low <= lambda_high`` proves that
    no exchange of units lowers the objective, which for a separable convex objective with
    one sum constraint is optimality. ``exact`` says whether the margin had to be (and was)
    settled in exact rational arithmetic. Huntington-Hill costs are ``sqrt(k(k+1)) / t``.
    """

    key: str
    method: str
    lambda_low: float
    lambda_high: float
    low_municipality: str | None
    high_municipality: str | None
    exact: bool

    @property
    def holds(self) -> bool:
        """Whether the interval is non-empty (within the exact-margin tolerance)."""
        if not (np.isfinite(self.lambda_low) and np.isfinite(self.lambda_high)):
            return True
        scale = max(1.0, abs(self.lambda_low), abs(self.lambda_high))
        return self.lambda_low <= self.lambda_high + EXACT_MARGIN * scale


@dataclass(frozen=True)
class RulesCertificate:
    """Proof of optimality of the exact rules path (re-checked by :func:`check_certificate`).

    ``lambdas`` maps each requests sum group (``"national"``, a county name, or ``"rest"``)
    to its multiplier; ``nu`` prices a request one above the grid, ``lambda_minors`` the
    minors total and ``mu`` a minors host. ``bound`` is the Lagrangian lower bound they give,
    ``objective`` the solution's value; the search covered every value of reduced cost at most
    ``gap`` (``>= objective - bound``) and found nothing better. ``candidates`` counts the
    values searched and ``core`` the municipalities with more than one.
    """

    key: str
    method: str
    lambdas: tuple[tuple[str, float], ...]
    nu: float
    lambda_minors: float
    mu: float
    bound: float
    objective: float
    gap: float
    candidates: int
    core: int

    @property
    def holds(self) -> bool:
        """Whether the bound and the searched gap cover the objective."""
        tol = 1e-9 * max(1.0, abs(self.objective))
        return self.bound <= self.objective + tol and self.objective - self.bound <= self.gap + tol
