"""One accounting of change: the parts sum exactly to every change, on every route."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import busetting as bs
from busetting._accounting import CENTS, check_sums
from busetting._reconcile import change_report
from busetting._report import report_html
from busetting.datasets import norway_2024
from busetting.testing.strategies import baselines, problems

RULES = {
    "none": bs.Rules(),
    "grid": bs.Rules(granularity=5),
    "minimum": bs.Rules(min_request=4),
    "both": bs.Rules(granularity=3, min_request=3),
}


def _sums_exactly(accounting: bs.Accounting) -> None:
    for change in accounting.changes:
        total = sum(p.cents for p in change.parts)
        assert total == change.change * CENTS, (change.municipality_id, change.parts)


@settings(max_examples=25, deadline=None)
@given(
    data=st.data(),
    method=st.sampled_from([m.value for m in bs.Method]),
    rules=st.sampled_from(sorted(RULES)),
    solver=st.sampled_from([None, None, None, None, "cbc"]),
)
def test_the_parts_sum_to_every_change_for_random_problems_on_every_route(
    data: st.DataObject, method: str, rules: str, solver: str | None
) -> None:
    problem = data.draw(problems(max_size=8, max_total=120, method=method))
    problem = problem.with_rules(RULES[rules])
    alloc = bs.allocate(problem, method=method, solver=solver)
    assume(alloc.requests is not None)
    baseline = data.draw(baselines(problem))
    accounting = bs.account(alloc, baseline)
    assert len(accounting) == len(problem.ids)
    _sums_exactly(accounting)
    wide = accounting.wide()
    parts = wide.filter(like="part_").sum(axis=1)
    assert ((parts - wide["change"]).abs() < 1e-6).all()
    tidy = accounting.to_frame()
    assert set(tidy.columns) >= {"municipality_id", "kind", "cause", "persons", "change"}


@settings(max_examples=25, deadline=None)
@given(data=st.data(), change=st.integers(-40, 40), key=st.sampled_from(["original", "commitment"]))
def test_the_parts_of_a_revision_sum_to_every_change(
    data: st.DataObject, change: int, key: str
) -> None:
    problem = data.draw(problems(max_size=8, max_total=200, minors=False))
    alloc = bs.allocate(problem)
    assume(alloc.requests is not None)
    rev = bs.revise(alloc, total=max(0, problem.total + change), cut_key=key)
    assume(rev.allocation.requests is not None)
    accounting = rev.accounting()
    assert accounting.compared_with == "current_request"
    assert [c.baseline for c in accounting.changes] == alloc.requests.tolist()
    _sums_exactly(accounting)


@cache
def _norway() -> tuple[bs.Problem, bs.Allocation]:
    problem = norway_2024()
    return problem, bs.allocate(problem).raise_for_status()


def test_the_yearly_draft_is_compared_with_last_years_request() -> None:
    problem, draft = _norway()
    accounting = bs.account(draft)
    assert accounting.compared_with == "last_year_request"
    assert check_sums(accounting) == []
    last = problem.columns.indicators["previous_request"]
    assert [c.baseline for c in accounting.changes] == [round(v) for v in last]
    kinds = {p.kind for c in accounting.changes for p in c.parts}
    assert {"need", "criterion"} <= kinds
    # the rounding part is the balancing item and small: under a person where no rule acts
    rounding = [p.persons for c in accounting.changes for p in c.parts if p.kind == "rounding"]
    assert max(abs(v) for v in rounding) < 1


def _scenario() -> tuple[bs.Problem, bs.Allocation, bs.Reconciliation, dict[str, str]]:
    """The issue's county round: Vestland only Bergen, Rogaland only Utsira and Sandnes,
    Agder two changes, Oslo one."""
    problem, draft = _norway()
    d = draft.requests
    assert d is not None
    ids = {m.name: m.municipality_id for m in problem.municipalities}
    agder = [
        m.municipality_id
        for m in problem.municipalities
        if m.county == "Agder" and d[m.municipality_id] >= 15
    ][:2]
    recs = {
        ids["Bergen"]: int(d[ids["Bergen"]]) + 100,
        ids["Utsira"]: 3,
        ids["Sandnes"]: 152,
        agder[0]: int(d[agder[0]]) + 5,
        agder[1]: int(d[agder[1]]) - 5,
        ids["Oslo"]: int(d[ids["Oslo"]]) + 50,
    }
    frame = pd.DataFrame({"municipality_id": list(recs), "recommendation": list(recs.values())})
    return problem, draft, bs.reconcile(problem, frame, draft=draft).raise_for_status(), ids


def test_the_county_round_lists_every_changed_municipality_with_parts_summing_to_it() -> None:
    _, draft, result, ids = _scenario()
    final, drafted = result.allocation.requests, draft.requests
    assert final is not None and drafted is not None
    recommended = result.recommendations["recommendation"]
    off_draft = set(final.index[final != drafted])
    off_rec = {i for i in recommended.dropna().index if int(final[i]) != int(recommended[i])}
    listed = result.changes["municipality_id"].tolist()
    assert len(listed) == len(set(listed))  # one line per municipality
    assert set(listed) == off_draft | off_rec
    assert len(off_draft) > 4  # the old report listed 4 of them
    # the county summary counts them
    counted = result.changes.groupby("county").size()
    assert (
        result.counties["changed"].to_dict()
        == counted.reindex(result.counties.index, fill_value=0).to_dict()
    )
    # the parts sum to each change, against the draft and against the recommendation
    for against in ("draft", "recommendation"):
        accounting = result.accounting(against)
        assert check_sums(accounting) == []
    by_draft = result.accounting("draft")
    for mid in listed:
        assert by_draft[mid].change == int(final[mid]) - int(drafted[mid])
    # Stavanger moved with no recommendation of its own: it has a line and parts
    stavanger = result.changes.set_index("municipality_id").loc[ids["Stavanger"]]
    assert pd.isna(stavanger["recommendation"]) and stavanger["parts"]


def test_sandnes_reason_names_the_key_weight_that_pulled_it() -> None:
    _, _, result, ids = _scenario()
    row = result.changes.set_index("municipality_id").loc[ids["Sandnes"]]
    assert int(row["recommendation"]) == 152 and int(row["request"]) > 152
    parts = result.accounting("recommendation")[ids["Sandnes"]].parts
    weight = [p for p in parts if p.kind == "key_weight"]
    assert len(weight) == 1 and weight[0].cause == "0.25" and weight[0].persons > 50
    assert "the national key at weight 0.25" in row["parts"]
    nb = change_report(result, "nb").set_index("municipality_id")
    assert "den nasjonale nøkkelen med vekt 0.25" in nb.loc[ids["Sandnes"], "reason"]


@pytest.mark.parametrize(
    ("language", "headers", "reason"),
    [
        ("nb", ["kommunenummer", "kommune", "utkast"], "nøkkelen med vekt"),
        ("nn", ["kommunenummer", "kommune", "utkast"], "nøkkelen med vekt"),
        ("en", ["municipality_id", "name", "draft"], "key at weight"),
    ],
)
def test_the_change_report_is_in_the_language_asked(
    tmp_path: Path, language: str, headers: list[str], reason: str
) -> None:
    _, _, result, _ = _scenario()
    path = bs.write_change_report(result, tmp_path / "endringer.xlsx", language=language)
    book = openpyxl.load_workbook(path)
    rogaland = book["Rogaland"]
    assert [c.value for c in rogaland[1]][:3] == headers
    assert rogaland.freeze_panes == "C2" and rogaland.auto_filter.ref
    texts = [str(c.value) for row in rogaland.iter_rows(min_row=2) for c in row]
    assert any(reason in t for t in texts)
    if language != "en":
        assert not any(t.startswith(("rule:", "total:", "capacity:")) for t in texts)


def test_the_default_draft_frame_shows_last_years_request_the_change_and_its_parts() -> None:
    _, draft = _norway()
    frame = draft.to_frame()
    parts = [c for c in frame.columns if c.startswith("part_")]
    assert {"last_year_request", "change_from_last_year"} <= set(frame.columns)
    assert {"part_need", "part_criterion"} <= set(parts)
    assert (frame["change_from_last_year"] == frame["request"] - frame["last_year_request"]).all()
    assert ((frame[parts].sum(axis=1) - frame["change_from_last_year"]).abs() < 1e-6).all()
    # a problem without last year's request keeps the plain frame
    toy = bs.Problem(
        municipalities=[
            bs.Municipality(municipality_id="0001", name="A", population=3),
            bs.Municipality(municipality_id="0002", name="B", population=1),
        ],
        criteria={"population": 1.0},
        need=bs.Need(total=8),
    )
    assert "last_year_request" not in bs.allocate(toy).to_frame().columns
    with pytest.raises(bs.InputError, match="no `previous_request` indicator"):
        bs.account(bs.allocate(toy))


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("nb", "Endring fra fjorårets anmodning, i deler"),
        ("en", "Change from last year&#x27;s request"),
    ],
)
def test_the_report_has_the_change_from_last_year_with_its_parts(language: str, title: str) -> None:
    _, draft = _norway()
    page = report_html(draft, language=language, plots=False)
    section = page.split('id="change-parts"')[1].split("</section>")[0]
    assert title in section
    assert section.count("<tr>") == 1 + 15
    assert ("kriteriet" if language == "nb" else "criterion") in section


def test_the_same_accounting_in_any_row_order() -> None:
    problem, draft = _norway()
    shuffled = bs.Problem(
        municipalities=tuple(reversed(problem.municipalities)),
        criteria=problem.criteria,
        minors_criteria=problem.minors_criteria,
        need=problem.need,
        rules=problem.rules,
    )
    again = bs.account(bs.allocate(shuffled))
    first = bs.account(draft)
    for c in first.changes:
        assert again[c.municipality_id] == c


def test_a_county_is_found_from_what_people_type() -> None:
    _, _, result, _ = _scenario()
    by_name = result.changes_for("Rogaland")
    assert by_name.equals(result.changes_for("rogaland")) and by_name.equals(
        result.changes_for("11")
    )
    with pytest.raises(bs.InputError, match="did you mean: 11 Rogaland"):
        result.changes_for("Rogalnd")
