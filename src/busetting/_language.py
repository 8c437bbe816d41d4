"""Words and numbers in English, bokmål and nynorsk: the one term catalogue of the package.

Everything a reader sees in a report, a workbook, an explanation, a plot or a terminal
summary goes through here: the criterion and indicator names, the rules, the binding bounds,
the column headers, the statuses and solver routes, the plot labels, the headers of error
tables and the number format (``1 530`` and ``26,56`` in bokmål and nynorsk, ``1,530`` and
``26.56`` in English). A name the tables do not know (a user's own criterion or indicator) is
shown as it is.

The languages are ``"en"`` (English), ``"nb"`` (Norwegian bokmål) and ``"nn"`` (Norwegian
nynorsk, the written standard of IMDi's own 2024 request text and of many municipalities in
Vestland and Møre og Romsdal). Every table has the same keys in all three languages (a test
checks it); :func:`term` looks up one entry of the general catalogue.

The words of each kind of output are one group of entries with a common prefix (``report.``,
``workbook.``, ``letters.``, ``yearstatus.``, ``revision.``, ``reconcile.``, ``counties.``,
``accounting.``, ``explain.``, ``placement.``, ``map.``, ``names.``, ``hosts.``,
``answers.header.``, ``settings.``, ``month.``, ...), registered with ``_group`` and folded
into the one table :data:`_TERMS` at import (a key defined twice is an error). A module reads
its group with :func:`terms` (``terms("letters.", "nn")``) or one entry with :func:`term`; no
module keeps a word table of its own. This module sits in the bottom layer (it imports only
the exceptions), so every other module may read it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from busetting._exceptions import InputError

__all__ = [
    "LANGUAGES",
    "NORWEGIAN",
    "Language",
    "add_rule_words",
    "binding_words",
    "check_language",
    "column_words",
    "criterion_words",
    "format_number",
    "indicator_unit",
    "indicator_words",
    "is_norwegian",
    "method_words",
    "reason_words",
    "rule_term",
    "status_words",
    "term",
    "terms",
    "translate_value",
]

Language = Literal["en", "nb", "nn"]
LANGUAGES: tuple[str, ...] = ("en", "nb", "nn")
NORWEGIAN: tuple[str, ...] = ("nb", "nn")
"""The two written standards of Norwegian: bokmål and nynorsk."""

MINUS = "\u2212"
"""The minus sign of Norwegian typography."""
NBSP = "\u00a0"
"""No-break space: the thousands separator of Norwegian numbers in HTML."""


def check_language(language: object, where: str) -> Language:
    """``language`` if it is ``"en"``, ``"nb"`` or ``"nn"``; an :class:`InputError` otherwise."""
    if language not in LANGUAGES:
        raise InputError(
            f"The `language` parameter of `{where}` must be 'en', 'nb' (bokmål) or 'nn' "
            f"(nynorsk). Got {language!r} instead."
        )
    return language  # type: ignore[return-value]


def is_norwegian(language: str) -> bool:
    """Whether ``language`` is bokmål or nynorsk (Norwegian numbers, Norwegian files)."""
    return language in NORWEGIAN


def format_number(
    value: float | int | None, language: str, decimals: int = 0, *, space: str = " "
) -> str:
    """``value`` with thousands separators and ``decimals`` decimals, as ``language`` writes it.

    Bokmål and nynorsk separate thousands with a space (``space``; a no-break space in HTML)
    and use the decimal comma; English uses ``,`` and ``.``. Missing values give ``""``.

    Examples
    --------
    >>> format_number(1530, "nb"), format_number(26.556, "nn", 2), format_number(1530, "en")
    ('1 530', '26,56', '1,530')
    >>> format_number(-0.004, "nb", 2)
    '0,00'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    v = float(value)
    text = f"{v:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    if language in NORWEGIAN:
        text = text.replace(",", "\0").replace(".", ",").replace("\0", space).replace("-", MINUS)
    return text


_CRITERIA: dict[str, dict[str, str]] = {
    "en": {
        "previous_request": "previous request",
        "capacity": "capacity",
        "settling_speed": "settling speed",
        "services": "services",
        "labour_market": "labour market",
        "population": "population",
        "minors_capacity": "capacity for minors",
        "spread": "spread",
        "minors_service": "minors service",
    },
    "nb": {
        "previous_request": "fjorårets anmodning",
        "capacity": "kapasitet",
        "settling_speed": "bosettingstakt",
        "services": "tjenestetilbud",
        "labour_market": "arbeids- og utdanningsmarked",
        "population": "folketall",
        "minors_capacity": "kapasitet for enslige mindreårige",
        "spread": "spredning",
        "minors_service": "tilbud for enslige mindreårige",
    },
    "nn": {
        "previous_request": "oppmodinga i fjor",
        "capacity": "kapasitet",
        "settling_speed": "busetjingstakt",
        "services": "tenestetilbod",
        "labour_market": "arbeids- og utdanningsmarknad",
        "population": "folketal",
        "minors_capacity": "kapasitet for einslege mindreårige",
        "spread": "spreiing",
        "minors_service": "tilbod for einslege mindreårige",
    },
}

_INDICATORS: dict[str, dict[str, tuple[str, str, str]]] = {
    # indicator -> (what it is, unit in the singular, unit in the plural); "" = a score
    "en": {
        "previous_request": ("last year's request", "person", "persons"),
        "decision": ("last year's council decision", "person", "persons"),
        "settled": ("refugees settled last year", "person", "persons"),
        "remoteness": ("SSB centrality class (1 central ... 6 remote)", "class", "classes"),
        "minors_service": ("IMDi's grant for unaccompanied minors last year", "krone", "kroner"),
        "capacity": ("capacity (larger of decision and settled, last year)", "person", "persons"),
        "settling_speed": ("settling speed (settled per decided place, last year)", "", ""),
        "services": ("GP capacity score", "", ""),
        "labour_market": ("centrality of the labour-market region", "", ""),
        "population": ("population", "resident", "residents"),
        "minors_capacity_indicator": ("capacity for unaccompanied minors", "place", "places"),
    },
    "nb": {
        "previous_request": ("fjorårets anmodning", "person", "personer"),
        "decision": ("fjorårets kommunestyrevedtak", "person", "personer"),
        "settled": ("bosatte flyktninger i fjor", "person", "personer"),
        "remoteness": ("SSBs sentralitetsklasse (1 sentral ... 6 usentral)", "klasse", "klasser"),
        "minors_service": ("IMDis tilskudd for enslige mindreårige i fjor", "krone", "kroner"),
        "capacity": ("kapasitet (det største av vedtak og bosatte i fjor)", "person", "personer"),
        "settling_speed": ("bosettingstakt (bosatte per vedtatt plass i fjor)", "", ""),
        "services": ("fastlegeindeks", "", ""),
        "labour_market": ("sentralitet i bo- og arbeidsmarkedsregionen", "", ""),
        "population": ("folketall", "innbygger", "innbyggere"),
        "minors_capacity_indicator": ("kapasitet for enslige mindreårige", "plass", "plasser"),
    },
    "nn": {
        "previous_request": ("oppmodinga i fjor", "person", "personar"),
        "decision": ("kommunestyrevedtaket i fjor", "person", "personar"),
        "settled": ("busette flyktningar i fjor", "person", "personar"),
        "remoteness": (
            "sentralitetsklassen til SSB (1 sentral ... 6 usentral)",
            "klasse",
            "klassar",
        ),
        "minors_service": ("tilskotet frå IMDi for einslege mindreårige i fjor", "krone", "kroner"),
        "capacity": ("kapasitet (det største av vedtak og busette i fjor)", "person", "personar"),
        "settling_speed": ("busetjingstakt (busette per vedteken plass i fjor)", "", ""),
        "services": ("fastlegeindeks", "", ""),
        "labour_market": ("sentralitet i bu- og arbeidsmarknadsregionen", "", ""),
        "population": ("folketal", "innbyggjar", "innbyggjarar"),
        "minors_capacity_indicator": ("kapasitet for einslege mindreårige", "plass", "plassar"),
    },
}


def criterion_words(name: str, language: str) -> str:
    """The reader's name of a criterion (the identifier itself when unknown)."""
    return _CRITERIA.get(language, {}).get(name, name.replace("_", " "))


def indicator_words(name: str, language: str) -> str:
    """What an indicator measures, in words."""
    known = _INDICATORS.get(language, {}).get(name)
    return known[0] if known else name.replace("_", " ")


def indicator_unit(name: str, language: str, count: int | None = None) -> str:
    """The unit of an indicator (``resident``/``residents``); ``""`` for a score."""
    known = _INDICATORS.get(language, {}).get(name)
    if known:
        return known[1] if count == 1 else known[2]
    return ""


_METHODS: dict[str, dict[str, str]] = {
    "en": {
        "webster": "Sainte-Laguë (Webster)",
        "hamilton": "largest remainder (Hamilton)",
        "dhondt": "D'Hondt (Jefferson)",
        "huntington_hill": "Huntington-Hill",
        "adams": "Adams",
        "dean": "Dean",
    },
    "nb": {
        "webster": "Sainte-Laguës metode",
        "hamilton": "største brøks metode (Hamilton)",
        "dhondt": "d'Hondts metode",
        "huntington_hill": "Huntington-Hills metode",
        "adams": "Adams' metode",
        "dean": "Deans metode",
    },
    "nn": {
        "webster": "Sainte-Laguës metode",
        "hamilton": "største brøks metode (Hamilton)",
        "dhondt": "d'Hondts metode",
        "huntington_hill": "Huntington-Hills metode",
        "adams": "Adams' metode",
        "dean": "Deans metode",
    },
}


def method_words(method: str, language: str) -> str:
    """The apportionment method's name as a reader knows it."""
    return _METHODS.get(language, {}).get(method, method)


_BINDING: dict[str, dict[str, str]] = {
    "en": {
        "fixed": "the decided number (fixed)",
        "max": "its upper bound",
        "min": "its lower bound",
        "per-capita cap": "the cap per resident",
        "share cap": "the cap on a share of the need",
        "zero target": "a target of zero",
        "minors": "its unaccompanied minors",
        "minimum request": "the smallest request IMDi makes",
        "minimum request (0)": "the smallest request IMDi makes (so none)",
        "upper bound": "its upper bound",
    },
    "nb": {
        "fixed": "det vedtatte tallet (låst)",
        "max": "øvre grense",
        "min": "nedre grense",
        "per-capita cap": "taket per innbygger",
        "share cap": "taket på andel av behovet",
        "zero target": "et mål på null",
        "minors": "de enslige mindreårige kommunen er bedt om",
        "minimum request": "den minste anmodningen IMDi sender",
        "minimum request (0)": "den minste anmodningen IMDi sender (derfor ingen)",
        "upper bound": "øvre grense",
    },
    "nn": {
        "fixed": "det vedtekne talet (låst)",
        "max": "øvre grense",
        "min": "nedre grense",
        "per-capita cap": "taket per innbyggjar",
        "share cap": "taket på del av behovet",
        "zero target": "eit mål på null",
        "minors": "dei einslege mindreårige kommunen er beden om",
        "minimum request": "den minste oppmodinga IMDi sender",
        "minimum request (0)": "den minste oppmodinga IMDi sender (difor inga)",
        "upper bound": "øvre grense",
    },
}


def binding_words(label: str, language: str) -> str:
    """What holds a request in place, in words (``""`` when nothing does)."""
    if not label:
        return ""
    return _BINDING.get(language, {}).get(label, label)


_RULES: dict[str, dict[str, str]] = {"en": {}, "nb": {}, "nn": {}}
"""The process rules' words: each rule declares its own (``Rule.words`` in
:mod:`busetting._rules`) and the registry adds them here with :func:`add_rule_words`, so
they are part of the one catalogue (and of its parity test)."""


def add_rule_words(rule: str, table: Mapping[str, Mapping[str, str]]) -> None:
    """Add a rule's words (language -> key -> text) to the catalogue's ``rules`` table, each
    key as ``"<rule>.<key>"``.

    Raises
    ------
    RuntimeError
        When the rule lacks a language or a key in one of them, or its words are already
        there (a programming error).
    """
    keys = set(table.get("en", {}))
    for language in LANGUAGES:
        if set(table.get(language, {})) != keys:
            raise RuntimeError(f"the words of the rule {rule!r} differ in keys in {language!r}")
        for key, text in table[language].items():
            if _RULES[language].setdefault(f"{rule}.{key}", text) != text:
                raise RuntimeError(f"the words of the rule {rule!r} are defined twice: {key!r}")


def rule_term(key: str, language: str, **values: Any) -> str:
    """A rule's words ``key`` in ``language`` (English for an unknown language)."""
    text = _RULES[language if language in _RULES else "en"][key]
    return text.format(**values) if values else text


