"""The composition root: an app uses the services it is given and no others, and nothing
of them is shared through module state."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.api.graphql_client import GraphQLClient
from tests.api.sample_graph import many_versions
from thoth_graphql.api import create_app
from thoth_graphql.services import Services, Settings
from thoth_graphql.store.sqlite import SqliteGraphStore

PACKAGE = Path(__file__).resolve().parents[1] / "thoth_graphql"
QUERY = '{ package(name: "one") { versions { totalCount } } }'


async def ask(services: Services, query: str) -> GraphQLClient:
    transport = httpx.ASGITransport(app=create_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        gql = GraphQLClient(http)
        assert (await gql(query)).errors == []
        return gql


async def test_each_app_uses_the_services_it_is_given(sqlite_store: SqliteGraphStore) -> None:
    await sqlite_store.write_releases(many_versions("one", 2))
    first, second = Services.over(sqlite_store), Services.over(sqlite_store)
    assert first.advise is not second.advise and first.read_cache is not second.read_cache
    await ask(first, QUERY)
    assert len(first.read_cache) == 1 and len(second.read_cache) == 0
    off = Services.over(sqlite_store, Settings(read_cache_size=0))
    await ask(off, QUERY)
    assert len(off.read_cache) == 0


def test_no_module_keeps_services_in_a_registry() -> None:
    """No module-level WeakKeyDictionary/WeakValueDictionary/dict of stores to services."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and "Weak" in ast.unparse(node):
                offenders.append(f"{path.relative_to(PACKAGE)}: {ast.unparse(node)[:80]}")
    assert offenders == []


@pytest.mark.parametrize("module", ["thoth_graphql.services", "thoth_graphql.api"])
def test_the_root_and_the_api_import_alone(module: str) -> None:
    # services imports the API's read cache, whose package imports the app: no cycle may
    # break whichever is imported first.
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, cwd=PACKAGE.parent)


def test_the_ingest_service_writes_to_the_services_store(sqlite_store: SqliteGraphStore) -> None:
    services = Services.over(sqlite_store)
    assert services.ingest.graph is sqlite_store
    assert Services.over(sqlite_store).ingest is not services.ingest
