"""The process rules as objects: one class per rule, one registry that every route asks.

Each rule of the real process (granularity, minimum request, minors in groups, the number of
minors hosts, county totals, the per-capita, share and county share caps) is one :class:`Rule`
here. A rule states

* its parameters (:attr:`Rule.parameters`): the fields of :class:`~busetting._model.Rules` it
  owns, with their type, default, check and documentation; ``Rules`` is built from the
  registry (:func:`rules_model`), so a new rule's parameter needs no edit of ``_model``;
* its words (:attr:`Rule.words`) in English, bokmål and nynorsk, registered into the one term
  catalogue (``_language``'s ``rules`` table) and written by :meth:`Rule.describe`;
* whether it is active and whether it needs the integer program (:meth:`Rule.needs_program`);
* its bounds on the solve (:meth:`Rule.upper_limits`: the caps);
* the allowed values it gives each variable (:meth:`Rule.narrow_requests`,
  :meth:`Rule.narrow_minors`) and the joining rows it adds to the program
  (:meth:`Rule.program`), which the integer program (:mod:`busetting._solvers.milp`), the rules
  path (:mod:`busetting._solvers.lagrange`) and the elastic diagnosis read as one
  :class:`~busetting._solvers.milp.RuleSpec`; why the rules path cannot take it
  (:meth:`Rule.rules_path`);
* its check (:meth:`Rule.check`, and why a value is outside its allowed set:
  :meth:`Rule.explain_request`, :meth:`Rule.explain_minors`), read by
  :func:`busetting._feasibility.violations`, the one feasibility checker;
* its diagnosis before the solve (:meth:`Rule.diagnose`);
* whether one sweep of a divisor method's unit order gives every total (:meth:`Rule.sweepable`,
  read by ``revise``'s and ``scenarios``' fast path);
* what the explanations need to know of it (:meth:`Rule.request_floor`, :meth:`Rule.step`,
  :meth:`Rule.moves_margins`, :meth:`Rule.label`).

:data:`RULES` is the registry. The routes (the threshold path's bounds, the rules path, the
integer program, ``revise``, ``verify``, the diagnosis) and the explanations call the functions
at the end of this module, which walk the registry; no module outside this one reads a field
of ``Rules`` (``tests/test_rule_registry.py`` checks both). This module sits below
:mod:`busetting._model` in the layers: it uses the model's classes only as types.

Fixed values, council decisions as ceilings and settled floors are bounds of each
municipality (``fixed``, ``max``, ``min``, and ``minors_min``, ``minors_max``; ``revise`` writes
them there): each is a :class:`Bound` (:class:`Fixed`, :class:`Ceiling`, :class:`Floor`,
:class:`MinorsFloor`, :class:`MinorsCeiling`) in the registry :data:`BOUNDS`, which
:func:`given_bounds`, the ``explain_*`` functions and :func:`diagnose_given` walk.
"""

from __future__ import annotations

import inspect
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, cast

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field, create_model, field_validator

from busetting._diagnose import Bounds, count_noun, diagnose_bounds
from busetting._edge import check_count
from busetting._language import NORWEGIAN, add_rule_words, format_number, rule_term
from busetting._solvers.milp import JoinRow, RuleSpec
from busetting._solvers.sets import VarSets
from busetting._solvers.threshold import UNBOUNDED
from busetting._status import Shortfall

if TYPE_CHECKING:
    from busetting._criteria import Key
    from busetting._methods import Method
    from busetting._model import Columns, Problem, Rules

__all__ = [
    "BOUNDS",
    "CEILING_LABEL",
    "FLOOR_LABEL",
    "HELD_LABEL",
    "LOWER_LABELS",
    "RULES",
    "UPPER_LABELS",
    "Answer",
    "Bound",
    "Ceiling",
    "Fixed",
    "Floor",
    "GivenBounds",
    "MinorsCeiling",
    "MinorsDraft",
    "MinorsFloor",
    "Parameter",
    "ProgramDraft",
    "Reach",
    "RequestDraft",
    "Rule",
    "RulePlan",
    "Violation",
    "check",
    "counts",
    "describe",
    "diagnose",
    "diagnose_given",
    "explain_above",
    "explain_below",
    "explain_minors_above",
    "explain_minors_below",
    "explanation_step",
    "given_bounds",
    "host_limit",
    "label",
    "margins_step",
    "minors_group",
    "needs_program",
    "part_words",
    "plan_rules",
    "problem_failures",
    "reconcile_hosts_reasons",
    "reconcile_minors_reasons",
    "reconcile_reasons",
    "request_floor",
    "request_floor_everywhere",
    "rules_model",
    "rules_path_reason",
    "source_words",
    "sweepable",
    "upper_limits",
    "validate",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]


def _fmt(n: int) -> str:
    return f"{n:,}"


@dataclass(frozen=True)
class Violation:
    """One way an allocation breaks the problem: the group (``values``, ``totals``,
    ``requests``, ``minors`` or ``rules``), the municipality when there is one, and a
    sentence."""

    group: str
    municipality_id: str | None
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class RulePlan:
    """Everything the rules need: the spec for the program and names for messages."""

    spec: RuleSpec
    counties: tuple[str, ...]  # county group id -> name


@dataclass
class RequestDraft:
    """The allowed requests while the rules narrow them (see :class:`VarSets`).

    ``const`` rows are held (fixed, a divisor method's zero target, or a lower bound that
    reaches the upper bound) and exempt from the rules; ``reach`` is the largest request the
    bounds allow (at most the need); ``rest`` the need left after the held values."""

    lower: IntArray
    reach: IntArray
    const: BoolArray
    held: IntArray
    upper_p: IntArray
    lo_p: IntArray
    grid: IntArray
    zero_ok: BoolArray
    rest: int
    offgrid_count: int = 0


@dataclass
class MinorsDraft:
    """What the rules say about the minors before their sets are built: the smallest group
    a host takes, whether every eligible municipality must take one, and whether the number
    of hosts is limited (so any host takes at least one group)."""

    group: int = 0
    every: bool = False
    hosts_limited: bool = False


@dataclass
class ProgramDraft:
    """The joining rows of the program while the rules add theirs (see :class:`RuleSpec`)."""

    n: int
    group: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    group_totals: dict[int, int] = field(default_factory=dict)
    group_penalty: float | None = None
    group_names: tuple[str, ...] = ()
    max_hosts: int | None = None
    exact_hosts: bool = False
    rows: list[JoinRow] = field(default_factory=list)


@dataclass(frozen=True)
class Answer:
    """What a check looks at: the problem, its rule plan, requests ``x`` and minors ``m``
    (integer arrays in the problem's id order) and the rows of the eligible municipalities."""

    problem: Problem
    plan: RulePlan
    x: IntArray
    m: IntArray
    minors_rows: IntArray


@dataclass(frozen=True)
class Reach:
    """What a diagnosis looks at: the problem, its rule plan and bounds, and the smallest and
    largest allowed request of each municipality."""

    problem: Problem
    plan: RulePlan
    bounds: Bounds
    small: IntArray
    large: IntArray


@dataclass(frozen=True)
class Parameter:
    """A field of :class:`~busetting._model.Rules` that a rule owns.

    ``check`` takes the value a user gives and returns the value kept (a ``ValueError`` with
    the reason otherwise; ``None``: pydantic's own check of ``annotation``); ``doc`` is its
    entry in the ``Rules`` docstring and JSON schema."""

    name: str
    annotation: Any
    default: Any
    doc: str
    check: Callable[[Any], Any] | None = None


def _at_least_one(value: Any) -> int:
    n = check_count(value)
    if n < 1:
        raise ValueError("must be a whole number >= 1")
    return n


def _optional_count(value: Any) -> int | None:
    return None if value is None else check_count(value)


def _positive(value: Any) -> float | None:
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise ValueError("must be a positive finite number") from None
    if isinstance(value, bool) or not math.isfinite(f) or f <= 0:
        raise ValueError("must be a positive finite number")
    return f


def _county_counts(value: Any) -> dict[str, int] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError("must be a mapping of county to a whole number >= 0")
    return {str(k): check_count(n) for k, n in value.items()}


def _number(value: float, language: str, decimals: int) -> str:
    """A rule's number in its words: ``:g`` in English, the decimal comma in Norwegian."""
    return format_number(value, language, decimals) if language in NORWEGIAN else f"{value:g}"


