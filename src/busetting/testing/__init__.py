"""Invariant checkers for allocations, for your own tests (and ours).

>>> import busetting as bs
>>> from busetting.testing import assert_valid_allocation
>>> p = bs.Problem(
...     municipalities=[bs.Municipality(municipality_id="0001", name="A", population=3),
...                     bs.Municipality(municipality_id="0002", name="B", population=1)],
...     criteria={"population": 1.0}, need=bs.Need(total=8))
>>> assert_valid_allocation(p, bs.allocate(p))

Hypothesis strategies live in :mod:`busetting.testing.strategies` (needs the ``testing``
extra: ``pip install "busetting[testing]"``).
"""

from __future__ import annotations

import math

import numpy as np

from busetting._feasibility import violations
from busetting._model import Problem
from busetting._result import Allocation
from busetting._status import Status

__all__ = ["assert_valid_allocation"]

CONTRIBUTION_TOLERANCE = 1e-9
"""Relative tolerance for contributions summing to the target."""


def assert_valid_allocation(problem: Problem, allocation: Allocation) -> None:
    """Check every invariant busetting promises; raise ``AssertionError`` on the first miss.

    Checks: the status carries numbers; requests and minors are integer Series indexed by the
    problem's ids; then busetting's one feasibility checker (the one the solver's post-check
    and :func:`busetting.verify` use): totals exact, every request within its effective bounds
    (``min``/``max``/``fixed``, caps, a divisor method's zero target held), minors only where
    eligible, within their bounds and never above the request, and the process rules; finally
    contributions sum to the targets and targets sum to the need. The message names the
    municipality.

    Parameters
    ----------
    problem : Problem
        The problem that was solved.
    allocation : Allocation
        Its allocation (status optimal or time limit).

    Raises
    ------
    AssertionError
        On the first broken invariant.
    """
    if allocation.status not in (Status.OPTIMAL, Status.TIME_LIMIT) or allocation.requests is None:
        raise AssertionError(
            f"allocation has status {allocation.status.value!r} and no requests: "
            f"{allocation.message}"
        )
    req, mnr = allocation.requests, allocation.minors
    assert mnr is not None
    ids = list(problem.ids)
    for name, s in (("requests", req), ("minors", mnr)):
        if list(s.index) != ids:
            raise AssertionError(f"{name} are not indexed by the problem's municipality ids")
        if s.dtype.kind != "i":
            raise AssertionError(f"{name} have dtype {s.dtype}, expected integers")
    found = violations(problem, req.to_numpy(), mnr.to_numpy(), method=allocation.method)
    if found:
        raise AssertionError("; ".join(v.message for v in found))
    for name, contrib, targets in (
        ("requests", allocation.contributions, allocation.targets),
        ("minors", allocation.minors_contributions, allocation.minors_targets),
    ):
        sums = contrib.sum(axis=1).to_numpy()
        t = targets.to_numpy()
        bad = np.flatnonzero(~np.isclose(sums, t, rtol=CONTRIBUTION_TOLERANCE, atol=1e-9))
        if len(bad):
            i = ids[int(bad[0])]
            raise AssertionError(
                f"municipality {i}: {name} contributions sum to {sums[bad[0]]!r}, "
                f"not the target {t[bad[0]]!r}"
            )
    total_t = math.fsum(allocation.targets.tolist())
    if not math.isclose(total_t, problem.total, rel_tol=1e-9, abs_tol=1e-6):
        raise AssertionError(f"targets sum to {total_t!r}, expected {problem.total:,}")
