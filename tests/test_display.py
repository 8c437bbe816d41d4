"""At home in notebooks and services: short reprs, tables, displayable figures, output schema."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest
from pydantic import TypeAdapter

import busetting as bs
from busetting.cli import main
from busetting.datasets import norway_2024
from busetting.schemas import AllocationOutput


def _toy(total: int = 20, **rules: int) -> bs.Problem:
    ms = [
        bs.Municipality(
            municipality_id=f"000{i}",
            name=f"K{i}",
            county="A" if i < 3 else "B",
            population=100 * i,
            indicators={"capacity": float(6 - i)},
            max=8 if i == 1 else None,
        )
        for i in range(1, 6)
    ]
    return bs.Problem(
        municipalities=ms,
        criteria={"population": 0.5, "capacity": 0.5},
        need=bs.Need(total=total),
        rules=bs.Rules(**rules),
    )


@pytest.fixture(scope="module")
def norway() -> bs.Allocation:
    return bs.allocate(norway_2024(rules=bs.Rules()))


def test_problem_repr_is_short_and_says_what_matters() -> None:
    problem = norway_2024()
    text = repr(problem)
    assert len(text) < 1_000 and text == str(problem)
    assert text.startswith("Problem(357 municipalities, need 37,000, of whom 610 minors)")
    assert "rules: granularity 5; minimum request 5" in text
    html = problem._repr_html_()
    assert "<table" in html and "Oslo" in html and "… and 347 more" in html


def test_problem_to_frame_round_trips_through_from_frame() -> None:
    problem = _toy()
    frame = problem.to_frame()
    assert list(frame.index) == list(problem.ids)
    assert frame.loc["0001", "max"] == 8 and pd.isna(frame.loc["0002", "max"])
    again = bs.Problem.from_frame(
        frame.reset_index(), total=problem.total, criteria={"population": 0.5, "capacity": 0.5}
    )
    assert again == problem


def test_an_allocation_is_sent_as_its_output_model(norway: bs.Allocation) -> None:
    # what FastAPI does with a route annotated `-> Allocation`
    adapter = TypeAdapter(bs.Allocation)
    sent = json.loads(adapter.dump_json(norway))
    model = AllocationOutput.model_validate(sent)
    assert model.total == 37_000 and len(model.municipalities) == 357
    assert sum(m.request or 0 for m in model.municipalities) == 37_000
    assert adapter.json_schema(mode="serialization") == AllocationOutput.model_json_schema(
        mode="serialization"
    )


@pytest.mark.parametrize(
    "problem",
    [_toy(), _toy(granularity=5), _toy(total=60), norway_2024(total=10_000, minors=50)],
    ids=["toy", "toy-granularity", "toy-infeasible", "norway-small"],
)
def test_the_output_model_validates_allocation_to_dict(problem: bs.Problem) -> None:
    alloc = bs.allocate(problem)
    data = bs.io.allocation_to_dict(alloc)
    model = AllocationOutput.model_validate(data)
    assert model.status == alloc.status.value
    assert json.loads(bs.io.allocation_to_json(alloc)) == data
    if alloc.requests is None:
        assert all(m.request is None for m in model.municipalities)
        assert model.diagnosis  # infeasible: the shortfall travels with it


def test_cli_schema_output_prints_the_output_schema() -> None:
    out = io.StringIO()
    assert main(["schema", "--output"], stdout=out, stderr=io.StringIO()) == 0
    dialect = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    assert json.loads(out.getvalue()) == {**dialect, **AllocationOutput.model_json_schema()}
    out = io.StringIO()
    assert main(["schema"], stdout=out, stderr=io.StringIO()) == 0
    assert json.loads(out.getvalue()) == {**dialect, **bs.Problem.model_json_schema()}


def test_compare_sorts_by_absolute_change_and_keeps_names(norway: bs.Allocation) -> None:
    other = bs.allocate(norway_2024(rules=bs.Rules(), weights="ministry"))
    table = bs.compare(norway, other, labels=("fitted", "ministry"))
    changes = table["change"].abs().tolist()
    assert changes == sorted(changes, reverse=True)
    assert (table["request_ministry"] - table["request_fitted"] == table["change"]).all()
    assert table.loc["0301", "name"] == "Oslo" and "minors_fitted" in table.columns
    assert int(table["change"].sum()) == 0  # same total on both sides


def test_compare_with_last_years_requests_and_bad_input() -> None:
    table = bs.compare({"0001": 10, "0002": 0}, {"0001": 12, "0003": 4})
    assert table.loc["0003", "request_a"] == 0 and pd.isna(table.loc["0003", "change_pct"])
    assert table.loc["0001", "change_pct"] == 20.0
    with pytest.raises(bs.InputError) as info:
        bs.compare({"0001": 1.5}, {"0001": 2})
    assert str(info.value) == (
        "The `a` parameter of `compare` must hold whole numbers >= 0. Got 1.5 for "
        "municipality 0001 instead."
    )
    with pytest.raises(bs.InputError, match="two different names"):
        bs.compare({"0001": 1}, {"0001": 2}, labels=("x", "x"))


def test_figures_display_themselves_as_png(norway: bs.Allocation) -> None:
    pytest.importorskip("matplotlib")
    from busetting import plots

    table = bs.compare(norway, bs.allocate(norway_2024(rules=bs.Rules(), weights="ministry")))
    for fig in (plots.plot_county_totals(norway), plots.plot_comparison(table)):
        png = fig._repr_png_()  # what Jupyter calls: no pyplot, no %matplotlib magic
        assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_io_and_datasets_are_reachable_from_import_busetting() -> None:
    code = (
        "import busetting as bs; "
        "print(bs.io.write_allocation.__name__, bs.datasets.norway_2024.__name__, "
        "bs.schemas.AllocationOutput.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["write_allocation", "norway_2024", "AllocationOutput"]


def test_revision_displays_its_largest_changes(norway: bs.Allocation) -> None:
    revision = bs.revise(norway, total=30_000)
    text = repr(revision)
    assert text.startswith("Revision(status='optimal', direction='down'") and len(text) < 1_000
    html = revision._repr_html_()
    assert "largest changes:" in html and html.count("<tr>") == 11  # header + 10 rows


def test_an_explanation_displays_as_text_not_as_a_field_dump(norway: bs.Allocation) -> None:
    explanation = norway.explain("4601", language="en")
    text = repr(explanation)
    assert text.startswith("Explanation(4601 Bergen: request ") and len(text) < 200
    html = explanation._repr_html_()
    assert "<strong>Bergen (4601, Vestland) is asked to settle" in html
    assert html.count("<li") == len(explanation.lines) - 1


def test_allocate_logs_its_route_and_prints_nothing(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    import logging

    with caplog.at_level(logging.INFO, logger="busetting"):
        alloc = bs.allocate(_toy())
    record = next(r for r in caplog.records if r.name == "busetting")
    assert record.getMessage().startswith("allocate: optimal, 5 municipalities, need 20")
    assert alloc.solver in record.getMessage()
    assert capsys.readouterr() == ("", "")
