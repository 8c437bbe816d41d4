"""Generate the backtest tables and figure of docs/realism.md: python docs/gen_realism.py [--write]

Runs ``busetting.backtest_recipes`` (the rolling-origin backtest of every named recipe over
every year the shipped history allows, with paired bootstrap margins over persistence),
applies the selection rule (``busetting.choose_default``) and prints the Markdown;
``--write`` also writes it between the ``<!-- tables -->`` marker and the end of
docs/realism.md and redraws docs/img/realism-centrality.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import busetting as bs
from busetting.datasets import DEFAULT_RECIPE, FITTED_WEIGHTS, load_municipalities

DOCS = Path(__file__).parent
PROFILE_YEAR = 2023


def _profile(result: bs.RecipeBacktest, columns: list[str]) -> pd.DataFrame:
    """Requests per 1,000 residents per SSB centrality class, real and per recipe."""
    frame = result.allocations[PROFILE_YEAR]
    muni = load_municipalities().set_index("kommunenummer").loc[list(frame.index)]
    grouped = frame[["real", *columns]].assign(
        centrality=muni["sentralitet"].to_numpy(), population=muni["population"].to_numpy()
    )
    sums = grouped.groupby("centrality").sum()
    return sums[["real", *columns]].div(sums["population"], axis=0) * 1000


def _by_county(result: bs.RecipeBacktest, columns: list[str]) -> pd.DataFrame:
    frame = result.allocations[PROFILE_YEAR]
    muni = load_municipalities().set_index("kommunenummer").loc[list(frame.index)]
    county = muni["fylke"].to_numpy()
    errors = frame[columns].sub(frame["real"], axis=0).abs()
    return errors.groupby(county).sum().div(frame["real"].groupby(county).sum(), axis=0)


def tables() -> tuple[str, bs.RecipeBacktest, str]:
    result = bs.backtest_recipes()
    pick = bs.choose_default(result)
    qualified = ", ".join(f"`{s}`" for s in _qualified(result)) or "none"
    lines = [
        result.to_markdown(),
        "",
        f"**The rule picks `{pick}`** (qualified: {qualified}). The shipped default "
        f"(`DEFAULT_RECIPE`) is `{DEFAULT_RECIPE.spec}`; its 2024 weights:",
        "",
        "| criterion | weight |",
        "|---|---:|",
        *[f"| `{k}` | {v:.3f} |" for k, v in DEFAULT_RECIPE.weights(FITTED_WEIGHTS).items()],
    ]
    columns = list(dict.fromkeys(["persistence", "fitted", pick]))
    profile = _profile(result, columns)
    lines += [
        "",
        f"Requests per 1,000 residents by SSB centrality class, {PROFILE_YEAR}:",
        "",
        "| class | real | " + " | ".join(columns) + " |",
        "|---|---:|" + "---:|" * len(columns),
    ]
    for cls, row in profile.iterrows():
        values = " | ".join(f"{row[c]:.2f}" for c in columns)
        lines.append(f"| {cls} | {row['real']:.2f} | {values} |")
    county = _by_county(result, columns)
    lines += [
        "",
        f"L1 / the county's real total, per county, {PROFILE_YEAR}:",
        "",
        "| county | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for name, row in county.iterrows():
        lines.append(f"| {name} | " + " | ".join(f"{row[c]:.3f}" for c in columns) + " |")
    return "\n".join(lines), result, pick


def _qualified(result: bs.RecipeBacktest) -> list[str]:
    """The recipes that pass the rule's test (for the text; the pick is choose_default's)."""
    out = []
    for spec in result.recipes[1:]:
        per_year = result.scores.xs(spec, level="recipe").loc[list(result.years)]
        if result.pooled.loc[spec, "margin_high"] < 0 and (per_year["margin_high"] < 0).all():
            out.append(spec)
    return out


def figure(result: bs.RecipeBacktest, pick: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = list(dict.fromkeys(["persistence", "fitted", pick]))
    profile = _profile(result, columns)
    fig, ax = plt.subplots(figsize=(7, 4))
    styles = {"real": ("IMDi's real requests", "k", "o", "-")}
    palette = iter(["tab:orange", "tab:gray", "tab:blue"])
    markers = iter(["^", "v", "s"])
    for column in columns:
        label = f"{column} (default)" if column == pick else column
        styles[column] = (label, next(palette), next(markers), "--" if column != pick else "-")
    for column, (label, color, marker, line) in styles.items():
        ax.plot(profile.index, profile[column], line, color=color, marker=marker, label=label)
    ax.set_xlabel("SSB centrality class (1 = most central, 6 = least central)")
    ax.set_ylabel("requests per 1,000 residents")
    ax.set_title(f"{PROFILE_YEAR}: requests per resident by centrality (from {PROFILE_YEAR - 1})")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    text, result, pick = tables()
    print(text)
    if "--write" in sys.argv:
        doc = DOCS / "realism.md"
        head = doc.read_text(encoding="utf-8").split("<!-- tables -->")[0]
        doc.write_text(f"{head}<!-- tables -->\n{text}\n", encoding="utf-8")
        figure(result, pick, DOCS / "img" / "realism-centrality.png")


if __name__ == "__main__":
    main()
