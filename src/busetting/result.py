"""Deprecated 0.x name; import from ``busetting`` instead (removed in 1.0)."""

from busetting import _result
from busetting._deprecated import module_alias

__getattr__ = module_alias("result", _result)
