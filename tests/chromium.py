"""Debian's chromium for the browser tests, driven by Playwright, offline.

Playwright never downloads its own browser here: it drives ``/usr/bin/chromium`` (Debian's
``chromium`` package, which ``.ci/run`` installs when it is missing). Without a browser the
tests skip and say why; with ``BUSETTING_REQUIRE_BROWSER=1`` (set by ``.ci/run``) a missing
browser is a failure, so CI cannot pass without running them.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def missing() -> str | None:
    """Why the browser tests cannot run here, or ``None``."""
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install playwright; no browser download)"
    if not CHROMIUM.exists():
        return f"no browser at {CHROMIUM} (apt-get install -y chromium)"
    return None


def browser_session() -> Iterator[Any]:
    """One launched browser for a fixture to yield from (skip or fail without one)."""
    reason = missing()
    if reason is not None:
        if os.environ.get("BUSETTING_REQUIRE_BROWSER") == "1":
            pytest.fail(f"BUSETTING_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield b
        finally:
            b.close()