class Rule:
    """One process rule. Every method has a neutral default, so a rule states only what it
    does; see the module docstring for who asks which method."""

    name: ClassVar[str] = ""
    """A short name (used in messages of the registry test)."""
    parameters: ClassVar[tuple[Parameter, ...]] = ()
    """The fields of :class:`~busetting._model.Rules` it owns (no other rule reads them)."""
    fields: ClassVar[tuple[str, ...]] = ()
    """The names of its parameters (set from :attr:`parameters`)."""
    words: ClassVar[Mapping[str, Mapping[str, str]]] = {}
    """Its words: language (``en``, ``nb``, ``nn``) -> key -> text with ``{placeholders}``;
    registered into the ``rules`` table of the term catalogue."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.fields = tuple(p.name for p in cls.parameters)

    def say(self, key: str, language: str, **values: Any) -> str:
        """The rule's words ``key`` in ``language`` with ``values`` filled in."""
        return rule_term(f"{self.name}.{key}", language, **values)

    def validate(self, rules: Rules) -> None:
        """Raise ``ValueError`` when the rule's parameters do not go together."""

    def describe(self, rules: Rules, language: str) -> str | None:
        """The rule in words when it is active (``None`` when it is not)."""
        return None

    def label(self, rules: Rules, x: int, kept: float) -> tuple[int, str] | None:
        """The rule as the cause of a part of the accounting: request ``x`` where its share
        within its bounds was ``kept``. A code (``field=value`` or ``field``; its words are
        the rule's ``part`` words) with a rank: 0 when the rule alone moved the request, 1
        when it shapes every request, 2 when it shapes sums; ``None`` when it did not act."""
        return None

    def request_floor(self, rules: Rules) -> int:
        """The smallest nonzero request the rule allows a free municipality (0: none)."""
        return 0

    def request_floor_everywhere(self, rules: Rules) -> bool:
        """Whether every municipality the bounds allow must get at least
        :meth:`request_floor`."""
        return False

    def step(self, rules: Rules) -> int:
        """The step between the requests the rule allows (1: any whole number)."""
        return 1

    def margins_in_blocks(self, rules: Rules, step: int) -> bool:
        """Whether Sainte-Laguë's margins, counted in blocks of ``step`` persons between the
        bounds, stay exact with the rule active (a rule that needs no program only bounds)."""
        return not self.needs_program(rules)

    def minors_group(self, rules: Rules) -> int:
        """The smallest group of minors a host takes (0: no such rule)."""
        return 0

    def host_limit(self, rules: Rules) -> int | None:
        """The most municipalities that may host minors (``None``: no limit)."""
        return None

    def counts(self, rules: Rules) -> list[tuple[str, int]]:
        """The counts of persons among the rule's parameters, by name (for the limits)."""
        return []

    def problem_failures(self, rules: Rules, counties: set[str]) -> list[tuple[str, str]]:
        """What the rule's parameters ask of a problem with these ``counties`` that it cannot
        give: (reason, value) for its failure table."""
        return []

    def reconcile_reason(self, rules: Rules, value: int) -> str | None:
        """Why a county's recommended request ``value`` cannot stand under the rule."""
        return None

    def reconcile_minors_reason(self, rules: Rules, value: int) -> str | None:
        """Why a county's recommended minors ``value`` cannot stand under the rule."""
        return None

    def reconcile_hosts_reason(self, rules: Rules) -> str | None:
        """Why a recommended minors host was left out when the hosts are all taken."""
        return None

    def active(self, rules: Rules) -> bool:
        """Whether ``rules`` switch this rule on."""
        return False

    def needs_program(self, rules: Rules) -> bool:
        """Whether the rule needs the integer program (or the rules path)."""
        return False

    def sweepable(self, rules: Rules) -> bool:
        """Whether one ordering of a divisor method's units gives the answer at every total."""
        return not self.needs_program(rules)

    def upper_limits(
        self, rules: Rules, population: FloatArray, total: int
    ) -> list[tuple[str, FloatArray]]:
        """Upper bounds on the requests, with their label (the source of a bound)."""
        return []

    def narrow_requests(self, rules: Rules, draft: RequestDraft) -> None:
        """Narrow the allowed requests (``draft`` is changed in place)."""

    def narrow_minors(self, rules: Rules, draft: MinorsDraft) -> None:
        """Say what the rule asks of the minors (``draft`` is changed in place)."""

    def program(self, problem: Problem, draft: ProgramDraft) -> None:
        """Add the rule's joining rows to the program (``draft`` is changed in place)."""

    def rules_path(self, rules: Rules) -> str | None:
        """``None`` when the rules path can take the rule as ``rules`` set it, else why not."""
        return None

    def explain_request(self, rules: Rules, v: int, i: int, sets: VarSets) -> str | None:
        """Why request ``v`` of row ``i`` is outside its allowed set, if this rule says so."""
        return None

    def explain_minors(self, rules: Rules, v: int) -> str | None:
        """Why ``v`` minors are outside their allowed set, if this rule says so."""
        return None

    def check(self, answer: Answer) -> list[Violation]:
        """The violations of this rule's joining rows in an answer."""
        return []

    def diagnose(self, reach: Reach) -> tuple[Shortfall, ...]:
        """The rule's pre-solve shortfalls: sums it needs that the allowed values cannot meet."""
        return ()


# -- the rules -----------------------------------------------------------------------------------


class Granularity(Rule):
    """Requests in multiples of ``g``; exactly ``N' mod g`` requests one above the grid."""

    name = "granularity"
    parameters = (
        Parameter(
            "granularity",
            int,
            1,
            "Requests in multiples of ``g`` (IMDi uses 5). The national total stays exact: "
            "when the total left after fixed values is not a multiple of ``g``, exactly "
            "``r = N' mod g`` municipalities get a request one above a multiple of ``g`` (the "
            "smallest step off the grid), chosen by the objective. Fixed values are held as "
            "they are.",
            _at_least_one,
        ),
    )
    words = {
        "en": {"granularity": "granularity {g}", "part": "multiples of {g}"},
        "nb": {"granularity": "anmodninger i multipler av {g}", "part": "multipler av {g}"},
        "nn": {"granularity": "oppmodingar i multiplar av {g}", "part": "multiplar av {g}"},
    }

    def describe(self, rules: Rules, language: str) -> str | None:
        if not self.active(rules):
            return None
        return self.say("granularity", language, g=rules.granularity)

    def label(self, rules: Rules, x: int, kept: float) -> tuple[int, str] | None:
        return (1, f"granularity={rules.granularity}") if self.active(rules) else None

    def step(self, rules: Rules) -> int:
        return int(rules.granularity)

    def margins_in_blocks(self, rules: Rules, step: int) -> bool:
        return True

    def reconcile_reason(self, rules: Rules, value: int) -> str | None:
        g = rules.granularity
        return f"rule: not a multiple of {g}" if g > 1 and value % g else None

    def active(self, rules: Rules) -> bool:
        return bool(rules.granularity > 1)

    def needs_program(self, rules: Rules) -> bool:
        return self.active(rules)

    def narrow_requests(self, rules: Rules, draft: RequestDraft) -> None:
        g = rules.granularity
        draft.grid = np.where(draft.const, 1, g).astype(np.int64)
        draft.offgrid_count = draft.rest % g if g > 1 else 0

    def explain_request(self, rules: Rules, v: int, i: int, sets: VarSets) -> str | None:
        rem = v % int(sets.grid[i]) if sets.grid[i] > 1 else 0
        if rem and not (rem == 1 and sets.offgrid):
            return f"not on the grid of {rules.granularity}"
        return None

    def check(self, answer: Answer) -> list[Violation]:
        """The number of requests one above the grid, when it is not the planned one."""
        g, spec = answer.problem.rules.granularity, answer.plan.spec
        if g <= 1:
            return []
        off = int((~spec.x_sets.const & (answer.x % g == 1)).sum())
        if off == spec.offgrid_count:
            return []
        message = (
            f"{off} requests are one above a multiple of {g}, expected "
            f"{spec.offgrid_count} (granularity {g})"
        )
        return [Violation("rules", None, message)]

    def diagnose(self, reach: Reach) -> tuple[Shortfall, ...]:
        """Too few municipalities able to take a request one above the grid."""
        spec, g = reach.plan.spec, reach.problem.rules.granularity
        if not spec.offgrid_count:
            return ()
        xs = spec.x_sets
        able = int(((xs.grid > 1) & ~xs.const & (xs.upper >= 1)).sum())
        if able >= spec.offgrid_count:
            return ()
        return (
            Shortfall(
                "granularity",
                f"granularity: the need left after fixed values is not a multiple of {g}, so "
                f"{spec.offgrid_count} requests must be one above a multiple of {g}, but only "
                f"{count_noun(able, 'municipality')} can take one",
                spec.offgrid_count,
                able,
            ),
        )


class MinRequest(Rule):
    """Each request is 0 or at least ``k`` (at least ``k`` everywhere with ``min_request_all``)."""

    name = "minimum request"
    parameters = (
        Parameter(
            "min_request",
            int,
            0,
            "Nobody is asked for fewer than ``k``: each request is 0 or at least ``k``.",
            check_count,
        ),
        Parameter(
            "min_request_all",
            bool,
            False,
            "Every municipality whose bounds allow it is asked for at least ``min_request``.",
        ),
    )
    words = {
        "en": {
            "min_request": "minimum request {k}",
            "min_request_all": " for every municipality",
            "part": "0 or at least {k}",
        },
        "nb": {
            "min_request": "ingen anmodning under {k}",
            "min_request_all": " (og alle kommuner blir spurt)",
            "part": "0 eller minst {k}",
        },
        "nn": {
            "min_request": "inga oppmoding under {k}",
            "min_request_all": " (og alle kommunar blir spurde)",
            "part": "0 eller minst {k}",
        },
    }

    def describe(self, rules: Rules, language: str) -> str | None:
        if not self.active(rules):
            return None
        every = self.say("min_request_all", language) if rules.min_request_all else ""
        return self.say("min_request", language, k=rules.min_request) + every

    def label(self, rules: Rules, x: int, kept: float) -> tuple[int, str] | None:
        k = rules.min_request
        if k and abs(x - kept) >= 1 and ((x == 0 and kept > 0) or (x == k and kept < x)):
            return (0, f"min_request={k}")
        return None

    def request_floor(self, rules: Rules) -> int:
        return int(rules.min_request)

    def request_floor_everywhere(self, rules: Rules) -> bool:
        return bool(rules.min_request_all)

    def margins_in_blocks(self, rules: Rules, step: int) -> bool:
        return bool(rules.min_request <= step)

    def reconcile_reason(self, rules: Rules, value: int) -> str | None:
        k = rules.min_request
        return f"rule: below the minimum request of {k}" if k and 0 < value < k else None

    def active(self, rules: Rules) -> bool:
        return bool(rules.min_request > 0)

    def needs_program(self, rules: Rules) -> bool:
        return self.active(rules)

    def narrow_requests(self, rules: Rules, draft: RequestDraft) -> None:
        kmin = np.where(draft.const, 0, rules.min_request).astype(np.int64)
        zero_ok = ~draft.const & (kmin > 0) & (draft.lower == 0)
        if rules.min_request_all:
            zero_ok &= draft.reach < kmin
        draft.zero_ok = zero_ok
        draft.lo_p = np.maximum(draft.held, kmin).astype(np.int64)

    def explain_request(self, rules: Rules, v: int, i: int, sets: VarSets) -> str | None:
        k = rules.min_request
        if v == 0 and k:
            return f"but every municipality must get at least {k}"
        if k and 0 < v < k:
            return f"below the minimum request {k}"
        return None


