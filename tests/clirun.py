"""Run the command line in this process (fast) and return what a subprocess would.

Most CLI tests call :func:`run`; a few smoke tests keep a real ``python -m busetting``
subprocess (:func:`run_process`) for what only a process shows (the entry point, the
interpreter's own encoding and exit).
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from busetting.cli import main


@dataclass(frozen=True)
class Completed:
    """The parts of :class:`subprocess.CompletedProcess` the tests read."""

    returncode: int
    stdout: str
    stderr: str


def run(*args: str, cwd: Path | None = None, stdin: str = "") -> Completed:
    """``busetting ARGS`` in process: exit code, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        if cwd is not None:
            stack.enter_context(contextlib.chdir(cwd))
        stack.enter_context(contextlib.redirect_stdout(out))  # argparse --help, --version
        stack.enter_context(contextlib.redirect_stderr(err))  # argparse usage errors
        try:
            code = main(list(args), stdout=out, stderr=err, stdin=io.StringIO(stdin))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Exception:  # what the interpreter does with an uncaught error (--debug)
            traceback.print_exc(file=err)
            code = 1
    return Completed(code, out.getvalue(), err.getvalue())


def run_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m busetting ARGS`` as a real subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "busetting", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )
