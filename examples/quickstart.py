"""Quick start: allocate 37,000 persons over Norway's 357 municipalities.

Run: python examples/quickstart.py
"""

import busetting as bs
from busetting.datasets import load_municipalities

df = load_municipalities()  # kommunenummer, kommune, fylke, population, indicators ...
df["minors_eligible"] = df["sentralitet"] <= 3  # an illustrative eligibility rule

problem = bs.Problem.from_frame(df, total=37_000, minors=610, criteria={"population": 1.0})
alloc = bs.allocate(problem)  # Webster / Sainte-Laguë by default
alloc.raise_for_status()

print(alloc)
frame = alloc.to_frame()
print(frame.groupby("county")[["target", "request", "minors"]].sum().round(1))
assert int(frame["request"].sum()) == 37_000 and int(frame["minors"].sum()) == 610