class CountyTotals(Rule):
    """Totals per county: hard equalities, or targets with a penalty per person of deviation."""

    name = "county totals"
    parameters = (
        Parameter(
            "county_totals",
            dict[str, int] | None,
            None,
            "Totals per county (the counties' recommendations), as hard equalities, or as "
            "targets with ``county_penalty`` per person of deviation added to the objective.",
            _county_counts,
        ),
        Parameter(
            "county_penalty",
            float | None,
            None,
            "``None`` (default): county totals are hard. A positive number: soft, with this "
            "penalty.",
            _positive,
        ),
    )
    words = {
        "en": {
            "county_totals": "county totals ({kind})",
            "absolute": "hard",
            "soft": "penalty {p}",
            "part": "the county's total",
        },
        "nb": {
            "county_totals": "fylkestall ({kind})",
            "absolute": "absolutte",
            "soft": "veiledende, straff {p}",
            "part": "fylkets sum",
        },
        "nn": {
            "county_totals": "fylkestal ({kind})",
            "absolute": "absolutte",
            "soft": "rettleiande, straff {p}",
            "part": "summen til fylket",
        },
    }

    def describe(self, rules: Rules, language: str) -> str | None:
        if not self.active(rules):
            return None
        penalty = rules.county_penalty
        kind = (
            self.say("absolute", language)
            if penalty is None
            else self.say("soft", language, p=_number(penalty, language, 2))
        )
        return self.say("county_totals", language, kind=kind)

    def label(self, rules: Rules, x: int, kept: float) -> tuple[int, str] | None:
        return (2, "county_totals") if rules.county_totals else None

    def problem_failures(self, rules: Rules, counties: set[str]) -> list[tuple[str, str]]:
        named = set(rules.county_totals or ())
        reason = "county_totals: no municipality is in this county"
        return [(reason, name) for name in sorted(named - counties)]

    def counts(self, rules: Rules) -> list[tuple[str, int]]:
        return [
            (f"county_totals[{county!r}]", value)
            for county, value in sorted((rules.county_totals or {}).items())
        ]

    def active(self, rules: Rules) -> bool:
        return rules.county_totals is not None

    def needs_program(self, rules: Rules) -> bool:
        return self.active(rules)

    def program(self, problem: Problem, draft: ProgramDraft) -> None:
        rules = problem.rules
        names = tuple(sorted(rules.county_totals)) if rules.county_totals else ()
        index = {c: i for i, c in enumerate(names)}
        draft.group = np.array(
            [index.get(m.county, -1) for m in problem.municipalities], dtype=np.int64
        )
        draft.group_totals = {index[c]: t for c, t in (rules.county_totals or {}).items()}
        draft.group_penalty = rules.county_penalty
        draft.group_names = names

    def rules_path(self, rules: Rules) -> str | None:
        if rules.county_penalty is not None:
            return "penalised county totals are not separable"
        return None

    def check(self, answer: Answer) -> list[Violation]:
        """Hard county totals that are not met."""
        rules, plan = answer.problem.rules, answer.plan
        if rules.county_totals is None or rules.county_penalty is not None:
            return []
        spec, out = plan.spec, []
        for gid, name in enumerate(plan.counties):
            got = int(answer.x[spec.group == gid].sum())
            if got != spec.group_totals[gid]:
                out.append(
                    Violation(
                        "rules",
                        None,
                        f"{name} gets {got:,}, not its county total {spec.group_totals[gid]:,}",
                    )
                )
        return out

    def diagnose(self, reach: Reach) -> tuple[Shortfall, ...]:
        """Hard county totals out of their municipalities' reach, and the rest of the need."""
        problem, plan = reach.problem, reach.plan
        rules, spec = problem.rules, plan.spec
        if rules.county_totals is None or rules.county_penalty is not None:
            return ()
        present = {m.county for m in problem.municipalities}
        out = [
            found
            for gid, name in enumerate(plan.counties)
            if (found := _county_shortfall(name, name in present, spec, gid, reach))
        ]
        return (*out, *_rest_shortfall(problem.total, spec, reach))


def _county_shortfall(
    name: str, present: bool, spec: RuleSpec, gid: int, reach: Reach
) -> Shortfall | None:
    rows = spec.group == gid
    target = spec.group_totals[gid]
    c_lo, c_hi = int(reach.small[rows].sum()), int(reach.large[rows].sum())
    if not present:
        return Shortfall(
            "county",
            f"{name}: recommended {_fmt(target)} but the county has no municipality",
            target,
            0,
        )
    if c_hi < target:
        return Shortfall(
            "county",
            f"{name}: recommended {_fmt(target)} but its municipalities' "
            f"capacities sum to {_fmt(c_hi)} ({_fmt(target - c_hi)} short)",
            target,
            c_hi,
        )
    if c_lo > target:
        return Shortfall(
            "county",
            f"{name}: recommended {_fmt(target)} but its municipalities' smallest "
            f"allowed requests sum to {_fmt(c_lo)} ({_fmt(c_lo - target)} over)",
            target,
            c_lo,
        )
    return None


def _rest_shortfall(total: int, spec: RuleSpec, reach: Reach) -> tuple[Shortfall, ...]:
    """What the county totals leave for the rest: for nobody, or out of the rest's reach."""
    covered = spec.group >= 0
    left = total - sum(spec.group_totals.values())
    if covered.all():
        if left == 0:
            return ()
        word = "short of" if left > 0 else "more than"
        return (
            Shortfall(
                "county",
                f"county totals sum to {_fmt(total - left)}, {_fmt(abs(left))} {word} the need "
                f"of {_fmt(total)}",
                total,
                total - left,
            ),
        )
    r_lo, r_hi = int(reach.small[~covered].sum()), int(reach.large[~covered].sum())
    if r_lo <= left <= r_hi:
        return ()
    return (
        Shortfall(
            "county",
            f"the municipalities outside the county totals must take {_fmt(left)} but "
            f"can take {_fmt(r_lo)} to {_fmt(r_hi)}",
            left,
            r_hi if left > r_hi else r_lo,
        ),
    )


class MinorsGroups(Rule):
    """Each municipality's minors are 0 or at least a group (in every eligible one with
    ``minors_min_group_all``)."""

    name = "minors groups"
    parameters = (
        Parameter(
            "minors_min_group",
            int,
            0,
            "Minors in groups: each municipality's minors are 0 or at least this many.",
            check_count,
        ),
        Parameter(
            "minors_min_group_all",
            bool,
            False,
            "Every eligible municipality gets at least ``minors_min_group`` minors.",
        ),
    )
    words = {
        "en": {
            "minors_min_group": "minors in groups of at least {k}",
            "minors_min_group_all": " in every eligible municipality",
        },
        "nb": {
            "minors_min_group": "enslige mindreårige i grupper på minst {k}",
            "minors_min_group_all": " i alle kommuner som kan ta imot",
        },
        "nn": {
            "minors_min_group": "einslege mindreårige i grupper på minst {k}",
            "minors_min_group_all": " i alle kommunar som kan ta imot",
        },
    }

    def describe(self, rules: Rules, language: str) -> str | None:
        if not self.active(rules):
            return None
        every = self.say("minors_min_group_all", language) if rules.minors_min_group_all else ""
        return self.say("minors_min_group", language, k=rules.minors_min_group) + every

    def margins_in_blocks(self, rules: Rules, step: int) -> bool:
        return True  # minors couple to the requests only through minors <= request

    def minors_group(self, rules: Rules) -> int:
        return int(rules.minors_min_group)

    def reconcile_minors_reason(self, rules: Rules, value: int) -> str | None:
        group = rules.minors_min_group
        return (
            f"rule: minors in groups of at least {group}" if group and 0 < value < group else None
        )

    def active(self, rules: Rules) -> bool:
        return bool(rules.minors_min_group > 0)

    def needs_program(self, rules: Rules) -> bool:
        return self.active(rules)

    def narrow_minors(self, rules: Rules, draft: MinorsDraft) -> None:
        draft.group = rules.minors_min_group
        draft.every = rules.minors_min_group_all

    def explain_minors(self, rules: Rules, v: int) -> str | None:
        kg = rules.minors_min_group
        return f"below the group of {kg}" if kg and v < kg else None

    def diagnose(self, reach: Reach) -> tuple[Shortfall, ...]:
        """The minors floors against the minors need, and (without a host limit) the room of
        the municipalities that can take a group."""
        problem, plan = reach.problem, reach.plan
        if problem.minors_total <= 0:
            return ()
        out = list(_minors_floor(problem, plan))
        if problem.rules.max_minors_hosts is None:
            msets = plan.spec.m_sets
            room = np.where(msets.const, msets.lower, msets.upper)
            minors, have = problem.minors_total, int(room.sum())
            if have < minors:
                out.append(
                    Shortfall(
                        "minors",
                        f"minors: the municipalities that can take a group of "
                        f"{max(problem.rules.minors_min_group, 1)} have room for {_fmt(have)}, "
                        f"{_fmt(minors - have)} short of the minors need of {_fmt(minors)}",
                        minors,
                        have,
                    )
                )
        return tuple(out)


