"""Closures from JanusGraph: one request per level, read from the version vertices alone."""

from __future__ import annotations

from bench.janusgraph_server import (
    gremlin_http,
)
from tests.store.janusgraph.samples import SAMPLE, release
from thoth_graphql.domain import Dependency, PackageVersion, Release
from thoth_graphql.domain.ordering import edge_order
from thoth_graphql.store.janusgraph import JanusGraphStore
from thoth_graphql.store.port import Closure


def fan_out_of_depth_five() -> list[Release]:
    """200 packages in five levels: 1 root, 100, 96, 2, 1."""
    releases = [release("root", "1.0", *(f"a{i}" for i in range(100)))]
    releases += [release(f"a{i}", "1.0", f"b{i % 96}", f"b{(i + 1) % 96}") for i in range(100)]
    releases += [release(f"b{i}", "1.0", f"x{i % 2}") for i in range(96)]
    releases += [release(f"x{i}", "1.0", "d") for i in range(2)]
    return [*releases, release("d", "1.0")]


async def test_closure_round_trips_are_one_per_level_whatever_the_width(
    store: JanusGraphStore,
) -> None:
    chain = [release(f"c{i}", "1.0", f"c{i + 1}") for i in range(4)] + [release("c4", "1.0")]
    await store.write_releases(fan_out_of_depth_five() + chain)

    before = store.round_trips
    wide = await store.load_closure(["root"])
    wide_requests = store.round_trips - before
    before = store.round_trips
    narrow = await store.load_closure(["c0"])
    narrow_requests = store.round_trips - before

    assert (len(wide.releases), len(narrow.releases)) == (200, 5)
    assert wide.depth == narrow.depth == 5
    assert wide.round_trips == narrow.round_trips == wide_requests == narrow_requests == 5


def closure_view(
    closure: Closure,
) -> dict[str, list[tuple[PackageVersion, tuple[Dependency, ...]]]]:
    return {
        name: [(r.version, r.dependencies) for r in releases]
        for name, releases in closure.releases.items()
    }


async def test_a_closure_level_reads_the_version_vertices_not_the_edges(
    store: JanusGraphStore, url: str
) -> None:
    await store.write_releases(SAMPLE)
    before = closure_view(await store.load_closure(["dask"]))
    assert before["dask"][0][1] == tuple(edge_order(SAMPLE[0].dependencies))

    # Without its edges, the graph still answers a closure from each vertex's `deps`.
    assert gremlin_http(url, "g.E().hasLabel('DEPENDS_ON').drop().iterate(); 'dropped'")
    assert await store.dependencies_of([SAMPLE[0].version.key]) == [[]]
    assert closure_view(await store.load_closure(["dask"])) == before


DROP_DEPS = "g.V().hasLabel('PackageVersion').properties('deps').drop().iterate(); 'dropped'"
WITH_DEPS = "g.V().hasLabel('PackageVersion').has('deps').count()"


async def test_versions_stored_before_deps_load_from_edges_until_a_write_restates_them(
    store: JanusGraphStore, url: str
) -> None:
    await store.write_releases(SAMPLE)
    before = closure_view(await store.load_closure(["dask"]))
    gremlin_http(url, DROP_DEPS)  # as a graph written by the adapter before `deps`
    assert gremlin_http(url, WITH_DEPS) == [{"@type": "g:Int64", "@value": 0}]
    assert closure_view(await store.load_closure(["dask"])) == before

    # Writing them again creates nothing but restates `deps` from the edges.
    assert not (await store.write_releases(SAMPLE)).changed
    assert gremlin_http(url, WITH_DEPS) == [{"@type": "g:Int64", "@value": len(SAMPLE)}]
    gremlin_http(url, "g.E().hasLabel('DEPENDS_ON').drop().iterate(); 'dropped'")
    assert closure_view(await store.load_closure(["dask"])) == before
