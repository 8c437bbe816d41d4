"""Plots of an allocation.

:func:`map_svg` and :func:`bars_svg` draw the report's map and county chart as inline SVG
(no dependency, no network). The ``plot_*`` functions use matplotlib (the ``plots`` extra:
``pip install "busetting[plots]"``); every one returns a
:class:`matplotlib.figure.Figure` built without pyplot, so nothing is shown, no global
state is touched, and the figure can be saved or displayed by the caller. The figures
display themselves in Jupyter (as PNG, through ``_repr_png_``) with no ``%matplotlib``
magic, exactly once.
"""

from __future__ import annotations

import functools
import html
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from busetting._defaults import choose_language
from busetting._exceptions import InputError
from busetting._language import format_number, term

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from busetting._result import Allocation

__all__ = [
    "Bar",
    "MapPoint",
    "bars_svg",
    "map_svg",
    "plot_comparison",
    "plot_county_totals",
    "plot_fan",
    "plot_per_capita",
    "plot_requests_vs_targets",
]

HINT = 'plots need matplotlib: pip install "busetting[plots]"'


@functools.cache
def _notebook_figure_class() -> type[Figure]:
    # matplotlib is optional (the plots extra) and slow to load: imported at the first figure
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(HINT) from exc

    class NotebookFigure(Figure):
        """A matplotlib figure that shows itself in Jupyter as PNG, with no pyplot."""

        def __reduce__(self) -> tuple[Any, ...]:
            # the class is made at the first figure, so pickle rebuilds it through a function
            return (_new_notebook_figure, (), self.__getstate__())

        def _repr_png_(self) -> bytes:
            return figure_png(self)

    return NotebookFigure


def _new_notebook_figure() -> Figure:
    """An empty figure of the notebook class, for unpickling (its state is set after)."""
    cls = _notebook_figure_class()
    return cls.__new__(cls)


def _figure(width: float = 8.0, height: float = 5.0) -> Figure:
    return _notebook_figure_class()(figsize=(width, height), dpi=100, layout="constrained")


def _numbers(alloc: Allocation) -> pd.DataFrame:
    if alloc.requests is None:
        raise InputError(
            f"The allocation has status {alloc.status.value!r} and no requests "
            f"to plot: {alloc.message}"
        )
    return alloc.to_frame()


def _language(language: str | None, ids: Any, where: str) -> str:
    return choose_language(language, [str(i) for i in ids], where)


def plot_requests_vs_targets(alloc: Allocation, *, language: str | None = None) -> Figure:
    """Requests against targets (log-log), with the line where they are equal.

    Parameters
    ----------
    alloc : Allocation
        An allocation with requests.
    language : {"en", "nb", "nn"}, optional
        The labels' language (default: bokmål for the Norway data, else English).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (shown as PNG in Jupyter; no pyplot state is touched).

    Raises
    ------
    InputError
        If the allocation has no requests.
    """
    frame = _numbers(alloc)
    lang = _language(language, alloc.problem.ids, "plot_requests_vs_targets")
    fig = _figure(6.5, 6.0)
    ax = fig.add_subplot()
    t = frame["target"].clip(lower=0.1)
    x = frame["request"].astype(float).clip(lower=0.1)
    ax.scatter(t, x, s=12, alpha=0.7, color="#1f5f8b", label=term("plot.municipality", lang))
    top = float(max(t.max(), x.max())) * 1.2
    ax.plot([0.1, top], [0.1, top], color="#999999", lw=1, label=term("plot.identity", lang))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(term("plot.target", lang))
    ax.set_ylabel(term("plot.request", lang))
    ax.set_title(term("plot.requests_targets", lang, method=alloc.method, solver=alloc.solver))
    ax.legend(loc="upper left")
    return fig


