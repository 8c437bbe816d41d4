"""Calibrating the weights to past requests."""

from __future__ import annotations

import io

import numpy as np
import pytest

import busetting as bs
from busetting.cli import main
from busetting.datasets import norway_problem, observed_requests


def _synthetic(
    weights: tuple[float, float, float], n: int = 80, total: int = 20_000, seed: int = 3
) -> bs.Problem:
    rng = np.random.default_rng(seed)
    ms = [
        bs.Municipality(
            municipality_id=f"{i:04d}",
            name=f"K{i}",
            population=int(rng.integers(1_000, 100_000)),
            indicators={
                "capacity": float(rng.integers(1, 500)),
                "services": float(rng.uniform(0.5, 1.5)),
            },
        )
        for i in range(1, n + 1)
    ]
    crit = [
        bs.Criterion(name="capacity", indicator="capacity", weight=weights[0]),
        bs.Criterion(
            name="services", indicator="services", weight=weights[1], kind="rate", base="population"
        ),
        bs.Criterion(name="population", indicator="population", weight=weights[2]),
    ]
    return bs.Problem(municipalities=ms, criteria=crit, need=bs.Need(total=total))


@pytest.mark.parametrize("truth", [(0.5, 0.3, 0.2), (0.2, 0.2, 0.6), (0.7, 0.0, 0.3)])
def test_known_weights_are_recovered_with_zero_integer_loss(truth: tuple[float, ...]) -> None:
    problem = _synthetic(truth)  # type: ignore[arg-type]
    observed = bs.allocate(problem).requests
    start = _synthetic((1 / 3, 1 / 3, 1 / 3))
    cal = bs.calibrate(start, observed)
    assert cal.loss == 0.0
    fitted = np.array([cal.weights[k] for k in ("capacity", "services", "population")])
    assert np.abs(fitted - np.array(truth)).max() <= 0.01  # the stated tolerance
    assert (cal.residuals["residual"] == 0).all()


def test_constraints_and_bounds_hold() -> None:
    problem = _synthetic((0.2, 0.5, 0.3))
    observed = bs.allocate(problem).requests
    cal = bs.calibrate(
        problem, observed, constraints=["capacity_largest"], bounds={"population": (0.25, 0.4)}
    )
    w = cal.weights
    assert w["capacity"] >= max(w["services"], w["population"]) - 1e-9
    assert 0.25 - 1e-9 <= w["population"] <= 0.4 + 1e-9
    assert abs(sum(w.values()) - 1) < 1e-9 and min(w.values()) >= -1e-12


def test_calibration_errors() -> None:
    problem = _synthetic((0.5, 0.3, 0.2))
    with pytest.raises(bs.InputError) as info:
        bs.calibrate(problem, {"9999": 3})
    assert str(info.value) == (
        "The `observed` parameter of `calibrate` names municipalities "
        "that are not in the problem: 9999."
    )
    with pytest.raises(bs.InputError, match=r"accepts 'capacity_largest'\. Got 'jobs_first'"):
        bs.calibrate(problem, {"0001": 3}, constraints=["jobs_first"])


def test_the_embedded_history_beats_the_population_baseline() -> None:
    obs, prev = observed_requests(2023), observed_requests(2022)
    problem = norway_problem(2023, total=38_000, rules=bs.Rules(), ask_everyone=False)
    cal = bs.calibrate(
        problem, obs, criteria=["previous_request", "capacity", "spread"], previous=prev
    )
    assert cal.loss < cal.baselines["population share"]
    assert cal.loss < cal.baselines["previous year scaled"]
    frame = cal.to_frame()
    assert frame["model"].tolist() == ["fitted weights", "population share", "previous year scaled"]


def test_cli_calibrate() -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = ["calibrate", "--year", "2023", "--criteria", "previous_request,capacity"]
    assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    text = out.getvalue()
    assert text.startswith("requests 2023 (38,000), indicators from the 2022 history")
    assert "population share" in text and "evaluate 2023" in text
    fitted = text.split("fitted weights:\n")[1].split("loss")[0].split()
    assert fitted[0::2] == ["previous_request", "capacity"]