def _minors_floor(problem: Problem, plan: RulePlan) -> tuple[Shortfall, ...]:
    """The minors that must be placed (held values and minimum groups) above the need."""
    msets, minors = plan.spec.m_sets, problem.minors_total
    must = ~msets.const & ~msets.zero_ok
    held = int(msets.lower[msets.const].sum())
    floor_sum = int(msets.lo_p[must].sum()) + held
    if floor_sum <= minors:
        return ()
    if held == 0:
        text = (
            f"minors: {count_noun(int(must.sum()), 'municipality')} must each get at least "
            f"{problem.rules.minors_min_group} minors ({_fmt(floor_sum)} in all), "
        )
    else:
        text = (
            "minors: the minors that must be placed (held values and groups) sum to "
            f"{_fmt(floor_sum)}, "
        )
    text += f"{_fmt(floor_sum - minors)} more than the minors need of {_fmt(minors)}"
    return (Shortfall("minors", text, minors, floor_sum),)


class MinorsHosts(Rule):
    """At most (exactly, with ``exact_minors_hosts``) this many municipalities host minors."""

    name = "minors hosts"
    parameters = (
        Parameter(
            "max_minors_hosts",
            int | None,
            None,
            "At most this many municipalities are asked for minors (exactly, with "
            "``exact_minors_hosts``), chosen by the objective among the eligible.",
            _optional_count,
        ),
        Parameter(
            "exact_minors_hosts",
            bool,
            False,
            "Exactly ``max_minors_hosts`` municipalities are asked for minors.",
        ),
    )
    words = {
        "en": {
            "max_minors_hosts": "{kind} {h} minors hosts",
            "exactly": "exactly",
            "at_most": "at most",
        },
        "nb": {
            "max_minors_hosts": "{kind} {h} kommuner bes om enslige mindreårige",
            "exactly": "nøyaktig",
            "at_most": "høyst",
        },
        "nn": {
            "max_minors_hosts": "{kind} {h} kommunar blir bedne om einslege mindreårige",
            "exactly": "nøyaktig",
            "at_most": "høgst",
        },
    }

    def validate(self, rules: Rules) -> None:
        if rules.exact_minors_hosts and rules.max_minors_hosts is None:
            raise ValueError("exact_minors_hosts needs max_minors_hosts")

    def describe(self, rules: Rules, language: str) -> str | None:
        if not self.active(rules):
            return None
        kind = self.say("exactly" if rules.exact_minors_hosts else "at_most", language)
        return self.say("max_minors_hosts", language, kind=kind, h=rules.max_minors_hosts)

    def margins_in_blocks(self, rules: Rules, step: int) -> bool:
        return True  # minors couple to the requests only through minors <= request

    def host_limit(self, rules: Rules) -> int | None:
        return None if rules.max_minors_hosts is None else int(rules.max_minors_hosts)

    def reconcile_hosts_reason(self, rules: Rules) -> str | None:
        limit = rules.max_minors_hosts
        return None if limit is None else f"rule: at most {limit} minors hosts"

    def active(self, rules: Rules) -> bool:
        return rules.max_minors_hosts is not None

    def needs_program(self, rules: Rules) -> bool:
        return self.active(rules)

    def narrow_minors(self, rules: Rules, draft: MinorsDraft) -> None:
        draft.hosts_limited = rules.max_minors_hosts is not None

    def program(self, problem: Problem, draft: ProgramDraft) -> None:
        draft.max_hosts = problem.rules.max_minors_hosts
        draft.exact_hosts = problem.rules.exact_minors_hosts

    def check(self, answer: Answer) -> list[Violation]:
        """The number of minors hosts against the host limit."""
        rules = answer.problem.rules
        if rules.max_minors_hosts is None:
            return []
        count = int((answer.m > 0).sum())
        if count > rules.max_minors_hosts or (
            rules.exact_minors_hosts and count != rules.max_minors_hosts
        ):
            kind = "exactly" if rules.exact_minors_hosts else "at most"
            message = (
                f"{count} municipalities host minors, expected {kind} {rules.max_minors_hosts}"
            )
            return [Violation("rules", None, message)]
        return []

    def diagnose(self, reach: Reach) -> tuple[Shortfall, ...]:
        """Room in the largest hosts, forced hosts, the exact count, and the groups the hosts
        must take."""
        problem, msets = reach.problem, reach.plan.spec.m_sets
        rules, minors, hosts = problem.rules, problem.minors_total, problem.rules.max_minors_hosts
        if minors <= 0 or hosts is None:
            return ()
        room = np.where(msets.const, msets.lower, msets.upper)
        out: list[Shortfall] = []
        best = int(np.sort(room)[::-1][:hosts].sum())
        if best < minors:
            out.append(
                Shortfall(
                    "minors",
                    f"minors: the {count_noun(hosts, 'largest minors room')} sum to "
                    f"{_fmt(best)}, {_fmt(minors - best)} short of the minors need of "
                    f"{_fmt(minors)}",
                    minors,
                    best,
                )
            )
        forced = int((msets.smallest() > 0).sum())
        if forced > hosts:
            out.append(
                Shortfall(
                    "minors",
                    f"minors: {count_noun(forced, 'municipality')} must take minors (minors_min "
                    f"or every eligible one), more than the limit of {hosts} hosts",
                    hosts,
                    forced,
                )
            )
        possible = int((~msets.const | (msets.lower > 0)).sum())
        if rules.exact_minors_hosts and possible < hosts:
            out.append(
                Shortfall(
                    "minors",
                    f"minors: exactly {hosts} hosts asked but only "
                    f"{count_noun(possible, 'municipality')} can take a group",
                    hosts,
                    possible,
                )
            )
        must = ~msets.const & ~msets.zero_ok
        need_groups = hosts if rules.exact_minors_hosts else int(must.sum())
        group = max(rules.minors_min_group, 1)
        if need_groups * group > minors:
            out.append(
                Shortfall(
                    "minors",
                    f"minors: {need_groups} hosts with groups of at least {group} need "
                    f"{_fmt(need_groups * group)}, more than the minors need of {_fmt(minors)}",
                    minors,
                    need_groups * group,
                )
            )
        return tuple(out)


class PerCapitaCap(Rule):
    """``x_i <= floor(r * population_i)``: a plain upper bound (no program needed)."""

    name = "per-capita cap"
    parameters = (
        Parameter(
            "per_capita_cap",
            float | None,
            None,
            "``x_i <= floor(r * population_i)``: spread.",
            _positive,
        ),
    )
    words = {
        "en": {"per_capita_cap": "per-capita cap {r}", "source": "per-capita cap"},
        "nb": {"per_capita_cap": "høyst {r} per innbygger", "source": "tak per innbygger"},
        "nn": {"per_capita_cap": "høgst {r} per innbyggjar", "source": "tak per innbyggjar"},
    }

    def describe(self, rules: Rules, language: str) -> str | None:
        if not self.active(rules):
            return None
        return self.say("per_capita_cap", language, r=_number(rules.per_capita_cap, language, 4))

    def active(self, rules: Rules) -> bool:
        return rules.per_capita_cap is not None

    def upper_limits(
        self, rules: Rules, population: FloatArray, total: int
    ) -> list[tuple[str, FloatArray]]:
        """``floor(r * population)`` persons (``1e-9`` absorbs the rounding of a product that
        is a whole number in exact arithmetic, e.g. ``0.004 * 2500``)."""
        if rules.per_capita_cap is None:
            return []
        pops = np.asarray(population, dtype=np.float64)
        return [(self.name, np.floor(rules.per_capita_cap * pops + 1e-9))]


class ShareCap(Rule):
    """``x_i <= floor(s * N)``: a plain upper bound that moves with the need (so one sweep of
    the unit order cannot give every total)."""

    name = "share cap"
    parameters = (
        Parameter(
            "share_cap",
            float | None,
            None,
            "``x_i <= floor(s * N)``: no municipality takes more than this share of the need.",
            _positive,
        ),
    )
    words = {
        "en": {"share_cap": "share cap {s}", "source": "share cap"},
        "nb": {"share_cap": "høyst {s} av behovet per kommune", "source": "tak på andel"},
        "nn": {"share_cap": "høgst {s} av behovet per kommune", "source": "tak på del"},
    }

    def validate(self, rules: Rules) -> None:
        if rules.share_cap is not None and rules.share_cap > 1:
            raise ValueError(f"share_cap ({rules.share_cap}) must not exceed 1")

    def describe(self, rules: Rules, language: str) -> str | None:
        if not self.active(rules):
            return None
        return self.say("share_cap", language, s=_number(rules.share_cap, language, 4))

    def active(self, rules: Rules) -> bool:
        return rules.share_cap is not None

    def sweepable(self, rules: Rules) -> bool:
        return rules.share_cap is None

    def upper_limits(
        self, rules: Rules, population: FloatArray, total: int
    ) -> list[tuple[str, FloatArray]]:
        """``floor(s * N)`` persons for every municipality."""
        if rules.share_cap is None:
            return []
        share = float(math.floor(rules.share_cap * total + 1e-9))
        return [(self.name, np.full(len(population), share))]


