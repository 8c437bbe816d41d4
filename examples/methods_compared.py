"""The six methods on the 1790 US census, the classic apportionment example.

Hamilton's 120-seat bill and Jefferson's 105-seat act of 1792 are reproduced exactly.
Run: python examples/methods_compared.py
"""

import pandas as pd

import busetting as bs

census = {
    "Connecticut": 236_841,
    "Delaware": 55_540,
    "Georgia": 70_835,
    "Kentucky": 68_705,
    "Maryland": 278_514,
    "Massachusetts": 475_327,
    "New Hampshire": 141_822,
    "New Jersey": 179_570,
    "New York": 331_589,
    "North Carolina": 353_523,
    "Pennsylvania": 432_879,
    "Rhode Island": 68_446,
    "South Carolina": 206_236,
    "Vermont": 85_533,
    "Virginia": 630_560,
}
states = pd.DataFrame(
    {
        "municipality_id": [f"{i:04d}" for i in range(1, len(census) + 1)],
        "name": list(census),
        "population": list(census.values()),
    }
)
problem = bs.Problem.from_frame(states, total=105, criteria={"population": 1.0})
table = pd.DataFrame({m.value: bs.allocate(problem, method=m).requests for m in bs.Method})
table.index = states["name"]
print(table)
assert table["dhondt"]["Virginia"] == 19  # the Apportionment Act of 1792
