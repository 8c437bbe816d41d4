"""One term catalogue: no module but ``_language`` keeps words of its own in bokmål or nynorsk.

The one exception is a process rule's words: each rule declares them on its class in
``_rules`` (``Rule.words``) and the registry adds them to the catalogue's ``rules`` table,
so adding a rule touches no other module (``tests/test_rule_registry.py`` checks that every
registered rule's words are in the catalogue)."""

from __future__ import annotations

import ast
from pathlib import Path

import busetting
from busetting._language import LANGUAGES, terms

SRC = Path(busetting.__file__).parent

NOT_WORDS = {
    ("_counties.py", 70),  # _WHICH: the position of each language in a header tuple
}
"""Dict literals keyed by language that hold no words (file, line)."""


def _language_dicts(root: Path = SRC) -> list[tuple[str, int]]:
    """Every dict literal outside ``_language`` with an ``"nb"`` or ``"nn"`` key."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "_language.py":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        registered = _rule_words(tree) if path.name == "_rules.py" else set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict) and id(node) not in registered:
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                if keys & {"nb", "nn"}:
                    found.append((str(path.relative_to(root)), node.lineno))
    return found


def _rule_words(tree: ast.Module) -> set[int]:
    """The dict literals that are a rule class's ``words`` (registered into the catalogue),
    with every dict inside them."""
    out: set[int] = set()
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        for stmt in cls.body:
            target = (
                stmt.targets[0]
                if isinstance(stmt, ast.Assign)
                else stmt.target
                if isinstance(stmt, ast.AnnAssign)
                else None
            )
            value = getattr(stmt, "value", None)
            if isinstance(target, ast.Name) and target.id == "words" and value is not None:
                out |= {id(n) for n in ast.walk(value) if isinstance(n, ast.Dict)}
    return out


def test_no_module_keeps_a_word_table_of_its_own() -> None:
    words = [
        (name, line)
        for name, line in _language_dicts()
        if (name, line) not in NOT_WORDS and not _maps_language_to_itself(name, line)
    ]
    assert words == [], "fold these word tables into busetting._language"


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
