"""Every Python example in the docs and the README runs (so none can rot)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_python_blocks_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = BLOCK.findall(page.read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for code in blocks:
        exec(compile(code, f"{page.name}", "exec"), namespace)


def test_the_site_has_every_required_page() -> None:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in (
        "getting-started.md",
        "method.md",
        "constraints.md",
        "during-the-year.md",
        "explaining.md",
        "cli-reference.md",
        "api.md",
        "data.md",
        "performance.md",
        "realism.md",
        "testing.md",
        "index.md",
    ):
        assert page in text and (ROOT / "docs" / page).exists()


def test_the_cli_reference_is_generated_from_the_cli() -> None:
    import sys

    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import hooks
    finally:
        sys.path.pop(0)
    ref = hooks.cli_reference()
    for command in (
        "allocate",
        "validate",
        "revise",
        "scenarios",
        "explain",
        "report",
        "calibrate",
        "backtest",
        "schema",
    ):
        assert f"## busetting {command}" in ref
    assert "--granularity" in ref
