"""Words and numbers in English and Norwegian (bokmål): one home for every translated term.

Everything a reader sees in a report, a workbook or an explanation goes through here: the
criterion and indicator names, the rules, the binding bounds, the column headers and the
number format (``1 530`` and ``26,56`` in bokmål, ``1,530`` and ``26.56`` in English).
A name the tables do not know (a user's own criterion or indicator) is shown as it is.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

from busetting._exceptions import InputError

if TYPE_CHECKING:
    from busetting._model import Rules

__all__ = [
    "LANGUAGES",
    "Language",
    "binding_words",
    "check_language",
    "column_words",
    "criterion_words",
    "format_number",
    "indicator_unit",
    "indicator_words",
    "method_words",
    "rules_words",
    "translate_value",
]

Language = Literal["en", "nb"]
LANGUAGES: tuple[str, ...] = ("en", "nb")

MINUS = "\u2212"
"""The minus sign of Norwegian typography."""
NBSP = "\u00a0"
"""No-break space: the thousands separator of Norwegian numbers in HTML."""


def check_language(language: object, where: str) -> Language:
    """``language`` if it is ``"en"`` or ``"nb"``; an :class:`InputError` otherwise."""
    if language not in LANGUAGES:
        raise InputError(
            f"The `language` parameter of `{where}` must be 'en' or 'nb'. Got {language!r} instead."
        )
    return language  # type: ignore[return-value]


def format_number(
    value: float | int | None, language: str, decimals: int = 0, *, space: str = " "
) -> str:
    """``value`` with thousands separators and ``decimals`` decimals, as ``language`` writes it.

    Bokmål separates thousands with a space (``space``; a no-break space in HTML) and uses
    the decimal comma; English uses ``,`` and ``.``. Missing values give ``""``.

    Examples
    --------
    >>> format_number(1530, "nb"), format_number(26.556, "nb", 2), format_number(1530, "en")
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
    if language in ("nb", "nn"):
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


_METHODS = {
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
}


def method_words(method: str, language: str) -> str:
    """The apportionment method's name as a reader knows it."""
    return _METHODS.get(language, {}).get(method, method)


_BINDING = {
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
}


def binding_words(label: str, language: str) -> str:
    """What holds a request in place, in words (``""`` when nothing does)."""
    if not label:
        return ""
    return _BINDING.get(language, {}).get(label, label)


def rules_words(rules: Rules, language: str) -> list[str]:
    """The active process rules in words (``Rules.describe`` is the English form)."""
    if language != "nb":
        return rules.describe()
    out = []
    if rules.granularity > 1:
        out.append(f"anmodninger i multipler av {rules.granularity}")
    if rules.min_request:
        out.append(
            f"ingen anmodning under {rules.min_request}"
            + (" (og alle kommuner blir spurt)" if rules.min_request_all else "")
        )
    if rules.minors_min_group:
        out.append(
            f"enslige mindreårige i grupper på minst {rules.minors_min_group}"
            + (" i alle kommuner som kan ta imot" if rules.minors_min_group_all else "")
        )
    if rules.max_minors_hosts is not None:
        kind = "nøyaktig" if rules.exact_minors_hosts else "høyst"
        out.append(f"{kind} {rules.max_minors_hosts} kommuner bes om enslige mindreårige")
    if rules.county_totals is not None:
        kind = (
            "absolutte"
            if rules.county_penalty is None
            else (f"veiledende, straff {format_number(rules.county_penalty, 'nb', 2)}")
        )
        out.append(f"fylkestall ({kind})")
    if rules.per_capita_cap is not None:
        out.append(f"høyst {format_number(rules.per_capita_cap, 'nb', 4)} per innbygger")
    if rules.share_cap is not None:
        out.append(f"høyst {format_number(rules.share_cap, 'nb', 4)} av behovet per kommune")
    return out


_COLUMNS: dict[str, dict[str, str]] = {
    "en": {},
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
    },
}


def column_words(column: str, language: str) -> str:
    """A column header in ``language`` (``contribution_<c>`` becomes "bidrag: <c>")."""
    if language == "nb" and column.startswith("contribution_"):
        return "bidrag " + criterion_words(column.removeprefix("contribution_"), "nb")
    return _COLUMNS.get(language, {}).get(column, column)


def translate_value(value: Any, language: str) -> Any:
    """Booleans as ja/nei in bokmål; anything else unchanged."""
    if language == "nb" and isinstance(value, bool):
        return "ja" if value else "nei"
    return value