_COLUMNS: dict[str, dict[str, str]] = {
    "en": {
        "settled_before": "settled_before",
        "decision": "decision",
        "priority": "priority",
        "compared_with": "compared_with",
        "baseline": "baseline",
        "new": "new",
        "cause": "cause",
        "words": "words",
        "persons": "persons",
        "order": "order",
        "reason": "reason",
        "municipality_id": "municipality_id",
        "name": "name",
        "county": "county",
        "population": "population",
        "request": "request",
        "minors": "minors",
        "per_1000": "per_1000",
        "target": "target",
        "deviation": "deviation",
        "minors_target": "minors_target",
        "binding": "binding",
        "tie": "tie",
        "municipalities": "municipalities",
        "requested_municipalities": "requested_municipalities",
        "request_last_year": "request_last_year",
        "decision_last_year": "decision_last_year",
        "settled_last_year": "settled_last_year",
        "change": "change",
        "parameter": "parameter",
        "value": "value",
        "criterion": "criterion",
        "weight": "weight",
        "indicator": "indicator",
        "kind": "kind",
        "base": "base",
        "better": "better",
        "key": "key",
        "previous": "previous",
        "total": "total",
    },
    "nb": {
        "settled_before": "bosatt før",
        "decision": "vedtak",
        "priority": "prioritet",
        "compared_with": "sammenlignet med",
        "baseline": "grunnlag",
        "new": "ny",
        "cause": "årsak",
        "words": "forklaring",
        "persons": "personer",
        "order": "rekkefølge",
        "reason": "begrunnelse",
        "municipality_id": "kommunenummer",
        "name": "kommune",
        "county": "fylke",
        "population": "innbyggere",
        "request": "anmodning",
        "minors": "herav enslige mindreårige",
        "per_1000": "per 1 000 innbyggere",
        "target": "mål etter kriteriene",
        "deviation": "avvik fra målet",
        "minors_target": "mål for enslige mindreårige",
        "binding": "bindende grense",
        "tie": "likt om siste plass",
        "municipalities": "kommuner",
        "requested_municipalities": "kommuner med anmodning",
        "request_last_year": "anmodning i fjor",
        "decision_last_year": "vedtak i fjor",
        "settled_last_year": "bosatt i fjor",
        "change": "endring fra i fjor",
        "parameter": "parameter",
        "value": "verdi",
        "criterion": "kriterium",
        "weight": "vekt",
        "indicator": "indikator",
        "kind": "type",
        "base": "grunnlag",
        "better": "best er",
        "key": "nøkkel",
        "previous": "tidligere anmodning",
        "total": "i alt",
    },
    "nn": {
        "settled_before": "busett før",
        "decision": "vedtak",
        "priority": "prioritet",
        "compared_with": "samanlikna med",
        "baseline": "grunnlag",
        "new": "ny",
        "cause": "årsak",
        "words": "forklaring",
        "persons": "personar",
        "order": "rekkjefølgje",
        "reason": "grunngiving",
        "municipality_id": "kommunenummer",
        "name": "kommune",
        "county": "fylke",
        "population": "innbyggjarar",
        "request": "oppmoding",
        "minors": "av dei einslege mindreårige",
        "per_1000": "per 1 000 innbyggjarar",
        "target": "mål etter kriteria",
        "deviation": "avvik frå målet",
        "minors_target": "mål for einslege mindreårige",
        "binding": "bindande grense",
        "tie": "likt om siste plass",
        "municipalities": "kommunar",
        "requested_municipalities": "kommunar med oppmoding",
        "request_last_year": "oppmoding i fjor",
        "decision_last_year": "vedtak i fjor",
        "settled_last_year": "busett i fjor",
        "change": "endring frå i fjor",
        "parameter": "parameter",
        "value": "verdi",
        "criterion": "kriterium",
        "weight": "vekt",
        "indicator": "indikator",
        "kind": "type",
        "base": "grunnlag",
        "better": "best er",
        "key": "nøkkel",
        "previous": "tidlegare oppmoding",
        "total": "i alt",
    },
}


def column_words(column: str, language: str) -> str:
    """A column header in ``language`` (``contribution_<c>`` becomes "bidrag <c>").

    English keeps the machine names (``municipality_id``, ``per_1000``), which scripts read.
    """
    if language in NORWEGIAN and column.startswith("contribution_"):
        return "bidrag " + criterion_words(column.removeprefix("contribution_"), language)
    if language == "en":
        return column
    return _COLUMNS.get(language, {}).get(column, column)


def translate_value(value: Any, language: str) -> Any:
    """Booleans as ja/nei in bokmål and nynorsk; anything else unchanged."""
    if language in NORWEGIAN and isinstance(value, bool):
        return "ja" if value else "nei"
    return value


_TERMS: dict[str, dict[str, str]] = {
    "en": {
        "key.requests": "requests",
        "key.minors": "minors",
        "kind.volume": "volume",
        "kind.rate": "rate",
        "better.higher": "higher",
        "better.lower": "lower",
        "county.county": "county",
        "county.all": "all",
        "county.share": "share (requests)",
        "county.share_minors": "share (minors)",
        "county.municipalities": "municipalities",
        "county.national_need": "national need",
        "county.national_minors": "national minors",
        "county.method": "method",
        "county.rules": "rules",
        "county.fingerprint": "input fingerprint",
        "county.how_title": "how to fill in",
        "county.how": (
            "Fill in the recommendation and recommended minors per municipality (whole "
            "numbers, blank = no recommendation). They should sum to the share. Keep the ids."
        ),
        "county.sheet": "counties",
        "county.whole": "A whole number >= 0",
        "direction.up": "up",
        "direction.down": "down",
        "direction.none": "none",
        # statuses of a solve
        "status.optimal": "optimal",
        "status.infeasible": "infeasible",
        "status.time_limit": "stopped at the time limit",
        "status.error": "solver failure",
        # solver routes and why they were taken
        "route.threshold": "the threshold path",
        "route.lagrange": "the exact rules path",
        "route.program": "the integer program",
        "route.none": "no solver",
        "reason.fits": (
            "bounds only, and the minors of the independent threshold solutions fit inside "
            "the requests, so together they are optimal"
        ),
        "reason.diagnosed": "the feasibility diagnosis failed before any solve",
        "reason.requested": "{solver} was asked for",
        "reason.rules_path": "the process rules take the exact rules path",
        "reason.rules_program": "the process rules need the integer program",
        "reason.other": "the route changed during the solve (see the run record)",
        # plot labels
        "plot.municipality": "municipality",
        "plot.request": "request",
        "plot.identity": "request = target",
        "plot.target": "target (criteria key)",
        "plot.requests_targets": "Requests and targets ({method}, {solver})",
        "plot.share_requests": "share of requests",
        "plot.share_population": "share of population",
        "plot.percent_national": "% of the national total",
        "plot.counties_title": "Counties: requests and population",
        "plot.country": "country: {value}",
        "plot.per_1000": "requests per 1,000 residents",
        "plot.per_1000_title": "Requests per 1,000 residents by municipality",
        "plot.band80": "80 % of the totals",
        "plot.band50": "50 % of the totals",
        "plot.national_total": "national total",
        "plot.change": "change in request, {a} → {b}",
        "plot.largest_changes": "The {n} largest changes",
        # terminal summaries
        "cli.headline": (
            "busetting {version}: {total} persons, of whom {minors} unaccompanied minors, "
            "over {n} municipalities"
        ),
        "cli.status": "status {status} | method {method} | solver {solver} ({version}) | {ms} ms",
        "cli.rules": "rules: {rules}",
        "cli.totals": (
            "totals check: requests sum to {req} (need {total}), minors to {mnr} "
            "(need {minors}): {ok}"
        ),
        "cli.ok": "OK",
        "cli.mismatch": "MISMATCH",
        "cli.ties": "ties: {n} broken by rule ({rule})",
        "cli.largest": "largest {n} requests:",
        "cli.id": "id",
        "cli.municipality": "municipality",
        "cli.request": "request",
        "cli.minors": "minors",
        "cli.target": "target",
        "cli.per_county": "per county:",
        "cli.county": "county",
        "cli.per_1000": "per 1,000",
        "cli.written": "written: {path}",
        "cli.stdout": "standard output",
        "cli.scenarios": "{k} totals x {n} municipalities in {ms} ms ({each} ms per total)",
        "cli.scenarios_missing": (
            "totals that cannot be met, left as missing values ({k}): {totals}"
        ),
        "cli.scenarios_below": " ({k} below the minors need of {m})",
        "cli.written_drafts": "written: {n} workbooks in {folder}",
        "cli.share": "share",
        "cli.recommended": "recommended",
        "cli.final": "final",
        "cli.changed": "changed",
        "cli.case": "case",
        "cli.error": "error",
        "cli.revision": (
            "revision: {direction} | need {total} (minors {minors}) | {decided} decided | "
            "requests sum to {sum}"
        ),
        "cli.revision_changes": "largest changes ({up} up, {down} down, by absolute change):",
        "cli.valid": "{path}: OK, {n} municipalities, need {total} (minors {minors})",
        # the failure table of a bad input
        "error.row": "row",
        "error.municipality_id": "municipality_id",
        "error.column": "column",
        "error.value": "value",
        "error.reason": "reason",
        # sheets and files
        "sheet.requests": "requests",
        "sheet.counties": "counties",
        "sheet.criteria": "criteria",
        "sheet.parameters": "parameters",
        "sheet.recommendation": "recommendation",
        "sheet.share": "share",
        "file.all_counties": "all_counties",
    },
    "nb": {
        "key.requests": "anmodninger",
        "key.minors": "enslige mindreårige",
        "kind.volume": "volum",
        "kind.rate": "rate",
        "better.higher": "høyest",
        "better.lower": "lavest",
        "county.county": "fylke",
        "county.all": "alle",
        "county.share": "ramme anmodning",
        "county.share_minors": "ramme EM",
        "county.municipalities": "kommuner",
        "county.national_need": "nasjonalt behov",
        "county.national_minors": "nasjonalt EM",
        "county.method": "metode",
        "county.rules": "prosessregler",
        "county.fingerprint": "fingeravtrykk",
        "county.how_title": "slik fyller du ut",
        "county.how": (
            "Fyll inn tilråding anmodning og tilråding EM for hver kommune (hele tall, tomt "
            "felt = ingen tilråding). Summen bør være lik rammen. Ikke endre kommunenummer."
        ),
        "county.sheet": "fylker",
        "county.whole": "Hele tall >= 0",
        "direction.up": "opp",
        "direction.down": "ned",
        "direction.none": "ingen endring",
        "status.optimal": "optimal",
        "status.infeasible": "ikke gjennomførbar",
        "status.time_limit": "stoppet ved tidsgrensen",
        "status.error": "feil i løseren",
        "route.threshold": "terskelmetoden",
        "route.lagrange": "den eksakte regelveien",
        "route.program": "heltallsprogrammet",
        "route.none": "ingen løser",
        "reason.fits": (
            "bare grenser, og de enslige mindreårige fra de uavhengige terskelløsningene "
            "får plass innenfor anmodningene, så sammen er de optimale"
        ),
        "reason.diagnosed": "gjennomførbarhetskontrollen feilet før noen løsning ble forsøkt",
        "reason.requested": "{solver} ble valgt av brukeren",
        "reason.rules_path": "prosessreglene kan løses med den eksakte regelveien",
        "reason.rules_program": "prosessreglene krever heltallsprogrammet",
        "reason.other": "løsningsveien ble endret underveis (se kjøringsloggen)",
        "plot.municipality": "kommune",
        "plot.request": "anmodning",
        "plot.identity": "anmodning = mål",
        "plot.target": "mål (kriterienøkkelen)",
        "plot.requests_targets": "Anmodninger og mål ({method}, {solver})",
        "plot.share_requests": "andel av anmodningene",
        "plot.share_population": "andel av folketallet",
        "plot.percent_national": "% av hele landet",
        "plot.counties_title": "Fylker: anmodninger og folketall",
        "plot.country": "hele landet: {value}",
        "plot.per_1000": "anmodning per 1 000 innbyggere",
        "plot.per_1000_title": "Anmodning per 1 000 innbyggere, kommune for kommune",
        "plot.band80": "80 % av behovene",
        "plot.band50": "50 % av behovene",
        "plot.national_total": "nasjonalt behov",
        "plot.change": "endring i anmodningen, {a} → {b}",
        "plot.largest_changes": "De {n} største endringene",
        "cli.headline": (
            "busetting {version}: {total} personer, av dem {minors} enslige mindreårige, "
            "fordelt på {n} kommuner"
        ),
        "cli.status": "status {status} | metode {method} | løser {solver} ({version}) | {ms} ms",
        "cli.rules": "prosessregler: {rules}",
        "cli.totals": (
            "kontroll av summene: anmodningene blir {req} (behov {total}), enslige "
            "mindreårige {mnr} (behov {minors}): {ok}"
        ),
        "cli.ok": "stemmer",
        "cli.mismatch": "STEMMER IKKE",
        "cli.ties": "likhet om siste plass: {n}, avgjort etter regelen ({rule})",
        "cli.largest": "de {n} største anmodningene:",
        "cli.id": "nr.",
        "cli.municipality": "kommune",
        "cli.request": "anmodning",
        "cli.minors": "EM",
        "cli.target": "mål",
        "cli.per_county": "per fylke:",
        "cli.county": "fylke",
        "cli.per_1000": "per 1 000",
        "cli.written": "skrevet: {path}",
        "cli.stdout": "standard utdata",
        "cli.scenarios": "{k} behov x {n} kommuner på {ms} ms ({each} ms per behov)",
        "cli.scenarios_missing": "behov som ikke kan oppfylles, stående tomme ({k}): {totals}",
        "cli.scenarios_below": " ({k} under behovet for enslige mindreårige på {m})",
        "cli.written_drafts": "skrevet: {n} arbeidsbøker i {folder}",
        "cli.share": "ramme",
        "cli.recommended": "tilrådd",
        "cli.final": "endelig",
        "cli.changed": "endret",
        "cli.case": "tilfelle",
        "cli.error": "feil",
        "cli.revision": (
            "revisjon: {direction} | behov {total} (enslige mindreårige {minors}) | "
            "{decided} vedtatt | anmodningene blir {sum}"
        ),
        "cli.revision_changes": "største endringer ({up} opp, {down} ned, etter størrelse):",
        "cli.valid": "{path}: i orden, {n} kommuner, behov {total} (enslige mindreårige {minors})",
        "error.row": "rad",
        "error.municipality_id": "kommunenummer",
        "error.column": "kolonne",
        "error.value": "verdi",
        "error.reason": "årsak",
        "sheet.requests": "Anmodninger",
        "sheet.counties": "Fylker",
        "sheet.criteria": "Kriterier",
        "sheet.parameters": "Parametere",
        "sheet.recommendation": "tilråding",
        "sheet.share": "ramme",
        "file.all_counties": "alle_fylker",
    },
    "nn": {
        "key.requests": "oppmodingar",
        "key.minors": "einslege mindreårige",
        "kind.volume": "volum",
        "kind.rate": "rate",
        "better.higher": "høgast",
        "better.lower": "lågast",
        "county.county": "fylke",
        "county.all": "alle",
        "county.share": "ramme oppmoding",
        "county.share_minors": "ramme EM",
        "county.municipalities": "kommunar",
        "county.national_need": "nasjonalt behov",
        "county.national_minors": "nasjonalt EM",
        "county.method": "metode",
        "county.rules": "prosessreglar",
        "county.fingerprint": "fingeravtrykk",
        "county.how_title": "slik fyller du ut",
        "county.how": (
            "Fyll inn tilråding oppmoding og tilråding EM for kvar kommune (heile tal, tom = "
            "inga tilråding). Summen bør vere lik ramma. Ikkje endre kommunenummeret."
        ),
        "county.sheet": "fylke",
        "county.whole": "Heile tal >= 0",
        "direction.up": "opp",
        "direction.down": "ned",
        "direction.none": "inga endring",
        "status.optimal": "optimal",
        "status.infeasible": "ikkje gjennomførleg",
        "status.time_limit": "stoppa ved tidsgrensa",
        "status.error": "feil i løysaren",
        "route.threshold": "tersklemetoden",
        "route.lagrange": "den eksakte regelvegen",
        "route.program": "heiltalsprogrammet",
        "route.none": "ingen løysar",
        "reason.fits": (
            "berre grenser, og dei einslege mindreårige frå dei uavhengige terskelløysingane "
            "får plass innanfor oppmodingane, så saman er dei optimale"
        ),
        "reason.diagnosed": "kontrollen av om det let seg gjennomføre, feila før løysinga",
        "reason.requested": "{solver} vart vald av brukaren",
        "reason.rules_path": "prosessreglane kan løysast med den eksakte regelvegen",
        "reason.rules_program": "prosessreglane krev heiltalsprogrammet",
        "reason.other": "løysingsvegen vart endra undervegs (sjå køyringsloggen)",
        "plot.municipality": "kommune",
        "plot.request": "oppmoding",
        "plot.identity": "oppmoding = mål",
        "plot.target": "mål (kriterienøkkelen)",
        "plot.requests_targets": "Oppmodingar og mål ({method}, {solver})",
        "plot.share_requests": "del av oppmodingane",
        "plot.share_population": "del av folketalet",
        "plot.percent_national": "% av heile landet",
        "plot.counties_title": "Fylke: oppmodingar og folketal",
        "plot.country": "heile landet: {value}",
        "plot.per_1000": "oppmoding per 1 000 innbyggjarar",
        "plot.per_1000_title": "Oppmoding per 1 000 innbyggjarar, kommune for kommune",
        "plot.band80": "80 % av behova",
        "plot.band50": "50 % av behova",
        "plot.national_total": "nasjonalt behov",
        "plot.change": "endring i oppmodinga, {a} → {b}",
        "plot.largest_changes": "Dei {n} største endringane",
        "cli.headline": (
            "busetting {version}: {total} personar, av dei {minors} einslege mindreårige, "
            "fordelte på {n} kommunar"
        ),
        "cli.status": "status {status} | metode {method} | løysar {solver} ({version}) | {ms} ms",
        "cli.rules": "prosessreglar: {rules}",
        "cli.totals": (
            "kontroll av summane: oppmodingane blir {req} (behov {total}), einslege "
            "mindreårige {mnr} (behov {minors}): {ok}"
        ),
        "cli.ok": "stemmer",
        "cli.mismatch": "STEMMER IKKJE",
        "cli.ties": "likskap om siste plass: {n}, avgjort etter regelen ({rule})",
        "cli.largest": "dei {n} største oppmodingane:",
        "cli.id": "nr.",
        "cli.municipality": "kommune",
        "cli.request": "oppmoding",
        "cli.minors": "EM",
        "cli.target": "mål",
        "cli.per_county": "per fylke:",
        "cli.county": "fylke",
        "cli.per_1000": "per 1 000",
        "cli.written": "skrive: {path}",
        "cli.stdout": "standard utdata",
        "cli.scenarios": "{k} behov x {n} kommunar på {ms} ms ({each} ms per behov)",
        "cli.scenarios_missing": "behov som ikkje kan oppfyllast, ståande tomme ({k}): {totals}",
        "cli.scenarios_below": " ({k} under behovet for einslege mindreårige på {m})",
        "cli.written_drafts": "skrive: {n} arbeidsbøker i {folder}",
        "cli.share": "ramme",
        "cli.recommended": "tilrådd",
        "cli.final": "endeleg",
        "cli.changed": "endra",
        "cli.case": "tilfelle",
        "cli.error": "feil",
        "cli.revision": (
            "revisjon: {direction} | behov {total} (einslege mindreårige {minors}) | "
            "{decided} vedtekne | oppmodingane blir {sum}"
        ),
        "cli.revision_changes": "største endringar ({up} opp, {down} ned, etter storleik):",
        "cli.valid": "{path}: i orden, {n} kommunar, behov {total} (einslege mindreårige {minors})",
        "error.row": "rad",
        "error.municipality_id": "kommunenummer",
        "error.column": "kolonne",
        "error.value": "verdi",
        "error.reason": "årsak",
        "sheet.requests": "Oppmodingar",
        "sheet.counties": "Fylke",
        "sheet.criteria": "Kriterium",
        "sheet.parameters": "Parametrar",
        "sheet.recommendation": "tilråding",
        "sheet.share": "ramme",
        "file.all_counties": "alle_fylke",
    },
}

