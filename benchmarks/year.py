"""The year in motion, timed: next_placements against the classical Sainte-Laguë of the
``apportionment`` package (the baseline, in the same run), and the status of 2023.

Run: ``python benchmarks/year.py``. Reports ratios to the baseline, never thresholds, and
checks the answers: placing 20,000 persons one by one from zero over the 2023 decisions ends
at the Sainte-Laguë apportionment of 20,000 over them.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from apportionment import methods as classical

import busetting as bs
from busetting.datasets import load_history


def _best(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    hist = load_history()
    year = hist[hist["year"] == 2023].set_index("kommunenummer")
    decisions = year["vedtak"].dropna().round().astype("int64")
    decisions = decisions[decisions > 0].sort_index()
    total = 20_000
    votes = decisions.tolist()

    base, theirs = _best(
        lambda: classical.compute(
            "saintelague", votes, total, parties=list(decisions.index), verbose=False
        )
    )
    ours_t, placed = _best(lambda: bs.next_placements(decisions, None, total))
    got = placed.settled.reindex(decisions.index).tolist()
    assert got == list(theirs), "20,000 placements from zero must be Sainte-Laguë's apportionment"
    twenty_t, _ = _best(lambda: bs.next_placements(decisions, None, 20))
    status_t, status = _best(lambda: bs.history_status(2023))
    assert status.national.gap == 4973

    print(f"decisions of 2023: {len(votes)} municipalities, {sum(votes):,} persons")
    print(f"baseline  apportionment.saintelague, {total:,} seats     : {base:8.3f} s")
    print(f"next_placements, {total:,} one by one, reasons   : {ours_t:8.3f} s "
          f"({ours_t / base:.1f} x baseline)")  # fmt: skip
    print(f"next_placements, the next 20                        : {twenty_t:8.3f} s "
          f"({twenty_t / base:.3f} x baseline)")  # fmt: skip
    print(f"history_status(2023)                                : {status_t:8.3f} s "
          f"({status_t / base:.3f} x baseline)")  # fmt: skip
    print(f"per placement: {statistics.fmean([ours_t / total]) * 1e6:.1f} microseconds")


if __name__ == "__main__":
    main()
