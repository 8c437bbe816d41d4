"""Municipalities and counties resolve from what people type."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from clirun import run

import busetting as bs
from busetting._names import COUNTY_NUMBERS_2024, resolve_county, resolve_municipality
from busetting.datasets import norway_2024


@cache
def _norway() -> tuple[list[str], list[str], list[str]]:
    p = norway_2024()
    ids = list(p.ids)
    names = [m.name for m in p.municipalities]
    counties = sorted({m.county for m in p.municipalities})
    return ids, names, counties


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("301", "0301"),
        (301, "0301"),
        ("0301", "0301"),
        ("Bergen", "4601"),
        ("bergen", "4601"),
        ("  BERGEN ", "4601"),
        ("Trondheim", "5001"),
        ("Tråante", "5001"),
        ("Trondheim - Tråante", "5001"),
        ("Kautokeino", "5612"),
        ("Herøy (Nordland)", "1818"),
        ("Aurskog-Høland", "3226"),
    ],
)
def test_a_municipality_resolves_from_its_number_or_any_form_of_its_name(
    typed: str | int, expected: str
) -> None:
    ids, names, _ = _norway()
    assert resolve_municipality(typed, ids, names) == expected


def test_an_ambiguous_name_lists_every_candidate() -> None:
    ids, names, _ = _norway()
    with pytest.raises(bs.InputError) as caught:
        resolve_municipality("Herøy", ids, names)
    assert str(caught.value) == (
        "The `municipality_id` parameter of `explain` must name one municipality. Got 'Herøy' "
        "instead: it matches more than one municipality; did you mean: "
        "1515 Herøy (Møre og Romsdal), 1818 Herøy (Nordland)."
    )


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "did you mean: 5501 Tromsø"),
        ("nb", "mente du: 5501 Tromsø"),
        ("nn", "meinte du: 5501 Tromsø"),
    ],
)
def test_an_unknown_name_suggests_the_nearest_in_the_language_asked(
    language: str, words: str
) -> None:
    ids, names, _ = _norway()
    with pytest.raises(bs.InputError, match=words) as caught:
        resolve_municipality("Tromso", ids, names, language=language)
    assert caught.value.failure_cases["value"].tolist() == ["Tromso"]


def test_a_name_nothing_is_close_to_asks_for_the_number() -> None:
    ids, names, _ = _norway()
    with pytest.raises(bs.InputError, match="no name is close; give the number"):
        resolve_municipality("xyzzy", ids, names)
    with pytest.raises(bs.InputError, match="must name one municipality"):
        resolve_municipality("9999", ids, names)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Vestland", "Vestland"),
        ("vestland", "Vestland"),
        ("46", "Vestland"),
        (46, "Vestland"),
        ("3", "Oslo"),
        ("Trøndelag", "Trøndelag - Trööndelage"),
        ("trööndelage", "Trøndelag - Trööndelage"),
        ("Finnmárku", "Finnmark - Finnmárku - Finmarkku"),
        ("Møre og Romsdal", "Møre og Romsdal"),
    ],
)
def test_a_county_resolves_from_its_number_or_any_form_of_its_name(
    typed: str | int, expected: str
) -> None:
    _, _, counties = _norway()
    assert resolve_county(typed, counties) == expected


def test_every_2024_county_resolves_by_its_number_and_counties_may_come_numbered() -> None:
    _, _, counties = _norway()
    for number, name in COUNTY_NUMBERS_2024.items():
        assert resolve_county(number, counties) == name
        assert resolve_county(int(number), counties) == name
    assert resolve_county("7", {"07": "Vestfold og Telemark"}) == "Vestfold og Telemark"


def test_an_unknown_county_gets_candidates_with_numbers() -> None:
    _, _, counties = _norway()
    with pytest.raises(bs.InputError, match=r"mente du: 46 Vestland, 39 Vestfold"):
        resolve_county("Vest", counties, language="nb")


def test_explain_takes_a_number_or_a_name() -> None:
    alloc = bs.allocate(norway_2024())
    assert alloc.explain("301").municipality_id == "0301"
    assert alloc.explain("Bergen", language="nb").municipality_id == "4601"


def test_cli_explain_takes_a_name_and_suggests_on_a_typo(tmp_path: Path) -> None:
    done = run("explain", "Bergen")
    assert done.returncode == 0 and "Bergen" in done.stdout
    refused = run("explain", "Bergn", "--lang", "nb")
    assert refused.returncode != 0 and "mente du: 4601 Bergen" in refused.stderr
