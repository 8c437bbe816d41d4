"""The run report, for the ministry, the counties and the municipalities, on screen and on paper.

A self-contained HTML page (or Markdown with its pictures beside it), in Norwegian bokmål
(the default for the Norway data), nynorsk or English, in the order a reader needs it:

1. the first page: the title with the year, the date it was prepared, the map on the 2024
   borders (requests per 1,000 residents, the requests as circles, the largest places named)
   with a few facts beside it, and the county table down to its total;
2. the summary: the need, how it was divided, the criteria in words, the check of the
   totals and the largest changes from last year's requests;
3. the chart of the counties;
4. the full table of every municipality (optionally grouped by county with subtotals):
   request, minors, last year's request, decision and settled, the change, and requests per
   1,000 residents, with its total;
5. the technical appendix last: method, solver, certificate, fingerprint, the criteria key,
   the largest deviations from target and the ties.

With ``county=`` it is a letter-ready view of one county for the county recommendation round.
It prints on A4 (an ``@page`` rule, page numbers, nothing cut across pages where avoidable).
The page carries no runtime and only the date it is given (``prepared=``), so the same input
and date give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from busetting._accounting import LAST_YEAR, account
from busetting._defaults import default_language as norway_default
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._hosts import to_confirm_sentence
from busetting._language import (
    LANGUAGES,
    NBSP,
    binding_words,
    criterion_words,
    format_number,
    indicator_words,
    is_norwegian,
    method_words,
    reason_words,
    status_words,
    terms,
)
from busetting._map import MapArea, choropleth_svg
from busetting._status import RulesCertificate
from busetting._workbook import last_year_figures as history_figures
from busetting._workbook import print_language
from busetting.datasets import load_municipalities
from busetting.io import atomic_write
from busetting.plots import Bar, bars_svg

if TYPE_CHECKING:
    from busetting._model import Criterion
    from busetting._result import Allocation

__all__ = ["default_language", "last_year_figures", "report_html", "write_report"]


def _report_words(language: str) -> dict[str, Any]:
    """The report's words in ``language``, from the catalogue's ``report.page.`` entries: a pair
    (``key.0``, ``key.1``) becomes a tuple, ``cols.x`` and the like a table of their own."""
    words: dict[str, Any] = {}
    for key, text in terms("report.page.", language).items():
        head, _, tail = key.partition(".")
        if not tail:
            words[key] = text
        elif tail.isdigit():
            words[head] = (*words.get(head, ()), text)
        else:
            words.setdefault(head, {})[tail] = text
    return words


_W: dict[str, dict[str, Any]] = {language: _report_words(language) for language in LANGUAGES}


_WORDS: dict[str, dict[str, str]] = {
    language: terms("report.words.", language) for language in LANGUAGES
}
"""The report's new words (title with the year, date, totals, pages, the first page), for
the term catalogue."""


def _words(lang: str) -> dict[str, str]:
    return _WORDS[lang]


def _format_date(day: dt.date, lang: str) -> str:
    w = _words(lang)
    month = w["months"].split()[day.month - 1]
    return w["date"].format(day=day.day, month=month, year=day.year)


# -- data ----------------------------------------------------------------------------------


def last_year_figures(alloc: Allocation) -> tuple[int, pd.DataFrame] | None:
    """Last year's request, decision and settled per municipality from the embedded history.

    Returns ``(year, table)`` with columns ``request``, ``decision``, ``settled`` indexed by
    ``municipality_id`` (the problem's municipalities only), or ``None`` when none of the
    problem's municipalities is in the history. Haram (1580) has no row before 2024: its
    figures are inside Ålesund's (1508), shown as published. The workbook shows the same
    figures (:func:`busetting._workbook.last_year_figures`).
    """
    return history_figures(list(alloc.problem.ids))


def _coordinates(ids: list[str]) -> pd.DataFrame:
    muni = load_municipalities().set_index("kommunenummer")[["lon_mean", "lat_mean"]]
    return muni.reindex(pd.Index(ids, name="municipality_id"))


def default_language(alloc: Allocation) -> str:
    """``"nb"`` when every municipality is one of the embedded Norway data, else ``"en"``."""
    return norway_default(alloc.problem.ids)


@dataclass(frozen=True)
class _Data:
    lang: str
    county: str | None
    frame: pd.DataFrame  # the municipalities shown (all, or one county's)
    full: pd.DataFrame  # every municipality
    year: int | None

    def num(self, v: Any, decimals: int = 0) -> str:
        if v is None or pd.isna(v):
            return ""
        return format_number(float(v), self.lang, decimals, space=NBSP)

    def signed(self, v: Any) -> str:
        text = self.num(v)
        if not text or float(v or 0) <= 0:
            return text
        return "+" + text

    def tech(self, v: float) -> str:
        """A technical number (objective, λ) to ten significant digits."""
        text = f"{v:.10g}"
        return text.replace(".", ",").replace("-", "\u2212") if is_norwegian(self.lang) else text

    def pct(self, v: float) -> str:
        whole = abs(100 * v - round(100 * v)) < 1e-9
        return f"{self.num(100 * v, 0 if whole else 1)}{NBSP}%"


def _data(alloc: Allocation, lang: str, county: str | None) -> _Data:
    frame = alloc.to_frame()
    pop = frame["population"].astype(float).where(frame["population"] > 0)
    frame["per_1000"] = 1000.0 * frame["request"].astype(float) / pop
    year = None
    history = last_year_figures(alloc)
    if history is not None:
        year, table = history
        frame["last_request"] = table["request"]
        frame["last_decision"] = table["decision"]
        frame["last_settled"] = table["settled"]
        frame["change"] = frame["request"].astype(float) - frame["last_request"]
    coords = _coordinates(list(frame.index))
    frame["lon"] = coords["lon_mean"]
    frame["lat"] = coords["lat_mean"]
    frame = frame.sort_index()
    shown = frame if county is None else frame[frame["county"] == county]
    return _Data(lang, county, shown, frame, year)


# -- the sections ----------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text))


def _summary(alloc: Allocation, d: _Data) -> str:
    w = _W[d.lang]
    p = alloc.problem
    f, full = d.frame, d.full
    out = []
    national_per = 1000 * p.total / max(1, int(full["population"].sum()))
    if d.county is None:
        out.append(w["need"].format(n=d.num(p.total), m=d.num(p.minors_total)))
        out.append(
            w["asked"].format(
                k=d.num(int((f["request"] > 0).sum())),
                n=d.num(len(f)),
                km=d.num(int((f["minors"] > 0).sum())),
                per=d.num(national_per, 1),
            )
        )
    else:
        x = int(f["request"].sum())
        out.append(
            w["county_asked"].format(
                county=d.county,
                x=d.num(x),
                share=d.pct(x / max(1, p.total)),
                m=d.num(int(f["minors"].sum())),
                k=d.num(int((f["request"] > 0).sum())),
                n=d.num(len(f)),
                per=d.num(1000 * x / max(1, int(f["population"].sum())), 1),
                nper=d.num(national_per, 1),
            )
        )
    html_parts = [f"<p>{_e(t)}</p>" for t in out]
    html_parts.append(f"<p>{_e(w['criteria'])}</p>")
    html_parts.append(_criteria_list(p.criteria, d))
    if p.minors_total:
        html_parts.append(f"<p>{_e(w['minors_criteria'])}</p>")
        html_parts.append(_criteria_list(p.effective_minors_criteria, d))
        if "minors_to_confirm" in full:
            weak = full[full["minors_to_confirm"].astype(bool)]
            sentence = to_confirm_sentence(list(weak["name"]), d.lang)
            if sentence is not None:
                html_parts.append(f'<p class="warn">{_e(sentence)}</p>')
    rules = p.rules.describe(d.lang)
    html_parts.append(
        f"<p>{_e(w['rules'].format(r=', '.join(rules)) if rules else w['norules'])}</p>"
    )
    req, mnr = int(full["request"].sum()), int(full["minors"].sum())
    if alloc.success and req == p.total and mnr == p.minors_total:
        text = w["ok"].format(
            n=d.num(p.total), m=d.num(p.minors_total), method=method_words(alloc.method, d.lang)
        )
        html_parts.append(f'<p class="ok">{_e(text)}</p>')
    else:
        text = w["notok"].format(status=alloc.status.value, message=alloc.message)
        html_parts.append(f'<p class="warn">{_e(text)}</p>')
    html_parts.append(_changes(d))
    return "\n".join(html_parts)


def _criteria_list(criteria: Sequence[Criterion], d: _Data) -> str:
    items = []
    for c in criteria:
        name = criterion_words(c.name, d.lang)
        what = indicator_words(c.indicator, d.lang)
        detail = "" if what == name else f": {_e(what)}"
        items.append(f"<li><b>{_e(name)}</b> ({_e(d.pct(c.weight))}){detail}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _changes(d: _Data) -> str:
    w = _W[d.lang]
    if d.year is None or "change" not in d.frame or d.frame["change"].isna().all():
        return f"<p>{_e(w['nochanges'])}</p>"
    f = d.frame.dropna(subset=["change"]).reset_index()
    up = f.sort_values(["change", "municipality_id"], ascending=[False, True]).head(5)
    down = f.sort_values(["change", "municipality_id"], ascending=[True, True]).head(5)

    def items(rows: pd.DataFrame, sign: int) -> str:
        out = []
        for r in rows.to_dict("records"):
            if sign * float(r["change"]) <= 0:
                continue
            out.append(
                f"<li>{_e(r['name'])}: {_e(d.num(r['last_request']))} → "
                f"{_e(d.num(r['request']))} ({_e(d.signed(r['change']))})</li>"
            )
        return "<ul>" + "".join(out) + "</ul>" if out else "<p>\u2013</p>"

    return (
        f"<h3>{_e(w['changes'].format(y=d.year))}</h3>"
        f'<div class="cols"><div><h4>{_e(w["up"])}</h4>{items(up, 1)}</div>'
        f"<div><h4>{_e(w['down'])}</h4>{items(down, -1)}</div></div>"
    )


_PART_WORDS: dict[str, dict[str, str]] = {
    language: terms("report.parts.", language) for language in LANGUAGES
}
PART_ROWS = 15
"""How many of the biggest changes from last year the report lists with their parts."""


def change_parts_section(alloc: Allocation, d: _Data) -> str:
    """The report's section on the change from last year's request, with its parts (one
    self-contained section: the biggest changes, each with the parts that add up to it)."""
    if alloc.requests is None or LAST_YEAR not in alloc.problem.columns.indicators:
        return ""
    w = _PART_WORDS.get(d.lang, _PART_WORDS["en"])
    book = account(alloc)
    shown = set(d.frame.index)
    changes = [c for c in book.changes if c.municipality_id in shown and c.change != 0]
    changes.sort(key=lambda c: (-abs(c.change), c.municipality_id))
    rows = [
        [
            c.name,
            d.num(c.baseline),
            d.num(c.new),
            d.signed(c.change),
            book.describe(c.municipality_id, d.lang, limit=4),
        ]
        for c in changes[:PART_ROWS]
    ]
    intro = w["intro"].format(n=min(PART_ROWS, len(changes)))
    return (
        f'<section id="change-parts"><h2>{_e(w["title"])}</h2><p>{_e(intro)}</p>'
        f"{_table(w['head'].split('|'), rows, {1, 2, 3}, 'change-parts-table')}</section>\n"
    )


def _label(d: _Data, r: pd.Series) -> str:
    cols = _W[d.lang]["cols"]
    text = f"{r['name']} ({r.name}): {cols['request']} {d.num(r['request'])}"
    if int(r["minors"]) > 0:
        text += f", {cols['minors']} {d.num(r['minors'])}"
    if d.year is not None and not pd.isna(r.get("last_request")):
        text += f"; {cols['last_request'].format(y=d.year)} {d.num(r['last_request'])}"
    return text


def _map(d: _Data) -> str:
    w = _W[d.lang]
    f = d.frame
    if f.empty or not set(f.index) <= _known_ids():
        return f"<p>{_e(w['nomap'])}</p>"
    areas = [
        MapArea(
            str(mid),
            str(r["name"]),
            int(r["request"]),
            int(r["minors"]),
            None if pd.isna(r["per_1000"]) else float(r["per_1000"]),
            int(r["population"]),
            _label(d, r),
        )
        for mid, r in f.iterrows()
    ]
    full = d.full
    national = 1000.0 * float(full["request"].sum()) / max(1.0, float(full["population"].sum()))
    title = str(_words(d.lang)["map_title"]) + (f" \u2013 {d.county}" if d.county else "")
    return choropleth_svg(
        areas,
        title=title,
        language=d.lang,
        national_rate=national,
        label_all=d.county is not None,
        legend_inside=d.county is None,
    )


def _known_ids() -> set[str]:
    return set(load_municipalities()["kommunenummer"])


def _chart(d: _Data) -> str:
    w = _W[d.lang]
    legend = (w["chart_legend"][0], w["chart_legend"][1].format(y=d.year))
    has_prev = d.year is not None
    if d.county is None:
        by = d.frame.groupby("county", sort=True)
        req = by["request"].sum()
        prev = by["last_request"].sum(min_count=1) if has_prev else None
        rows = sorted(req.index, key=lambda c: (-int(req[c]), str(c)))
        title = w["county_chart"]
    else:
        req = d.frame.set_index("name")["request"]
        prev = d.frame.set_index("name")["last_request"] if has_prev else None
        rows = sorted(req.index, key=lambda c: (-int(req[c]), str(c)))
        title = w["municipality_chart"]
    bars = []
    for c in rows:
        pv = None if prev is None or pd.isna(prev[c]) else float(prev[c])
        bars.append(Bar(str(c), float(req[c]), pv, d.num(req[c]), d.num(pv)))
    return bars_svg(bars, title=str(title), legend=legend)


_Table = tuple[list[str], list[list[str]], set[int]]


def _table(
    head: list[str],
    rows: list[list[str]],
    numeric: set[int],
    tid: str = "",
    *,
    foot: Sequence[list[str]] = (),
    kinds: Sequence[str] | None = None,
) -> str:
    """A table; ``foot`` rows are the totals; ``kinds`` marks ``group`` and ``subtotal`` rows."""
    ident = f' id="{tid}"' if tid else ""

    def cls(j: int) -> str:
        return ' class="num"' if j in numeric else ""

    th = "".join(f"<th{cls(j)}>{_e(h)}</th>" for j, h in enumerate(head))
    body = []
    for i, row in enumerate(rows):
        kind = kinds[i] if kinds is not None else ""
        if kind == "group":
            body.append(f'<tr class="group"><th colspan="{len(head)}">{_e(row[0])}</th></tr>')
            continue
        if kind == "subtotal":
            body.append(f'<tr class="subtotal">{_label_cells(row, numeric, "td")}</tr>')
            continue
        cells = "".join(f"<td{cls(j)}>{_e(v)}</td>" for j, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    tfoot = "".join(f'<tr class="total">{_label_cells(r, numeric, "th")}</tr>' for r in foot)
    foot_html = f"<tfoot>{tfoot}</tfoot>" if foot else ""
    return (
        f"<table{ident}><thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody>"
        f"{foot_html}</table>"
    )


def _label_cells(row: list[str], numeric: set[int], tag: str) -> str:
    """A total row: its label spans the empty text cells after it (``I alt`` over no., name)."""
    span = 1
    while span < len(row) and row[span] == "" and span not in numeric:
        span += 1
    first = f'<{tag} colspan="{span}">' if span > 1 else f"<{tag}>"
    cells = [f"{first}{_e(row[0])}</{tag}>"]
    for j in range(span, len(row)):
        attr = ' class="num"' if j in numeric else ""
        cells.append(f"<{tag}{attr}>{_e(row[j])}</{tag}>")
    return "".join(cells)


def _municipality_keys(d: _Data) -> tuple[list[str], list[str]]:
    cols = _W[d.lang]["cols"]
    head = [cols[k] for k in ("municipality_id", "name", "county", "request", "minors")]
    keys = ["request", "minors"]
    if d.year is not None:
        for k in ("last_request", "last_decision", "last_settled", "change"):
            head.append(cols[k].format(y=d.year))
            keys.append(k)
    head.append(cols["per_1000"])
    return head, keys


def _sum_row(d: _Data, f: pd.DataFrame, keys: list[str], label: list[str]) -> list[str]:
    """The total of ``f`` under ``keys``, with the rate of the sums (never a sum of rates)."""
    row = list(label)
    for k in keys:
        v = f[k].sum(min_count=1) if k in f else None
        row.append(d.signed(v) if k == "change" else d.num(v))
    pop = float(f["population"].sum())
    row.append(d.num(1000.0 * float(f["request"].sum()) / pop, 1) if pop > 0 else "")
    return row


def _municipality_rows(d: _Data) -> _Table:
    head, keys = _municipality_keys(d)
    rows = []
    for mid, r in d.frame.iterrows():
        row = [str(mid), str(r["name"]), str(r["county"])]
        for k in keys:
            row.append(d.signed(r[k]) if k == "change" else d.num(r[k]))
        row.append(d.num(r["per_1000"], 1))
        rows.append(row)
    numeric = set(range(3, len(head)))
    return head, rows, numeric


def _municipality_total(d: _Data) -> list[str]:
    """The ``I alt`` row of the municipality table: the municipalities shown."""
    _, keys = _municipality_keys(d)
    w = _words(d.lang)
    what = w["total"] if d.county is None else w["total_of"].format(what=d.county)
    return _sum_row(d, d.frame, keys, [what, "", ""])


def _municipality_groups(d: _Data) -> tuple[list[list[str]], list[str]]:
    """The municipality rows grouped by county: a heading, the rows, the county's subtotal."""
    _, rows, _ = _municipality_rows(d)
    _, keys = _municipality_keys(d)
    w = _words(d.lang)
    by_id = dict(zip(d.frame.index, rows, strict=True))
    out: list[list[str]] = []
    kinds: list[str] = []
    for county, f in d.frame.groupby("county", sort=True):
        out.append([str(county)])
        kinds.append("group")
        for mid in f.index:
            out.append(by_id[mid])
            kinds.append("")
        out.append(_sum_row(d, f, keys, [w["total_of"].format(what=county), "", ""]))
        kinds.append("subtotal")
    return out, kinds


def _county_table(d: _Data) -> tuple[list[str], list[list[str]], set[int], list[str]]:
    """Per county, and the total row of the country."""
    cols = _W[d.lang]["cols"]
    f = d.full
    by = f.groupby("county", sort=True)
    table = pd.DataFrame(
        {
            "municipalities": by.size(),
            "asked": by["request"].apply(lambda s: int((s > 0).sum())),
            "population": by["population"].sum(),
            "request": by["request"].sum(),
            "minors": by["minors"].sum(),
        }
    )
    keys = ["municipalities", "asked", "population", "request", "minors"]
    if d.year is not None:
        table["last_request"] = by["last_request"].sum(min_count=1)
        table["change"] = table["request"] - table["last_request"]
        keys += ["last_request", "change"]
    table["per_1000"] = (
        1000.0 * table["request"] / table["population"].where(table["population"] > 0)
    )
    head = [cols["county"]] + [cols[k].format(y=d.year) for k in keys] + [cols["per_1000"]]
    rows = []
    for county, r in table.iterrows():
        row = [str(county)]
        for k in keys:
            row.append(d.signed(r[k]) if k == "change" else d.num(r[k]))
        row.append(d.num(r["per_1000"], 1))
        rows.append(row)
    total = _sum_row(d, table, keys, [_words(d.lang)["total"]])
    return head, rows, set(range(1, len(head))), total


@dataclass(frozen=True)
class _Appendix:
    params: list[tuple[str, str]]
    key: _Table
    key_total: list[str]
    deviations: _Table
    deviations_total: list[str]
    ties: list[str]


def _appendix(alloc: Allocation, d: _Data) -> _Appendix:
    key = _key_table(alloc, d)
    deviations = _deviation_table(d)
    return _Appendix(
        _params(alloc, d),
        key,
        _key_total(alloc, d),
        deviations,
        _deviation_total(d, len(deviations[1])),
        _tie_lines(alloc, d),
    )


def _key_total(alloc: Allocation, d: _Data) -> list[str]:
    weights = sum(c.weight for c in alloc.problem.criteria)
    return [_words(d.lang)["total"], format_number(weights, d.lang, 2, space=NBSP), "", ""]


def _deviation_total(d: _Data, n: int) -> list[str]:
    top = _largest_deviations(d)
    return [
        _words(d.lang)["total_shown"].format(n=n),
        "",
        d.num(top["target"].sum(), 2),
        d.num(top["request"].sum()),
        format_number(float((top["request"] - top["target"]).sum()), d.lang, 2, space=NBSP),
        "",
    ]


def _largest_deviations(d: _Data) -> pd.DataFrame:
    f = d.frame
    dev = f.assign(abs_dev=(f["request"] - f["target"]).abs()).reset_index()
    return dev.sort_values(["abs_dev", "municipality_id"], ascending=[False, True]).head(20)


def _certificate_lines(alloc: Allocation, d: _Data) -> list[str]:
    w = _W[d.lang]
    return [
        w["rules_cert"].format(
            key=w["keys"].get(c.key, c.key),
            lo=d.tech(c.bound),
            hi=d.tech(c.objective),
            gap=d.tech(c.gap),
        )
        if isinstance(c, RulesCertificate)
        else w["cert"].format(
            key=w["keys"].get(c.key, c.key),
            lo=d.tech(c.lambda_low),
            hi=d.tech(c.lambda_high),
            exact=w["exact"] if c.exact else "",
        )
        for c in alloc.certificate
    ] or [w["nocert"]]


def _params(alloc: Allocation, d: _Data) -> list[tuple[str, str]]:
    pw = _W[d.lang]["params"]
    return [
        (pw["status"], status_words(alloc.status.value, d.lang)),
        (pw["message"], alloc.message if d.lang == "en" else status_words(alloc.status, d.lang)),
        (pw["method"], f"{method_words(alloc.method, d.lang)} ({alloc.method})"),
        (pw["solver"], f"{alloc.solver} {alloc.solver_version}"),
        (pw["why"], reason_words(alloc.solver_reason, d.lang, alloc.solver)),
        (pw["rules"], ", ".join(alloc.problem.rules.describe(d.lang)) or DASH),
        (pw["objective"], DASH if alloc.objective is None else d.tech(alloc.objective)),
        (pw["certificate"], "; ".join(_certificate_lines(alloc, d))),
        (pw["fingerprint"], alloc.fingerprint),
        (pw["version"], alloc.version),
    ]


def _key_table(alloc: Allocation, d: _Data) -> tuple[list[str], list[list[str]], set[int]]:
    w = _W[d.lang]
    key_rows = []
    for c in alloc.problem.criteria:
        kind = w["kinds"][c.kind].format(base=indicator_words(c.base or "", d.lang))
        key_rows.append(
            [
                criterion_words(c.name, d.lang),
                format_number(c.weight, d.lang, 2, space=NBSP),
                indicator_words(c.indicator, d.lang),
                kind,
            ]
        )
    key_head = [w["cols"][k] for k in ("criterion", "weight", "indicator", "kind")]
    return key_head, key_rows, {1}


def _deviation_table(d: _Data) -> tuple[list[str], list[list[str]], set[int]]:
    """The 20 largest deviations from the target."""
    dev = _largest_deviations(d)
    dev_rows = [
        [
            str(r["municipality_id"]),
            str(r["name"]),
            d.num(r["target"], 2),
            d.num(r["request"]),
            format_number(float(r["request"] - r["target"]), d.lang, 2, space=NBSP),
            binding_words(str(r["binding"]), d.lang),
        ]
        for r in dev.to_dict("records")
    ]
    cols = _W[d.lang]["cols"]
    dev_head = [
        cols[k] for k in ("municipality_id", "name", "target", "request", "deviation", "binding")
    ]
    return dev_head, dev_rows, {2, 3, 4}


def _tie_lines(alloc: Allocation, d: _Data) -> list[str]:
    w = _W[d.lang]
    return [
        w["tie_row"].format(
            key=w["keys"].get(t.key, t.key),
            won=", ".join(t.winners),
            lost=", ".join(t.losers),
            cost=d.tech(t.cost),
            rule=t.rule,
        )
        for t in alloc.ties
    ]


def _appendix_html(alloc: Allocation, d: _Data) -> str:
    w = _W[d.lang]
    a = _appendix(alloc, d)
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in a.params)
    ties = (
        "<ul>" + "".join(f"<li>{_e(t)}</li>" for t in a.ties) + "</ul>"
        if a.ties
        else f"<p>{_e(w['noties'])}</p>"
    )
    return (
        f'<table class="params">{rows}</table>\n'
        f"<h3>{_e(w['key'])}</h3>{_table(*a.key, foot=[a.key_total])}\n"
        f"<h3>{_e(w['deviations'])}</h3>{_table(*a.deviations, foot=[a.deviations_total])}\n"
        f"<h3>{_e(w['ties'])}</h3>{ties}\n"
        f"<h3>{_e(w['data'])}</h3><p>{_e(w['attribution'])}</p>"
    )


