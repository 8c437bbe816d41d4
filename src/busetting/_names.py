"""Municipalities and counties from what people type: ``301``, ``Bergen``, ``vestland``, ``46``.

An official does not type ``"0301"``: they type ``301``, ``Oslo`` or ``oslo``; a county is
``Vestland``, ``vestland`` or its number ``46``; a Sámi multi-form name is found from any of
its forms (``Trondheim`` and ``Tråante`` both find ``Trondheim - Tråante``). What cannot be
resolved to exactly one is an :class:`~busetting.InputError` with the nearest candidates
("did you mean …" / "mente du …" / "meinte du …").

Matching, in order: the id itself (digits are padded with leading zeros to the id's width),
the whole name, then one form of a multi-form name (split on ``" - "``) or the name without
its parenthesised county (``Herøy`` is ambiguous between ``Herøy (Møre og Romsdal)`` and
``Herøy (Nordland)``). Case, surrounding spaces, repeated spaces, no-break spaces and Unicode
composition do not matter; letters do (``Tromso`` is not ``Tromsø``, but it is suggested).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence

from busetting._exceptions import InputError
from busetting._language import LANGUAGES, terms

__all__ = ["COUNTY_NUMBERS_2024", "resolve_county", "resolve_municipality"]

COUNTY_NUMBERS_2024: dict[str, str] = {
    "03": "Oslo",
    "11": "Rogaland",
    "15": "Møre og Romsdal",
    "18": "Nordland - Nordlánda",
    "31": "Østfold",
    "32": "Akershus",
    "33": "Buskerud",
    "34": "Innlandet",
    "39": "Vestfold",
    "40": "Telemark",
    "42": "Agder",
    "46": "Vestland",
    "50": "Trøndelag - Trööndelage",
    "55": "Troms - Romsa - Tromssa",
    "56": "Finnmark - Finnmárku - Finmarkku",
}
"""The county numbers (fylkesnummer) of 2024 and the counties' official names."""

CANDIDATES = 5
"""At most this many candidates are suggested."""
CUTOFF = 0.6
"""How close (difflib's ratio) a name must be to be suggested."""

_WORDS: dict[str, dict[str, str]] = {language: terms("names.", language) for language in LANGUAGES}

_SPACES = re.compile(r"\s+")
_COUNTY_SUFFIX = re.compile(r"\s*\([^)]*\)\s*$")


