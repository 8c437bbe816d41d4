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
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

from busetting._exceptions import InputError

if TYPE_CHECKING:
    from busetting._model import Rules

__all__ = [
    "LANGUAGES",
    "NORWEGIAN",
    "Language",
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
    "rules_words",
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


_RULES: dict[str, dict[str, str]] = {
    "en": {},  # English is Rules.describe()
    "nb": {
        "granularity": "anmodninger i multipler av {g}",
        "min_request": "ingen anmodning under {k}",
        "min_request_all": " (og alle kommuner blir spurt)",
        "minors_min_group": "enslige mindreårige i grupper på minst {k}",
        "minors_min_group_all": " i alle kommuner som kan ta imot",
        "exactly": "nøyaktig",
        "at_most": "høyst",
        "max_minors_hosts": "{kind} {h} kommuner bes om enslige mindreårige",
        "absolute": "absolutte",
        "soft": "veiledende, straff {p}",
        "county_totals": "fylkestall ({kind})",
        "per_capita_cap": "høyst {r} per innbygger",
        "share_cap": "høyst {s} av behovet per kommune",
        "county_share_cap": "høyst {s} av behovet per fylke",
    },
    "nn": {
        "granularity": "oppmodingar i multiplar av {g}",
        "min_request": "inga oppmoding under {k}",
        "min_request_all": " (og alle kommunar blir spurde)",
        "minors_min_group": "einslege mindreårige i grupper på minst {k}",
        "minors_min_group_all": " i alle kommunar som kan ta imot",
        "exactly": "nøyaktig",
        "at_most": "høgst",
        "max_minors_hosts": "{kind} {h} kommunar blir bedne om einslege mindreårige",
        "absolute": "absolutte",
        "soft": "rettleiande, straff {p}",
        "county_totals": "fylkestal ({kind})",
        "per_capita_cap": "høgst {r} per innbyggjar",
        "share_cap": "høgst {s} av behovet per kommune",
        "county_share_cap": "høgst {s} av behovet per fylke",
    },
}


def rules_words(rules: Rules, language: str) -> list[str]:
    """The active process rules in words (``Rules.describe`` is the English form)."""
    if language not in NORWEGIAN:
        return rules.describe()
    w = _RULES[language]
    out = []
    if rules.granularity > 1:
        out.append(w["granularity"].format(g=rules.granularity))
    if rules.min_request:
        out.append(
            w["min_request"].format(k=rules.min_request)
            + (w["min_request_all"] if rules.min_request_all else "")
        )
    if rules.minors_min_group:
        out.append(
            w["minors_min_group"].format(k=rules.minors_min_group)
            + (w["minors_min_group_all"] if rules.minors_min_group_all else "")
        )
    if rules.max_minors_hosts is not None:
        kind = w["exactly"] if rules.exact_minors_hosts else w["at_most"]
        out.append(w["max_minors_hosts"].format(kind=kind, h=rules.max_minors_hosts))
    if rules.county_totals is not None:
        kind = (
            w["absolute"]
            if rules.county_penalty is None
            else w["soft"].format(p=format_number(rules.county_penalty, language, 2))
        )
        out.append(w["county_totals"].format(kind=kind))
    if rules.per_capita_cap is not None:
        out.append(w["per_capita_cap"].format(r=format_number(rules.per_capita_cap, language, 4)))
    if rules.share_cap is not None:
        out.append(w["share_cap"].format(s=format_number(rules.share_cap, language, 4)))
    if rules.county_share_cap is not None:
        share = format_number(rules.county_share_cap, language, 4)
        out.append(w["county_share_cap"].format(s=share))
    return out


_COLUMNS: dict[str, dict[str, str]] = {
    "en": {
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

The rules table has no English entries: English rules are ``Rules.describe()``."""


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