class MaxRequest(Rule):
    """``x_i <= m``: no municipality is asked for more than ``m`` persons, a plain upper bound
    that does not move with the need (so the threshold path and one sweep still apply)."""

    name = "maximum request"
    parameters = (
        Parameter(
            "max_request",
            int | None,
            None,
            "``x_i <= m``: no municipality is asked for more than this many persons (fixed "
            "values are held as they are).",
            _optional_count,
        ),
    )
    words = {
        "en": {"max_request": "no request above {m}", "source": "maximum request"},
        "nb": {"max_request": "ingen anmodning over {m}", "source": "høyeste anmodning"},
        "nn": {"max_request": "inga oppmoding over {m}", "source": "høgaste oppmoding"},
    }

    def active(self, rules: Rules) -> bool:
        return rules.max_request is not None

    def describe(self, rules: Rules, language: str) -> str | None:
        if not self.active(rules):
            return None
        m = format_number(rules.max_request, language) if language in NORWEGIAN else None
        return self.say("max_request", language, m=m or f"{rules.max_request:,}")

    def upper_limits(
        self, rules: Rules, population: FloatArray, total: int
    ) -> list[tuple[str, FloatArray]]:
        if rules.max_request is None:
            return []
        return [(self.name, np.full(len(population), float(rules.max_request)))]

    def counts(self, rules: Rules) -> list[tuple[str, int]]:
        return [] if rules.max_request is None else [("max_request", int(rules.max_request))]


class CountyShareCap(Rule):
    """No county takes more than a share ``s`` of the need: the requests of each county sum
    to at most ``floor(s * N)`` (a joining row per county; held values count)."""

    name = "county share cap"
    parameters = (
        Parameter(
            "county_share_cap",
            float | None,
            None,
            "``sum of x_i in a county <= floor(s * N)``: no county takes more than this share "
            "of the need.",
            _positive,
        ),
    )
    words = {
        "en": {"county_share_cap": "county share cap {s}"},
        "nb": {"county_share_cap": "høyst {s} av behovet per fylke"},
        "nn": {"county_share_cap": "høgst {s} av behovet per fylke"},
    }

    def validate(self, rules: Rules) -> None:
        if rules.county_share_cap is not None and rules.county_share_cap > 1:
            raise ValueError(f"county_share_cap ({rules.county_share_cap}) must not exceed 1")

    def describe(self, rules: Rules, language: str) -> str | None:
        if not self.active(rules):
            return None
        return self.say(
            "county_share_cap", language, s=_number(rules.county_share_cap, language, 4)
        )

    def active(self, rules: Rules) -> bool:
        return rules.county_share_cap is not None

    def needs_program(self, rules: Rules) -> bool:
        return self.active(rules)

    def rules_path(self, rules: Rules) -> str | None:
        return "the rules path has no search for a county share cap"

    def program(self, problem: Problem, draft: ProgramDraft) -> None:
        limit = _county_share_limit(problem)
        if limit is None:
            return
        for county, members in _counties(problem):
            draft.rows.append(JoinRow(f"the county share cap of {county}", members, limit))

    def check(self, answer: Answer) -> list[Violation]:
        """Counties whose requests sum above the cap."""
        limit = _county_share_limit(answer.problem)
        if limit is None:
            return []
        share = answer.problem.rules.county_share_cap
        out = []
        for county, members in _counties(answer.problem):
            got = int(answer.x[members].sum())
            if got > limit:
                out.append(
                    Violation(
                        "rules",
                        None,
                        f"{county} gets {got:,}, above the county share cap of {limit:,} "
                        f"({share:g} of the need)",
                    )
                )
        return out

    def diagnose(self, reach: Reach) -> tuple[Shortfall, ...]:
        """Counties whose smallest allowed requests exceed the cap, and a need the capped
        counties (and the municipalities outside any county) cannot reach."""
        problem = reach.problem
        limit = _county_share_limit(problem)
        if limit is None:
            return ()
        out = []
        in_county = np.zeros(len(reach.small), dtype=bool)
        reachable = 0
        for county, members in _counties(problem):
            in_county[members] = True
            low = int(reach.small[members].sum())
            reachable += min(int(reach.large[members].sum()), limit)
            if low > limit:
                out.append(
                    Shortfall(
                        "county",
                        f"{county}: its municipalities' smallest allowed requests sum to "
                        f"{_fmt(low)}, {_fmt(low - limit)} above the county share cap of "
                        f"{_fmt(limit)}",
                        limit,
                        low,
                    )
                )
        reachable += int(reach.large[~in_county].sum())
        if reachable < problem.total:
            out.append(
                Shortfall(
                    "county",
                    f"county share cap: with at most {_fmt(limit)} per county the "
                    f"municipalities can take {_fmt(reachable)}, "
                    f"{_fmt(problem.total - reachable)} short of the need of "
                    f"{_fmt(problem.total)}",
                    problem.total,
                    reachable,
                )
            )
        return tuple(out)


def _county_share_limit(problem: Problem) -> int | None:
    """The most any county may take under the county share cap (``None``: no cap)."""
    share = problem.rules.county_share_cap
    return None if share is None else math.floor(share * problem.total + 1e-9)


def _counties(problem: Problem) -> list[tuple[str, IntArray]]:
    """Each county (sorted by name) with the rows of its municipalities."""
    names = [m.county for m in problem.municipalities]
    return [
        (county, np.flatnonzero([n == county for n in names]).astype(np.int64))
        for county in sorted({n for n in names if n})
    ]


# -- the municipality bounds ---------------------------------------------------------------------


@dataclass
class GivenBounds:
    """The bounds the municipalities give in their own columns, while the bound rules state
    theirs (see :class:`Bound`): which rows are held (exempt from every other rule), the lower
    and upper bound of each request, the label of the bound that set each upper bound
    (``labels``; ``""``: none), and the minors bounds on the eligible rows. Kept read-only with
    the columns."""

    held: BoolArray
    lower: IntArray
    upper: IntArray
    labels: NDArray[np.object_]
    minors_lower: IntArray
    minors_upper: IntArray
    lower_labels: NDArray[np.object_]
    """The label of the bound that set each lower bound (``""``: none)."""

    @cached_property
    def source(self) -> tuple[str, ...]:
        """The label of each upper bound, as the routes read it."""
        return tuple(self.labels.tolist())


class Bound(Rule):
    """A bound a municipality gives in a column of its own (``fixed``, ``max``, ``min``,
    ``minors_min``, ``minors_max``) rather than a field of :class:`~busetting._model.Rules`.

    A bound states its bounds on the solve (:meth:`bound`, labelled: :attr:`lower_label`,
    :attr:`upper_label`), its check (the words a request or minors count outside it is
    explained with: :meth:`explain_below`, :meth:`explain_above`, :meth:`explain_minors_below`,
    :meth:`explain_minors_above`), its diagnosis before the solve (:meth:`diagnose_bounds`) and
    its words. Every method has a neutral default; :data:`BOUNDS` is their registry. A bound
    is no field of :class:`~busetting._model.Rules`, so the rule methods it inherits keep their
    neutral defaults (never active, no program, no upper limit): it is given where its column
    is (:meth:`given`), and it narrows the process rules only through the bounds they read.
    """

    column: ClassVar[str] = ""
    """The column of the municipalities it reads (no other bound reads it)."""
    lower_label: ClassVar[str] = ""
    """Its label as a lower bound of a request (``""``: it sets none)."""
    upper_label: ClassVar[str] = ""
    """Its label as an upper bound of a request: the source of the bound (``""``: none)."""
    words: ClassVar[dict[str, dict[str, str]]] = {}
    """Its words, by language (``en``, ``nb``, ``nn``; the same keys in each)."""

    def given(self, cols: Columns) -> BoolArray:
        """The rows whose column gives this bound."""
        return np.asarray(getattr(cols, self.column)) >= 0

    def bound(self, cols: Columns, given: GivenBounds) -> None:
        """State the bound on the solve (``given`` is changed in place)."""

    def explain_below(self, cols: Columns, given: GivenBounds, i: int) -> str | None:
        """What a request of row ``i`` below its lower bound breaks, if this bound set it."""
        return None

    def explain_above(self, cols: Columns, given: GivenBounds, i: int) -> str | None:
        """What a request of row ``i`` above its upper bound breaks, if this bound set it."""
        return None

    def explain_minors_below(self, cols: Columns, i: int) -> str | None:
        """What minors of row ``i`` below their lower bound break, if this bound set it."""
        return None

    def explain_minors_above(self, cols: Columns, i: int) -> str | None:
        """What minors of row ``i`` above their upper bound break, if this bound set it."""
        return None

    def diagnose_bounds(
        self, problem: Problem, bounds: Bounds, source: Sequence[str]
    ) -> tuple[Shortfall, ...]:
        """The bound's shortfalls before the solve: municipalities where it crosses another
        bound (no value can meet both)."""
        return ()