def plot_county_totals(alloc: Allocation, *, language: str | None = None) -> Figure:
    """Each county's share of the requests next to its share of the population.

    Parameters
    ----------
    alloc : Allocation
        An allocation with requests.
    language : {"en", "nb", "nn"}, optional
        The labels' language (default: bokmål for the Norway data, else English).

    Returns
    -------
    matplotlib.figure.Figure
        One pair of horizontal bars per county, sorted by population.
    """
    frame = _numbers(alloc)
    lang = _language(language, alloc.problem.ids, "plot_county_totals")
    by = frame.groupby("county")[["request", "population"]].sum().sort_values("population")
    share_req = by["request"] / by["request"].sum()
    share_pop = by["population"] / by["population"].sum()
    fig = _figure(8.0, 0.35 * len(by) + 1.5)
    ax = fig.add_subplot()
    y = np.arange(len(by))
    ax.barh(
        y - 0.2,
        100 * share_req,
        height=0.4,
        color="#1f5f8b",
        label=term("plot.share_requests", lang),
    )
    ax.barh(
        y + 0.2,
        100 * share_pop,
        height=0.4,
        color="#c0c0c0",
        label=term("plot.share_population", lang),
    )
    ax.set_yticks(y, [str(c) for c in by.index])
    ax.set_xlabel(term("plot.percent_national", lang))
    ax.set_title(term("plot.counties_title", lang))
    ax.legend(loc="lower right")
    return fig


def plot_per_capita(alloc: Allocation, *, language: str | None = None) -> Figure:
    """Requests per 1,000 residents, one dot per municipality, grouped by county.

    Parameters
    ----------
    alloc : Allocation
        An allocation with requests.
    language : {"en", "nb", "nn"}, optional
        The labels' language (default: bokmål for the Norway data, else English).

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with the national rate as a vertical line.
    """
    frame = _numbers(alloc)
    lang = _language(language, alloc.problem.ids, "plot_per_capita")
    frame = frame[frame["population"] > 0].copy()
    frame["per_1000"] = 1000 * frame["request"].astype(float) / frame["population"]
    counties = sorted(frame["county"].unique())
    fig = _figure(9.0, 0.35 * len(counties) + 1.5)
    ax = fig.add_subplot()
    rng = np.random.default_rng(0)  # fixed jitter: the same picture every time
    for k, county in enumerate(counties):
        vals = frame.loc[frame["county"] == county, "per_1000"].to_numpy()
        ax.scatter(vals, k + rng.uniform(-0.25, 0.25, len(vals)), s=10, alpha=0.7, color="#1f5f8b")
    national = 1000 * alloc.problem.total / max(1, int(frame["population"].sum()))
    ax.axvline(
        national,
        color="#b03a2e",
        lw=1,
        label=term("plot.country", lang, value=format_number(national, lang, 1)),
    )
    ax.set_yticks(range(len(counties)), counties)
    ax.set_xlabel(term("plot.per_1000", lang))
    ax.set_title(term("plot.per_1000_title", lang))
    ax.legend(loc="lower right")
    return fig


