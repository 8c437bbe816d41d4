"""The county round on the embedded 2024 data: drafts out, recommendations in, one answer.

IMDi sends each county its share of the draft; three county councils send their
recommendations back (synthetic here, typed into the draft workbooks as a county would):

* Agder recommends numbers that fit its share and the rules (two municipalities swap 5);
* Vestland asks for 100 more than its share for Bergen;
* Rogaland asks one small municipality for 3, below the minimum request of 5 (and gives the
  rest to its largest municipality, so its sum still equals its share).

The other twelve counties send nothing back. ``reconcile`` returns the final requests, exact in
total and minors and honouring the rules, and the per-county report of every change.

Run: python examples/county_round.py
"""

import tempfile
from pathlib import Path

import openpyxl

import busetting as bs
from busetting.datasets import norway_2024


def fill(path: Path, values: dict[str, int]) -> None:
    """Type recommendations into a county's draft workbook."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    column = [c.value for c in sheet[1]].index("tilråding anmodning") + 1
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in values:
            sheet.cell(row=row[0].row, column=column, value=values[row[0].value])
    book.save(path)


problem = norway_2024()
draft = bs.allocate(problem).raise_for_status()
drafts = bs.county_drafts(draft)

with tempfile.TemporaryDirectory() as folder:
    paths = {p.stem: p for p in bs.write_county_drafts(drafts, folder, allocation=draft)}
    print(f"draft: {len(paths)} workbooks written ({', '.join(sorted(paths)[:3])}, ...)")

    def draft_of(county: str) -> dict[str, int]:
        frame = drafts[county].set_index("municipality_id")["draft_request"]
        return {k: int(v) for k, v in frame.items()}

    agder = draft_of("Agder")
    swap = [k for k, v in agder.items() if v >= 15][:2]
    agder[swap[0]] += 5
    agder[swap[1]] -= 5
    fill(paths["agder"], agder)

    vestland = draft_of("Vestland")
    vestland["4601"] += 100  # Bergen
    fill(paths["vestland"], vestland)

    rogaland = draft_of("Rogaland")
    small = min((k for k, v in rogaland.items() if v >= 10), key=lambda k: (rogaland[k], k))
    largest = max(rogaland, key=lambda k: (rogaland[k], k))
    rogaland[largest] += rogaland[small] - 3
    rogaland[small] = 3
    fill(paths["rogaland"], rogaland)

    returned = bs.read_recommendations(
        [paths["agder"], paths["vestland"], paths["rogaland"]], problem=problem
    )

result = bs.reconcile(problem, returned, draft=draft).raise_for_status()
final = result.allocation
assert final.requests is not None and final.minors is not None
assert int(final.requests.sum()) == problem.total
assert int(final.minors.sum()) == problem.minors_total
assert final.requests.loc[list(agder)].to_dict() == agder  # fits: comes back exactly

print(f"returned by: {', '.join(returned.counties)}")
print(result.counties[["share", "recommendation", "request", "case", "changed"]].to_string())
print()
for change in result.changes.itertuples(index=False):
    print(
        f"{change.county}: {change.municipality_id} {change.name} "
        f"{change.recommendation} -> {change.request}: {change.reason}"
    )
