"""Generate the backtest tables and figure of docs/realism.md: python docs/gen_realism.py [--write]

Runs ``busetting.backtest`` for every year the shipped history allows (2022, 2023) with the
weights fitted on the year before, and with the ministry-literal preset; prints the Markdown;
``--write`` also writes it between the ``<!-- tables -->`` marker and the end of
docs/realism.md and redraws docs/img/realism-centrality.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

import busetting as bs
from busetting._backtest import MODEL, POPULATION_SHARE, PREVIOUS_SCALED

DOCS = Path(__file__).parent
YEARS = (2022, 2023)


def tables() -> tuple[str, dict[int, bs.Backtest]]:
    results = {year: bs.backtest(year) for year in YEARS}
    lines = [
        "| year | model | weights from | L1/N | Spearman | within ±25 % | zero requests |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for year, result in results.items():
        ministry = bs.backtest(year, weights="ministry")
        rows = [
            ("**fitted model (default)**", result.fitted_on, result.table.loc[MODEL]),
            ("ministry-literal preset", "fixed", ministry.table.loc[MODEL]),
            ("previous year rescaled", "—", result.table.loc[PREVIOUS_SCALED]),
            ("population share", "—", result.table.loc[POPULATION_SHARE]),
        ]
        for name, source, row in rows:
            lines.append(
                f"| {year} | {name} | {source} | {row['l1_over_n']:.4f} | "
                f"{row['spearman']:.3f} | {row['within_25pct']:.1%} | "
                f"{int(row['zero_requests'])} |"
            )
    last = results[YEARS[-1]]
    lines += [
        "",
        f"Weights behind the {YEARS[-1]} prediction ({last.fitted_on}):",
        "",
        "| criterion | weight |",
        "|---|---:|",
        *[f"| `{k}` | {v:.3f} |" for k, v in last.weights.items()],
        "",
        f"Requests per 1,000 residents by SSB centrality class, {YEARS[-1]}:",
        "",
        "| class | real | model | previous year rescaled | population share |",
        "|---|---:|---:|---:|---:|",
    ]
    for cls, row in last.by_centrality.iterrows():
        lines.append(
            f"| {cls} | {row['real']:.2f} | {row[MODEL]:.2f} | {row[PREVIOUS_SCALED]:.2f} | "
            f"{row[POPULATION_SHARE]:.2f} |"
        )
    lines += [
        "",
        f"L1 / the county's real total, per county, {YEARS[-1]}:",
        "",
        "| county | model | previous year rescaled | population share |",
        "|---|---:|---:|---:|",
    ]
    for county, row in last.by_county.iterrows():
        lines.append(
            f"| {county} | {row[MODEL]:.3f} | {row[PREVIOUS_SCALED]:.3f} | "
            f"{row[POPULATION_SHARE]:.3f} |"
        )
    return "\n".join(lines), results


def figure(result: bs.Backtest, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    profile = result.by_centrality
    fig, ax = plt.subplots(figsize=(7, 4))
    styles = {
        "real": ("IMDi's real requests", "k", "o", "-"),
        MODEL: ("fitted model", "tab:blue", "s", "-"),
        PREVIOUS_SCALED: ("previous year rescaled", "tab:orange", "^", "--"),
        POPULATION_SHARE: ("population share", "tab:gray", "v", ":"),
    }
    for column, (label, color, marker, line) in styles.items():
        ax.plot(profile.index, profile[column], line, color=color, marker=marker, label=label)
    ax.set_xlabel("SSB centrality class (1 = most central, 6 = least central)")
    ax.set_ylabel("requests per 1,000 residents")
    ax.set_title(f"{result.year}: requests per resident by centrality (from {result.year - 1})")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    text, results = tables()
    print(text)
    if "--write" in sys.argv:
        doc = DOCS / "realism.md"
        head = doc.read_text(encoding="utf-8").split("<!-- tables -->")[0]
        doc.write_text(f"{head}<!-- tables -->\n{text}\n", encoding="utf-8")
        figure(results[YEARS[-1]], DOCS / "img" / "realism-centrality.png")


if __name__ == "__main__":
    main()
