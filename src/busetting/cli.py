"""Command-line interface: a thin layer over the library.

``busetting`` (or ``python -m busetting``) with no arguments allocates the national need of
2024 (37,000 persons) over the embedded Norway data by population and prints a summary.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from busetting._version import __version__

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="busetting",
        description="Allocate a national settlement need over municipalities, exactly.",
    )
    parser.add_argument("--version", action="version", version=f"busetting {__version__}")
    parser.add_argument("--total", type=int, default=37_000, help="national need (persons)")
    parser.add_argument("--method", default="webster", help="apportionment method")
    parser.add_argument("--solver", default=None, help="threshold, cbc or highs")
    parser.add_argument("--top", type=int, default=10, help="largest requests to show")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = _parser().parse_args(argv)
    import busetting as bs
    from busetting.datasets import load_municipalities

    problem = bs.Problem.from_frame(
        load_municipalities(), total=args.total, criteria={"population": 1.0}
    )
    alloc = bs.allocate(problem, method=args.method, solver=args.solver)
    out = sys.stdout
    print(
        f"busetting {__version__}: {problem.total:,} persons over "
        f"{len(problem.municipalities)} municipalities (embedded Norway 2024 data, "
        "population key)",
        file=out,
    )
    print(
        f"status: {alloc.status.value}; method {alloc.method}; solver {alloc.solver} "
        f"({alloc.solver_version}); {alloc.runtime * 1000:.1f} ms",
        file=out,
    )
    if alloc.requests is None:
        print(alloc.message, file=out)
        return 3
    total = int(alloc.requests.sum())
    check = "OK" if total == problem.total else "MISMATCH"
    print(f"requests sum to {total:,} ({check})", file=out)
    frame = alloc.to_frame().sort_values("request", ascending=False, kind="stable")
    print(f"largest {args.top} requests:", file=out)
    for mid, row in frame.head(args.top).iterrows():
        print(
            f"  {mid}  {row['name']:<28} {int(row['request']):>6,}  (target {row['target']:,.2f})",
            file=out,
        )
    return 0
