"""The county round: drafts out, recommendations back in, one reconciled answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import busetting as bs
from busetting.datasets import norway_2024
from busetting.testing import assert_valid_allocation

# -- helpers --------------------------------------------------------------------------------


def toy(**rules: object) -> bs.Problem:
    """Two counties of three municipalities each."""
    pops = {"0001": 900, "0002": 600, "0003": 300, "0004": 800, "0005": 500, "0006": 200}
    ms = [
        bs.Municipality(
            municipality_id=k,
            name=f"M{k}",
            county="A" if k <= "0003" else "B",
            population=v,
            minors_eligible=k in ("0001", "0004"),
        )
        for k, v in pops.items()
    ]
    return bs.Problem(
        municipalities=ms,
        criteria={"population": 1.0},
        need=bs.Need(total=100, minors=10),
        rules=bs.Rules(**rules),  # type: ignore[arg-type]
    )


def recs(
    values: dict[str, int | None], minors: dict[str, int | None] | None = None
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "municipality_id": list(values),
            "recommendation": pd.array(list(values.values()), dtype="Int64"),
        }
    )
    if minors is not None:
        frame["recommended_minors"] = pd.array([minors.get(k) for k in values], dtype="Int64")
    return frame


def assert_process_rules(problem: bs.Problem, alloc: bs.Allocation) -> None:
    """Totals, bounds and the process rules of ``problem`` hold for ``alloc``."""
    assert_valid_allocation(problem, alloc)
    assert alloc.requests is not None and alloc.minors is not None
    rules = problem.rules
    held = {m.municipality_id for m in problem.municipalities if m.fixed is not None}
    x = alloc.requests.drop(sorted(held))
    assert (x % rules.granularity == 0).all()
    assert not ((x > 0) & (x < rules.min_request)).any()
    m = alloc.minors
    assert not ((m > 0) & (m < rules.minors_min_group)).any()
    if rules.max_minors_hosts is not None:
        assert int((m > 0).sum()) <= rules.max_minors_hosts


def fill(path: Path, values: dict[str, object], column: str = "tilråding anmodning") -> None:
    """Type values into a draft workbook as a county would."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    heads = [c.value for c in sheet[1]]
    j = heads.index(column) + 1
    for row in sheet.iter_rows(min_row=2):
        mid = row[0].value
        if mid in values:
            sheet.cell(row=row[0].row, column=j, value=values[mid])
    book.save(path)


@pytest.fixture(scope="module")
def norway() -> tuple[bs.Problem, bs.Allocation]:
    problem = norway_2024()
    return problem, bs.allocate(problem).raise_for_status()


# -- the round trip (the acceptance test) ------------------------------------------


