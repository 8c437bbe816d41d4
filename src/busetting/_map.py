"""The map of the requests on the 2024 borders: a choropleth with circles, as inline SVG.

The borders are Kartverket's 2024 municipality and county polygons (CC BY 4.0), shipped as
package data (``datasets/geo/*.geojson.gz``: the published coordinates, three decimals,
compressed). The map is drawn in Python as one ``<svg>`` element: no JavaScript, no network,
vector paths that stay sharp in print.

- The projection is Norway's usual one, a transverse Mercator on 15° east (the UTM zone 33
  meridian), on a sphere, fitted to the municipalities shown.
- Each municipality is filled by its requests per 1,000 residents, in classes measured
  against the national rate (under 0.75 of it, 0.75 to 1.25, 1.25 to 2, 2 to 3 times, 3 times
  and more: the ask-everyone rule gives small municipalities rates far above the national
  one); a municipality asked for none is grey.
- Municipality borders are thin, county borders (and the coast) stronger.
- On top, a circle per municipality whose area is proportional to its request, and an
  inner circle for its unaccompanied minors (same scale).
- Text labels name the largest municipalities (by residents) where they fit, or every
  municipality in a county view.

Coordinates are rounded to a grid of half an SVG unit and repeated points dropped: both
neighbours of a shared border round the same points the same way, so no gap opens. Islets
smaller than a grid square (thinner than the border line) are left out, never a region's
largest ring.
"""

from __future__ import annotations

import gzip
import html
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from busetting._language import LANGUAGES, format_number, terms

__all__ = [
    "GEO_ATTRIBUTION",
    "MapArea",
    "choropleth_svg",
    "load_borders",
    "rate_classes",
]

GEO_ATTRIBUTION = "Kartverket, CC BY 4.0"
"""The attribution the borders need wherever they are shown."""

_WORDS: dict[str, dict[str, str]] = {language: terms("map.", language) for language in LANGUAGES}

_FILL = ("#e9ecef", "#fff3b0", "#fed976", "#fdae4b", "#f0702a", "#c2410c")
"""No request, then the five classes from the lowest rate to the highest."""
_FACTORS = (0.75, 1.25, 2.0, 3.0)
"""The class breaks as multiples of the national rate."""

Ring = np.ndarray  # (n, 2) longitude, latitude


def _read_geo(name: str) -> dict[str, Any]:
    path = resources.files("busetting.datasets").joinpath("geo", name)
    with path.open("rb") as fh:
        data: dict[str, Any] = json.loads(gzip.decompress(fh.read()).decode("utf-8"))
    return data


def _rings(geometry: dict[str, Any]) -> list[Ring]:
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    return [np.asarray(ring, dtype=float) for polygon in polygons for ring in polygon]


def load_borders() -> tuple[dict[str, list[Ring]], dict[str, list[Ring]], dict[str, str]]:
    """The 2024 borders: rings per kommunenummer, rings per fylkesnummer, and the names.

    Returns
    -------
    tuple
        ``(municipalities, counties, names)``: the first two map an id to its rings
        (arrays of longitude, latitude; outer rings and holes alike, drawn even-odd); the
        names map every kommunenummer and fylkesnummer to Kartverket's name.
    """
    municipalities: dict[str, list[Ring]] = {}
    counties: dict[str, list[Ring]] = {}
    names: dict[str, str] = {}
    for feature in _read_geo("kommuner_2024.geojson.gz")["features"]:
        mid = str(feature["properties"]["kommunenummer"])
        municipalities[mid] = _rings(feature["geometry"])
        names[mid] = str(feature["properties"]["kommunenavn"])
    for feature in _read_geo("fylker_2024.geojson.gz")["features"]:
        cid = str(feature["properties"]["fylkesnummer"])
        counties[cid] = _rings(feature["geometry"])
        names[cid] = str(feature["properties"]["fylkesnavn"])
    return municipalities, counties, names


def _project(lonlat: np.ndarray) -> np.ndarray:
    """Spherical transverse Mercator on 15° E: x east, y north, in Earth radii."""
    lam = np.radians(lonlat[:, 0] - 15.0)
    phi = np.radians(lonlat[:, 1])
    b = np.cos(phi) * np.sin(lam)
    x = 0.5 * np.log((1 + b) / (1 - b))
    y = np.arctan2(np.tan(phi), np.cos(lam))
    return np.column_stack([x, y])


