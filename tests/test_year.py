"""The year in motion: letters and answer forms out, answers in, the status of the year, and
the round trip from an allocation to a revision with the councils' answers."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from clirun import run

import busetting as bs
from busetting.datasets import load_history

DEADLINE = dt.date(2024, 2, 25)


COUNTIES = ("Oslo", "Rogaland", "Nordland - Nordlánda")


@pytest.fixture(scope="module")
def alloc() -> bs.Allocation:
    """Three counties of the 2024 data, 4,000 persons (65 forms: quick to write and read)."""
    norway = bs.datasets.norway_2024()
    problem = bs.Problem(
        municipalities=[m for m in norway.municipalities if m.county in COUNTIES],
        criteria=norway.criteria,
        minors_criteria=norway.minors_criteria,
        need=bs.Need(total=4000, minors=60),
        rules=norway.rules,
    )
    return bs.allocate(problem)


def _form(folder: Path, mid: str) -> Path:
    (path,) = (folder / "svar").glob(f"{mid} *.xlsx")
    return path


def _fill(path: Path, **cells: object) -> None:
    """Type answers into row 2 of the form, by bokmål header."""
    book = openpyxl.load_workbook(path)
    sheet = book["Svar"]
    headers = [c.value for c in sheet[1]]
    for header, value in cells.items():
        sheet.cell(row=2, column=headers.index(header.replace("_", " ")) + 1).value = value
    book.save(path)


# -- letters and forms ----------------------------------------------------------------------


def test_one_letter_per_municipality_asked_with_its_numbers_in_bokmal_and_nynorsk(
    alloc: bs.Allocation,
) -> None:
    asked = alloc.requests[alloc.requests > 0]
    nb = bs.letters(alloc, deadline=DEADLINE, language="nb")
    nn = bs.letters(alloc, deadline="25.02.2024", language="nn")
    assert sorted(nb.pages) == sorted(asked.index) == sorted(nn.pages)
    oslo_request, oslo_minors = int(alloc.requests["0301"]), int(alloc.minors["0301"])
    page_nb, page_nn = nb.pages["0301"], nn.pages["0301"]
    shown = f"{oslo_request:,}".replace(",", "\u00a0")
    assert f"om å bosette {shown} flyktninger i 2024, herav {oslo_minors} enslige" in page_nb
    assert f"om å busetje {shown} flyktningar i 2024, av dei {oslo_minors} einslege" in page_nn
    assert "anmodningsbrev" in page_nb and "oppmodingsbrev" in page_nn
    assert "innen 25. februar 2024" in page_nb and "innan 25. februar 2024" in page_nn
    for must in ("et klart tall", "ingen forbehold", "familiegjenforente", "hvor mange flere",
                 "holde kapasiteten høy"):  # fmt: skip
        assert must in page_nb
    assert "@page { size: A4" in page_nb
    assert '<html lang="nn">' in page_nn


def test_letters_and_forms_are_written_per_municipality_or_per_county(
    alloc: bs.Allocation, tmp_path: Path
) -> None:
    made = bs.letters(alloc, deadline=DEADLINE)
    per_muni = made.write(tmp_path / "a")
    assert (tmp_path / "a" / "1106 Haugesund.html").is_file()
    assert len(list((tmp_path / "a" / "svar").glob("*.xlsx"))) == len(made.pages)
    assert len(per_muni) == 2 * len(made.pages)
    made.write(tmp_path / "b", forms="county")
    counties = {m.county for m in alloc.problem.municipalities if alloc.requests[m.municipality_id]}
    assert {p.stem for p in (tmp_path / "b" / "svar").glob("*.xlsx")} == counties
    book = openpyxl.load_workbook(tmp_path / "b" / "svar" / "Rogaland.xlsx")
    ids = [r[0] for r in book["Svar"].iter_rows(min_row=2, values_only=True)]
    assert "1106" in ids and all(isinstance(i, str) and len(i) == 4 for i in ids)


def test_the_answer_form_is_prefilled_protected_and_validated(
    alloc: bs.Allocation, tmp_path: Path
) -> None:
    bs.write_answer_forms(alloc, tmp_path / "svar", deadline=DEADLINE, only=("0301",))
    book = openpyxl.load_workbook(_form(tmp_path, "0301"))
    sheet = book["Svar"]
    headers = [c.value for c in sheet[1]]
    assert headers[:6] == ["kommunenummer", "kommune", "fylke", "anmodning",
                           "herav enslige mindreårige", "vedtak"]  # fmt: skip
    row = [c.value for c in sheet[2]]
    assert row[:5] == ["0301", "Oslo", "Oslo", int(alloc.requests["0301"]),
                       int(alloc.minors["0301"])]  # fmt: skip
    assert sheet.protection.sheet
    locked = [sheet.cell(row=2, column=j).protection.locked for j in range(1, 12)]
    assert locked == [True] * 5 + [False] * 6
    rules = {(dv.type, str(dv.sqref)) for dv in sheet.data_validations.dataValidation}
    assert ("whole", "F2 G2 H2 I2") in rules
    assert ("date", "J2") in rules and ("textLength", "K2") in rules
    whole = next(dv for dv in sheet.data_validations.dataValidation if dv.type == "whole")
    assert (whole.operator, whole.formula1, whole.formula2) == ("between", "0", "100000")


# -- answers in -----------------------------------------------------------------------------


def test_every_bad_cell_is_one_row_of_one_failure_table(
    alloc: bs.Allocation, tmp_path: Path
) -> None:
    some = ("1106", "1103", "1108", "1813", "1804", "1101", "0301", "1119")
    bs.write_answer_forms(alloc, tmp_path / "svar", deadline=DEADLINE, only=some)
    day = dt.datetime(2024, 2, 20)
    _fill(_form(tmp_path, "1106"), vedtak="tolv", vedtaksdato=day)
    _fill(_form(tmp_path, "1103"), vedtak=12.5, vedtaksdato=day)
    _fill(_form(tmp_path, "1108"), vedtak=-3, vedtaksdato=day)
    _fill(_form(tmp_path, "1813"), vedtak=10**7, vedtaksdato=day)
    _fill(_form(tmp_path, "1804"), vedtak="=D2*2", vedtaksdato=day)
    _fill(_form(tmp_path, "1101"), vedtak=100, vedtaksdato="snart")
    _fill(_form(tmp_path, "0301"), vedtak=2000, vedtaksdato=day)
    shutil.copy(_form(tmp_path, "0301"), tmp_path / "svar" / "0301 kopi.xlsx")
    with pytest.raises(bs.InputError) as info:
        bs.read_answers(tmp_path / "svar", allocation=alloc, deadline=DEADLINE)
    cases = info.value.failure_cases
    assert list(cases.columns) == ["file", "sheet", "row", "municipality_id", "column", "value",
                                   "reason", "expected"]  # fmt: skip
    got = {(r.municipality_id, r.column): r for r in cases.itertuples()}
    assert set(got) == {("1106", "vedtak"), ("1103", "vedtak"), ("1108", "vedtak"),
                        ("1813", "vedtak"), ("1804", "vedtak"), ("1101", "vedtaksdato"),
                        ("0301", "kommunenummer")}  # fmt: skip
    assert got[("1106", "vedtak")].reason.startswith("is text; expected a whole number")
    assert got[("1103", "vedtak")].reason.startswith("is a decimal number")
    assert got[("1108", "vedtak")].reason.startswith("is negative")
    assert got[("1813", "vedtak")].reason.startswith("is too large")
    assert got[("1804", "vedtak")].reason.startswith("is a formula without a computed value")
    assert got[("1804", "vedtak")].value == "=D2*2"
    assert got[("1101", "vedtaksdato")].expected == "a date (YYYY-MM-DD or DD.MM.YYYY)"
    duplicate = got[("0301", "kommunenummer")]
    # files are read in name order: the copy comes second and is the one refused
    assert duplicate.reason.startswith("answers again (first answer in 0301 Oslo.xlsx sheet Svar")
    assert duplicate.file == "0301 kopi.xlsx" and duplicate.sheet == "Svar"
    assert set(cases["row"]) == {2}


def test_a_csv_of_answers_is_read_with_the_same_checks(tmp_path: Path) -> None:
    path = tmp_path / "svar.csv"
    path.write_text(
        "kommunenummer;vedtak;vedtak enslige mindreårige;flere ved økt behov;vedtaksdato\n"
        "0301;2 000;10;100;2024-02-20\n"
        "1103;300;400;;2024-02-21\n"
        "1106;;;;\n",
        encoding="utf-8",
    )
    with pytest.raises(bs.InputError) as info:
        bs.read_answers(path)
    (case,) = info.value.failure_cases.itertuples()
    assert (case.file, case.sheet, case.row, case.municipality_id) == ("svar.csv", "csv", 3, "1103")
    assert case.reason.startswith("is more than the decision (300)")
    path.write_text(path.read_text(encoding="utf-8").replace(";400;", ";40;"), encoding="utf-8")
    answers = bs.read_answers(path)
    assert answers.decisions.to_dict() == {"0301": 2000, "1103": 300}
    assert answers.blanks == ("1106",)
    assert answers.extra_capacity.to_dict() == {"0301": 100}


def test_a_blank_decision_beside_other_answers_is_refused() -> None:
    frame = pd.DataFrame({"kommunenummer": ["0301"], "vedtak": [None],
                          "flere ved økt behov": [20], "vedtaksdato": ["2024-02-01"]})  # fmt: skip
    with pytest.raises(bs.InputError, match="is blank while other answers are given"):
        bs.read_answers(frame)


# -- the round trip -------------------------------------------------------------------------


def test_round_trip_allocate_letters_answers_status_revise(
    alloc: bs.Allocation, tmp_path: Path
) -> None:
    bs.letters(alloc, deadline=DEADLINE, language="nn").write(tmp_path)
    req = alloc.requests
    on_time, late = dt.datetime(2024, 2, 20), dt.datetime(2024, 3, 4)
    book = openpyxl.load_workbook(_form(tmp_path, "0301"))
    assert book["Svar"]["D1"].value == "oppmoding"  # nynorsk headers, read back as well
    answers_in = {
        "0301": (int(req["0301"]) - 100, 10, 150, 5, on_time),
        "1106": (int(req["1106"]), 5, 0, 0, on_time),
        "1103": (int(req["1103"]) - 40, 0, 20, 0, on_time),
        "1101": (int(req["1101"]), 0, 30, 0, late),  # late: accepted and flagged
    }
    bad = {"1108": "tolv"}
    for mid, (decision, minors, extra, extra_minors, day) in answers_in.items():
        _fill(_form(tmp_path, mid), vedtak=decision, vedtak_einslege_mindreårige=minors,
              **{"fleire ved auka behov": extra, "av dei einslege mindreårige ved auka behov":
                 extra_minors, "vedtaksdato": day, "kva skal til for å halde kapasiteten høg":
                 "Fleire bustader"})  # fmt: skip
    _fill(_form(tmp_path, "1108"), vedtak=bad["1108"], vedtaksdato=on_time)
    shutil.copy(_form(tmp_path, "1106"), tmp_path / "svar" / "1106 igjen.xlsx")  # duplicate
    with pytest.raises(bs.InputError) as info:
        bs.read_answers(tmp_path / "svar", allocation=alloc, deadline=DEADLINE)
    cases = info.value.failure_cases
    assert sorted(zip(cases["municipality_id"], cases["column"], strict=True)) == [
        ("1106", "kommunenummer"),
        ("1108", "vedtak"),
    ]
    # the municipality corrects its cell; the duplicate is withdrawn
    _fill(_form(tmp_path, "1108"), vedtak=int(req["1108"]) - 10)
    (tmp_path / "svar" / "1106 igjen.xlsx").unlink()
    answers = bs.read_answers(tmp_path / "svar", allocation=alloc, deadline=DEADLINE)
    assert set(answers.table.index) == {*answers_in, "1108"}
    assert [(x.municipality_id, x.days_late) for x in answers.late] == [("1101", 8)]
    assert answers.table.loc["1101", "late"] and not answers.table.loc["0301", "late"]
    assert "1119" in answers.blanks  # Hå returned its form empty
    assert len(answers.blanks) == int((req > 0).sum()) - len(answers.table)
    assert answers.table.loc["0301", "comment"] == "Fleire bustader"

    year = bs.status(alloc, answers, {"0301": 500, "1106": 200})
    n = year.national
    assert n.need == alloc.problem.total == n.decided + n.asked_not_answered + n.gap
    assert n.decided_minus_asked == -100 - 40 - 10
    assert n.gap == 150 and n.extra_capacity == 200 and n.covers and n.short == 0
    assert year.municipalities.loc["0301", "settled_minus_decided"] == 500 - (req["0301"] - 100)
    oslo = year.counties.loc["Oslo"]
    assert (oslo["answered"], oslo["decided"]) == (1, req["0301"] - 100)
    assert year.counties["asked"].sum() == n.asked
    page = tmp_path / "status.html"
    bs.write_status(year, page, language="nn")
    assert "Behov 4\u00a0000" not in page.read_text(encoding="utf-8")  # lines use plain spaces
    assert "Behov 4 000 = vedteke" in page.read_text(encoding="utf-8")

    rev = bs.revise(alloc, decisions=answers.decisions, extra_capacity=answers.extra_capacity)
    assert rev.allocation.status is bs.Status.OPTIMAL
    new = rev.allocation.requests
    assert int(new.sum()) == alloc.problem.total
    for mid in answers_in:
        assert answers.decisions[mid] <= new[mid] <= answers.decisions[mid] + answers_in[mid][2]
    assert rev.direction == "up"


# -- the status of the year on the real 2023 numbers ----------------------------------------


def test_the_2023_status_is_the_history_summed_and_its_parts_add_up() -> None:
    year = bs.history_status(2023)
    hist = load_history()
    h = hist[hist["year"] == 2023]
    n = year.national
    assert n.decided == int(h["vedtak"].sum()) == 32_732
    assert n.settled == int(h["bosatt"].sum()) == 33_420
    assert n.need == 38_000 == n.decided + n.asked_not_answered + n.gap
    assert n.asked_not_answered == int(h.loc[h["vedtak"].isna(), "anmodning"].sum())
    assert n.settled_of_decided - n.decided == n.settled_minus_decided
    assert not n.extra_recorded
    assert year.counties["decided"].sum() == n.decided
    assert year.municipalities.loc["4601", "name"] == "Bergen"


def test_status_refuses_answers_for_municipalities_not_asked() -> None:
    with pytest.raises(bs.InputError, match="9999 are not among the municipalities"):
        bs.status({"0001": 5}, {"9999": 3})


def test_cli_status_2023_prints_the_national_gap_and_writes_the_norwegian_page(
    tmp_path: Path,
) -> None:
    out = run("status", "--year", "2023", "--out", str(tmp_path / "status.html"))
    assert out.returncode == 0, out.stderr
    assert (
        "Behov 38 000 = vedtatt 32 732 + anmodet hos dem som ikke har svart 295 + udekket 4 973."
        in out.stdout
    )
    page = (tmp_path / "status.html").read_text(encoding="utf-8")
    assert '<html lang="nb">' in page and "Status for bosettingsåret 2023" in page
    assert "@page { size: A4" in page
    out = run("status", "--year", "2023", "--out", str(tmp_path / "status.xlsx"), "--lang", "nn")
    assert out.returncode == 0, out.stderr
    book = openpyxl.load_workbook(tmp_path / "status.xlsx")
    assert book.sheetnames == ["nasjonalt", "fylke", "kommunar"]


def test_cli_letters_then_status_from_the_answers(tmp_path: Path) -> None:
    out = run("letters", "--out", str(tmp_path / "brev"), "--deadline", "2024-02-25",
              "--forms", "county", "--lang", "nn")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "svarskjema til" in out.stdout and "(frist 25.02.2024)" in out.stdout  # nynorsk
    assert len(list((tmp_path / "brev" / "svar").glob("*.xlsx"))) == 15
    out = run("status", "--answers", str(tmp_path / "brev" / "svar"), "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Need 37,000 = decided 0 + asked of those not yet answered 37,000")


def test_cli_next_places_k_persons_with_reasons(tmp_path: Path) -> None:
    out = run("next", "--k", "20", "--out", str(tmp_path / "next.csv"), "--lang", "en")
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stdout.splitlines() if line[:4].strip().isdigit()]
    assert len(lines) == 20 and "has settled" in lines[0]
    table = pd.read_csv(tmp_path / "next.csv", dtype={"municipality_id": str})
    assert table["order"].tolist() == list(range(1, 21))
    out = run("next", "--k", "10", "--from-zero", "--lang", "nb")
    assert out.returncode == 0 and "har bosatt 0 av" in out.stdout
    bad = run("next", "--k", "10000000")
    assert bad.returncode == 2 and "allow_above" in bad.stderr
    minors = tmp_path / "minors.csv"
    minors.write_text("kommunenummer,minors_decision\n0301,20\n4601,10\n", encoding="utf-8")
    out = run(
        "next", "--k", "1", "--minors-k", "3", "--minors-decisions", str(minors), "--lang", "en"
    )
    assert out.returncode == 0, out.stderr
    assert "Oslo has settled 0 of 20 minors decided" in out.stdout
    assert run("next", "--k", "1", "--minors-k", "3").returncode == 2


def test_the_years_numbers_feed_next_years_indicators() -> None:
    from busetting.datasets import derive_indicators

    rows = bs.history_status(2023).history_rows()
    hist = load_history()
    rebuilt = pd.concat([hist[hist["year"] != 2023], rows], ignore_index=True)
    columns = ["previous_request", "decision", "settled", "capacity", "settling_speed"]
    shipped = derive_indicators(year=2023)[columns]
    ours = derive_indicators(history=rebuilt, year=2023)[columns]
    pd.testing.assert_frame_equal(shipped.reset_index(drop=True), ours.reset_index(drop=True))
    # a municipality that settles more against its decision gets a higher settling speed
    faster = rebuilt.copy()
    sandnes = (faster["year"] == 2023) & (faster["kommunenummer"] == "1108")
    faster.loc[sandnes, "bosatt"] = faster.loc[sandnes, "vedtak"]
    after = derive_indicators(history=faster, year=2023).set_index("municipality_id")
    before = derive_indicators(year=2023).set_index("municipality_id")
    assert before.loc["1108", "settling_speed"] < after.loc["1108", "settling_speed"] == 1.0


@pytest.mark.parametrize("module", ["_letters", "_yearstatus", "_placement"])
def test_the_new_words_have_the_same_keys_in_english_bokmal_and_nynorsk(module: str) -> None:
    import importlib

    words = importlib.import_module(f"busetting.{module}")._WORDS
    assert set(words) == {"en", "nb", "nn"}
    assert set(words["en"]) == set(words["nb"]) == set(words["nn"])
    assert words["nb"] != words["nn"]


def test_read_answers_leaves_its_table_alone_and_reads_it_in_any_row_order() -> None:
    frame = pd.DataFrame(
        {
            "kommunenummer": ["0301", "1103", "4601"],
            "vedtak": [2000, 300, None],
            "vedtaksdato": ["2024-02-20", "2024-03-01", None],
        }
    )
    before = frame.copy()
    first = bs.read_answers(frame, deadline=DEADLINE)
    pd.testing.assert_frame_equal(frame, before)
    shuffled = bs.read_answers(frame.iloc[[2, 0, 1]], deadline=DEADLINE)
    pd.testing.assert_frame_equal(
        first.table.drop(columns="source"), shuffled.table.drop(columns="source")
    )
    assert first.blanks == shuffled.blanks == ("4601",)
    assert [x.municipality_id for x in first.late] == [x.municipality_id for x in shuffled.late]
