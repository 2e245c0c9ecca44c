"""Store round trips of a deep query follow its depth, not the size of its answer, on every
adapter: the DataLoaders batch each level of the query into one store call."""

from __future__ import annotations

import httpx

from tests.api.graphql_client import GraphQLClient
from tests.api.sample_graph import release
from thoth_graphql.api import create_app
from thoth_graphql.domain import Release
from thoth_graphql.store.port import GraphStore

# Two levels of package -> versions -> dependencies, the second reached through the first.
DEEP = """
query ($name: String!) {
  package(name: $name) { versions(first: 50) { edges { node { dependencies {
    package { versions(first: 50) { edges { node { dependencies { name } } } } }
  } } } } }
}
"""


def graph(root: str, versions: int, leaves: int) -> list[Release]:
    """`root` with `versions` versions, each needing `leaves` packages of 3 versions each."""
    leaf_names = [f"{root}-leaf{i}" for i in range(leaves)]
    releases = [release(root, f"1.{v}", *leaf_names) for v in range(versions)]
    releases += [release(n, f"0.{v}", "base", "util") for n in leaf_names for v in range(3)]
    return releases


async def answer(store: GraphStore, name: str) -> tuple[int, int]:
    """Store round trips of the deep query, and the number of dependencies in its answer."""
    transport = httpx.ASGITransport(app=create_app(store))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        before = store.round_trips
        result = await GraphQLClient(http)(DEEP, name=name)
        trips = store.round_trips - before
    assert result.errors == []
    assert result.data is not None
    leaves = 0
    for edge in result.data["package"]["versions"]["edges"]:
        for dependency in edge["node"]["dependencies"]:
            for leaf in dependency["package"]["versions"]["edges"]:
                leaves += len(leaf["node"]["dependencies"])
    return trips, leaves


async def test_round_trips_are_bounded_by_depth(store: GraphStore) -> None:
    await store.write_releases(graph("narrow", 1, 1) + graph("wide", 20, 10))
    narrow = await answer(store, "narrow")
    wide = await answer(store, "wide")
    assert (narrow[1], wide[1]) == (1 * 1 * 3 * 2, 20 * 10 * 3 * 2)
    # generation (read cache), packages, then versions and dependencies at each level.
    assert narrow[0] == wide[0] == 6