def plot_fan(
    table: pd.DataFrame,
    municipality_ids: Sequence[str],
    *,
    samples: Sequence[int] | None = None,
    names: dict[str, str] | None = None,
    language: str | None = None,
) -> Figure:
    """A fan chart per municipality from a :func:`busetting.scenarios` table.

    One panel per municipality: its request against the national total. With ``samples`` of
    the total (a prognosis), the central 50 % and 80 % of the total are shaded.

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`busetting.scenarios` table (municipalities by totals).
    municipality_ids : sequence of str
        The municipalities to draw, one panel each.
    samples : sequence of int, optional
        Sampled national totals, for the shaded bands.
    names : dict of str to str, optional
        Panel titles by municipality id (default: the ids).
    language : {"en", "nb", "nn"}, optional
        The labels' language (default: bokmål for the Norway data, else English).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    lang = _language(language, table.index, "plot_fan")
    fig = _figure(4.0 * max(1, len(municipality_ids)), 3.6)
    axes = fig.subplots(1, max(1, len(municipality_ids)), squeeze=False)[0]
    totals = np.array([int(c) for c in table.columns])
    for ax, mid in zip(axes, municipality_ids, strict=False):
        values = table.loc[mid].astype(float).to_numpy()
        if samples is not None and len(samples):
            q = np.quantile(np.asarray(samples, dtype=float), [0.1, 0.25, 0.75, 0.9])
            ax.axvspan(q[0], q[3], color="#d6e4f0", label=term("plot.band80", lang))
            ax.axvspan(q[1], q[2], color="#a9c6e0", label=term("plot.band50", lang))
        ax.step(totals, values, where="post", color="#1f5f8b", lw=1.5)
        ax.set_title((names or {}).get(mid, mid))
        ax.set_xlabel(term("plot.national_total", lang))
        ax.set_ylabel(term("plot.request", lang))
        if samples is not None and len(samples):
            ax.legend(loc="upper left", fontsize="small")
    return fig


def plot_comparison(table: pd.DataFrame, *, top: int = 20, language: str | None = None) -> Figure:
    """The ``top`` largest changes of a :func:`busetting.compare` table, as bars.

    Bars to the right are increases from ``a`` to ``b``, to the left decreases.

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`busetting.compare` table (sorted by the size of the change).
    top : int
        How many rows to draw.
    language : {"en", "nb", "nn"}, optional
        The labels' language (default: bokmål for the Norway data, else English).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    lang = _language(language, table.index, "plot_comparison")
    rows = table.head(top).iloc[::-1]
    a, b = (str(c)[len("request_") :] for c in table.columns if str(c).startswith("request_"))
    fig = _figure(8.0, 0.3 * len(rows) + 1.5)
    ax = fig.add_subplot()
    colors = ["#1f5f8b" if v >= 0 else "#b03a2e" for v in rows["change"]]
    ax.barh(np.arange(len(rows)), rows["change"].astype(float), color=colors)
    ax.set_yticks(np.arange(len(rows)), [str(n) for n in rows["name"]])
    ax.axvline(0, color="#999999", lw=1)
    ax.set_xlabel(term("plot.change", lang, a=a, b=b))
    ax.set_title(term("plot.largest_changes", lang, n=len(rows)))
    return fig


def figure_png(fig: Any) -> bytes:
    """PNG bytes of a figure, with no timestamp or software tag (deterministic)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


# -- SVG for the report: no matplotlib, no network, text stays text -------------------------


@dataclass(frozen=True)
class MapPoint:
    """One municipality on the map: where it is and what it is asked for."""

    municipality_id: str
    name: str
    lon: float
    lat: float
    request: int
    minors: int
    label: str


def map_svg(
    points: Sequence[MapPoint],
    *,
    title: str,
    legend: tuple[str, str],
    width: int = 640,
) -> str:
    """Proportional circles on a map of longitude and latitude, as an inline SVG element.

    Each municipality is a circle at its centre whose area is proportional to its request,
    with an inner circle for its unaccompanied minors (same scale); a municipality asked for
    none is a small grey dot. The projection is equirectangular, scaled by the cosine of the
    middle latitude, which keeps Norway's shape. Each circle carries a ``<title>`` tooltip.

    Parameters
    ----------
    points : sequence of MapPoint
        The municipalities.
    title : str
        The title (also the accessible name of the SVG).
    legend : tuple of str
        The legend's labels for the requests and for the minors.
    width : int
        Width in pixels; the height follows from the shape.

    Returns
    -------
    str
        The ``<svg>`` element, or ``""`` without points.
    """
    if not points:
        return ""
    view = _MapView.fit(points, width)
    e = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" '
        f'viewBox="0 0 {width} {view.height}" width="{width}" height="{view.height}" '
        f'aria-label="{e(title)}">',
        f"<title>{e(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{view.height}" fill="#f4f8fb"/>',
    ]
    parts += _map_circles(points, view)
    parts += _map_legend(view, legend)
    parts.append(
        f'<text x="{view.pad:.0f}" y="24" font-size="15" font-weight="600" fill="#222">'
        f"{e(title)}</text></svg>"
    )
    return "".join(parts)


@dataclass(frozen=True)
class _MapView:
    """The map's projection and the circle scale: where a point goes and how big it is."""

    width: int
    height: int
    pad: float
    lon_min: float
    lat_max: float
    k: float
    scale: float
    top: int
    rmax: float

    @classmethod
    def fit(cls, points: Sequence[MapPoint], width: int) -> _MapView:
        lons = np.array([p.lon for p in points])
        lats = np.array([p.lat for p in points])
        k = math.cos(math.radians(float(lats.min() + lats.max()) / 2))
        pad = 30.0
        span_x = max(float(lons.max() - lons.min()) * k, 0.5)
        span_y = max(float(lats.max() - lats.min()), 0.5)
        scale = (width - 2 * pad) / max(span_x, span_y * 0.8)
        return cls(
            width=width,
            height=int(span_y * scale + 2 * pad + 40 + 30),
            pad=pad,
            lon_min=float(lons.min()),
            lat_max=float(lats.max()),
            k=k,
            scale=scale,
            top=max(1, max(p.request for p in points)),
            rmax=26.0 if len(points) > 60 else 34.0,
        )

    def radius(self, v: int) -> float:
        return self.rmax * math.sqrt(v / self.top)

    def xy(self, p: MapPoint) -> tuple[float, float]:
        return (
            self.pad + (p.lon - self.lon_min) * self.k * self.scale,
            self.pad + 40 + (self.lat_max - p.lat) * self.scale,
        )


