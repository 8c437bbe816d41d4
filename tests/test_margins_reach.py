"""No explanation states a margin the indicator cannot take; criteria with a base say so."""

from __future__ import annotations

import re
from fractions import Fraction
from functools import cache

import numpy as np
import pytest

import busetting as bs
from busetting._limits import MAX_PERSONS
from busetting._margins import indicator_reach
from busetting.datasets import norway_2024

SAMPLE = ("1151", "0301", "4601", "5612")


@cache
def _norway() -> bs.Allocation:
    return bs.allocate(norway_2024()).raise_for_status()


def test_the_reach_of_each_kind_of_indicator() -> None:
    classes = indicator_reach("remoteness", np.array([1.0, 6.0]))
    assert (classes.kind, classes.low, classes.high, classes.whole) == ("class", 1, 6, True)
    assert not classes.holds(Fraction(14)) and not classes.holds(Fraction(5, 2))
    index = indicator_reach("services", np.array([0.0, 1.01, 2.59]))
    assert index.kind == "index" and index.holds(Fraction(259, 100))
    assert not index.holds(Fraction("14.965"))
    count = indicator_reach("population", np.array([200.0, 700_000.0]))
    assert count.kind == "count" and count.high == MAX_PERSONS and not count.holds(Fraction(-1))
    share = indicator_reach("my_share", np.array([0.2, 0.5]))
    assert (share.kind, share.low, share.high) == ("share", 0, 1)
    unknown = indicator_reach("my_index", np.array([-3.0, 12.5]))
    assert (unknown.kind, unknown.low, unknown.high) == ("index", -3, Fraction(25, 2))


def _check(alloc: bs.Allocation, mid: str) -> None:
    for language in ("en", "nb"):
        explanation = alloc.explain(mid, language=language)
        for margin in explanation.margins:
            assert margin.reach is not None
            if margin.change is not None:
                new = Fraction(margin.value) + margin.change
                assert margin.reach.holds(new), (mid, margin)
        for line in explanation.lines:
            found = re.search(r"(?:now|nå) (\d): (\S+) (?:more classes|flere klasser)", line)
            if found:
                assert int(found.group(1)) + int(found.group(2)) <= 6, line


def test_utsira_is_told_no_change_of_its_class_or_gp_index_alone_would_move_it() -> None:
    text = _norway().explain("1151", language="nb").text
    assert "8 flere klasser" not in text and "13,955 poeng" not in text
    line = next(x for x in text.splitlines() if "SSBs sentralitetsklasse" in x)
    assert "ingen endring i den alene ville gitt 5 mer innenfor det den kan være (1 til 6)" in line
    assert "en poengsum ganget med grunnlaget, folketall" in text


@pytest.mark.parametrize("mid", SAMPLE)
def test_no_explanation_in_a_sample_states_an_impossible_margin(mid: str) -> None:
    _check(_norway(), mid)


@pytest.mark.slow
def test_no_explanation_of_the_357_states_an_impossible_margin_in_either_language() -> None:
    alloc = _norway()
    assert len(alloc.problem.ids) == 357
    for mid in alloc.problem.ids:
        _check(alloc, mid)
