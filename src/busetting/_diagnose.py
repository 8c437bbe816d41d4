"""Feasibility diagnosis before any solve: name the constraint group and the amount short."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from busetting._methods import DIVISOR_METHODS, Method
from busetting._solvers.threshold import UNBOUNDED
from busetting._status import Shortfall

__all__ = ["Bounds", "count_noun", "diagnose_bounds"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Bounds:
    """Effective bounds of both keys.

    ``lower``/``upper`` per municipality (``UNBOUNDED`` where none); ``minors_upper`` per
    eligible municipality (``minors_rows`` are their positions); ``zero_held`` marks rows a
    divisor method holds at their lower bound because their target is 0.
    """

    lower: IntArray
    upper: IntArray
    minors_rows: IntArray
    minors_upper: IntArray
    minors_lower: IntArray
    zero_held: NDArray[np.bool_]
    minors_zero_held: NDArray[np.bool_]

    def effective_upper(self) -> IntArray:
        """The upper bounds after the zero-target rule (computed once, read-only)."""
        return self._effective_upper

    def effective_minors_upper(self) -> IntArray:
        """The minors upper bounds after the zero-target rule (computed once, read-only)."""
        return self._effective_minors_upper

    @cached_property
    def _effective_upper(self) -> IntArray:
        top = np.where(self.zero_held, self.lower, self.upper).astype(np.int64)
        top.flags.writeable = False
        return top

    @cached_property
    def _effective_minors_upper(self) -> IntArray:
        top = np.where(self.minors_zero_held, self.minors_lower, self.minors_upper)
        top = top.astype(np.int64)
        top.flags.writeable = False
        return top


def _fmt(n: int) -> str:
    return f"{n:,}"


def count_noun(n: int, noun: str) -> str:
    """``"1 municipality"``, ``"2 municipalities"`` (also for longer nouns)."""
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n:,} {noun if n == 1 else plural}"


def diagnose_bounds(
    bounds: Bounds,
    total: int,
    minors: int,
    method: Method,
    source: Sequence[str],
    *,
    lower_kinds: Sequence[str],
    upper_kinds: Sequence[str],
) -> tuple[Shortfall, ...]:
    """Every constraint group that cannot hold, with the amount short; empty when feasible.

    The checks are complete for the core model (bounds, minors eligibility and capacity,
    minors within requests): when none fails, a feasible allocation exists. ``lower_kinds``
    and ``upper_kinds`` are the labels of the bounds the municipalities give (the bound rules
    of :mod:`busetting._rules` state them; the route calls
    :func:`busetting._rules.diagnose_given`); ``source`` (the source of each upper bound, see
    :func:`busetting._feasibility.effective_bounds`) adds the rules that set upper bounds (the
    caps).
    """
    kinds = (*upper_kinds, *(s for s in dict.fromkeys(source) if s and s not in upper_kinds))
    return (
        *_request_sums(bounds, total, method, ", ".join(lower_kinds), ", ".join(kinds)),
        *_minors_sums(bounds, minors),
        *_minors_room(bounds, total, minors),
    )


def _request_sums(
    bounds: Bounds, total: int, method: Method, lower_kinds: str, kinds: str
) -> list[Shortfall]:
    """The lower bounds above the need, the upper bounds (when all finite) below it."""
    out: list[Shortfall] = []
    sum_lo = int(bounds.lower.sum())
    if sum_lo > total:
        out.append(
            Shortfall(
                "requests",
                f"requests: lower bounds ({lower_kinds}) sum to {_fmt(sum_lo)}, "
                f"{_fmt(sum_lo - total)} more than the need of {_fmt(total)}",
                total,
                sum_lo,
            )
        )
    hi = bounds.effective_upper()
    if bool((hi >= UNBOUNDED).any()) or int(hi.sum()) >= total:
        return out
    sum_hi = int(hi.sum())
    note = ""
    if method in DIVISOR_METHODS and bounds.zero_held.any():
        k = int(bounds.zero_held.sum())
        note = (
            f" ({k} municipality with a zero target is held at its lower bound)"
            if k == 1
            else f" ({k} municipalities with a zero target are held at their lower bound)"
        )
    out.append(
        Shortfall(
            "requests",
            f"requests: upper bounds ({kinds}) sum to {_fmt(sum_hi)}, "
            f"{_fmt(total - sum_hi)} short of the need of {_fmt(total)}{note}",
            total,
            sum_hi,
        )
    )
    return out


def _minors_sums(bounds: Bounds, minors: int) -> list[Shortfall]:
    """The minors lower bounds above the minors need, and no eligible municipality."""
    out: list[Shortfall] = []
    sum_mlo = int(bounds.minors_lower.sum())
    if sum_mlo > minors:
        out.append(
            Shortfall(
                "minors",
                f"minors: minors lower bounds sum to {_fmt(sum_mlo)}, "
                f"{_fmt(sum_mlo - minors)} more than the minors need of {_fmt(minors)}",
                minors,
                sum_mlo,
            )
        )
    if minors > 0 and len(bounds.minors_rows) == 0:
        out.append(
            Shortfall(
                "minors",
                f"minors: no municipality is eligible for minors, {_fmt(minors)} short of the "
                f"minors need of {_fmt(minors)}",
                minors,
                0,
            )
        )
    return out


def _minors_room(bounds: Bounds, total: int, minors: int) -> list[Shortfall]:
    """The room for minors in the eligible municipalities below the minors need; else the
    requests the minors force above the lower bounds, above the need."""
    rows, lo, mlo = bounds.minors_rows, bounds.lower, bounds.minors_lower
    if minors <= 0 or len(rows) == 0:
        return []
    room = np.minimum(bounds.effective_minors_upper(), bounds.effective_upper()[rows])
    sum_room = int(np.minimum(room, minors).sum())
    if sum_room < minors:
        return [
            Shortfall(
                "minors",
                "minors: the room for minors in the "
                f"{count_noun(len(rows), 'eligible municipality')} "
                f"(minors capacity, request upper bound) sums to {_fmt(sum_room)}, "
                f"{_fmt(minors - sum_room)} short of the minors need of {_fmt(minors)}",
                minors,
                sum_room,
            )
        ]
    sum_lo = int(lo.sum())
    if sum_lo > total:
        return []
    # forced minors above the request floors, then the rest where floors leave room
    forced = np.maximum(mlo - lo[rows], 0)
    inside = int(np.maximum(np.minimum(room, lo[rows]) - mlo, 0).sum())
    needed = sum_lo + int(forced.sum()) + max(0, minors - int(mlo.sum()) - inside)
    if needed <= total:
        return []
    return [
        Shortfall(
            "requests",
            f"requests: lower bounds plus the minors that must be placed above them sum to "
            f"{_fmt(needed)}, {_fmt(needed - total)} more than the need of {_fmt(total)}",
            total,
            needed,
        )
    ]
