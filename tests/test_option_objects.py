"""Long parameter lists in the solver and rules layers stay grouped into option objects.

Parameters that travel together are frozen objects (``milp.Budget``: backend and time;
``milp.Start``: the start of the windows; ``_allocate.Verdict``: what a route says of its
answer). The count pins where the grouping left things: at most eight parameters, and only
the three functions listed below at eight (their parameters do not travel together)."""

from __future__ import annotations

import ast
from pathlib import Path

import busetting as bs

LAYERS = (
    "_allocate.py",
    "_constrained.py",
    "_diagnose.py",
    "_feasibility.py",
    "_rules.py",
    "_solvers/__init__.py",
    "_solvers/lagrange.py",
    "_solvers/milp.py",
    "_solvers/sets.py",
    "_solvers/split.py",
    "_solvers/threshold.py",
)

AT_EIGHT = {
    "_solvers/lagrange.py:_row_options",
    "_solvers/milp.py:_widen_at_edges",
    "_solvers/sets.py:dual_bound",
}


def _long(path: Path) -> dict[str, int]:
    out = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            a = node.args
            names = [
                p.arg
                for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)
                if p.arg not in ("self", "cls")
            ]
            if len(names) >= 8:
                out[node.name] = len(names)
    return out


def test_no_function_in_the_solver_and_rules_layers_takes_more_than_eight() -> None:
    root = Path(bs.__file__).parent
    found = {f"{m}:{name}": n for m in LAYERS for name, n in _long(root / m).items()}
    assert max(found.values(), default=0) <= 8, found
    assert set(found) <= AT_EIGHT, found
