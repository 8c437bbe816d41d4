"""The house rules of issue 19, read from the source: short functions, one public namespace,
numpydoc docstrings on every public name, and imports that only go down the layers.

Each check lists every offender in its message, so one run says all there is to fix.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import inspect
import re
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

import busetting

ROOT = Path(__file__).parent.parent
SRC = ROOT / "src" / "busetting"
PACKAGE = "busetting"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def _trees() -> tuple[tuple[str, Path, ast.Module], ...]:
    """Every module of ``src/busetting``: its dotted name, its file and its syntax tree."""
    return tuple(
        (_module_name(path), path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
        for path in sorted(SRC.rglob("*.py"))
    )


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for module, _, tree in _trees():
        yield module, tree


FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def _functions(tree: ast.Module) -> Iterator[tuple[str, FunctionNode]]:
    """Every function and method with its qualified name (``Class.method``, ``outer.inner``)."""

    def walk(node: ast.AST, prefix: str) -> Iterator[tuple[str, FunctionNode]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, FunctionNode):
                yield prefix + child.name, child
                yield from walk(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")
            else:
                yield from walk(child, prefix)

    return walk(tree, "")


# -- a. no function over 60 lines -----------------------------------------------------------------

MAX_LINES = 60
EXCEPTIONS: dict[str, str] = {}
"""``"module:function"`` -> why this function may stay longer than ``MAX_LINES`` (at most five)."""


def _length(node: FunctionNode) -> int:
    """Lines from the ``def`` to the last line, minus the docstring (as /work/wt/fnlen.py)."""
    assert node.end_lineno is not None
    lines = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        assert first.end_lineno is not None
        lines -= first.end_lineno - first.lineno + 1
    return lines


def _lengths() -> dict[str, int]:
    return {
        f"{module}:{name}": _length(node)
        for module, tree in _sources()
        for name, node in _functions(tree)
    }


def test_no_function_is_longer_than_sixty_lines() -> None:
    lengths = _lengths()
    long = sorted((n, key) for key, n in lengths.items() if n > MAX_LINES and key not in EXCEPTIONS)
    assert not long, f"{len(long)} functions over {MAX_LINES} lines:\n" + "\n".join(
        f"  {n:4d} {key}" for n, key in reversed(long)
    )


def test_the_long_function_exceptions_are_few_and_current() -> None:
    assert len(EXCEPTIONS) <= 5
    lengths = _lengths()
    stale = [key for key in EXCEPTIONS if lengths.get(key, 0) <= MAX_LINES]
    assert not stale, f"exceptions no longer needed (gone or short now): {stale}"


# -- b. busetting.__all__ is the public API --------------------------------------------------------


def _isort_key(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order: CONSTANTS, then Classes, then everything else."""
    if name.isupper() and len(name) > 1:
        return 0, name
    return (1 if name[:1].isupper() else 2), name


def test_all_is_importable_sorted_and_without_duplicates() -> None:
    names = list(busetting.__all__)
    assert len(names) == len(set(names)), "duplicates in busetting.__all__"
    assert names == sorted(names, key=_isort_key), "busetting.__all__ is not sorted (RUF022)"
    missing = [name for name in names if not hasattr(busetting, name)]
    assert not missing, f"in busetting.__all__ but not importable: {missing}"
    namespace: dict[str, object] = {}
    exec(f"from {PACKAGE} import *", namespace)
    assert set(names) <= set(namespace)


