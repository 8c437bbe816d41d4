"""IMDi's 2020 and 2021 settlement figures, with 2020's real mid-year cut.

Figures from IMDi (bosettingstall), published under the Norwegian Licence for Open Government
Data (NLOD 2.0) / CC BY 4.0; see ``ATTRIBUTION.md`` beside the data files.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["load_history_2020_2021"]


def load_history_2020_2021() -> pd.DataFrame:
    """IMDi requests, decisions and settled refugees per municipality, 2020 and 2021.

    Columns as :func:`load_history` (``kommunenummer``, ``kommune``, ``fylke``, ``year``,
    ``anmodning``, ``anmodning_opprinnelig``, ``vedtak``, ``bosatt``, ``note``), 356
    municipalities a year in the 2024 structure (Ålesund ``1508`` holds the joint
    Ålesund/Haram figures). 2020 holds a real national cut during the year: the original
    requests (``anmodning_opprinnelig``, 5,120 in all) were lowered to ``anmodning`` (3,602)
    after the councils had decided 4,838 (``vedtak``).

    Examples
    --------
    >>> from busetting.datasets import load_history_2020_2021
    >>> h = load_history_2020_2021()
    >>> y20 = h[h["year"] == 2020]
    >>> [int(y20[c].sum()) for c in ("anmodning_opprinnelig", "anmodning", "vedtak")]
    [5120, 3602, 4838]
    """
    name = "imdi_history_2020_2021.csv"
    with resources.files("busetting.datasets").joinpath(name).open("rb") as fh:
        return pd.read_csv(fh, dtype={"kommunenummer": str}, encoding="utf-8")
