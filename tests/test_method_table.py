"""One method table (``MethodSpec``) and one parameter validator that names the function the
user called (issue 30)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import busetting as bs
from busetting._methods import (
    ALIASES,
    DIVISOR_METHODS,
    METHODS,
    Method,
    exact_signpost_key,
    parse_method,
    signpost,
    tie_rule,
)

NAMES = "'webster', 'hamilton', 'dhondt', 'huntington_hill', 'adams', 'dean'"


def _problem() -> bs.Problem:
    return bs.Problem(
        municipalities=[
            bs.Municipality(municipality_id="0001", name="A", population=5),
            bs.Municipality(municipality_id="0002", name="B", population=7),
        ],
        criteria={"population": 1.0},
        need=bs.Need(total=12),
    )


CALLS: dict[str, Callable[[bs.Problem], Any]] = {
    "allocate": lambda p: bs.allocate(p, method="nope"),
    "diagnose": lambda p: bs.diagnose(p, method="nope"),
    "scenarios": lambda p: bs.scenarios(p, [10, 12], method="nope"),
    "sensitivity": lambda p: bs.sensitivity(p, method="nope"),
    "uncertainty": lambda p: bs.uncertainty(p, [10, 12], method="nope"),
    "verify": lambda p: bs.verify(p, bs.allocate(p).requests, method="nope"),
    "revise": lambda p: bs.revise(bs.allocate(p), method="nope"),
    "reconcile": lambda p: bs.reconcile(p, pd.DataFrame(), method="nope"),
}


@pytest.mark.parametrize("caller", sorted(CALLS))
def test_a_bad_method_names_the_function_the_user_called(caller: str) -> None:
    expected = f"The `method` parameter of `{caller}` must be one of {NAMES}. Got 'nope' instead."
    with pytest.raises(bs.InputError) as info:
        CALLS[caller](_problem())
    assert str(info.value) == expected


def test_the_table_has_one_row_per_method_and_says_what_each_is() -> None:
    assert set(METHODS) == set(Method)
    assert all(spec.method is m for m, spec in METHODS.items())
    assert {m for m, s in METHODS.items() if s.kind == "divisor"} == DIVISOR_METHODS
    assert METHODS[Method.HAMILTON].kind == "quota"
    assert all(spec.rules_path for spec in METHODS.values())
    for m, spec in METHODS.items():
        assert (spec.signpost is None) == (spec.kind == "quota"), m
        assert (spec.exact_signpost is None) == (spec.kind == "quota"), m
        assert tie_rule(m) == spec.tie_rule


def test_the_published_aliases_are_accepted() -> None:
    known = {
        "sainte_lague": Method.WEBSTER,
        "Sainte-Lague": Method.WEBSTER,
        "jefferson": Method.DHONDT,
        "d'hondt": Method.DHONDT,
        "largest_remainder": Method.HAMILTON,
        "hill": Method.HUNTINGTON_HILL,
        "huntington-hill": Method.HUNTINGTON_HILL,
    }
    for alias, m in known.items():
        assert parse_method(alias, caller="allocate") is m
    assert len(ALIASES) == len(known)


@pytest.mark.parametrize("method", sorted(DIVISOR_METHODS))
def test_the_table_s_signposts_match_their_exact_fractions(method: Method) -> None:
    k = np.arange(0, 50)
    floats = signpost(method, k)
    exact = [float(exact_signpost_key(method, int(i))) for i in k]
    if method is Method.HUNTINGTON_HILL:  # the exact key is s(k) squared
        floats = floats**2
    assert floats.tolist() == pytest.approx(exact, rel=1e-12, abs=1e-12)


def test_signposts_are_the_classical_ones() -> None:
    k = np.array([0, 1, 2])
    assert signpost(Method.WEBSTER, k).tolist() == [0.5, 1.5, 2.5]
    assert signpost(Method.DHONDT, k).tolist() == [1.0, 2.0, 3.0]
    assert signpost(Method.ADAMS, k).tolist() == [0.0, 1.0, 2.0]
    assert signpost(Method.HUNTINGTON_HILL, k).tolist() == pytest.approx([0.0, 2**0.5, 6**0.5])
    assert signpost(Method.DEAN, k).tolist() == pytest.approx([0.0, 4 / 3, 12 / 5])
    with pytest.raises(ValueError, match="not a divisor method"):
        signpost(Method.HAMILTON, k)
