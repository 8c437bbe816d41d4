"""A real cut during the year: IMDi's 2020 requests lowered after the councils had decided.

In 2020 IMDi first asked 211 municipalities for 5,120 refugees (``anmodning_opprinnelig``).
The councils decided 4,838 (``vedtak``); then the national need was cut to 3,602 and the
requests were lowered (``anmodning``). This script replays the cut with ``revise`` and scores
each rule against the real revised requests: L1/N = sum |x - real| / N, Spearman's rank
correlation, how many municipalities are asked above their decision and how many match
exactly.

The key is IMDi's own original requests (the year's key: the counties' recommendations and
IMDi's judgement are in them), so "spread by the key" means in proportion to what each
municipality was first asked. The rules compared:

* ``revise``, decisions as ceilings (this library): nobody above its decision or its
  original request, the cut spread by the key over what remains;
* the same with 2020's minimum request of 10 (nobody was asked for fewer than 10 that year);
* the plain rule: cap each request at its decision, then scale to the new need;
* the old ``revise``: decisions held exactly (infeasible here: they sum above the new need),
  or left out, which gives a nearly uniform cut.

Run: python examples/revise_2020_cut.py
"""

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

import busetting as bs
from busetting.datasets import load_history_2020_2021

h = load_history_2020_2021()
y20 = h[h["year"] == 2020].set_index("kommunenummer")
original = y20["anmodning_opprinnelig"].fillna(0).astype(int)  # 5,120 in all
real = y20["anmodning"].fillna(0).astype(int)  # 3,602: the real revised requests
decided = y20["vedtak"].dropna().astype(int)  # 4,838 in all, 199 councils
need = int(real.sum())


def key_problem(key: pd.Series, rules: bs.Rules | None = None) -> bs.Problem:
    """The 356 municipalities with ``key`` as their only criterion."""
    ms = [
        bs.Municipality(
            municipality_id=i,
            name=y20.loc[i, "kommune"],
            county=y20.loc[i, "fylke"],
            population=0,
            indicators={"key": float(key[i])},
        )
        for i in y20.index
    ]
    return bs.Problem(
        municipalities=ms,
        criteria={"key": 1.0},
        need=bs.Need(total=int(original.sum())),
        rules=rules or bs.Rules(),
    )


asked = original.index[original > 0]  # the 211 municipalities first asked


def score(requests: pd.Series) -> dict[str, str]:
    """Scores over the municipalities first asked (the others stay at 0 under every rule)."""
    x = requests.reindex(asked).astype(int)
    y = real.reindex(asked)
    above = int((x.reindex(decided.index).dropna() > decided).sum())
    return {
        "L1/N": f"{np.abs(x - y).sum() / need:.4f}",
        "Spearman": f"{spearmanr(x, y).statistic:.4f}",
        "above decision": f"{above}",
        "exact": f"{int((x == y).sum())} of {len(asked)}",
        "total": f"{int(requests.sum()):,}",
    }


problem = key_problem(original)
rules_2020 = bs.Rules(min_request=10)
results: dict[str, pd.Series] = {}

# this library: decisions are ceilings, the cut is spread by the key
ceilings = bs.revise(original, problem=problem, decisions=decided, total=need).raise_for_status()
results["revise: decisions as ceilings"] = ceilings.allocation.requests
ceilings_10 = bs.revise(
    original, problem=problem.with_rules(rules_2020), decisions=decided, total=need
).raise_for_status()
results["revise: ceilings + minimum request 10"] = ceilings_10.allocation.requests

# the plain rule: cap at the decision, then scale
capped = np.minimum(original, decided.reindex(original.index).fillna(original)).astype(int)
plain = bs.allocate(key_problem(capped).with_need(need)).raise_for_status()
results["cap at decision, then scale"] = plain.requests

# the old revise: decisions held exactly (infeasible), or left out (a uniform cut)
held = bs.allocate(
    problem.with_need(need).with_fixed(decided.to_dict()), method="webster"
)  # what holding the decisions means
print(f"decisions held exactly: {held.status.value} ({held.message})")
uniform = bs.revise(original, problem=problem, total=need).raise_for_status()
results["uniform cut (decisions left out)"] = uniform.allocation.requests
uniform_10 = bs.revise(
    original, problem=problem.with_rules(rules_2020), total=need
).raise_for_status()
results["uniform cut + minimum request 10"] = uniform_10.allocation.requests

table = pd.DataFrame({name: score(x) for name, x in results.items()}).T
print(
    f"\n2020: original {int(original.sum()):,}, decided {int(decided.sum()):,}, "
    f"revised to {need:,} (real); scored over the {len(asked)} municipalities first asked"
)
print(table.to_string())

frame = ceilings_10.to_frame().join(real.rename("real"))
frame = frame[frame["previous"] > 0]
print("\nlargest cuts, revise with ceilings and minimum 10, next to the real revised requests:")
print(
    frame.assign(size=frame["change"].abs())
    .sort_values("size", ascending=False, kind="stable")
    .head(8)[["name", "previous", "decision", "request", "real"]]
    .to_string()
)

# the key at a cut, a named choice: the problem's own key (here IMDi's original requests) or
# each municipality's commitment (the smaller of its request and its council decision)
keys = {}
for label, rules in (("", bs.Rules()), (" + minimum 10", rules_2020)):
    for cut_key in ("original", "commitment"):
        rev = bs.revise(
            original,
            problem=problem.with_rules(rules),
            decisions=decided,
            total=need,
            cut_key=cut_key,
        ).raise_for_status()
        x = rev.allocation.requests.reindex(asked).astype(int)
        cut_model, cut_real = (
            original.reindex(asked) - x,
            original.reindex(asked) - real.reindex(asked),
        )
        keys[f"cut_key={cut_key!r}{label}"] = {
            "L1/N": f"{np.abs(x - real.reindex(asked)).sum() / need:.4f}",
            "Spearman of the cuts": f"{spearmanr(cut_model, cut_real).statistic:.4f}",
            "raised": f"{int((x > original.reindex(asked)).sum())}",
        }
        assert (x <= original.reindex(asked)).all()  # in a cut no request rises
print("\nthe key at a cut, side by side (scored over the municipalities first asked):")
print(pd.DataFrame(keys).T.to_string())

# the guarantees, checked on the real numbers
for result in (ceilings, ceilings_10):
    x = result.allocation.requests
    assert int(x.sum()) == need
    assert (x.reindex(decided.index) <= decided).all()  # decisions are ceilings
    assert (x <= original.reindex(x.index)).all()  # nobody is raised in a cut
assert held.status == "infeasible"  # the old revise cannot hold 4,838 decided in 3,602