def _project_regions(regions: dict[str, list[Ring]]) -> dict[str, list[np.ndarray]]:
    """Every region's rings projected, in one pass over all their points."""
    keys = [(k, i) for k, rings in regions.items() for i in range(len(rings))]
    rings = [r for rs in regions.values() for r in rs]
    if not rings:
        return {k: [] for k in regions}
    parts = np.split(_project(np.vstack(rings)), np.cumsum([len(r) for r in rings])[:-1])
    out: dict[str, list[np.ndarray]] = {k: [] for k in regions}
    for (k, _), part in zip(keys, parts, strict=True):
        out[k].append(part)
    return out


@dataclass(frozen=True)
class MapArea:
    """One municipality on the map: its figures, its hover text and whether it is labelled."""

    municipality_id: str
    name: str
    request: int
    minors: int
    per_1000: float | None
    population: int
    tooltip: str


def rate_classes(national: float) -> tuple[float, ...]:
    """The four class breaks (requests per 1,000) for a national rate, to one decimal."""
    return tuple(round(national * f, 1) for f in _FACTORS)


def _class(rate: float | None, request: int, breaks: Sequence[float]) -> int:
    if request <= 0 or rate is None or not math.isfinite(rate):
        return 0
    return 1 + sum(1 for b in breaks if rate >= b)


@dataclass(frozen=True)
class _Frame:
    """Where a projected point goes in the SVG."""

    x0: float
    y1: float
    scale: float
    left: float
    top: float

    def xy(self, p: np.ndarray) -> np.ndarray:
        out = np.empty_like(p)
        out[:, 0] = self.left + (p[:, 0] - self.x0) * self.scale
        out[:, 1] = self.top + (self.y1 - p[:, 1]) * self.scale
        return out


_GRID = 2
"""Path coordinates are whole numbers on a grid of half an SVG unit (a tenth of a millimetre
on the printed map); the path groups scale them back with ``transform="scale(0.5)"``."""
_SPECK = 1.0
"""A ring (an islet, a lake) smaller than this many grid squares is left out, unless it is
its region's largest: it would be a speck thinner than the border line."""


def _path(rings: Sequence[np.ndarray], frame: _Frame) -> str:
    """An SVG path of ``rings`` (projected), relative moves in whole grid steps."""
    quantized = []
    for ring in rings:
        q = np.rint(frame.xy(ring) * _GRID).astype(np.int64)
        keep = np.ones(len(q), dtype=bool)
        keep[1:] = np.any(q[1:] != q[:-1], axis=1)
        q = q[keep]
        if len(q) >= 3:
            quantized.append(q)
    if not quantized:
        return ""
    areas = [abs(_area(q.astype(float))) for q in quantized]
    largest = int(np.argmax(areas))
    parts = []
    prev = np.zeros(2, dtype=np.int64)
    for i, q in enumerate(quantized):
        if i != largest and areas[i] < _SPECK:
            continue
        start = q[0] - prev
        prev = q[0]
        steps = " ".join(map(str, np.diff(q, axis=0).ravel().tolist()))
        parts.append(f"m{start[0]} {start[1]}l{steps}z")
    # after "z" the current point is the ring's start, so relative moves chain exactly
    return "".join(parts)


def _fmt(v: float, lang: str) -> str:
    return format_number(v, lang, 1, space="\u00a0")


