"""The one term catalogue: every key in English, bokmål and nynorsk, and the outputs that use it.

Issue 29: Norwegian words lived in five tables that disagreed, nynorsk was offered nowhere,
and the CLI's ``--lang`` had three defaults. These tests hold the catalogue together.
"""

from __future__ import annotations

import io
import pickle
import re
from pathlib import Path

import pandas as pd
import pytest

import busetting as bs
from busetting._defaults import default_language
from busetting._language import (
    LANGUAGES,
    TABLES,
    check_language,
    column_words,
    criterion_words,
    format_number,
    reason_words,
    term,
)
from busetting.cli import build_parser, main
from busetting.datasets import PROCESS_RULES_2024, norway_2024


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_key_of_every_table_exists_in_all_three_languages(table: str) -> None:
    words = TABLES[table]
    assert set(words) == set(LANGUAGES)
    keys = {lang: set(words[lang]) for lang in LANGUAGES}
    assert keys["en"], table  # the rules table too: the registry fills it at import
    missing = {
        lang: sorted(keys["en"] - keys[lang]) for lang in LANGUAGES if keys["en"] - keys[lang]
    }
    extra = {lang: sorted(keys[lang] - keys["en"]) for lang in LANGUAGES if keys[lang] - keys["en"]}
    assert not missing and not extra, (missing, extra)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_the_placeholders_of_an_entry_are_the_same_in_every_language(table: str) -> None:
    words = TABLES[table]

    def fields(value: object) -> set[str]:
        return set(re.findall(r"\{(\w+)\}", str(value)))

    different = [
        (key, lang)
        for lang in ("nb", "nn")
        for key, value in words[lang].items()
        if key in words["en"] and fields(value) != fields(words["en"][key])
    ]
    assert different == []


def test_nynorsk_is_its_own_written_standard_not_a_copy_of_bokmal() -> None:
    assert criterion_words("settling_speed", "nn") == "busetjingstakt"
    assert column_words("request", "nn") == "oppmoding"
    assert column_words("municipalities", "nn") == "kommunar"
    assert term("plot.request", "nn") == "oppmoding" != term("plot.request", "nb")
    shared = [
        k for k in TABLES["terms"]["nb"] if TABLES["terms"]["nb"][k] == TABLES["terms"]["nn"][k]
    ]
    assert len(shared) < len(TABLES["terms"]["nb"]) / 2  # most entries differ


def test_one_word_for_the_labour_market_criterion_everywhere(tmp_path: Path) -> None:
    """The county drafts called it "arbeidsmarked", the workbook "arbeids- og utdanningsmarked"."""
    alloc = bs.allocate(norway_2024(weights={"labour_market": 0.5, "population": 0.5}))
    drafts = bs.county_drafts(alloc)
    paths = bs.write_county_drafts({"Oslo": drafts["Oslo"]}, tmp_path, allocation=alloc)
    header = pd.read_excel(paths[0], nrows=0).columns.tolist()
    assert "bidrag " + criterion_words("labour_market", "nb") in header
    assert "bidrag arbeidsmarked" not in header


def test_check_language_accepts_nynorsk_and_names_all_three() -> None:
    assert check_language("nn", "here") == "nn"
    with pytest.raises(bs.InputError, match=r"'en', 'nb' \(bokmål\) or 'nn' \(nynorsk\)"):
        check_language("no", "here")


def test_nynorsk_numbers_are_written_like_bokmal() -> None:
    assert format_number(-1530.25, "nn", 1) == format_number(-1530.25, "nb", 1) == "\u22121 530,2"


def test_rules_and_reasons_in_nynorsk() -> None:
    words = PROCESS_RULES_2024.describe("nn")
    assert words[0] == "oppmodingar i multiplar av 5"
    assert "høgst 57 kommunar blir bedne om einslege mindreårige" in words
    alloc = bs.allocate(norway_2024())
    assert reason_words(alloc.solver_reason, "nn") == term("reason.rules_path", "nn")
    assert reason_words(alloc.solver_reason, "en") == alloc.solver_reason


def test_the_one_default_language_is_bokmal_for_the_norway_data_only() -> None:
    assert default_language(["4601", "0301"]) == "nb"
    assert default_language(["4601", "9999"]) == "en"
    assert default_language([]) == "en"


