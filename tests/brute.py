"""Brute force by exhaustive enumeration, for tiny problems only (an independent oracle)."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

import busetting as bs
from busetting.criteria import build_key
from busetting.methods import DIVISOR_METHODS, Method, deviation


def compositions(total: int, lo: list[int], hi: list[int]) -> Iterator[tuple[int, ...]]:
    """Every integer vector with lo <= x <= hi summing to total."""
    n = len(lo)
    if n == 0:
        if total == 0:
            yield ()
        return
    rest_lo = sum(lo[1:])
    rest_hi = sum(hi[1:])
    for v in range(max(lo[0], total - rest_hi), min(hi[0], total - rest_lo) + 1):
        for tail in compositions(total - v, lo[1:], hi[1:]):
            yield (v, *tail)


def _cost(method: Method, x: tuple[int, ...], t: np.ndarray) -> float:
    return math.fsum(deviation(method, np.array(x, dtype=np.int64), t).tolist())


def brute_force(problem: bs.Problem, method: str) -> float | None:
    """Optimal objective by enumeration; None when infeasible."""
    m_ = Method(method)
    key, mkey = build_key(problem, "requests"), build_key(problem, "minors")
    N, M = problem.total, problem.minors
    lo, hi = [], []
    for i, m in enumerate(problem.municipalities):
        if m.fixed is not None:
            lo.append(m.fixed)
            hi.append(m.fixed)
            continue
        low = m.min or 0
        up = N if m.max is None else min(m.max, N)
        if m_ in DIVISOR_METHODS and key.targets[i] <= 0:
            up = low
        lo.append(low)
        hi.append(max(low, up) if up >= low else up)
    rows = mkey.rows.tolist()
    mhi = []
    for j, r in enumerate(rows):
        mm = problem.municipalities[r]
        cap = M if mm.minors_capacity is None else min(mm.minors_capacity, M)
        cap = min(cap, hi[r])
        if m_ in DIVISOR_METHODS and mkey.targets[j] <= 0:
            cap = 0
        mhi.append(cap)
    m_options = sorted(
        ((_cost(m_, mv, mkey.targets), mv) for mv in compositions(M, [0] * len(rows), mhi)),
    )
    best = None
    for x in compositions(N, lo, hi):
        cx = _cost(m_, x, key.targets)
        if best is not None and cx > best + 1e-12 and all(c >= 0 for c, _ in m_options[:1]):
            pass
        for cm, mv in m_options:
            if all(mv[j] <= x[r] for j, r in enumerate(rows)):
                total = cx + cm
                if best is None or total < best:
                    best = total
                break
    return best