def test_round_trip_drafts_fill_read_reconcile(
    norway: tuple[bs.Problem, bs.Allocation], tmp_path: Path
) -> None:
    problem, draft = norway
    drafts = bs.county_drafts(draft)
    paths = bs.write_county_drafts(drafts, tmp_path, allocation=draft)
    assert len(paths) == len(drafts) + 1 == 16
    by_name = {p.stem: p for p in paths}

    # Agder: recommendations that fit its share and the rules (two municipalities swap 5)
    agder = drafts["Agder"].set_index("municipality_id")
    exact = {k: int(v) for k, v in agder["draft_request"].items()}
    movable = [k for k, v in exact.items() if v >= 15]
    exact[movable[0]] += 5
    exact[movable[1]] -= 5
    exact_minors = {k: int(v) for k, v in agder["draft_minors"].items() if v}
    fill(by_name["agder"], exact)
    fill(by_name["agder"], exact_minors, "tilråding EM")

    # Vestland: above its share, with blanks, a misspelt header and a non-integer cell
    vestland = drafts["Vestland"].set_index("municipality_id")
    vl = {k: int(v) + 10 for k, v in vestland["draft_request"].items()}
    blanks = list(vl)[-3:]
    for k in blanks:
        vl[k] = None  # type: ignore[assignment]
    bad_id = next(iter(vl))
    fill(by_name["vestland"], {**vl, bad_id: "12,5"})
    book = openpyxl.load_workbook(by_name["vestland"])
    sheet = book.worksheets[0]
    for cell in sheet[1]:
        if cell.value == "tilråding anmodning":
            cell.value = "tilråding anmodnig"
    book.save(by_name["vestland"])

    with pytest.raises(bs.InputError) as info:
        bs.read_recommendations([by_name["agder"], by_name["vestland"]], problem=problem)
    cases = info.value.failure_cases
    assert len(cases) == 1
    case = cases.iloc[0]
    assert (case["county"], case["municipality_id"], case["column"], case["value"]) == (
        "Vestland",
        bad_id,
        "tilråding anmodnig",
        "12,5",
    )
    assert "must be a whole number >= 0 or blank (county Vestland)" in str(info.value)

    fill(by_name["vestland"], {bad_id: vl[bad_id]}, "tilråding anmodnig")
    back = bs.read_recommendations([by_name["agder"], by_name["vestland"]], problem=problem)
    assert back.counties == ("Agder", "Vestland")
    assert any("'tilråding anmodnig' read as 'tilråding anmodning'" in n for n in back.notes)
    assert back.table.loc[blanks, "recommendation"].isna().all()

    result = bs.reconcile(problem, back, draft=draft).raise_for_status()
    alloc = result.allocation
    assert_process_rules(problem, alloc)
    assert alloc.requests is not None and alloc.minors is not None
    assert int(alloc.requests.sum()) == problem.total
    assert int(alloc.minors.sum()) == problem.minors_total
    # every county keeps its share exactly
    final = alloc.to_frame().groupby("county")["request"].sum()
    shares = {c: int(f["draft_request"].sum()) for c, f in drafts.items()}
    assert final.to_dict() == shares
    # the county whose recommendations fit gets exactly them back, minors too
    assert alloc.requests.loc[list(exact)].to_dict() == exact
    agder_minors = alloc.minors.loc[list(agder.index)]
    assert agder_minors[agder_minors > 0].to_dict() == exact_minors
    # Agder's rows are only those that moved from the draft as the county recommended
    agder_rows = result.changes_for("Agder")
    assert (agder_rows["request"] == agder_rows["recommendation"]).all()
    assert (agder_rows["request"] != agder_rows["draft"]).all()
    assert agder_rows["reason"].str.startswith("total: as the county recommended").all()
    assert result.counties.loc["Agder", "case"] == "matches"
    assert result.counties.loc["Vestland", "case"] == "blanks"
    # Vestland asked for more than its share: cuts are reported with the reason
    vl_changes = result.changes_for("Vestland")
    assert len(vl_changes) > 0
    recommended = vl_changes[vl_changes["recommendation"].notna()]
    assert recommended["reason"].str.contains("left some recommendations blank").all()
    others = vl_changes[vl_changes["recommendation"].isna()]
    assert others["reason"].str.contains("no recommendation; follows the national key").all()


def test_change_report_lists_every_difference_with_a_reason(
    norway: tuple[bs.Problem, bs.Allocation],
) -> None:
    problem, draft = norway
    drafts = bs.county_drafts(draft)
    rows = []
    for county, bump in (("Rogaland", 0), ("Innlandet", 20)):
        frame = drafts[county]
        values = frame["draft_request"].to_numpy().copy() + bump
        if county == "Rogaland":  # breaks the minimum and the grid, sum unchanged
            small = int(np.flatnonzero(values >= 10)[-1])
            big = int(np.argmax(values))
            values[small] -= values[small] - 3
            values[big] += frame["draft_request"].to_numpy()[small] - 3
        rows.append(
            pd.DataFrame({"municipality_id": frame["municipality_id"], "recommendation": values})
        )
    result = bs.reconcile(problem, pd.concat(rows), draft=draft).raise_for_status()
    full = result.to_frame()
    differs = full[full["recommendation"].notna() & (full["recommendation"] != full["request"])]
    assert set(result.changes["municipality_id"]) == set(differs.index)
    assert (result.changes["reason"].str.len() > 0).all()
    ro = result.changes_for("Rogaland").set_index("municipality_id")
    three = ro[ro["recommendation"] == 3]
    assert len(three) == 1
    assert "rule: below the minimum request of 5" in three["reason"].iloc[0]
    # the embedded problem asks everyone who can settle for at least 5 (a `min` bound), so
    # the bound is named too and, coming first, gives the kind
    floor = {m.municipality_id: m.min for m in problem.municipalities}[three.index[0]]
    if floor:
        assert f"capacity: below its minimum of {floor}" in three["reason"].iloc[0]
    assert three["kind"].iloc[0] == ("capacity" if floor else "rule")
    inn = result.changes_for("Innlandet")
    assert inn["reason"].str.contains("above its share").all()
    assert_process_rules(problem, result.allocation)


