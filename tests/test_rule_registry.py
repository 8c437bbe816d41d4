"""The rule registry walk: every registered rule is honoured on every route.

For each rule of ``busetting._rules.RULES``, on small random problems that switch it on:

* the threshold path (a rule that needs no program) or the exact rules path, and the CBC
  integer program, return answers that pass the rule's own check and the one feasibility
  checker, with the same objective;
* ``revise`` (a rise of the need) keeps the rule and its answer passes the rule's check;
* ``verify`` accepts the answer and catches a tampered answer that breaks only this rule
  (it passes the same problem without the rule);
* the diagnosis of an infeasible instance names the rule.

A rule added to the registry without an entry here fails ``test_every_rule_has_a_walk``.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

import busetting as bs
import busetting._language as language_module
import busetting._rules as rules_module
from busetting._criteria import build_key
from busetting._edge import check_count
from busetting._feasibility import effective_bounds, violations
from busetting._language import TABLES
from busetting._model import Rules, canonical_rules
from busetting._rules import (
    BOUNDS,
    RULES,
    Answer,
    Bound,
    Parameter,
    Rule,
    needs_program,
    plan_rules,
    rules_model,
    rules_path_reason,
)

M = bs.Municipality

ACTIVATE: dict[str, Callable[[np.random.Generator], dict[str, Any]]] = {
    "granularity": lambda rng: {"granularity": int(rng.integers(2, 4))},
    "minimum request": lambda rng: {"min_request": int(rng.integers(2, 4))},
    "county totals": lambda rng: {"county_totals": {"F0": int(rng.integers(4, 12))}},
    "minors groups": lambda rng: {"minors_min_group": 2},
    "minors hosts": lambda rng: {"max_minors_hosts": int(rng.integers(1, 3))},
    "per-capita cap": lambda rng: {"per_capita_cap": 0.01},
    "share cap": lambda rng: {"share_cap": 0.35},
    "maximum request": lambda rng: {"max_request": int(rng.integers(5, 8))},
    "county share cap": lambda rng: {"county_share_cap": float(rng.choice([0.5, 0.55, 0.6]))},
}
"""Rules keywords that switch each rule on (drawn per seed)."""

SEEDS = range(6)


def _problem(seed: int, rules: dict[str, Any]) -> bs.Problem:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 7))
    ms = [
        M(
            municipality_id=f"{i + 1:04d}",
            name=f"Kommune {i + 1}",
            population=int(rng.integers(200, 2_000)),
            county=f"F{i % 2}",
            indicators={"cap": float(rng.integers(1, 9))},
            minors_eligible=bool(i % 3 != 2),
        )
        for i in range(n)
    ]
    total = int(rng.integers(12, 25))
    return bs.Problem(
        municipalities=ms,
        criteria={"population": 0.5, "cap": 0.5},
        need=bs.Need(total=total, minors=int(rng.integers(2, 6))),
        rules=bs.Rules(**rules),
    )


def _answer(problem: bs.Problem, x: np.ndarray, m: np.ndarray, method: str) -> Answer:
    key, mkey = build_key(problem, "requests"), build_key(problem, "minors")
    bounds, _ = effective_bounds(problem, bs.Method(method), key, mkey)
    plan = plan_rules(problem, key, mkey, bounds)
    return Answer(problem, plan, x, m, bounds.minors_rows)


def _own_check(rule: Rule, problem: bs.Problem, x: np.ndarray, m: np.ndarray, method: str) -> None:
    """The answer passes the rule's own check and the one feasibility checker."""
    assert rule.check(_answer(problem, x, m, method)) == []
    assert violations(problem, x, m, method=method) == []


def _feasible_cases(rule: Rule) -> list[tuple[bs.Problem, str]]:
    """Seeds whose problem switches the rule on and passes the pre-solve diagnosis."""
    out = []
    for seed in SEEDS:
        rng = np.random.default_rng(100 + seed)
        method = ("webster", "dhondt", "hamilton")[seed % 3]
        problem = _problem(seed, ACTIVATE[rule.name](rng))
        assert rule.active(problem.rules)
        if not bs.diagnose(problem, method=method):
            out.append((problem, method))
    assert out, f"no feasible instance switches on {rule.name}"
    return out


