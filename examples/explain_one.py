"""Explaining one municipality's number: why is Bergen asked for what it is asked for?

Run: python examples/explain_one.py
"""

import busetting as bs
from busetting.datasets import norway_2024

problem = norway_2024(rules=bs.Rules())  # plain rounding, so the marginal thresholds exist
alloc = bs.allocate(problem)

explanation = alloc.explain("4601")  # Bergen
print(explanation)
print()
print(alloc.explain("4601", language="nb"))  # for the letter, in Norwegian

# the contributions add up to the target exactly as reported
assert abs(sum(explanation.contributions.values()) - explanation.target) < 1e-9

# anyone can re-check the whole allocation without a solver
check = bs.verify(problem, alloc)
print()
print(check)
assert check.feasible and check.optimal
