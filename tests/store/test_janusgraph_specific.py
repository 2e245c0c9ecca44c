"""What only the JanusGraph adapter promises: schema, persistence, batching, lock conflicts."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path

import pytest

from bench.janusgraph_server import (
    berkeleyje_server,
    ensure_janusgraph,
    free_port,
    gremlin_http,
    reset_graph,
)
from thoth_graphql.domain import Dependency, PackageVersion, Release, VersionKey
from thoth_graphql.domain.ordering import edge_order
from thoth_graphql.store import janusgraph
from thoth_graphql.store.janusgraph import JanusGraphStore, write_releases_naively
from thoth_graphql.store.port import Closure, DocumentRef, GraphCounts

REPO = Path(__file__).resolve().parents[2]


def release(name: str, version: str, *requirements: str) -> Release:
    dependencies = tuple(Dependency.from_requirement(r) for r in requirements)
    return Release(PackageVersion(name, version), dependencies)


SAMPLE = [
    Release(
        PackageVersion(
            "dask", "2.10.1", requires_python=">=3.6", upload_time="2020-01-30T12:00:00Z"
        ),
        (
            Dependency.from_requirement("numpy>=1.13.0; extra == 'array'"),
            Dependency.from_requirement("toolz>=0.7.3; extra == 'array'"),
            Dependency.from_requirement("partd[complete]>=0.3.10; extra == 'complete'"),
        ),
    ),
    release("dask", "2.9.0", "numpy>=1.13.0"),
    release("numpy", "1.18.1"),
    Release(PackageVersion("numpy", "1.10.0", yanked=True, sha256=("a" * 64,))),
]


@pytest.fixture
def url() -> str:
    server = ensure_janusgraph()
    reset_graph(server)
    return server


@pytest.fixture
async def store(url: str) -> AsyncIterator[JanusGraphStore]:
    opened = JanusGraphStore(url)
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()


def scanned_counts(url: str) -> GraphCounts:
    """The counts by walking the graph, to check the counters the adapter keeps."""
    data = gremlin_http(
        url,
        "[g.V().hasLabel('Package').count().next(), g.V().hasLabel('PackageVersion').count()"
        ".next(), g.E().hasLabel('DEPENDS_ON').count().next(),"
        " g.V().hasLabel('Document').count().next()]",
    )
    return GraphCounts(*(int(item["@value"]) for item in data))  # type: ignore[index]


def test_the_packaged_schema_is_the_one_in_schema_dir() -> None:
    packaged = resources.files("thoth_graphql").joinpath("schemas/janusgraph-schema.groovy")
    assert packaged.read_bytes() == (REPO / "schema" / "janusgraph-schema.groovy").read_bytes()


async def test_schema_applies_again_and_keeps_data_and_enabled_indexes(
    store: JanusGraphStore, url: str
) -> None:
    await store.write_releases(SAMPLE)
    again = JanusGraphStore(url)
    await again.open()  # applies the schema a second time
    try:
        assert await again._submit(janusgraph._schema_script()) == ["schema-ok"]
        assert (await again.counts()).versions == len(SAMPLE)
    finally:
        await again.close()
    statuses = gremlin_http(
        url,
        "def m = g.getGraph().openManagement(); "
        "def s = m.getGraphIndexes(Vertex.class).collect { i -> "
        "i.name() + ':' + i.getIndexStatus(i.getFieldKeys()[0]) }; m.rollback(); s",
    )
    assert sorted(str(s) for s in statuses) == [
        f"{name}:ENABLED"
        for name in (
            "advisoriesByPackage",
            "advisoryByKey",
            "analysesByStatus",
            "analysisById",
            "documentById",
            "environmentByKey",
            "installabilityByKey",
            "installabilityByVersion",
            "metaByKey",
            "observationByKey",
            "observationsByEnvironment",
            "observationsByOutcome",
            "observationsByPackage",
            "observationsBySource",
            "packageByName",
            "recordsByCatalog",
            "tokenByHash",
            "versionByKey",
        )
    ]


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
    bound = math.ceil(len(releases) / janusgraph.CHUNK_RELEASES) + math.ceil(
        edges / janusgraph.CHUNK_EDGES
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


@pytest.mark.slow
async def test_a_berkeleyje_graph_survives_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "berkeleyje"
    port = free_port()
    document = DocumentRef("solver-1", "thoth-solver", "1.0", "2026-01-01T00:00:00Z")

    async def read_back(url: str) -> tuple[object, ...]:
        opened = JanusGraphStore(url)
        await opened.open()
        try:
            return (
                await opened.counts(),
                await opened.generation(),
                await opened.known_documents(["solver-1", "other"]),
                await opened.versions_of(["dask", "numpy"]),
                await opened.dependencies_of([VersionKey("dask", "2.10.1")]),
                await opened.dependents_of(["numpy"]),
            )
        finally:
            await opened.close()

    with berkeleyje_server(data_dir, port) as url:
        writer = JanusGraphStore(url)
        await writer.open()
        try:
            assert (await writer.write_releases(SAMPLE, [document])).versions_created == len(SAMPLE)
        finally:
            await writer.close()
        written = await read_back(url)

    with berkeleyje_server(data_dir, port) as url:
        assert await read_back(url) == written
        assert written[0] == GraphCounts(4, 4, 4, 1)


# The part of the first schema that the records' indexes build on: `environment_key` already
# held data on Document vertices before observations were indexed by it.
FIRST_SCHEMA = """
def graph = g.getGraph()
def mgmt = graph.openManagement()
mgmt.makeVertexLabel('Document').make()
mgmt.makePropertyKey('environment_key').dataType(String).cardinality(Cardinality.SINGLE).make()
mgmt.commit()
graph.addVertex(T.label, 'Document', 'environment_key', 'env-1')
graph.tx().commit()
'first-schema'
"""


@pytest.mark.slow
async def test_the_schema_upgrades_a_graph_made_by_an_older_one(tmp_path: Path) -> None:
    with berkeleyje_server(tmp_path / "graph") as url:
        assert gremlin_http(url, FIRST_SCHEMA) == ["first-schema"]
        store = JanusGraphStore(url)
        await store.open()  # applies the whole schema: new keys, and a reindex of the old one
        try:
            assert await store.count_environments() == 0
        finally:
            await store.close()
        [status] = gremlin_http(
            url,
            "def m = g.getGraph().openManagement(); "
            "def i = m.getGraphIndex('observationsByEnvironment'); "
            "def s = i.getIndexStatus(i.getFieldKeys()[0]).toString(); m.rollback(); s",
        )
        assert status == "ENABLED"
