"""docs/client.ipynb runs, cell by cell, in a real kernel against a real server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from tests.workflow_graph import WorkflowServer

NOTEBOOK = Path(__file__).parents[2] / "docs" / "client.ipynb"


def shown(cell: Any) -> str:
    """What a cell showed: its printed text and its result, HTML when there is some."""
    parts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            parts.append(output["text"])
        elif "data" in output:
            data = output["data"]
            parts.append(data.get("text/html", data.get("text/plain", "")))
    return "".join(parts)


def test_the_client_notebook_runs(served: WorkflowServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THOTH_GRAPHQL_URL", served.url)
    # Without it jupyter_core warns that it will move its folders, and warnings are errors.
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        "the notebook is kept without outputs"
    )
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    code = [shown(cell) for cell in notebook.cells if cell.cell_type == "code"]
    advice, lockfile, impossible, releases, names, observations = code[1:7]
    assert "<table>" in advice
    assert "<td>dask</td><td>2.10.1</td><td>NEWEST</td>" in advice
    assert "dask==2.10.1" in lockfile
    assert "--hash=sha256:" in lockfile
    assert "numpy" in impossible
    assert releases.startswith("['2.11.0', '2.10.1', '2.9.0']")
    assert names.startswith("['numpy']")
    assert observations.strip().isdigit()