def choropleth_svg(
    areas: Sequence[MapArea],
    *,
    title: str,
    language: str,
    national_rate: float,
    counties: Sequence[str] | None = None,
    label_all: bool = False,
    labels: int = 14,
    width: float = 420.0,
    legend_inside: bool = False,
) -> str:
    """The map as one ``<svg>`` element (see the module docstring).

    Parameters
    ----------
    areas : sequence of MapArea
        The municipalities to draw (every one must be a 2024 kommunenummer).
    title : str
        The map's title (also its accessible name).
    language : str
        ``"en"``, ``"nb"`` or ``"nn"``: the legend's words and numbers.
    national_rate : float
        The country's requests per 1,000 residents: the classes are measured against it.
    counties : sequence of str, optional
        The fylkesnummer whose borders to draw (default: every county).
    label_all : bool
        Label every municipality (a county view); otherwise the ``labels`` largest by
        residents that fit without overlapping.
    labels : int
        How many of the largest municipalities to try to label.
    width : float
        Width of the drawing in SVG units (the page scales it).
    legend_inside : bool
        Put the legend in the map's lower right corner (where the whole country leaves
        Sweden empty) instead of below it.

    Returns
    -------
    str
        The ``<svg>`` element.
    """
    w = _WORDS[language if language in _WORDS else "en"]
    munis, fylker, _ = load_borders()
    shown = [a for a in areas if a.municipality_id in munis]
    if not shown:
        return ""
    projected = _project_regions({a.municipality_id: munis[a.municipality_id] for a in shown})
    allpts = np.vstack([r for rings in projected.values() for r in rings])
    x0, y0 = allpts.min(axis=0)
    x1, y1 = allpts.max(axis=0)
    pad, top = 8.0, 26.0
    scale = (width - 2 * pad) / float(x1 - x0)
    map_h = float(y1 - y0) * scale
    legend_h = 0.0 if legend_inside else 92.0
    height = top + map_h + pad + legend_h + (14.0 if legend_inside else 0.0)
    frame = _Frame(float(x0), float(y1), scale, pad, top)
    e = html.escape
    breaks = rate_classes(national_rate)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-label="{e(title)}" font-family="system-ui, sans-serif">',
        f"<title>{e(title)}</title>",
        f'<rect class="frame" x="0.5" y="0.5" width="{width - 1:.0f}" height="{height - 1:.0f}" '
        'fill="#fbfdff" stroke="#8aa0b2" stroke-width="1"/>',
        f'<text x="{pad:.0f}" y="17" font-size="12" font-weight="600" fill="#1d2327">'
        f"{e(title)}</text>",
    ]
    out += _area_paths(shown, projected, frame, breaks)
    wanted = sorted({a.municipality_id[:2] for a in shown}) if counties is None else counties
    out += _county_paths(fylker, wanted, frame)
    centres = _centres(shown, projected, frame)
    out += _circles(shown, centres, map_h, width)
    out += _labels(shown, centres, label_all, labels, width, top + map_h)
    legend_y = top + map_h - 128.0 if legend_inside else top + map_h + pad
    legend_x = width * 0.5 if legend_inside else pad
    out += _legend(
        w, language, breaks, national_rate, (legend_x, legend_y), width, shown, legend_inside
    )
    ax, anchor = (width - pad, "end") if legend_inside else (pad, "start")
    out.append(
        f'<text class="attribution" x="{ax:.0f}" y="{height - 6:.0f}" font-size="7.5" '
        f'text-anchor="{anchor}" fill="#55606b">'
        f"{e(w['borders'].format(src=GEO_ATTRIBUTION))}</text>"
    )
    out.append("</svg>")
    return "".join(out)


def _area_paths(
    shown: Sequence[MapArea],
    projected: dict[str, list[np.ndarray]],
    frame: _Frame,
    breaks: Sequence[float],
) -> list[str]:
    """The municipalities, each filled by its class, with thin white borders."""
    e = html.escape
    out = [
        f'<g class="kommuner" transform="scale({1 / _GRID})" stroke="#ffffff" '
        f'stroke-width="{0.35 * _GRID}" fill-rule="evenodd">'
    ]
    for a in sorted(shown, key=lambda a: a.municipality_id):
        k = _class(a.per_1000, a.request, breaks)
        out.append(
            f'<path class="kommune c{k}" data-id="{e(a.municipality_id)}" fill="{_FILL[k]}" '
            f'd="{_path(projected[a.municipality_id], frame)}"><title>{e(a.tooltip)}</title></path>'
        )
    out.append("</g>")
    return out


def _county_paths(
    fylker: dict[str, list[np.ndarray]], wanted: Sequence[str], frame: _Frame
) -> list[str]:
    """The counties' outlines (and so the coast), drawn stronger over the municipalities."""
    out = [
        f'<g class="fylker" transform="scale({1 / _GRID})" fill="none" stroke="#33424f" '
        f'stroke-width="{0.9 * _GRID}" stroke-linejoin="round" fill-rule="evenodd">'
    ]
    projected = _project_regions({cid: fylker[cid] for cid in wanted if cid in fylker})
    for cid, rings in sorted(projected.items()):
        if rings:
            out.append(
                f'<path class="fylke" data-id="{html.escape(cid)}" d="{_path(rings, frame)}"/>'
            )
    out.append("</g>")
    return out


