"""The cap rules' formula, in one place: the largest request each cap allows.

``per_capita_cap`` allows ``floor(c * population)`` persons, ``share_cap`` allows
``floor(s * need)`` persons of every municipality (``1e-9`` absorbs the rounding of a product
that is a whole number in exact arithmetic, e.g. ``0.004 * 2500``). The effective bounds
(:mod:`busetting._feasibility`), the embedded data's minimum requests
(:mod:`busetting.datasets`) and the county round's change report
(:mod:`busetting._reconcile`) all read the caps from here.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from busetting._model import Rules

__all__ = ["cap_limits"]

FloatArray = NDArray[np.float64]


def cap_limits(rules: Rules, population: FloatArray, total: int) -> list[tuple[str, FloatArray]]:
    """Each cap rule of ``rules`` with the largest request it allows per municipality.

    Parameters
    ----------
    rules : Rules
        The process rules (``per_capita_cap``, ``share_cap``; either may be None).
    population : numpy.ndarray of float
        The municipalities' populations.
    total : int
        The national need.

    Returns
    -------
    list of (str, numpy.ndarray)
        ``("per-capita cap", ...)`` and ``("share cap", ...)`` for the caps that are set, in
        that order, each a float array of whole numbers (one per municipality).
    """
    pops = np.asarray(population, dtype=np.float64)
    caps: list[tuple[str, FloatArray]] = []
    if rules.per_capita_cap is not None:
        caps.append(("per-capita cap", np.floor(rules.per_capita_cap * pops + 1e-9)))
    if rules.share_cap is not None:
        share = float(math.floor(rules.share_cap * total + 1e-9))
        caps.append(("share cap", np.full(len(pops), share)))
    return caps
