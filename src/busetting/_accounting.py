"""One accounting of change: what each number is compared with, and the parts of the difference.

Every output that shows a change (the yearly draft against last year's request, the county
round against the draft and the recommendation, a revision against the request being
revised) asks this module for it, so every output gives the same parts. For each
municipality: the **baseline** (the number it is compared with, and what that number is), the
**new** number, and the **parts** of the difference, each with its cause (a kind, a name and
a words key for en/nb/nn) and its persons. The parts are kept in hundredths of a person, and
the last part (the rounding, or the rule that moved the request off the key's share) is the
exact balancing item, so the parts add up to the change exactly, in every output.

How the parts are computed (``b`` the baseline, ``x`` the new requests, ``N = sum x``,
``B = sum b``, ``t`` the key's targets and ``w_c`` the criteria weights, summing to 1):

1. **need**: ``b_i (N / B - 1)``: the baseline scaled to the new national need;
2. **criterion** ``c``: ``N w_c a_ic - w_c b_i N / B``: what the criterion gives now, minus its
   weight's part of the scaled baseline (the parts 1 and 2 add up to ``t_i - b_i``);
3. **others' bounds** (redistribution): ``(mu - 1) t_i``, where ``mu`` scales the targets so
   that ``sum clip(mu t, l, u) = N``: what the municipalities held by a bound leave to (or take
   from) the others, in proportion to their targets;
4. **ceiling** / **floor**: ``clip(mu t_i, l_i, u_i) - mu t_i``, named by what sets the bound
   (a decision, the request being cut, a settled number, ``max``, a cap, a fixed value);
5. **rounding** or **rule**: ``x_i - clip(mu t_i, l_i, u_i)``, the balancing item: the whole
   persons of the integer request (less than one person under the plain methods), or the
   process rule that moved it further (multiples of ``g``, the minimum request, minors).

The county round and a revision put their own first parts in place of 1 and 2 (the county's
share and its recommendation, the key weight; the request being revised), see
``docs/explaining.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from busetting._criteria import build_key
from busetting._edge import check_types
from busetting._exceptions import InputError
from busetting._feasibility import effective_bounds
from busetting._language import LANGUAGES, criterion_words, term, terms
from busetting._methods import parse_method
from busetting._model import Rules
from busetting._rules import (
    CEILING_LABEL,
    FLOOR_LABEL,
    given_bounds,
    label,
    needs_program,
    source_words,
)
from busetting._rules import part_words as rule_part_words
from busetting._solvers.threshold import UNBOUNDED

if TYPE_CHECKING:
    from busetting._result import Allocation

__all__ = [
    "BASELINES",
    "LAST_YEAR",
    "PART_COLUMNS",
    "Accounting",
    "Change",
    "Part",
    "account",
    "account_parts",
    "change_columns",
    "part_words",
]

LAST_YEAR = "previous_request"
"""The indicator that holds last year's request (the yearly draft's baseline)."""

CENTS = 100
"""Parts are kept in hundredths of a person (exact integers)."""
SHOWN_CENTS = 5
"""A part smaller than this (in hundredths) is left out of a description in words (it shows
as 0.0); the tables keep every part."""

BASELINES = ("last_year_request", "draft", "recommendation", "current_request", "given")
"""What a baseline can be: the words key of what a change is compared with."""

PART_COLUMNS = (
    "municipality_id",
    "name",
    "county",
    "compared_with",
    "baseline",
    "new",
    "change",
    "kind",
    "cause",
    "words",
    "persons",
)
"""The columns of :meth:`Accounting.to_frame` (one row per part)."""

_UNNAMED = {True: CEILING_LABEL, False: FLOOR_LABEL}
"""The label of an upper (``True``) or lower bound whose source has no name of its own."""

_WORDS: dict[str, dict[str, str]] = {
    language: terms("accounting.", language) for language in LANGUAGES
}


@dataclass(frozen=True)
class Part:
    """One part of a change: its kind, its cause and its persons (in hundredths, exact).

    ``kind`` is one of ``need``, ``criterion``, ``redistribution``, ``ceiling``, ``floor``,
    ``rule``, ``rounding``, ``county_share``, ``recommended``, ``key_weight``,
    ``draft_deviation`` or ``key``; ``cause`` names which (the criterion, the bound's source,
    the rule, the weight); ``cents`` is the part in hundredths of a person.
    """

    kind: str
    cause: str
    cents: int

    @property
    def persons(self) -> float:
        """The part in persons (``cents / 100``)."""
        return self.cents / CENTS

    def words(self, language: str = "en", names: Mapping[str, str] | None = None) -> str:
        """The part's cause in words (``names`` translates a criterion name)."""
        return part_words(self.kind, self.cause, language, names)