def test_every_rule_has_a_walk() -> None:
    names = [rule.name for rule in RULES]
    assert len(set(names)) == len(names)
    assert set(ACTIVATE) == set(names) == set(INFEASIBLE)


def test_every_field_of_rules_belongs_to_one_rule() -> None:
    owners = [f for rule in RULES for f in rule.fields]
    assert len(owners) == len(set(owners))
    assert set(owners) == set(bs.Rules.model_fields)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_every_route_honours_the_rule(rule: Rule) -> None:
    for problem, method in _feasible_cases(rule):
        ours = bs.allocate(problem, method=method)  # threshold, or the exact rules path
        cbc = bs.allocate(problem, method=method, solver="cbc")
        assert ours.status == cbc.status == "optimal", (ours.message, cbc.message)
        for alloc in (ours, cbc):
            x, m = alloc.requests.to_numpy(), alloc.minors.to_numpy()
            _own_check(rule, problem, x, m, method)
            assert bs.verify(problem, alloc).feasible
        assert math.isclose(ours.objective, cbc.objective, rel_tol=1e-9, abs_tol=1e-9)
        if not needs_program(problem.rules):
            assert ours.solver == "threshold"  # a bound: the threshold path takes it
        elif rules_path_reason(problem.rules) is not None:
            assert ours.solver == "cbc"  # the rules path cannot: the integer program
        else:
            assert ours.solver in ("lagrange", "cbc")  # the rules path (cbc past its budget)

        revision = bs.revise(ours, total=problem.total + 3)
        after = revision.allocation
        if after.status != "optimal":  # the rise cannot be placed: then it is diagnosed
            assert after.diagnosis
            continue
        assert rule.active(after.problem.rules)
        _own_check(rule, after.problem, after.requests.to_numpy(), after.minors.to_numpy(), method)


