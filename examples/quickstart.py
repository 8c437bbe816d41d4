"""Quick start: the 2024 request letters for Norway's 357 municipalities.

Run: python examples/quickstart.py
"""

import busetting as bs
from busetting.datasets import load_municipalities, norway_2024

problem = norway_2024()  # 37,000 persons, of whom 610 unaccompanied minors
alloc = bs.allocate(problem)  # Webster / Sainte-Laguë by default
alloc.raise_for_status()

print(alloc)
frame = alloc.to_frame()
print(frame.groupby("county")[["target", "request", "minors"]].sum().round(1))
assert int(frame["request"].sum()) == 37_000 and int(frame["minors"].sum()) == 610

# Your own table: any DataFrame with ids, names and the indicator columns.
df = load_municipalities()
mine = bs.Problem.from_frame(df, total=1_000, criteria={"population": 1.0})
print(bs.allocate(mine).requests.nlargest(3))
