"""No English reaches an official who reads bokmål or nynorsk.

Every Norwegian output is rendered to the text a reader sees, in ``nb`` and in ``nn``, and
searched for English words. To cover a new output, add one renderer to :data:`RENDERERS`: a
function ``(language, folder) -> text`` that writes or builds the output and returns what a
reader sees (visible HTML text, every cell of a workbook, a CSV, the lines of a terminal
summary, the text of a figure).

Every word these outputs show comes from the one term catalogue
(:mod:`busetting._language`); no renderer is expected to fail.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import busetting as bs
from busetting.cli import _failure_table, main
from busetting.datasets import norway_2024

ENGLISH = frozenset(
    [
        "a",
        "above",
        "after",
        "against",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "asked",
        "because",
        "below",
        "binding",
        "blank",
        "blanks",
        "bound",
        "bounds",
        "but",
        "by_",
        "can",
        "cap",
        "capacity",
        "case",
        "certificate",
        "certified",
        "change",
        "changed",
        "changes",
        "chart",
        "check",
        "checked",
        "column",
        "comment",
        "counties",
        "county",
        "criteria",
        "criterion",
        "decided",
        "decision",
        "deviation",
        "draft",
        "each",
        "every",
        "exact",
        "exactly",
        "fewer",
        "final",
        "fixed",
        "from",
        "gap",
        "give",
        "given",
        "groups",
        "has",
        "have",
        "higher",
        "holds",
        "hosts",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "key",
        "kind",
        "labour",
        "largest",
        "last",
        "least",
        "lower",
        "map",
        "market",
        "matches",
        "method",
        "minimum",
        "minors",
        "mismatch",
        "more",
        "most",
        "multiples",
        "municipalities",
        "municipality",
        "national",
        "need",
        "none",
        "not",
        "of",
        "on",
        "one",
        "only",
        "or",
        "other",
        "path",
        "per_",
        "persons",
        "population",
        "previous",
        "proven",
        "reason",
        "recommendation",
        "recommended",
        "request",
        "requested",
        "requests",
        "resident",
        "residents",
        "row",
        "rule",
        "rules",
        "search",
        "services",
        "settled",
        "settling",
        "share",
        "should",
        "solve",
        "solver",
        "speed",
        "spread",
        "sum",
        "summary",
        "target",
        "targets",
        "than",
        "that",
        "the",
        "their",
        "these",
        "this",
        "tie",
        "ties",
        "total",
        "totals",
        "unaccompanied",
        "up",
        "upper",
        "value",
        "weight",
        "weights",
        "what",
        "when",
        "which",
        "whole",
        "whom",
        "why",
        "with",
        "within",
        "would",
        "written",
        "year",
        "years",
    ]
)
"""English words that are not also Norwegian words ("at", "by", "for", "over", "per", "status",
"type", "under", "optimal" and nynorsk "no" (now) are, so they are not listed; nor are words that are names of
municipalities, such as "time" and "strand")."""

WORD = re.compile(r"\w+")
FILE_NAME = re.compile(r"\S+\.(xlsx|csv|html|md|json)\b")
"""A file name: a slug of a county's name (more_og_romsdal.xlsx), not words."""
FLAG = re.compile(r"(?<![\w-])--[a-z][\w-]*")
"""A command-line flag (``--previous``): a name the reader types as it is, not a word."""


def english_words(text: str) -> list[str]:
    """The English words of ``text`` with a little context each, in order of appearance."""
    found = []
    text = FLAG.sub("", FILE_NAME.sub("", text))
    for match in WORD.finditer(text):  # a hex fingerprint or a number is not a word
        if match.group().isalpha() and match.group().lower() in ENGLISH:
            start, end = max(0, match.start() - 30), match.end() + 30
            found.append(f"{match.group()!r} in {text[start:end]!r}")
    return found


class _Visible(HTMLParser):
    """The text of an HTML page a reader sees (no style or script)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return "\n".join(parser.parts)


def workbook_text(path: Path, *, skip: tuple[str, ...] = ()) -> str:
    """Every cell of every sheet (but ``skip``), and the sheet names."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    lines = []
    for sheet in book.worksheets:
        if sheet.title in skip or sheet.sheet_state != "visible":
            continue  # a hidden sheet (the machine-readable run record) is no reader's text
        lines.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            lines.append(" | ".join(str(v) for v in row if v is not None))
    book.close()
    return "\n".join(lines)


@functools.cache
def _draft() -> bs.Allocation:
    return bs.allocate(norway_2024()).raise_for_status()


