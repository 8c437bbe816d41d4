"""Compare two allocations (this year's against last year's, two weightings).

:func:`compare` lines up two sets of requests per municipality and sorts the differences by
size; :func:`busetting.plots.plot_comparison` draws the largest.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._result import Allocation

__all__ = ["compare"]

Requests = Allocation | pd.Series | Mapping[str, int]


def _series(value: Requests, label: str) -> tuple[pd.Series, pd.Series | None]:
    """Requests (and minors, where known) of one side, indexed by municipality id."""
    if isinstance(value, Allocation):
        if value.requests is None:
            raise InputError(
                f"The `{label}` parameter of `compare` must be an allocation with requests. "
                f"Got one with status {value.status.value!r} instead."
            )
        return value.requests.astype(np.int64), value.minors
    series = pd.Series(value, dtype="float64")
    series.index = series.index.astype(str)
    if series.isna().any() or (series < 0).any() or (series != series.round()).any():
        bad = series[series.isna() | (series < 0) | (series != series.round())]
        raise InputError(
            f"The `{label}` parameter of `compare` must hold whole numbers >= 0. Got "
            f"{float(bad.iloc[0])!r} for municipality {bad.index[0]} instead."
        )
    return series.astype(np.int64), None


def compare(
    a: Requests,
    b: Requests,
    *,
    labels: tuple[str, str] = ("a", "b"),
) -> pd.DataFrame:
    """The requests of ``a`` and ``b`` side by side, largest changes first.

    Parameters
    ----------
    a, b : Allocation, Series or mapping of municipality_id to request
        E.g. last year's real requests (``datasets.observed_requests(2023)``) and this
        year's allocation, or two allocations with different weights.
    labels : (str, str)
        Column suffixes for ``a`` and ``b``.

    Returns
    -------
    DataFrame
        Indexed by ``municipality_id``: ``name`` and ``county`` (from whichever side is an
        allocation), ``request_<a>``, ``request_<b>``, ``change`` (b - a), ``change_pct``
        (relative to a; NaN where a is 0), and ``minors_<a>``/``minors_<b>`` where both sides
        have minors. A municipality on one side only counts as 0 on the other. Sorted by
        absolute change (largest first), then by id.

    Examples
    --------
    >>> import busetting as bs
    >>> table = bs.compare({"0301": 10, "1103": 5}, {"0301": 7, "1103": 9},
    ...                    labels=("2023", "2024"))
    >>> table["change"].to_dict(), table["change_pct"].to_dict()
    ({'1103': 4, '0301': -3}, {'1103': 80.0, '0301': -30.0})
    """
    check_types(compare, locals())
    if len(labels) != 2 or labels[0] == labels[1]:
        raise InputError(
            f"The `labels` parameter of `compare` must be two different names. Got {labels!r} "
            "instead."
        )
    (ra, ma), (rb, mb) = _series(a, "a"), _series(b, "b")
    ids = sorted(set(ra.index) | set(rb.index))
    frame = pd.DataFrame(index=pd.Index(ids, name="municipality_id"))
    names: dict[str, str] = {}
    counties: dict[str, str] = {}
    for side in (b, a):
        if isinstance(side, Allocation):
            for m in side.problem.municipalities:
                names.setdefault(m.municipality_id, m.name)
                counties.setdefault(m.municipality_id, m.county)
    frame["name"] = [names.get(i, "") for i in ids]
    frame["county"] = [counties.get(i, "") for i in ids]
    ca, cb = f"request_{labels[0]}", f"request_{labels[1]}"
    frame[ca] = ra.reindex(ids, fill_value=0).to_numpy()
    frame[cb] = rb.reindex(ids, fill_value=0).to_numpy()
    frame["change"] = frame[cb] - frame[ca]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = 100.0 * frame["change"] / frame[ca].where(frame[ca] != 0)
    frame["change_pct"] = pct.round(1)
    if ma is not None and mb is not None:
        frame[f"minors_{labels[0]}"] = ma.reindex(ids, fill_value=0).to_numpy()
        frame[f"minors_{labels[1]}"] = mb.reindex(ids, fill_value=0).to_numpy()
    order = np.lexsort((np.array(ids), -frame["change"].abs().to_numpy()))
    return frame.iloc[order]