@dataclass(frozen=True)
class Change:
    """One municipality's change: baseline, new number and the parts (summing exactly)."""

    municipality_id: str
    name: str
    county: str
    compared_with: str
    baseline: int
    new: int
    parts: tuple[Part, ...]

    @property
    def change(self) -> int:
        """``new - baseline``, which the parts add up to exactly."""
        return self.new - self.baseline


@dataclass(frozen=True, eq=False)
class Accounting:
    """The accounting of change of every municipality against one baseline.

    Attributes
    ----------
    compared_with : str
        What the baseline is (a key of :data:`BASELINES`).
    changes : tuple of Change
        One per municipality, in the problem's order.
    """

    compared_with: str
    changes: tuple[Change, ...]

    def __len__(self) -> int:
        return len(self.changes)

    def __getitem__(self, municipality_id: str) -> Change:
        for c in self.changes:
            if c.municipality_id == municipality_id:
                return c
        raise KeyError(municipality_id)

    def to_frame(
        self, language: str = "en", names: Mapping[str, str] | None = None
    ) -> pd.DataFrame:
        """One row per part (tidy): :data:`PART_COLUMNS`; ``persons`` sum to ``change``."""
        rows = [
            (
                c.municipality_id,
                c.name,
                c.county,
                c.compared_with,
                c.baseline,
                c.new,
                c.change,
                p.kind,
                p.cause,
                p.words(language, names),
                p.persons,
            )
            for c in self.changes
            for p in c.parts
        ]
        frame = pd.DataFrame(rows, columns=list(PART_COLUMNS))
        for col in ("baseline", "new", "change"):
            frame[col] = frame[col].astype(np.int64)
        if language != "en":  # the codes in words too: what a reader of the workbook sees
            words = _WORDS.get(language, _WORDS["en"])
            frame["compared_with"] = [words.get(c, c) for c in frame["compared_with"]]
            frame["cause"] = [
                _cause_words(k, c, language, names)
                for k, c in zip(frame["kind"], frame["cause"], strict=True)
            ]
            frame["kind"] = [term(f"accounting.kind.{k}", language) for k in frame["kind"]]
        return frame

    def wide(self) -> pd.DataFrame:
        """One row per municipality: ``baseline``, ``new``, ``change`` and one ``part_<kind>``
        column per kind (the persons of that kind summed; the columns add up to ``change``)."""
        idx = pd.Index([c.municipality_id for c in self.changes], name="municipality_id")
        frame = pd.DataFrame(
            {
                "baseline": [c.baseline for c in self.changes],
                "new": [c.new for c in self.changes],
                "change": [c.change for c in self.changes],
            },
            index=idx,
        )
        sums: dict[str, np.ndarray] = {}
        for row, c in enumerate(self.changes):
            for p in c.parts:
                if p.kind not in sums:
                    sums[p.kind] = np.zeros(len(self.changes), dtype=np.int64)
                sums[p.kind][row] += p.cents
        for kind in sorted(sums, key=_KIND_ORDER.index):
            frame[f"part_{kind}"] = sums[kind] / CENTS
        return frame

    def describe(
        self,
        municipality_id: str,
        language: str = "en",
        names: Mapping[str, str] | None = None,
        limit: int = 4,
    ) -> str:
        """The largest parts of one municipality's change in words, e.g.
        ``"+12.5 criterion capacity; -3.0 held down by its decision; +0.5 rounding"``."""
        c = self[municipality_id]
        shown = [p for p in c.parts if abs(p.cents) >= SHOWN_CENTS] or list(c.parts)
        parts = sorted(shown, key=lambda p: -abs(p.cents))[:limit]
        return "; ".join(
            f"{_signed(p.persons, language)} {p.words(language, names)}" for p in parts
        )


_KIND_ORDER = [
    "need",
    "county_share",
    "recommended",
    "key_weight",
    "draft_deviation",
    "key",
    "criterion",
    "redistribution",
    "ceiling",
    "floor",
    "rule",
    "rounding",
]


def _signed(v: float, language: str) -> str:
    text = f"{v:+,.1f}"
    if language in ("nb", "nn"):
        text = text.replace(",", "\u00a0").replace(".", ",").replace("-", "\u2212")
    return text


