"""The independent check of a rules-path certificate (:func:`check_certificate`).

The exact rules path (:mod:`busetting._solvers.lagrange`) returns, with its solution, the
multipliers of a Lagrangian bound and the gap it searched. The check here trusts nothing else
from the solver: it rebuilds the keys, the effective bounds and the rules from the problem,
runs the one feasibility checker (:mod:`busetting._feasibility`), recomputes the bound by
enumerating every allowed value of every municipality, and searches every value of reduced
cost within the gap with its own plain dynamic programme.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from busetting._constrained import RulePlan, plan_rules
from busetting._criteria import Key, build_key
from busetting._diagnose import Bounds
from busetting._edge import check_types
from busetting._exceptions import BusettingError
from busetting._feasibility import effective_bounds, raise_for_violations, violations
from busetting._methods import Method, deviation, objective
from busetting._model import Problem
from busetting._solvers.lagrange import GAP_TOLERANCE, allowed_values, group_labels, sum_groups
from busetting._status import RulesCertificate

__all__ = ["CertificateCheck", "check_certificate"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Sums = tuple[int, int, int, int]
"""A state of the check's search: requests of the current group, minors, off-grid, hosts."""
Choice = tuple[float, int, int, int, int]
"""One choice of a municipality: (reduced cost, request, minors, off-grid, host)."""


@dataclass(frozen=True)
class CertificateCheck:
    """Outcome of :func:`check_certificate`: ``ok`` and the reason in words."""

    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True)
class _Setting:
    """The problem as the check rebuilds it: keys, bounds, rules, and the sum groups (per
    request row, their totals and their names in the certificate)."""

    problem: Problem
    method: Method
    key: Key
    mkey: Key
    bounds: Bounds
    plan: RulePlan
    groups: IntArray
    totals: dict[int, int]
    label: dict[int, str]

    @property
    def hosts(self) -> int | None:
        """The host limit, when there are minors to host."""
        return self.plan.spec.max_hosts if len(self.mkey.rows) else None


@dataclass(frozen=True)
class _Options:
    """The bound recomputed from the multipliers, and each municipality's allowed values with
    their reduced costs (requests: values, reduced costs, off-grid flags; minors by row)."""

    bound: float
    x: list[tuple[IntArray, FloatArray, IntArray]]
    m: dict[int, tuple[IntArray, FloatArray]]


def check_certificate(problem: Problem, x: Any, m: Any, cert: RulesCertificate) -> CertificateCheck:
    """Re-check a rules-path solution and its certificate from the problem alone.

    ``x`` and ``m`` are the requests and minors (full length, in the problem's order). The
    check rebuilds the rules from the problem, verifies every rule and total, recomputes the
    Lagrangian bound from the certificate's multipliers by enumerating every allowed value of
    every municipality, and searches all values of reduced cost within the certified gap
    (its own plain dynamic programme) for a better solution. Nothing is taken on trust from
    the solver but the multipliers.

    Parameters
    ----------
    problem : Problem
        The problem, with its rules.
    x, m : array-like of int
        The requests and the minors.
    cert : RulesCertificate
        The certificate the rules path returned with them.

    Returns
    -------
    CertificateCheck
        ``ok`` (also its truth value) and the reason in words.
    """
    check_types(check_certificate, locals())
    setting = _rebuild(problem, Method(cert.method))
    xv = np.asarray(x, dtype=np.int64)
    mv = np.asarray(m, dtype=np.int64)
    found = violations(
        problem, xv, mv, method=setting.method, bounds=setting.bounds, plan=setting.plan
    )
    try:
        raise_for_violations(found, "rules path")
    except BusettingError as exc:
        return CertificateCheck(False, str(exc))
    if setting.plan.spec.group_penalty is not None:
        return CertificateCheck(False, "penalised county totals are outside the rules path")
    value = objective(setting.method, xv, setting.key.targets) + objective(
        setting.method, mv[setting.mkey.rows], setting.mkey.targets
    )
    tol = GAP_TOLERANCE * max(1.0, abs(value))
    wrong = _mismatch(setting, cert, value, tol)
    if wrong is not None:
        return CertificateCheck(False, wrong)
    opts = _options(setting, cert)
    bound = opts.bound
    if bound > value + tol:
        return CertificateCheck(False, f"the bound {bound!r} exceeds the objective {value!r}")
    gap = value - bound
    if gap > cert.gap + tol:
        return CertificateCheck(
            False, f"the gap {gap!r} exceeds the searched gap {cert.gap!r} of the certificate"
        )
    better = _better(setting, cert, opts, value, tol)
    if better:
        return CertificateCheck(False, f"a better solution of value {min(better)!r} exists")
    return CertificateCheck(
        True, f"optimal: bound {bound:.10g}, objective {value:.10g}, gap searched exhaustively"
    )


def _rebuild(problem: Problem, method: Method) -> _Setting:
    key = build_key(problem, "requests")
    mkey = build_key(problem, "minors")
    bounds, _ = effective_bounds(problem, method, key, mkey)
    plan = plan_rules(problem, key, mkey, bounds)
    groups, totals, names = sum_groups(plan.spec, problem.total)
    label = group_labels(totals, names, plan.counties)
    return _Setting(problem, method, key, mkey, bounds, plan, groups, totals, label)


