"""Sweeps: progress and executors, with results identical to the serial run."""

from __future__ import annotations

import io
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import busetting as bs
from busetting._sweep import TerminalBar, run_sweep
from busetting.cli import main


def _problem(**rules: object) -> bs.Problem:
    pops = [9061, 7179, 5259, 3319, 1182, 640, 2210, 4120]
    ms = [
        bs.Municipality(
            municipality_id=f"{i:04d}",
            name=f"K{i}",
            population=p,
            county="Fylke 0" if i % 2 else "Fylke 1",
            minors_eligible=i < 6,
            indicators={"capacity": float(p % 97 + 10)},
        )
        for i, p in enumerate(pops, start=1)
    ]
    problem = bs.Problem(
        municipalities=ms,
        criteria={"population": 0.6, "capacity": 0.4},
        need=bs.Need(total=200, minors=20),
    )
    return problem.with_rules(**rules)


RULES = {"granularity": 5, "min_request": 5, "minors_min_group": 4, "max_minors_hosts": 3}


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))


def test_scenarios_with_rules_on_processes_equal_the_serial_run_and_allocate() -> None:
    problem = _problem(**RULES)
    totals = list(range(150, 260, 7))
    serial = bs.scenarios(problem, totals)
    with ProcessPoolExecutor(2) as pool:
        parallel = bs.scenarios(problem, totals, executor=pool)
    pd.testing.assert_frame_equal(serial, parallel)
    for t in totals[::4]:
        alloc = bs.allocate(problem.with_need(t))
        assert serial[t].tolist() == alloc.requests.tolist()


def test_scenarios_report_progress_in_totals() -> None:
    problem = _problem(**RULES)
    seen = Recorder()
    bs.scenarios(problem, range(150, 171), progress=seen)
    assert seen.calls[-1] == (21, 21)
    assert [d for d, _ in seen.calls] == sorted(d for d, _ in seen.calls)
    assert {n for _, n in seen.calls} == {21}
    fast = Recorder()  # the one-ordering path reports once, at the end
    bs.scenarios(_problem().with_need(200, 0), [190, 200, 210], progress=fast)
    assert fast.calls == [(3, 3)]


def test_uncertainty_on_threads_equals_the_serial_run() -> None:
    problem = _problem(**RULES)
    samples = np.random.default_rng(7).integers(150, 260, 40)
    serial = bs.uncertainty(problem, samples)
    seen = Recorder()
    with ThreadPoolExecutor(2) as pool:
        parallel = bs.uncertainty(problem, samples, executor=pool, progress=seen)
    pd.testing.assert_frame_equal(serial, parallel)
    assert seen.calls[-1] == (len(set(samples.tolist())),) * 2


def test_sensitivity_on_threads_equals_the_serial_run() -> None:
    problem = _problem(**RULES)
    serial = bs.sensitivity(problem)
    seen = Recorder()
    with ThreadPoolExecutor(2) as pool:
        parallel = bs.sensitivity(problem, executor=pool, progress=seen)
    pd.testing.assert_frame_equal(serial, parallel)
    assert seen.calls[-1] == (4, 4)  # two criteria, each moved down and up


def test_calibrate_on_threads_equals_the_serial_fit() -> None:
    problem = _problem().with_need(200, 0)
    observed = bs.allocate(problem).requests
    start = problem.with_criteria({"population": 0.5, "capacity": 0.5})
    serial = bs.calibrate(start, observed)
    seen = Recorder()
    with ThreadPoolExecutor(2) as pool:
        parallel = bs.calibrate(start, observed, executor=pool, progress=seen)
    assert parallel.weights == serial.weights and parallel.loss == serial.loss
    assert parallel.evaluations == serial.evaluations
    assert seen.calls[-1][0] == seen.calls[-1][1]


def test_a_wrong_executor_or_progress_is_an_input_error() -> None:
    with pytest.raises(bs.InputError) as info:
        bs.scenarios(_problem(), [10], executor="processes")  # type: ignore[arg-type]
    assert str(info.value) == (
        "The `executor` parameter of `scenarios` must be None or a "
        "concurrent.futures.Executor. Got str instead."
    )
    with pytest.raises(bs.InputError) as info:
        bs.sensitivity(_problem(), progress=3)  # type: ignore[arg-type]
    assert str(info.value) == (
        "The `progress` parameter of `sensitivity` must be None, a bool or a callable "
        "progress(done, total). Got int instead."
    )


def test_progress_true_draws_nothing_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    bs.scenarios(_problem(**RULES), [150, 155], progress=True)
    assert capsys.readouterr().err == ""


def test_the_bar_counts_k_of_n() -> None:
    stream = io.StringIO()
    bar = TerminalBar("scenarios", stream, width=4)
    bar(1, 4)
    bar(4, 4)
    assert stream.getvalue() == "\rscenarios 1 / 4 [#...]\rscenarios 4 / 4 [####]\n"


def test_run_sweep_keeps_the_order_of_the_items() -> None:
    with ThreadPoolExecutor(3) as pool:
        assert run_sweep(abs, [-3, 2, -1, 0], executor=pool) == [3, 2, 1, 0]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_scenarios_show_k_of_n_on_a_terminal_only() -> None:
    args = ["scenarios", "--totals", "36000:36010:5", "--granularity", "5"]
    out, err = io.StringIO(), _Terminal()
    assert main(args, stdout=out, stderr=err) == 0
    assert "busetting: scenarios 3 / 3" in err.getvalue()
    out, plain = io.StringIO(), io.StringIO()
    assert main(args, stdout=out, stderr=plain) == 0
    assert " / " not in plain.getvalue()
