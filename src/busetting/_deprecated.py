"""The deprecated module paths of busetting 0.x (``busetting.model``, ``busetting.solve``, …).

Each old module is a two-line alias of its private successor; reading any attribute through it
warns with a :class:`DeprecationWarning` that names the public spelling. Removed in 1.0.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any

__all__ = ["module_alias"]


def module_alias(old: str, impl: ModuleType) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``busetting.<old>`` that reads from ``impl`` and warns.

    Parameters
    ----------
    old : str
        The deprecated module's name under ``busetting`` (e.g. ``"model"``).
    impl : module
        The private module that now holds its names.

    Returns
    -------
    callable
        ``__getattr__(name)`` for the deprecated module.
    """

    def __getattr__(name: str) -> Any:
        value = getattr(impl, name)
        warnings.warn(
            f"busetting.{old}.{name} is deprecated; use busetting.{name} "
            f"(or {impl.__name__} for internals) instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return value

    return __getattr__
