"""The layers hold: each rule names what a part of the code may import of thoth_graphql, and
fails on the first import statement (anywhere in a file, inside functions too) that breaks it.

- the scorer imports only the domain and its own modules (it is pure: no store, no API);
- the API's resolvers reach the graph through the port, never an adapter (SQLite, JanusGraph);
- and no further than the services: they read through the DataLoaders and GraphReads and
  write through the services, never touching a `store` attribute, and import of the store
  only the port's value types (filters, cursors, keys); the wiring modules that build the
  context, the loaders and the read cache over the store are exempt;
- the analyzer runner imports nothing of the graph side (tests/analyzer_runner/test_isolation.py,
  whose checkers this reuses, also checks what importing it really loads);
- the packages both sides share (thoth_objects, thoth_analysis_request) import neither side;
- benchmarks import nothing from tests/ (what both need lives in bench/);
- in each store adapter, the facet modules reach the database through the adapter's client
  and never import one another (only the store that assembles them does), and neither
  adapter imports the other.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection
from pathlib import Path

import pytest

from tests.analyzer_runner.test_isolation import forbidden as graph_side
from tests.analyzer_runner.test_isolation import imported_modules, outside_shared

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "thoth_graphql"
STORE = PACKAGE / "store"
ADAPTERS = ("sqlite", "janusgraph")
FACETS = ("package_graph", "closure", "observations", "advisories", "analysis_queue", "tokens")
"""The modules of each adapter that implement a facet of the port (store/port/)."""
ASSEMBLY = ("__init__", "store")
"""The modules of each adapter that assemble its facets into the GraphStore."""
WIRING = ("context", "loaders", "cache", "app", "health", "in_process", "errors")
"""The API modules that hold the store to wire it: the request context, the DataLoaders, the
read cache, the app, its readiness probe, the in-process transport, the store's errors."""


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


def store_beyond_values(modules: set[str]) -> set[str]:
    """The resolvers' rule: of the store, only the port's value types (no facet protocol,
    no GraphStore, no adapter)."""
    return {
        m
        for m in modules
        if within(m, "thoth_graphql.store") and not within(m, "thoth_graphql.store.port.values")
    }


def store_touches(source: str) -> list[str]:
    """`line: what` of every reach for a `store` attribute in `source` (`x.store`, and
    `getattr(x, "store")`)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "store":
            found.append((node.lineno, ".store"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr")
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "store"
        ):
            found.append((node.lineno, f"{node.func.id} store"))
    return [f"{line}: {what}" for line, what in sorted(found)]


def facets_of_another(adapter: str) -> Rule:
    """An adapter's rule: none of its facets, and nothing of the other adapters."""
    facets = [f"thoth_graphql.store.{adapter}.{f}" for f in FACETS]
    others = [f"thoth_graphql.store.{a}" for a in ADAPTERS if a != adapter]
    return lambda modules: {m for m in modules if within(m, *facets, *others)}


def from_tests(modules: set[str]) -> set[str]:
    """The benchmarks' rule: nothing of the test suite."""
    return {m for m in modules if within(m, "tests")}


Rule = Callable[[set[str]], set[str]]


def sources(folder: Path, but: Collection[str] = ()) -> list[Path]:
    """The Python files under `folder`, but the modules named in `but`."""
    return [path for path in folder.rglob("*.py") if path.stem not in but]


RESOLVERS = sources(PACKAGE / "api", but=WIRING)
"""The API modules that resolve fields: the schema, its types, mutations and their helpers."""

RULES: dict[str, tuple[list[Path], Rule]] = {
    "scorer imports only the domain": (sources(PACKAGE / "scorer"), outside_the_domain),
    "api never imports a store adapter": (sources(PACKAGE / "api"), store_adapters),
    "resolvers import of the store only the port's values": (RESOLVERS, store_beyond_values),
    "analyzer_runner imports nothing of the graph side": (
        sources(ROOT / "analyzer_runner"),
        graph_side,
    ),
    "thoth_objects imports neither side": (sources(ROOT / "thoth_objects"), outside_shared),
    "thoth_analysis_request imports neither side": (
        sources(ROOT / "thoth_analysis_request"),
        outside_shared,
    ),
    "bench imports nothing from tests": (sources(ROOT / "bench"), from_tests),
    **{
        f"{adapter} facets import only their client, the port and what facets share": (
            sources(STORE / adapter, but=ASSEMBLY),
            facets_of_another(adapter),
        )
        for adapter in ADAPTERS
    },
}