def _appendix_md(alloc: Allocation, d: _Data) -> str:
    w = _W[d.lang]
    a = _appendix(alloc, d)
    params = "\n".join(f"- **{k}**: {v}" for k, v in a.params)
    ties = "\n".join(f"- {t}" for t in a.ties) or w["noties"]
    return (
        f"{params}\n\n### {w['key']}\n\n{_md_table(*a.key, foot=[a.key_total])}\n\n"
        f"### {w['deviations']}\n\n"
        f"{_md_table(*a.deviations, foot=[a.deviations_total])}\n\n"
        f"### {w['ties']}\n\n{ties}\n\n### {w['data']}\n\n{w['attribution']}"
    )


DASH = "\u2013"

_STYLE = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:62rem;"
    "margin:2rem auto;padding:0 1rem;color:#1d2327;line-height:1.45}"
    "h1{font-size:1.6rem;margin-bottom:.2rem}.prepared{color:#4b5660;margin-top:0}"
    "h2{border-bottom:2px solid #1f5f8b;padding-bottom:.2rem;"
    "margin-top:2.2rem}table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}"
    "td,th{padding:.18rem .5rem;border-bottom:1px solid #dde3e8;text-align:left;"
    "vertical-align:top}th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "thead th{background:#eef3f7;position:sticky;top:0}"
    "tfoot th,tr.subtotal td{border-top:1.5px solid #1d2327;font-weight:700}"
    "tr.group th{background:#f6f8fa;padding-top:.5rem}tr.group{break-after:avoid}"
    ".params th{width:14rem}.ok{color:#1e6b34}.warn{color:#a33}"
    ".cols{display:flex;gap:3rem}.cols ul{margin-top:0}svg{max-width:100%;height:auto}"
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
    ".front{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.2rem;"
    "align-items:start}.front figure{margin:0}.facts ul{padding-left:1.1rem;margin:.3rem 0}"
    ".facts li{margin:.25rem 0}.note{font-size:.8rem;color:#4b5660}"
    "#county-table,#municipalities{width:100%}"
    "@media print{body{max-width:none;margin:0;padding:0;font-size:9pt;line-height:1.3}"
    "h1{font-size:13pt}h2{font-size:12pt;margin-top:0;break-before:page;break-after:avoid}"
    "h3,h4{break-after:avoid}#front h2,#counties h2{break-before:avoid}"
    "#counties h2{margin-top:3mm}"
    "table{font-size:7.5pt;margin:1mm 0 3mm}td,th{padding:.5mm 1.2mm}"
    "thead{display:table-header-group}tfoot{display:table-row-group}"
    "thead th{position:static}tr,figure,svg,.facts,ul{break-inside:avoid}"
    ".front{grid-template-columns:100mm 1fr;gap:5mm}.front svg{width:100mm;height:auto}"
    ".county-view .front{grid-template-columns:125mm 1fr}.county-view .front svg{width:125mm}"
    "#county-table{font-size:7pt}#county-table td:first-child{white-space:nowrap}}"
)