def test_every_public_attribute_is_in_all() -> None:
    public = {
        name
        for name, value in vars(busetting).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert not public - set(busetting.__all__), "public attributes missing from __all__"


DOCUMENTED_MODULES = ("datasets", "io", "schemas", "testing")
"""Modules of ``__all__`` documented by their members in docs/api.md."""


def _api_md_targets() -> list[str]:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    return re.findall(r"^::: (busetting\.\S+)\s*$", text, flags=re.MULTILINE)


def test_api_md_and_all_agree() -> None:
    targets = _api_md_targets()
    unresolved = []
    for target in targets:
        module, _, name = target.rpartition(".")
        if not hasattr(importlib.import_module(module), name):
            unresolved.append(target)
    assert not unresolved, f"docs/api.md names what does not exist: {unresolved}"
    documented = {target.split(".")[1] for target in targets}
    expected = set(busetting.__all__) - {"__version__"}
    assert not expected - documented, (
        "in busetting.__all__ but not in docs/api.md (modules "
        f"{', '.join(DOCUMENTED_MODULES)} count by their members): "
        f"{sorted(expected - documented, key=_isort_key)}"
    )
    assert not documented - expected, (
        f"in docs/api.md but not in busetting.__all__: {sorted(documented - expected)}"
    )
    members = [t for t in targets if t.count(".") == 2 and t.split(".")[1] in DOCUMENTED_MODULES]
    unlisted = [
        t
        for t in members
        if t.split(".")[2] not in importlib.import_module(t.rpartition(".")[0]).__all__
    ]
    assert not unlisted, f"documented but not in their module's __all__: {unlisted}"


# -- c. numpydoc docstrings on every public name ---------------------------------------------------

PUBLIC_MODULES = (
    "busetting.io",
    "busetting.datasets",
    "busetting.testing",
    "busetting.testing.strategies",
    "busetting.plots",
)


def _public_objects() -> dict[str, object]:
    """Public functions and classes: those of ``busetting.__all__`` and of ``PUBLIC_MODULES``."""
    found: dict[str, object] = {}
    for module_name in (PACKAGE, *PUBLIC_MODULES):
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isfunction(value) or inspect.isclass(value):
                found[f"{module_name}.{name}"] = value
    return found


def _sections(doc: str) -> dict[str, list[str]]:
    """The numpydoc sections of a cleaned docstring: header -> the lines under its underline."""
    lines = doc.splitlines()
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for i, line in enumerate(lines):
        underline = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and set(underline.strip()) == {"-"} and not line.startswith(" "):
            current = sections.setdefault(line.strip(), [])
        elif current is not None and set(line.strip()) != {"-"}:
            current.append(line)
    return sections


def _documented_parameters(lines: list[str]) -> set[str]:
    names: set[str] = set()
    for line in lines:
        if line and not line[0].isspace():
            for name in line.split(" : ")[0].split(","):
                names.add(name.strip().lstrip("*"))
    return names


def _returns_nothing(annotation: object) -> bool:
    return annotation in (None, type(None), "None", "NoReturn", "Never")


def _docstring_problems(obj: object) -> list[str]:
    own = obj.__doc__ if not inspect.isclass(obj) or "__doc__" in vars(obj) else None
    if inspect.isclass(obj) and own and own.startswith(f"{obj.__name__}("):
        own = None  # the signature a dataclass writes for itself
    if not own or not own.strip():
        return ["no docstring"]
    doc = inspect.cleandoc(own)
    lines = doc.splitlines()
    problems = []
    if len(lines) > 1 and lines[1].strip():
        problems.append("summary is not one line")
    if not inspect.isfunction(obj):
        return problems
    signature = inspect.signature(obj)
    sections = _sections(doc)
    wanted = [p.name for p in signature.parameters.values() if p.name not in ("self", "cls")]
    if wanted:
        if "Parameters" not in sections:
            problems.append("no Parameters section")
        else:
            documented = _documented_parameters(sections["Parameters"])
            undocumented = [p for p in wanted if p not in documented]
            if undocumented:
                problems.append(f"Parameters misses {undocumented}")
            unknown = sorted(documented - set(wanted))
            if unknown:
                problems.append(f"Parameters names {unknown}, not in the signature")
    if not _returns_nothing(signature.return_annotation) and not (
        {"Returns", "Yields"} & set(sections)
    ):
        problems.append("no Returns section")
    return problems


def test_every_public_name_has_a_numpydoc_docstring() -> None:
    report = {
        name: problems
        for name, obj in _public_objects().items()
        if (problems := _docstring_problems(obj))
    }
    assert not report, f"{len(report)} public names with docstring gaps:\n" + "\n".join(
        f"  {name}: {'; '.join(problems)}" for name, problems in sorted(report.items())
    )


def test_the_docstring_check_reads_numpydoc() -> None:
    def good(a: int, *args: int, b: str = "", **kwargs: int) -> int:
        """Add.

        Parameters
        ----------
        a, *args : int
            Numbers.
        b : str
            A label.
        **kwargs : int
            More.

        Returns
        -------
        int
            The sum.
        """
        return a

    def bad(a: int, b: int) -> int:
        """Add
        two numbers.

        Parameters
        ----------
        a : int
            A number.
        """
        return a

    def quiet(a: int) -> None:
        """Do nothing.

        Parameters
        ----------
        a : int
            Ignored.
        """

    def stale(a: int) -> None:
        """Do nothing.

        Parameters
        ----------
        a, c : int
            Ignored.
        """

    assert _docstring_problems(good) == []
    assert _docstring_problems(stale) == ["Parameters names ['c'], not in the signature"]
    assert _docstring_problems(quiet) == []
    assert _docstring_problems(bad) == [
        "summary is not one line",
        "Parameters misses ['b']",
        "no Returns section",
    ]


# -- d. no cross-module private imports ------------------------------------------------------------


def _absolute(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join([*base, *([node.module] if node.module else [])])


@functools.cache
def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _imports() -> Iterator[tuple[str, str, ast.ImportFrom | ast.Import, str | None]]:
    """Imports of busetting outside ``if TYPE_CHECKING:``: (module, target, node, function).

    ``function`` is the innermost function holding the import, None at module level.
    """
    for module, path, tree in _trees():
        owners = {
            id(inner): name
            for name, node in _functions(tree)
            for inner in ast.walk(node)
            if isinstance(inner, ast.Import | ast.ImportFrom)
        }
        guarded = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in guarded:
                continue
            if isinstance(node, ast.ImportFrom):
                target = _absolute(module, node, path.name == "__init__.py")
                targets = [target]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                if target == PACKAGE or target.startswith(PACKAGE + "."):
                    yield module, target, node, owners.get(id(node))


def test_no_private_name_is_imported_from_another_module() -> None:
    found = []
    for module, target, node, _ in _imports():
        if not isinstance(node, ast.ImportFrom) or target == module:
            continue
        for alias in node.names:
            private = alias.name.startswith("_") and not alias.name.startswith("__")
            if private and not _is_module(f"{target}.{alias.name}"):
                found.append(f"{module}: from {target} import {alias.name}")
    assert not found, f"{len(found)} cross-module private imports:\n" + "\n".join(
        f"  {line}" for line in sorted(found)
    )


# -- e. no function-level imports of busetting modules ----------------------------------------------

DELEGATORS = {
    "busetting._model:Problem.from_frame": "busetting._frame",
    "busetting._result:Allocation.explain": "busetting._explain",
    "busetting._result:Allocation.explain_frame": "busetting._explain",
    "busetting._result:Allocation.report": "busetting._report",
}
"""The two documented delegators (docs/architecture.md): ``Problem.from_frame`` hands the frame
to the reader, and the methods of ``Allocation`` that explain and report it hand it to the
layers above (the same ``ignore_imports`` of the import-linter contract)."""


def test_busetting_modules_are_imported_at_the_top_only() -> None:
    found = []
    for module, target, node, function in _imports():
        if function is None:
            continue
        key = f"{module}:{function}"
        if DELEGATORS.get(key) == target:
            continue
        names = ", ".join(alias.name for alias in node.names)
        found.append(
            f"{key}: {target}" + (f" ({names})" if isinstance(node, ast.ImportFrom) else "")
        )
    assert not found, f"{len(found)} function-level imports of busetting:\n" + "\n".join(
        f"  {line}" for line in sorted(found)
    )


# -- no deprecated module paths: no release ever shipped them ---------------------------------------

REMOVED_MODULES = ("model", "result", "exceptions", "methods", "criteria", "solve", "_deprecated")


@pytest.mark.parametrize("old", REMOVED_MODULES)
def test_removed_module_paths_do_not_import(old: str) -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(f"busetting.{old}")
