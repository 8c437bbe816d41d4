"""Explain every number, and check it without trusting it.

* :func:`explain` (also ``Allocation.explain``): one municipality's request, line by line —
  each criterion's part of the target, the rounding step, the binding bound or rule, the
  comparison with the county and the country per 1,000 residents, and what would move the
  request by one (the marginal threshold). In English or Norwegian (bokmål).
* :func:`explain_frame`: the same for every municipality, as a tidy table.
* :func:`verify`: re-checks feasibility and optimality from the problem and the numbers alone,
  without any solver, and says why when it fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import pandas as pd

from busetting._certificate import check_certificate
from busetting._constrained import plan_rules
from busetting._criteria import Key, build_key
from busetting._defaults import choose_language
from busetting._diagnose import Bounds
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._feasibility import counts_from_series, effective_bounds, violations
from busetting._language import (
    LANGUAGES,
    binding_words,
    criterion_words,
    format_number,
    indicator_unit,
    indicator_words,
    method_words,
    terms,
)
from busetting._limits import check_limits
from busetting._margins import Margin, indicator_margins
from busetting._methods import DIVISOR_METHODS, Method, objective, parse_method, signpost
from busetting._model import Municipality, Problem
from busetting._names import resolve_municipality
from busetting._optimality import improving_cycle, local_improvement
from busetting._result import Allocation
from busetting._rules import explanation_step
from busetting._solvers.milp import RuleSpec, penalty_value
from busetting._solvers.sets import dual_bound
from busetting._status import Certificate, RulesCertificate

__all__ = ["Explanation", "Margin", "Verification", "explain", "explain_frame", "verify"]

Language = Literal["en", "nb", "nn"]

LAGRANGIAN_TOLERANCE = 1e-9
"""Relative gap within which an objective (evaluated in floating point) reaches the
Lagrangian lower bound of a problem with process rules."""


@dataclass(frozen=True)
class Explanation:
    """Why one municipality is asked for what it is asked for."""

    municipality_id: str
    name: str
    county: str
    request: int
    minors: int
    target: float
    contributions: dict[str, float]
    rounding: float
    binding: str
    per_1000: float
    county_per_1000: float
    national_per_1000: float
    target_for_one_more: float | None
    target_for_one_less: float | None
    tie: bool
    language: str
    lines: tuple[str, ...] = field(repr=False)
    margins: tuple[Margin, ...] = field(default=(), repr=False)
    """What would move the request by one, per indicator (threshold path only)."""

    @property
    def text(self) -> str:
        """The explanation as plain text, one line per step."""
        return "\n".join(self.lines)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return (
            f"Explanation({self.municipality_id} {self.name}: request {self.request:,}, "
            f"minors {self.minors:,}, target {self.target:,.2f}, {len(self.lines)} lines; "
            "print() it for the text)"
        )

    def _repr_html_(self) -> str:
        import html

        head, *rest = self.lines or ("",)
        items = "".join(
            f"<li style='list-style:none'>{html.escape(line)}</li>" for line in rest if line
        )
        return (
            f"<div class='busetting-explanation'><strong>{html.escape(head)}</strong>"
            f"<ul style='padding-left:0.5em'>{items}</ul></div>"
        )


def _fmt(v: float, lang: str, decimals: int = 1) -> str:
    return format_number(v, lang, decimals)


_WORDS: dict[str, dict[str, str]] = {
    language: terms("explain.", language) for language in LANGUAGES
}


def _signed(v: float, lang: str) -> str:
    text = format_number(v, lang, 2)
    return text if text.startswith(("-", "\u2212")) else "+" + text


def _decimals(step: Fraction) -> int:
    d = 0
    while step.denominator > 1 and d < 12:
        step *= 10
        d += 1
    return d


def _margin_lines(margins: tuple[Margin, ...], lang: str) -> list[str]:
    w = _WORDS[lang]
    moves = margins[0].unit if margins else 1
    by_one = w["one"] if moves == 1 else str(moves)
    lines = [w["margins"].format(one=by_one)]
    by: dict[str, dict[str, Margin]] = {}
    for mg in margins:
        by.setdefault(mg.indicator, {})[mg.direction] = mg
    for name, pair in by.items():
        parts = {}
        step = pair["more"].step
        d = _decimals(step)
        for direction, mg in pair.items():
            if mg.change is None:
                parts[direction] = w["no" + direction].format(one=by_one)
                reach = mg.reach
                if reach is not None and reach.high is not None and reach.kind != "count":
                    digits = 0 if reach.whole else d
                    parts[direction] = w["within"].format(
                        text=parts[direction],
                        low=format_number(float(reach.low), lang, digits),
                        high=format_number(float(reach.high), lang, digits),
                    )
                continue
            amount = abs(mg.change)
            unit = indicator_unit(name, lang, 1 if amount == 1 else 2)
            kind = "count" if unit or step == 1 else "score"
            one = "1" if kind == "count" and amount == 1 else ""
            change = w[f"{kind}_{'up' if mg.change > 0 else 'down'}{one}"].format(
                d=format_number(float(amount), lang, d), unit=unit
            )
            parts[direction] = w[direction].format(
                change=change.replace("  ", " ").strip(), one=by_one
            )
        lines.append(
            w["margin"].format(
                what=indicator_words(name, lang),
                now=format_number(pair["more"].value, lang, d),
                more=parts["more"],
                fewer=parts["fewer"],
            )
        )
    return lines


def _thresholds(alloc: Allocation, i: int) -> tuple[float | None, float | None]:
    """Targets at which the request would move by one (threshold path only)."""
    cert = next(
        (c for c in alloc.certificate if isinstance(c, Certificate) and c.key == "requests"),
        None,
    )
    if cert is None:
        return None, None
    assert alloc.requests is not None
    x = int(alloc.requests.iloc[i])
    method = Method(alloc.method)
    lam_lo, lam_hi = cert.lambda_low, cert.lambda_high
    up = down = None
    if method in DIVISOR_METHODS:
        if math.isfinite(lam_lo) and lam_lo > 0:
            up = float(signpost(method, np.array([x]))[0] / lam_lo)
        if x > 0 and math.isfinite(lam_hi) and lam_hi > 0:
            down = float(signpost(method, np.array([x - 1]))[0] / lam_hi)
    else:
        if math.isfinite(lam_lo):
            up = x + (1 - lam_lo) / 2
        if x > 0 and math.isfinite(lam_hi):
            down = x - 1 + (1 - lam_hi) / 2
    return up, down


def explain(
    alloc: Allocation, municipality_id: str, *, language: Language | None = None
) -> Explanation:
    """Explain one municipality's request; see :meth:`Allocation.explain`.

    ``language=None`` is the one default (:mod:`busetting._defaults`): bokmål for the Norway
    data, English otherwise.
    """
    p = alloc.problem
    lang = choose_language(language, p.ids, "explain")
    municipality_id = resolve_municipality(
        municipality_id, p.ids, [m.name for m in p.municipalities], language=lang
    )
    if alloc.requests is None or alloc.minors is None:
        raise InputError(
            f"The allocation has status {alloc.status.value!r} and no requests to explain: "
            f"{alloc.message}"
        )
    f = _figures(alloc, p.ids.index(municipality_id))
    up, down = _thresholds(alloc, f.row)
    margins = indicator_margins(alloc, municipality_id)
    m = f.municipality
    return Explanation(
        municipality_id,
        m.name,
        m.county,
        f.request,
        f.minors,
        f.target,
        f.contributions,
        f.request - f.target,
        f.binding,
        f.per_1000,
        f.county_per_1000,
        f.national_per_1000,
        up,
        down,
        f.tie,
        lang,
        tuple(_lines(alloc, f, margins, lang)),
        margins or (),
    )


@dataclass(frozen=True)
class _Figures:
    """The numbers one explanation speaks of, for the municipality in ``row``."""

    row: int
    municipality: Municipality
    request: int
    minors: int
    target: float
    contributions: dict[str, float]
    binding: str
    per_1000: float
    county_per_1000: float
    national_per_1000: float
    tie: bool


def _figures(alloc: Allocation, i: int) -> _Figures:
    assert alloc.requests is not None and alloc.minors is not None
    p = alloc.problem
    m = p.municipalities[i]
    x = int(alloc.requests.iloc[i])
    frame = alloc.to_frame()
    county = frame[frame["county"] == m.county]
    return _Figures(
        row=i,
        municipality=m,
        request=x,
        minors=int(alloc.minors.iloc[i]),
        target=float(alloc.targets.iloc[i]),
        contributions={str(c): float(v) for c, v in alloc.contributions.iloc[i].items()},
        binding=str(alloc.binding.iloc[i]),
        per_1000=1000 * x / m.population if m.population else float("nan"),
        county_per_1000=float(1000 * county["request"].sum() / max(1, county["population"].sum())),
        national_per_1000=float(1000 * p.total / max(1, frame["population"].sum())),
        tie=bool(frame["tie"].iloc[i]),
    )


def _lines(
    alloc: Allocation, f: _Figures, margins: tuple[Margin, ...] | None, lang: str
) -> list[str]:
    """The explanation's text, one line per step."""
    w = _WORDS[lang]
    p = alloc.problem
    m, x, t = f.municipality, f.request, f.target
    minors = w["minors"].format(m=_fmt(f.minors, lang, 0)) if f.minors else ""
    county = m.county or "-"
    lines = [
        w["asked"].format(
            name=m.name, mid=m.municipality_id, county=county, x=_fmt(x, lang, 0), minors=minors
        ),
        w["target"].format(t=_fmt(t, lang, 2)),
    ]
    weights = {c.name: c.weight for c in p.criteria}
    bases = {c.name: c.base for c in p.criteria if c.kind == "rate" and c.base}
    for c, v in f.contributions.items():
        part = w["part"].format(
            c=criterion_words(c, lang),
            v=_fmt(v, lang, 2),
            w=_fmt(weights.get(c, 0.0), lang, 2),
        )
        base = bases.get(c)
        if base is not None:
            part = w["through"].format(part=part, base=indicator_words(base, lang).split(" (")[0])
        lines.append(part)
    method = method_words(alloc.method, lang)
    rules = p.rules.describe(lang)
    if rules:
        method += w["rules"].format(r=", ".join(rules))
    lines.append(w["round"].format(method=method, x=_fmt(x, lang, 0), d=_signed(x - t, lang)))
    label = f.binding
    lines.append(w["bound"].format(b=binding_words(label, lang)) if label else w["nobound"])
    lines.append(
        w["compare"].format(
            p=_fmt(f.per_1000, lang),
            c=_fmt(f.county_per_1000, lang),
            county=county,
            n=_fmt(f.national_per_1000, lang),
        )
    )
    if margins is None:
        lines.append(w["nomarginal"].format(solver=alloc.solver))
    else:
        lines.extend(_margin_lines(margins, lang))
    if f.tie:
        lines.append(w["tie"])
    return lines


