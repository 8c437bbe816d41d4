"""Shared fixtures and hypothesis profiles.

Profiles: ``dev`` (the default locally) and ``ci`` (chosen when the ``CI`` environment
variable is set) are both deterministic (``derandomize``, no example database) and quick, so a
local run is reproducible and never stops to shrink a case found by chance; ``explore``
searches widely with random seeds (``HYPOTHESIS_PROFILE=explore pytest``) and ``slow`` is for
the long fuzzing runs (``HYPOTHESIS_PROFILE=slow pytest -m slow``).

The longest tests run first (:data:`LONGEST_FIRST`): under xdist a long test that starts last
keeps one worker busy while the other has nothing left to do.
"""

from __future__ import annotations

import os
from importlib import resources

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev",
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "slow", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

LONGEST_FIRST = (
    "tests/test_rules.py::test_rules_hold_on_random_instances",
    "tests/test_explain.py::test_contributions_sum_to_the_target_in_any_explanation",
    "tests/test_feasibility.py::test_verify_against_the_oracle_on_random_small_problems",
    "tests/test_notebook.py::test_the_county_analyst_notebook_runs_and_its_plots_are_images",
    "tests/test_calibrate.py::test_cli_calibrate",
)
"""The tests of more than 5 CPU seconds (measured on 2 cores, issue 19), longest first."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the :data:`LONGEST_FIRST` tests to the front; the rest keep their order."""
    rank = {name: k for k, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("[")[0], len(rank)))


@pytest.fixture(scope="session")
def norway_frame() -> pd.DataFrame:
    """The embedded 2024 municipality table (357 rows), ids as strings."""
    path = resources.files("busetting.datasets").joinpath("municipalities_2024.csv")
    with path.open("rb") as fh:
        return pd.read_csv(fh, dtype={"kommunenummer": str, "fylkesnummer": str})
