"""The command line, run as a subprocess."""

from __future__ import annotations

import subprocess
import sys


def test_default_run_allocates_the_national_need_on_the_embedded_data() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "busetting"], capture_output=True, text=True, check=True, timeout=120
    )
    assert "requests sum to 37,000 (OK)" in out.stdout
    assert "0301  Oslo" in out.stdout
    assert out.stderr == ""