def explain_frame(alloc: Allocation) -> pd.DataFrame:
    """Every municipality's explanation as one tidy row (English column names)."""
    p = alloc.problem
    if alloc.requests is None:
        raise InputError(
            f"The allocation has status {alloc.status.value!r} and no requests to explain: "
            f"{alloc.message}"
        )
    frame = alloc.to_frame()
    out = frame[["name", "county", "population", "target"]].copy()
    for c in alloc.contributions.columns:
        out[f"contribution_{c}"] = alloc.contributions[c].to_numpy()
    out["request"] = frame["request"]
    out["rounding"] = frame["request"] - frame["target"]
    out["minors"] = frame["minors"]
    out["binding"] = frame["binding"]
    pop = frame["population"].replace(0, np.nan)
    out["per_1000"] = 1000 * frame["request"] / pop
    by_county = frame.groupby("county")[["request", "population"]].transform("sum")
    out["county_per_1000"] = 1000 * by_county["request"] / by_county["population"]
    out["national_per_1000"] = 1000 * p.total / frame["population"].sum()
    ups, downs = zip(*(_thresholds(alloc, i) for i in range(len(frame))), strict=True)
    out["target_for_one_more"] = pd.array(ups, dtype="Float64")
    out["target_for_one_less"] = pd.array(downs, dtype="Float64")
    out["tie"] = frame["tie"]
    return out


