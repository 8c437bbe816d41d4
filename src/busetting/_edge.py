"""The API edge: the types of a public function's arguments, checked from its annotations.

A public function calls :func:`check_types` first, with its own ``locals()``::

    def allocate(problem: Problem, *, method: Method | str = "webster", ...) -> Allocation:
        check_types(allocate, locals())

An argument whose type does not fit the annotation raises one
:class:`~busetting._exceptions.InputError` in the house grammar ("The `problem` parameter of
`allocate` must be a busetting.Problem. Got NoneType instead."), instead of an
``AttributeError`` deep inside. Only the outer type is checked (a ``Mapping``, a ``Sequence``,
a class, ``None``); the values inside, and plain scalars, are the function's own business.
An annotation that cannot be resolved at run time (a name imported only for type checking)
is not checked.
"""

from __future__ import annotations

import collections.abc
import enum
import functools
import inspect
import math
import numbers
import os
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from busetting._exceptions import InputError

__all__ = ["COUNT_REASON", "check_count", "check_types", "type_problem"]

Check = Callable[[Any], bool]


def check_types(func: Callable[..., Any], values: Mapping[str, Any]) -> None:
    """Raise :class:`InputError` for the first argument in ``values`` whose type does not fit
    the annotation of ``func`` (``values`` is the function's ``locals()`` on entry)."""
    checks = _checks(func)
    for name, (check, expected) in checks.items():
        if name in values and not check(values[name]):
            raise InputError(type_problem(func.__name__, name, expected, values[name]))


def type_problem(func: str, name: str, expected: str, value: Any) -> str:
    """The message for an argument of the wrong type (scikit-learn's grammar)."""
    return (
        f"The `{name}` parameter of `{func}` must be {expected}. "
        f"Got {type(value).__name__} instead."
    )


def _qualified(cls: type) -> str:
    """``busetting.Problem``, ``pandas.Series``, ``concurrent.futures.Executor``: the shortest
    public spelling of a class."""
    top = cls.__module__.split(".")[0]
    if getattr(sys.modules.get(top), cls.__name__, None) is cls:
        return f"{top}.{cls.__name__}"
    public = [part for part in cls.__module__.split(".") if not part.startswith("_")]
    return ".".join([*public, cls.__name__])


@functools.cache
def _checks(func: Callable[..., Any]) -> dict[str, tuple[Check, str]]:
    """The check and the expected-type words of each annotated parameter of ``func``.

    A parameter whose annotation holds only scalars (numbers, strings, ``None``, enums,
    ``Literal`` values) is left to the function, which checks the value and says what it
    expected in its own words.
    """
    out: dict[str, tuple[Check, str]] = {}
    glob = getattr(func, "__globals__", {})
    for p in inspect.signature(func).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.annotation is inspect.Parameter.empty:
            continue
        hint = p.annotation
        if isinstance(hint, str):
            try:
                hint = eval(hint, dict(glob), {})  # the function's own annotation
            except Exception:  # unresolvable at run time: not checked
                continue
        if all(_scalar(h) for h in _members(hint)):
            continue
        built = _build(hint)
        if built is not None:
            out[p.name] = built
    return out


def _members(hint: Any) -> list[Any]:
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return [m for a in typing.get_args(hint) for m in _members(a)]
    return [hint]


def _scalar(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if hint is None or hint is type(None) or origin is typing.Literal:
        return True
    if hint is collections.abc.Callable or origin is collections.abc.Callable:
        return True  # a callback: the function says what it calls it with
    return isinstance(hint, type) and (
        hint in (bool, int, float, str) or issubclass(hint, enum.Enum)
    )


_WORDS = {
    bool: "True or False",
    int: "a whole number",
    float: "a number",
    str: "a string",
    os.PathLike: "a path",
}


def _build(hint: Any) -> tuple[Check, str] | None:
    """A check for one annotation, or ``None`` when it accepts anything (or is unknown)."""
    if hint is Any or hint is object:
        return None
    if hint is None or hint is type(None):
        return (lambda v: v is None), "None"
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        parts = [_build(a) for a in typing.get_args(hint)]
        if any(part is None for part in parts):
            return None
        checks = [part[0] for part in parts if part is not None]
        said = dict.fromkeys(part[1] for part in parts if part is not None)
        words = " or ".join(sorted(said, key=lambda w: w != "None"))  # "None or a ..."
        return (lambda v: any(c(v) for c in checks)), words
    if origin is typing.Literal:
        allowed = typing.get_args(hint)
        return (lambda v: any(v == a and type(v) is type(a) for a in allowed)), " or ".join(
            map(repr, allowed)
        )
    if origin is typing.Annotated:
        return _build(typing.get_args(hint)[0])
    if origin is tuple and typing.get_args(hint) and ... not in typing.get_args(hint):
        n = len(typing.get_args(hint))
        return (
            lambda v: (
                isinstance(v, collections.abc.Sequence)
                and not isinstance(v, str | bytes)
                and len(v) == n
            )
        ), f"a sequence of {n}"
    if origin is not None:
        hint = origin
    if hint is collections.abc.Callable:
        return callable, "callable"
    if hint is float:
        return (lambda v: isinstance(v, numbers.Real) and not isinstance(v, bool)), "a number"
    if hint is int:
        return (lambda v: isinstance(v, numbers.Integral) and not isinstance(v, bool)), _WORDS[int]
    if hint in (collections.abc.Sequence, list, tuple):
        return (
            lambda v: isinstance(v, collections.abc.Sequence) and not isinstance(v, str | bytes)
        ), "a sequence"
    if hint in (collections.abc.Mapping, dict):
        return (lambda v: isinstance(v, collections.abc.Mapping)), "a mapping"
    if isinstance(hint, type):
        if hint.__module__ == "numpy" or hint.__module__.startswith("numpy."):
            return None  # numpy arrays and scalars: the function converts them
        cls = hint
        word = _WORDS.get(cls, f"a {_qualified(cls)}")
        return (lambda v: isinstance(v, cls)), word
    return None


COUNT_REASON = "must be a whole number >= 0"


def check_count(value: Any) -> int:
    """Accept a whole number >= 0 (an int, or a float holding one); else ValueError."""
    if hasattr(value, "item") and not isinstance(value, (str, bool, int, float)):
        value = value.item()  # numpy scalars
    if isinstance(value, bool):
        raise ValueError(COUNT_REASON)
    if isinstance(value, int):
        n = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        n = int(value)
    else:
        raise ValueError(COUNT_REASON)
    if n < 0:
        raise ValueError(COUNT_REASON)
    return n
