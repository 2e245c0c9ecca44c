"""The layers hold: each rule names what a part of the code may import of thoth_graphql, and
fails on the first import statement (anywhere in a file, inside functions too) that breaks it.

- the scorer imports only the domain and its own modules (it is pure: no store, no API);
- the API's resolvers reach the graph through the port, never an adapter (SQLite, JanusGraph);
- the analyzer runner imports nothing of the graph side (tests/analyzer_runner/test_isolation.py,
  whose checker this reuses, also checks what importing it really loads);
- benchmarks import nothing from tests/ (what both need lives in bench/).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.analyzer_runner.test_isolation import forbidden as graph_side
from tests.analyzer_runner.test_isolation import imported_modules

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "thoth_graphql"
ADAPTERS = (
    "sqlite",
    "sqlite_closure",
    "sqlite_records",
    "janusgraph",
    "janusgraph_records",
    "migrations",
)


def within(module: str, *parents: str) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in parents)


def outside_the_domain(modules: set[str]) -> set[str]:
    """The scorer's rule: of thoth_graphql, only the domain and the scorer itself."""
    return {
        m
        for m in modules
        if within(m, "thoth_graphql")
        and not within(m, "thoth_graphql.domain", "thoth_graphql.scorer")
    }


def store_adapters(modules: set[str]) -> set[str]:
    """The API's rule: no store adapter (the port and its types are what it speaks)."""
    return {m for m in modules if within(m, *(f"thoth_graphql.store.{a}" for a in ADAPTERS))}


def from_tests(modules: set[str]) -> set[str]:
    """The benchmarks' rule: nothing of the test suite."""
    return {m for m in modules if within(m, "tests")}


Rule = Callable[[set[str]], set[str]]
RULES: dict[str, tuple[Path, Rule]] = {
    "scorer imports only the domain": (PACKAGE / "scorer", outside_the_domain),
    "api never imports a store adapter": (PACKAGE / "api", store_adapters),
    "analyzer_runner imports nothing of the graph side": (ROOT / "analyzer_runner", graph_side),
    "bench imports nothing from tests": (ROOT / "bench", from_tests),
}


def offenders(folder: Path, rule: Rule) -> dict[str, list[str]]:
    found = {
        str(path.relative_to(ROOT)): sorted(rule(imported_modules(path.read_text())))
        for path in folder.rglob("*.py")
    }
    return {path: names for path, names in found.items() if names}


@pytest.mark.parametrize("name", RULES)
def test_the_layer_holds(name: str) -> None:
    folder, rule = RULES[name]
    assert offenders(folder, rule) == {}


@pytest.mark.parametrize(
    ("name", "source", "caught"),
    [
        (
            "scorer imports only the domain",
            "from thoth_graphql.domain.closure import Closure\n"
            "from thoth_graphql.scorer.markers import MarkerEvaluator\n"
            "def later():\n"
            "    from thoth_graphql.store.port import StoredRelease\n",
            {"thoth_graphql.store.port", "thoth_graphql.store.port.StoredRelease"},
        ),
        (
            "api never imports a store adapter",
            "from thoth_graphql.store.port import GraphStore\n"
            "import thoth_graphql.store.sqlite\n"
            "from thoth_graphql.store import janusgraph\n",
            {"thoth_graphql.store.sqlite", "thoth_graphql.store.janusgraph"},
        ),
        (
            "analyzer_runner imports nothing of the graph side",
            "from thoth_graphql.objects.port import ObjectStore\n"
            "from thoth_graphql.api.schema import schema\n",
            {"thoth_graphql.api.schema", "thoth_graphql.api.schema.schema"},
        ),
        (
            "bench imports nothing from tests",
            "from bench.demo_server import demo_server\nimport tests.api.conftest\n",
            {"tests.api.conftest"},
        ),
    ],
)
def test_each_rule_catches_a_forbidden_import(name: str, source: str, caught: set[str]) -> None:
    _, rule = RULES[name]
    assert rule(imported_modules(source)) == caught
