"""The run report: a self-contained HTML page (plots inlined) or Markdown (plots beside it).

The report holds the parameters, weights, method and solver, the data provenance, the totals
check, a table per county, the largest deviations from target, the ties and the plots. It
carries no timestamp or runtime, so the same input gives the same bytes.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from busetting.exceptions import InputError

if TYPE_CHECKING:
    from busetting.result import Allocation

__all__ = ["write_report"]


def _plots(alloc: Allocation) -> dict[str, bytes]:
    try:
        from busetting.plots import (
            figure_png,
            plot_county_totals,
            plot_per_capita,
            plot_requests_vs_targets,
        )

        return {
            "requests-vs-targets": figure_png(plot_requests_vs_targets(alloc)),
            "counties": figure_png(plot_county_totals(alloc)),
            "per-1000": figure_png(plot_per_capita(alloc)),
        }
    except ImportError:
        return {}


def _sections(alloc: Allocation) -> dict[str, Any]:
    from busetting.io import ATTRIBUTION, county_table

    p = alloc.problem
    frame = alloc.to_frame()
    params = [
        ("status", alloc.status.value),
        ("message", alloc.message),
        ("need", f"{p.total:,} persons, of whom {p.minors:,} unaccompanied minors"),
        ("municipalities", f"{len(p.municipalities)}"),
        ("method", alloc.method),
        ("solver", f"{alloc.solver} ({alloc.solver_version})"),
        ("why this solver", alloc.solver_reason),
        ("rules", ", ".join(p.rules.describe()) or "none"),
        ("objective", f"{alloc.objective:.6g}" if alloc.objective is not None else "-"),
        ("input fingerprint", alloc.fingerprint),
        ("busetting", alloc.version),
        ("data", ATTRIBUTION),
    ]
    weights = pd.DataFrame(
        [(c.name, c.weight, c.kind, c.indicator, c.base or "", c.direction) for c in p.criteria],
        columns=["criterion", "weight", "kind", "indicator", "base", "better"],
    )
    req, mnr = int(frame["request"].sum()), int(frame["minors"].sum())
    checks = pd.DataFrame(
        [
            ("requests", req, p.total, "OK" if req == p.total else "MISMATCH"),
            ("minors", mnr, p.minors, "OK" if mnr == p.minors else "MISMATCH"),
        ],
        columns=["sum of", "allocated", "need", "check"],
    )
    counties = county_table(alloc).reset_index()
    counties["target"] = counties["target"].round(2)
    counties["per_1000"] = counties["per_1000"].round(2)
    dev = frame.assign(deviation=frame["request"] - frame["target"])
    dev = dev.reindex(dev["deviation"].abs().sort_values(ascending=False, kind="stable").index)
    largest = dev.head(20)[["name", "county", "target", "request", "deviation", "binding"]]
    largest = largest.round({"target": 2, "deviation": 2}).reset_index()
    ties = pd.DataFrame(
        [(t.key, t.cost, ", ".join(t.winners), ", ".join(t.losers), t.rule) for t in alloc.ties],
        columns=["key", "unit cost", "won", "lost", "rule"],
    )
    return {
        "params": params,
        "weights": weights,
        "checks": checks,
        "counties": counties,
        "largest": largest,
        "ties": ties,
    }


def write_report(alloc: Allocation, path: str | Path, *, plots: bool = True) -> Path:
    """Write the report to ``path`` (``.html`` or ``.md``), atomically."""
    from busetting.io import _atomic_write, _write_text

    p = Path(path)
    if alloc.requests is None:
        raise InputError(
            f"The allocation has status {alloc.status.value!r} and no requests "
            f"to report: {alloc.message}"
        )
    suffix = p.suffix.lower()
    if suffix not in (".html", ".htm", ".md"):
        raise InputError(
            "The `path` parameter of `report` must name a .html or .md file. "
            f"Got {str(p)!r} instead."
        )
    s = _sections(alloc)
    images = _plots(alloc) if plots else {}
    if suffix == ".md":
        text = _markdown(alloc, s, images, p)
        for name, data in images.items():
            _write_png(p.with_name(f"{p.stem}-{name}.png"), data)
    else:
        text = _html(alloc, s, images)
    _atomic_write(p, lambda t: _write_text(t, text))
    return p


def _write_png(path: Path, data: bytes) -> None:
    from busetting.io import _atomic_write

    def write(t: Path) -> None:
        t.write_bytes(data)

    _atomic_write(path, write)


def _table_html(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, escape=True, border=0, classes="t", na_rep="")


def _html(alloc: Allocation, s: dict[str, Any], images: dict[str, bytes]) -> str:
    e = html.escape
    rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in s["params"])
    figs = "".join(
        f'<figure><img alt="{e(n)}" src="data:image/png;base64,'
        f'{base64.b64encode(b).decode("ascii")}"/></figure>'
        for n, b in images.items()
    )
    if not images:
        figs = '<p>Plots need matplotlib: pip install "busetting[plots]".</p>'
    ties = _table_html(s["ties"]) if len(s["ties"]) else "<p>No ties at the margin.</p>"
    style = (
        "body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;"
        "color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
        "td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}"
        "img{max-width:100%}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>busetting report</title><style>{style}</style></head><body>\n"
        f"<h1>Settlement requests: {alloc.problem.total:,} persons</h1>\n"
        f"<h2>Parameters and provenance</h2><table>{rows}</table>\n"
        f"<h2>Criteria weights</h2>{_table_html(s['weights'])}\n"
        f"<h2>Totals check</h2>{_table_html(s['checks'])}\n"
        f"<h2>Counties</h2>{_table_html(s['counties'])}\n"
        f"<h2>Largest deviations from target</h2>{_table_html(s['largest'])}\n"
        f"<h2>Ties</h2>{ties}\n<h2>Plots</h2>{figs}\n</body></html>\n"
    )


def _table_md(frame: pd.DataFrame) -> str:
    cols = [str(c) for c in frame.columns]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        out.append(
            "| " + " | ".join("" if pd.isna(v) else str(v).replace("|", "\\|") for v in row) + " |"
        )
    return "\n".join(out)


def _markdown(alloc: Allocation, s: dict[str, Any], images: dict[str, bytes], path: Path) -> str:
    params = "\n".join(f"| {k} | {str(v).replace('|', '/')} |" for k, v in s["params"])
    figs = "\n\n".join(f"![{n}]({path.stem}-{n}.png)" for n in images) or (
        'Plots need matplotlib: pip install "busetting[plots]".'
    )
    ties = _table_md(s["ties"]) if len(s["ties"]) else "No ties at the margin."
    return (
        f"# Settlement requests: {alloc.problem.total:,} persons\n\n"
        f"## Parameters and provenance\n\n| | |\n|---|---|\n{params}\n\n"
        f"## Criteria weights\n\n{_table_md(s['weights'])}\n\n"
        f"## Totals check\n\n{_table_md(s['checks'])}\n\n"
        f"## Counties\n\n{_table_md(s['counties'])}\n\n"
        f"## Largest deviations from target\n\n{_table_md(s['largest'])}\n\n"
        f"## Ties\n\n{ties}\n\n## Plots\n\n{figs}\n"
    )
