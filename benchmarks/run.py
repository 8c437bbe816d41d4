"""One command for the performance table: python benchmarks/run.py [--write] [--only=CASE]

Measures every case in one run (medians over repeats, wall clock on this machine), checks
every answer (valid, optimal, and equal objectives against the peers), and prints the
Markdown table with ratios against the fastest in each group. ``--write`` also writes it to
docs/performance.md. ``--only`` may be given more than once; ``--only=columnar`` runs the
issue #17 cases (the columnar core) alone.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

import peers

import busetting as bs
from busetting._methods import Method, objective
from busetting._solvers.threshold import UNBOUNDED, solve_separable
from busetting.datasets import (
    INDICATORS,
    default_criteria,
    default_minors_criteria,
    derive_indicators,
    load_history,
    norway_2024,
)
from busetting.testing import assert_valid_allocation

ROWS: list[tuple[str, str, float, str]] = []


def median_time(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median of ``repeats`` timed calls after one untimed warm-up; ``repeats=0``: one timed
    call, no warm-up (for the long sweeps)."""
    if repeats == 0:
        t = time.perf_counter()
        out = fn()
        return time.perf_counter() - t, out
    out = fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


ROUNDS = 10
"""Rounds of :func:`interleaved`: this machine's speed changes from second to second, so the
issue #17 cases are timed in turns, spread over about ten seconds."""


def interleaved(
    cases: dict[str, Callable[[], Any]], rounds: int, repeats: int
) -> dict[str, tuple[float, float]]:
    """The median and the fastest of ``rounds * repeats`` timed calls of each case, the cases
    taking turns (``repeats`` calls each per round) so that all meet the same machine speeds."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for fn in cases.values():
        fn()
    for _ in range(rounds):
        for name, fn in cases.items():
            for _ in range(repeats):
                t = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t)
    return {name: (statistics.median(ts), min(ts)) for name, ts in times.items()}


def cpu_time(fn: Callable[[], Any], repeats: int = 5) -> float:
    """Median CPU time of ``fn`` (this process only: less sensitive to a busy machine)."""
    times = []
    for _ in range(repeats):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def record(group: str, name: str, seconds: float, note: str = "") -> None:
    ROWS.append((group, name, seconds, note))


def norway_cases() -> None:
    pop = norway_2024(rules=bs.Rules(), minors=0, weights={"population": 1.0})
    full = norway_2024(rules=bs.Rules(), minors=0)
    for label, problem in (("population key", pop), ("2024 key", full)):
        for method in ("webster", "hamilton"):
            group = f"Norway 2024, {label}, {method}"
            secs, ref = median_time(lambda: bs.allocate(problem, method=method), 200)
            assert ref.status == "optimal" and ref.solver == "threshold"
            assert_valid_allocation(problem, ref)
            record(group, "busetting threshold (allocate, end to end)", secs)
            key = bs.build_key(problem)
            lo = np.zeros(len(key.targets), dtype=np.int64)
            hi = np.full(len(key.targets), UNBOUNDED, dtype=np.int64)
            secs, sol = median_time(
                lambda: solve_separable(
                    Method(method), key.targets, lo, hi, problem.total, key.exact_targets
                ),
                300,
            )
            assert (sol.x == ref.requests.to_numpy()).all()
            record(group, "busetting threshold (solve only)", secs)
            for solver in ("cbc", "highs"):
                secs, alloc = median_time(
                    lambda s=solver: bs.allocate(problem, method=method, solver=s), 5
                )
                assert abs(alloc.objective - ref.objective) <= 1e-9 * max(1, ref.objective)
                record(group, f"busetting integer program ({solver})", secs)
            up = np.full(len(key.targets), problem.total)
            if method == "hamilton":
                secs, x = median_time(
                    lambda: peers.naive_pulp_l1(key.targets, up, problem.total), 3
                )
                assert abs(objective(Method.HAMILTON, x, key.targets) - ref.objective) < 1e-6
                record(group, "naive PuLP + CBC (abs(x - t) with slacks)", secs)
                secs, x = median_time(
                    lambda: peers.scipy_milp_l1(key.targets, up, problem.total), 3
                )
                assert abs(objective(Method.HAMILTON, x, key.targets) - ref.objective) < 1e-6
                record(group, "scipy.optimize.milp (HiGHS)", secs)
            elif label == "population key":
                secs, x = median_time(
                    lambda: peers.naive_pulp_webster(key.targets, up, problem.total), 1
                )
                assert abs(objective(Method.WEBSTER, x, key.targets) - ref.objective) < 1e-6
                record(group, "naive PuLP + CBC (unit segments)", secs)


def _county_recommendations(problem: bs.Problem) -> dict[str, int]:
    """The counties' "recommendations": 2023 requests per county, scaled to the need in fives."""
    hist = load_history()
    asked = hist[hist["year"] == 2023].groupby("fylke")["anmodning"].sum()
    counties = {m.county for m in problem.municipalities}
    asked = asked[asked.index.isin(counties)]
    shares = asked / asked.sum() * problem.total / 5
    fives = np.floor(shares).astype(int)
    rest = int(problem.total / 5 - fives.sum())
    for c in (shares - fives).sort_values(ascending=False).index[:rest]:
        fives[c] += 1
    return {c: int(v) * 5 for c, v in fives.items()}