def _page_css(lang: str, running: str) -> str:
    """A4 with margins, page numbers bottom right and the report's name bottom left."""
    w = _words(lang)
    css_text = running.replace("\\", "").replace('"', "'")
    return (
        "@page{size:A4;margin:14mm 14mm 16mm 14mm;"
        f'@bottom-left{{content:"{css_text}";font-size:7.5pt;color:#4b5660}}'
        f'@bottom-right{{content:"{w["page"]} " counter(page) " {w["of"]} " counter(pages);'
        "font-size:7.5pt;color:#4b5660}}"
    )


def _report_year(d: _Data, year: int | None) -> int | None:
    """The year the requests are for: given, or the year after the history shown."""
    if year is not None:
        return year
    return None if d.year is None else d.year + 1


def _title(alloc: Allocation, d: _Data, year: int | None) -> str:
    w, nw = _W[d.lang], _words(d.lang)
    n = d.num(alloc.problem.total if d.county is None else int(d.frame["request"].sum()))
    if d.county is None:
        return nw["title_year"].format(year=year, n=n) if year else str(w["title"].format(n=n))
    if year:
        return nw["title_county_year"].format(county=d.county, year=year, n=n)
    return str(w["title_county"].format(county=d.county, n=n))


def _facts(alloc: Allocation, d: _Data) -> str:
    """The first page's few facts beside the map: the need, who is asked, the rate."""
    nw = _words(d.lang)
    p, f, full = alloc.problem, d.frame, d.full
    national = 1000 * float(full["request"].sum()) / max(1.0, float(full["population"].sum()))
    items = [nw["fact_need"].format(n=d.num(p.total), m=d.num(p.minors_total))]
    items.append(
        nw["fact_asked"].format(k=d.num(int((full["request"] > 0).sum())), n=d.num(len(full)))
    )
    items.append(nw["fact_rate"].format(per=d.num(national, 1)))
    if d.county is not None:
        x = int(f["request"].sum())
        items.append(
            nw["fact_county"].format(
                county=d.county,
                x=d.num(x),
                share=d.pct(x / max(1, p.total)),
                per=d.num(1000 * x / max(1, int(f["population"].sum())), 1),
            )
        )
    lis = "".join(f"<li>{_e(t)}</li>" for t in items)
    return (
        f'<aside class="facts"><h3>{_e(nw["facts"])}</h3><ul>{lis}</ul>'
        f'<p class="note">{_e(nw["map_note"])}</p><p class="note">{_e(nw["geo"])}</p></aside>'
    )


