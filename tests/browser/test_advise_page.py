"""The /app page in Debian's headless Chromium: a person asks for a stack and sees it drawn.

Drives tools/browser/advise_page.mjs (playwright-core) against `thoth-graphql serve --demo`;
the screenshots are kept at artifacts/advise-page.png and advise-page-unsatisfiable.png.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.demo_server import demo_server
from tests.http.node_tools import run_node

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")

# From the demo data (resolvelib's PyPI snapshots): the newest releases it holds.
STACK = [
    ("dask", "2.10.1"),
    ("numpy", "1.19.4"),
    ("pandas", "1.1.4"),
    ("python-dateutil", "2.8.1"),
    ("pytz", "2020.4"),
    ("six", "1.15.0"),
    ("toolz", "0.11.1"),
]
EDGES = {
    "dask 2.10.1 → numpy 1.19.4 [array]",  # only because the extra was asked for
    "dask 2.10.1 → toolz 0.11.1 [array]",
    "pandas 1.1.4 → numpy 1.19.4",
    "pandas 1.1.4 → python-dateutil 2.8.1",
    "pandas 1.1.4 → pytz 2020.4",
    "python-dateutil 2.8.1 → six 1.15.0",
}


@pytest.fixture(scope="module")
def seen() -> dict[str, object]:
    assert CHROMIUM.exists(), "Debian's chromium is needed: apt-get install -y chromium"
    ARTIFACTS.mkdir(exist_ok=True)
    scenarios = [
        {
            "requirements": ["dask[array]", "pandas"],
            "pythonVersion": "3.11",
            "platform": "linux_x86_64",
            "recommendationType": "LATEST",
            "screenshot": str(ARTIFACTS / "advise-page.png"),
        },
        {
            # pandas 1.1.4 requires python-dateutil>=2.7.3.
            "requirements": ["pandas==1.1.4", "python-dateutil<2.7"],
            "pythonVersion": "3.9",
            "platform": "win_amd64",
            "recommendationType": "STABLE",
            "screenshot": str(ARTIFACTS / "advise-page-unsatisfiable.png"),
        },
        {
            "requirements": ["pandas", "numpy>=>1"],
            "pythonVersion": "3.11",
            "platform": "linux_x86_64",
            "recommendationType": "LATEST",
            "screenshot": str(ARTIFACTS / "advise-page-error.png"),
        },
        {
            "requirements": ["pandas", "not-in-the-demo-data"],
            "pythonVersion": "3.11",
            "platform": "linux_x86_64",
            "recommendationType": "LATEST",
            "screenshot": str(ARTIFACTS / "advise-page-unresolved.png"),
        },
    ]
    for scenario in scenarios:
        Path(scenario["screenshot"]).unlink(missing_ok=True)
    with demo_server() as url:
        ran = run_node(
            "browser", "advise_page.mjs", f"{url}/app", json.dumps(scenarios), timeout=240
        )
    assert ran.returncode == 0, ran.stderr
    report: dict[str, object] = json.loads(ran.stdout)
    assert "error" not in report, report
    return report


def run(seen: dict[str, object], index: int) -> dict[str, object]:
    runs = seen["runs"]
    assert isinstance(runs, list) and len(runs) == 4
    found: dict[str, object] = runs[index]
    return found


def test_typed_requirements_show_the_stack_and_why(seen: dict[str, object]) -> None:
    stack = run(seen, 0)
    assert seen["title"] == "thoth-graphql · advise"
    assert stack["typed"] == "dask[array]\npandas"  # typed key by key, as a person would
    assert stack["state"] == "stack"
    assert "LATEST" in str(stack["status"]) and "proven the best" in str(stack["status"])
    rows = stack["packages"]
    assert isinstance(rows, list)
    assert [(name, version) for name, version, _ in rows] == STACK
    for name, version, why in rows:
        assert "newest" in why and version in why, (name, why)


def test_the_stack_is_drawn_as_its_dependency_graph(seen: dict[str, object]) -> None:
    stack = run(seen, 0)
    assert set(stack["edges"]) == EDGES  # type: ignore[call-overload]
    graph = stack["graph"]
    assert isinstance(graph, dict)
    assert graph["nodes"] == len(STACK)
    assert graph["edges"] == len(EDGES)
    assert graph["painted"] > 5000  # cytoscape drew on its canvas, not just an empty box
    assert (ARTIFACTS / "advise-page.png").read_bytes().startswith(b"\x89PNG")


def test_requirements_no_stack_meets_show_the_conflict(seen: dict[str, object]) -> None:
    none = run(seen, 1)
    assert none["typed"] == "pandas==1.1.4\npython-dateutil<2.7"
    assert none["state"] == "unsatisfiable"
    assert none["packages"] == []
    assert "python-dateutil cannot be satisfied" in str(none["problem"])
    conflicts = none["conflicts"]
    assert isinstance(conflicts, list)
    assert "python-dateutil<2.7" in conflicts
    assert any("pandas==1.1.4 -> python-dateutil>=2.7.3" in c for c in conflicts), conflicts
    assert none["graph"] == {"nodes": 0, "edges": 0, "painted": 0}
    assert (ARTIFACTS / "advise-page-unsatisfiable.png").read_bytes().startswith(b"\x89PNG")


def test_a_malformed_requirement_is_named_with_what_is_wrong(seen: dict[str, object]) -> None:
    bad = run(seen, 2)
    assert bad["state"] == "error"
    status = str(bad["status"])
    assert "'numpy>=>1' is not a PEP 508 requirement" in status
    assert "input.requirements[1]" in status
    assert bad["packages"] == [] and bad["problem"] is None


def test_packages_the_graph_does_not_know_are_listed(seen: dict[str, object]) -> None:
    unknown = run(seen, 3)
    assert unknown["state"] == "unresolved"
    unresolved = unknown["unresolved"]
    assert isinstance(unresolved, list) and len(unresolved) == 1
    assert unresolved[0].startswith("not-in-the-demo-data")
    assert unknown["packages"] == []


def test_the_page_needs_nothing_but_this_server(seen: dict[str, object]) -> None:
    # No CDN, no failed request, no script error, no Content-Security-Policy violation.
    assert seen["offsite"] == []
    assert seen["failed"] == []
    assert seen["pageErrors"] == []
    assert seen["consoleErrors"] == []