def _centres(
    shown: Sequence[MapArea], projected: dict[str, list[np.ndarray]], frame: _Frame
) -> dict[str, tuple[float, float]]:
    """Each municipality's point: the area-weighted centroid of its largest ring."""
    out = {}
    for a in shown:
        rings = projected[a.municipality_id]
        best = max(rings, key=lambda r: abs(_area(r)))
        xy = frame.xy(best)
        x, y = xy[:, 0], xy[:, 1]
        cross = x[:-1] * y[1:] - x[1:] * y[:-1]
        area = cross.sum() / 2
        if abs(area) < 1e-9:
            out[a.municipality_id] = (float(x.mean()), float(y.mean()))
            continue
        cx = ((x[:-1] + x[1:]) * cross).sum() / (6 * area)
        cy = ((y[:-1] + y[1:]) * cross).sum() / (6 * area)
        out[a.municipality_id] = (float(cx), float(cy))
    return out


def _area(r: np.ndarray) -> float:
    x, y = r[:, 0], r[:, 1]
    return float((x[:-1] * y[1:] - x[1:] * y[:-1]).sum() / 2)


def _rmax(n: int, width: float) -> float:
    return width * (0.04 if n > 60 else 0.07)


def _circles(
    shown: Sequence[MapArea], centres: dict[str, tuple[float, float]], map_h: float, width: float
) -> list[str]:
    e = html.escape
    top = max([1] + [a.request for a in shown])
    rmax = _rmax(len(shown), width)
    out = ['<g class="circles">']
    ordered = sorted(shown, key=lambda a: (-a.request, a.municipality_id))
    for a in ordered:
        x, y = centres[a.municipality_id]
        if a.request <= 0:
            out.append(
                f'<circle class="m zero" data-id="{e(a.municipality_id)}" cx="{x:.1f}" '
                f'cy="{y:.1f}" r="0.9" fill="#7b8791"><title>{e(a.tooltip)}</title></circle>'
            )
            continue
        r = max(1.2, rmax * math.sqrt(a.request / top))
        out.append(
            f'<circle class="m" data-id="{e(a.municipality_id)}" cx="{x:.1f}" cy="{y:.1f}" '
            f'r="{r:.2f}" fill="#ffffff" fill-opacity="0.15" stroke="#123e5c" '
            f'stroke-width="0.6"><title>{e(a.tooltip)}</title></circle>'
        )
    for a in ordered:
        if a.minors > 0 and a.request > 0:
            x, y = centres[a.municipality_id]
            r = max(0.9, rmax * math.sqrt(a.minors / top))
            out.append(
                f'<circle class="em" cx="{x:.1f}" cy="{y:.1f}" r="{r:.2f}" fill="#123e5c">'
                f"<title>{e(a.tooltip)}</title></circle>"
            )
    out.append("</g>")
    return out


def _labels(
    shown: Sequence[MapArea],
    centres: dict[str, tuple[float, float]],
    label_all: bool,
    count: int,
    width: float,
    bottom: float,
) -> list[str]:
    """Labels beside their points, greedily where they fit (all of them in a county view)."""
    e = html.escape
    size = 7.5 if label_all and len(shown) > 25 else 8.5
    order = sorted(shown, key=lambda a: (-a.population, a.municipality_id))
    candidates = order if label_all else order[: count * 3]
    placed: list[tuple[float, float, float, float]] = []
    out = [
        f'<g class="labels" font-size="{size}" fill="#111" stroke="#ffffff" stroke-width="2.2" '
        'stroke-linejoin="round" paint-order="stroke">'
    ]
    n = 0
    for a in candidates:
        if not label_all and n >= count:
            break
        name = a.name.split(" - ")[0] if " - " in a.name and not label_all else a.name
        x, y = centres[a.municipality_id]
        tw = 0.64 * size * len(name) + 2
        options = [
            (x + 4, y + size * 0.35, "start"),
            (x - 4, y + size * 0.35, "end"),
            (x, y - 5, "middle"),
            (x, y + size + 4, "middle"),
        ]
        chosen = None
        best_overlap = math.inf
        for lx, ly, anchor in options:
            left = lx if anchor == "start" else lx - tw if anchor == "end" else lx - tw / 2
            box = (left - 1, ly - size * 0.95, left + tw, ly + size * 0.35)
            if box[0] < 2 or box[2] > width - 2 or box[1] < 22 or box[3] > bottom:
                continue
            overlap = sum(_overlap(box, b) for b in placed)
            if overlap == 0:
                chosen = (lx, ly, anchor, box)
                break
            if label_all and overlap < best_overlap:
                best_overlap, chosen = overlap, (lx, ly, anchor, box)
        if chosen is None:
            continue
        lx, ly, anchor, box = chosen
        placed.append(box)
        n += 1
        out.append(
            f'<text class="label" data-id="{e(a.municipality_id)}" x="{lx:.1f}" y="{ly:.1f}" '
            f'text-anchor="{anchor}">{e(name)}</text>'
        )
    out.append("</g>")
    return out


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0