def _moves(x: np.ndarray, m: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Answers one move of one or two persons away (requests, minors or both), totals kept."""
    out = []
    n = len(x)
    for a in range(n):
        for b in range(n):
            if a == b:
                continue
            for step in (1, 2):
                x2 = x.copy()
                x2[a] += step
                x2[b] -= step
                out.append((x2, m.copy()))
                m2 = m.copy()
                m2[a] += step
                m2[b] -= step
                out.append((x.copy(), m2))
                out.append((x2, m2.copy()))
    return out


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_verify_catches_an_answer_that_breaks_only_the_rule(rule: Rule) -> None:
    caught = 0
    for problem, method in _feasible_cases(rule):
        alloc = bs.allocate(problem, method=method)
        plain = problem.with_rules(bs.Rules())
        x, m = alloc.requests.to_numpy(), alloc.minors.to_numpy()
        for x2, m2 in _moves(x, m):
            if violations(plain, x2, m2, method=method):
                continue  # broken without the rule too
            found = violations(problem, x2, m2, method=method)
            if not found:
                continue
            ids = problem.ids
            verdict = bs.verify(
                problem,
                __import__("pandas").Series(x2, index=ids),
                __import__("pandas").Series(m2, index=ids),
                method=method,
            )
            assert not verdict.feasible
            assert found[0].message in " ".join(verdict.reasons)
            caught += 1
            break
    assert caught, f"no answer breaking only {rule.name} was found"


def _few(n: int, **kw: Any) -> list[bs.Municipality]:
    return [
        M(
            municipality_id=f"{i + 1:04d}",
            name=f"Kommune {i + 1}",
            population=100 * (i + 1),
            county=f"F{i % 2}",
            **(kw if i else {}),
        )
        for i in range(n)
    ]


def _held_but_first(n: int) -> list[bs.Municipality]:
    return [
        M(
            municipality_id=f"{i + 1:04d}",
            name=f"Kommune {i + 1}",
            population=100 * (i + 1),
            fixed=None if i == 0 else 0,
        )
        for i in range(n)
    ]


def _p(ms: list[bs.Municipality], total: int, minors: int, **rules: Any) -> bs.Problem:
    return bs.Problem(
        municipalities=ms,
        criteria={"population": 1.0},
        need=bs.Need(total=total, minors=minors),
        rules=bs.Rules(**rules),
    )


INFEASIBLE: dict[str, tuple[Callable[[], bs.Problem], str]] = {
    "granularity": (
        lambda: _p(_held_but_first(3), 12, 0, granularity=5),
        "granularity",
    ),
    "minimum request": (
        lambda: _p(_few(3), 20, 0, min_request=9, min_request_all=True),
        "minimum request 9",
    ),
    "county totals": (
        lambda: _p(_few(3, max=1), 10, 0, county_totals={"F1": 20}),
        "F1: recommended 20",
    ),
    "minors groups": (
        lambda: _p(_few(3), 10, 3, minors_min_group=4),
        "group of 4",
    ),
    "minors hosts": (
        lambda: _p(
            [m.model_copy(update={"minors_max": 3}) for m in _few(3)],
            10,
            6,
            **{"max_minors_hosts": 1},
        ),
        "1 largest minors room",
    ),
    "per-capita cap": (
        lambda: _p(_few(3), 10, 0, per_capita_cap=0.005),
        "per-capita cap",
    ),
    "share cap": (
        lambda: _p(_few(3), 10, 0, share_cap=0.2),
        "share cap",
    ),
    "maximum request": (
        lambda: _p(_few(3), 10, 0, max_request=3),
        "maximum request",
    ),
    "county share cap": (
        lambda: _p(_few(3), 10, 0, county_share_cap=0.4),
        "county share cap",
    ),
}
"""An infeasible instance of each rule, and the words its diagnosis must contain."""


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_an_infeasible_instance_is_diagnosed_naming_the_rule(rule: Rule) -> None:
    make, words = INFEASIBLE[rule.name]
    problem = make()
    assert rule.active(problem.rules)
    found = bs.diagnose(problem)
    assert any(words in s.message for s in found), [s.message for s in found]
    alloc = bs.allocate(problem)
    assert alloc.status == "infeasible"
    assert any(words in s.message for s in alloc.diagnosis)


# -- the one-home check --------------------------------------------------------------------------

ROUTES = (
    "_allocate.py",
    "_certificate.py",
    "_constrained.py",
    "_diagnose.py",
    "_feasibility.py",
    "_revise.py",
    "_sweep.py",
    "_solvers/__init__.py",
    "_solvers/lagrange.py",
    "_solvers/milp.py",
    "_solvers/sets.py",
    "_solvers/split.py",
    "_solvers/threshold.py",
)
"""The route modules: the threshold path, the rules path, the integer program, ``revise`` and
its sweep, ``verify`` (the one feasibility checker), the diagnosis and the certificates."""

ALLOWED: frozenset[tuple[str, str]] = frozenset()
"""(module, name) pairs a route may read; empty: no route names a rule."""


def _named_rule_fields(path: Path) -> list[tuple[int, str]]:
    """Each read of a field of ``Rules`` (or its ``needs_program``) in a module, as attribute
    or keyword."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set(bs.Rules.model_fields) | {"needs_program"}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in names:
            out.append((node.lineno, node.attr))
        elif isinstance(node, ast.keyword) and node.arg in names:
            out.append((node.lineno, node.arg))
    return out


def test_no_route_names_an_individual_rule() -> None:
    root = Path(bs.__file__).parent
    found = [
        f"{module}:{line} reads {name}"
        for module in ROUTES
        for line, name in _named_rule_fields(root / module)
        if (module, name) not in ALLOWED
    ]
    assert not found, found


def test_the_one_home_check_catches_a_route_naming_a_rule(tmp_path: Path) -> None:
    route = tmp_path / "route.py"
    route.write_text("def f(problem):\n    return problem.rules.share_cap is None\n")
    assert _named_rule_fields(route) == [(2, "share_cap")]


def test_the_rules_model_agrees_with_the_registry() -> None:
    rng = np.random.default_rng(7)
    for _ in range(40):
        kw: dict[str, Any] = {}
        for draw in ACTIVATE.values():
            if rng.random() < 0.3:
                kw.update(draw(rng))
        rules = bs.Rules(**kw)
        assert rules.needs_program == needs_program(rules)
        active = [rule.name for rule in RULES if rule.active(rules)]
        assert len(rules.describe()) == len(active)


@pytest.mark.parametrize("language", ["en", "nb", "nn"])
def test_every_rule_has_its_words_in_the_catalogue(language: str) -> None:
    catalogue = TABLES["rules"][language]
    for rule in RULES:
        assert set(rule.words) == {"en", "nb", "nn"}, rule.name
        keys = {f"{rule.name}.{key}" for key in rule.words["en"]}
        assert keys, rule.name
        assert keys <= set(catalogue), (rule.name, keys - set(catalogue))
    rng = np.random.default_rng(11)
    for _ in range(30):
        kw: dict[str, Any] = {}
        for draw in ACTIVATE.values():
            if rng.random() < 0.3:
                kw.update(draw(rng))
        rules = bs.Rules(**kw)
        active = [rule.name for rule in RULES if rule.active(rules)]
        words = rules.describe(language)
        assert len(words) == len(active)
        if language != "en":
            assert not set(words) & set(rules.describe("en")), words


# -- the parameters and words come from the rules -------------------------------------------------


def test_the_rules_model_is_built_from_the_registry() -> None:
    declared = [p for rule in RULES for p in rule.parameters]
    fields = bs.Rules.model_fields
    assert list(fields) == [p.name for p in declared]
    for p in declared:
        assert fields[p.name].default == p.default, p.name
        assert fields[p.name].description == p.doc, p.name
        assert f"{p.name} : " in (bs.Rules.__doc__ or ""), p.name
    schema = bs.Rules.model_json_schema()["properties"]
    assert all(schema[p.name]["description"] == p.doc for p in declared)


class _Toy(Rule):
    """A rule declared only here: a parameter, its check and its words."""

    name = "toy cap"
    parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("toy_cap", int | None, None, "At most this many per municipality.", check_count),
    )
    words: ClassVar[dict[str, dict[str, str]]] = {
        "en": {"toy_cap": "toy cap {n}"},
        "nb": {"toy_cap": "høyst {n} per kommune (leke)"},
        "nn": {"toy_cap": "høgst {n} per kommune (leike)"},
    }

    def active(self, rules: Any) -> bool:
        return rules.toy_cap is not None

    def describe(self, rules: Any, language: str) -> str | None:
        return self.say("toy_cap", language, n=rules.toy_cap) if self.active(rules) else None