# -- reconcile on a toy --------------------------------------------------------------------


def test_exact_recommendations_come_back_and_others_keep_the_draft() -> None:
    p = toy()
    draft = bs.allocate(p)
    assert draft.requests is not None
    share_a = int(draft.requests.loc[["0001", "0002", "0003"]].sum())
    mine = {"0001": share_a - 10, "0002": 4, "0003": 6}
    result = bs.reconcile(p, recs(mine), draft=draft)
    assert result.allocation.requests is not None
    assert result.allocation.requests.loc[list(mine)].to_dict() == mine
    b = ["0004", "0005", "0006"]
    assert result.allocation.requests.loc[b].tolist() == draft.requests.loc[b].tolist()
    # nothing differs from its recommendation; what moved from the draft is listed as such
    moved = {i for i in mine if mine[i] != int(draft.requests[i])}
    assert set(result.changes["municipality_id"]) == moved
    assert (result.changes["change"] == 0).all()
    assert result.counties["case"].to_dict() == {"A": "matches", "B": "none"}


def test_same_answer_in_any_row_order_and_inputs_untouched() -> None:
    p = toy()
    frame = recs({"0001": 40, "0002": 10, "0003": None, "0004": 30})
    copy = frame.copy()
    one = bs.reconcile(p, frame)
    two = bs.reconcile(p, frame.iloc[::-1])
    pd.testing.assert_frame_equal(frame, copy)
    assert one.allocation.requests is not None and two.allocation.requests is not None
    assert one.allocation.requests.tolist() == two.allocation.requests.tolist()
    pd.testing.assert_frame_equal(one.changes, two.changes)


def test_key_weight_pulls_a_county_above_its_share_towards_the_key() -> None:
    p = toy()
    draft = bs.allocate(p)
    assert draft.requests is not None
    share_a = int(draft.requests.loc[["0001", "0002", "0003"]].sum())
    mine = {"0001": 2, "0002": 2, "0003": share_a}  # far from the key, summing above the share
    own = bs.reconcile(p, recs(mine), draft=draft, key_weight=0.0).allocation.requests
    key = bs.reconcile(p, recs(mine), draft=draft, key_weight=1.0).allocation.requests
    assert own is not None and key is not None
    a = ["0001", "0002", "0003"]
    assert int(own.loc[a].sum()) == int(key.loc[a].sum()) == share_a
    assert key.loc[a].tolist() == draft.requests.loc[a].tolist()
    assert own["0003"] > key["0003"]


def test_reasons_capacity_fixed_and_minors() -> None:
    ms = list(toy().municipalities)
    ms[1] = ms[1].model_copy(update={"max": 15})
    ms[2] = ms[2].model_copy(update={"fixed": 12})
    p = toy().model_copy(update={"municipalities": tuple(ms)})
    p = bs.Problem.model_validate(p.model_dump())
    draft = bs.allocate(p)
    assert draft.requests is not None
    share_a = int(draft.requests.loc[["0001", "0002", "0003"]].sum())
    mine = {"0001": share_a - 20 - 8, "0002": 20, "0003": 8}
    minors = {"0001": 2, "0002": 3, "0003": None}
    result = bs.reconcile(p, recs(mine, minors), draft=draft).raise_for_status()
    why = result.changes.set_index("municipality_id")["reason"].to_dict()
    assert "capacity: above its max of 15" in why["0002"]
    assert "rule: not eligible for minors" in why["0002"]
    assert "fixed: already decided at 12" in why["0003"]
    assert result.allocation.requests is not None
    assert int(result.allocation.requests["0002"]) <= 15
    assert int(result.allocation.requests["0003"]) == 12


def test_an_infeasible_county_is_named_with_the_amount() -> None:
    p = toy()
    draft = bs.allocate(p)  # the draft was sent before A's municipalities lowered their capacity
    assert draft.requests is not None
    share_a = int(draft.requests.loc[["0001", "0002", "0003"]].sum())
    ms = [m.model_copy(update={"max": 10}) if m.county == "A" else m for m in p.municipalities]
    tight = bs.Problem.model_validate({**p.model_dump(), "municipalities": ms})
    result = bs.reconcile(tight, recs({}), draft=draft)
    assert result.status == "infeasible"
    shortfall = [d for d in result.allocation.diagnosis if d.group == "county"]
    assert len(shortfall) == 1
    assert shortfall[0].message.startswith("A: ")
    assert shortfall[0].amount == share_a - 30
    with pytest.raises(bs.InfeasibleError):
        result.raise_for_status()
    assert result.changes.empty


