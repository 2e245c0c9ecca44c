"""The package graph on JanusGraph: exact round trips, batched writes against the naive
baseline, `deps` kept with the edges, concurrent writers and their lock conflicts."""

from __future__ import annotations

import asyncio
import math

from bench.janusgraph_naive import write_releases_naively
from bench.janusgraph_server import (
    gremlin_http,
    reset_graph,
)
from tests.store.janusgraph.samples import SAMPLE, release, scanned_counts
from thoth_graphql.domain import Dependency, PackageVersion, Release, VersionKey
from thoth_graphql.store.janusgraph import JanusGraphStore, package_graph
from thoth_graphql.store.port import DocumentRef, GraphCounts


async def test_tuples_and_markers_round_trip_exactly(store: JanusGraphStore) -> None:
    odd = Dependency("lib", "", ("a,b", "c"), "")
    plain = Dependency("lib", "", ("a", "b", "c"), None)
    version = PackageVersion("app", "1.0", sha256=("x" * 64, "y" * 64))
    report = await store.write_releases([Release(version, (odd, plain))])
    assert report.dependencies_created == 2
    [deps] = await store.dependencies_of([version.key])
    assert set(deps) == {odd, plain}
    assert (await store.versions_of(["app"]))[0] == [version]
    # The same through the vertex's `deps` text, which a closure reads.
    [stored] = (await store.load_closure(["app"])).releases["app"]
    assert (stored.version, set(stored.dependencies)) == (version, {odd, plain})


async def test_writes_go_in_chunks_not_one_request_per_edge(store: JanusGraphStore) -> None:
    releases = [release(f"p{i}", "1.0", *(f"dep{i + k}" for k in range(4))) for i in range(2500)]
    edges = sum(len(r.dependencies) for r in releases)
    before = store.round_trips
    report = await store.write_releases(releases)
    requests = store.round_trips - before
    assert report.dependencies_created == edges == 10_000
    bound = math.ceil(len(releases) / package_graph.CHUNK_RELEASES) + math.ceil(
        edges / package_graph.CHUNK_EDGES
    )
    assert requests <= bound
    assert requests * 1000 < edges


VERSION_DEPS = "g.V().hasLabel('PackageVersion').order().by('vkey').values('deps')"


async def test_the_naive_baseline_writes_the_same_graph_one_request_per_element(
    store: JanusGraphStore, url: str
) -> None:
    sample = SAMPLE[:2]
    before = store.round_trips
    naive = await write_releases_naively(store, sample, [DocumentRef("doc")])
    naive_requests = store.round_trips - before
    naive_reads = (
        await store.versions_of(["dask"]),
        await store.dependencies_of([r.version.key for r in sample]),
        await store.counts(),
    )
    naive_deps = gremlin_http(url, VERSION_DEPS)
    assert len(naive_deps) == len(sample)
    elements = len(sample) + sum(len(r.dependencies) for r in sample)
    assert naive_requests > 2 * elements

    reset_graph(url)
    batched = await store.write_releases(sample, [DocumentRef("doc")])
    assert batched == naive
    assert naive_reads == (
        await store.versions_of(["dask"]),
        await store.dependencies_of([r.version.key for r in sample]),
        await store.counts(),
    )
    assert naive_deps == gremlin_http(url, VERSION_DEPS)
    assert not (await write_releases_naively(store, sample, [DocumentRef("doc")])).changed


async def test_deps_follow_edges_added_to_a_stored_version(store: JanusGraphStore) -> None:
    await store.write_releases([release("app", "1.0", "a>=1")])
    # Another document declares more for the same version, and within one chunk too.
    more = [release("app", "1.0", "b; extra == 'x'"), release("app", "1.0", "c", "a>=1")]
    assert (await store.write_releases(more)).dependencies_created == 2
    [stored] = (await store.load_closure(["app"])).releases["app"]
    [edges] = await store.dependencies_of([VersionKey("app", "1.0")])
    assert stored.dependencies == tuple(edges)
    assert [d.name for d in stored.dependencies] == ["a", "b", "c"]


async def test_concurrent_writers_create_each_element_once(url: str) -> None:
    releases = [
        release(f"p{i}", f"{j}.0", f"p{i + 1}", "common") for i in range(60) for j in (1, 2)
    ]
    stores = [JanusGraphStore(url) for _ in range(3)]
    await asyncio.gather(*(s.open() for s in stores))
    try:
        # Each writer starts at a different point, so they race on the same elements.
        reports = await asyncio.gather(
            *(
                s.write_releases(releases[k * 40 :] + releases[: k * 40])
                for k, s in enumerate(stores)
            )
        )
        total = reports[0] + reports[1] + reports[2]
        assert (total.packages_created, total.versions_created) == (62, 120)
        assert total.dependencies_created == 240
        assert await stores[0].counts() == scanned_counts(url) == GraphCounts(62, 120, 240, 0)
    finally:
        await asyncio.gather(*(s.close() for s in stores))


async def test_concurrent_writers_of_one_package_keep_every_version_in_its_record(
    url: str,
) -> None:
    stores = [JanusGraphStore(url) for _ in range(3)]
    await asyncio.gather(*(s.open() for s in stores))
    try:
        # Each writer brings other versions of the same packages: each read-merge-write of
        # a package's record races the others'.
        await asyncio.gather(
            *(
                s.write_releases(
                    [release(f"p{i}", f"{k}.{j}", "common") for i in range(5) for j in range(20)]
                )
                for k, s in enumerate(stores)
            )
        )
        gremlin_http(url, "g.V().hasLabel('PackageVersion').drop().iterate(); 'dropped'")
        closure = await stores[0].load_closure([f"p{i}" for i in range(5)])
        assert {name: len(r) for name, r in closure.releases.items()} == {
            f"p{i}": 60 for i in range(5)
        }
    finally:
        await asyncio.gather(*(s.close() for s in stores))
