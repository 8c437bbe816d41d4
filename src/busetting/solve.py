"""Deprecated alias of the private ``busetting._allocate``: import the names from ``busetting``.

Kept so that code written for busetting 0.x keeps working; removed in 1.0. Every attribute read
warns with a :class:`DeprecationWarning` naming the public spelling.
"""

from __future__ import annotations

import warnings
from typing import Any

from busetting import _allocate as _impl


def __getattr__(name: str) -> Any:
    value = getattr(_impl, name)
    warnings.warn(
        f"busetting.solve.{name} is deprecated; use busetting.{name} (or busetting._allocate "
        "for internals) instead",
        DeprecationWarning,
        stacklevel=2,
    )
    return value