def test_a_new_rule_needs_no_edit_of_the_model_or_the_catalogue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What docs/contributing.md promises: a rule class in ``_rules`` (and its line in the
    registry) gives ``Rules`` its parameter, its check and its words in three languages."""
    toy = _Toy()
    monkeypatch.setattr(rules_module, "RULES", (*RULES, toy))
    monkeypatch.setitem(
        language_module.TABLES, "rules", {k: dict(v) for k, v in TABLES["rules"].items()}
    )
    monkeypatch.setattr(language_module, "_RULES", language_module.TABLES["rules"])
    language_module.add_rule_words(toy.name, toy.words)
    model = rules_model(Rules.__base__)  # type: ignore[arg-type]
    assert "toy_cap" in model.model_fields
    rules = model(toy_cap=3.0, granularity=5)
    assert rules.toy_cap == 3 and isinstance(rules.toy_cap, int)
    assert rules.describe() == ["granularity 5", "toy cap 3"]
    assert rules.describe("nn")[-1] == "høgst 3 per kommune (leike)"
    # the new parameter, off by default, changes no fingerprint; set, it does
    assert canonical_rules(model(granularity=5)) == canonical_rules(bs.Rules(granularity=5))
    assert canonical_rules(model(toy_cap=1)) != canonical_rules(bs.Rules())
    with pytest.raises(bs.InputError, match="toy_cap"):
        model(toy_cap=-1)
    with pytest.raises(RuntimeError, match="differ in keys"):
        language_module.add_rule_words("half", {"en": {"a": "a"}, "nb": {}, "nn": {"a": "a"}})


def test_the_rule_words_are_checked_when_registered() -> None:
    with pytest.raises(RuntimeError, match="defined twice"):
        language_module.add_rule_words(
            "granularity", {lang: {"granularity": "x"} for lang in ["en", "nb", "nn"]}
        )


# -- no module outside _rules reads a rule's parameter ----------------------------------------------

OUTSIDE_ALLOWED: dict[tuple[str, str], str] = {
    ("cli.py", "max_minors_hosts"): "argparse's namespace: the --max-minors-hosts flag",
    ("cli.py", "county_totals"): "argparse's namespace: the --county-totals flag",
    ("datasets/__init__.py", "county_totals"): (
        "the county recipe sets the county totals and refuses a problem that already has them"
    ),
}
"""Reads of a name of a ``Rules`` field outside ``_rules``, each with why it is not a rule's
logic: the flags that set a parameter, and the recipe that sets one."""


def _attribute_reads(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set(bs.Rules.model_fields)
    return [
        (node.lineno, node.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in names
    ]


def test_no_module_outside_the_rules_reads_a_rule_parameter() -> None:
    root = Path(bs.__file__).parent
    found = [
        f"{rel}:{line} reads {name}"
        for path in sorted(root.rglob("*.py"))
        if (rel := path.relative_to(root).as_posix()) != "_rules.py"
        for line, name in _attribute_reads(path)
        if (rel, name) not in OUTSIDE_ALLOWED
    ]
    assert not found, found


def test_the_maximum_request_holds_every_request_and_names_itself() -> None:
    towns = [
        M(municipality_id=f"{i:04d}", name=f"K{i}", population=p)
        for i, p in enumerate((9_000, 3_000, 2_000, 1_000), start=1)
    ]
    problem = bs.Problem(municipalities=towns, criteria={"population": 1.0}, need=bs.Need(total=60))
    assert bs.allocate(problem).requests["0001"] == 36
    capped = bs.allocate(problem.with_rules(max_request=25))
    assert capped.requests.max() == 25 and capped.requests.sum() == 60
    assert capped.status == "optimal" and capped.certificate is not None  # the threshold path
    assert capped.problem.rules.describe("nb") == ["ingen anmodning over 25"]
    parts = bs.account(capped, baseline=capped.requests * 0 + 15)["0001"].parts
    assert any(p.kind == "ceiling" and p.cause == "maximum request" for p in parts)
    assert "høyeste anmodning" in " ".join(p.words("nb") for p in parts)
    with pytest.raises(bs.InputError, match="max_request"):
        bs.Rules(max_request=-1)


# -- the municipality bounds: the same walk over BOUNDS ------------------------------------------

BOUND_WORDS: dict[str, str] = {
    "fixed": "fixed value",
    "floor": "lower bound (min)",
    "ceiling": "upper bound",
    "minors floor": "minors_min",
    "minors ceiling": "minors limit",
}
"""What a broken bound is called in the feasibility checker's sentences."""