@pytest.mark.parametrize(
    "name",
    ["allocate", "validate", "revise", "scenarios", "explain", "report", "counties", "reconcile"],
)
def test_every_lang_flag_has_one_meaning(name: str) -> None:
    sub = build_parser()._subparsers._group_actions[0].choices[name]  # type: ignore[union-attr]
    (lang,) = [a for a in sub._actions if a.dest == "lang"]
    assert lang.choices == ["en", "nb", "nn"] and lang.default is None


def test_plot_labels_follow_the_language_and_figures_pickle() -> None:
    pytest.importorskip("matplotlib")
    from busetting import plots

    alloc = bs.allocate(norway_2024())
    fig = plots.plot_per_capita(alloc, language="nn")
    again = pickle.loads(pickle.dumps(fig))
    assert again.axes[0].get_xlabel() == "oppmoding per 1 000 innbyggjarar"
    assert again._repr_png_().startswith(b"\x89PNG")
    assert plots.plot_county_totals(alloc).axes[0].get_title() == term("plot.counties_title", "nb")
    assert plots.plot_county_totals(alloc, language="en").axes[0].get_title() == (
        "Counties: requests and population"
    )


def test_report_and_explain_in_nynorsk(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["explain", "4601", "--lang", "nn"], stdout=out) == 0
    assert out.getvalue().startswith("Bergen (4601, Vestland) blir beden om å busetje ")
    path = tmp_path / "rapport.html"
    assert main(["report", "--lang", "nn", "--no-plots", "--out", str(path), "--quiet"]) == 0
    text = path.read_text(encoding="utf-8")
    assert '<html lang="nn">' in text and "Oppmoding om busetjing av flyktningar" in text


def test_the_county_flag_takes_a_name_in_any_case_its_first_part_or_its_number(
    tmp_path: Path,
) -> None:
    shown = {}
    for text in ("vestland", "46", "Trøndelag", "TROMS"):
        path = tmp_path / f"{text}.md"
        assert main(["report", "--county", text, "--no-plots", "--out", str(path), "--quiet"]) == 0
        shown[text] = path.read_text(encoding="utf-8").splitlines()[0]
    assert "Vestland" in shown["vestland"] and shown["vestland"] == shown["46"]
    assert "Trøndelag - Trööndelage" in shown["Trøndelag"]
    assert "Troms - Romsa - Tromssa" in shown["TROMS"]
    err = io.StringIO()
    assert (
        main(["report", "--county", "Atlantis", "--out", str(tmp_path / "x.md")], stderr=err) == 2
    )
    assert "Fikk 'Atlantis': det er ikke et fylke i problemet" in err.getvalue()  # bokmål: Norway


def test_the_county_flag_filters_the_workbook_and_the_csv(tmp_path: Path) -> None:
    for name in ("vestland.xlsx", "vestland.csv"):
        path = tmp_path / name
        assert main(["report", "--county", "46", "--out", str(path), "--quiet"]) == 0
        frame = bs.io.read_table(path) if name.endswith(".csv") else pd.read_excel(path)
        assert set(frame["fylke"]) == {"Vestland"} and len(frame) == 43


@pytest.mark.parametrize(
    ("argv", "written"),
    [
        (["allocate"], "a.csv"),
        (["scenarios", "--totals", "30000,37000"], "s.csv"),
        (["report"], "r.csv"),
    ],
)
def test_norwegian_implies_the_excel_dialect_everywhere_a_csv_is_written(
    tmp_path: Path, argv: list[str], written: str
) -> None:
    for lang, start in (("nb", b"\xef\xbb\xbf"), ("nn", b"\xef\xbb\xbf"), ("en", b"")):
        path = tmp_path / lang / written
        assert main([*argv, "--lang", lang, "--out", str(path), "--quiet"]) == 0
        first = path.read_bytes().splitlines()[0]
        assert first.startswith(start) and (b";" in first) == (lang != "en")
    path = tmp_path / "given" / written
    assert main([*argv, "--csv-dialect", "standard", "--out", str(path), "--quiet"]) == 0
    assert b";" not in path.read_bytes().splitlines()[0]


def test_counties_creates_its_output_folder(tmp_path: Path) -> None:
    folder = tmp_path / "utkast" / "2024"
    assert main(["counties", "--out", str(folder), "--quiet"]) == 0
    assert len(list(folder.glob("*.xlsx"))) == 16


