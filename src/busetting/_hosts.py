"""Minors hosts chosen on a weak signal: the words that ask for a confirmation.

The Norway data marks a municipality whose minors service is a weak signal (its minors grant
is new or shrinking fast: ``minors_weak_signal``); an allocation that makes it a minors host
marks the row ``minors_to_confirm`` (:meth:`busetting.Allocation.to_frame`), and the report
and the drafts say, in the reader's language, that the host is to be confirmed with the
county.
"""

from __future__ import annotations

from collections.abc import Sequence

from busetting._language import LANGUAGES, terms

__all__ = ["CONFIRM_COLUMN", "confirm_column", "to_confirm_sentence"]

CONFIRM_COLUMN = "minors_to_confirm"
"""The allocation-frame column that marks a minors host to confirm with the county."""

_WORDS: dict[str, dict[str, str]] = {language: terms("hosts.", language) for language in LANGUAGES}


def to_confirm_sentence(names: Sequence[str], lang: str = "en") -> str | None:
    """The sentence that lists the minors hosts to confirm with the county (None if none).

    Parameters
    ----------
    names : sequence of str
        The hosts' official names, in the order to show.
    lang : {"en", "nb", "nn"}
        Language of the sentence (an unknown language reads as English).

    Returns
    -------
    str or None
    """
    if not names:
        return None
    words = _WORDS.get(lang, _WORDS["en"])
    return words["to_confirm"].format(names=", ".join(names))


def confirm_column(lang: str = "en") -> str:
    """The header of :data:`CONFIRM_COLUMN` in ``lang`` (the identifier itself in English).

    Parameters
    ----------
    lang : {"en", "nb", "nn"}

    Returns
    -------
    str
    """
    return CONFIRM_COLUMN if lang == "en" else _WORDS.get(lang, _WORDS["en"])["column"]