_GROUPS: list[dict[str, dict[str, str]]] = []
"""Further groups of :data:`_TERMS` entries, one per kind of output (keys by prefix)."""


def _group(table: dict[str, dict[str, str]], prefix: str = "") -> None:
    """Register ``table`` (language -> key -> words) as part of :data:`_TERMS`, every key
    prefixed with ``prefix`` (the kind of output it belongs to)."""
    _GROUPS.append(
        {lang: {prefix + k: v for k, v in words.items()} for lang, words in table.items()}
    )


_group(
    {
        "en": {
            "settings.kept": "kept from {name}: {what}",
            "settings.method": "method {method}",
            "settings.criteria": "criteria {criteria}",
            "settings.rules": "rules {rules}",
            "settings.no_rules": "no process rules",
            "settings.fixed_one": "{n} fixed value",
            "settings.fixed": "{n} fixed values",
            "settings.bounds": "bounds on {n} municipalities",
            "settings.bounds_one": "bounds on {n} municipality",
            "settings.need": "need {total} (minors {minors})",
            "settings.overridden": "overridden by {flags}",
        },
        "nb": {
            "settings.kept": "beholdt fra {name}: {what}",
            "settings.method": "metode: {method}",
            "settings.criteria": "kriterier: {criteria}",
            "settings.rules": "prosessregler: {rules}",
            "settings.no_rules": "ingen prosessregler",
            "settings.fixed_one": "{n} fastsatt verdi",
            "settings.fixed": "{n} fastsatte verdier",
            "settings.bounds": "grenser for {n} kommuner",
            "settings.bounds_one": "grenser for {n} kommune",
            "settings.need": "behov {total} (enslige mindreårige {minors})",
            "settings.overridden": "overstyrt av {flags}",
        },
        "nn": {
            "settings.kept": "halde fast frå {name}: {what}",
            "settings.method": "metode: {method}",
            "settings.criteria": "kriterium: {criteria}",
            "settings.rules": "prosessreglar: {rules}",
            "settings.no_rules": "ingen prosessreglar",
            "settings.fixed_one": "{n} fastsett verdi",
            "settings.fixed": "{n} fastsette verdiar",
            "settings.bounds": "grenser for {n} kommunar",
            "settings.bounds_one": "grenser for {n} kommune",
            "settings.need": "behov {total} (einslege mindreårige {minors})",
            "settings.overridden": "overstyrt av {flags}",
        },
    }
)


_ACCOUNTING_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "last_year_request": "last year's request",
        "draft": "the draft",
        "recommendation": "the county's recommendation",
        "current_request": "the request being revised",
        "given": "the number given",
        "need": "the national need changed",
        "criterion": "criterion {name}",
        "redistribution": "what municipalities held by a bound leave to the others",
        "ceiling": "held down by its {name}",
        "floor": "held up by its {name}",
        "rule": "the rule: {name}",
        "rounding": "rounding to whole persons",
        "county_share": "the county's share of the draft",
        "recommended": "the county's recommendations",
        "key_weight": "the national key at weight {name}",
        "draft_deviation": "the draft's own bounds and rounding",
        "key": "its share by the key, against the request being revised",
        "decision": "council decision",
        "request": "request being cut",
        "settled": "refugees settled",
        "max": "maximum",
        "min": "minimum",
        "fixed": "fixed value",
        "minors": "room for its minors",
        "rules": "the process rules",
        "parts": "parts",
        "change": "change",
    },
    "nb": {
        "last_year_request": "fjorårets anmodning",
        "draft": "utkastet",
        "recommendation": "fylkets tilråding",
        "current_request": "anmodningen som revideres",
        "given": "tallet som ble gitt",
        "need": "det nasjonale behovet endret seg",
        "criterion": "kriteriet {name}",
        "redistribution": "det kommuner holdt av en grense overlater til de andre",
        "ceiling": "holdt nede av {name}",
        "floor": "holdt oppe av {name}",
        "rule": "regelen: {name}",
        "rounding": "avrunding til hele personer",
        "county_share": "fylkets ramme fra utkastet",
        "recommended": "fylkets tilrådinger",
        "key_weight": "den nasjonale nøkkelen med vekt {name}",
        "draft_deviation": "utkastets egne grenser og avrunding",
        "key": "andelen etter nøkkelen, mot anmodningen som revideres",
        "decision": "kommunestyrevedtaket",
        "request": "anmodningen som kuttes",
        "settled": "antall bosatte",
        "max": "maksimum",
        "min": "minimum",
        "fixed": "fast verdi",
        "minors": "plass til de enslige mindreårige",
        "rules": "prosessreglene",
        "parts": "deler",
        "change": "endring",
    },
    "nn": {
        "last_year_request": "oppmodinga i fjor",
        "draft": "utkastet",
        "recommendation": "tilrådinga frå fylket",
        "current_request": "oppmodinga som blir revidert",
        "given": "talet som vart gitt",
        "need": "det nasjonale behovet endra seg",
        "criterion": "kriteriet {name}",
        "redistribution": "det kommunar haldne av ei grense overlèt til dei andre",
        "ceiling": "halden nede av {name}",
        "floor": "halden oppe av {name}",
        "rule": "regelen: {name}",
        "rounding": "avrunding til heile personar",
        "county_share": "ramma til fylket frå utkastet",
        "recommended": "tilrådingane frå fylket",
        "key_weight": "den nasjonale nøkkelen med vekt {name}",
        "draft_deviation": "dei eigne grensene og avrundinga i utkastet",
        "key": "delen etter nøkkelen, mot oppmodinga som blir revidert",
        "decision": "kommunestyrevedtaket",
        "request": "oppmodinga som blir kutta",
        "settled": "talet på busette",
        "max": "maksimum",
        "min": "minimum",
        "fixed": "fast verdi",
        "minors": "plass til dei einslege mindreårige",
        "rules": "prosessreglane",
        "parts": "delar",
        "change": "endring",
    },
}
"""The words of ``busetting._accounting`` (was its ``_WORDS``)."""
_group(_ACCOUNTING_WORDS, "accounting.")


_ANSWERS_ANSWER_HEADERS: dict[str, dict[str, str]] = {
    "en": {
        "municipality_id": "municipality_id",
        "name": "name",
        "county": "county",
        "request": "request",
        "request_minors": "of which unaccompanied minors",
        "decision": "decision",
        "minors_decision": "of which unaccompanied minors decided",
        "extra_capacity": "more if the need rises",
        "extra_minors": "of which minors if the need rises",
        "answered": "date of decision",
        "comment": "what it takes to keep capacity high",
    },
    "nb": {
        "municipality_id": "kommunenummer",
        "name": "kommune",
        "county": "fylke",
        "request": "anmodning",
        "request_minors": "herav enslige mindreårige",
        "decision": "vedtak",
        "minors_decision": "vedtak enslige mindreårige",
        "extra_capacity": "flere ved økt behov",
        "extra_minors": "herav enslige mindreårige ved økt behov",
        "answered": "vedtaksdato",
        "comment": "hva skal til for å holde kapasiteten høy",
    },
    "nn": {
        "municipality_id": "kommunenummer",
        "name": "kommune",
        "county": "fylke",
        "request": "oppmoding",
        "request_minors": "av dei einslege mindreårige",
        "decision": "vedtak",
        "minors_decision": "vedtak einslege mindreårige",
        "extra_capacity": "fleire ved auka behov",
        "extra_minors": "av dei einslege mindreårige ved auka behov",
        "answered": "vedtaksdato",
        "comment": "kva skal til for å halde kapasiteten høg",
    },
}
"""The words of ``busetting._answers`` (was its ``ANSWER_HEADERS``)."""
_group(_ANSWERS_ANSWER_HEADERS, "answers.header.")