def _sections(d: _Data, table: str, note: str, all_title: str, plots: bool) -> tuple[str, str, str]:
    """The counties (first page), the chart, and the municipalities, for the whole country
    or for a county (whose municipality table takes the counties' place on the first page)."""
    w = _W[d.lang]
    chart = f'<figure id="chart">{_chart(d)}</figure>' if plots else ""
    if d.county is None:
        ch, cr, cn, total = _county_table(d)
        counties = (
            f'<section id="counties"><h2>{_e(w["counties"])}</h2>'
            f"{_table(ch, cr, cn, 'county-table', foot=[total])}</section>\n"
        )
        chart_title = w["county_chart"]
        municipalities = f'<section id="all"><h2>{_e(all_title)}</h2>{table}{note}</section>\n'
    else:
        counties = f'<section id="counties"><h2>{_e(all_title)}</h2>{table}{note}</section>\n'
        chart_title = w["municipality_chart"]
        municipalities = ""
    chart_section = (
        f'<section id="county-chart"><h2>{_e(chart_title)}</h2>{chart}</section>\n' if plots else ""
    )
    return counties, chart_section, municipalities


def report_html(
    alloc: Allocation,
    *,
    language: str | None = None,
    county: str | None = None,
    plots: bool = True,
    by_county: bool = False,
    prepared: dt.date | None = None,
    year: int | None = None,
) -> str:
    """The report as one self-contained HTML page (see the module docstring).

    Parameters
    ----------
    alloc : Allocation
        The allocation to report.
    language : {"nb", "nn", "en"}, optional
        The language (default: ``"nb"`` for the Norway data, else ``"en"``).
    county : str, optional
        One county's name: a letter-ready view of its municipalities.
    plots : bool
        Include the map and the chart.
    by_county : bool
        Group the municipality table by county, each with its subtotal.
    prepared : datetime.date, optional
        The date printed as "Utarbeidet ..." (default: today); give it for the same bytes.
    year : int, optional
        The year the requests are for (default: the year after the history shown).

    Returns
    -------
    str
        The HTML page.
    """
    lang, county = _check(alloc, language, county)
    d = _data(alloc, lang, county)
    w, nw = _W[lang], _words(lang)
    the_year = _report_year(d, year)
    title = _title(alloc, d, the_year)
    day = dt.date.today() if prepared is None else prepared
    all_title = w["all"] if county is None else w["all_county"].format(county=county)
    head, rows, numeric = _municipality_rows(d)
    kinds: list[str] | None = None
    if by_county and county is None:
        rows, kinds = _municipality_groups(d)
    table = _table(
        head, rows, numeric, "municipalities", foot=[_municipality_total(d)], kinds=kinds
    )
    note = ""
    if d.year is not None and "1580" in d.frame.index and "1508" in d.frame.index:
        haram = int(d.frame["request"].get("1580", 0))
        total_note = _words(lang)["haram_total"].format(h=d.num(haram), y=d.year)
        note = f"<p><small>{_e(w['haram'].format(y=d.year))} {_e(total_note)}</small></p>"
    counties, chart_section, municipalities = _sections(d, table, note, all_title, plots)
    picture = f'<figure id="map">{_map(d)}</figure>' if plots else f"<p>{_e(w['plots_off'])}</p>"
    body_class = ' class="county-view"' if county else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_page_css(lang, title)}{_STYLE}</style>"
        f"</head><body{body_class}>\n"
        f"<h1>{_e(title)}</h1>\n"
        f'<p class="prepared">{_e(nw["prepared"].format(date=_format_date(day, lang)))}</p>\n'
        f'<section id="front"><h2 class="sr">{_e(w["map"])}</h2>'
        f'<div class="front">{picture}{_facts(alloc, d)}</div></section>\n'
        f"{counties}"
        f'<section class="summary" id="summary"><h2>{_e(w["summary"])}</h2>\n'
        f"{_summary(alloc, d)}</section>\n"
        f"{chart_section}"
        f"{change_parts_section(alloc, d)}"
        f"{municipalities}"
        f'<section id="appendix"><h2>{_e(w["appendix"])}</h2>\n'
        f"{_appendix_html(alloc, d)}</section>\n"
        "</body></html>\n"
    )


