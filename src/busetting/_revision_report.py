"""The report of a revision: every request against the request being revised, in parts.

``busetting revise ... --out revidert.xlsx`` and ``--out revidert.html`` write what a
municipality is told during the year: "your request goes from 2 145 to 1 920, because …".
Both compare each new request with the request being revised (not with last year's), show the
biggest cuts and increases, the county sums, the rule used (decisions as ceilings or held, the
key at a cut, the floors that gave way) and, per municipality, the parts of the change from
:meth:`busetting.Revision.accounting` (summing exactly to it). Headers and words in English,
bokmål or nynorsk.

The workbook also carries the revision's ``requests`` and ``parameters`` sheets (hidden), so
it reads back as the previous allocation of a further ``busetting revise --previous``.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from busetting._accounting import Accounting
from busetting._defaults import choose_language
from busetting._exceptions import InputError
from busetting._language import (
    LANGUAGES,
    criterion_words,
    format_number,
    method_words,
    term,
    terms,
)
from busetting._model import Problem
from busetting._revise import Revision
from busetting.io import Sheet, atomic_write, parameter_table, write_workbook

__all__ = ["revision_html", "revision_tables", "write_revision_report"]

TOP = 15
"""How many of the biggest cuts and increases are listed."""

_WORDS: dict[str, dict[str, str]] = {
    language: terms("revision.", language) for language in LANGUAGES
}

_COLUMNS = ("name", "county", "previous", "decision", "settled", "request", "change", "parts")


def _language(rev: Revision, language: str | None) -> str:
    """``language``, or the one default (bokmål for the Norway data, else English) if None."""
    if language is None and isinstance(rev, Revision):
        return choose_language(None, rev.allocation.problem.ids, "revision report")
    return str(language)


def _check(rev: Revision, language: str, where: str) -> dict[str, str]:
    if language not in _WORDS:
        raise InputError(
            f"The `language` parameter of `{where}` must be 'en', 'nb' or 'nn'. "
            f"Got {language!r} instead."
        )
    if rev.allocation.requests is None:
        raise InputError(
            f"The `rev` parameter of `{where}` must be a revision with requests. Got one with "
            f"status {rev.status.value!r} instead."
        )
    return _WORDS[language]


def _per_municipality(rev: Revision, book: Accounting, language: str) -> pd.DataFrame:
    frame = rev.to_frame()
    frame["parts"] = [
        book.describe(str(i), language, limit=5) if c else ""
        for i, c in zip(frame.index, frame["change"], strict=True)
    ]
    return frame[list(_COLUMNS)]


def _rule_rows(rev: Revision, w: dict[str, str], language: str) -> list[tuple[str, str]]:
    p = rev.allocation.problem
    old = int(rev.previous.sum())
    rows = [
        (w["direction"], w.get(rev.direction, rev.direction)),
        (w["need"], f"{format_number(old, language)} → {format_number(p.total, language)}"),
        (w["decided"], format_number(len(rev.decisions), language)),
        (w["method"], rev.allocation.method),
    ]
    if rev.direction == "down":
        rows.append((w["cut_key"], w[f"key_{rev.cut_key}"]))
    if rev.gave_way:
        named = ", ".join(f"{i} ({v})" for i, v in sorted(rev.gave_way.items()))
        rows.append((w["gave_way"], named))
    kept = rev.kept
    if language != "en" and kept and rev.problem is not None:
        kept = kept_words(rev.problem, rev.allocation.method, language)
    rows.extend((w["kept"], k) for k in kept)
    return rows


def kept_words(problem: Problem, method: str, language: str) -> tuple[str, ...]:
    """What a revision kept from the previous allocation (``Revision.kept``), in ``language``.

    The method, the criteria and their weights, the process rules, the fixed values and the
    municipalities with bounds of ``problem`` (the revision's problem: the previous one at the
    new need).
    """
    crit = ", ".join(
        f"{criterion_words(c.name, language)}={format_number(c.weight, language, 3)}"
        for c in problem.criteria
    )
    rules = problem.rules.describe(language)
    n_fixed = sum(m.fixed is not None for m in problem.municipalities)
    n_bounds = sum(
        m.min is not None or m.max is not None or m.minors_max is not None
        for m in problem.municipalities
    )
    return (
        term("settings.method", language, method=method_words(method, language)),
        term("settings.criteria", language, criteria=crit),
        term("settings.rules", language, rules=", ".join(rules))
        if rules
        else term("settings.no_rules", language),
        term("settings.fixed_one" if n_fixed == 1 else "settings.fixed", language, n=n_fixed),
        term("settings.bounds_one" if n_bounds == 1 else "settings.bounds", language, n=n_bounds),
    )


def revision_tables(rev: Revision, language: str | None = None) -> dict[str, pd.DataFrame]:
    """The tables of a revision report, headers in ``language``.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``"all"`` (every municipality: the request being revised, its decision and settled
        number, the revised request, the change and its parts in words), ``"cuts"`` and
        ``"increases"`` (the :data:`TOP` biggest), ``"counties"`` (the sums per county) and
        ``"rule"`` (the rule used, as item/value rows).
    """
    language = _language(rev, language)
    w = _check(rev, language, "revision_tables")
    book = rev.accounting()
    frame = _per_municipality(rev, book, language)
    ordered = frame.assign(size=frame["change"].abs()).sort_values(
        ["size"], ascending=False, kind="stable"
    )
    cuts = ordered[ordered["change"] < 0].drop(columns="size").head(TOP)
    increases = ordered[ordered["change"] > 0].drop(columns="size").head(TOP)
    counties = frame.groupby("county", sort=True)[["previous", "request", "change"]].sum()
    counties.loc[w["all"]] = counties.sum()
    rule = pd.DataFrame(_rule_rows(rev, w, language), columns=[w["item"], w["value"]])

    def named(table: pd.DataFrame) -> pd.DataFrame:
        out = table.reset_index()
        return out.rename(columns={c: w.get(str(c), str(c)) for c in out.columns})

    return {
        "all": named(frame),
        "cuts": named(cuts),
        "increases": named(increases),
        "counties": named(counties),
        "rule": rule,
    }


def write_revision_report(rev: Revision, path: str | Path, *, language: str | None = None) -> Path:
    """Write the revision report as a formatted workbook (``.xlsx``) or a page (``.html``).

    Parameters
    ----------
    rev : Revision
        As returned by :func:`busetting.revise`.
    path : str or Path
        ``.xlsx`` (sheets: every municipality, the biggest cuts and increases, the county
        sums, the rule; plus the hidden ``requests`` and ``parameters`` sheets a further
        ``revise --previous`` reads) or ``.html``. Written atomically.
    language : {"nb", "nn", "en"}, optional
        Headers and words; None is the one default: bokmål for the Norway data, English
        otherwise.

    Returns
    -------
    Path
        The file written.
    """
    language = _language(rev, language)
    w = _check(rev, language, "write_revision_report")
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".html":
        text = revision_html(rev, language=language)

        def write_text(target: Path) -> None:
            target.write_text(text, encoding="utf-8")

        atomic_write(p, write_text)
        return p
    if suffix != ".xlsx":
        raise InputError(
            "The `path` parameter of `write_revision_report` must end in .xlsx or .html. "
            f"Got {str(p)!r} instead."
        )
    tables = revision_tables(rev, language)
    machine = rev.to_frame().reset_index()
    params = parameter_table(rev.allocation, rev.problem)
    sheets = [
        Sheet(w["sheet_all"], tables["all"], freeze="C2"),
        Sheet(w["sheet_cuts"], tables["cuts"], freeze="C2"),
        Sheet(w["sheet_increases"], tables["increases"], freeze="C2"),
        Sheet(w["sheet_counties"], tables["counties"], freeze="B2"),
        Sheet(w["sheet_rule"], tables["rule"], freeze="A2"),
        Sheet("requests", machine, freeze="C2"),
        Sheet("parameters", params, freeze="A2"),
    ]

    def write(target: Path) -> None:
        # openpyxl is optional (the excel extra): loaded only when a workbook is written
        import openpyxl

        write_workbook(target, sheets)
        with target.open("rb") as fh:
            book = openpyxl.load_workbook(fh)
        for name in ("requests", "parameters"):
            book[name].sheet_state = "hidden"
        book.save(target)

    atomic_write(p, write)
    return p


def _cell(value: object, language: str) -> tuple[str, bool]:
    if isinstance(value, int | float) and not isinstance(value, bool) and not pd.isna(value):
        return format_number(value, language, space="\u00a0"), True
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "", False
    return str(value), False


def _html_table(frame: pd.DataFrame, language: str, tid: str) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for v in record:
            text, numeric = _cell(v.item() if hasattr(v, "item") else v, language)
            cls = ' class="num"' if numeric else ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table id="{tid}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


_STYLE = (
    "body{font-family:sans-serif;margin:2em;max-width:60em}"
    "table{border-collapse:collapse;margin:1em 0;font-size:90%}"
    "th,td{border-bottom:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "@page{size:A4;margin:15mm}"
)


def revision_html(rev: Revision, *, language: str | None = None) -> str:
    """The revision report as one self-contained HTML page (see :func:`write_revision_report`)."""
    language = _language(rev, language)
    w = _check(rev, language, "revision_html")
    tables = revision_tables(rev, language)
    old = format_number(int(rev.previous.sum()), language, space="\u00a0")
    new = format_number(rev.allocation.problem.total, language, space="\u00a0")
    title = w["title"].format(old=old, new=new)
    moved = int((rev.to_frame()["change"] != 0).sum())
    sections = [
        (
            "summary",
            w["summary"],
            f"<p>{html.escape(w['compared'])}</p><p>{html.escape(w['moved'])}: {moved}</p>"
            + _html_table(tables["rule"], language, "rule"),
        ),
        ("cuts", w["cuts"], _html_table(tables["cuts"], language, "cuts-table")),
        ("increases", w["increases"], _html_table(tables["increases"], language, "up-table")),
        ("counties", w["counties"], _html_table(tables["counties"], language, "county-table")),
        ("all", w["all"], _html_table(tables["all"], language, "municipalities")),
    ]
    body = "\n".join(
        f'<section id="{sid}"><h2>{html.escape(head)}</h2>{content}</section>'
        for sid, head, content in sections
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>\n"
        f"<h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n"
    )