def test_reconcile_input_errors_are_typed_and_name_the_value() -> None:
    p = toy()
    with pytest.raises(bs.InputError) as info:
        bs.reconcile(p, recs({"0001": 10}), key_weight=1.5)
    assert str(info.value) == (
        "The `key_weight` parameter of `reconcile` must be a number between 0 and 1. "
        "Got 1.5 instead."
    )
    bad = pd.DataFrame({"municipality_id": ["0001", "9999", "0002"], "recommendation": [10, 5, -1]})
    with pytest.raises(bs.InputError) as info:
        bs.reconcile(p, bad)
    cases = info.value.failure_cases
    assert cases[["municipality_id", "column"]].values.tolist() == [
        ["9999", "municipality_id"],
        ["0002", "recommendation"],
    ]
    assert isinstance(info.value, ValueError)


# -- drafts and workbooks ------------------------------------------------------------------


def test_drafts_carry_share_history_contributions_and_empty_inputs(
    norway: tuple[bs.Problem, bs.Allocation],
) -> None:
    problem, draft = norway
    drafts = bs.county_drafts(draft)
    assert len(drafts) == 15
    oslo = drafts["Oslo"]
    for col in ("request_2023", "decision_2023", "settled_2023", "draft_request", "draft_minors"):
        assert col in oslo.columns
    assert int(oslo["request_2023"].iloc[0]) > 0
    contrib = [c for c in oslo.columns if c.startswith("contribution_")]
    assert len(contrib) == len(problem.criteria)
    all_rows = pd.concat(drafts.values())
    assert int(all_rows["draft_request"].sum()) == problem.total
    assert all_rows["recommendation"].isna().all() and all_rows["recommended_minors"].isna().all()
    # contributions add up to each municipality's target
    targets = draft.targets.loc[all_rows["municipality_id"]].to_numpy()
    assert np.allclose(all_rows[contrib].sum(axis=1).to_numpy(), targets)


def test_workbooks_are_formatted_for_people(tmp_path: Path) -> None:
    p = toy()
    draft = bs.allocate(p)
    # toy ids are not the Norway data, so the one default is English: ask for bokmål
    drafts = bs.county_drafts(draft)
    paths = bs.write_county_drafts(drafts, tmp_path, allocation=draft, language="nb")
    assert [x.name for x in paths] == ["a.xlsx", "b.xlsx", "alle_fylker.xlsx"]
    book = openpyxl.load_workbook(paths[0])
    assert book.sheetnames == ["tilråding", "ramme"]
    sheet = book["tilråding"]
    heads = [c.value for c in sheet[1]]
    assert heads[:3] == ["kommunenummer", "kommune", "fylke"]
    assert "tilråding anmodning" in heads and "tilråding EM" in heads and "kommentar" in heads
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "C2"
    j = heads.index("utkast anmodning") + 1
    assert sheet.cell(row=2, column=j).number_format == "#,##0"
    assert sheet.column_dimensions["B"].width >= 8
    info = dict(book["ramme"].iter_rows(values_only=True))
    assert info["ramme anmodning"] == int(draft.requests.loc[["0001", "0002", "0003"]].sum())  # type: ignore[union-attr]
    combined = openpyxl.load_workbook(paths[-1])
    assert combined.sheetnames == ["tilråding", "ramme", "fylker"]
    en = bs.write_county_drafts(bs.county_drafts(draft), tmp_path, language="en")
    (tmp_path / "d").mkdir()
    default = bs.write_county_drafts(bs.county_drafts(draft), tmp_path / "d")
    assert [p.name for p in default] == [p.name for p in en]  # toy ids: English by default
    assert openpyxl.load_workbook(en[0]).sheetnames == ["recommendation", "share"]
    assert en[-1].name == "all_counties.xlsx"


def test_write_refuses_an_unknown_language(tmp_path: Path) -> None:
    with pytest.raises(
        bs.InputError,
        match=r"must be 'en', 'nb' \(bokmål\) or 'nn' \(nynorsk\)\. Got 'de' instead\.",
    ):
        bs.write_county_drafts({}, tmp_path, language="de")  # type: ignore[arg-type]


# -- reading recommendations ---------------------------------------------------------------