class MinorsFloor(Bound):
    """``minors_min``: the least number of unaccompanied minors an eligible municipality
    takes (``revise`` writes the minors already settled there)."""

    name = "minors floor"
    column = "minors_min"
    words: ClassVar[dict[str, dict[str, str]]] = {
        "en": {"minors_floor": "lower bound for unaccompanied minors (minors_min)"},
        "nb": {"minors_floor": "nedre grense for enslige mindreårige (minors_min)"},
        "nn": {"minors_floor": "nedre grense for einslege mindreårige (minors_min)"},
    }

    def bound(self, cols: Columns, given: GivenBounds) -> None:
        given.minors_lower = np.maximum(cols.minors_min, 0)[cols.eligible_rows]

    def explain_minors_below(self, cols: Columns, i: int) -> str | None:
        return "minors_min"

    def diagnose_bounds(
        self, problem: Problem, bounds: Bounds, source: Sequence[str]
    ) -> tuple[Shortfall, ...]:
        """Eligible municipalities whose ``minors_min`` is above what their request may
        reach."""
        if not bounds.minors_lower.any():  # a minors floor of 0 is never above a request limit
            return ()
        top = bounds.effective_upper()
        out = []
        for j in np.flatnonzero(bounds.minors_lower > top[bounds.minors_rows]).tolist():
            r, low = int(bounds.minors_rows[j]), int(bounds.minors_lower[j])
            m = problem.municipalities[r]
            why = "zero target" if bounds.zero_held[r] else (source[r] or "upper bound")
            out.append(
                Shortfall(
                    "minors",
                    f"minors: {m.municipality_id} {m.name} has minors_min {low} above its "
                    f"request limit {int(top[r])} ({why})",
                    low,
                    int(top[r]),
                )
            )
        return tuple(out)


class MinorsCeiling(Bound):
    """``minors_max``: the most unaccompanied minors an eligible municipality takes (its
    capacity; never above what its request may reach)."""

    name = "minors ceiling"
    column = "minors_max"
    words: ClassVar[dict[str, dict[str, str]]] = {
        "en": {"minors_ceiling": "upper bound for unaccompanied minors (minors_max)"},
        "nb": {"minors_ceiling": "øvre grense for enslige mindreårige (minors_max)"},
        "nn": {"minors_ceiling": "øvre grense for einslege mindreårige (minors_max)"},
    }

    def bound(self, cols: Columns, given: GivenBounds) -> None:
        upper = np.where(cols.minors_max >= 0, cols.minors_max, UNBOUNDED)
        given.minors_upper = upper[cols.eligible_rows]

    def explain_minors_above(self, cols: Columns, i: int) -> str | None:
        return "minors limit"


class Floor(Bound):
    """``min``: a floor of the request. ``revise`` writes settled numbers (bosatt) there in a
    cut, and the request being revised (or the council decision) in a rise; planning floors
    are floors too. A held row's floor is its fixed value."""

    name = "floor"
    column = "min"
    lower_label = "min"
    words: ClassVar[dict[str, dict[str, str]]] = {
        "en": {
            "floor": "lower bound (min)",
            "settled": "refugees already settled (bosatt) as a floor",
            "crossed": "the lower bound is above the upper bound",
        },
        "nb": {
            "floor": "nedre grense (min)",
            "settled": "flyktninger som allerede er bosatt, som nedre grense",
            "crossed": "den nedre grensen er over den øvre grensen",
        },
        "nn": {
            "floor": "nedre grense (min)",
            "settled": "flyktningar som alt er busette, som nedre grense",
            "crossed": "den nedre grensa er over den øvre grensa",
        },
    }

    def bound(self, cols: Columns, given: GivenBounds) -> None:
        given.lower = np.where(given.held, given.lower, np.maximum(cols.min, 0))
        given.lower_labels = np.where(given.held, given.lower_labels, self.lower_label)

    def explain_below(self, cols: Columns, given: GivenBounds, i: int) -> str | None:
        return None if given.held[i] else "lower bound (min)"

    def diagnose_bounds(
        self, problem: Problem, bounds: Bounds, source: Sequence[str]
    ) -> tuple[Shortfall, ...]:
        """Municipalities whose ``min`` is above their upper bound (``max`` or a cap)."""
        if not bounds.lower.any():  # upper bounds are >= 0, so a lower bound of 0 never crosses
            return ()
        out = []
        for i in np.flatnonzero(bounds.lower > bounds.upper).tolist():
            m = problem.municipalities[i]
            out.append(
                Shortfall(
                    "requests",
                    f"requests: {m.municipality_id} {m.name} has min {int(bounds.lower[i])} "
                    f"above its {source[i] or 'upper bound'} {int(bounds.upper[i])}",
                    int(bounds.lower[i]),
                    int(bounds.upper[i]),
                )
            )
        return tuple(out)


class Ceiling(Bound):
    """``max``: a ceiling of the request. ``revise`` writes council decisions (vedtak) there,
    and in a cut the request being revised (no request rises). The caps may lower it; a held
    row's ceiling is its fixed value."""

    name = "ceiling"
    column = "max"
    upper_label = "max"
    words: ClassVar[dict[str, dict[str, str]]] = {
        "en": {
            "ceiling": "upper bound (max)",
            "decision": "council decision (vedtak) as a ceiling",
            "request": "the request being revised as a ceiling (no request rises in a cut)",
        },
        "nb": {
            "ceiling": "øvre grense (maks)",
            "decision": "kommunestyrevedtak som øvre grense",
            "request": (
                "anmodningen som revideres, som øvre grense (ingen anmodning øker i et kutt)"
            ),
        },
        "nn": {
            "ceiling": "øvre grense (maks)",
            "decision": "kommunestyrevedtak som øvre grense",
            "request": (
                "oppmodinga som blir revidert, som øvre grense (inga oppmoding aukar i eit kutt)"
            ),
        },
    }

    def bound(self, cols: Columns, given: GivenBounds) -> None:
        has = (cols.max >= 0) & ~given.held
        if not has.any():
            return
        given.upper = np.where(has, cols.max, given.upper)
        given.labels = np.where(has, self.upper_label, given.labels)

    def explain_above(self, cols: Columns, given: GivenBounds, i: int) -> str | None:
        return None if given.held[i] else "upper bound"


class Fixed(Bound):
    """``fixed``: a held value, both bounds of the request, exempt from every other rule (the
    caps, granularity, the minimum request)."""

    name = "fixed"
    column = "fixed"
    lower_label = "fixed"
    upper_label = "fixed"
    words: ClassVar[dict[str, dict[str, str]]] = {
        "en": {
            "fixed": "fixed value",
            "held": "held at its fixed value, exempt from the other rules",
        },
        "nb": {
            "fixed": "fast verdi",
            "held": "holdt på den faste verdien, unntatt fra de andre reglene",
        },
        "nn": {
            "fixed": "fast verdi",
            "held": "halden på den faste verdien, unnateken frå dei andre reglane",
        },
    }

    def bound(self, cols: Columns, given: GivenBounds) -> None:
        held = cols.fixed >= 0
        if not held.any():
            return
        given.held = given.held | held
        given.lower = np.where(held, cols.fixed, given.lower)
        given.upper = np.where(held, cols.fixed, given.upper)
        given.labels = np.where(held, self.upper_label, given.labels)
        given.lower_labels = np.where(held, self.lower_label, given.lower_labels)

    def explain_below(self, cols: Columns, given: GivenBounds, i: int) -> str | None:
        return "fixed value" if cols.fixed[i] >= 0 else None

    def explain_above(self, cols: Columns, given: GivenBounds, i: int) -> str | None:
        return "fixed value" if cols.fixed[i] >= 0 else None


RULES: tuple[Rule, ...] = (
    Granularity(),
    MinRequest(),
    CountyTotals(),
    MinorsGroups(),
    MinorsHosts(),
    PerCapitaCap(),
    ShareCap(),
    MaxRequest(),
    CountyShareCap(),
)
"""The registry: every process rule, in the order their parameters, words, checks and
diagnoses are reported."""


BOUNDS: tuple[Bound, ...] = (MinorsFloor(), MinorsCeiling(), Floor(), Ceiling(), Fixed())
"""The registry of the municipality bounds, in the order their diagnoses are reported (a held
value is stated last: it overrides the floor and the ceiling of its row)."""

for _rule in (*RULES, *BOUNDS):
    add_rule_words(_rule.name, _rule.words)

HELD_LABEL: str = Fixed.upper_label
"""The label of a held value (``fixed``): both bounds of its request."""
FLOOR_LABEL: str = Floor.lower_label
"""The label of a floor of a request (``min``)."""
CEILING_LABEL: str = Ceiling.upper_label
"""The label of a ceiling of a request (``max``)."""
LOWER_LABELS: tuple[str, ...] = tuple(b.lower_label for b in BOUNDS if b.lower_label)
"""The labels of the given lower bounds of a request (``min``, ``fixed``)."""
UPPER_LABELS: tuple[str, ...] = tuple(b.upper_label for b in BOUNDS if b.upper_label)
"""The labels of the given upper bounds of a request (``max``, ``fixed``); the caps' labels
come from :func:`upper_limits`."""


# -- what the routes call: each walks the registry ----------------------------------------------


def needs_program(rules: Rules) -> bool:
    """Whether any rule needs the integer program (or the rules path)."""
    return any(rule.needs_program(rules) for rule in RULES)