def test_html_reprs_of_the_key_and_the_county_drafts_are_short() -> None:
    problem = norway_2024()
    key_html = bs.build_key(problem)._repr_html_()
    assert key_html.startswith("<div class='busetting-key'>") and key_html.count("<tr>") == 6
    drafts = bs.county_drafts(bs.allocate(problem))
    assert isinstance(drafts, dict)
    drafts_html = drafts._repr_html_()  # type: ignore[attr-defined]
    assert "15 counties, 37,000 persons" in drafts_html and drafts_html.count("<tr>") == 16


def test_the_busetting_logger_has_a_null_handler() -> None:
    import logging

    assert any(isinstance(h, logging.NullHandler) for h in logging.getLogger("busetting").handlers)


@pytest.mark.parametrize("flag", [[], ["--output"]])
def test_every_printed_json_schema_names_its_dialect(flag: list[str]) -> None:
    import json

    out = io.StringIO()
    assert main(["schema", *flag], stdout=out) == 0
    schema = json.loads(out.getvalue())
    assert next(iter(schema)) == "$schema"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_change_report_as_csv_follows_the_language_and_dialect(tmp_path: Path) -> None:
    assert main(["counties", "--out", str(tmp_path / "utkast"), "--quiet"]) == 0
    oslo = str(tmp_path / "utkast" / "oslo.xlsx")
    assert main(["reconcile", oslo, "--changes", str(tmp_path / "c.csv"), "--quiet"]) == 0
    assert (tmp_path / "c.csv").read_bytes().startswith(b"\xef\xbb\xbfkommunenummer;")
    english = ["--lang", "en", "--changes", str(tmp_path / "e.csv"), "--quiet"]
    assert main(["reconcile", oslo, *english]) == 0
    assert (tmp_path / "e.csv").read_bytes().startswith(b"municipality_id,")


def _json_of(argv: list[str], folder: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    main(argv, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_every_command_output_with_a_schema_validates_against_it(tmp_path: Path) -> None:
    """The schemas are the outputs' real shape: extra or missing keys fail (extra=forbid)."""
    from busetting.schemas import COMMAND_OUTPUTS

    good = tmp_path / "mine.csv"
    good.write_text("kommunenummer,kommune,population\n0301,Oslo,10\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("kommunenummer,kommune,population\n0301,Oslo,-1\n", encoding="utf-8")
    previous = tmp_path / "prev.csv"
    assert main(["allocate", "--out", str(previous), "--quiet"]) == 0
    runs = {
        "allocate": ["allocate", "--json"],
        "validate": ["validate", "-i", str(good), "--total", "5", "--json"],
        "scenarios": ["scenarios", "--totals", "30000,37000", "--json"],
        "revise": ["revise", "--previous", str(previous), "--total", "36000", "--json"],
        "counties": ["counties", "--out", str(tmp_path / "utkast"), "--json"],
        "report": ["report", "--out", str(tmp_path / "r.md"), "--no-plots", "--json"],
        "error": ["validate", "-i", str(bad), "--total", "5", "--json"],
    }
    assert set(runs) == set(COMMAND_OUTPUTS)
    for name, argv in runs.items():
        out, err = _json_of(argv, tmp_path)
        COMMAND_OUTPUTS[name].model_validate_json(err if name == "error" else out)


def test_an_input_table_with_english_headers_gets_english_outputs(tmp_path: Path) -> None:
    """Norwegian ids in a table written with English headers: answered in English; the same
    ids under Norwegian headers (or the embedded data): bokmål, the one default."""
    from clirun import run

    english = tmp_path / "in.csv"
    english.write_text(
        "municipality_id,name,population\n0301,Oslo,700\n1103,Stavanger,150\n", encoding="utf-8"
    )
    norwegian = tmp_path / "kommuner.csv"
    norwegian.write_text(
        "kommunenummer,kommune,population\n0301,Oslo,700\n1103,Stavanger,150\n", encoding="utf-8"
    )
    args = ("--total", "20", "--weights", "population=1")
    en = run("allocate", "-i", str(english), *args, "-o", str(tmp_path / "en.csv"))
    nb = run("allocate", "-i", str(norwegian), *args, "-o", str(tmp_path / "nb.csv"))
    assert en.returncode == 0 and nb.returncode == 0, (en.stderr, nb.stderr)
    assert (tmp_path / "en.csv").read_text("utf-8-sig").startswith("municipality_id,")
    assert (tmp_path / "nb.csv").read_text("utf-8-sig").startswith("kommunenummer;")
