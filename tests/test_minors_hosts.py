"""Minors hosts: ranked on the minors grant over the years available, weak signals marked."""

from __future__ import annotations

import numpy as np
import pytest

import busetting as bs
from busetting._hosts import _WORDS, to_confirm_sentence
from busetting.datasets import (
    MINORS_SHRINKING,
    derive_indicators,
    grants_with_haram,
    load_grants,
    load_municipalities,
    norway_2024,
)


@pytest.fixture(scope="module")
def grants() -> dict[int, np.ndarray]:
    muni, table = load_municipalities(), load_grants()
    return {
        y: np.maximum(grants_with_haram(muni, table, y, "unaccompanied_minors").to_numpy(), 0.0)
        for y in (2022, 2023)
    }


@pytest.fixture(scope="module")
def alloc_2024() -> bs.Allocation:
    return bs.allocate(norway_2024()).raise_for_status()


def test_the_minors_signal_is_the_grant_over_every_year_available(
    grants: dict[int, np.ndarray],
) -> None:
    frame = derive_indicators(year=2023)
    np.testing.assert_allclose(frame["minors_service"], (grants[2022] + grants[2023]) / 2)
    # eligible: paid the minors grant in the latest year (190 + Haram's share of Ålesund's)
    np.testing.assert_array_equal(frame["minors_eligible"], grants[2023] > 0)
    assert int(frame["minors_eligible"].sum()) == 191
    # a year with one grant year before it uses that year alone
    np.testing.assert_allclose(derive_indicators(year=2022)["minors_service"], grants[2022])


def test_a_new_or_fast_shrinking_minors_service_is_a_weak_signal(
    grants: dict[int, np.ndarray],
) -> None:
    frame = derive_indicators(year=2023)
    new = (grants[2023] > 0) & (grants[2022] == 0)
    shrinking = (grants[2023] > 0) & (grants[2023] < MINORS_SHRINKING * grants[2022])
    np.testing.assert_array_equal(frame["minors_weak_signal"] > 0, new | shrinking)
    assert new.sum() > 0 and shrinking.sum() > 0
    assert not (frame["minors_weak_signal"] > 0)[~frame["minors_eligible"]].any()


def test_the_default_minors_hosts_are_the_top_hosts_by_the_minors_grant(
    alloc_2024: bs.Allocation, grants: dict[int, np.ndarray]
) -> None:
    assert alloc_2024.minors is not None
    hosts = set(alloc_2024.minors[alloc_2024.minors > 0].index)
    signal = (grants[2022] + grants[2023]) / 2
    ids = list(load_municipalities()["kommunenummer"])
    order = np.argsort(-signal, kind="stable")
    top = {ids[i] for i in order[: len(hosts)]}
    assert len(hosts) == 57
    assert hosts == top


def test_hosts_chosen_on_a_weak_signal_are_marked_to_confirm_with_the_county(
    alloc_2024: bs.Allocation,
) -> None:
    frame = alloc_2024.to_frame()
    weak = derive_indicators(year=2023).set_index("municipality_id")["minors_weak_signal"]
    expected = (frame["minors"] > 0) & (weak.reindex(frame.index) > 0)
    assert frame["minors_to_confirm"].tolist() == expected.tolist()
    marked = list(frame.loc[frame["minors_to_confirm"], "name"])
    assert marked == ["Rana", "Hadsel", "Kvinnherad"]  # as docs/realism.md names them


def test_the_report_lists_the_hosts_to_confirm(alloc_2024: bs.Allocation, tmp_path: object) -> None:
    from pathlib import Path

    frame = alloc_2024.to_frame()
    names = list(frame.loc[frame["minors_to_confirm"], "name"])
    for lang, words in (("nb", "må bekreftes med fylket"), ("en", "to confirm with the county")):
        path = Path(str(tmp_path)) / f"report-{lang}.html"
        bs.write_report(alloc_2024, path, language=lang)
        text = path.read_text(encoding="utf-8")
        assert words in text
        assert ", ".join(names) in text


def test_problems_without_the_signal_have_no_confirmation_column() -> None:
    ms = [
        bs.Municipality(municipality_id=f"000{i}", name=f"K{i}", population=100 * i)
        for i in range(1, 4)
    ]
    problem = bs.Problem(municipalities=ms, criteria={"population": 1.0}, need=bs.Need(total=30))
    alloc = bs.allocate(problem)
    assert "minors_to_confirm" not in alloc.to_frame()


def test_the_words_exist_in_english_bokmaal_and_nynorsk() -> None:
    assert set(_WORDS) == {"en", "nb", "nn"}
    assert len({frozenset(w) for w in _WORDS.values()}) == 1
    assert to_confirm_sentence([], "nb") is None
    nn = to_confirm_sentence(["Rana", "Hadsel"], "nn")
    assert nn is not None and nn.endswith("Rana, Hadsel.") and "fylket" in nn


def test_the_norwegian_table_names_the_column_and_reads_back(
    alloc_2024: bs.Allocation, tmp_path: object
) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "anmodning.csv"
    bs.io.write_allocation(alloc_2024, path, language="nb")
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert "som må bekreftes med fylket" in header and "minors_to_confirm" not in header
    back = bs.io.read_allocation(path)
    marked = alloc_2024.to_frame()["minors_to_confirm"]
    assert back["minors_to_confirm"].map({"ja": True, "nei": False}).tolist() == marked.tolist()