_COUNTIES_CASES: dict[str, dict[str, str]] = {
    "en": {
        "none": "none",
        "matches": "matches",
        "blanks": "blanks",
        "above": "above",
        "below": "below",
    },
    "nb": {
        "none": "ingen",
        "matches": "stemmer",
        "blanks": "blanke",
        "above": "over",
        "below": "under",
    },
    "nn": {
        "none": "ingen",
        "matches": "stemmer",
        "blanks": "blanke",
        "above": "over",
        "below": "under",
    },
}
"""The words of ``busetting._counties`` (was its ``_CASES``)."""
_group(_COUNTIES_CASES, "counties.case.")


_HOSTS_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "to_confirm": (
            "Minors hosts chosen on a weak signal (their minors service is new or shrinking "
            "fast), to confirm with the county: {names}."
        ),
        "column": "minors host to confirm with the county",
    },
    "nb": {
        "to_confirm": (
            "Vertskommuner for enslige mindreårige valgt på et svakt grunnlag (tjenesten for "
            "enslige mindreårige er ny eller krymper raskt), som må bekreftes med fylket: "
            "{names}."
        ),
        "column": "vertskommune for enslige mindreårige som må bekreftes med fylket",
    },
    "nn": {
        "to_confirm": (
            "Vertskommunar for einslege mindreårige valde på eit svakt grunnlag (tenesta for "
            "einslege mindreårige er ny eller krympar raskt), som må stadfestast med fylket: "
            "{names}."
        ),
        "column": "vertskommune for einslege mindreårige som må stadfestast med fylket",
    },
}
"""The words of ``busetting._hosts`` (was its ``_WORDS``)."""
_group(_HOSTS_WORDS, "hosts.")


_LETTERS_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "letter": "request letter",
        "title": "Request to settle refugees in {year}",
        "to": "To {name} municipality",
        "ask": (
            "{sender} asks {name} municipality to settle {request} refugees in {year}, of "
            "whom {minors} unaccompanied minors."
        ),
        "ask_no_minors": (
            "{sender} asks {name} municipality to settle {request} refugees in {year}."
        ),
        "need": (
            "The national need is {total} persons, of whom {minors_total} unaccompanied minors. "
            "The request follows the criteria the ministry has set: steered and spread "
            "settlement, accurate settlement that weighs services and the labour market, and "
            "fast settlement."
        ),
        "deadline": "We ask for the council's decision by {deadline}.",
        "must": "The decision must state:",
        "must_number": (
            "a clear number: how many refugees the municipality will settle in {year}, and "
            "how many of them unaccompanied minors;"
        ),
        "must_clean": (
            "no reservations: family reunifications are not counted in the number, and the "
            "decision is not conditional on other matters;"
        ),
        "must_more": (
            "how many more, including unaccompanied minors, the municipality could settle if "
            "the need rises;"
        ),
        "must_keep": "what it takes for the municipality to keep its capacity high.",
        "answer": (
            "Answer in the enclosed answer form ({form}); fill in the open cells only and "
            "return it by the deadline. A late answer is registered, and marked late."
        ),
        "table_request": "Request",
        "table_minors": "of which unaccompanied minors",
        "table_deadline": "Deadline for the decision",
        "greeting": "Yours sincerely,",
        "sheet": "Answer",
        "guide": "Guide",
        "guide_open": "Fill in the white cells only; the grey cells are filled in and locked.",
        "guide_numbers": "Numbers of persons: whole numbers from 0 to {max}.",
        "guide_date": "Date of decision: the date of the council's decision (DD.MM.YYYY).",
        "invalid_number": "A whole number of persons from 0 to {max}.",
        "invalid_date": "A date, for example 20.02.{year}.",
    },
    "nb": {
        "letter": "anmodningsbrev",
        "title": "Anmodning om bosetting av flyktninger i {year}",
        "to": "Til {name} kommune",
        "ask": (
            "{sender} anmoder {name} kommune om å bosette {request} flyktninger i {year}, "
            "herav {minors} enslige mindreårige."
        ),
        "ask_no_minors": (
            "{sender} anmoder {name} kommune om å bosette {request} flyktninger i {year}."
        ),
        "need": (
            "Det nasjonale behovet er {total} personer, herav {minors_total} enslige "
            "mindreårige. Anmodningen følger kriteriene departementet har fastsatt: styrt og "
            "spredt bosetting, treffsikker bosetting som vektlegger tjenestetilbud og "
            "arbeidsmarked, og rask bosetting."
        ),
        "deadline": "Vi ber om kommunestyrets vedtak innen {deadline}.",
        "must": "Vedtaket må inneholde:",
        "must_number": (
            "et klart tall: hvor mange flyktninger kommunen vil bosette i {year}, og hvor "
            "mange av dem som er enslige mindreårige;"
        ),
        "must_clean": (
            "ingen forbehold: familiegjenforente regnes ikke med i tallet, og vedtaket er ikke "
            "betinget av andre forhold;"
        ),
        "must_more": (
            "hvor mange flere, også enslige mindreårige, kommunen kan bosette dersom behovet øker;"
        ),
        "must_keep": "hva som skal til for at kommunen kan holde kapasiteten høy.",
        "answer": (
            "Svar i det vedlagte svarskjemaet ({form}); fyll bare ut de åpne cellene og send "
            "det tilbake innen fristen. Et svar som kommer for sent, blir registrert og merket "
            "som for sent."
        ),
        "table_request": "Anmodning",
        "table_minors": "herav enslige mindreårige",
        "table_deadline": "Frist for vedtak",
        "greeting": "Med hilsen",
        "sheet": "Svar",
        "guide": "Veiledning",
        "guide_open": "Fyll bare ut de hvite cellene; de grå cellene er fylt ut og låst.",
        "guide_numbers": "Antall personer: hele tall fra 0 til {max}.",
        "guide_date": "Vedtaksdato: datoen for kommunestyrets vedtak (DD.MM.ÅÅÅÅ).",
        "invalid_number": "Et helt antall personer fra 0 til {max}.",
        "invalid_date": "En dato, for eksempel 20.02.{year}.",
    },
    "nn": {
        "letter": "oppmodingsbrev",
        "title": "Oppmoding om busetjing av flyktningar i {year}",
        "to": "Til {name} kommune",
        "ask": (
            "{sender} oppmodar {name} kommune om å busetje {request} flyktningar i {year}, "
            "av dei {minors} einslege mindreårige."
        ),
        "ask_no_minors": (
            "{sender} oppmodar {name} kommune om å busetje {request} flyktningar i {year}."
        ),
        "need": (
            "Det nasjonale behovet er {total} personar, av dei {minors_total} einslege "
            "mindreårige. Oppmodinga følgjer kriteria departementet har fastsett: styrt og "
            "spreidd busetjing, treffsikker busetjing som vektlegg tenestetilbod og "
            "arbeidsmarknad, og rask busetjing."
        ),
        "deadline": "Vi ber om vedtak i kommunestyret innan {deadline}.",
        "must": "Vedtaket må innehalde:",
        "must_number": (
            "eit klart tal: kor mange flyktningar kommunen vil busetje i {year}, og kor mange "
            "av dei som er einslege mindreårige;"
        ),
        "must_clean": (
            "ingen atterhald: familiegjeneinte blir ikkje rekna med i talet, og vedtaket er "
            "ikkje avhengig av andre tilhøve;"
        ),
        "must_more": (
            "kor mange fleire, også einslege mindreårige, kommunen kan busetje dersom behovet "
            "aukar;"
        ),
        "must_keep": "kva som skal til for at kommunen kan halde kapasiteten høg.",
        "answer": (
            "Svar i det vedlagde svarskjemaet ({form}); fyll berre ut dei opne cellene og send "
            "det tilbake innan fristen. Eit svar som kjem for seint, blir registrert og merkt "
            "som for seint."
        ),
        "table_request": "Oppmoding",
        "table_minors": "av dei einslege mindreårige",
        "table_deadline": "Frist for vedtak",
        "greeting": "Med helsing",
        "sheet": "Svar",
        "guide": "Rettleiing",
        "guide_open": "Fyll berre ut dei kvite cellene; dei grå cellene er fylte ut og låste.",
        "guide_numbers": "Tal på personar: heile tal frå 0 til {max}.",
        "guide_date": "Vedtaksdato: datoen for vedtaket i kommunestyret (DD.MM.ÅÅÅÅ).",
        "invalid_number": "Eit heilt tal på personar frå 0 til {max}.",
        "invalid_date": "Ein dato, til dømes 20.02.{year}.",
    },
}
"""The words of ``busetting._letters`` (was its ``_WORDS``)."""
_group(_LETTERS_WORDS, "letters.")


_MAP_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "rate_title": "Requests per 1,000 residents",
        "none": "no request",
        "under": "under {a}",
        "between": "{a}\u2013{b}",
        "over": "{a} and over",
        "national": "the country: {r}",
        "circles": "circle: persons requested",
        "minors": "of whom unaccompanied minors",
        "borders": "Borders: {src}",
    },
    "nb": {
        "rate_title": "Anmodning per 1 000 innbyggere",
        "none": "ingen anmodning",
        "under": "under {a}",
        "between": "{a}\u2013{b}",
        "over": "{a} og over",
        "national": "hele landet: {r}",
        "circles": "sirkel: personer i anmodningen",
        "minors": "herav enslige mindreårige",
        "borders": "Grenser: {src}",
    },
    "nn": {
        "rate_title": "Oppmoding per 1 000 innbyggjarar",
        "none": "inga oppmoding",
        "under": "under {a}",
        "between": "{a}\u2013{b}",
        "over": "{a} og over",
        "national": "heile landet: {r}",
        "circles": "sirkel: personar i oppmodinga",
        "minors": "av dei einslege mindreårige",
        "borders": "Grenser: {src}",
    },
}
"""The words of ``busetting._map`` (was its ``_WORDS``)."""
_group(_MAP_WORDS, "map.")


_NAMES_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "municipality": "municipality",
        "county": "county",
        "a_municipality": "a municipality",
        "a_county": "a county",
        "one_municipality": "one municipality",
        "one_county": "one county",
        "unknown": "it is not {a} of the problem",
        "ambiguous": "it matches more than {one}",
        "did_you_mean": "did you mean",
        "none_close": "no name is close; give the number",
        "lead": "The `{param}` parameter of `{where}` must name {one}. Got {text} instead",
    },
    "nb": {
        "municipality": "kommune",
        "county": "fylke",
        "a_municipality": "en kommune",
        "a_county": "et fylke",
        "one_municipality": "én kommune",
        "one_county": "ett fylke",
        "unknown": "det er ikke {a} i problemet",
        "ambiguous": "det passer til mer enn {one}",
        "did_you_mean": "mente du",
        "none_close": "ingen navn ligner; oppgi nummeret",
        "lead": "Parameteren `{param}` til `{where}` må være {one}. Fikk {text}",
    },
    "nn": {
        "municipality": "kommune",
        "county": "fylke",
        "a_municipality": "ein kommune",
        "a_county": "eit fylke",
        "one_municipality": "éin kommune",
        "one_county": "eitt fylke",
        "unknown": "det er ikkje {a} i problemet",
        "ambiguous": "det passar til meir enn {one}",
        "did_you_mean": "meinte du",
        "none_close": "ingen namn liknar; oppgi nummeret",
        "lead": "Parameteren `{param}` til `{where}` må vere {one}. Fekk {text}",
    },
}
"""The words of ``busetting._names`` (was its ``_WORDS``)."""
_group(_NAMES_WORDS, "names.")


_PLACEMENT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "reason": "{name} has settled {settled} of {decision} ({share})",
        "reason_minor": "{name} has settled {settled} of {decision} minors decided ({share})",
        "priority": "{method} priority {decision}/{signpost} = {value}",
        "highest": "the highest of all",
        "lowest_county": "the lowest share in {county}",
        "lowest_all": "the lowest share of all",
        "first": "nobody settled yet: first in line",
        "above": "above its decision, as allowed",
        "person": "person",
        "minor": "minor",
    },
    "nb": {
        "reason": "{name} har bosatt {settled} av {decision} ({share})",
        "reason_minor": (
            "{name} har bosatt {settled} av {decision} vedtatte enslige mindreårige ({share})"
        ),
        "priority": "{method}-prioritet {decision}/{signpost} = {value}",
        "highest": "den høyeste av alle",
        "lowest_county": "den laveste andelen i {county}",
        "lowest_all": "den laveste andelen av alle",
        "first": "ingen bosatt ennå: først i køen",
        "above": "over vedtaket, som tillatt",
        "person": "person",
        "minor": "enslig mindreårig",
    },
    "nn": {
        "reason": "{name} har busett {settled} av {decision} ({share})",
        "reason_minor": (
            "{name} har busett {settled} av {decision} vedtekne einslege mindreårige ({share})"
        ),
        "priority": "{method}-prioritet {decision}/{signpost} = {value}",
        "highest": "den høgaste av alle",
        "lowest_county": "den lågaste delen i {county}",
        "lowest_all": "den lågaste delen av alle",
        "first": "ingen busett enno: først i køen",
        "above": "over vedtaket, som tillate",
        "person": "person",
        "minor": "einsleg mindreårig",
    },
}
"""The words of ``busetting._placement`` (was its ``_WORDS``)."""
_group(_PLACEMENT_WORDS, "placement.")