def part_words(
    kind: str, cause: str, language: str = "en", names: Mapping[str, str] | None = None
) -> str:
    """A part's cause in ``language`` (``"en"``, ``"nb"`` or ``"nn"``)."""
    words = _WORDS.get(language, _WORDS["en"])
    if kind == "criterion":
        return words["criterion"].format(
            name=(names or {}).get(cause) or _criterion(cause, language)
        )
    if kind in ("ceiling", "floor"):
        return words[kind].format(name=source_words(cause, language) or words.get(cause, cause))
    if kind == "rule":
        return words["rule"].format(
            name=rule_part_words(cause, language) or words.get(cause, cause)
        )
    if kind == "key_weight":
        return words["key_weight"].format(name=cause)
    return words.get(kind, kind)


def _cause_words(
    kind: str, cause: str, language: str, names: Mapping[str, str] | None = None
) -> str:
    """A part's cause (``Part.cause``, a code) as a short name in ``language``."""
    if not cause:
        return cause
    words = _WORDS.get(language, _WORDS["en"])
    if kind == "criterion":
        return (names or {}).get(cause) or _criterion(cause, language)
    if kind == "rule":
        return rule_part_words(cause, language) or words.get(cause, cause)
    return source_words(cause, language) or words.get(cause, cause)


def _criterion(name: str, language: str) -> str:
    """A criterion's name in ``language`` (bokmål's where the catalogue has no nynorsk yet)."""
    words = criterion_words(name, language)
    if language == "nn" and words == criterion_words(name, "en"):
        words = criterion_words(name, "nb")
    return words


def baseline_words(compared_with: str, language: str = "en") -> str:
    """What a baseline is, in ``language``."""
    return _WORDS.get(language, _WORDS["en"]).get(compared_with, compared_with)


# -- the parts -----------------------------------------------------------------------------


def _scale(t: np.ndarray, lo: np.ndarray, hi: np.ndarray, total: float) -> float:
    """``mu`` with ``sum clip(mu t, lo, hi) = total`` (as near as the bounds allow)."""
    if float(t.sum()) <= 0:
        return 1.0

    def filled(mu: float) -> float:
        return float(np.clip(mu * t, lo, hi).sum())

    a, b = 0.0, 1.0
    while filled(b) < total and b < 1e12:
        b *= 2.0
    for _ in range(64):  # 2**-64 of the bracket: far below a hundredth of a person
        mid = (a + b) / 2.0
        if filled(mid) < total:
            a = mid
        else:
            b = mid
    return b


@dataclass(frozen=True)
class _Frame:
    """What the parts are computed from, per municipality (arrays in the problem's order)."""

    ids: Sequence[str]
    names: Sequence[str]
    counties: Sequence[str]
    baseline: np.ndarray
    new: np.ndarray
    moves: Sequence[tuple[str, str, np.ndarray]]  # (kind, cause, persons): sum t - b
    targets: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    lower_source: Sequence[str]
    upper_source: Sequence[str]
    rules: Rules
    binding: Sequence[str]


def account_parts(frame: _Frame, compared_with: str | Sequence[str]) -> Accounting:
    """The parts of every change: the ``moves`` to the target, then bounds and the balance.

    ``compared_with`` names the baseline (one for all, or one per municipality)."""
    whats = (
        [compared_with] * len(frame.ids) if isinstance(compared_with, str) else list(compared_with)
    )
    t = frame.targets.astype(np.float64)
    lo = frame.lower.astype(np.float64)
    hi = np.where(frame.upper >= UNBOUNDED, np.inf, frame.upper).astype(np.float64)
    hi = np.maximum(hi, lo)
    x = frame.new.astype(np.int64)
    mu = _scale(t, lo, hi, float(x.sum()))
    scaled = mu * t
    kept = np.clip(scaled, lo, hi)
    rules_on = needs_program(frame.rules)
    # every part in whole hundredths, vectorised; the last part balances exactly
    moves = [
        np.rint(np.asarray(v, dtype=np.float64) * CENTS).astype(np.int64) for *_, v in frame.moves
    ]
    free = kept == scaled
    own = np.rint(np.where(free, scaled - t, kept - t) * CENTS).astype(np.int64)
    change = x - np.asarray(frame.baseline, dtype=np.int64)
    balance = change * CENTS - own - (np.sum(moves, axis=0) if moves else 0)
    ruled = rules_on & (np.abs(x - kept) >= 1)
    named = [
        (kind, cause, cents.tolist())
        for (kind, cause, _), cents in zip(frame.moves, moves, strict=True)
    ]
    out = []
    for i, mid in enumerate(frame.ids):
        parts = [Part(kind, cause, cents[i]) for kind, cause, cents in named if cents[i]]
        if own[i]:
            if free[i]:
                parts.append(Part("redistribution", "", int(own[i])))
            else:
                above = bool(scaled[i] > kept[i])
                source = frame.upper_source[i] if above else frame.lower_source[i]
                kind = "ceiling" if above else "floor"
                parts.append(Part(kind, source or _UNNAMED[above], int(own[i])))
        if balance[i]:
            if ruled[i]:
                rule = (
                    "minors"
                    if frame.binding[i] == "minors"
                    else label(frame.rules, int(x[i]), float(kept[i]))
                )
                parts.append(Part("rule", rule, int(balance[i])))
            else:
                parts.append(Part("rounding", "", int(balance[i])))
        out.append(
            Change(
                mid,
                frame.names[i],
                frame.counties[i],
                whats[i],
                int(frame.baseline[i]),
                int(x[i]),
                tuple(parts),
            )
        )
    overall = compared_with if isinstance(compared_with, str) else "+".join(dict.fromkeys(whats))
    return Accounting(overall, tuple(out))