def _check(alloc: Allocation, language: str | None, county: str | None) -> tuple[str, str | None]:
    if alloc.requests is None:
        raise InputError(
            f"The allocation has status {alloc.status.value!r} and no requests "
            f"to report: {alloc.message}"
        )
    if language is None:
        language = default_language(alloc)
    lang = print_language(language, "report")
    if county is not None:
        counties = sorted({m.county for m in alloc.problem.municipalities})
        if county not in counties:
            raise InputError(
                f"The `county` parameter of `report` must be a county of the problem "
                f"({', '.join(counties)}). Got {county!r} instead."
            )
    return lang, county


def write_report(
    alloc: Allocation,
    path: str | Path,
    *,
    plots: bool = True,
    language: str | None = None,
    county: str | None = None,
    by_county: bool = False,
    prepared: dt.date | None = None,
    year: int | None = None,
) -> Path:
    """Write the report to ``path`` (``.html`` or ``.md``), atomically.

    ``language`` is ``"nb"`` (bokmål; the default for the Norway data) or ``"en"``;
    ``county`` narrows the report to one county's municipalities (a letter-ready view for
    the county recommendation round). The Markdown form writes the map and the chart as
    ``<stem>-map.svg`` and ``<stem>-chart.svg`` beside it.

    Parameters
    ----------
    alloc : Allocation
        The allocation to report.
    path : str or Path
        A ``.html`` (or ``.htm``) or ``.md`` file.
    plots : bool
        Include the map and the chart.
    language : {"nb", "en"}, optional
        The language of the report (default: ``"nb"`` for the Norway data).
    county : str, optional
        One county's name, to report only its municipalities.
    by_county : bool
        Group the municipality table by county with subtotals.
    prepared : datetime.date, optional
        The date the report says it was prepared (default: today).
    year : int, optional
        The year the requests are for (default: the year after the history shown).

    Returns
    -------
    Path
        The report written.
    """
    check_types(write_report, locals())
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".html", ".htm", ".md"):
        raise InputError(
            "The `path` parameter of `report` must name a .html or .md file. "
            f"Got {str(p)!r} instead."
        )
    lang, county = _check(alloc, language, county)
    if suffix == ".md":
        text, pictures = _markdown(alloc, lang, county, p.stem, plots, prepared=prepared, year=year)
        for name, svg in pictures.items():
            atomic_write(p.with_name(f"{p.stem}-{name}.svg"), _writer(svg))
    else:
        text = report_html(
            alloc,
            language=lang,
            county=county,
            plots=plots,
            by_county=by_county,
            prepared=prepared,
            year=year,
        )
    atomic_write(p, _writer(text))
    return p


