"""Small edits of a problem for tests that re-solve it with one value changed."""

from __future__ import annotations

import busetting as bs


def with_indicator(problem: bs.Problem, mid: str, name: str, value: float) -> bs.Problem:
    """``problem`` with municipality ``mid``'s indicator ``name`` (or population) at ``value``."""
    ms = []
    for m in problem.municipalities:
        if m.municipality_id == mid:
            if name == "population":
                m = m.model_copy(update={"population": int(value)})
            else:
                m = m.model_copy(update={"indicators": {**m.indicators, name: float(value)}})
        ms.append(m)
    return bs.Problem(
        municipalities=ms,
        criteria=problem.criteria,
        minors_criteria=problem.minors_criteria,
        need=problem.need,
        rules=problem.rules,
    )