_RECONCILE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "rule": "rule",
        "capacity": "capacity",
        "total": "total",
        "fixed": "fixed",
        "as_recommended": "as the county recommended",
        "moved": "moved with the county's other changes",
    },
    "nb": {
        "rule": "regel",
        "capacity": "kapasitet",
        "total": "sum",
        "fixed": "fast verdi",
        "as_recommended": "som fylket tilrådde",
        "moved": "flyttet med fylkets andre endringer",
    },
    "nn": {
        "rule": "regel",
        "capacity": "kapasitet",
        "total": "sum",
        "fixed": "fast verdi",
        "as_recommended": "som fylket tilrådde",
        "moved": "flytta med dei andre endringane i fylket",
    },
}
"""The words of ``busetting._reconcile`` (was its ``_WORDS``)."""
_group(_RECONCILE_WORDS, "reconcile.")


_REPORT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title_year": "Settlement requests {year}: {n} persons",
        "title_county_year": "Settlement requests {year} for {county}: {n} persons",
        "prepared": "Prepared {date}",
        "months": "January February March April May June July August September October "
        "November December",
        "date": "{month} {day}, {year}",
        "total": "Total",
        "total_of": "Total {what}",
        "total_shown": "Total of these {n}",
        "haram_total": "Haram has no change of its own, so the total change leaves out "
        "Haram's request of {h}.",
        "page": "Page",
        "of": "of",
        "map_title": "Requests per municipality",
        "facts": "In brief",
        "fact_need": "Need: {n} persons, of whom {m} unaccompanied minors",
        "fact_asked": "{k} of {n} municipalities asked",
        "fact_rate": "{per} per 1,000 residents (the country)",
        "fact_county": "{county}: {x} persons ({share} of the need), {per} per 1,000 residents",
        "map_note": "Colour: requests per 1,000 residents against the national rate; "
        "circle: the request in persons.",
        "geo": "Map borders: Kartverket (2024 municipalities and counties), CC BY 4.0.",
    },
    "nb": {
        "title_year": "Anmodning om bosetting av flyktninger i {year}: {n} personer",
        "title_county_year": "Anmodning om bosetting i {county} i {year}: {n} personer",
        "prepared": "Utarbeidet {date}",
        "months": "januar februar mars april mai juni juli august september oktober "
        "november desember",
        "date": "{day}. {month} {year}",
        "total": "I alt",
        "total_of": "I alt {what}",
        "total_shown": "I alt, disse {n}",
        "haram_total": "Haram har derfor ingen egen endring, og endringen i alt er uten Harams "
        "anmodning på {h}.",
        "page": "Side",
        "of": "av",
        "map_title": "Anmodning per kommune",
        "facts": "Kort fortalt",
        "fact_need": "Behov: {n} personer, av dem {m} enslige mindreårige",
        "fact_asked": "{k} av {n} kommuner får anmodning",
        "fact_rate": "{per} per 1 000 innbyggere i hele landet",
        "fact_county": "{county}: {x} personer ({share} av behovet), {per} per 1 000 innbyggere",
        "map_note": "Farge: anmodning per 1 000 innbyggere målt mot landet som helhet; "
        "sirkel: anmodningen i personer.",
        "geo": "Kartgrenser: Kartverket (kommuner og fylker 2024), CC BY 4.0.",
    },
    "nn": {
        "title_year": "Oppmoding om busetjing av flyktningar i {year}: {n} personar",
        "title_county_year": "Oppmoding om busetjing i {county} i {year}: {n} personar",
        "prepared": "Utarbeidd {date}",
        "months": "januar februar mars april mai juni juli august september oktober "
        "november desember",
        "date": "{day}. {month} {year}",
        "total": "I alt",
        "total_of": "I alt {what}",
        "total_shown": "I alt, desse {n}",
        "haram_total": "Haram har difor inga eiga endring, og endringa i alt er utan "
        "oppmodinga til Haram på {h}.",
        "page": "Side",
        "of": "av",
        "map_title": "Oppmoding per kommune",
        "facts": "Kort fortalt",
        "fact_need": "Behov: {n} personar, av dei {m} einslege mindreårige",
        "fact_asked": "{k} av {n} kommunar får oppmoding",
        "fact_rate": "{per} per 1 000 innbyggjarar i heile landet",
        "fact_county": "{county}: {x} personar ({share} av behovet), {per} per 1 000 innbyggjarar",
        "map_note": "Farge: oppmoding per 1 000 innbyggjarar målt mot landet som heilskap; "
        "sirkel: oppmodinga i personar.",
        "geo": "Kartgrenser: Kartverket (kommunar og fylke 2024), CC BY 4.0.",
    },
}
"""The words of ``busetting._report`` (was its ``_WORDS``)."""
_group(_REPORT_WORDS, "report.words.")


_REPORT_PART_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Change from last year's request, in parts",
        "intro": (
            "Each change is compared with last year's request; the parts (the need, each "
            "criterion, bounds, rules and rounding) add up to it exactly. The biggest {n}:"
        ),
        "head": "municipality|last year's request|request|change|why (parts)",
    },
    "nb": {
        "title": "Endring fra fjorårets anmodning, i deler",
        "intro": (
            "Hver endring sammenlignes med fjorårets anmodning; delene (behovet, hvert "
            "kriterium, grenser, regler og avrunding) summerer nøyaktig til den. De {n} største:"
        ),
        "head": "kommune|fjorårets anmodning|anmodning|endring|hvorfor (deler)",
    },
    "nn": {
        "title": "Endring frå oppmodinga i fjor, i delar",
        "intro": (
            "Kvar endring blir samanlikna med oppmodinga i fjor; delane (behovet, kvart "
            "kriterium, grenser, reglar og avrunding) summerer nøyaktig til henne. Dei {n} største:"
        ),
        "head": "kommune|oppmoding i fjor|oppmoding|endring|kvifor (delar)",
    },
}
"""The words of ``busetting._report`` (was its ``_PART_WORDS``)."""
_group(_REPORT_PART_WORDS, "report.parts.")


_REVISION_REPORT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Revision of the requests: {old} to {new}",
        "municipality_id": "municipality_id",
        "name": "municipality",
        "county": "county",
        "previous": "request being revised",
        "decision": "council decision",
        "settled": "settled",
        "request": "revised request",
        "change": "change",
        "parts": "why (parts of the change)",
        "summary": "Summary",
        "cuts": "Biggest cuts",
        "increases": "Biggest increases",
        "counties": "County sums",
        "all": "Every municipality",
        "rule": "The rule used",
        "sheet_all": "revision",
        "sheet_counties": "counties",
        "sheet_cuts": "biggest cuts",
        "sheet_increases": "biggest increases",
        "sheet_rule": "rule",
        "item": "item",
        "value": "value",
        "direction": "direction",
        "up": "increase: nobody's request falls; the increases go by the key",
        "down": "cut: nobody's request rises; decisions and requests are ceilings",
        "none": "no change of the need",
        "need": "national need",
        "decided": "council decisions",
        "key_original": "the cut is spread by the problem's own key (cut_key='original')",
        "key_commitment": (
            "the cut is spread in proportion to each commitment, the smaller of request and "
            "council decision (cut_key='commitment')"
        ),
        "cut_key": "key at a cut",
        "gave_way": "floors that gave way (no request rises)",
        "method": "method",
        "kept": "kept from the previous allocation",
        "compared": "Every number is compared with the request being revised; the parts add "
        "up to the change exactly.",
        "moved": "municipalities whose request changed",
        "none_moved": "none",
    },
    "nb": {
        "title": "Revisjon av anmodningene: {old} til {new}",
        "municipality_id": "kommunenummer",
        "name": "kommune",
        "county": "fylke",
        "previous": "anmodning som revideres",
        "decision": "kommunestyrevedtak",
        "settled": "bosatt",
        "request": "revidert anmodning",
        "change": "endring",
        "parts": "hvorfor (deler av endringen)",
        "summary": "Sammendrag",
        "cuts": "Største kutt",
        "increases": "Største økninger",
        "counties": "Summer per fylke",
        "all": "Alle kommuner",
        "rule": "Regelen som er brukt",
        "sheet_all": "revisjon",
        "sheet_counties": "fylker",
        "sheet_cuts": "største kutt",
        "sheet_increases": "største økninger",
        "sheet_rule": "regel",
        "item": "punkt",
        "value": "verdi",
        "direction": "retning",
        "up": "økning: ingen anmodning går ned; økningene fordeles etter nøkkelen",
        "down": "kutt: ingen anmodning går opp; vedtak og anmodninger er tak",
        "none": "behovet er uendret",
        "need": "nasjonalt behov",
        "decided": "kommunestyrevedtak",
        "key_original": "kuttet fordeles etter problemets egen nøkkel (cut_key='original')",
        "key_commitment": (
            "kuttet fordeles i forhold til hver kommunes forpliktelse, det minste av anmodning "
            "og vedtak (cut_key='commitment')"
        ),
        "cut_key": "nøkkel ved kutt",
        "gave_way": "gulv som ga etter (ingen anmodning går opp)",
        "method": "metode",
        "kept": "beholdt fra forrige fordeling",
        "compared": "Hvert tall sammenlignes med anmodningen som revideres; delene summerer "
        "nøyaktig til endringen.",
        "moved": "kommuner med endret anmodning",
        "none_moved": "ingen",
    },
    "nn": {
        "title": "Revisjon av oppmodingane: {old} til {new}",
        "municipality_id": "kommunenummer",
        "name": "kommune",
        "county": "fylke",
        "previous": "oppmoding som blir revidert",
        "decision": "kommunestyrevedtak",
        "settled": "busett",
        "request": "revidert oppmoding",
        "change": "endring",
        "parts": "kvifor (delar av endringa)",
        "summary": "Samandrag",
        "cuts": "Største kutt",
        "increases": "Største aukingar",
        "counties": "Summar per fylke",
        "all": "Alle kommunar",
        "rule": "Regelen som er brukt",
        "sheet_all": "revisjon",
        "sheet_counties": "fylke",
        "sheet_cuts": "største kutt",
        "sheet_increases": "største aukingar",
        "sheet_rule": "regel",
        "item": "punkt",
        "value": "verdi",
        "direction": "retning",
        "up": "auking: inga oppmoding går ned; aukingane blir fordelte etter nøkkelen",
        "down": "kutt: inga oppmoding går opp; vedtak og oppmodingar er tak",
        "none": "behovet er uendra",
        "need": "nasjonalt behov",
        "decided": "kommunestyrevedtak",
        "key_original": "kuttet blir fordelt etter den eigne nøkkelen til problemet "
        "(cut_key='original')",
        "key_commitment": (
            "kuttet blir fordelt i høve til forpliktinga til kvar kommune, det minste av "
            "oppmoding og vedtak (cut_key='commitment')"
        ),
        "cut_key": "nøkkel ved kutt",
        "gave_way": "golv som gav etter (inga oppmoding går opp)",
        "method": "metode",
        "kept": "halde fram frå førre fordeling",
        "compared": "Kvart tal blir samanlikna med oppmodinga som blir revidert; delane "
        "summerer nøyaktig til endringa.",
        "moved": "kommunar med endra oppmoding",
        "none_moved": "ingen",
    },
}
"""The words of ``busetting._revision_report`` (was its ``_WORDS``)."""
_group(_REVISION_REPORT_WORDS, "revision.")