def _writer(text: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return write


def _md_table(
    head: list[str], rows: list[list[str]], numeric: set[int], foot: Sequence[list[str]] = ()
) -> str:
    def cell(v: str) -> str:
        return v.replace("|", "\\|")

    out = ["| " + " | ".join(cell(h) for h in head) + " |"]
    out.append("|" + "".join("---:|" if j in numeric else "---|" for j in range(len(head))))
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    out += ["| " + " | ".join(f"**{cell(v)}**" if v else "" for v in row) + " |" for row in foot]
    return "\n".join(out)


def _markdown(
    alloc: Allocation,
    lang: str,
    county: str | None,
    stem: str,
    plots: bool,
    *,
    prepared: dt.date | None = None,
    year: int | None = None,
) -> tuple[str, dict[str, str]]:
    """The same report in Markdown, from the same pieces (HTML lists become Markdown)."""
    d = _data(alloc, lang, county)
    w = _W[lang]
    title = _title(alloc, d, _report_year(d, year))
    day = dt.date.today() if prepared is None else prepared
    prepared_line = _words(lang)["prepared"].format(date=_format_date(day, lang))
    summary = _summary(alloc, d)
    summary = re.sub(r"<h3>(.*?)</h3>", r"\n### \1\n", summary)
    summary = re.sub(r"<h4>(.*?)</h4>", r"\n**\1**\n", summary)
    summary = re.sub(r"<li>", "\n- ", summary)
    summary = re.sub(r"<b>(.*?)</b>", r"**\1**", summary)
    summary = html.unescape(re.sub(r"<[^>]+>", "\n", summary))
    summary = re.sub(r"\n{3,}", "\n\n", summary).strip()
    summary = re.sub(r"\n\n- ", "\n- ", summary)
    pictures: dict[str, str] = {}
    figs = ""
    if plots:
        pictures = {"map": _map(d), "chart": _chart(d)}
        figs = f"![{w['map_title']}]({stem}-map.svg)\n\n![{w['map_title']}]({stem}-chart.svg)\n"
    head, rows, numeric = _municipality_rows(d)
    parts = [f"# {title}", prepared_line, f"## {w['summary']}", summary, f"## {w['map']}", figs]
    if county is None:
        ch, cr, cn, total = _county_table(d)
        parts += [f"## {w['counties']}", _md_table(ch, cr, cn, foot=[total])]
    all_title = w["all"] if county is None else w["all_county"].format(county=county)
    parts += [f"## {all_title}", _md_table(head, rows, numeric, foot=[_municipality_total(d)])]
    parts += [f"## {w['appendix']}", _appendix_md(alloc, d)]
    return "\n\n".join(parts) + "\n", pictures
