"""The installed version of busetting."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("busetting")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"