RULES_TOTALS = [30_000 + 789 * k for k in range(20)]  # 30,000 ... 44,991, mostly off the grid of 5


def rules_path_cases() -> None:
    """Issue #16: the exact rules path against CBC on the same problems, in the same run."""
    base = norway_2024()
    group = "Norway 2024, all process rules, 20 totals 30,000-44,991"
    fast, slow, cpu, worst = [], [], [], 0.0
    for total in RULES_TOTALS:
        problem = base.with_need(total)
        secs, alloc = median_time(lambda p=problem: bs.allocate(p), 5)
        cpu.append(cpu_time(lambda p=problem: bs.allocate(p)))
        assert alloc.status == "optimal" and alloc.solver == "lagrange", alloc.solver_reason
        assert_valid_allocation(problem, alloc)
        cbc_secs, milp = median_time(lambda p=problem: bs.allocate(p, solver="cbc"), 1)
        assert milp.status == "optimal"
        assert abs(alloc.objective - milp.objective) <= 1e-9 * max(1.0, milp.objective)
        fast.append(secs)
        slow.append(cbc_secs)
        worst = max(worst, secs)
    off = sum(1 for t in RULES_TOTALS if t % 5)
    record(
        group,
        "busetting rules path (allocate, end to end)",
        statistics.median(fast),
        f"median of 20 totals ({off} off the grid); worst {worst * 1e3:.0f} ms; "
        f"CPU time median {statistics.median(cpu) * 1e3:.0f} ms",
    )
    record(
        group,
        "busetting integer program (cbc)",
        statistics.median(slow),
        f"median of the same 20; worst {max(slow) * 1e3:,.0f} ms; same objective on each",
    )
    problem = base.with_rules(county_totals=_county_recommendations(base))
    group = "Norway 2024, all process rules + county totals"
    secs, alloc = median_time(lambda: bs.allocate(problem), 9)
    assert alloc.status == "optimal" and alloc.solver == "lagrange", alloc.solver_reason
    assert_valid_allocation(problem, alloc)
    used = cpu_time(lambda: bs.allocate(problem))
    record(
        group,
        "busetting rules path (allocate, end to end)",
        secs,
        f"CPU time {used * 1e3:.0f} ms; {alloc.certificate[0].core} municipalities searched",
    )
    for solver in ("cbc", "highs"):
        if solver not in bs.available_solvers():
            continue
        secs, milp = median_time(lambda s=solver: bs.allocate(problem, solver=s), 3)
        assert milp.status == "optimal"
        assert abs(alloc.objective - milp.objective) <= 1e-9 * max(1.0, milp.objective)
        note = milp.message.split("; ")[-1].rstrip(")")
        record(group, f"busetting integer program ({solver})", secs, note)
    rules_sweeps(base, statistics.median(slow))


def rules_sweeps(base: bs.Problem, cbc_median: float) -> None:
    from concurrent.futures import ProcessPoolExecutor

    group = "scenarios, 1,001 totals with the rules (Norway)"
    totals = range(30_000, 45_001, 15)
    started = time.process_time()
    secs, table = median_time(lambda: bs.scenarios(base, totals), 0)
    used = time.process_time() - started
    assert table.shape[1] == 1001 and not table.isna().any().any()
    assert table[37_005].tolist() == bs.allocate(base.with_need(37_005)).requests.tolist()
    record(
        group,
        "busetting scenarios (serial)",
        secs,
        f"{secs / 1001 * 1e3:.1f} ms per total; CPU time {used:.1f} s",
    )
    record(
        group,
        "integer program (cbc) per total, extrapolated",
        cbc_median * 1001,
        "1,001 x the CBC median of the 20-total case",
    )
    group = "uncertainty, 200 samples with the rules (Norway)"
    samples = np.random.default_rng(16).normal(37_000, 2_500, 200).round().astype(int)
    secs, serial = median_time(lambda: bs.uncertainty(base, samples), 0)
    distinct = len(set(samples.tolist()))
    record(group, "busetting uncertainty (serial)", secs, f"{distinct} distinct totals")
    with ProcessPoolExecutor(2) as pool:
        secs, parallel = median_time(lambda: bs.uncertainty(base, samples, executor=pool), 0)
    assert serial.equals(parallel), "the executor changed the result"
    record(group, "busetting uncertainty (2 processes)", secs, "result equal to the serial run")