def test_renamed_sheet_extra_rows_and_csv_are_read_and_reported(tmp_path: Path) -> None:
    p = toy()
    draft = bs.allocate(p)
    paths = bs.write_county_drafts(bs.county_drafts(draft), tmp_path, language="nb")
    book = openpyxl.load_workbook(paths[0])
    sheet = book.worksheets[0]
    sheet.title = "Ark1"
    heads = [c.value for c in sheet[1]]
    j = heads.index("tilråding anmodning") + 1
    for r, v in ((2, 50), (3, 20), (4, 10)):
        sheet.cell(row=r, column=j, value=v)
    sheet.append([None, "Sum", None, None, None, None, None, None, 80])
    book.save(paths[0])
    csv = tmp_path / "b.csv"
    csv.write_text(
        "kommunenummer;kommune;tilråding anmodning;tilråding EM;kommentar\n"
        "0004;M0004;30;4;ok\n0005;M0005;;;\n",
        encoding="utf-8",
    )
    back = bs.read_recommendations([paths[0], csv], problem=p)
    table = back.table
    assert table["recommendation"].tolist()[:3] == [50, 20, 10]
    assert table.loc["0004", "recommended_minors"] == 4
    assert pd.isna(table.loc["0005", "recommendation"])
    assert table.loc["0004", "county"] == "B"
    assert any("read sheet 'Ark1'" in n for n in back.notes)
    assert any("row 5 has no kommunenummer and was skipped (Sum, 80)" in n for n in back.notes)


def test_every_bad_cell_is_listed_with_county_municipality_column_and_value(
    tmp_path: Path,
) -> None:
    p = toy()
    csv = tmp_path / "a.csv"
    csv.write_text(
        "kommunenummer,fylke,tilråding anmodning,tilråding EM\n"
        "0001,A,fem,\n0002,A,-5,2.5\n0004,A,10,\n12345,A,1,\n0002,A,3,\n",
        encoding="utf-8",
    )
    with pytest.raises(bs.InputError) as info:
        bs.read_recommendations(csv, problem=p)
    cases = info.value.failure_cases
    got = cases[["county", "municipality_id", "column", "value"]].values.tolist()
    assert got == [
        ["A", "0001", "tilråding anmodning", "fem"],
        ["A", "0002", "tilråding anmodning", "-5"],
        ["A", "0002", "tilråding EM", 2.5],
        ["A", "0004", "fylke", "A"],
        ["A", "12345", "kommunenummer", "12345"],
        ["A", "0002", "kommunenummer", "0002"],
    ]
    assert "does not match the problem's county 'B'" in cases["reason"].iloc[3]
    assert "appears again" in cases["reason"].iloc[5]


def test_a_file_without_the_table_is_an_input_error(tmp_path: Path) -> None:
    csv = tmp_path / "x.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(bs.InputError, match="needs a kommunenummer and a tilråding anmodning"):
        bs.read_recommendations(csv)
    with pytest.raises(bs.InputError, match="does not exist"):
        bs.read_recommendations(tmp_path / "missing.xlsx")


# -- the command line ----------------------------------------------------------------------


def test_cli_counties_then_reconcile(tmp_path: Path) -> None:
    import io

    from busetting.cli import EXIT_INPUT, EXIT_OK, main

    out, err = io.StringIO(), io.StringIO()
    assert main(["counties", "--out", str(tmp_path)], stdout=out, stderr=err) == EXIT_OK
    assert "skrevet: 16 arbeidsbøker" in out.getvalue()  # the Norway data: bokmål
    oslo = tmp_path / "oslo.xlsx"
    share = int(pd.read_excel(oslo, dtype={"kommunenummer": str})["utkast anmodning"].sum())
    fill(oslo, {"0301": share + 3})  # one municipality, 3 above its share and off the grid
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [
            "reconcile",
            str(oslo),
            "--out",
            str(tmp_path / "final.csv"),
            "--changes",
            str(tmp_path / "changes.xlsx"),
        ],
        stdout=out,
        stderr=err,
    )
    assert code == EXIT_OK, err.getvalue()
    text = out.getvalue()  # the Norway data: the summary and its reasons in bokmål
    assert f"0301 Oslo: {share + 3} -> {share}, EM" in text
    assert "regel: " in text and "over" in text.splitlines()[8]
    book = openpyxl.load_workbook(tmp_path / "changes.xlsx")
    assert book.sheetnames == ["fylker", "Oslo"]
    assert [c.value for c in book["Oslo"][1]][:4] == [
        "kommunenummer",
        "kommune",
        "utkast",
        "tilråding anmodning",
    ]
    final = bs.io.read_allocation(tmp_path / "final.csv")  # bokmål: the Excel dialect
    assert int(final["request"].sum()) == 37_000
    assert (tmp_path / "final.csv").read_bytes().startswith(b"\xef\xbb\xbfkommunenummer;")
    bad = tmp_path / "bad.csv"
    bad.write_text("kommunenummer,tilråding anmodning\n0301,mange\n", encoding="utf-8")
    err = io.StringIO()
    assert main(["reconcile", str(bad)], stdout=io.StringIO(), stderr=err) == EXIT_INPUT
    assert "mange" in err.getvalue() and "Oslo" in err.getvalue()


