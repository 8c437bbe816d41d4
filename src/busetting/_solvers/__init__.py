"""Solver backends and the registry of what is installed.

=============  ==========================================================================
name           what it is
=============  ==========================================================================
``threshold``  exact divisor/threshold computation in numpy (bounds-only problems); fastest
``cbc``        the integer program built with PuLP, solved by CBC (ships with PuLP)
``highs``      the same integer program solved by HiGHS (needs ``highspy``:
               ``pip install "busetting[highs]"``)
=============  ==========================================================================

Only this package imports PuLP or highspy, and only when a solve needs them.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version

from busetting._version import __version__

__all__ = ["REGISTRY", "SOLVERS", "Solver", "available_solvers", "cbc_path", "solver_version"]


def cbc_path() -> str | None:
    """Path of the CBC binary: PuLP's bundled one, else ``cbc`` on the PATH; None if absent."""
    try:
        from pulp.apis import coin_api
    except ImportError:  # pragma: no cover - pulp is a core dependency
        return shutil.which("cbc")
    bundled: str = os.path.normpath(coin_api.pulp_cbc_path)
    if os.path.isfile(bundled) and os.access(bundled, os.X_OK):
        return bundled
    return shutil.which("cbc")


def _highs_installed() -> bool:
    return importlib.util.find_spec("highspy") is not None


def _cbc_installed() -> bool:
    return cbc_path() is not None


def _always() -> bool:
    return True


def _threshold_version() -> str:
    return f"busetting {__version__}"


def _cbc_version() -> str:
    path = cbc_path()
    if path is None:
        return "unavailable"
    try:
        out = subprocess.run(
            [path, "-quit"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    found = re.search(r"Version:\s*(\S+)", out)
    return f"CBC {found.group(1)}" if found else "CBC (unknown version)"


def _highs_version() -> str:
    if not _highs_installed():
        return "unavailable"
    return f"HiGHS {version('highspy')}"


@dataclass(frozen=True)
class Solver:
    """One solver of the registry: whether it is usable here and its version string.

    The integer program's backends build their PuLP commands in
    :data:`busetting._solvers.milp.COMMANDS`.
    """

    name: str
    available: Callable[[], bool]
    version: Callable[[], str]


REGISTRY: dict[str, Solver] = {
    s.name: s
    for s in (
        Solver("threshold", _always, _threshold_version),
        Solver("cbc", _cbc_installed, _cbc_version),
        Solver("highs", _highs_installed, _highs_version),
    )
}
"""Every solver by name, fastest first."""

SOLVERS = tuple(REGISTRY)


def available_solvers() -> tuple[str, ...]:
    """Names of the solvers usable on this machine, fastest first.

    Returns
    -------
    tuple of str
        ``"threshold"``, then ``"cbc"`` and ``"highs"`` where installed.
    """
    return tuple(name for name, solver in REGISTRY.items() if solver.available())


@functools.cache
def solver_version(name: str) -> str:
    """A version string for ``name`` (``"unknown"`` when it cannot be read)."""
    solver = REGISTRY.get(name)
    return "unknown" if solver is None else solver.version()