def _baseline(
    alloc: Allocation, baseline: Mapping[str, int] | pd.Series | None, where: str
) -> tuple[np.ndarray, str]:
    """The baseline per municipality (default: the ``previous_request`` indicator)."""
    p = alloc.problem
    if baseline is None:
        values = p.columns.indicators.get(LAST_YEAR)
        if values is None:
            raise InputError(
                f"The `baseline` parameter of `{where}` is required: the problem has no "
                "`previous_request` indicator (last year's request) to compare with. Got None "
                "instead."
            )
        return np.nan_to_num(np.asarray(values, dtype=np.float64)).round().astype(
            np.int64
        ), "last_year_request"
    series = pd.Series(baseline)
    series.index = series.index.astype(str)
    unknown = sorted(set(series.index) - set(p.ids))
    if unknown:
        raise InputError(
            f"The `baseline` parameter of `{where}` must name municipalities of the problem. "
            f"Got {', '.join(unknown[:5])} instead."
        )
    values = series.reindex(p.ids).fillna(0).to_numpy(dtype=np.float64)
    if (values < 0).any() or not np.all(values == np.round(values)):
        bad = [i for i, v in zip(p.ids, values, strict=True) if v < 0 or v != round(v)]
        raise InputError(
            f"The `baseline` parameter of `{where}` must hold whole numbers >= 0. Got "
            f"{series[bad[0]]!r} for {bad[0]} instead."
        )
    return values.astype(np.int64), "given"


def _bounds(alloc: Allocation) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """The allocation's effective bounds and what sets each (lower and upper)."""
    p = alloc.problem
    key, mkey = build_key(p, "requests"), build_key(p, "minors")
    bounds, source = effective_bounds(p, parse_method(alloc.method, caller="account"), key, mkey)
    lower_source = [str(v) for v in given_bounds(p.columns).lower_labels.tolist()]
    return bounds.lower, bounds.upper, lower_source, list(source)


def account(
    allocation: Allocation,
    baseline: Mapping[str, int] | pd.Series | None = None,
    *,
    compared_with: str | None = None,
) -> Accounting:
    """Account for every municipality's change from ``baseline`` to its request, in parts.

    Parameters
    ----------
    allocation : Allocation
        An allocation with requests.
    baseline : mapping or Series of municipality_id to int, optional
        The numbers compared with. Default: last year's request, the problem's
        ``previous_request`` indicator (the default Norway problem has it).
    compared_with : str, optional
        What the baseline is, a key of :data:`BASELINES` (default ``"last_year_request"``
        without ``baseline``, ``"given"`` with one).

    Returns
    -------
    Accounting
        Per municipality the baseline, the request and the parts of the difference (the
        need, each criterion, others' bounds, its own ceiling or floor, a rule or the
        rounding), summing exactly to the change; ``to_frame()`` is the tidy table.

    Raises
    ------
    InputError
        Without requests, without a baseline to compare with, or with a baseline naming
        unknown municipalities or holding negative or fractional numbers.

    Examples
    --------
    >>> import busetting as bs
    >>> ms = [bs.Municipality(municipality_id=f"000{i}", name=f"K{i}", population=100 * i)
    ...       for i in range(1, 4)]
    >>> alloc = bs.allocate(bs.Problem(municipalities=ms, criteria={"population": 1.0},
    ...                                need=bs.Need(total=60)))
    >>> acc = bs.account(alloc, {"0001": 12, "0002": 18, "0003": 20})
    >>> acc["0003"].change, [(p.kind, p.persons) for p in acc["0003"].parts]
    (10, [('need', 4.0), ('criterion', 6.0)])
    >>> acc.wide()["change"].tolist()
    [-2, 2, 10]
    """
    check_types(account, locals())
    if not all(hasattr(allocation, a) for a in ("problem", "requests", "targets")):
        # Allocation sits in a layer above this module: its annotation is checked here
        raise InputError(
            "The `allocation` parameter of `account` must be a busetting.Allocation. "
            f"Got {type(allocation).__name__} instead."
        )
    if allocation.requests is None:
        raise InputError(
            "The `allocation` parameter of `account` must have requests. Got one with status "
            f"{allocation.status.value!r} instead."
        )
    if compared_with is not None and compared_with not in BASELINES:
        raise InputError(
            f"The `compared_with` parameter of `account` must be one of {', '.join(BASELINES)}. "
            f"Got {compared_with!r} instead."
        )
    b, what = _baseline(allocation, baseline, "account")
    return account_parts(key_frame(allocation, b), compared_with or what)