_WORKBOOK_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Settlement requests {year}",
        "title_plain": "Settlement requests",
        "footer_page": "Page &P of &N",
        "parameter": "parameter",
        "value": "value",
        "need": "need (persons)",
        "minors": "of whom unaccompanied minors",
        "municipalities": "municipalities",
        "asked": "municipalities asked",
        "county": "county shown",
        "weight": "weight: {c}",
        "weights": "weights",
        "minors_key": "minors key",
        "rules": "process rules",
        "norules": "none",
        "bounds": "municipalities with a bound or decided number",
        "method": "method",
        "status": "status",
        "solver": "solver",
        "fingerprint": "input fingerprint",
        "version": "busetting version",
        "sources": "data sources",
        "record": "full record of the run",
        "record_text": "on the hidden sheet {sheet} (read by revise --previous)",
        "request": "request_{y}",
        "decision": "decision_{y}",
        "settled": "settled_{y}",
        "col municipality_id": "municipality_id",
        "col name": "name",
        "col county": "county",
        "col population": "population",
        "col request": "request",
        "col minors": "minors",
        "col per_1000": "per_1000",
        "col target": "target",
        "col deviation": "deviation",
        "col minors_target": "minors_target",
        "col binding": "binding",
        "col tie": "tie",
        "col municipalities": "municipalities",
    },
    "nb": {
        "title": "Anmodning om bosetting av flyktninger {year}",
        "title_plain": "Anmodning om bosetting av flyktninger",
        "footer_page": "Side &P av &N",
        "parameter": "parameter",
        "value": "verdi",
        "need": "behov (personer)",
        "minors": "herav enslige mindreårige",
        "municipalities": "kommuner",
        "asked": "kommuner med anmodning",
        "county": "fylke vist",
        "weight": "vekt: {c}",
        "weights": "vekter",
        "minors_key": "nøkkel for enslige mindreårige",
        "rules": "prosessregler",
        "norules": "ingen",
        "bounds": "kommuner med grense eller vedtatt tall",
        "method": "metode",
        "status": "status",
        "solver": "løser",
        "fingerprint": "fingeravtrykk av inndata",
        "version": "busetting-versjon",
        "sources": "datakilder",
        "record": "fullstendig logg over kjøringen",
        "record_text": "på det skjulte arket {sheet} (leses av revise --previous)",
        "request": "anmodning {y}",
        "decision": "vedtak {y}",
        "settled": "bosatt {y}",
        "col municipality_id": "kommunenummer",
        "col name": "kommune",
        "col county": "fylke",
        "col population": "innbyggere",
        "col request": "anmodning",
        "col minors": "herav enslige mindreårige",
        "col per_1000": "per 1 000 innbyggere",
        "col target": "mål etter kriteriene",
        "col deviation": "avvik fra målet",
        "col minors_target": "mål for enslige mindreårige",
        "col binding": "bindende grense",
        "col tie": "likt om siste plass",
        "col municipalities": "kommuner",
    },
    "nn": {
        "title": "Oppmoding om busetjing av flyktningar {year}",
        "title_plain": "Oppmoding om busetjing av flyktningar",
        "footer_page": "Side &P av &N",
        "parameter": "parameter",
        "value": "verdi",
        "need": "behov (personar)",
        "minors": "av dei einslege mindreårige",
        "municipalities": "kommunar",
        "asked": "kommunar med oppmoding",
        "county": "fylke vist",
        "weight": "vekt: {c}",
        "weights": "vekter",
        "minors_key": "nøkkel for einslege mindreårige",
        "rules": "prosessreglar",
        "norules": "ingen",
        "bounds": "kommunar med grense eller vedteke tal",
        "method": "metode",
        "status": "status",
        "solver": "løysar",
        "fingerprint": "fingeravtrykk av inndata",
        "version": "busetting-versjon",
        "sources": "datakjelder",
        "record": "fullstendig logg over køyringa",
        "record_text": "på det skjulte arket {sheet} (lesast av revise --previous)",
        "request": "oppmoding {y}",
        "decision": "vedtak {y}",
        "settled": "busett {y}",
        "col municipality_id": "kommunenummer",
        "col name": "kommune",
        "col county": "fylke",
        "col population": "innbyggjarar",
        "col request": "oppmoding",
        "col minors": "av dei einslege mindreårige",
        "col per_1000": "per 1 000 innbyggjarar",
        "col target": "mål etter kriteria",
        "col deviation": "avvik frå målet",
        "col minors_target": "mål for einslege mindreårige",
        "col binding": "bindande grense",
        "col tie": "likt om siste plass",
        "col municipalities": "kommunar",
    },
}
"""The words of ``busetting._workbook`` (was its ``_WORDS``)."""
_group(_WORKBOOK_WORDS, "workbook.")


_YEARSTATUS_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Status of the year {year}",
        "national": "Nationally",
        "counties": "Per county",
        "municipalities": "Per municipality",
        "county": "county",
        "name": "municipality",
        "asked": "asked",
        "asked_minors": "asked, minors",
        "answered": "answered",
        "late": "late",
        "decided": "decided",
        "decided_minus_asked": "decided minus asked",
        "minors_decided": "decided, minors",
        "extra_capacity": "extra capacity offered",
        "extra_minors": "extra capacity, minors",
        "settled": "settled so far",
        "settled_minus_decided": "settled minus decided",
        "settled_share": "settled of decided",
        "asked_not_answered": "asked, not yet answered",
        "need": "national need",
        "gap": "gap to the need",
        "yes": "yes",
        "no": "no",
        "gap_line": (
            "Need {need} = decided {decided} + asked of those not yet answered {open} + gap {gap}."
        ),
        "answered_line": (
            "{answered} of {asked_count} municipalities asked have answered; they decided "
            "{decided}, {diff} against the {asked_answered} they were asked."
        ),
        "covers": "The extra capacity offered ({extra}) covers the gap ({gap}).",
        "short": (
            "The extra capacity offered ({extra}) does not cover the gap ({gap}): {short} short."
        ),
        "no_gap": "There is no gap: the decisions and open requests reach the need.",
        "settled_line": (
            "Settled so far: {settled} = {in_decided} in the municipalities that decided "
            "({share} of the {decided} decided, {diff}) + {elsewhere} elsewhere."
        ),
        "settled_only": "Settled so far: {settled}.",
        "col_municipalities": "municipalities asked",
        "no_extra": (
            "No extra capacity was recorded, so nothing is known to cover the gap ({gap})."
        ),
        "municipality_id": "municipality number",
        "sheet_national": "national",
        "sheet_counties": "counties",
        "sheet_municipalities": "municipalities",
        "item": "item",
        "value": "value",
    },
    "nb": {
        "title": "Status for bosettingsåret {year}",
        "national": "Nasjonalt",
        "counties": "Per fylke",
        "municipalities": "Per kommune",
        "county": "fylke",
        "name": "kommune",
        "asked": "anmodet",
        "asked_minors": "anmodet, enslige mindreårige",
        "answered": "svart",
        "late": "for sent",
        "decided": "vedtatt",
        "decided_minus_asked": "vedtatt minus anmodet",
        "minors_decided": "vedtatt, enslige mindreårige",
        "extra_capacity": "ekstra kapasitet tilbudt",
        "extra_minors": "ekstra kapasitet, enslige mindreårige",
        "settled": "bosatt hittil",
        "settled_minus_decided": "bosatt minus vedtatt",
        "settled_share": "bosatt av vedtatt",
        "asked_not_answered": "anmodet, ikke svart ennå",
        "need": "nasjonalt behov",
        "gap": "udekket behov",
        "yes": "ja",
        "no": "nei",
        "gap_line": (
            "Behov {need} = vedtatt {decided} + anmodet hos dem som ikke har svart {open} + "
            "udekket {gap}."
        ),
        "answered_line": (
            "{answered} av {asked_count} anmodede kommuner har svart; de har vedtatt "
            "{decided}, {diff} mot de {asked_answered} de ble anmodet om."
        ),
        "covers": (
            "Den tilbudte ekstra kapasiteten ({extra}) dekker det udekkede behovet ({gap})."
        ),
        "short": (
            "Den tilbudte ekstra kapasiteten ({extra}) dekker ikke det udekkede behovet "
            "({gap}): det mangler {short}."
        ),
        "no_gap": "Hele behovet er dekket: vedtakene og de åpne anmodningene når behovet.",
        "settled_line": (
            "Bosatt hittil: {settled} = {in_decided} i kommunene som har vedtatt ({share} av "
            "de {decided} vedtatte, {diff}) + {elsewhere} i andre kommuner."
        ),
        "settled_only": "Bosatt hittil: {settled}.",
        "col_municipalities": "anmodede kommuner",
        "no_extra": (
            "Ingen ekstra kapasitet er registrert, så det er ikke kjent hva som kan dekke "
            "det udekkede behovet ({gap})."
        ),
        "municipality_id": "kommunenummer",
        "sheet_national": "nasjonalt",
        "sheet_counties": "fylker",
        "sheet_municipalities": "kommuner",
        "item": "post",
        "value": "verdi",
    },
    "nn": {
        "title": "Status for busetjingsåret {year}",
        "national": "Nasjonalt",
        "counties": "Per fylke",
        "municipalities": "Per kommune",
        "county": "fylke",
        "name": "kommune",
        "asked": "oppmoda",
        "asked_minors": "oppmoda, einslege mindreårige",
        "answered": "svart",
        "late": "for seint",
        "decided": "vedteke",
        "decided_minus_asked": "vedteke minus oppmoda",
        "minors_decided": "vedteke, einslege mindreårige",
        "extra_capacity": "ekstra kapasitet tilbode",
        "extra_minors": "ekstra kapasitet, einslege mindreårige",
        "settled": "busett så langt",
        "settled_minus_decided": "busett minus vedteke",
        "settled_share": "busett av vedteke",
        "asked_not_answered": "oppmoda, ikkje svart enno",
        "need": "nasjonalt behov",
        "gap": "udekt behov",
        "yes": "ja",
        "no": "nei",
        "gap_line": (
            "Behov {need} = vedteke {decided} + oppmoda hos dei som ikkje har svart {open} + "
            "udekt {gap}."
        ),
        "answered_line": (
            "{answered} av {asked_count} oppmoda kommunar har svart; dei har vedteke "
            "{decided}, {diff} mot dei {asked_answered} dei vart oppmoda om."
        ),
        "covers": ("Den tilbodne ekstra kapasiteten ({extra}) dekkjer det udekte behovet ({gap})."),
        "short": (
            "Den tilbodne ekstra kapasiteten ({extra}) dekkjer ikkje det udekte behovet "
            "({gap}): det manglar {short}."
        ),
        "no_gap": "Heile behovet er dekt: vedtaka og dei opne oppmodingane når behovet.",
        "settled_line": (
            "Busett så langt: {settled} = {in_decided} i kommunane som har vedteke ({share} av "
            "dei {decided} vedtekne, {diff}) + {elsewhere} i andre kommunar."
        ),
        "settled_only": "Busett så langt: {settled}.",
        "col_municipalities": "oppmoda kommunar",
        "no_extra": (
            "Ingen ekstra kapasitet er registrert, så det er ikkje kjent kva som kan dekkje "
            "det udekte behovet ({gap})."
        ),
        "municipality_id": "kommunenummer",
        "sheet_national": "nasjonalt",
        "sheet_counties": "fylke",
        "sheet_municipalities": "kommunar",
        "item": "post",
        "value": "verdi",
    },
}
"""The words of ``busetting._yearstatus`` (was its ``_WORDS``)."""
_group(_YEARSTATUS_WORDS, "yearstatus.")


_group(
    {
        "en": {
            "need": "need",
            "county_share": "county share",
            "recommended": "recommended",
            "key_weight": "key weight",
            "draft_deviation": "draft deviation",
            "key": "key",
            "criterion": "criterion",
            "redistribution": "redistribution",
            "ceiling": "ceiling",
            "floor": "floor",
            "rule": "rule",
            "rounding": "rounding",
        },
        "nb": {
            "need": "behov",
            "county_share": "fylkets andel",
            "recommended": "tilrådd",
            "key_weight": "nøkkelens vekt",
            "draft_deviation": "utkastets avvik",
            "key": "nøkkel",
            "criterion": "kriterium",
            "redistribution": "omfordeling",
            "ceiling": "tak",
            "floor": "gulv",
            "rule": "regel",
            "rounding": "avrunding",
        },
        "nn": {
            "need": "behov",
            "county_share": "delen til fylket",
            "recommended": "tilrådd",
            "key_weight": "vekta til nøkkelen",
            "draft_deviation": "avvik i utkastet",
            "key": "nøkkel",
            "criterion": "kriterium",
            "redistribution": "omfordeling",
            "ceiling": "tak",
            "floor": "golv",
            "rule": "regel",
            "rounding": "avrunding",
        },
    },
    "accounting.kind.",
)
"""The kinds of part of a change (``Part.kind``), as a column of :meth:`Accounting.to_frame`."""


_group(
    {
        "en": {
            "letters_written": (
                "written: {letters} letters and {forms} answer forms to {folder} "
                "(deadline {deadline})"
            ),
        },
        "nb": {
            "letters_written": (
                "skrevet: {letters} brev og {forms} svarskjemaer til {folder} (frist {deadline})"
            ),
        },
        "nn": {
            "letters_written": (
                "skrive: {letters} brev og {forms} svarskjema til {folder} (frist {deadline})"
            ),
        },
    },
    "year.",
)
"""The command line's lines for the year commands (``letters``, ``status``, ``next``)."""