def _cli(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    return out.getvalue() + err.getvalue()


# -- the renderers -------------------------------------------------------------------------


def report_html(lang: str, folder: Path) -> str:
    return visible_text(_draft().report(folder / "r.html", language=lang).read_text("utf-8"))


def report_county_md(lang: str, folder: Path) -> str:
    path = _draft().report(folder / "r.md", language=lang, county="Vestland", plots=False)
    return path.read_text("utf-8")


def workbook(lang: str, folder: Path) -> str:
    path = bs.io.write_allocation(_draft(), folder / "a.xlsx", language=lang)
    return workbook_text(path, skip=("Parametere", "Parametrar"))


def workbook_parameters(lang: str, folder: Path) -> str:
    path = bs.io.write_allocation(_draft(), folder / "a.xlsx", language=lang)
    names = {"Parametere", "Parametrar"}
    import openpyxl

    others = tuple(
        n for n in openpyxl.load_workbook(path, read_only=True).sheetnames if n not in names
    )
    return workbook_text(path, skip=others)


def allocation_csv(lang: str, folder: Path) -> str:
    path = bs.io.write_allocation(_draft(), folder / "a.csv", language=lang)
    return path.read_text("utf-8-sig")


def county_drafts(lang: str, folder: Path) -> str:
    drafts = bs.county_drafts(_draft())
    paths = bs.write_county_drafts(
        {"Vestland": drafts["Vestland"]}, folder, language=lang, allocation=_draft()
    )
    return "\n".join(workbook_text(p) for p in paths)


def explanations(lang: str, folder: Path) -> str:
    alloc = _draft()
    frame = alloc.to_frame()
    ids = ["4601", "0301", str(frame["request"].idxmin()), str(frame["minors"].idxmax())]
    return "\n".join(alloc.explain(mid, language=lang).text for mid in ids)


def cli_allocate(lang: str, folder: Path) -> str:
    return _cli("allocate", "--lang", lang, "--out", str(folder / "a.csv"))


def cli_explain(lang: str, folder: Path) -> str:
    return _cli("explain", "4601", "--lang", lang)


def cli_validate(lang: str, folder: Path) -> str:
    path = folder / "mine.csv"
    path.write_text("kommunenummer,kommune,population\n0301,Oslo,10\n", encoding="utf-8")
    return _cli("validate", "-i", str(path), "--total", "5", "--lang", lang)


def cli_scenarios(lang: str, folder: Path) -> str:
    path = folder / "mine.csv"
    path.write_text("kommunenummer,kommune,population\n0301,Oslo,10\n", encoding="utf-8")
    argv = ["-i", str(path), "--total", "5", "--minors", "3", "--totals", "1,2,50"]
    return _cli("scenarios", *argv, "--lang", lang, "--out", str(folder / "s.csv"))


def cli_counties(lang: str, folder: Path) -> str:
    return _cli("counties", "--lang", lang, "--out", str(folder / "utkast"))


def cli_revise(lang: str, folder: Path) -> str:
    previous = folder / "prev.csv"
    _cli("allocate", "--lang", lang, "--out", str(previous), "--quiet")
    decisions = folder / "vedtak.csv"
    decisions.write_text("kommunenummer,vedtak\n4601,1100\n", encoding="utf-8")
    return _cli(
        "revise", "--lang", lang, "--previous", str(previous), "--decisions", str(decisions)
    )


def cli_reconcile(lang: str, folder: Path) -> str:
    _cli("counties", "--lang", lang, "--out", str(folder / "utkast"), "--quiet")
    oslo = next((folder / "utkast").glob("oslo.xlsx"))
    return _cli("reconcile", str(oslo), "--lang", lang, "--changes", str(folder / "c.xlsx"))


def change_report(lang: str, folder: Path) -> str:
    _cli("counties", "--lang", lang, "--out", str(folder / "utkast"), "--quiet")
    oslo = next((folder / "utkast").glob("oslo.xlsx"))
    _cli("reconcile", str(oslo), "--lang", lang, "--changes", str(folder / "c.xlsx"), "--quiet")
    return workbook_text(folder / "c.xlsx")


def error_table_headers(lang: str, folder: Path) -> str:
    table = pd.DataFrame(columns=["row", "municipality_id", "column", "value", "reason"])
    return " ".join(_failure_table(table, lang).columns)


def plots_text(lang: str, folder: Path) -> str:
    pytest.importorskip("matplotlib")
    from busetting import plots

    alloc = _draft()
    table = bs.scenarios(norway_2024(rules=bs.Rules()), [30_000, 37_000])
    other = bs.allocate(norway_2024(weights="ministry"))
    figures = [
        plots.plot_requests_vs_targets(alloc, language=lang),
        plots.plot_county_totals(alloc, language=lang),
        plots.plot_per_capita(alloc, language=lang),
        plots.plot_fan(table, ["4601"], samples=[31_000, 36_000, 40_000], language=lang),
        plots.plot_comparison(bs.compare(alloc, other, labels=("2024", "2025")), language=lang),
    ]
    texts = []
    for fig in figures:
        for ax in fig.axes:
            texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
            legend = ax.get_legend()
            if legend is not None:
                texts += [t.get_text() for t in legend.get_texts()]
    return "\n".join(texts)


def report_county_html(lang: str, folder: Path) -> str:
    path = _draft().report(folder / "r.html", language=lang, county="Vestland", plots=False)
    return visible_text(path.read_text("utf-8"))


def report_by_county(lang: str, folder: Path) -> str:
    path = _draft().report(folder / "r.html", language=lang, by_county=True, plots=False)
    return visible_text(path.read_text("utf-8"))


def cli_report_county(lang: str, folder: Path) -> str:
    _cli("report", "--lang", lang, "--county", "Vestland", "--out", str(folder / "v.html"))
    return visible_text((folder / "v.html").read_text("utf-8"))


def minors_to_confirm(lang: str, folder: Path) -> str:
    """The report's line on minors hosts to confirm with the county (the draft has some)."""
    frame = _draft().to_frame()
    assert frame["minors_to_confirm"].astype(bool).any()  # there is a line to read
    page = visible_text(_draft().report(folder / "r.html", language=lang).read_text("utf-8"))
    names = frame.loc[frame["minors_to_confirm"].astype(bool), "name"]
    lines = [line for line in page.splitlines() if any(n in line for n in names)]
    return "\n".join(lines)


def letters_and_forms(lang: str, folder: Path) -> str:
    made = bs.letters(_draft(), deadline="2025-01-15", language=lang)
    few = dict(list(made.pages.items())[:3])
    letters = type(made)(few, made.allocation, made.deadline, made.year, made.language)
    paths = letters.write(folder / "brev", forms="municipality")
    texts = [
        visible_text(p.read_text("utf-8")) if p.suffix == ".html" else workbook_text(p)
        for p in paths
    ]
    assert any(p.suffix == ".xlsx" for p in paths)  # an answer form was read too
    return "\n".join(texts)


def year_status_page(lang: str, folder: Path) -> str:
    path = bs.write_status(bs.history_status(2023), folder / "s.html", language=lang)
    return visible_text(path.read_text("utf-8"))


def year_status_workbook(lang: str, folder: Path) -> str:
    path = bs.write_status(bs.history_status(2023), folder / "s.xlsx", language=lang)
    return workbook_text(path)


def cli_status(lang: str, folder: Path) -> str:
    return _cli("status", "--year", "2023", "--lang", lang)


def cli_next(lang: str, folder: Path) -> str:
    return _cli("next", "--k", "5", "--lang", lang)


def cli_next_table(lang: str, folder: Path) -> str:
    _cli("next", "--k", "5", "--lang", lang, "--out", str(folder / "n.xlsx"), "--quiet")
    return workbook_text(folder / "n.xlsx")


def _revised(lang: str, folder: Path, out: str) -> None:
    previous = folder / "prev.csv"
    _cli("allocate", "--lang", lang, "--out", str(previous), "--quiet")
    decisions = folder / "vedtak.csv"
    decisions.write_text("kommunenummer,vedtak\n4601,1100\n", encoding="utf-8")
    argv = ["--previous", str(previous), "--decisions", str(decisions), "--out", out]
    _cli("revise", "--lang", lang, *argv, "--quiet")


def revision_report_xlsx(lang: str, folder: Path) -> str:
    _revised(lang, folder, str(folder / "rev.xlsx"))
    return workbook_text(folder / "rev.xlsx")


def revision_report_html(lang: str, folder: Path) -> str:
    _revised(lang, folder, str(folder / "rev.html"))
    return visible_text((folder / "rev.html").read_text("utf-8"))


def accounting_parts(lang: str, folder: Path) -> str:
    """The parts of every change (``Accounting.to_frame``) as written to a workbook."""
    rev = bs.revise(_draft(), decisions={"4601": 1100})
    frame = rev.accounting().to_frame(lang)
    path = bs.io.write_table(frame, folder / "parts.xlsx", language=lang)
    return workbook_text(path)


RENDERERS: list[object] = [
    report_html,
    report_county_md,
    workbook,
    workbook_parameters,
    allocation_csv,
    county_drafts,
    explanations,
    cli_allocate,
    cli_explain,
    cli_validate,
    cli_scenarios,
    cli_counties,
    cli_revise,
    cli_reconcile,
    change_report,
    error_table_headers,
    plots_text,
    report_county_html,
    report_by_county,
    cli_report_county,
    minors_to_confirm,
    letters_and_forms,
    year_status_page,
    year_status_workbook,
    cli_status,
    cli_next,
    cli_next_table,
    revision_report_xlsx,
    revision_report_html,
    accounting_parts,
]
"""Every Norwegian output: ``(language, folder) -> the text a reader sees``."""


@pytest.mark.parametrize("language", ["nb", "nn"])
@pytest.mark.parametrize("render", RENDERERS)
def test_no_english_word_in_a_norwegian_output(
    render: Callable[[str, Path], str], language: str, tmp_path: Path
) -> None:
    text = render(language, tmp_path).replace(str(tmp_path), "")  # the folder is no output
    assert len(text) > 20  # something was rendered
    assert english_words(text) == []


def test_the_word_list_finds_english_in_the_english_outputs(tmp_path: Path) -> None:
    """The list is not empty of meaning: the same renderers in English are full of it."""
    for render in (explanations, cli_allocate, county_drafts, plots_text, error_table_headers):
        assert english_words(render("en", tmp_path)), render.__name__