def test_a_folder_with_the_blank_combined_draft_beside_a_reply(tmp_path: Path) -> None:
    p = toy()
    draft = bs.allocate(p)
    paths = bs.write_county_drafts(bs.county_drafts(draft), tmp_path, language="nb")
    fill(paths[1], {"0004": 30, "0005": 20})  # b.xlsx; alle_fylker.xlsx stays blank
    back = bs.read_recommendations(tmp_path, problem=p)
    assert back.counties == ("B",)
    assert back.table.loc[["0004", "0005"], "recommendation"].tolist() == [30, 20]
    assert any("0004 has no recommendation there; kept b.xlsx" in n for n in back.notes)
    fill(paths[2], {"0004": 35})  # now the combined file contradicts the reply
    with pytest.raises(bs.InputError, match="appears again"):
        bs.read_recommendations(tmp_path, problem=p)


@pytest.mark.parametrize("text", ["1.000", "2,500", "12,5", "1e3x", "true"])
def test_ambiguous_or_non_integer_text_is_refused(text: str) -> None:
    p = toy()
    frame = pd.DataFrame({"municipality_id": ["0001"], "recommendation": [text]})
    with pytest.raises(bs.InputError) as info:
        bs.reconcile(p, frame)
    assert info.value.failure_cases["value"].tolist() == [text]


@pytest.mark.parametrize("limit", [1, 5])
def test_a_minors_host_dropped_blames_the_hosts_limit_only_when_it_binds(limit: int) -> None:
    p = toy(max_minors_hosts=limit, minors_min_group=10)  # 10 minors: one group, one host
    draft = bs.allocate(p)
    assert draft.minors is not None and draft.requests is not None
    assert int((draft.minors > 0).sum()) == 1
    other = "0004" if int(draft.minors["0001"]) > 0 else "0001"
    ids = ["0001", "0002", "0003"] if other == "0001" else ["0004", "0005", "0006"]
    mine = {i: int(draft.requests[i]) for i in ids}
    result = bs.reconcile(p, recs(mine, {other: 10}), draft=draft).raise_for_status()
    assert result.allocation.minors is not None
    assert int(result.allocation.minors[other]) == 0  # its county's minors share is 0
    why = result.changes.set_index("municipality_id")["reason"][other]
    assert "10 above its minors share of 0" in why
    assert ("rule: at most 1 minors hosts" in why) == (limit == 1)


def test_minors_that_fit_are_held_but_never_below_a_floor_or_above_a_bound() -> None:
    ms = list(toy().municipalities)
    ms[0] = ms[0].model_copy(update={"max": 40})
    p = bs.Problem.model_validate({**toy().model_dump(), "municipalities": ms})
    draft = bs.allocate(p)
    assert draft.requests is not None and draft.minors is not None
    a = ["0001", "0002", "0003"]
    mine = {i: int(draft.requests[i]) for i in a}
    minors_a = int(draft.minors.loc[a].sum())
    # minors above 0001's max cannot be held: the program decides, and says why
    result = bs.reconcile(p, recs(mine, {"0001": 45}), draft=draft).raise_for_status()
    assert result.allocation.minors is not None
    assert int(result.allocation.minors["0001"]) <= 40
    assert "total: the county's minors recommendations sum to 45" in str(
        result.changes.set_index("municipality_id").loc["0001", "reason"]
    )
    # minors that fit are held exactly
    fits = bs.reconcile(p, recs(mine, {"0001": minors_a}), draft=draft).raise_for_status()
    assert fits.allocation.minors is not None
    assert int(fits.allocation.minors["0001"]) == minors_a
    assert fits.changes.empty