_EXPLAIN_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "asked": "{name} ({mid}, {county}) is asked to settle {x} refugees{minors}.",
        "minors": ", of whom {m} unaccompanied minors",
        "target": "Its target under the criteria key is {t}:",
        "part": "  {c}: {v} ({w} weight)",
        "round": "Rounding by {method} turns the target into {x} ({d} from the target).",
        "rules": " with the process rules: {r}",
        "bound": "What holds the request where it is: {b}.",
        "nobound": "No bound or rule holds the request; it is the method's rounding.",
        "compare": (
            "That is {p} per 1,000 residents, against {c} in {county} and {n} in the country."
        ),
        "margins": "What would move the request by {one}, everything else as it is:",
        "margin": "  {what}, now {now}: {more}; {fewer}.",
        "count_up": "{d} more {unit}",
        "count_down": "{d} fewer {unit}",
        "count_up1": "one more {unit}",
        "count_down1": "one {unit} fewer",
        "score_up": "{d} points higher",
        "score_down": "{d} points lower",
        "more": "{change} would give {one} more",
        "fewer": "{change} {one} fewer",
        "nomore": "no change of it alone would give {one} more",
        "nofewer": "no change of it alone would give {one} fewer",
        "within": "{text} within what it can be ({low} to {high})",
        "through": "{part}; a score times its base, {base}",
        "one": "one",
        "nomarginal": (
            "The margins in the indicators' own units are computed on the threshold path, or "
            "for Sainte-Laguë on a grid; this result came from the integer program ({solver})"
            " with rules that allow neither."
        ),
        "tie": "It was tied for the last unit; the documented tie rule decided.",
    },
    "nb": {
        "asked": "{name} ({mid}, {county}) blir bedt om å bosette {x} flyktninger{minors}.",
        "minors": ", av dem {m} enslige mindreårige",
        "target": "Målet etter kriterienøkkelen er {t}:",
        "part": "  {c}: {v} (vekt {w})",
        "round": "Avrundingen gjør målet om til {x} ({d} fra målet); metode: {method}.",
        "rules": " med prosessreglene: {r}",
        "bound": "Det som holder anmodningen der den er: {b}.",
        "nobound": "Ingen grense eller regel binder anmodningen; den er metodens avrunding.",
        "compare": "Det er {p} per 1 000 innbyggere, mot {c} i {county} og {n} i hele landet.",
        "margins": "Dette ville flyttet anmodningen med {one}, når alt annet er som før:",
        "margin": "  {what}, nå {now}: {more}; {fewer}.",
        "count_up": "{d} flere {unit}",
        "count_down": "{d} færre {unit}",
        "count_up1": "én {unit} til",
        "count_down1": "én {unit} færre",
        "score_up": "{d} poeng høyere",
        "score_down": "{d} poeng lavere",
        "more": "{change} ville gitt {one} mer",
        "fewer": "{change} {one} mindre",
        "nomore": "ingen endring i den alene ville gitt {one} mer",
        "nofewer": "ingen endring i den alene ville gitt {one} mindre",
        "within": "{text} innenfor det den kan være ({low} til {high})",
        "through": "{part}; en poengsum ganget med grunnlaget, {base}",
        "one": "én",
        "nomarginal": (
            "Marginene i indikatorenes egne enheter regnes ut med terskelmetoden, eller for "
            "Sainte-Laguës metode med anmodninger i multipler; dette resultatet kom fra "
            "heltallsprogrammet ({solver}) med regler som ikke tillater noen av delene."
        ),
        "tie": "Kommunen sto likt om den siste plassen; den dokumenterte regelen avgjorde.",
    },
    "nn": {
        "asked": "{name} ({mid}, {county}) blir beden om å busetje {x} flyktningar{minors}.",
        "minors": ", av dei {m} einslege mindreårige",
        "target": "Målet etter kriterienøkkelen er {t}:",
        "part": "  {c}: {v} (vekt {w})",
        "round": "Avrundinga gjer målet om til {x} ({d} frå målet); metode: {method}.",
        "rules": " med prosessreglane: {r}",
        "bound": "Det som held oppmodinga der ho er: {b}.",
        "nobound": "Inga grense eller regel bind oppmodinga; ho er avrundinga til metoden.",
        "compare": "Det er {p} per 1 000 innbyggjarar, mot {c} i {county} og {n} i heile landet.",
        "margins": "Dette ville flytt oppmodinga med {one}, når alt anna er som før:",
        "margin": "  {what}, no {now}: {more}; {fewer}.",
        "count_up": "{d} fleire {unit}",
        "count_down": "{d} færre {unit}",
        "count_up1": "éin {unit} til",
        "count_down1": "éin {unit} færre",
        "score_up": "{d} poeng høgare",
        "score_down": "{d} poeng lågare",
        "more": "{change} ville gitt {one} meir",
        "fewer": "{change} {one} mindre",
        "nomore": "inga endring i den åleine ville gitt {one} meir",
        "nofewer": "inga endring i den åleine ville gitt {one} mindre",
        "within": "{text} innanfor det som er mogleg ({low} til {high})",
        "through": "{part}; ein poengsum gonga med grunnlaget, {base}",
        "one": "éin",
        "nomarginal": (
            "Marginane i dei eigne einingane til indikatorane blir rekna ut med "
            "tersklemetoden, eller for Sainte-Laguës metode med oppmodingar i multiplar; "
            "dette resultatet kom frå heiltalsprogrammet ({solver}) med reglar som ikkje "
            "tillèt nokon av delane."
        ),
        "tie": "Kommunen stod likt om den siste plassen; den dokumenterte regelen avgjorde.",
    },
}
"""The words of ``busetting._explain`` (an explanation, line by line)."""
_group(_EXPLAIN_WORDS, "explain.")


_COUNTIES_HEADERS: dict[str, dict[str, str]] = {
    "en": {
        "municipality_id": "municipality_id",
        "name": "name",
        "county": "county",
        "population": "population",
        "draft_request": "draft request",
        "draft_minors": "draft minors",
        "recommendation": "recommendation",
        "recommended_minors": "recommended minors",
        "comment": "comment",
    },
    "nb": {
        "municipality_id": "kommunenummer",
        "name": "kommune",
        "county": "fylke",
        "population": "innbyggere",
        "draft_request": "utkast anmodning",
        "draft_minors": "utkast EM",
        "recommendation": "tilråding anmodning",
        "recommended_minors": "tilråding EM",
        "comment": "kommentar",
    },
    "nn": {
        "municipality_id": "kommunenummer",
        "name": "kommune",
        "county": "fylke",
        "population": "innbyggjarar",
        "draft_request": "utkast oppmoding",
        "draft_minors": "utkast EM",
        "recommendation": "tilråding oppmoding",
        "recommended_minors": "tilråding EM",
        "comment": "kommentar",
    },
}
"""The headers of ``busetting._counties.HEADERS`` (column -> words)."""
_group(_COUNTIES_HEADERS, "counties.header.")


_COUNTIES_REPORT_HEADERS: dict[str, dict[str, str]] = {
    "en": {
        "county": "county",
        "municipality_id": "municipality_id",
        "name": "name",
        "recommendation": "recommendation",
        "request": "final request",
        "change": "change",
        "recommended_minors": "recommended minors",
        "minors": "final minors",
        "minors_change": "minors change",
        "kind": "kind",
        "reason": "reason",
        "share": "share",
        "minors_share": "minors share",
        "given": "recommendations given",
        "municipalities": "municipalities",
        "case": "case",
        "changed": "changed",
    },
    "nb": {
        "county": "fylke",
        "municipality_id": "kommunenummer",
        "name": "kommune",
        "recommendation": "tilråding anmodning",
        "request": "endelig anmodning",
        "change": "endring",
        "recommended_minors": "tilråding EM",
        "minors": "endelig EM",
        "minors_change": "endring EM",
        "kind": "type",
        "reason": "begrunnelse",
        "share": "ramme anmodning",
        "minors_share": "ramme EM",
        "given": "tilrådinger gitt",
        "municipalities": "kommuner",
        "case": "tilfelle",
        "changed": "endret",
    },
    "nn": {
        "county": "fylke",
        "municipality_id": "kommunenummer",
        "name": "kommune",
        "recommendation": "tilråding oppmoding",
        "request": "endeleg oppmoding",
        "change": "endring",
        "recommended_minors": "tilråding EM",
        "minors": "endeleg EM",
        "minors_change": "endring EM",
        "kind": "type",
        "reason": "grunngiving",
        "share": "ramme oppmoding",
        "minors_share": "ramme EM",
        "given": "tilrådingar gjevne",
        "municipalities": "kommunar",
        "case": "tilfelle",
        "changed": "endra",
    },
}
"""The headers of ``busetting._counties.REPORT_HEADERS`` (column -> words)."""
_group(_COUNTIES_REPORT_HEADERS, "counties.report.")


_COUNTIES_CHANGE_HEADERS: dict[str, dict[str, str]] = {
    "en": {
        "draft": "draft",
        "change_from_draft": "change from draft",
        "change": "change from recommendation",
        "parts": "parts of the change",
    },
    "nb": {
        "draft": "utkast",
        "change_from_draft": "endring fra utkastet",
        "change": "endring fra tilrådingen",
        "parts": "deler av endringen",
    },
    "nn": {
        "draft": "utkast",
        "change_from_draft": "endring frå utkastet",
        "change": "endring frå tilrådinga",
        "parts": "delar av endringa",
    },
}
"""The headers of ``busetting._counties._CHANGE_HEADERS`` (column -> words)."""
_group(_COUNTIES_CHANGE_HEADERS, "counties.change.")