def offenders(paths: list[Path], rule: Rule) -> dict[str, list[str]]:
    found = {
        str(path.relative_to(ROOT)): sorted(rule(imported_modules(path.read_text())))
        for path in paths
    }
    return {path: names for path, names in found.items() if names}


def test_the_wiring_modules_are_there() -> None:
    """A wiring module renamed would otherwise count as a resolver, and one added would
    have to be named here: either way this says so."""
    modules = {path.stem for path in (PACKAGE / "api").glob("*.py")}
    assert set(WIRING) <= modules


def test_resolvers_never_touch_the_store() -> None:
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in RESOLVERS
        if (found := store_touches(path.read_text()))
    }
    assert offenders == {}


def test_the_store_check_catches_a_resolver_reaching_for_it() -> None:
    source = (
        "async def count(root, info):\n"
        "    await info.context.loaders.packages.load(root.name)\n"
        "    await info.context.reads.count_packages(root.prefix)\n"
        "    return await info.context.store.count_packages(root.prefix)\n"
        "def later(context):\n"
        "    services = context.services\n"
        "    return services.store, getattr(context, 'store')\n"
    )
    assert store_touches(source) == ["4: .store", "7: .store", "7: getattr store"]


def test_each_adapter_has_the_facets_the_rule_names() -> None:
    """A facet module renamed or added would otherwise slip past the adapters' rule."""
    for adapter in ADAPTERS:
        modules = {path.stem for path in (STORE / adapter).glob("*.py")}
        assert set(FACETS) | set(ASSEMBLY) <= modules


@pytest.mark.parametrize("name", RULES)
def test_the_layer_holds(name: str) -> None:
    paths, rule = RULES[name]
    assert paths
    assert offenders(paths, rule) == {}


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
            "resolvers import of the store only the port's values",
            "from thoth_graphql.store.port.values import AnalysisFilter, ObservationCursor\n"
            "from thoth_graphql.graph_reads import GraphReads\n"
            "from thoth_graphql.store.port import GraphStore\n"
            "def later():\n"
            "    from thoth_graphql.store.port.observations import Observations\n",
            {
                "thoth_graphql.store.port",
                "thoth_graphql.store.port.GraphStore",
                "thoth_graphql.store.port.observations",
                "thoth_graphql.store.port.observations.Observations",
            },
        ),
        (
            "analyzer_runner imports nothing of the graph side",
            "from thoth_objects.port import ObjectStore\n"
            "from thoth_graphql.api.schema import schema\n",
            {"thoth_graphql.api.schema", "thoth_graphql.api.schema.schema"},
        ),
        (
            "sqlite facets import only their client, the port and what facets share",
            "from thoth_graphql.store.sqlite.client import SqliteFacet\n"
            "from thoth_graphql.store.port import Observations\n"
            "from thoth_graphql.store.sqlite.observations import SqliteObservations\n"
            "from thoth_graphql.store.janusgraph.client import JanusGraphClient\n",
            {
                "thoth_graphql.store.sqlite.observations",
                "thoth_graphql.store.sqlite.observations.SqliteObservations",
                "thoth_graphql.store.janusgraph.client",
                "thoth_graphql.store.janusgraph.client.JanusGraphClient",
            },
        ),
        (
            "janusgraph facets import only their client, the port and what facets share",
            "from thoth_graphql.store.janusgraph.catalog import bodies\n"
            "from thoth_graphql.store.janusgraph import closure\n",
            {"thoth_graphql.store.janusgraph.closure"},
        ),
        (
            "thoth_objects imports neither side",
            "from thoth_objects.port import ObjectStore\n"
            "from thoth_graphql.domain import Analysis\n"
            "import analyzer_runner.egress\n",
            {"thoth_graphql.domain", "thoth_graphql.domain.Analysis", "analyzer_runner.egress"},
        ),
        (
            "thoth_analysis_request imports neither side",
            "from thoth_analysis_request.limits import Limits\n"
            "from analyzer_runner.environment import Environment\n",
            {"analyzer_runner.environment", "analyzer_runner.environment.Environment"},
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
