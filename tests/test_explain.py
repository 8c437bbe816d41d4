"""Explanations, verification, reports and plots."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from clirun import run
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import busetting as bs
from busetting.datasets import load_municipalities, norway_2024
from busetting.testing.strategies import problems

METHODS = [m.value for m in bs.Method]


@pytest.fixture(scope="module")
def plain() -> bs.Allocation:
    return bs.allocate(norway_2024(rules=bs.Rules()))


@pytest.fixture(scope="module")
def ruled() -> bs.Allocation:
    return bs.allocate(norway_2024())


@given(data=st.data(), method=st.sampled_from(METHODS))
def test_contributions_sum_to_the_target_in_any_explanation(
    data: st.DataObject, method: str
) -> None:
    problem = data.draw(problems(max_size=12, method=method))
    alloc = bs.allocate(problem, method=method)
    ids = data.draw(st.lists(st.sampled_from(problem.ids), min_size=1, max_size=3, unique=True))
    for mid in ids:
        e = alloc.explain(mid)
        assert math.isclose(sum(e.contributions.values()), e.target, rel_tol=1e-12, abs_tol=1e-9)
        assert e.request == int(alloc.requests[mid])


@given(data=st.data(), method=st.sampled_from(METHODS))
def test_verify_accepts_every_optimal_allocation(data: st.DataObject, method: str) -> None:
    problem = data.draw(problems(max_size=15, method=method))
    alloc = bs.allocate(problem, method=method)
    check = bs.verify(problem, alloc)
    assert check.feasible and check.optimal is not False, check.reasons


@settings(max_examples=25)
@given(data=st.data(), method=st.sampled_from(METHODS))
def test_verify_rejects_a_hand_made_worse_allocation(data: st.DataObject, method: str) -> None:
    problem = data.draw(
        problems(max_size=10, max_total=200, bounds=False, minors=False, method=method)
    )
    alloc = bs.allocate(problem, method=method)
    x = alloc.requests.copy()
    # move one person from the municipality with most to the one with the smallest target
    give = x.idxmax()
    take = alloc.targets.idxmin()
    if give == take or x[give] == 0 or (method != "hamilton" and alloc.targets[take] <= 0):
        return
    x[give] -= 1
    x[take] += 1
    from busetting._methods import Method, objective

    moved = objective(Method(method), x.to_numpy(), alloc.targets.to_numpy())
    assume(moved > alloc.objective + 1e-9 * max(1, abs(alloc.objective)))  # really worse
    check = bs.verify(problem, x, method=method)
    assert check.feasible and check.optimal is False
    assert check.reasons[0].startswith("requests: moving one person from")


def test_verify_names_the_exchange_and_the_infeasibility(plain: bs.Allocation) -> None:
    p = plain.problem
    x = plain.requests.copy()
    x["0301"] += 1
    x["4601"] -= 1
    check = bs.verify(p, x, plain.minors)
    assert not check and check.optimal is False
    assert check.reasons[0].startswith("requests: moving one person from 0301")
    x["4601"] -= 1
    broken = bs.verify(p, x, plain.minors)
    assert not broken.feasible
    assert broken.reasons == ("requests sum to 36,999, not the need of 37,000",)


def test_verify_certifies_the_rules_result_by_the_lagrangian_bound(ruled: bs.Allocation) -> None:
    check = bs.verify(ruled.problem, ruled)
    assert check.feasible and check.optimal is True
    expected = (
        "the rules-path certificate holds"
        if ruled.solver == "lagrange"
        else "reaches the Lagrangian lower bound"
    )
    assert expected in check.reasons[-1]
    # the bare numbers (no certificate): the Lagrangian bound decides, or says it cannot
    bare = bs.verify(ruled.problem, ruled.requests, ruled.minors)
    assert bare.feasible and bare.optimal is not False
    x = ruled.requests.copy()
    x["0301"] += 1
    x["4601"] -= 1
    bad = bs.verify(ruled.problem, x, ruled.minors)
    assert not bad.feasible and "not on the grid of 5" in bad.reasons[0]


def test_explanation_text_in_english_and_bokmal(plain: bs.Allocation) -> None:
    e = plain.explain("4601", language="en")  # the Norway data default to bokmål
    x, m = int(plain.requests["4601"]), int(plain.minors["4601"])
    assert x > 1_000 and m > 0
    assert e.lines[0] == (
        f"Bergen (4601, Vestland) is asked to settle {x:,} refugees, of whom "
        f"{m} unaccompanied minors."
    )
    assert e.target_for_one_less < e.target < e.target_for_one_more
    nb = plain.explain("4601", language="nb")
    nb_x = f"{x:,}".replace(",", " ")
    assert nb.lines[0] == (
        f"Bergen (4601, Vestland) blir bedt om å bosette {nb_x} flyktninger, "
        f"av dem {m} enslige mindreårige."
    )
    assert any("per 1 000 innbyggere" in line for line in nb.lines)


def test_marginal_thresholds_really_move_the_request(plain: bs.Allocation) -> None:
    e = plain.explain("1103")
    assert e.target_for_one_more is not None
    # raising Stavanger's target just past the threshold, with the rest unchanged in
    # proportion, is what the certificate predicts: check against the certificate directly
    cert = plain.certificate[0]
    from busetting._methods import Method, unit_cost

    x = int(plain.requests["1103"])
    at = unit_cost(Method.WEBSTER, np.array([x]), np.array([e.target_for_one_more * 1.0000001]))
    assert at[0] <= cert.lambda_low


def test_explain_frame_has_one_row_per_municipality(plain: bs.Allocation) -> None:
    frame = plain.explain_frame()
    assert len(frame) == 357
    contrib = frame.filter(like="contribution_").sum(axis=1)
    np.testing.assert_allclose(contrib, frame["target"], rtol=1e-12)
    assert frame["target_for_one_more"].notna().all()


def test_explain_errors() -> None:
    alloc = bs.allocate(norway_2024(rules=bs.Rules(), total=100, minors=0))
    with pytest.raises(bs.InputError) as info:
        alloc.explain("9999", language="en")
    assert str(info.value) == (
        "The `municipality_id` parameter of `explain` must name one municipality. Got '9999' "
        "instead: it is not a municipality of the problem; no name is close; give the number."
    )
    with pytest.raises(bs.InputError, match="must be 'en', 'nb' \\(bokmål\\) or 'nn'"):
        alloc.explain("0301", language="sv")


def test_report_and_plots_on_the_norway_problem(ruled: bs.Allocation, tmp_path: Path) -> None:
    html_path = ruled.report(tmp_path / "report.html")
    text = html_path.read_text(encoding="utf-8")
    for county in set(load_municipalities()["fylke"]):
        assert county in text
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2  # the map and the chart
    assert "data:image" not in text and "http://" not in text.replace(
        "http://www.w3.org/2000/svg", ""
    )  # self-contained: nothing fetched
    again = ruled.report(tmp_path / "again.html")
    assert again.read_bytes() == html_path.read_bytes()  # deterministic
    md = ruled.report(tmp_path / "report.md")
    svgs = sorted(p.name for p in tmp_path.glob("report-*.svg"))
    assert svgs == ["report-chart.svg", "report-map.svg"]
    assert all((tmp_path / s).read_text("utf-8").startswith("<svg") for s in svgs)
    assert "## Fylker" in md.read_text(encoding="utf-8")


def test_plot_functions_return_figures_without_showing(plain: bs.Allocation) -> None:
    from matplotlib.figure import Figure

    from busetting.plots import (
        figure_png,
        plot_county_totals,
        plot_fan,
        plot_per_capita,
        plot_requests_vs_targets,
    )

    table = bs.scenarios(norway_2024(rules=bs.Rules(), minors=0), range(30_000, 40_001, 500))
    figs = [
        plot_requests_vs_targets(plain),
        plot_county_totals(plain),
        plot_per_capita(plain),
        plot_fan(table, ["0301", "4601"], samples=[33_000, 37_000, 39_000]),
    ]
    for fig in figs:
        assert isinstance(fig, Figure)
        assert figure_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"


def test_repr_html_shows_status_totals_and_top_rows(plain: bs.Allocation) -> None:
    page = plain._repr_html_()
    assert "optimal" in page and "37,000 of 37,000" in page and "Oslo" in page


def test_cli_explain_and_report(tmp_path: Path) -> None:
    out = run("explain", "4601", "--lang", "en")
    assert out.returncode == 0 and out.stdout.startswith("Bergen (4601, Vestland) is asked")
    out = run("explain", "4601")  # the Norway data: bokmål by default
    assert out.returncode == 0 and out.stdout.startswith("Bergen (4601, Vestland) blir bedt")
    path = tmp_path / "r.html"
    out = run("report", "--out", str(path))
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"skrevet: {path}\n" and "Vestland" in path.read_text("utf-8")