def sweepable(rules: Rules) -> bool:
    """Whether every rule lets one ordering of a divisor method's units give every total."""
    return all(rule.sweepable(rules) for rule in RULES)


def upper_limits(rules: Rules, population: FloatArray, total: int) -> list[tuple[str, FloatArray]]:
    """Every rule's upper bounds on the requests, with the rule's label, in registry order."""
    return [limit for rule in RULES for limit in rule.upper_limits(rules, population, total)]


def rules_path_reason(rules: Rules) -> str | None:
    """``None`` when the rules path takes every active rule, else the first reason it cannot."""
    for rule in RULES:
        if rule.active(rules) and (why := rule.rules_path(rules)) is not None:
            return why
    return None


def request_floor(rules: Rules) -> int:
    """The smallest nonzero request the rules allow a free municipality (0: no such floor)."""
    return max((rule.request_floor(rules) for rule in RULES), default=0)


def request_floor_everywhere(rules: Rules) -> int:
    """The request every municipality the bounds allow must get at least (0: none)."""
    return max(
        (rule.request_floor(rules) for rule in RULES if rule.request_floor_everywhere(rules)),
        default=0,
    )


def validate(rules: Rules) -> None:
    """Raise ``ValueError`` when the parameters of a rule do not go together."""
    for rule in RULES:
        rule.validate(rules)


def describe(rules: Rules, language: str = "en") -> list[str]:
    """The active rules in words, in registry order."""
    return [text for rule in RULES if (text := rule.describe(rules, language)) is not None]


def label(rules: Rules, x: int, kept: float) -> str:
    """The rule that moved request ``x`` off ``kept`` (its share within its bounds), as a
    code for the accounting: the lowest rank wins, then registry order; ``"rules"`` when no
    rule names itself."""
    found = [(hit, n) for n, rule in enumerate(RULES) if (hit := rule.label(rules, x, kept))]
    return min(found)[0][1] if found else "rules"


def part_words(cause: str, language: str) -> str | None:
    """The words of a rule's code from :func:`label` (``granularity=5`` -> "multiples of 5")
    in ``language``; ``None`` when no rule owns the code."""
    name, _, value = cause.partition("=")
    for rule in RULES:
        if name in rule.fields and "part" in rule.words.get("en", {}):
            return rule.say("part", language, g=value, k=value)
    return None


def source_words(source: str, language: str) -> str | None:
    """The words of a bound's source when a rule sets it (``"share cap"``); ``None`` when no
    rule does."""
    for rule in RULES:
        if rule.name == source and "source" in rule.words.get("en", {}):
            return rule.say("source", language)
    return None


def explanation_step(rules: Rules) -> int:
    """The step between allowed requests (the granularity; 1 without one)."""
    return max((rule.step(rules) for rule in RULES), default=1)


def margins_step(rules: Rules) -> int | None:
    """The step in which Sainte-Laguë's margins are exact under ``rules`` (``None``: an
    active rule moves requests in other ways, so no exact margin)."""
    step = explanation_step(rules)
    ok = all(rule.margins_in_blocks(rules, step) for rule in RULES if rule.active(rules))
    return step if ok else None


def minors_group(rules: Rules) -> int:
    """The smallest group of minors a host takes (0: no such rule)."""
    return max((rule.minors_group(rules) for rule in RULES), default=0)


def host_limit(rules: Rules) -> int | None:
    """The most municipalities that may host minors (``None``: no limit)."""
    limits = [n for rule in RULES if (n := rule.host_limit(rules)) is not None]
    return min(limits) if limits else None


def problem_failures(rules: Rules, counties: set[str]) -> list[tuple[str, str]]:
    """What the rules ask of a problem with these ``counties`` that it cannot give:
    (reason, value) pairs, in registry order."""
    return [f for rule in RULES for f in rule.problem_failures(rules, counties)]


def counts(rules: Rules) -> list[tuple[str, int]]:
    """Every count of persons among the rules' parameters, by name (for the limits)."""
    return [c for rule in RULES for c in rule.counts(rules)]


def reconcile_reasons(rules: Rules, value: int) -> list[str]:
    """Why a recommended request ``value`` cannot stand under the rules, one reason each."""
    return [w for rule in RULES if (w := rule.reconcile_reason(rules, value)) is not None]


def reconcile_minors_reasons(rules: Rules, value: int) -> list[str]:
    """Why recommended minors ``value`` cannot stand under the rules, one reason each."""
    return [w for rule in RULES if (w := rule.reconcile_minors_reason(rules, value)) is not None]


def reconcile_hosts_reasons(rules: Rules) -> list[str]:
    """Why a recommended host was left out when the minors hosts are all taken."""
    return [w for rule in RULES if (w := rule.reconcile_hosts_reason(rules)) is not None]


def _field_check(check: Callable[[Any], Any]) -> Any:
    """``check`` as a pydantic "before" validator of a field."""

    def run(cls: type, value: Any) -> Any:
        return check(value)

    return classmethod(run)


def rules_model(base: type[BaseModel]) -> type[BaseModel]:
    """The ``Rules`` model: ``base`` with one field per parameter of the registry, in
    registry order, each with its check, and a docstring built from the parameters' docs."""
    fields: dict[str, Any] = {}
    validators: dict[str, Any] = {}
    doc = [inspect.cleandoc(base.__doc__ or ""), "", "Attributes", "----------"]
    for rule in RULES:
        for p in rule.parameters:
            if p.name in fields:
                raise RuntimeError(f"two rules declare the parameter {p.name!r}")
            fields[p.name] = (p.annotation, Field(default=p.default, description=p.doc))
            if p.check is not None:
                validators[f"_check_{p.name}"] = field_validator(p.name, mode="before")(
                    _field_check(p.check)
                )
            kind = getattr(p.annotation, "__name__", None) or str(p.annotation)
            doc += [
                f"{p.name} : {kind}",
                textwrap.fill(p.doc, 92, initial_indent="    ", subsequent_indent="    "),
            ]
    model: type[BaseModel] = create_model(
        "Rules",
        __base__=base,
        __module__=base.__module__,
        __doc__="\n".join(doc),
        __validators__=validators,
        **fields,
    )
    return model


def plan_rules(problem: Problem, key: Key, mkey: Key, bounds: Bounds) -> RulePlan:
    """Per-variable sets and joining rows of ``problem`` for the program: every rule narrows
    the allowed values and adds its rows."""
    rules = problem.rules
    x_sets, offgrid_count = _request_sets(problem, bounds)
    draft = ProgramDraft(len(problem.municipalities))
    for rule in RULES:
        rule.program(problem, draft)
    group = draft.group if len(draft.group) else np.full(draft.n, -1, dtype=np.int64)
    unsupported = rules_path_reason(rules)
    if unsupported is None and draft.rows:
        names = ", ".join(row.name for row in draft.rows)
        unsupported = f"the rules path has no search for these rows: {names}"
    spec = RuleSpec(
        x_sets,
        _minors_sets(problem, bounds, x_sets),
        offgrid_count,
        group,
        draft.group_totals,
        draft.group_penalty,
        draft.max_hosts,
        draft.exact_hosts,
        rows=tuple(draft.rows),
        unsupported=unsupported,
    )
    return RulePlan(spec, draft.group_names)


def _request_sets(problem: Problem, bounds: Bounds) -> tuple[VarSets, int]:
    """The allowed values of each request, and how many requests must be one above the grid
    (the need left after held values modulo the granularity)."""
    total = problem.total
    lower = bounds.lower
    top = bounds.effective_upper()
    upper = np.minimum(top, total).astype(np.int64)
    given = given_bounds(problem.columns).held  # a held value (fixed): exempt from the rules
    # held (exempt from the rules): fixed, a divisor method's zero target, or a lower bound
    # that reaches the upper bound (min == max or a cap). A min equal to the need is not held.
    const = given | bounds.zero_held | (lower >= top)
    held = np.where(const, np.minimum(lower, np.maximum(upper, lower)), lower).astype(np.int64)
    draft = RequestDraft(
        lower=lower,
        reach=upper,
        const=const,
        held=held,
        upper_p=np.where(const, held, upper).astype(np.int64),
        lo_p=np.maximum(held, 0).astype(np.int64),
        grid=np.ones(len(held), dtype=np.int64),
        zero_ok=np.zeros(len(held), dtype=bool),
        rest=total - int(held[const].sum()),
    )
    for rule in RULES:
        rule.narrow_requests(problem.rules, draft)
    sets = VarSets(
        held,
        draft.upper_p,
        draft.lo_p,
        draft.grid,
        draft.offgrid_count > 0,
        draft.zero_ok,
        const,
    )
    return sets, int(draft.offgrid_count)


def _minors_sets(problem: Problem, bounds: Bounds, x_sets: VarSets) -> VarSets:
    """The allowed minors of each eligible municipality: their bounds, the minors need and
    the largest allowed request, and the minimum group where a host must take one."""
    draft = MinorsDraft()
    for rule in RULES:
        rule.narrow_minors(problem.rules, draft)
    reach = np.maximum(x_sets.largest()[bounds.minors_rows], 0)
    m_room = np.minimum(np.minimum(bounds.effective_minors_upper(), problem.minors_total), reach)
    m_room = m_room.astype(np.int64)
    m_low = bounds.minors_lower
    kg = draft.group
    can_host = m_room >= np.maximum(max(kg, 1), m_low)
    m_const = ~can_host | (m_low >= m_room)
    m_upper = np.where(m_const, m_low, m_room).astype(np.int64)
    m_zero = ~m_const & (m_low == 0) & (kg > 0) & (not draft.every)
    if draft.hosts_limited and not draft.every:
        m_zero = ~m_const & (m_low == 0)
    floor_m = max(kg, 1) if draft.hosts_limited else kg
    m_lo_p = np.where(m_const, m_low, np.maximum(m_low, floor_m)).astype(np.int64)
    return VarSets(
        m_low.astype(np.int64),
        m_upper,
        m_lo_p,
        np.ones(len(m_room), dtype=np.int64),
        False,
        np.asarray(m_zero, dtype=bool),
        m_const,
    )


