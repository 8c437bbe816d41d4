"""Sweeps of independent solves: serially or on any executor, with progress.

Every sweep (``scenarios``, ``uncertainty``, ``sensitivity``, ``calibrate``) maps one
function over a list of work items. :func:`run_sweep` does it in order, or on a
:class:`concurrent.futures.Executor` (a ``ProcessPoolExecutor``, or the executor of a Dask
``distributed.Client`` for a cluster), and always returns the results in the items' order, so
the result never depends on where or in which order the items ran. Work items and the function
must be picklable for a process pool: module-level functions and ``functools.partial``.

``progress`` is ``None``/``False`` (quiet), a callable ``progress(done, total)``, or ``True``
for a one-line "k / n" bar on standard error when it is a terminal (and nothing otherwise).
"""

from __future__ import annotations

import concurrent.futures
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from busetting._allocate import allocate, verify_solution
from busetting._constrained import diagnose_rules, plan_rules
from busetting._criteria import build_key
from busetting._exceptions import InputError
from busetting._feasibility import effective_bounds
from busetting._methods import Method
from busetting._model import Problem
from busetting._rules import diagnose_given, needs_program
from busetting._solvers import lagrange
from busetting._status import RulesCertificate

__all__ = ["Progress", "check_sweep_args", "progress_reporter", "requests_at", "run_sweep"]

log = logging.getLogger("busetting")

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int, int], None]
"""``progress(done, total)``: called after each finished item."""


class TerminalBar:
    """A one-line ``label k / n [####....]`` bar on standard error (a terminal only)."""

    def __init__(self, label: str, stream: Any = None, width: int = 24) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{self.label} {done:,} / {total:,} [{bar}]")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def check_sweep_args(where: str, progress: Any, executor: Any) -> None:
    """Raise :class:`InputError` for a ``progress`` or ``executor`` of the wrong kind."""
    if not (progress is None or isinstance(progress, bool) or callable(progress)):
        raise InputError(
            f"The `progress` parameter of `{where}` must be None, a bool or a callable "
            f"progress(done, total). Got {type(progress).__name__} instead."
        )
    if executor is not None and not isinstance(executor, concurrent.futures.Executor):
        raise InputError(
            f"The `executor` parameter of `{where}` must be None or a "
            f"concurrent.futures.Executor. Got {type(executor).__name__} instead."
        )


def progress_reporter(progress: Progress | bool | None, label: str) -> Progress | None:
    """The callable behind ``progress``: ``True`` is a bar on a terminal, else nothing."""
    if progress is None or progress is False:
        return None
    if progress is True:
        stream = sys.stderr
        return TerminalBar(label, stream) if stream is not None and stream.isatty() else None
    return progress


def run_sweep(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    progress: Progress | bool | None = None,
    executor: concurrent.futures.Executor | None = None,
    label: str = "busetting",
    weights: Sequence[int] | None = None,
) -> list[R]:
    """``[fn(item) for item in items]``, serially or on ``executor``, reporting progress.

    ``weights`` (one per item, default 1) is how much each item counts in the progress
    total: a block of ten totals counts ten.
    """
    report = progress_reporter(progress, label)
    sizes = [1] * len(items) if weights is None else [int(w) for w in weights]
    total = sum(sizes)
    done = 0
    out: list[R] = []
    if executor is None:
        for item, size in zip(items, sizes, strict=True):
            out.append(fn(item))
            done += size
            if report is not None:
                report(done, total)
        return out
    futures = [executor.submit(fn, item) for item in items]
    size_of = {id(f): s for f, s in zip(futures, sizes, strict=True)}
    log.debug("%s: %d items submitted to %s", label, len(items), type(executor).__name__)
    for fut in concurrent.futures.as_completed(futures):
        done += size_of[id(fut)]
        if report is not None:
            report(done, total)
    return [f.result() for f in futures]


# -- scenario blocks -----------------------------------------------------------------------------


def requests_at(
    problem: Problem, method: Method, solver: str | None, block: Sequence[int]
) -> list[np.ndarray | None]:
    """Requests at each total of ``block``, in order (None where it cannot be met, including
    a total below the problem's minors need).

    Problems with the process rules go through the exact rules path with a warm start from
    the previous total of the block (the block is the unit of work, the same serially and on
    an executor, so the sweep never depends on where it ran); anything the rules path does not
    take — no rules, another solver, an infeasible total, a search over budget — goes through
    :func:`busetting.allocate` itself.
    """
    out: list[np.ndarray | None] = []
    warm: RulesCertificate | None = None
    for total in block:
        if (
            total < problem.minors_total
        ):  # the minors need cannot be met: a column of missing values
            out.append(None)
            continue
        p = problem.with_need(total)
        x = None
        if solver is None and needs_program(p.rules):
            x, warm = _rules_requests(p, method, warm)
        if x is None:
            alloc = allocate(p, method=method, solver=solver)
            x = None if alloc.requests is None else alloc.requests.to_numpy()
        out.append(x)
    return out


def _rules_requests(
    problem: Problem, method: Method, warm: RulesCertificate | None
) -> tuple[np.ndarray | None, RulesCertificate | None]:
    """The requests from the exact rules path, verified like ``allocate`` verifies them, or
    ``(None, None)`` when ``allocate`` should decide (diagnosis, unsupported rules, budget)."""
    key = build_key(problem, "requests")
    mkey = build_key(problem, "minors")
    bounds, source = effective_bounds(problem, method, key, mkey)
    if diagnose_given(problem, bounds, method, source):
        return None, None
    plan = plan_rules(problem, key, mkey, bounds)
    if lagrange.supports(plan.spec) is not None or diagnose_rules(problem, plan, bounds):
        return None, None
    sol = lagrange.solve_plan(problem, method, key, mkey, plan, warm=warm)
    if sol is None:
        return None, None
    minors = np.zeros(len(sol.x), dtype=np.int64)
    minors[mkey.rows] = sol.m
    verify_solution(problem, bounds, sol.x, minors, "lagrange", method, plan)
    return sol.x, sol.certificate
