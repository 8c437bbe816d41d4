"""The example notebook is stored clean and runs end to end, its plots as images."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).parent.parent / "examples" / "county_analyst.ipynb"


def test_the_notebook_is_stored_without_outputs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_the_county_analyst_notebook_runs_and_its_plots_are_images(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors
    plot_cells = [c for c in code if "plots.plot_" in c.source]
    assert len(plot_cells) == 2
    for cell in plot_cells:
        kinds = {k for o in cell.outputs for k in o.get("data", {})}
        assert "image/png" in kinds, cell.source
        assert not any(
            "<Figure size" in o.get("data", {}).get("text/plain", "")
            for o in cell.outputs
            if "image/png" not in o.get("data", {})
        )
    # the problem and the allocation display as tables, not as a dump of every field
    first = code[0].outputs[0]["data"]
    assert "text/html" in first and len(first["text/plain"]) < 1_000