def _members(sets: VarSets, v: IntArray) -> BoolArray:
    """Whether each value lies in its variable's allowed set S_i (held rows: the held value)."""
    g = np.maximum(sets.grid, 1)
    rem = v % g
    on_grid = (rem == 0) | (sets.offgrid & (rem == 1) & (g > 1))
    in_p = (v >= sets.lo_p) & (v <= sets.upper) & on_grid
    free_ok = in_p | (sets.zero_ok & (v == 0))
    return np.where(sets.const, v == sets.lower, free_ok)  # type: ignore[no-any-return]


def check(
    problem: Problem, plan: RulePlan, x: IntArray, m: IntArray, minors_rows: IntArray
) -> list[Violation]:
    """Every way ``x`` and ``m`` break the rules: values outside their allowed sets (each
    explained by the first rule that says why), then each rule's own check."""
    answer = Answer(problem, plan, x, m, minors_rows)
    out = _outside_request_sets(answer)
    out.extend(_outside_minors_sets(answer))
    for rule in RULES:
        out.extend(rule.check(answer))
    return out


def _outside_request_sets(answer: Answer) -> list[Violation]:
    """Requests outside their allowed sets."""
    rules, xs, ids, x = answer.problem.rules, answer.plan.spec.x_sets, answer.problem.ids, answer.x
    out = []
    for i in np.flatnonzero(~_members(xs, x)).tolist():
        if xs.const[i]:
            continue  # a held value off its bound is already a bounds violation
        v = int(x[i])
        why = next(
            (w for rule in RULES if (w := rule.explain_request(rules, v, i, xs)) is not None),
            f"not an allowed value ({', '.join(rules.describe())})",
        )
        out.append(Violation("rules", ids[i], f"municipality {ids[i]} has request {v:,}, {why}"))
    return out


def _outside_minors_sets(answer: Answer) -> list[Violation]:
    """Minors outside their allowed sets."""
    rules, msets, ids = answer.problem.rules, answer.plan.spec.m_sets, answer.problem.ids
    what = ", ".join(rules.describe())
    m, rows = answer.m, answer.minors_rows
    out = []
    mm = m[rows] if len(rows) else m[:0]
    for j in np.flatnonzero(~_members(msets, mm)).tolist():
        i = int(rows[j])
        v = int(m[i])
        if msets.const[j]:
            why = (
                f"but it has no room for a group ({what}), so its minors are held at "
                f"{int(msets.lower[j]):,}"
            )
        else:
            why = next(
                (w for rule in RULES if (w := rule.explain_minors(rules, v)) is not None),
                f"not allowed ({what})",
            )
        out.append(Violation("rules", ids[i], f"municipality {ids[i]} has {v:,} minors, {why}"))
    return out


def diagnose(problem: Problem, plan: RulePlan, bounds: Bounds) -> tuple[Shortfall, ...]:
    """Every rule group that cannot hold, with the amount short (checked before solving).

    A municipality with no allowed value is reported alone; otherwise the national need, then
    each rule's own shortfalls in registry order."""
    xs = plan.spec.x_sets
    small, large = xs.smallest(), xs.largest()
    found = _unreachable(problem, plan, bounds, small, large)
    if found:
        return found
    reach = Reach(problem, plan, bounds, small, large)
    return (
        *_need_shortfalls(problem, small, large),
        *(s for rule in RULES for s in rule.diagnose(reach)),
    )


def _unreachable(
    problem: Problem, plan: RulePlan, bounds: Bounds, small: IntArray, large: IntArray
) -> tuple[Shortfall, ...]:
    """Municipalities with no allowed request, and minors floors above the largest request."""
    out: list[Shortfall] = []
    rules, ms, total = problem.rules, problem.municipalities, problem.total
    for i in np.flatnonzero(small < 0).tolist():
        m = ms[i]
        out.append(
            Shortfall(
                "requests",
                f"requests: {m.municipality_id} {m.name} has no allowed request between "
                f"{int(bounds.lower[i])} and {_upper_text(int(bounds.upper[i]), total)} "
                f"({', '.join(rules.describe())})",
                1,
                0,
            )
        )
    m_small = plan.spec.m_sets.smallest()
    for j, i in enumerate(np.flatnonzero([m.minors_eligible for m in ms]).tolist()):
        if m_small[j] > max(int(large[i]), 0):
            m = ms[i]
            out.append(
                Shortfall(
                    "minors",
                    f"minors: {m.municipality_id} {m.name} must take at least {int(m_small[j])} "
                    f"minors ({', '.join(rules.describe())}), but its largest allowed request "
                    f"is {max(int(large[i]), 0)}",
                    int(m_small[j]),
                    max(int(large[i]), 0),
                )
            )
    return tuple(out)


def _need_shortfalls(problem: Problem, small: IntArray, large: IntArray) -> tuple[Shortfall, ...]:
    """The smallest and largest allowed requests against the national need."""
    out: list[Shortfall] = []
    total, what = problem.total, ", ".join(problem.rules.describe())
    s_lo, s_hi = int(small.sum()), int(large.sum())
    if s_lo > total:
        out.append(
            Shortfall(
                "requests",
                f"requests: the smallest allowed requests ({what}) sum to {_fmt(s_lo)}, "
                f"{_fmt(s_lo - total)} more than the need of {_fmt(total)}",
                total,
                s_lo,
            )
        )
    if s_hi < total:
        out.append(
            Shortfall(
                "requests",
                f"requests: the largest allowed requests ({what}) sum to {_fmt(s_hi)}, "
                f"{_fmt(total - s_hi)} short of the need of {_fmt(total)}",
                total,
                s_hi,
            )
        )
    return tuple(out)


def _upper_text(u: int, total: int) -> str:
    return "no maximum" if u >= total else str(u)


# -- what the routes call for the municipality bounds: each walks BOUNDS -------------------------


def given_bounds(cols: Columns) -> GivenBounds:
    """The bounds the municipalities give, every bound stating its own (kept with the
    columns: computed once per :class:`~busetting._model.Columns`, arrays read-only)."""
    hit = cols.memo.get(("given bounds",))
    if hit is None:
        n, k = len(cols), len(cols.eligible_rows)
        given = GivenBounds(
            held=np.zeros(n, dtype=bool),
            lower=np.zeros(n, dtype=np.int64),
            upper=np.full(n, UNBOUNDED, dtype=np.int64),
            labels=np.full(n, "", dtype=object),
            minors_lower=np.zeros(k, dtype=np.int64),
            minors_upper=np.full(k, UNBOUNDED, dtype=np.int64),
            lower_labels=np.full(n, "", dtype=object),
        )
        for bound in BOUNDS:
            bound.bound(cols, given)
        arrays = (given.held, given.lower, given.upper, given.labels, given.lower_labels)
        for array in (*arrays, given.minors_lower, given.minors_upper):
            array.flags.writeable = False
        hit = cols.memo[("given bounds",)] = given
    return cast("GivenBounds", hit)


def explain_below(cols: Columns, i: int) -> str:
    """What a request of row ``i`` below its lower bound breaks (the first bound that says)."""
    given = given_bounds(cols)
    return next(
        (w for b in BOUNDS if (w := b.explain_below(cols, given, i)) is not None), "lower bound"
    )


def explain_above(cols: Columns, i: int) -> str:
    """What a request of row ``i`` above its upper bound breaks (the first bound that says)."""
    given = given_bounds(cols)
    return next(
        (w for b in BOUNDS if (w := b.explain_above(cols, given, i)) is not None), "upper bound"
    )


def explain_minors_below(cols: Columns, i: int) -> str:
    """What minors of row ``i`` below their lower bound break (the first bound that says)."""
    return next(
        (w for b in BOUNDS if (w := b.explain_minors_below(cols, i)) is not None),
        "minors lower bound",
    )


def explain_minors_above(cols: Columns, i: int) -> str:
    """What minors of row ``i`` above their upper bound break (the first bound that says)."""
    return next(
        (w for b in BOUNDS if (w := b.explain_minors_above(cols, i)) is not None),
        "minors upper bound",
    )


def diagnose_given(
    problem: Problem, bounds: Bounds, method: Method, source: Sequence[str]
) -> tuple[Shortfall, ...]:
    """The bounds' diagnosis before the solve: every bound's crossed bounds, in registry
    order; when none, the sums of the bounds against the needs
    (:func:`busetting._diagnose.diagnose_bounds`, with the bounds' labels)."""
    crossed = tuple(s for b in BOUNDS for s in b.diagnose_bounds(problem, bounds, source))
    return crossed or diagnose_bounds(
        bounds,
        problem.total,
        problem.minors_total,
        method,
        source,
        lower_kinds=LOWER_LABELS,
        upper_kinds=UPPER_LABELS,
    )