def _mismatch(setting: _Setting, cert: RulesCertificate, value: float, tol: float) -> str | None:
    """Why the certificate does not fit the solution or the problem, if it does not."""
    if abs(value - cert.objective) > tol:
        return f"the objective is {value!r}, the certificate says {cert.objective!r}"
    groups = setting.groups
    if set(dict(cert.lambdas)) != {setting.label[g] for g in setting.totals if (groups == g).any()}:
        return "the certificate's sum groups do not match the problem"
    if setting.hosts is not None and not setting.plan.spec.exact_hosts and cert.mu < 0:
        return "a host price below 0 for an 'at most' host limit"
    return None


def _options(setting: _Setting, cert: RulesCertificate) -> _Options:
    """The bound of the certificate's multipliers, every allowed value enumerated."""
    problem, method, spec = setting.problem, setting.method, setting.plan.spec
    names = dict(cert.lambdas)
    groups, hosts = setting.groups, setting.hosts
    bound = cert.nu * spec.offgrid_count + cert.lambda_minors * problem.minors_total
    if hosts is not None:
        bound -= cert.mu * hosts
    for g, tot in setting.totals.items():
        if (groups == g).any():
            bound += names[setting.label[g]] * tot
    xs, ms = spec.x_sets, spec.m_sets
    x_opts: list[tuple[IntArray, FloatArray, IntArray]] = []
    for i in range(len(groups)):
        p = allowed_values(xs, i, problem.total)
        lam = names[setting.label[int(groups[i])]]
        e = (p % max(int(xs.grid[i]), 1) == 1) & (int(xs.grid[i]) > 1) & ~bool(xs.const[i])
        v = deviation(method, p, np.full(len(p), setting.key.targets[i])) - lam * p - cert.nu * e
        low = float(v.min())
        bound += low
        x_opts.append((p, v - low, e.astype(np.int64)))
    m_opts: dict[int, tuple[IntArray, FloatArray]] = {}
    mkey = setting.mkey
    for j, i in enumerate(mkey.rows.tolist()):
        q = allowed_values(ms, j, problem.minors_total)
        v = (
            deviation(method, q, np.full(len(q), mkey.targets[j]))
            - cert.lambda_minors * q
            + cert.mu * (q > 0)
        )
        low = float(v.min())
        bound += low
        m_opts[i] = (q, v - low)
    return _Options(bound, x_opts, m_opts)


def _choices(opts: _Options, i: int, limit: float) -> list[Choice]:
    """Every choice of municipality ``i`` of reduced cost at most ``limit``."""
    p, rx, e = opts.x[i]
    keep = rx <= limit
    out = [
        (float(c), int(a), 0, int(b), 0) for c, a, b in zip(rx[keep], p[keep], e[keep], strict=True)
    ]
    if i in opts.m:
        q, rq = opts.m[i]
        mk = rq <= limit
        out = [
            (c + float(d), a, int(b), f, int(b > 0))
            for c, a, _, f, _ in out
            for d, b in zip(rq[mk], q[mk], strict=True)
            if b <= a and c + float(d) <= limit
        ]
    return out


def _better(
    setting: _Setting, cert: RulesCertificate, opts: _Options, value: float, tol: float
) -> list[float]:
    """Values below ``value`` of solutions within the certified gap (a plain dynamic
    programme over the sums, municipality by municipality); empty when there is none."""
    groups = setting.groups
    n = len(groups)
    limit = value - opts.bound + tol
    rows = sorted(range(n), key=lambda i: (int(groups[i]), i))
    states: dict[Sums, float] = {(0, 0, 0, 0): 0.0}
    for k, i in enumerate(rows):
        choices = _choices(opts, i, limit)
        nxt: dict[Sums, float] = {}
        for (sx, sm, se, sh), c0 in states.items():
            for c, a, b, f, h in choices:
                c1 = c0 + c
                if c1 > limit:
                    continue
                key_ = (sx + a, sm + b, se + f, sh + h)
                if key_ not in nxt or c1 < nxt[key_]:
                    nxt[key_] = c1
        if k + 1 == n or int(groups[rows[k + 1]]) != int(groups[i]):  # the group is complete
            need = setting.totals[int(groups[i])]
            nxt = {(0, *s[1:]): c for s, c in nxt.items() if s[0] == need}
        states = nxt
    return _final(setting, cert, states, opts.bound, value - tol)


def _final(
    setting: _Setting, cert: RulesCertificate, states: dict[Sums, float], bound: float, below: float
) -> list[float]:
    """The values below ``below`` of the final states that meet every sum."""
    spec, hosts = setting.plan.spec, setting.hosts
    better = []
    for (_, sm, se, sh), c in states.items():
        if sm != setting.problem.minors_total or se != spec.offgrid_count:
            continue
        if hosts is not None and (sh > hosts or (spec.exact_hosts and sh != hosts)):
            continue
        slack = cert.mu * (hosts - sh) if hosts is not None and not spec.exact_hosts else 0.0
        if bound + c + slack < below:
            better.append(bound + c + slack)
    return better