# -- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """Outcome of :func:`verify`: feasible, optimal, and the reasons, one line each.

    ``optimal`` is ``None`` when optimality is not decidable without a solver.
    """

    feasible: bool
    optimal: bool | None
    reasons: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Feasible, and not shown to be non-optimal."""
        return self.feasible and self.optimal is not False

    def __bool__(self) -> bool:
        return self.ok


def verify(
    problem: Problem,
    allocation: Allocation | pd.Series,
    minors: pd.Series | None = None,
    *,
    method: Method | str | None = None,
) -> Verification:
    """Re-check an allocation from the problem and the numbers alone, with no solver.

    Feasibility is decided by busetting's one feasibility checker (the same one the solver's
    post-check uses): exact totals, every request within its effective bounds (``min``,
    ``max``, ``fixed``, the caps, and a divisor method's zero target held at its lower
    bound), minors only where eligible and within their bounds and the request, and the
    process rules. A missing value, a NaN or a non-integer is a failure.

    Optimality, exactly:

    * without process rules the problem is a convex-cost flow, and the allocation is optimal
      exactly when no exchange cycle improves it: a request, a minor, a person who is a minor,
      or a minor and a request together, moved between two or three municipalities. Every
      kind is checked, in exact arithmetic, so the answer is ``True`` or ``False``;
    * with process rules, an allocation from the exact rules path is optimal when its
      certificate re-checks from the problem alone (the bound recomputed, the search within
      the certified gap repeated); any other with process rules is optimal when the objective
      reaches the Lagrangian lower bound; otherwise a search of the moves of one person (or
      one grid step) between two municipalities that keep every rule shows non-optimality
      when one improves the objective by more than a relative ``1e-9``; when neither
      decides, ``optimal`` is ``None``.

    ``allocation`` may be an :class:`Allocation` or a Series of requests (with ``minors``
    optional, zero when omitted) — for example numbers typed in by hand.

    Parameters
    ----------
    problem : Problem
        The problem the numbers claim to solve.
    allocation : Allocation or pandas.Series
        The allocation, or the requests by municipality id.
    minors : pandas.Series, optional
        The minors by municipality id, with a Series of requests (default: zeros).
    method : Method or str, optional
        The apportionment method (default: the allocation's, else Webster).

    Returns
    -------
    Verification
        ``feasible``, ``optimal`` and the reasons; true when feasible and not shown
        non-optimal.
    """
    check_types(verify, locals())
    check_limits(problem, "verify")
    if isinstance(allocation, Allocation):
        if allocation.requests is None or allocation.minors is None:
            return Verification(
                False,
                None,
                (f"the allocation has status {allocation.status.value!r} and no numbers",),
            )
        req, mnr = allocation.requests, allocation.minors
        method_ = parse_method(method or allocation.method, caller="verify")
    else:
        req = allocation
        mnr = minors if minors is not None else pd.Series(0, index=pd.Index(problem.ids))
        method_ = parse_method(method or "webster", caller="verify")
    x, bad_x = counts_from_series(problem, req, "requests")
    m, bad_m = counts_from_series(problem, mnr, "minors")
    if x is None or m is None:
        return Verification(False, None, tuple(v.message for v in (*bad_x, *bad_m)))
    key, mkey = build_key(problem), build_key(problem, "minors")
    bounds, _ = effective_bounds(problem, method_, key, mkey)
    found = violations(problem, x, m, method=method_, bounds=bounds)
    if found:
        return Verification(False, None, tuple(v.message for v in found))
    value = objective(method_, x, key.targets) + objective(method_, m[mkey.rows], mkey.targets)
    if problem.rules.needs_program:
        certified = _rules_certificate(problem, allocation, x, m)
        if certified is not None:
            return certified
        return _lagrangian(problem, method_, key, mkey, bounds, x, m, value)
    bad = improving_cycle(method_, key, mkey, bounds, x, m)
    if bad:
        return Verification(True, False, (bad,))
    return Verification(
        True,
        True,
        (
            "no exchange of a request, a minor or both between two or three municipalities "
            "lowers the objective (exact check)",
        ),
    )


