"""Wall time of every solve path against its time limit (issues 15 and 28); prints ratios,
asserts only the answers' honesty (a time-limited result is never called optimal, and an
answer that is returned is verified).

Two parts: the Norway problem on every path, and a large random problem with the 2024-style
process rules (5,000 municipalities, granularity 5, minimum 5, minors in groups of 4, a host
limit) whose exact solve takes minutes, so every limit below is reached: the rules path's
search, the building of the integer program and the solver all stop at the deadline.
The budget is ``1.1 x limit + 0.2 s``; the first call of a backend also pays its import.

Run: ``python benchmarks/time_limits.py [n]`` (default n = 5000)
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np

import busetting as bs
from busetting.datasets import norway_2024


def large_rules_problem(n: int, seed: int) -> bs.Problem:
    """``n`` random municipalities with the 2024-style process rules."""
    rng = np.random.default_rng(seed)
    pops = rng.integers(100, 200_000, n)
    ms = [
        bs.Municipality(
            municipality_id=f"{i:05d}",
            name=f"K{i}",
            population=int(p),
            indicators={"cap": float(rng.integers(0, 500))},
            minors_max=int(rng.integers(0, 30)),
        )
        for i, p in enumerate(pops)
    ]
    return bs.Problem(
        municipalities=ms,
        criteria={"population": 0.5, "cap": 0.5},
        need=bs.Need(total=min(100_000, n * 20), minors=n // 4),
        rules=bs.Rules(granularity=5, min_request=5, minors_min_group=4, max_minors_hosts=n // 8),
    )


def _timed(problem: bs.Problem, **options: object) -> tuple[bs.Allocation, float]:
    started = time.perf_counter()
    a = bs.allocate(problem, **options)  # type: ignore[arg-type]
    return a, time.perf_counter() - started


def _honest(problem: bs.Problem, a: bs.Allocation) -> None:
    assert a.status != "optimal" or "time limit" not in a.message
    if a.requests is not None:  # an answer that is returned holds every rule
        assert bs.verify(problem, a).feasible


def norway() -> None:
    ruled = norway_2024()
    plain = ruled.with_rules(bs.Rules())
    bs.allocate(ruled.with_need(100, 10), solver="cbc")  # warm the solver version cache
    print(f"{'problem':8} {'solver':9} {'method':9} {'limit':>6} {'wall':>6} {'budget':>7}  status")
    for name, problem in (("rules", ruled), ("plain", plain)):
        for solver in [s for s in (None, *bs.available_solvers()) if s != "threshold"]:
            for limit in (0.2, 1.0, 3.0):
                for method in ("webster", "hamilton"):
                    a, wall = _timed(problem, solver=solver, time_limit=limit, method=method)
                    _honest(problem, a)
                    budget = 1.1 * limit + 0.2
                    print(
                        f"{name:8} {solver or 'auto':9} {method:9} {limit:6.1f} {wall:6.2f} "
                        f"{wall / budget:6.2f}x  {a.status.value}"
                    )


def large(n: int) -> None:
    problem = large_rules_problem(n, n)
    solvers = [s for s in (None, *bs.available_solvers()) if s != "threshold"]
    for solver in solvers:  # the first call of a backend imports it: not part of a limit
        bs.allocate(problem, solver=solver, time_limit=1e-6)
    print(f"\n{n:,} municipalities with rules")
    print(f"{'solver':9} {'limit':>6} {'wall':>6} {'budget':>7}  status (answer)")
    for solver in solvers:
        for limit in (0.05, 0.3, 1.0):
            a, wall = _timed(problem, solver=solver, time_limit=limit)
            _honest(problem, a)
            budget = 1.1 * limit + 0.2
            answer = "verified" if a.requests is not None else "none"
            print(
                f"{solver or 'auto':9} {limit:6.2f} {wall:6.2f} {wall / budget:6.2f}x  "
                f"{a.status.value} ({answer})"
            )


def main() -> None:
    warnings.simplefilter("ignore")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    norway()
    large(n)


if __name__ == "__main__":
    main()