def _map_circles(points: Sequence[MapPoint], view: _MapView) -> list[str]:
    """The requests' circles, the largest first (the small stay visible), then the minors'."""
    e = html.escape
    parts = []
    ordered = sorted(points, key=lambda q: (-q.request, q.municipality_id))
    for p in ordered:
        x, y = view.xy(p)
        if p.request <= 0:
            parts.append(
                f'<circle class="m zero" data-id="{e(p.municipality_id)}" cx="{x:.1f}" '
                f'cy="{y:.1f}" r="1.6" fill="#9aa5ad"><title>{e(p.label)}</title></circle>'
            )
            continue
        parts.append(
            f'<circle class="m" data-id="{e(p.municipality_id)}" cx="{x:.1f}" cy="{y:.1f}" '
            f'r="{max(1.6, view.radius(p.request)):.2f}" fill="#1f5f8b" fill-opacity="0.45" '
            f'stroke="#14415f" stroke-width="0.6"><title>{e(p.label)}</title></circle>'
        )
    for p in ordered:
        if p.minors > 0 and p.request > 0:
            x, y = view.xy(p)
            parts.append(
                f'<circle class="em" cx="{x:.1f}" cy="{y:.1f}" '
                f'r="{max(1.4, view.radius(p.minors)):.2f}" fill="#d9822b" fill-opacity="0.95">'
                f"<title>{e(p.label)}</title></circle>"
            )
    return parts


def _map_legend(view: _MapView, legend: tuple[str, str]) -> list[str]:
    """The legend, bottom right: three reference circles and the two colours."""
    e = html.escape
    width, rmax = view.width, view.rmax
    steps = _nice_steps(view.top)
    ref = [steps[-1]]
    for v in reversed(steps):
        if v * 6 <= ref[-1] and len(ref) < 3:
            ref.append(v)
    ref.reverse()
    lx = width - 40 - rmax
    ly = view.height - 70
    parts = ['<g class="legend" font-size="11" fill="#333">']
    for v in ref:
        r = view.radius(v)
        parts.append(
            f'<circle cx="{lx:.1f}" cy="{ly - r:.1f}" r="{r:.2f}" fill="none" '
            f'stroke="#14415f" stroke-width="0.8"/>'
            f'<line x1="{lx:.1f}" y1="{ly - 2 * r:.1f}" x2="{lx - rmax - 8:.1f}" '
            f'y2="{ly - 2 * r:.1f}" stroke="#999" stroke-width="0.5"/>'
            f'<text x="{lx - rmax - 10:.1f}" y="{ly - 2 * r + 4:.1f}" '
            f'text-anchor="end">{e(_plain_number(v))}</text>'
        )
    parts.append(
        f'<circle cx="{width - 200:.1f}" cy="{ly + 22:.1f}" r="6" fill="#1f5f8b" '
        f'fill-opacity="0.45"/><text x="{width - 190:.1f}" y="{ly + 26:.1f}">'
        f"{e(legend[0])}</text>"
        f'<circle cx="{width - 200:.1f}" cy="{ly + 42:.1f}" r="6" fill="#d9822b"/>'
        f'<text x="{width - 190:.1f}" y="{ly + 46:.1f}">{e(legend[1])}</text>'
    )
    parts.append("</g>")
    return parts


