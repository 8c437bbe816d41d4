"""Apportionment methods as separable convex costs (pure numpy, no solver).

Every method is a cost per *unit*: the cost of raising municipality ``i`` from ``k`` to
``k + 1`` persons, given its target ``t_i``. Costs never fall as ``k`` rises, so the total
cost is separable and convex, and the cheapest ``N`` units (taken in order within each
municipality) are an optimal allocation.

Divisor methods use the signpost ``s(k)`` of their rounding rule; the unit costs
``s(k) / t_i`` and the reported objective is ``sum_i [t_i + sum_{k<x_i} (2 s(k) / t_i - 2)]``,
which for Webster/Sainte-Laguë is exactly ``sum_i (x_i - t_i)**2 / t_i``.

=================  =========================  ==========================================
method             signpost ``s(k)``          objective per municipality
=================  =========================  ==========================================
``webster``        ``k + 1/2``                ``(x - t)**2 / t``
``dhondt``         ``k + 1``                  ``((x - t)**2 + x) / t``
``adams``          ``k``                      ``((x - t)**2 - x) / t``
``huntington_hill`` ``sqrt(k (k + 1))``       ``t - 2 x + 2 sum_{k<x} s(k) / t``
``dean``           ``k (k + 1) / (k + 1/2)``  ``t - 2 x + 2 sum_{k<x} s(k) / t``
``hamilton``       (not a divisor method)     ``|x - t|``
=================  =========================  ==========================================

Hamilton (largest remainder) costs ``|k + 1 - t| - |k - t|``: ``-1`` below the quota, ``+1``
above it and ``1 - 2 frac(t)`` for the fractional unit. Its optimum is rarely unique, so ties
in that cost are broken by the Sainte-Laguë unit cost ``(2k + 1) / (2 t)`` (the excess or
shortfall is spread in proportion to the targets), then by the general tie rule.

A municipality with target 0 has infinite unit cost under a divisor method: it is never asked
for more than its lower bound, and it is left out of the objective.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from busetting._exceptions import InputError

__all__ = ["DIVISOR_METHODS", "METHODS", "TIE_RULE", "Method", "MethodSpec", "parameter_error"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


class Method(StrEnum):
    """Apportionment methods (deviation measures) known to busetting."""

    WEBSTER = "webster"
    HAMILTON = "hamilton"
    DHONDT = "dhondt"
    HUNTINGTON_HILL = "huntington_hill"
    ADAMS = "adams"
    DEAN = "dean"


TIE_RULE = (
    "a unit whose cost equals another's goes first to the municipality with the larger "
    "target, then to the lower municipality_id"
)
HAMILTON_TIE_RULE = (
    "equal |x - t| costs are ordered by the Sainte-Laguë unit cost (2k + 1) / (2t); then "
    + TIE_RULE
)


def _webster(k: FloatArray) -> FloatArray:
    return k + 0.5


def _dhondt(k: FloatArray) -> FloatArray:
    return k + 1.0


def _adams(k: FloatArray) -> FloatArray:
    return k


def _huntington_hill(k: FloatArray) -> FloatArray:
    return np.asarray(np.sqrt(k * (k + 1.0)), dtype=np.float64)


def _dean(k: FloatArray) -> FloatArray:
    return 2.0 * k * (k + 1.0) / (2.0 * k + 1.0)


@dataclass(frozen=True)
class MethodSpec:
    """One row of the method table: everything the paths need to know about a method.

    Attributes
    ----------
    method : Method
        The method.
    kind : {"divisor", "quota"}
        A divisor method ranks units by ``s(k) / t`` (a zero target is never raised); a quota
        method (Hamilton) ranks them by ``|k + 1 - t| - |k - t|``.
    signpost : callable or None
        ``s(k)`` of a divisor method, vectorised (``None`` for a quota method).
    exact_signpost : callable or None
        ``s(k)`` as an exact fraction (``s(k)**2`` for Huntington-Hill), ``None`` for quota.
    tie_rule : str
        The documented rule that orders units of equal cost.
    rules_path : bool
        Whether the exact rules path (:mod:`busetting._solvers.lagrange`) takes the method.
    aliases : tuple of str
        Other names accepted by :func:`parse_method`.
    """

    method: Method
    kind: Literal["divisor", "quota"]
    signpost: Callable[[FloatArray], FloatArray] | None
    exact_signpost: Callable[[int], Fraction] | None
    tie_rule: str
    rules_path: bool
    aliases: tuple[str, ...] = ()


METHODS: dict[Method, MethodSpec] = {
    Method.WEBSTER: MethodSpec(
        Method.WEBSTER,
        "divisor",
        _webster,
        lambda k: Fraction(2 * k + 1, 2),
        TIE_RULE,
        True,
        ("sainte_lague", "sainte-lague"),
    ),
    Method.HAMILTON: MethodSpec(
        Method.HAMILTON, "quota", None, None, HAMILTON_TIE_RULE, True, ("largest_remainder",)
    ),
    Method.DHONDT: MethodSpec(
        Method.DHONDT,
        "divisor",
        _dhondt,
        lambda k: Fraction(k + 1),
        TIE_RULE,
        True,
        ("jefferson", "d'hondt"),
    ),
    Method.HUNTINGTON_HILL: MethodSpec(
        Method.HUNTINGTON_HILL,
        "divisor",
        _huntington_hill,
        lambda k: Fraction(k * (k + 1)),
        TIE_RULE,
        True,
        ("hill", "huntington-hill"),
    ),
    Method.ADAMS: MethodSpec(
        Method.ADAMS, "divisor", _adams, lambda k: Fraction(k), TIE_RULE, True
    ),
    Method.DEAN: MethodSpec(
        Method.DEAN,
        "divisor",
        _dean,
        lambda k: Fraction(2 * k * (k + 1), 2 * k + 1),
        TIE_RULE,
        True,
    ),
}
"""The method table: one :class:`MethodSpec` per method (a new method is one row here)."""

DIVISOR_METHODS = frozenset(m for m, spec in METHODS.items() if spec.kind == "divisor")

ALIASES = {alias: m for m, spec in METHODS.items() for alias in spec.aliases}


def parse_method(value: object, *, caller: str, parameter: str = "method") -> Method:
    """Return the :class:`Method` for a name or alias; raise ``InputError`` otherwise.

    ``caller`` is the public function the user called (``"allocate"``, ``"diagnose"``, ...)
    and ``parameter`` the name of its argument: the message names both.
    """
    if isinstance(value, Method):
        return value
    if isinstance(value, str):
        key = value.strip().lower()
        if key in Method._value2member_map_:
            return Method(key)
        if key in ALIASES:
            return ALIASES[key]
    names = ", ".join(repr(m.value) for m in Method)
    raise parameter_error(parameter, caller, f"one of {names}", value)


def parameter_error(
    parameter: str, caller: str, expected: str, got: object, *, shown: str | None = None
) -> InputError:
    """The one message of a bad argument: "The `p` parameter of `f` must be .... Got ...
    instead." (scikit-learn's grammar), naming the function the user called; ``shown``
    replaces ``repr(got)`` (e.g. a type's name)."""
    seen = repr(got) if shown is None else shown
    return InputError(
        f"The `{parameter}` parameter of `{caller}` must be {expected}. Got {seen} instead."
    )


def tie_rule(method: Method) -> str:
    """The documented tie rule for ``method``."""
    return METHODS[method].tie_rule


# --- float unit costs -------------------------------------------------------------------


def signpost(method: Method, k: IntArray | FloatArray) -> FloatArray:
    """Signpost ``s(k)`` of a divisor method (vectorised)."""
    rank = METHODS[method].signpost
    if rank is None:
        raise ValueError(f"{method} is not a divisor method")
    return rank(np.asarray(k, dtype=np.float64))


def unit_cost(method: Method, k: IntArray, t: FloatArray) -> FloatArray:
    """Cost of the unit that raises a municipality with target ``t`` from ``k`` to ``k+1``.

    For divisor methods this is the priority ``s(k) / t`` (``inf`` where ``t == 0``); for
    Hamilton it is ``|k + 1 - t| - |k - t|``.
    """
    t = np.asarray(t, dtype=np.float64)
    if method is Method.HAMILTON:
        kf = np.asarray(k, dtype=np.float64)
        return np.clip(2.0 * (kf - t) + 1.0, -1.0, 1.0)
    s = signpost(method, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = s / t
    return np.where(t > 0, c, np.inf)


def units_at_most(method: Method, lam: float, t: FloatArray) -> FloatArray:
    """Number of units of each municipality whose divisor cost is ``<= lam`` (float count).

    Only for divisor methods. The result may be off by one where ``lam * t`` sits on a
    signpost within rounding error; callers resolve that band exactly.
    """
    t = np.asarray(t, dtype=np.float64)
    if lam < 0:
        return np.zeros_like(t)
    with np.errstate(invalid="ignore"):
        n = units_at_most_raw(method, lam, t)
    return np.where(t > 0, np.maximum(n, 0.0), 0.0)


def units_at_most_raw(method: Method, lam: float, t: FloatArray) -> FloatArray:
    """:func:`units_at_most` for ``lam >= 0`` without the zero-target rule: the value of rows
    with ``t == 0`` is the method's count at ``lam * t = 0`` (0 or 1), for callers that clip
    those rows to their bounds anyway. A fresh array the caller may write into."""
    q = lam * t
    if method is Method.WEBSTER:
        q += 0.5
        return np.floor(q, out=q)
    if method is Method.DHONDT:
        return np.floor(q, out=q)
    if method is Method.ADAMS:
        np.floor(q, out=q)
        q += 1.0
        return q
    if method is Method.HUNTINGTON_HILL:
        n = np.floor((-1.0 + np.sqrt(1.0 + 4.0 * q * q)) / 2.0)
    elif method is Method.DEAN:
        n = np.floor(((q - 1.0) + np.sqrt(q * q + 1.0)) / 2.0)
    else:  # pragma: no cover - guarded by callers
        raise ValueError(f"{method} is not a divisor method")
    n += 1.0
    return n


def objective_increment(method: Method, k: IntArray, t: FloatArray) -> FloatArray:
    """Increase of the reported objective when ``x`` goes from ``k`` to ``k + 1``."""
    if method is Method.HAMILTON:
        return unit_cost(method, k, t)
    t = np.asarray(t, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = 2.0 * signpost(method, k) / t - 2.0
    return np.where(t > 0, g, np.inf)


HH_TABLE = 1_000_000
"""Huntington-Hill signpost sums are tabulated up to here and expanded beyond (error < 1e-12
relative)."""


def _signpost_prefix_sum(method: Method, x: IntArray) -> FloatArray:
    """``sum_{k < x} s(k)`` for each entry of ``x``."""
    xf = np.asarray(x, dtype=np.float64)
    if method is Method.WEBSTER:
        return xf * xf / 2.0
    if method is Method.DHONDT:
        return xf * (xf + 1.0) / 2.0
    if method is Method.ADAMS:
        return xf * (xf - 1.0) / 2.0
    if method is Method.DEAN:
        # s(k) = k + 1/2 - 1 / (2 (2k + 1)); sum_{k<x} 1/(2k+1) = (psi(x + 1/2) - psi(1/2)) / 2
        from scipy.special import digamma

        odd = np.where(xf > 0, (digamma(xf + 0.5) - digamma(0.5)) / 2.0, 0.0)
        return xf * xf / 2.0 - odd / 2.0
    if method is Method.HUNTINGTON_HILL:
        # exact table below HH_TABLE; above it sqrt(k(k+1)) = k + 1/2 - 1/(8k) + O(k^-2)
        xi = np.asarray(x, dtype=np.int64)
        top = min(int(np.max(xi, initial=0)), HH_TABLE)
        table = np.concatenate(([0.0], np.cumsum(signpost(method, np.arange(top)))))
        small = table[np.minimum(xi, top)]
        big = xi > top
        if not big.any():
            return np.asarray(small, dtype=np.float64)
        xb = np.where(big, xi, top + 1).astype(np.float64)
        tail = (xb * xb - top * top) / 2.0 - (np.log(xb) - np.log(max(top, 1))) / 8.0
        return np.where(big, table[top] + tail, small).astype(np.float64)
    raise ValueError(f"{method} is not a divisor method")


def deviation(method: Method, x: IntArray, t: FloatArray) -> FloatArray:
    """Per-municipality objective term (0 where a divisor method's target is 0)."""
    x = np.asarray(x, dtype=np.int64)
    t = np.asarray(t, dtype=np.float64)
    xf = x.astype(np.float64)
    if method is Method.HAMILTON:
        return np.abs(xf - t)
    pos = t > 0
    safe_t = np.where(pos, t, 1.0)
    if method is Method.WEBSTER:
        d = (xf - safe_t) ** 2 / safe_t
    elif method is Method.DHONDT:
        d = ((xf - safe_t) ** 2 + xf) / safe_t
    elif method is Method.ADAMS:
        d = ((xf - safe_t) ** 2 - xf) / safe_t
    else:
        d = safe_t - 2.0 * xf + 2.0 * _signpost_prefix_sum(method, x) / safe_t
    return np.where(pos, d, 0.0)


def objective(method: Method, x: IntArray, t: FloatArray) -> float:
    """The method's objective for an allocation ``x`` of targets ``t`` (``math.fsum``)."""
    return math.fsum(deviation(method, x, t).tolist())


# --- exact unit costs ---------------------------------------------------------------------


def exact_signpost_key(method: Method, k: int) -> Fraction:
    """``s(k)`` (``s(k)**2`` for Huntington-Hill) as an exact fraction."""
    rank = METHODS[method].exact_signpost
    if rank is None:
        raise ValueError(f"{method} is not a divisor method")
    return rank(k)


def exact_unit_cost(method: Method, k: int, target: Fraction) -> Fraction:
    """Exact cost of unit ``k`` (a monotone transform of :func:`unit_cost` for HH).

    Huntington-Hill costs are compared squared, ``k (k + 1) / t**2``, which orders units
    exactly as ``sqrt(k (k + 1)) / t`` does. ``target`` must be positive for divisor methods.
    """
    if method is Method.HAMILTON:
        c = 2 * (k - target) + 1
        return max(Fraction(-1), min(Fraction(1), c))
    if method is Method.HUNTINGTON_HILL:
        return exact_signpost_key(method, k) / (target * target)
    return exact_signpost_key(method, k) / target
