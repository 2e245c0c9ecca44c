"""Per-request DataLoaders: store round trips grow with a query's depth, not its result."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest

from tests.api.graphql_client import GraphQLClient
from tests.api.sample_graph import many_versions
from thoth_graphql.api import create_app
from thoth_graphql.store.port import GraphStore
from thoth_graphql.store.sqlite import SqliteGraphStore

DEPENDENCIES = """
query ($name: String!) {
  package(name: $name) { versions(first: 20) { edges { node { dependencies { name } } } } }
}
"""


class CountingStore:
    """Delegates to a store and counts the calls made to each port method."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.store, name)
        if not callable(attribute):
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attribute(*args, **kwargs)

        return counted


async def calls_for(store: SqliteGraphStore, name: str) -> tuple[Counter[str], int, int]:
    """Port calls and SQLite round trips of the DEPENDENCIES query, and the nodes it got."""
    counting = CountingStore(store)
    transport = httpx.ASGITransport(app=create_app(counting))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        before = store.round_trips
        result = await GraphQLClient(http)(DEPENDENCIES, name=name)
        round_trips = store.round_trips - before
    assert result.errors == []
    assert result.data is not None
    edges = result.data["package"]["versions"]["edges"]
    assert all(len(e["node"]["dependencies"]) == 2 for e in edges)
    return counting.calls, round_trips, len(edges)


async def test_round_trips_are_the_same_for_2_and_20_versions(
    sqlite_store: SqliteGraphStore,
) -> None:
    await sqlite_store.write_releases(many_versions("two", 2) + many_versions("twenty", 20))

    calls_2, trips_2, nodes_2 = await calls_for(sqlite_store, "two")
    calls_20, trips_20, nodes_20 = await calls_for(sqlite_store, "twenty")

    assert (nodes_2, nodes_20) == (2, 20)
    # One call per level of the query, and one for the read cache's generation.
    assert (
        calls_2
        == calls_20
        == {
            "generations": 1,
            "packages": 1,
            "versions_of": 1,
            "dependencies_of": 1,
        }
    )
    assert trips_2 == trips_20 == 4


@pytest.mark.parametrize("aliases", [1, 3])
async def test_aliases_of_one_package_share_the_loaders(
    graph: SqliteGraphStore, aliases: int
) -> None:
    counting = CountingStore(graph)
    selection = "{ versions { edges { node { dependencies { name } } } } }"
    query = " ".join(f'a{i}: package(name: "dask") {selection}' for i in range(aliases))
    transport = httpx.ASGITransport(app=create_app(counting))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        result = await GraphQLClient(http)("{ " + query + " }")
    assert result.errors == []
    assert counting.calls == {
        "generations": 1,
        "packages": 1,
        "versions_of": 1,
        "dependencies_of": 1,
    }


async def test_each_request_reads_the_store_afresh(
    graph: SqliteGraphStore, gql: GraphQLClient
) -> None:
    query = '{ package(name: "fresh") { versions { totalCount } } }'
    assert (await gql(query)).data == {"package": None}
    await graph.write_releases(many_versions("fresh", 3))
    assert (await gql(query)).data == {"package": {"versions": {"totalCount": 3}}}
