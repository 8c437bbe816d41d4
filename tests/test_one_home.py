"""One idea, one home (issue 30): the cap rules' formula is written once, in their rule
objects in ``_rules``."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import busetting as bs
from busetting._rules import upper_limits as cap_limits

SRC = Path(bs.__file__).parent


def test_the_cap_formula_is_written_only_in_the_rules() -> None:
    formula = re.compile(r"(per_capita_cap|share_cap)\s*\*")
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path in sorted(SRC.rglob("*.py"))
        if path.name != "_rules.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if formula.search(line)
    ]
    assert not found, f"the cap formula written outside _rules.py: {found}"


def test_the_caps_allow_whole_persons_and_absorb_rounding() -> None:
    rules = bs.Rules(per_capita_cap=0.004, share_cap=0.3)
    caps = dict(cap_limits(rules, np.array([2500.0, 2499.0, 0.0]), 37))
    assert caps["per-capita cap"].tolist() == [10.0, 9.0, 0.0]  # 0.004 * 2500 is 10, not 9
    assert caps["share cap"].tolist() == [11.0, 11.0, 11.0]
    assert cap_limits(bs.Rules(), np.array([1.0]), 5) == []
