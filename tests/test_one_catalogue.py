"""One term catalogue: no module but ``_language`` keeps words of its own in bokmål or nynorsk."""

from __future__ import annotations

import ast
from pathlib import Path

import busetting
from busetting._language import LANGUAGES, terms

SRC = Path(busetting.__file__).parent

NOT_WORDS = {
    ("_counties.py", 71),  # _WHICH: the position of each language in a header tuple
}
"""Dict literals keyed by language that hold no words (file, line)."""


def _language_dicts(root: Path = SRC) -> list[tuple[str, int]]:
    """Every dict literal outside ``_language`` with an ``"nb"`` or ``"nn"`` key."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "_language.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                if keys & {"nb", "nn"}:
                    found.append((str(path.relative_to(root)), node.lineno))
    return found


def test_no_module_keeps_a_word_table_of_its_own() -> None:
    words = [
        (name, line)
        for name, line in _language_dicts()
        if (name, line) not in NOT_WORDS
        and not _maps_language_to_itself(name, line)
        and (name, line) not in _rule_words()
    ]
    assert words == [], "fold these word tables into busetting._language"


def _rule_words() -> set[tuple[str, int]]:
    """The ``words`` of each rule class in ``_rules`` (issue 30: a rule's words live on the
    rule, and the catalogue reads them from there)."""
    out = set()
    for node in ast.walk(ast.parse((SRC / "_rules.py").read_text("utf-8"))):
        if not isinstance(node, ast.ClassDef):
            continue
        for item in node.body:
            if (
                isinstance(item, ast.AnnAssign)
                and isinstance(item.target, ast.Name)
                and item.target.id == "words"
                and isinstance(item.value, ast.Dict)
            ):
                out.add(("_rules.py", item.value.lineno))
    return out


def _maps_language_to_itself(name: str, line: int) -> bool:
    """A literal such as ``{"nb": "nb", "nn": "nn", "en": "en"}`` (a code, not words)."""
    for node in ast.walk(ast.parse((SRC / name).read_text("utf-8"))):
        if isinstance(node, ast.Dict) and node.lineno == line:
            return all(
                isinstance(k, ast.Constant) and isinstance(v, ast.Constant) and k.value == v.value
                for k, v in zip(node.keys, node.values, strict=True)
            )
    return False


def test_the_scan_finds_a_word_table(tmp_path: Path) -> None:
    """The scan is not blind: a module with a word table of its own is found."""
    (tmp_path / "_mine.py").write_text(
        'W = {"en": {"a": "b"}, "nb": {"a": "c"}, "nn": {"a": "d"}}\n', encoding="utf-8"
    )
    assert _language_dicts(tmp_path) == [("_mine.py", 1)]


def test_every_group_of_the_catalogue_has_the_same_keys_in_every_language() -> None:
    for prefix in (
        "report.page.",
        "report.words.",
        "workbook.",
        "letters.",
        "yearstatus.",
        "revision.",
        "reconcile.",
        "counties.",
        "accounting.",
        "explain.",
        "placement.",
        "settings.",
        "month.",
    ):
        keys = [set(terms(prefix, language)) for language in LANGUAGES]
        assert keys[0] and all(k == keys[0] for k in keys), prefix


def test_the_explanation_has_its_own_nynorsk_for_every_line() -> None:
    """No nynorsk line of an explanation falls back to bokmål (but words the two share)."""
    nb, nn = terms("explain.", "nb"), terms("explain.", "nn")
    assert {k for k in nb if nb[k] == nn[k]} <= {"target", "part", "count_down", "fewer"}