def _legend(
    w: dict[str, str],
    lang: str,
    breaks: Sequence[float],
    national: float,
    at: tuple[float, float],
    width: float,
    shown: Sequence[MapArea],
    inside: bool,
) -> list[str]:
    """Bottom: the rate classes (left), the circle sizes and the minors (right)."""
    e = html.escape
    pad, y = at
    f = [_fmt(b, lang) for b in breaks]
    texts = [
        w["none"],
        w["under"].format(a=f[0]),
        w["between"].format(a=f[0], b=f[1]),
        w["between"].format(a=f[1], b=f[2]),
        w["between"].format(a=f[2], b=f[3]),
        w["over"].format(a=f[3]),
    ]
    out = [
        f'<g class="legend" font-size="8" fill="#1d2327">'
        f'<text x="{pad:.0f}" y="{y + 9:.1f}" font-weight="600">{e(w["rate_title"])}</text>'
        f'<text x="{pad:.0f}" y="{y + 19:.1f}">'
        f"({e(w['national'].format(r=_fmt(national, lang)))})</text>"
    ]
    for i, text in enumerate(texts):
        col, row = divmod(i, 6 if inside else 3)
        lx = pad + col * 110
        ly = y + 26 + row * 12
        out.append(
            f'<rect x="{lx:.0f}" y="{ly:.1f}" width="14" height="9" fill="{_FILL[i]}" '
            f'stroke="#8a959e" stroke-width="0.4"/><text x="{lx + 18:.0f}" y="{ly + 8:.1f}">'
            f"{e(text)}</text>"
        )
    top = max([1] + [a.request for a in shown])
    rmax = _rmax(len(shown), width)
    refs = _reference_values(top)
    cx = pad + 135 if inside else width - 8 - 110
    base = y + 95 if inside else y + 16 + 3 * 13 + 4
    for v in refs:
        r = rmax * math.sqrt(v / top)
        out.append(
            f'<circle cx="{cx:.1f}" cy="{base - r:.1f}" r="{r:.2f}" fill="none" '
            f'stroke="#123e5c" stroke-width="0.6"/><line x1="{cx:.1f}" y1="{base - 2 * r:.1f}" '
            f'x2="{cx + rmax + 6:.1f}" y2="{base - 2 * r:.1f}" stroke="#8a959e" '
            f'stroke-width="0.4"/><text x="{cx + rmax + 8:.1f}" y="{base - 2 * r + 3:.1f}">'
            f"{e(format_number(v, lang, space=chr(0xA0)))}</text>"
        )
    tx = pad if inside else cx - rmax - 4
    out.append(
        f'<text x="{tx:.1f}" y="{base + 12:.1f}" font-size="7.5">{e(w["circles"])}</text>'
        f'<circle cx="{tx + 3:.1f}" cy="{base + 21:.1f}" r="3" fill="#123e5c"/>'
        f'<text x="{tx + 9:.1f}" y="{base + 24:.1f}" font-size="7.5">{e(w["minors"])}</text>'
    )
    out.append("</g>")
    return out


def _reference_values(top: int) -> list[int]:
    """Up to three round sizes for the circle legend, the largest not above ``top``."""
    nice = [v * 10**e for e in range(0, 6) for v in (1, 2, 5)]
    below = [v for v in nice if v <= top] or [top]
    largest = below[-1]
    out = [largest]
    for v in reversed(below):
        if v * 4 <= out[-1] and len(out) < 3:
            out.append(v)
    return sorted(out)