def _nice_steps(top: int) -> list[int]:
    out = []
    for exp in range(0, 7):
        for m in (1, 2, 5):
            out.append(m * 10**exp)
    return [v for v in out if v <= max(top, 1)] or [1]


def _plain_number(v: int) -> str:
    return f"{v:,}".replace(",", "\u00a0")


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: a label, this year's value and last year's (or ``None``)."""

    label: str
    value: float
    previous: float | None
    value_text: str
    previous_text: str


def bars_svg(bars: Sequence[Bar], *, title: str, legend: tuple[str, str], width: int = 640) -> str:
    """A horizontal bar chart (this year, and last year beside it when known) as inline SVG.

    Parameters
    ----------
    bars : sequence of Bar
        The rows, drawn in order.
    title : str
        The title (also the accessible name of the SVG).
    legend : tuple of str
        The legend's labels for this year and for last year.
    width : int
        Width in pixels (widened for long labels).

    Returns
    -------
    str
        The ``<svg>`` element, or ``""`` without bars.
    """
    if not bars:
        return ""
    e = html.escape
    label_w = max(120.0, 7.0 * max(len(b.label) for b in bars) + 10.0)  # 12 px text
    row = 26.0
    top = max(max(b.value for b in bars), max((b.previous or 0.0) for b in bars), 1.0)
    plot_w = max(200.0, width - label_w - 90)
    width = int(label_w + plot_w + 90)
    has_prev = any(b.previous is not None for b in bars)
    height = int(60 + row * len(bars) + 10)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{e(title)}"><title>{e(title)}</title>',
        f'<text x="0" y="18" font-size="15" font-weight="600" fill="#222">{e(title)}</text>',
        f'<rect x="{label_w:.0f}" y="30" width="10" height="10" fill="#1f5f8b"/>'
        f'<text x="{label_w + 14:.0f}" y="39" font-size="11">{e(legend[0])}</text>',
    ]
    if has_prev:
        parts.append(
            f'<rect x="{label_w + 150:.0f}" y="30" width="10" height="10" fill="#b8c4cc"/>'
            f'<text x="{label_w + 164:.0f}" y="39" font-size="11">{e(legend[1])}</text>'
        )
    for k, b in enumerate(bars):
        y = 52 + row * k
        w = plot_w * b.value / top
        bar_h = 11 if has_prev else 18
        parts.append(
            f'<g class="bar"><text x="{label_w - 6:.0f}" y="{y + 14:.1f}" font-size="12" '
            f'text-anchor="end">{e(b.label)}</text>'
            f'<rect x="{label_w:.0f}" y="{y:.1f}" width="{w:.1f}" height="{bar_h}" '
            f'fill="#1f5f8b"><title>{e(b.label)}: {e(b.value_text)}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 10:.1f}" font-size="10">'
            f"{e(b.value_text)}</text>"
        )
        if b.previous is not None:
            wp = plot_w * b.previous / top
            parts.append(
                f'<rect x="{label_w:.0f}" y="{y + 12:.1f}" width="{wp:.1f}" height="8" '
                f'fill="#b8c4cc"><title>{e(b.label)}: {e(b.previous_text)}</title></rect>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