def scaled_cases() -> None:
    rng = np.random.default_rng(2024)
    for n in (10_000, 100_000):
        pop = rng.lognormal(8.5, 1.2, n)
        total = int(37_000 * n / 357)
        t = total * pop / pop.sum()
        lo = np.zeros(n, dtype=np.int64)
        hi = np.where(rng.random(n) < 0.1, np.floor(t * 0.8), UNBOUNDED).astype(np.int64)

        def exact(rows: list[int], t: np.ndarray = t) -> list[Any]:
            from fractions import Fraction

            return [Fraction(float(t[r])) for r in rows]

        group = f"synthetic n = {n:,} (10 % capped), webster"
        secs, sol = median_time(
            lambda: solve_separable(Method.WEBSTER, t, lo, hi, total, exact), 20
        )
        assert int(sol.x.sum()) == total and (sol.x <= hi).all()
        assert sol.lambda_low <= sol.lambda_high
        tracemalloc.start()
        solve_separable(Method.WEBSTER, t, lo, hi, total, exact)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        record(group, "busetting threshold (solve)", secs, f"peak memory {peak / 1e6:.1f} MB")


def synthetic_frame(n: int, seed: int = 2024) -> tuple[pd.DataFrame, int]:
    """``n`` synthetic regions (ids ``R0000000`` ...): lognormal populations, a capacity
    indicator, 10 % capped at 80 % of their population share; and the need (37,000 per 357)."""
    rng = np.random.default_rng(seed)
    pop = np.maximum(1, rng.lognormal(8.5, 1.2, n).round()).astype(np.int64)
    total = int(37_000 * n / 357)
    share = pop / pop.sum() * total
    frame = pd.DataFrame(
        {
            "municipality_id": [f"R{i:07d}" for i in range(n)],
            "name": [f"Region {i}" for i in range(n)],
            "county": [f"County {i % 50}" for i in range(n)],
            "population": pop,
            "capacity": rng.random(n) * 100,
            "max": np.where(rng.random(n) < 0.1, np.floor(share * 0.8), np.nan),
        }
    )
    return frame, total


SYNTHETIC_CRITERIA = {"population": 0.5, "capacity": 0.5}

PEAK_MEMORY = """
import json, sys, tracemalloc
sys.path.insert(0, {here!r})
import busetting as bs
from run import SYNTHETIC_CRITERIA, synthetic_frame
frame, total = synthetic_frame({n})
tracemalloc.start()
problem = bs.Problem.from_frame(frame, total=total, criteria=SYNTHETIC_CRITERIA)
alloc = bs.allocate(problem)
assert alloc.status == "optimal"
print(json.dumps(tracemalloc.get_traced_memory()[1]))
"""


