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

__all__ = ["SOLVERS", "available_solvers", "cbc_path", "solver_version"]

SOLVERS = ("threshold", "cbc", "highs")


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


def available_solvers() -> tuple[str, ...]:
    """Names of the solvers usable on this machine, fastest first.

    Returns
    -------
    tuple of str
        ``"threshold"``, then ``"cbc"`` and ``"highs"`` where installed.
    """
    names = ["threshold"]
    if cbc_path() is not None:
        names.append("cbc")
    if _highs_installed():
        names.append("highs")
    return tuple(names)


@functools.cache
def solver_version(name: str) -> str:
    """A version string for ``name`` (``"unknown"`` when it cannot be read)."""
    if name == "threshold":
        from busetting._version import __version__

        return f"busetting {__version__}"
    if name == "cbc":
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
    if name == "highs":
        if not _highs_installed():
            return "unavailable"
        from importlib.metadata import version

        return f"HiGHS {version('highspy')}"
    return "unknown"