def _with(problem: bs.Problem, updates: dict[int, dict[str, Any]]) -> bs.Problem:
    ms = [
        m.model_copy(update=updates[i]) if i in updates else m
        for i, m in enumerate(problem.municipalities)
    ]
    return bs.Problem(
        municipalities=ms,
        criteria=problem.criteria,
        minors_criteria=problem.minors_criteria,
        need=problem.need,
        rules=problem.rules,
    )


def _bind(bound: Bound, problem: bs.Problem, method: str) -> bs.Problem:
    """``problem`` with ``bound`` given where it binds: at a municipality's plain answer moved
    one or two persons against the key (a held value, a floor above, a ceiling below)."""
    alloc = bs.allocate(problem, method=method)
    x, m = alloc.requests.to_numpy(), alloc.minors.to_numpy()
    eligible = [i for i, mm in enumerate(problem.municipalities) if mm.minors_eligible]
    big = int(np.argmax(x))
    small = int(np.argmin(x))
    most = max(eligible, key=lambda i: (m[i], -i))
    fewest = min(eligible, key=lambda i: (m[i], i))
    updates: dict[str, dict[int, dict[str, Any]]] = {
        "fixed": {big: {"fixed": int(x[big]) - 2}, small: {"fixed": int(x[small]) + 1}},
        "floor": {small: {"min": int(x[small]) + 2}},
        "ceiling": {big: {"max": int(x[big]) - 2}},
        "minors floor": {fewest: {"minors_min": int(m[fewest]) + 1}},
        "minors ceiling": {most: {"minors_max": max(int(m[most]) - 1, 0)}},
    }
    return _with(problem, updates[bound.name])