def columnar_cases() -> None:
    """Issue #17: the columnar core, from the door to the result."""
    group = "issue #17, Norway 2024 (357 municipalities)"
    problem = norway_2024(rules=bs.Rules(), minors=0)
    floats = np.linspace(0.0, 100.0, 357)
    fresh = iter([problem.with_need(problem.total) for _ in range(ROUNDS * 200 + 10)])
    key = bs.build_key(problem)
    lo = np.zeros(len(key.targets), dtype=np.int64)
    hi = np.full(len(key.targets), UNBOUNDED, dtype=np.int64)
    cases: dict[str, Callable[[], Any]] = {
        "machine reference: 100 numpy operations on 357 floats (no busetting)": lambda: [
            np.floor(floats * 3.0 + 0.5).sum() for _ in range(25)
        ],
        "allocate, bounds only, end to end (target 0.5 ms)": lambda: bs.allocate(problem),
        "allocate, bounds only, end to end, a new Problem each call": lambda: bs.allocate(
            next(fresh)
        ),
        "the threshold solve alone (same run, for scale)": lambda: solve_separable(
            Method.WEBSTER, key.targets, lo, hi, problem.total, key.exact_targets
        ),
    }
    notes = {
        "machine reference: 100 numpy operations on 357 floats (no busetting)": (
            "this machine's speed, measured in turns with the rows below"
        ),
        "allocate, bounds only, end to end, a new Problem each call": (
            "with_need copies, made before timing: nothing of a previous allocation is "
            "reused but what the columns keep (shares, given bounds)"
        ),
    }
    for name, (median, fastest) in interleaved(cases, ROUNDS, 200).items():
        note = notes.get(name, "")
        record(group, name, median, f"{note}; fastest {fastest * 1000:.2f} ms".lstrip("; "))
    alloc = bs.allocate(problem)
    assert alloc.status == "optimal" and alloc.solver == "threshold"
    assert_valid_allocation(problem, alloc)
    assert bs.allocate(next(fresh)).objective == alloc.objective
    with_minors = norway_2024(rules=bs.Rules())
    secs, alloc = median_time(lambda: bs.allocate(with_minors), 500)
    assert alloc.status == "optimal" and alloc.solver == "threshold"
    record(group, "allocate, bounds only, with 610 minors, end to end", secs)
    frame = derive_indicators(year=2023).drop(columns=["able_to_settle"])
    frame = frame.rename(columns={"minors_capacity": "minors_max"})

    def read() -> bs.Problem:
        return bs.Problem.from_frame(
            frame,
            total=37_000,
            minors=610,
            criteria=default_criteria(),
            minors_criteria=default_minors_criteria(),
            indicators=INDICATORS,
            id_format="kommunenummer",
        )

    secs, read_back = median_time(read, 100)
    assert read_back.with_rules(bs.Rules()) == with_minors
    record(group, "Problem.from_frame, 357 rows (target 5 ms)", secs, f"{frame.shape[1]} columns")
    n = 100_000
    group = f"issue #17, synthetic n = {n:,} through the public API"
    data, total = synthetic_frame(n)
    secs, big = median_time(
        lambda: bs.Problem.from_frame(data, total=total, criteria=SYNTHETIC_CRITERIA), 5
    )
    record(group, "Problem.from_frame", secs)
    alone, alloc = median_time(lambda: bs.allocate(big), 5)
    assert alloc.status == "optimal" and int(alloc.requests.sum()) == total
    assert_valid_allocation(big, alloc)
    both, _ = median_time(
        lambda: bs.allocate(bs.Problem.from_frame(data, total=total, criteria=SYNTHETIC_CRITERIA)),
        5,
    )
    code = PEAK_MEMORY.format(here=str(Path(__file__).parent), n=n)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    peak = json.loads(out.strip().splitlines()[-1])
    record(
        group,
        "from_frame + allocate (target 1 s; peak memory 100 MB)",
        both,
        f"peak memory {peak / 1e6:.1f} MB (tracemalloc in a fresh process, from_frame + "
        "allocate; the input frame not counted)",
    )
    record(group, "allocate alone (target 150 ms)", alone)


def sweep_and_revise() -> None:
    problem = norway_2024(rules=bs.Rules(), minors=0)
    secs, table = median_time(lambda: bs.scenarios(problem, range(30_000, 45_001, 15)), 10)
    assert table.shape[1] == 1001
    assert table[37_005].tolist() == bs.allocate(problem.with_need(37_005)).requests.tolist()
    record(
        "scenario sweep, 1,001 totals (Norway)",
        "busetting scenarios",
        secs,
        f"{secs / 1001 * 1e3:.3f} ms per total",
    )
    naive, _ = median_time(
        lambda: [bs.allocate(problem.with_need(t)) for t in range(30_000, 45_001, 150)], 1
    )
    record(
        "scenario sweep, 1,001 totals (Norway)",
        "allocate per total (101 of them, x9.9)",
        naive * 1001 / 101,
    )
    alloc = bs.allocate(problem.with_need(38_000))
    hist = load_history()
    h23 = hist[hist["year"] == 2023].set_index("kommunenummer")
    decided = h23["vedtak"].dropna().astype(int)
    secs, rev = median_time(lambda: bs.revise(alloc, decisions=decided), 5)
    assert rev.status == "optimal"
    record("revise after the 2023 decisions (Norway)", "busetting revise", secs)


