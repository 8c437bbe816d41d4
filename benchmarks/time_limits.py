"""Wall time of every solve path against its time limit (issue 15); prints ratios, asserts
only the answers' honesty (a time-limited result is never called optimal).

Run: ``python benchmarks/time_limits.py``
"""

from __future__ import annotations

import time

import busetting as bs
from busetting.datasets import norway_2024


def main() -> None:
    ruled = norway_2024()
    plain = ruled.with_rules(bs.Rules())
    bs.allocate(ruled.with_need(100, 10), solver="cbc")  # warm the solver version cache
    print(f"{'problem':8} {'solver':9} {'method':9} {'limit':>6} {'wall':>6} {'budget':>7}  status")
    for name, problem in (("rules", ruled), ("plain", plain)):
        for solver in [s for s in (None, *bs.available_solvers()) if s != "threshold"]:
            for limit in (0.2, 1.0, 3.0):
                for method in ("webster", "hamilton"):
                    started = time.perf_counter()
                    a = bs.allocate(problem, solver=solver, time_limit=limit, method=method)
                    wall = time.perf_counter() - started
                    budget = 1.1 * limit + 0.2
                    assert a.status != "optimal" or "time limit" not in a.message
                    print(
                        f"{name:8} {solver or 'auto':9} {method:9} {limit:6.1f} {wall:6.2f} "
                        f"{wall / budget:6.2f}x  {a.status.value}"
                    )


if __name__ == "__main__":
    main()