def _norm(text: str) -> str:
    """``text`` as it is compared: NFC, case-folded, spaces collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


def _forms(name: str) -> set[str]:
    """The short forms a name is also found by: each form of a multi-form name, no suffix."""
    full = _norm(name)
    bare = _norm(_COUNTY_SUFFIX.sub("", name))
    forms = {bare}
    for part in re.split(r"\s+-\s+", bare):
        if part:
            forms.add(part)
    forms.discard(full)
    return forms


def _words(language: str) -> dict[str, str]:
    return _WORDS.get(language, _WORDS["en"])


def _refuse(
    text: str,
    what: str,
    where: str,
    choices: Mapping[str, str],
    matches: Sequence[str],
    language: str,
) -> InputError:
    """The error for ``text`` matching ``matches`` (ambiguous) or nothing (unknown).

    ``choices`` maps every name and short form to the label shown for it; ``matches`` are
    the labels that matched (empty: none did, and the nearest names are suggested).
    """
    w = _words(language)
    if matches:
        candidates = list(dict.fromkeys(matches))[:CANDIDATES]
        why = w["ambiguous"].format(one=w[f"one_{what}"])
    else:
        keys: dict[str, str] = {}
        for name, label in choices.items():
            keys.setdefault(_norm(name), label)
        close = difflib.get_close_matches(_norm(text), list(keys), n=2 * CANDIDATES, cutoff=CUTOFF)
        candidates = list(dict.fromkeys(keys[c] for c in close))[:CANDIDATES]
        why = w["unknown"].format(a=w[f"a_{what}"])
    hint = f"{w['did_you_mean']}: " + ", ".join(candidates) if candidates else w["none_close"]
    failure = {
        "row": None,
        "municipality_id": None,
        "column": what,
        "value": text,
        "reason": f"{why}; {hint}",
    }
    param = "municipality_id" if what == "municipality" else what
    lead = w["lead"].format(param=param, where=where, one=w[f"one_{what}"], text=repr(text))
    message = f"{lead}: {why}; {hint}."
    return InputError(message, InputError.from_failures(where, [failure]).failure_cases)


def resolve_municipality(
    text: str | int,
    ids: Sequence[str],
    names: Sequence[str],
    *,
    language: str = "en",
    where: str = "explain",
) -> str:
    """The municipality id that ``text`` (an id, a number or a name) names.

    Parameters
    ----------
    text : str or int
        What was typed: ``"0301"``, ``301``, ``"Bergen"``, ``"bergen"``, ``"Trondheim"``
        (a form of ``"Trondheim - Tråante"``).
    ids, names : sequence of str
        The problem's municipality ids and names, in the same order.
    language : {"en", "nb", "nn"}
        The language of the error's reason and suggestions.
    where : str
        The function or command named in the error.

    Returns
    -------
    str
        The municipality id.

    Raises
    ------
    InputError
        When ``text`` names no municipality or more than one; the message lists the nearest
        candidates ("did you mean …", "mente du …").

    Examples
    --------
    >>> ids, names = ["0301", "4601", "5001"], ["Oslo", "Bergen", "Trondheim - Tråante"]
    >>> [resolve_municipality(t, ids, names) for t in (301, "bergen", "Tråante", "5001")]
    ['0301', '4601', '5001', '5001']
    """
    raw = str(text)
    typed = _norm(raw)
    width = max((len(i) for i in ids), default=4)
    if typed.isdigit() and len(typed) <= width:
        padded = typed.zfill(width)
        if padded in ids:
            return padded
    if raw in ids:
        return raw
    pairs = list(zip(ids, names, strict=True))
    whole = [i for i, n in pairs if _norm(n) == typed]
    if len(whole) == 1:
        return whole[0]
    short = [i for i, n in pairs if typed in _forms(n)]
    if len(whole) + len(short) == 1:
        return short[0]
    label = {i: f"{i} {n}" for i, n in pairs}
    choices = {n: label[i] for i, n in pairs}
    for i, n in pairs:
        for form in _forms(n):
            choices.setdefault(form, label[i])
    matches = [label[i] for i in whole + short]
    raise _refuse(raw, "municipality", where, choices, matches, language)


def resolve_county(
    text: str | int,
    counties: Sequence[str] | Mapping[str, str],
    *,
    language: str = "en",
    where: str = "county",
) -> str:
    """The county name that ``text`` (a name, a form of it or a county number) names.

    Parameters
    ----------
    text : str or int
        What was typed: ``"Vestland"``, ``"vestland"``, ``46``, ``"Trøndelag"`` (a form of
        ``"Trøndelag - Trööndelage"``).
    counties : sequence of str, or mapping of county number to name
        The counties to choose from. A plain sequence is numbered by
        :data:`COUNTY_NUMBERS_2024` where a name is one of 2024's.
    language : {"en", "nb", "nn"}
        The language of the error's reason and suggestions.
    where : str
        The function or command named in the error.

    Returns
    -------
    str
        The county's name as given in ``counties``.

    Raises
    ------
    InputError
        When ``text`` names no county or more than one, with the nearest candidates.

    Examples
    --------
    >>> counties = ["Oslo", "Vestland", "Trøndelag - Trööndelage"]
    >>> [resolve_county(t, counties) for t in ("vestland", 46, "3", "Trøndelag")]
    ['Vestland', 'Vestland', 'Oslo', 'Trøndelag - Trööndelage']
    """
    if isinstance(counties, Mapping):
        numbered = {str(k).zfill(2): str(v) for k, v in counties.items()}
        names = list(numbered.values())
    else:
        names = [str(c) for c in counties]
        official = {_norm(v): k for k, v in COUNTY_NUMBERS_2024.items()}
        numbered = {official[_norm(n)]: n for n in names if _norm(n) in official}
    raw = str(text)
    typed = _norm(raw)
    if typed.isdigit() and len(typed) <= 2 and typed.zfill(2) in numbered:
        return numbered[typed.zfill(2)]
    whole = [n for n in names if _norm(n) == typed]
    if len(whole) == 1:
        return whole[0]
    short = [n for n in names if typed in _forms(n)]
    if len(whole) + len(short) == 1:
        return short[0]
    number_of = {v: k for k, v in numbered.items()}
    label = {n: f"{number_of[n]} {n}" if n in number_of else n for n in names}
    choices = {n: label[n] for n in names}
    for n in names:
        for form in _forms(n):
            choices.setdefault(form, label[n])
    matches = [label[n] for n in whole + short]
    raise _refuse(raw, "county", where, choices, matches, language)
