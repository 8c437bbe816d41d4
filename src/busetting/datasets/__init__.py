"""The embedded Norway data (2024 municipality structure) and its loaders.

Figures from IMDi (bosettingstall, tilskudd), SSB (Statistics Norway) and UDI, published
under the Norwegian Licence for Open Government Data (NLOD 2.0) / CC BY 4.0; see
``ATTRIBUTION.md`` beside the data files.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["load_history", "load_municipalities"]

_ID_COLUMNS = {"kommunenummer": str, "fylkesnummer": str}


def _read(name: str) -> pd.DataFrame:
    with resources.files(__name__).joinpath(name).open("rb") as fh:
        return pd.read_csv(fh, dtype=_ID_COLUMNS, encoding="utf-8")


def load_municipalities() -> pd.DataFrame:
    """The 357 municipalities of 2024 with population and indicators (ids as strings).

    Examples
    --------
    >>> from busetting.datasets import load_municipalities
    >>> df = load_municipalities()
    >>> len(df), df.loc[0, "kommunenummer"], int(df["population"].sum())
    (357, '0301', 5550203)
    """
    return _read("municipalities_2024.csv")


def load_history() -> pd.DataFrame:
    """IMDi requests, decisions and settled refugees per municipality, 2022 and 2023."""
    return _read("imdi_history_2022_2023.csv")