def import_time() -> None:
    """Issue 30: ``import busetting`` against importing its own dependencies, in one run.

    Fresh interpreters take turns (deps, busetting, busetting and its first names read), so
    that all three meet the same machine speeds; the ratio is of the medians."""
    probe = "import time, sys; t = time.perf_counter(); {code}; d = time.perf_counter() - t; "
    tail = "print(d, 'pulp' in sys.modules, 'highspy' in sys.modules, 'pandas' in sys.modules)"
    codes = {
        "deps": "import numpy, pandas, pydantic",
        "busetting": "import busetting",
        "first use": "import busetting; busetting.allocate; busetting.Problem",
    }
    times: dict[str, list[float]] = {name: [] for name in codes}
    pandas_loaded = {}
    for _ in range(7):
        for name, code in codes.items():
            out = subprocess.run(
                [sys.executable, "-c", probe.format(code=code) + tail],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            times[name].append(float(out[0]))
            assert out[1] == "False" and out[2] == "False", "a solver was imported"
            pandas_loaded[name] = out[3] == "True"
    deps = statistics.median(times["deps"])
    group = "import busetting (fresh interpreters, in turns)"
    record(group, "import numpy, pandas, pydantic", deps, "the dependencies alone")
    light = statistics.median(times["busetting"])
    record(
        group,
        "import busetting (no solver imported)",
        light,
        f"{light / deps:.2f} x the dependencies (target <= 1.2); "
        f"pandas imported: {pandas_loaded['busetting']}",
    )
    used = statistics.median(times["first use"])
    record(
        group,
        "import busetting, then read allocate and Problem",
        used,
        f"{used / deps:.2f} x the dependencies (the library modules load on first use)",
    )


METHOD_TOTALS = np.linspace(30_000, 45_000, 50).round().astype(int).tolist()
"""Issue 30: 50 totals from 30,000 to 45,000 (most off the grid of 5)."""


def methods_cases() -> None:
    """Issue 30: every method on the Norway problem with all 2024 rules at 50 totals: the
    rules path end to end (median and worst), and how many fell back to the integer program.

    A total falls back when the rules path's search exceeds its budget; that is counted from
    the rules path alone (the integer program is not run here: it takes 11-47 s per fallback
    for Hamilton), and its time until it gave up is reported. Every answer is checked
    (``assert_valid_allocation``) and two per method are re-checked by ``check_certificate``."""
    from busetting._allocate import _prepare
    from busetting._solvers.lagrange import solve_plan

    base = norway_2024()
    group = "Norway 2024, all process rules, 50 totals 30,000-45,000, each method"
    for method in bs.Method:
        solved: list[float] = []
        gave_up: list[float] = []
        for k, total in enumerate(METHOD_TOTALS):
            problem = base.with_need(total)
            run = _prepare(problem, method, None, None, time.perf_counter())
            t = time.perf_counter()
            sol = solve_plan(run.problem, run.method, run.key, run.mkey, run.rules)
            alone = time.perf_counter() - t
            if sol is None:
                gave_up.append(alone)
                continue
            secs, alloc = median_time(lambda p=problem: bs.allocate(p, method=method), 3)
            assert alloc.status == "optimal" and alloc.solver == "lagrange", alloc.solver_reason
            assert_valid_allocation(problem, alloc)
            if k in (0, 25):
                check = bs.check_certificate(
                    problem, alloc.requests, alloc.minors, alloc.certificate[0]
                )
                assert check.ok, check.reason
            solved.append(secs)
        note = (
            f"worst {max(solved) * 1e3:.0f} ms of {len(solved)}; fell back on {len(gave_up)} of 50"
            if solved
            else f"fell back on {len(gave_up)} of 50"
        )
        if gave_up:
            note += (
                f" (the rules path gave up after {statistics.median(gave_up) * 1e3:.0f} ms median)"
            )
        record(
            group,
            f"{method.value} (rules path, allocate end to end)",
            statistics.median(solved) if solved else float("nan"),
            note,
        )


def table() -> str:
    lines = ["| case | approach | median | ratio | note |", "|---|---|---:|---:|---|"]
    groups: dict[str, list[tuple[str, float, str]]] = {}
    for g, name, secs, note in ROWS:
        groups.setdefault(g, []).append((name, secs, note))
    for g, rows in groups.items():
        best = min(s for _, s, _ in rows)
        for name, secs, note in rows:
            ms = secs * 1e3
            shown = f"{ms:,.2f} ms" if ms < 100 else f"{ms:,.0f} ms"
            lines.append(f"| {g} | {name} | {shown} | {secs / best:,.1f}x | {note} |")
    return "\n".join(lines)


CASES = {
    "norway": lambda: norway_cases(),
    "rules_path": lambda: rules_path_cases(),
    "scaled": lambda: scaled_cases(),
    "sweep": lambda: sweep_and_revise(),
    "import": lambda: import_time(),
    "methods": lambda: methods_cases(),
    "columnar": lambda: columnar_cases(),
}


def main() -> None:
    chosen = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--only=")]
    for name, case in CASES.items():
        if not chosen or name in chosen:
            case()
    text = table()
    print(text)
    if "--write" in sys.argv:
        doc = Path(__file__).parent.parent / "docs" / "performance.md"
        head = doc.read_text(encoding="utf-8").split("<!-- table -->")[0]
        doc.write_text(f"{head}<!-- table -->\n{text}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
