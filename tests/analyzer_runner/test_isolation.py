"""The runner stays on its side: it imports nothing of thoth_graphql (the graph side).

Rules: analyzer_runner may import the shared packages, `thoth_objects` (the object store
port, its adapters and key layout) and `thoth_analysis_request` (the request document), and
nothing of thoth_graphql; the shared packages import neither thoth_graphql nor
analyzer_runner, so the runner image holds no thoth_graphql at all; the programs the
runner runs inside the sandbox import the standard library only. Checked twice:
statically (every import statement, including those inside functions) and dynamically
(what importing every module really loads, in a fresh interpreter).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "analyzer_runner"
SHARED = ("thoth_objects", "thoth_analysis_request")
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


def within(module: str, *parents: str) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in parents)


def forbidden(modules: set[str]) -> set[str]:
    """The runner's rule: the modules of thoth_graphql among `modules`."""
    return {m for m in modules if within(m, "thoth_graphql")}


def outside_shared(modules: set[str]) -> set[str]:
    """The shared packages' rule: neither side's modules (thoth_graphql, analyzer_runner)."""
    return {m for m in modules if within(m, "thoth_graphql", "analyzer_runner")}


def test_the_checker_catches_graph_side_imports() -> None:
    source = (
        "from thoth_objects.port import ObjectStore\n"
        "from thoth_analysis_request.document import parse_request\n"
        "import thoth_graphql\n"
        "def later():\n"
        "    from thoth_graphql.store.port import GraphStore\n"
        "    import thoth_graphql.api.schema\n"
    )
    assert forbidden(imported_modules(source)) == {
        "thoth_graphql",
        "thoth_graphql.store.port",
        "thoth_graphql.store.port.GraphStore",
        "thoth_graphql.api.schema",
    }


def test_the_checker_catches_shared_packages_importing_either_side() -> None:
    source = (
        "from thoth_objects.port import ObjectStore\n"
        "from analyzer_runner.egress import egress_policy\n"
        "def later():\n"
        "    import thoth_graphql.domain\n"
    )
    assert outside_shared(imported_modules(source)) == {
        "analyzer_runner.egress",
        "analyzer_runner.egress.egress_policy",
        "thoth_graphql.domain",
    }


def offenders(folder: Path, rule: Callable[[set[str]], set[str]]) -> dict[str, list[str]]:
    found = {
        str(path.relative_to(ROOT)): sorted(rule(imported_modules(path.read_text())))
        for path in folder.rglob("*.py")
    }
    return {path: names for path, names in found.items() if names}


def test_no_runner_module_imports_the_graph_side() -> None:
    assert offenders(RUNNER, forbidden) == {}


@pytest.mark.parametrize("package", SHARED)
def test_shared_packages_import_neither_side(package: str) -> None:
    assert offenders(ROOT / package, outside_shared) == {}


def test_programs_run_in_the_sandbox_use_the_standard_library_only() -> None:
    for path in (RUNNER / "inside").glob("*.py"):
        if path.name == "__init__.py":
            continue  # the loader the runner uses, not a sandboxed program
        tops = {name.split(".")[0] for name in imported_modules(path.read_text())}
        assert tops <= sys.stdlib_module_names | {"__future__"}, path.name


LOAD_EVERYTHING = """
import importlib, json, pkgutil, sys
for name in sys.argv[1:]:
    package = importlib.import_module(name)
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by_importing(*packages: str) -> set[str]:
    """Every module a fresh interpreter holds after importing all of `packages`' modules."""
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD_EVERYTHING, *packages],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return set(json.loads(loaded.stdout))


def test_importing_every_runner_module_loads_nothing_of_the_graph_side() -> None:
    modules = loaded_by_importing("analyzer_runner", *SHARED)
    assert {"analyzer_runner.solver", "analyzer_runner.cli", "thoth_objects.s3"} <= modules
    assert not forbidden(modules)
    assert not {m for m in modules if m.split(".")[0] in GRAPH_SIDE_LIBRARIES}


def test_importing_the_shared_packages_loads_neither_side() -> None:
    modules = loaded_by_importing(*SHARED)
    assert {"thoth_objects.s3", "thoth_analysis_request.document"} <= modules
    assert not outside_shared(modules)
