"""The runner stays on its side: it imports nothing of the graph side of thoth_graphql.

Rule: analyzer_runner may import `thoth_objects` (the object store port, its
adapters and key layout) and nothing else of thoth_graphql; the programs it runs inside
the sandbox import the standard library only. Checked twice: statically (every import
statement, including those inside functions) and dynamically (what importing every
module really loads, in a fresh interpreter).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "analyzer_runner"
OBJECTS = ROOT / "thoth_graphql" / "objects"
ALLOWED = ("thoth_objects",)
GRAPH_SIDE_LIBRARIES = ("strawberry", "gremlin_python", "janusgraph_python", "starlette", "uvicorn")


def imported_modules(source: str) -> set[str]:
    """Every module an `import` or `from ... import` statement names, anywhere in a file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def forbidden(modules: set[str]) -> set[str]:
    """The thoth_graphql modules among `modules` that are not the object store's."""
    return {
        m
        for m in modules
        if m.startswith("thoth_graphql.")
        and not any(m == a or m.startswith(f"{a}.") for a in ALLOWED)
    }


def test_the_checker_catches_graph_side_imports() -> None:
    source = (
        "from thoth_objects.port import ObjectStore\n"
        "def later():\n"
        "    from thoth_graphql.store.port import GraphStore\n"
        "    import thoth_graphql.api.schema\n"
    )
    assert forbidden(imported_modules(source)) == {
        "thoth_graphql.store.port",
        "thoth_graphql.store.port.GraphStore",
        "thoth_graphql.api.schema",
    }


@pytest.mark.parametrize("folder", [RUNNER, OBJECTS], ids=["analyzer_runner", "objects"])
def test_no_module_imports_the_graph_side(folder: Path) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(forbidden(imported_modules(path.read_text())))
        for path in folder.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_programs_run_in_the_sandbox_use_the_standard_library_only() -> None:
    for path in (RUNNER / "inside").glob("*.py"):
        if path.name == "__init__.py":
            continue  # the loader the runner uses, not a sandboxed program
        tops = {name.split(".")[0] for name in imported_modules(path.read_text())}
        assert tops <= sys.stdlib_module_names | {"__future__"}, path.name


LOAD_EVERYTHING = """
import importlib, json, pkgutil, sys
import analyzer_runner, thoth_objects
for package in (analyzer_runner, thoth_objects):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
importlib.import_module("thoth_objects.s3")
print(json.dumps(sorted(sys.modules)))
"""


def test_importing_every_runner_module_loads_nothing_of_the_graph_side() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD_EVERYTHING],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    modules = set(json.loads(loaded.stdout))
    assert "analyzer_runner.solver" in modules and "analyzer_runner.cli" in modules
    assert {m for m in modules if m.startswith("thoth_graphql")} - {"thoth_graphql"} == {
        m for m in modules if m.startswith("thoth_objects")
    }
    assert not {m for m in modules if m.split(".")[0] in GRAPH_SIDE_LIBRARIES}