def _rules_certificate(
    problem: Problem, allocation: Any, x: np.ndarray, m: np.ndarray
) -> Verification | None:
    """An allocation from the exact rules path carries its certificate: re-check it from the
    problem alone (:func:`busetting.check_certificate`)."""
    certs = [c for c in getattr(allocation, "certificate", ()) if isinstance(c, RulesCertificate)]
    if not certs:
        return None
    check = check_certificate(problem, x, m, certs[0])
    if not check:
        return None  # an unusable certificate proves nothing either way: decide without it
    return Verification(True, True, (f"the rules-path certificate holds: {check.message}",))


def _lagrangian(
    problem: Problem,
    method: Method,
    key: Key,
    mkey: Key,
    bounds: Bounds,
    x: np.ndarray,
    m: np.ndarray,
    value: float,
) -> Verification:
    plan = plan_rules(problem, key, mkey, bounds)
    spec = plan.spec
    lb = _lagrangian_bound(problem, method, key, mkey, spec)
    total = value + penalty_value(x, spec)
    gap = total - lb

    def feasible(x2: np.ndarray, m2: np.ndarray) -> bool:
        return not violations(problem, x2, m2, method=method, bounds=bounds, plan=plan)

    def value_of(x2: np.ndarray, m2: np.ndarray) -> float:
        return (
            objective(method, x2, key.targets)
            + objective(method, m2[mkey.rows], mkey.targets)
            + penalty_value(x2, spec)
        )

    step = explanation_step(problem.rules)
    steps = (1,) if step == 1 else (1, step)
    better = local_improvement(method, key, mkey, x, m, feasible, value_of, steps)
    if better:
        return Verification(True, False, (better,))
    if gap <= LAGRANGIAN_TOLERANCE * max(1.0, abs(total)):
        return Verification(
            True,
            True,
            (f"the objective {total:.6g} reaches the Lagrangian lower bound {lb:.6g}",),
        )
    return Verification(
        True,
        None,
        (
            f"feasible; the objective {total:.6g} is "
            f"{gap:.3g} above the Lagrangian lower bound {lb:.6g}, "
            "so optimality needs a solver to decide",
        ),
    )


def _lagrangian_bound(
    problem: Problem, method: Method, key: Key, mkey: Key, spec: RuleSpec
) -> float:
    """The Lagrangian lower bound of the objective under the rules (requests plus minors)."""
    groups = np.zeros(len(key.targets), dtype=np.int64)
    totals = {0: problem.total}
    if spec.group_totals and spec.group_penalty is None:
        groups = np.where(spec.group >= 0, spec.group, len(spec.group_totals))
        totals = dict(spec.group_totals)
        totals[len(spec.group_totals)] = problem.total - sum(spec.group_totals.values())
    lb = dual_bound(method, key.targets, spec.x_sets, groups, totals).bound
    lb += dual_bound(
        method,
        mkey.targets,
        spec.m_sets,
        np.zeros(len(mkey.targets), dtype=np.int64),
        {0: problem.minors_total},
        hosts=spec.max_hosts,
        exact_hosts=spec.exact_hosts,
    ).bound
    return float(lb)
