"""Every command line of the README runs as written, in order, in an empty folder.

Issue 29: three README lines failed verbatim (``counties --out utkast/``: the folder did not
exist; ``revise`` and ``reconcile`` named files no earlier line wrote). This test runs every
line of the README's ``bash`` blocks in a real shell, one after the other, in an empty
temporary folder, with ``busetting`` being this checkout's package.

The two Quick start lines install and then run. The install half is not run (it needs the
network and would reinstall the package under test); it is checked instead: every extra it
names exists in ``pyproject.toml``, and the command after ``&&`` is run first in the folder
(``python -m busetting``) or is this very suite (``python -m pytest``).
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _bash_lines() -> list[str]:
    """Every line of every ``bash`` block of the README, in order."""
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def _environment(tmp: Path) -> dict[str, str]:
    """PATH with a ``busetting`` that runs this checkout's package with this interpreter."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "busetting"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m busetting "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    python = bin_dir / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(python.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["NO_COLOR"] = "1"
    return env


INSTALL = re.compile(r'^python -m pip install -e "\.\[([a-z,]+)\]" && (.+)$')
"""A Quick start line: the install (with its extras) and the command run after it."""


def test_the_quick_start_install_lines_name_real_extras_and_their_commands_hold() -> None:
    extras = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
            "optional-dependencies"
        ]
    )
    installs = [INSTALL.match(line) for line in _bash_lines() if line.startswith("python -m pip")]
    assert len(installs) == 2 and all(installs)
    named = {e for m in installs if m for e in m.group(1).split(",")}
    assert named <= extras, named - extras
    assert [m.group(2) for m in installs if m] == ["python -m busetting", "python -m pytest"]


def test_every_readme_command_line_runs_verbatim_in_an_empty_folder(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    lines = [line for line in _bash_lines() if not line.startswith("python -m pip")]
    lines.insert(0, "python -m busetting")  # the run half of the first Quick start line
    assert len(lines) >= 20
    for line in lines:
        done = subprocess.run(
            ["bash", "-c", line], cwd=work, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"{line!r} failed:\n{done.stdout}\n{done.stderr}"
    written = {p.name for p in work.iterdir()}
    assert {"out.xlsx", "mine.csv", "anmodning.csv", "revised.xlsx", "endringer.xlsx"} <= written
    assert {"rapport.html", "vestland.html", "anmodninger.xlsx", "scenarios.csv"} <= written
    assert len(list((work / "utkast").glob("*.xlsx"))) == 16