def _without(bound: Bound, problem: bs.Problem) -> bs.Problem:
    """``problem`` with no municipality giving ``bound``."""
    return _with(problem, {i: {bound.column: None} for i in range(len(problem.municipalities))})


def _bound_cases(bound: Bound) -> list[tuple[bs.Problem, str]]:
    """Seeds whose problem gives the bound (with and without a process rule, so both the
    threshold path and the rules path meet it) and passes the pre-solve diagnosis."""
    out = []
    for seed in SEEDS:
        method = ("webster", "dhondt", "hamilton")[seed % 3]
        rules = {} if seed % 2 else {"min_request": 2}
        problem = _bind(bound, _problem(seed, rules), method)
        assert bound.given(problem.columns).any()
        if not bs.diagnose(problem, method=method):
            out.append((problem, method))
    assert out, f"no feasible instance gives {bound.name}"
    return out


def test_every_bound_has_a_walk() -> None:
    names = [bound.name for bound in BOUNDS]
    assert len(set(names)) == len(names)
    assert set(BOUND_WORDS) == set(names) == set(BOUND_INFEASIBLE)
    assert not set(names) & {rule.name for rule in RULES}


def test_every_bound_column_belongs_to_one_bound() -> None:
    columns = [bound.column for bound in BOUNDS]
    assert len(columns) == len(set(columns))
    assert set(columns) == {"fixed", "min", "max", "minors_min", "minors_max"}
    assert set(columns) <= set(bs.Municipality.model_fields)


def test_every_bound_has_its_words_in_three_languages() -> None:
    for bound in BOUNDS:
        assert set(bound.words) == {"en", "nb", "nn"}, bound.name
        keys = set(bound.words["en"])
        assert keys, bound.name
        for language in ("nb", "nn"):
            assert set(bound.words[language]) == keys, (bound.name, language)
            assert all(bound.words[language].values()), (bound.name, language)
            assert bound.words[language] != bound.words["en"], (bound.name, language)


@pytest.mark.parametrize("bound", BOUNDS, ids=lambda b: b.name)
def test_every_route_honours_the_bound(bound: Bound) -> None:
    paths = set()
    for problem, method in _bound_cases(bound):
        ours = bs.allocate(problem, method=method)  # threshold, or the exact rules path
        cbc = bs.allocate(problem, method=method, solver="cbc")
        assert ours.status == cbc.status == "optimal", (ours.message, cbc.message)
        paths.add(ours.solver)
        free = bs.allocate(_without(bound, problem), method=method)
        for alloc in (ours, cbc):
            x, m = alloc.requests.to_numpy(), alloc.minors.to_numpy()
            assert violations(problem, x, m, method=method) == []
            assert bs.verify(problem, alloc).feasible
        assert math.isclose(ours.objective, cbc.objective, rel_tol=1e-9, abs_tol=1e-9)
        # the bound binds: without it the best answer breaks it
        found = violations(problem, free.requests.to_numpy(), free.minors.to_numpy(), method=method)
        assert any(BOUND_WORDS[bound.name] in v.message for v in found), found

        revision = bs.revise(ours, total=problem.total + 3)
        after = revision.allocation
        if after.status != "optimal":  # the rise cannot be placed: then it is diagnosed
            assert after.diagnosis
            continue
        x, m = after.requests.to_numpy(), after.minors.to_numpy()
        assert violations(after.problem, x, m, method=method) == []
    assert "threshold" in paths and paths & {"lagrange", "cbc"}, paths


