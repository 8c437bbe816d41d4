"""During the year, on real data: the 2023 requests meet the 2023 council decisions.

IMDi asked for 38,000 in 2023; the councils decided 32,732 (IMDi figures, embedded). Here the
decisions are held, the need is revised to an illustrative 35,000, and the shortfall goes to
the municipalities that had not decided and to those that had shown spare capacity: the
persons they actually settled beyond their decision in 2023 (bosatt - vedtak). Undecided
municipalities are capped at twice what they were asked (an assumption for the example).

Run: python examples/revise_2023.py
"""

import busetting as bs
from busetting.datasets import load_history, norway_2024

h = load_history()
h23 = h[h["year"] == 2023].set_index("kommunenummer")
previous = h23["anmodning"].astype(int)  # 38,000 in all
decided = h23["vedtak"].dropna().astype(int)  # 32,732 in all
spare = (h23.loc[decided.index, "bosatt"] - decided).clip(lower=0).astype(int)
spare = spare[spare > 0]

problem = norway_2024(total=38_000, minors=0, rules=bs.Rules())
caps = {i: 2 * int(previous.get(i, 0)) for i in problem.ids if i not in decided.index}
problem = bs.Problem.model_validate(
    {
        **problem.model_dump(),
        "municipalities": [
            {**m.model_dump(), "max": caps[m.municipality_id]}
            if m.municipality_id in caps
            else m.model_dump()
            for m in problem.municipalities
        ],
    }
)

rev = bs.revise(previous, problem=problem, decisions=decided, spare_capacity=spare, total=35_000)
rev.raise_for_status()
frame = rev.to_frame()
print(rev)
print(
    f"previous {int(previous.sum()):,}, decided {int(decided.sum()):,}, "
    f"new requests {int(frame['request'].sum()):,}"
)
print("largest supplementary requests:")
print(
    frame.sort_values("change", ascending=False).head(8)[
        ["name", "previous", "decision", "spare_capacity", "request", "change"]
    ]
)

# the guarantees, checked on the real numbers
assert int(frame["request"].sum()) == 35_000
held = frame["decision"].notna() & frame["spare_capacity"].isna()
assert (frame.loc[held, "request"] == frame.loc[held, "decision"]).all()
flex = frame["spare_capacity"].notna()
assert (
    frame.loc[flex, "request"] <= frame.loc[flex, "decision"] + frame.loc[flex, "spare_capacity"]
).all()
undecided = frame["decision"].isna()
assert (frame.loc[undecided, "request"] >= frame.loc[undecided, "previous"]).all()
assert all(frame.loc[i, "request"] <= cap for i, cap in caps.items())

# the need falls below the decisions: decisions are ceilings, the cut follows the key
cut = bs.revise(previous, problem=problem, decisions=decided, total=30_000).raise_for_status()
after = cut.to_frame()
print(f"\n{cut!r}")
cuts = (after["request"] - after["decision"].fillna(after["previous"])).astype(int)
print(
    f"cut to {int(after['request'].sum()):,}: {int((cuts < 0).sum())} municipalities asked below "
    f"their decision (or request), none above; largest cuts:"
)
print(
    after.assign(cut=cuts)
    .sort_values("cut", kind="stable")
    .head(5)[["name", "previous", "decision", "request", "cut"]]
)
assert cut.direction == "down" and int(after["request"].sum()) == 30_000
assert (after["request"] <= after["decision"].fillna(after["previous"])).all()