def key_frame(allocation: Allocation, b: np.ndarray) -> _Frame:
    """The parts' inputs for ``allocation`` against ``b``: the need, then each criterion."""
    p = allocation.problem
    assert allocation.requests is not None
    x = allocation.requests.to_numpy(dtype=np.int64)
    n_total, b_total = float(x.sum()), float(b.sum())
    ratio = n_total / b_total if b_total > 0 else 0.0
    contributions = allocation.contributions
    weights = np.array([c.weight for c in p.criteria], dtype=np.float64)
    weights = weights / weights.sum() if weights.sum() > 0 else weights
    moves: list[tuple[str, str, np.ndarray]] = []
    if b_total > 0:
        moves.append(("need", "", b * (ratio - 1.0)))
    base = b * ratio if b_total > 0 else np.zeros(len(b))
    for c, w in zip(p.criteria, weights, strict=True):
        moves.append(
            ("criterion", c.name, contributions[c.name].to_numpy(dtype=np.float64) - w * base)
        )
    lower, upper, lower_source, upper_source = _bounds(allocation)
    return _Frame(
        p.ids,
        list(p.columns.names),
        list(p.columns.counties),
        b,
        x,
        moves,
        allocation.targets.to_numpy(dtype=np.float64),
        lower,
        upper,
        lower_source,
        upper_source,
        p.rules,
        allocation.binding.tolist(),
    )


def frame_of(
    allocation: Allocation,
    baseline: np.ndarray,
    moves: Sequence[tuple[str, str, np.ndarray]],
    *,
    lower_source: Sequence[str] | None = None,
    upper_source: Sequence[str] | None = None,
    rules: Rules | None = None,
) -> _Frame:
    """The parts' inputs with the caller's own ``moves`` (summing to ``target - baseline``)."""
    p = allocation.problem
    assert allocation.requests is not None
    lower, upper, lo_src, up_src = _bounds(allocation)
    return _Frame(
        p.ids,
        list(p.columns.names),
        list(p.columns.counties),
        baseline,
        allocation.requests.to_numpy(dtype=np.int64),
        moves,
        allocation.targets.to_numpy(dtype=np.float64),
        lower,
        upper,
        list(lower_source) if lower_source is not None else lo_src,
        list(upper_source) if upper_source is not None else up_src,
        rules if rules is not None else p.rules,
        allocation.binding.tolist(),
    )


def check_sums(accounting: Accounting) -> list[str]:
    """Municipalities whose parts do not add up to their change (empty: all do)."""
    return [
        c.municipality_id
        for c in accounting.changes
        if sum(p.cents for p in c.parts) != c.change * CENTS
    ]


def change_columns(allocation: Allocation) -> dict[str, np.ndarray]:
    """The columns of :meth:`Allocation.to_frame` for the change from last year's request:
    ``last_year_request``, ``change_from_last_year`` and the ``part_<kind>`` columns."""
    wide = account(allocation).wide()
    out = {
        "last_year_request": wide["baseline"].to_numpy(),
        "change_from_last_year": wide["change"].to_numpy(),
    }
    for col in wide.columns:
        if str(col).startswith("part_"):
            out[str(col)] = wide[col].to_numpy()
    return out
