"""The one default language and CSV dialect of every output.

``language=None`` means Norwegian bokmål (``"nb"``) for the Norway data and English
(``"en"``) otherwise. A problem is *the Norway data* when every one of its municipality ids
is a kommunenummer of the embedded 2024 municipalities (all of them, or a sample such as one
county); a problem with any id of the user's own is not. ``csv_dialect=None`` means
``"excel-nb"`` (``;``, decimal comma, UTF-8 with BOM: what Norwegian Excel opens directly)
for bokmål and nynorsk and ``"standard"`` for English.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from busetting._language import check_language, is_norwegian
from busetting.datasets import load_municipalities

__all__ = ["choose_language", "default_csv_dialect", "default_language"]


@functools.cache
def _norway_ids() -> frozenset[str]:
    return frozenset(load_municipalities()["kommunenummer"])


def default_language(ids: Iterable[str]) -> str:
    """``"nb"`` when every id is a municipality of the Norway data, else ``"en"``.

    Parameters
    ----------
    ids : iterable of str
        The problem's municipality ids.

    Returns
    -------
    str
        ``"nb"`` or ``"en"``.

    Examples
    --------
    >>> default_language(["4601", "0301"]), default_language(["A", "B"])
    ('nb', 'en')
    """
    wanted = set(ids)
    return "nb" if wanted and wanted <= _norway_ids() else "en"


def choose_language(language: str | None, ids: Iterable[str], where: str) -> str:
    """``language`` checked, or :func:`default_language` of ``ids`` when it is None."""
    return check_language(default_language(ids) if language is None else language, where)


def default_csv_dialect(language: str) -> str:
    """``"excel-nb"`` for bokmål and nynorsk, ``"standard"`` for English."""
    return "excel-nb" if is_norwegian(language) else "standard"
