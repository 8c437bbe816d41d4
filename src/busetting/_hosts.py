"""Minors hosts chosen on a weak signal: the words that ask for a confirmation.

The Norway data marks a municipality whose minors service is a weak signal (its minors grant
is new or shrinking fast: ``minors_weak_signal``); an allocation that makes it a minors host
marks the row ``minors_to_confirm`` (:meth:`busetting.Allocation.to_frame`), and the report
and the drafts say, in the reader's language, that the host is to be confirmed with the
county.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CONFIRM_COLUMN", "confirm_column", "to_confirm_sentence"]

CONFIRM_COLUMN = "minors_to_confirm"
"""The allocation-frame column that marks a minors host to confirm with the county."""

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "to_confirm": (
            "Minors hosts chosen on a weak signal (their minors service is new or shrinking "
            "fast), to confirm with the county: {names}."
        ),
        "column": "minors host to confirm with the county",
    },
    "nb": {
        "to_confirm": (
            "Vertskommuner for enslige mindreårige valgt på et svakt grunnlag (tjenesten for "
            "enslige mindreårige er ny eller krymper raskt), som må bekreftes med fylket: "
            "{names}."
        ),
        "column": "vertskommune for enslige mindreårige som må bekreftes med fylket",
    },
    "nn": {
        "to_confirm": (
            "Vertskommunar for einslege mindreårige valde på eit svakt grunnlag (tenesta for "
            "einslege mindreårige er ny eller krympar raskt), som må stadfestast med fylket: "
            "{names}."
        ),
        "column": "vertskommune for einslege mindreårige som må stadfestast med fylket",
    },
}


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
