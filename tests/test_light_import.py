"""A light import (issue 30): ``import busetting`` and ``busetting --help`` load no
numerical library, the public names are imported on first use, and nothing changes for
the user (every name of ``__all__`` is the object of its module)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import busetting

SRC = str(Path(busetting.__file__).parent.parent)
HEAVY = ("pandas", "numpy", "pydantic", "pulp", "busetting.datasets", "busetting._model")


def _loaded_after(code: str) -> dict[str, bool]:
    """Which of :data:`HEAVY` a fresh interpreter has imported after running ``code``."""
    probe = f"{code}\nimport sys\nprint(' '.join(str(m in sys.modules) for m in {HEAVY!r}))"
    env = {**os.environ, "PYTHONPATH": SRC}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    return dict(zip(HEAVY, (word == "True" for word in out[-len(HEAVY) :]), strict=True))


def test_import_busetting_loads_no_numerical_library() -> None:
    loaded = _loaded_after("import busetting")
    assert not any(loaded.values()), loaded


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_the_cli_help_imports_no_pandas(flag: str) -> None:
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['busetting', {flag!r}]\n"
        "try:\n"
        "    runpy.run_module('busetting', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code"
    )
    loaded = _loaded_after(code)
    assert not loaded["pandas"] and not loaded["numpy"], loaded
    assert not loaded["busetting.datasets"], "the embedded data was loaded for --help"


def test_the_embedded_data_loads_on_first_use() -> None:
    loaded = _loaded_after("import busetting as bs\nbs.allocate")
    assert loaded["numpy"] and not loaded["busetting.datasets"], loaded
    loaded = _loaded_after("import busetting as bs\nbs.datasets.norway_2024")
    assert loaded["busetting.datasets"] and loaded["pandas"], loaded


def test_the_cli_still_runs_a_command_after_the_light_import() -> None:
    env = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run(
        [sys.executable, "-m", "busetting", "schema"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert '"properties"' in done.stdout


@pytest.mark.parametrize("name", sorted(busetting.__all__))
def test_every_lazy_name_is_the_object_of_its_module(name: str) -> None:
    value = getattr(busetting, name)
    where = busetting._LAZY[name]
    module = importlib.import_module(where)
    assert value is (module if where == f"busetting.{name}" else getattr(module, name))


def test_the_lazy_table_is_exactly_all() -> None:
    assert set(busetting._LAZY) == set(busetting.__all__)
    assert set(busetting.__all__) <= set(dir(busetting))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'allocat'"):
        busetting.allocat  # noqa: B018