_REPORT_W: dict[str, dict[str, str]] = {
    "en": {
        "title": "Settlement requests: {n} persons",
        "title_county": "Settlement requests for {county}: {n} persons",
        "summary": "Summary",
        "need": "The need is {n} persons, of whom {m} unaccompanied minors.",
        "asked": (
            "{k} of {n} municipalities are asked to settle refugees, {km} of them also "
            "unaccompanied minors: {per} per 1,000 residents on average."
        ),
        "county_asked": (
            "{county} is asked to settle {x} persons ({share} of the need), of whom {m} "
            "unaccompanied minors, over {k} of its {n} municipalities: {per} per 1,000 "
            "residents, against {nper} in the country."
        ),
        "criteria": "The need is divided by the criteria the ministry set, with these weights:",
        "minors_criteria": "Unaccompanied minors are divided by their own key:",
        "rules": "The requests follow the process rules: {r}.",
        "norules": "No process rules (multiples, minimum requests) apply.",
        "ok": (
            "Checked: the requests sum to exactly {n} and the minors to {m}. The division "
            "is proven optimal under {method}."
        ),
        "notok": "Status: {status}. {message}",
        "changes": "Largest changes from the requests of {y}",
        "up": "Up",
        "down": "Down",
        "nochanges": "No history of last year's requests for these municipalities.",
        "map": "Map",
        "map_title": "Requests per municipality",
        "map_legend.0": "request",
        "map_legend.1": "of whom unaccompanied minors",
        "nomap": "No coordinates for these municipalities, so no map.",
        "counties": "Counties",
        "county_chart": "Requests per county",
        "municipality_chart": "Requests per municipality",
        "chart_legend.0": "requests",
        "chart_legend.1": "requests {y}",
        "all": "All municipalities",
        "all_county": "The municipalities of {county}",
        "haram": "{y}: Ålesund's figures include Haram (one municipality until 2024).",
        "appendix": "Technical appendix",
        "key": "Criteria key",
        "deviations": "Largest deviations from target",
        "ties": "Ties at the margin",
        "noties": "No ties at the margin.",
        "tie_row": "{key}: {won} won and {lost} lost at unit cost {cost} ({rule})",
        "plots_off": "Map and charts left out (plots=False).",
        "data": "Data",
        "attribution": (
            "Figures from IMDi (bosettingstall, tilskudd), SSB (Statistics Norway) and UDI,"
            " published under the Norwegian Licence for Open Government Data (NLOD 2.0) / "
            "CC BY 4.0."
        ),
        "cols.municipality_id": "no.",
        "cols.name": "municipality",
        "cols.county": "county",
        "cols.request": "request",
        "cols.minors": "of whom minors",
        "cols.last_request": "request {y}",
        "cols.last_decision": "decision {y}",
        "cols.last_settled": "settled {y}",
        "cols.change": "change from {y}",
        "cols.per_1000": "per 1,000 residents",
        "cols.municipalities": "municipalities",
        "cols.asked": "asked",
        "cols.population": "residents",
        "cols.target": "target",
        "cols.deviation": "deviation",
        "cols.binding": "held by",
        "cols.criterion": "criterion",
        "cols.weight": "weight",
        "cols.indicator": "indicator",
        "cols.kind": "kind",
        "params.status": "status",
        "params.message": "message",
        "params.method": "method",
        "params.solver": "solver",
        "params.why": "why this solver",
        "params.rules": "rules",
        "params.objective": "objective",
        "params.certificate": "certificate",
        "params.fingerprint": "input fingerprint",
        "params.version": "busetting",
        "cert": "{key}: λ low {lo} ≤ λ high {hi}{exact}",
        "rules_cert": (
            "{key}: Lagrangian bound {lo} ≤ objective {hi}, every value within the gap "
            "{gap} searched (exact rules path)"
        ),
        "exact": " (settled exactly)",
        "keys.requests": "requests",
        "keys.minors": "minors",
        "keys.rules": "rules",
        "nocert": "proven by the solver with a zero gap (integer program)",
        "kinds.volume": "volume",
        "kinds.rate": "rate on {base}",
    },
    "nb": {
        "title": "Anmodning om bosetting av flyktninger: {n} personer",
        "title_county": "Anmodning om bosetting i {county}: {n} personer",
        "summary": "Sammendrag",
        "need": "Behovet er {n} personer, av dem {m} enslige mindreårige.",
        "asked": (
            "{k} av {n} kommuner blir bedt om å bosette flyktninger, {km} av dem også "
            "enslige mindreårige: i snitt {per} per 1 000 innbyggere."
        ),
        "county_asked": (
            "{county} blir bedt om å bosette {x} personer ({share} av behovet), av dem {m} "
            "enslige mindreårige, fordelt på {k} av fylkets {n} kommuner: {per} per 1 000 "
            "innbyggere, mot {nper} i hele landet."
        ),
        "criteria": (
            "Behovet er fordelt etter kriteriene departementet har fastsatt, med disse vektene:"
        ),
        "minors_criteria": "Enslige mindreårige er fordelt etter en egen nøkkel:",
        "rules": "Anmodningene følger prosessreglene: {r}.",
        "norules": "Ingen prosessregler (multipler, minste anmodning) gjelder.",
        "ok": (
            "Kontrollert: anmodningene summerer seg til nøyaktig {n} og de enslige "
            "mindreårige til {m}. Fordelingen er bevist optimal etter {method}."
        ),
        "notok": "Status: {status}. {message}",
        "changes": "Største endringer fra anmodningene i {y}",
        "up": "Opp",
        "down": "Ned",
        "nochanges": "Ingen historikk over fjorårets anmodninger for disse kommunene.",
        "map": "Kart",
        "map_title": "Anmodning per kommune",
        "map_legend.0": "anmodning",
        "map_legend.1": "herav enslige mindreårige",
        "nomap": "Ingen koordinater for disse kommunene, derfor ikke noe kart.",
        "counties": "Fylker",
        "county_chart": "Anmodning per fylke",
        "municipality_chart": "Anmodning per kommune",
        "chart_legend.0": "anmodning",
        "chart_legend.1": "anmodning {y}",
        "all": "Alle kommuner",
        "all_county": "Kommunene i {county}",
        "haram": "{y}: Ålesunds tall omfatter Haram (én kommune fram til 2024).",
        "appendix": "Teknisk vedlegg",
        "key": "Kriterienøkkelen",
        "deviations": "Største avvik fra målet",
        "ties": "Likhet om siste plass",
        "noties": "Ingen kommuner sto likt om siste plass.",
        "tie_row": (
            "{key}: {won} fikk og {lost} fikk ikke plassen til enhetskostnad {cost} ({rule})"
        ),
        "plots_off": "Kart og diagrammer er utelatt (plots=False).",
        "data": "Datakilder",
        "attribution": (
            "Tall fra IMDi (bosettingstall, tilskudd), SSB (Statistisk sentralbyrå) og UDI,"
            " publisert under Norsk lisens for offentlige data (NLOD 2.0) / CC BY 4.0."
        ),
        "cols.municipality_id": "nr.",
        "cols.name": "kommune",
        "cols.county": "fylke",
        "cols.request": "anmodning",
        "cols.minors": "herav enslige mindreårige",
        "cols.last_request": "anmodning {y}",
        "cols.last_decision": "vedtak {y}",
        "cols.last_settled": "bosatt {y}",
        "cols.change": "endring fra {y}",
        "cols.per_1000": "per 1 000 innbyggere",
        "cols.municipalities": "kommuner",
        "cols.asked": "med anmodning",
        "cols.population": "innbyggere",
        "cols.target": "mål",
        "cols.deviation": "avvik",
        "cols.binding": "holdt av",
        "cols.criterion": "kriterium",
        "cols.weight": "vekt",
        "cols.indicator": "indikator",
        "cols.kind": "type",
        "params.status": "status",
        "params.message": "melding fra løseren",
        "params.method": "metode",
        "params.solver": "løser",
        "params.why": "hvorfor denne løseren",
        "params.rules": "prosessregler",
        "params.objective": "målfunksjon",
        "params.certificate": "sertifikat",
        "params.fingerprint": "fingeravtrykk av inndata",
        "params.version": "busetting",
        "cert": "{key}: λ lav {lo} ≤ λ høy {hi}{exact}",
        "rules_cert": (
            "{key}: lagrangesk nedre grense {lo} ≤ målfunksjon {hi}, hver verdi innenfor "
            "gapet {gap} gjennomsøkt (den eksakte regelveien)"
        ),
        "exact": " (avgjort eksakt)",
        "keys.requests": "anmodninger",
        "keys.minors": "enslige mindreårige",
        "keys.rules": "prosessreglene",
        "nocert": "bevist av løseren med null gap (heltallsprogram)",
        "kinds.volume": "volum",
        "kinds.rate": "rate på {base}",
    },
    "nn": {
        "title": "Oppmoding om busetjing av flyktningar: {n} personar",
        "title_county": "Oppmoding om busetjing i {county}: {n} personar",
        "summary": "Samandrag",
        "need": "Behovet er {n} personar, av dei {m} einslege mindreårige.",
        "asked": (
            "{k} av {n} kommunar blir bedne om å busetje flyktningar, {km} av dei også "
            "einslege mindreårige: i snitt {per} per 1 000 innbyggjarar."
        ),
        "county_asked": (
            "{county} blir beden om å busetje {x} personar ({share} av behovet), av dei {m}"
            " einslege mindreårige, fordelte på {k} av dei {n} kommunane i fylket: {per} "
            "per 1 000 innbyggjarar, mot {nper} i heile landet."
        ),
        "criteria": (
            "Behovet er fordelt etter kriteria departementet har fastsett, med desse vektene:"
        ),
        "minors_criteria": "Einslege mindreårige er fordelte etter ein eigen nøkkel:",
        "rules": "Oppmodingane følgjer prosessreglane: {r}.",
        "norules": "Ingen prosessreglar (multiplar, minste oppmoding) gjeld.",
        "ok": (
            "Kontrollert: oppmodingane summerer seg til nøyaktig {n} og dei einslege "
            "mindreårige til {m}. Fordelinga er provd optimal etter {method}."
        ),
        "notok": "Status: {status}. {message}",
        "changes": "Største endringar frå oppmodingane i {y}",
        "up": "Opp",
        "down": "Ned",
        "nochanges": "Ingen historikk over oppmodingane i fjor for desse kommunane.",
        "map": "Kart",
        "map_title": "Oppmoding per kommune",
        "map_legend.0": "oppmoding",
        "map_legend.1": "av dei einslege mindreårige",
        "nomap": "Ingen koordinatar for desse kommunane, difor ikkje noko kart.",
        "counties": "Fylke",
        "county_chart": "Oppmoding per fylke",
        "municipality_chart": "Oppmoding per kommune",
        "chart_legend.0": "oppmoding",
        "chart_legend.1": "oppmoding {y}",
        "all": "Alle kommunar",
        "all_county": "Kommunane i {county}",
        "haram": "{y}: Tala for Ålesund omfattar Haram (éin kommune fram til 2024).",
        "appendix": "Teknisk vedlegg",
        "key": "Kriterienøkkelen",
        "deviations": "Største avvik frå målet",
        "ties": "Likskap om siste plass",
        "noties": "Ingen kommunar stod likt om siste plass.",
        "tie_row": (
            "{key}: {won} fekk og {lost} fekk ikkje plassen til einingskostnad {cost} ({rule})"
        ),
        "plots_off": "Kart og diagram er utelatne (plots=False).",
        "data": "Datakjelder",
        "attribution": (
            "Tal frå IMDi (busetjingstal, tilskot), SSB (Statistisk sentralbyrå) og UDI, "
            "publiserte under Norsk lisens for offentlege data (NLOD 2.0) / CC BY 4.0."
        ),
        "cols.municipality_id": "nr.",
        "cols.name": "kommune",
        "cols.county": "fylke",
        "cols.request": "oppmoding",
        "cols.minors": "av dei einslege mindreårige",
        "cols.last_request": "oppmoding {y}",
        "cols.last_decision": "vedtak {y}",
        "cols.last_settled": "busett {y}",
        "cols.change": "endring frå {y}",
        "cols.per_1000": "per 1 000 innbyggjarar",
        "cols.municipalities": "kommunar",
        "cols.asked": "med oppmoding",
        "cols.population": "innbyggjarar",
        "cols.target": "mål",
        "cols.deviation": "avvik",
        "cols.binding": "halden av",
        "cols.criterion": "kriterium",
        "cols.weight": "vekt",
        "cols.indicator": "indikator",
        "cols.kind": "type",
        "params.status": "status",
        "params.message": "melding frå løysaren",
        "params.method": "metode",
        "params.solver": "løysar",
        "params.why": "kvifor denne løysaren",
        "params.rules": "prosessreglar",
        "params.objective": "målfunksjon",
        "params.certificate": "sertifikat",
        "params.fingerprint": "fingeravtrykk av inndata",
        "params.version": "busetting",
        "cert": "{key}: λ låg {lo} ≤ λ høg {hi}{exact}",
        "rules_cert": (
            "{key}: lagrangesk nedre grense {lo} ≤ målfunksjon {hi}, kvar verdi innanfor "
            "gapet {gap} gjennomsøkt (den eksakte regelvegen)"
        ),
        "exact": " (avgjort eksakt)",
        "keys.requests": "oppmodingar",
        "keys.minors": "einslege mindreårige",
        "keys.rules": "prosessreglane",
        "nocert": "provd av løysaren med null gap (heiltalsprogram)",
        "kinds.volume": "volum",
        "kinds.rate": "rate på {base}",
    },
}
"""The words of the report (``busetting._report``): ``key.0`` and ``key.1`` are a pair,
``cols.x`` a column header."""
_group(_REPORT_W, "report.page.")


_group(
    {
        "en": {
            "01": "January",
            "02": "February",
            "03": "March",
            "04": "April",
            "05": "May",
            "06": "June",
            "07": "July",
            "08": "August",
            "09": "September",
            "10": "October",
            "11": "November",
            "12": "December",
        },
        "nb": {
            "01": "januar",
            "02": "februar",
            "03": "mars",
            "04": "april",
            "05": "mai",
            "06": "juni",
            "07": "juli",
            "08": "august",
            "09": "september",
            "10": "oktober",
            "11": "november",
            "12": "desember",
        },
        "nn": {
            "01": "januar",
            "02": "februar",
            "03": "mars",
            "04": "april",
            "05": "mai",
            "06": "juni",
            "07": "juli",
            "08": "august",
            "09": "september",
            "10": "oktober",
            "11": "november",
            "12": "desember",
        },
    },
    "month.",
)
"""The names of the months (``month.01`` is January), for dates written out in words."""
_group(
    {
        "en": {
            "sources_text": "IMDi, SSB and UDI (NLOD 2.0 / CC BY 4.0); see the data attribution"
        },
        "nb": {
            "sources_text": (
                "IMDi, SSB og UDI (NLOD 2.0 / CC BY 4.0); se datakildene i dokumentasjonen"
            )
        },
        "nn": {
            "sources_text": (
                "IMDi, SSB og UDI (NLOD 2.0 / CC BY 4.0); sjå datakjeldene i dokumentasjonen"
            )
        },
    },
    "workbook.",
)


_group(
    {
        "en": {
            "sheet.main": "recommendation",
            "sheet.info": "share",
            "previous.request": "request",
            "previous.decision": "decision",
            "previous.settled": "settled",
        },
        "nb": {
            "sheet.main": "tilråding",
            "sheet.info": "ramme",
            "previous.request": "anmodning",
            "previous.decision": "vedtak",
            "previous.settled": "bosatt",
        },
        "nn": {
            "sheet.main": "tilråding",
            "sheet.info": "ramme",
            "previous.request": "oppmoding",
            "previous.decision": "vedtak",
            "previous.settled": "busett",
        },
    },
    "counties.",
)
"""The county drafts' sheet names and the stems of last year's columns (the header adds the
year)."""


def _merge_groups() -> None:
    """Fold every group into :data:`_TERMS`; a key defined twice is a programming error."""
    for table in _GROUPS:
        for language in LANGUAGES:
            clash = _TERMS[language].keys() & table[language].keys()
            if clash:
                raise RuntimeError(f"catalogue keys defined twice: {sorted(clash)}")
            _TERMS[language].update(table[language])


TABLES: dict[str, dict[str, dict[str, Any]]] = {
    "criteria": _CRITERIA,
    "indicators": _INDICATORS,
    "methods": _METHODS,
    "binding": _BINDING,
    "rules": _RULES,
    "columns": _COLUMNS,
    "terms": _TERMS,
}
"""Every table of the catalogue by name: language -> key -> words (the parity test reads it).

The rules table is filled by the rule registry (:func:`add_rule_words`)."""

_merge_groups()


def term(key: str, language: str, **fields: Any) -> str:
    """One entry of the catalogue in ``language``, with ``fields`` filled in.

    Parameters
    ----------
    key : str
        The entry, such as ``"plot.request"`` or ``"cli.written"``.
    language : {"en", "nb", "nn"}
        The language.
    **fields
        Values for the entry's ``{placeholders}``.

    Returns
    -------
    str
        The words.

    Raises
    ------
    KeyError
        When ``key`` is not in the catalogue (a programming error, not bad input).

    Examples
    --------
    >>> term("plot.request", "nn"), term("cli.written", "nb", path="a.csv")
    ('oppmoding', 'skrevet: a.csv')
    """
    text = _TERMS[language if language in _TERMS else "en"][key]
    return text.format(**fields) if fields else text


def terms(prefix: str, language: str) -> dict[str, str]:
    """Every entry whose key starts with ``prefix`` (``"error."``), keyed without it."""
    table = _TERMS[language if language in _TERMS else "en"]
    return {k.removeprefix(prefix): v for k, v in table.items() if k.startswith(prefix)}


def status_words(status: str, language: str) -> str:
    """A solve's status (``optimal``, ``infeasible``, ``time_limit``, ``error``) in words."""
    key = f"status.{status}"
    return term(key, language) if key in _TERMS["en"] else str(status)


def reason_words(reason: str, language: str, solver: str = "") -> str:
    """Why the solver was chosen (``Allocation.solver_reason``) in ``language``.

    English keeps the reason as the library wrote it (with the rules in it); bokmål and
    nynorsk give the kind of reason in words, recognised from the English text.
    """
    if language == "en":
        return reason
    if reason.startswith("bounds only"):
        key = "reason.fits"
    elif reason.startswith("the feasibility diagnosis"):
        key = "reason.diagnosed"
    elif reason.startswith("solver=") and reason.endswith("was requested"):
        return term("reason.requested", language, solver=solver or reason.split("'")[1])
    elif "take the exact rules path" in reason:
        key = "reason.rules_path"
    elif "need the integer program" in reason:
        key = "reason.rules_program"
    else:
        key = "reason.other"
    return term(key, language)