@pytest.mark.parametrize("bound", BOUNDS, ids=lambda b: b.name)
def test_verify_catches_an_answer_that_breaks_only_the_bound(bound: Bound) -> None:
    caught = 0
    for problem, method in _bound_cases(bound):
        alloc = bs.allocate(problem, method=method)
        plain = _without(bound, problem)
        x, m = alloc.requests.to_numpy(), alloc.minors.to_numpy()
        for x2, m2 in _moves(x, m):
            if violations(plain, x2, m2, method=method):
                continue  # broken without the bound too
            found = violations(problem, x2, m2, method=method)
            if not found:
                continue
            # the bound's words first; a process rule may restate it (its allowed set)
            assert BOUND_WORDS[bound.name] in found[0].message, found
            assert all(BOUND_WORDS[bound.name] in v.message for v in found if v.group != "rules")
            ids = problem.ids
            verdict = bs.verify(
                problem, pd.Series(x2, index=ids), pd.Series(m2, index=ids), method=method
            )
            assert not verdict.feasible
            assert found[0].message in " ".join(verdict.reasons)
            caught += 1
            break
    assert caught, f"no answer breaking only {bound.name} was found"


BOUND_INFEASIBLE: dict[str, tuple[Callable[[], bs.Problem], str]] = {
    "fixed": (
        lambda: _p(_few(3, fixed=6), 5, 0),
        "lower bounds (min, fixed) sum to 12, 7 more",
    ),
    "floor": (
        lambda: _p(_few(3, min=9), 10, 0, per_capita_cap=0.02),
        "has min 9 above its per-capita cap 4",
    ),
    "ceiling": (
        lambda: _p([m.model_copy(update={"max": 2}) for m in _few(3)], 10, 0),
        "upper bounds (max, fixed) sum to 6, 4 short",
    ),
    "minors floor": (
        lambda: _p(_few(3, minors_min=5), 10, 6, per_capita_cap=0.02),
        "0002 Kommune 2 has minors_min 5 above its request limit 4 (per-capita cap)",
    ),
    "minors ceiling": (
        lambda: _p([m.model_copy(update={"minors_max": 1}) for m in _few(3)], 10, 6),
        "minors capacity, request upper bound) sums to 3, 3 short",
    ),
}
"""An infeasible instance of each bound, and the words its diagnosis must contain."""


@pytest.mark.parametrize("bound", BOUNDS, ids=lambda b: b.name)
def test_an_infeasible_instance_is_diagnosed_naming_the_bound(bound: Bound) -> None:
    make, words = BOUND_INFEASIBLE[bound.name]
    problem = make()
    assert bound.given(problem.columns).any()
    found = bs.diagnose(problem)
    assert any(words in s.message for s in found), [s.message for s in found]
    alloc = bs.allocate(problem)
    assert alloc.status == "infeasible"
    assert any(words in s.message for s in alloc.diagnosis)
    assert not bs.diagnose(_without(bound, problem))  # the bound is what fails


BOUND_COLUMNS = frozenset({"fixed", "min", "max", "minors_min", "minors_max"})

BOUND_ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {("_revise.py", c) for c in BOUND_COLUMNS} | {("_solvers/lagrange.py", "fixed")}
)
"""(module, name) pairs a route may read: ``revise`` writes decisions and settled numbers into
the bound columns (and reads them back); the rules path's dual bound has a ``fixed`` part."""


def _named_bound_columns(path: Path) -> list[tuple[int, str]]:
    """Each read of a bound column in a module: an attribute that is not a method call
    (``x.max()`` is numpy's), or a string naming the column."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in BOUND_COLUMNS:
            if id(node) not in calls:
                out.append((node.lineno, node.attr))
        elif isinstance(node, ast.Constant) and node.value in BOUND_COLUMNS:
            out.append((node.lineno, str(node.value)))
    return out


def test_no_route_names_a_bound_column() -> None:
    root = Path(bs.__file__).parent
    found = [
        f"{module}:{line} reads {name}"
        for module in ROUTES
        for line, name in _named_bound_columns(root / module)
        if (module, name) not in BOUND_ALLOWED
    ]
    assert not found, found


def test_the_bound_check_catches_a_route_naming_a_ceiling(tmp_path: Path) -> None:
    route = tmp_path / "route.py"
    route.write_text("def f(cols, x):\n    return x.max() > cols.max[0] or 'fixed'\n")
    assert sorted(_named_bound_columns(route)) == [(2, "fixed"), (2, "max")]
