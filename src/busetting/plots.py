"""Plots of an allocation (matplotlib, the ``plots`` extra: ``pip install "busetting[plots]"``).

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot, so nothing is
shown, no global state is touched, and the figure can be saved or displayed by the caller. The
figures display themselves in Jupyter (as PNG, through ``_repr_png_``) with no ``%matplotlib``
magic, exactly once.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from busetting.result import Allocation

__all__ = [
    "plot_comparison",
    "plot_county_totals",
    "plot_fan",
    "plot_per_capita",
    "plot_requests_vs_targets",
]

HINT = 'plots need matplotlib: pip install "busetting[plots]"'


@functools.cache
def _notebook_figure_class() -> type[Figure]:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(HINT) from exc

    class NotebookFigure(Figure):
        """A matplotlib figure that shows itself in Jupyter as PNG, with no pyplot."""

        def _repr_png_(self) -> bytes:
            return figure_png(self)

    return NotebookFigure


def _figure(width: float = 8.0, height: float = 5.0) -> Figure:
    return _notebook_figure_class()(figsize=(width, height), dpi=100, layout="constrained")


def _numbers(alloc: Allocation) -> pd.DataFrame:
    if alloc.requests is None:
        from busetting.exceptions import InputError

        raise InputError(
            f"The allocation has status {alloc.status.value!r} and no requests "
            f"to plot: {alloc.message}"
        )
    return alloc.to_frame()


def plot_requests_vs_targets(alloc: Allocation) -> Figure:
    """Requests against targets (log-log), with the line where they are equal."""
    frame = _numbers(alloc)
    fig = _figure(6.5, 6.0)
    ax = fig.add_subplot()
    t = frame["target"].clip(lower=0.1)
    x = frame["request"].astype(float).clip(lower=0.1)
    ax.scatter(t, x, s=12, alpha=0.7, color="#1f5f8b", label="municipality")
    top = float(max(t.max(), x.max())) * 1.2
    ax.plot([0.1, top], [0.1, top], color="#999999", lw=1, label="request = target")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("target (criteria key)")
    ax.set_ylabel("request")
    ax.set_title(f"Requests and targets ({alloc.method}, {alloc.solver})")
    ax.legend(loc="upper left")
    return fig


def plot_county_totals(alloc: Allocation) -> Figure:
    """Each county's share of the requests next to its share of the population."""
    frame = _numbers(alloc)
    by = frame.groupby("county")[["request", "population"]].sum().sort_values("population")
    share_req = by["request"] / by["request"].sum()
    share_pop = by["population"] / by["population"].sum()
    fig = _figure(8.0, 0.35 * len(by) + 1.5)
    ax = fig.add_subplot()
    y = np.arange(len(by))
    ax.barh(y - 0.2, 100 * share_req, height=0.4, color="#1f5f8b", label="share of requests")
    ax.barh(y + 0.2, 100 * share_pop, height=0.4, color="#c0c0c0", label="share of population")
    ax.set_yticks(y, [str(c) for c in by.index])
    ax.set_xlabel("% of the national total")
    ax.set_title("Counties: requests and population")
    ax.legend(loc="lower right")
    return fig


def plot_per_capita(alloc: Allocation) -> Figure:
    """Requests per 1,000 residents, one dot per municipality, grouped by county."""
    frame = _numbers(alloc)
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
    ax.axvline(national, color="#b03a2e", lw=1, label=f"country: {national:.1f}")
    ax.set_yticks(range(len(counties)), counties)
    ax.set_xlabel("requests per 1,000 residents")
    ax.set_title("Requests per 1,000 residents by municipality")
    ax.legend(loc="lower right")
    return fig


def plot_fan(
    table: pd.DataFrame,
    municipality_ids: Sequence[str],
    *,
    samples: Sequence[int] | None = None,
    names: dict[str, str] | None = None,
) -> Figure:
    """A fan chart per municipality from a :func:`busetting.scenarios` table.

    One panel per municipality: its request against the national total. With ``samples`` of
    the total (a prognosis), the central 50 % and 80 % of the total are shaded.
    """
    fig = _figure(4.0 * max(1, len(municipality_ids)), 3.6)
    axes = fig.subplots(1, max(1, len(municipality_ids)), squeeze=False)[0]
    totals = np.array([int(c) for c in table.columns])
    for ax, mid in zip(axes, municipality_ids, strict=False):
        values = table.loc[mid].astype(float).to_numpy()
        if samples is not None and len(samples):
            q = np.quantile(np.asarray(samples, dtype=float), [0.1, 0.25, 0.75, 0.9])
            ax.axvspan(q[0], q[3], color="#d6e4f0", label="80 % of the total")
            ax.axvspan(q[1], q[2], color="#a9c6e0", label="50 % of the total")
        ax.step(totals, values, where="post", color="#1f5f8b", lw=1.5)
        ax.set_title((names or {}).get(mid, mid))
        ax.set_xlabel("national total")
        ax.set_ylabel("request")
        if samples is not None and len(samples):
            ax.legend(loc="upper left", fontsize="small")
    return fig


def plot_comparison(table: pd.DataFrame, *, top: int = 20) -> Figure:
    """The ``top`` largest changes of a :func:`busetting.compare` table, as bars.

    Bars to the right are increases from ``a`` to ``b``, to the left decreases.
    """
    rows = table.head(top).iloc[::-1]
    a, b = (str(c)[len("request_") :] for c in table.columns if str(c).startswith("request_"))
    fig = _figure(8.0, 0.3 * len(rows) + 1.5)
    ax = fig.add_subplot()
    colors = ["#1f5f8b" if v >= 0 else "#b03a2e" for v in rows["change"]]
    ax.barh(np.arange(len(rows)), rows["change"].astype(float), color=colors)
    ax.set_yticks(np.arange(len(rows)), [str(n) for n in rows["name"]])
    ax.axvline(0, color="#999999", lw=1)
    ax.set_xlabel(f"change in request, {a} → {b}")
    ax.set_title(f"The {len(rows)} largest changes")
    return fig


def figure_png(fig: Any) -> bytes:
    """PNG bytes of a figure, with no timestamp or software tag (deterministic)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()
