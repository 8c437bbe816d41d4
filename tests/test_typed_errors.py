"""The API edge raises one typed family: every public callable given bad arguments raises
a :class:`busetting.BusettingError` subclass (or returns), never an untyped exception."""

from __future__ import annotations

import enum
import inspect
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic
import pytest

import busetting as bs
import busetting.io as bio

BAD_VALUES: tuple[Any, ...] = (
    None,
    -5,
    "nonsense",
    2.5,
    float("nan"),
    10**30,
    object(),
    {"x": 1},
    [],
)

RECORDS = {
    # result records built by the library itself (plain frozen dataclasses, no validation)
    "Allocation",
    "Backtest",
    "Calibration",
    "Certificate",
    "Explanation",
    "Key",
    "Recommendations",
    "Reconciliation",
    "Revision",
    "RulesCertificate",
    "Shortfall",
    "Tie",
    "Verification",
    "Sheet",
}
"""Records the library builds and returns; they are not an input edge."""


def _public_callables() -> list[tuple[str, Callable[..., Any]]]:
    out = []
    for module, prefix in ((bs, "bs"), (bio, "bs.io")):
        for name in module.__all__:
            obj = getattr(module, name)
            if not callable(obj) or name in RECORDS:
                continue
            if isinstance(obj, type) and issubclass(obj, (BaseException, enum.Enum)):
                continue
            out.append((f"{prefix}.{name}", obj))
    return out


CALLABLES = _public_callables()


def _required(func: Callable[..., Any]) -> tuple[list[str], list[str]]:
    sig = inspect.signature(func)
    positional, keyword = [], []
    for p in sig.parameters.values():
        if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        (keyword if p.kind is p.KEYWORD_ONLY else positional).append(p.name)
    return positional, keyword


def _escapes(func: Callable[..., Any], *args: Any, **kwargs: Any) -> BaseException | None:
    """The exception that escapes, unless it is busetting's own (``None`` then)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            func(*args, **kwargs)
    except bs.BusettingError:
        return None
    except Exception as exc:
        return exc
    return None


def test_the_walk_covers_the_whole_public_api() -> None:
    names = {n for n, _ in CALLABLES}
    assert {"bs.allocate", "bs.revise", "bs.Problem", "bs.Need", "bs.io.read_problem"} <= names
    assert len(CALLABLES) >= 50


@pytest.mark.parametrize(("name", "func"), CALLABLES, ids=[n for n, _ in CALLABLES])
def test_bad_arguments_raise_only_busetting_errors(
    name: str, func: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # any file a bad path names lands here
    positional, keyword = _required(func)
    escaped = []
    for bad in BAD_VALUES:
        args = [bad] * len(positional)
        kwargs = dict.fromkeys(keyword, bad)
        if isinstance(func, type) and issubclass(func, pydantic.BaseModel):
            kwargs = dict.fromkeys(func.model_fields, bad)
            args = []
        exc = _escapes(func, *args, **kwargs)
        if exc is not None:
            escaped.append(f"{bad!r}: {type(exc).__name__}: {exc}")
    assert not escaped, f"{name} let untyped errors escape:\n" + "\n".join(escaped)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: bs.Need(total=-5), "column 'total': must be a whole number >= 0; got -5"),
        (lambda: bs.Need(total=5, minors=9), "must not exceed the total"),
        (lambda: bs.Rules(granularity=0), "granularity"),
        (lambda: bs.Criterion(name="a", indicator="a", weight=-1), "weight"),
    ],
)
def test_a_model_error_is_an_input_error_with_pydantic_as_its_cause(
    call: Callable[[], Any], match: str
) -> None:
    with pytest.raises(bs.InputError, match=match) as info:
        call()
    assert isinstance(info.value.__cause__, pydantic.ValidationError)
    assert len(info.value.failure_cases) >= 1


def test_with_need_over_the_minors_is_an_input_error() -> None:
    ms = [bs.Municipality(municipality_id=f"000{i}", name=f"K{i}", population=10) for i in (1, 2)]
    p = bs.Problem(
        municipalities=ms, criteria={"population": 1.0}, need=bs.Need(total=700, minors=610)
    )
    with pytest.raises(bs.InputError, match="must not exceed the total") as info:
        p.with_need(100)
    assert isinstance(info.value.__cause__, pydantic.ValidationError)
