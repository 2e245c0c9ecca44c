"""Closures from JanusGraph: one request per level, read from the package records alone (the
version vertices, for packages written before records existed)."""

from __future__ import annotations

import pytest

from bench.janusgraph_server import gremlin_http
from tests.store.janusgraph.samples import SAMPLE, release
from thoth_graphql.domain import Dependency, PackageVersion, Release
from thoth_graphql.domain.ordering import edge_order
from thoth_graphql.store.janusgraph import JanusGraphStore, package_graph
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


DROP_VERSIONS = "g.V().hasLabel('PackageVersion').drop().iterate(); 'dropped'"
DROP_RECORDS = "g.V().hasLabel('Package').properties('releases').drop().iterate(); 'dropped'"
DROP_DEPS = "g.V().hasLabel('PackageVersion').properties('deps').drop().iterate(); 'dropped'"
DROP_EDGES = "g.E().hasLabel('DEPENDS_ON').drop().iterate(); 'dropped'"
WITH_DEPS = "g.V().hasLabel('PackageVersion').has('deps').count()"
WITH_RECORDS = "g.V().hasLabel('Package').has('releases').values('name').order()"


def count(n: int) -> list[object]:
    return [{"@type": "g:Int64", "@value": n}]


async def test_a_closure_level_reads_the_package_records_not_the_versions(
    store: JanusGraphStore, url: str
) -> None:
    await store.write_releases(SAMPLE)
    before = closure_view(await store.load_closure(["dask"]))
    assert before["dask"][0][1] == tuple(edge_order(SAMPLE[0].dependencies))
    assert [v.version for v, _ in before["numpy"]] == ["1.18.1", "1.10.0"]

    # Without its version vertices (and so its edges), the graph still answers a closure
    # from each package's `releases` record.
    assert gremlin_http(url, DROP_VERSIONS)
    assert await store.versions_of(["dask", "numpy"]) == [[], []]
    assert closure_view(await store.load_closure(["dask"])) == before


async def test_packages_written_before_records_load_from_their_versions_until_a_write(
    store: JanusGraphStore, url: str
) -> None:
    await store.write_releases(SAMPLE)
    before = closure_view(await store.load_closure(["dask"]))
    gremlin_http(url, DROP_RECORDS)  # as a graph written by the adapter before records
    assert closure_view(await store.load_closure(["dask"])) == before

    # A write of one version of a package gives the package its whole record back.
    assert not (await store.write_releases(SAMPLE[1:2])).changed
    assert gremlin_http(url, WITH_RECORDS) == ["dask"]
    assert not (await store.write_releases(SAMPLE[2:3])).changed
    assert gremlin_http(url, WITH_RECORDS) == ["dask", "numpy"]
    gremlin_http(url, DROP_VERSIONS)
    assert closure_view(await store.load_closure(["dask"])) == before


async def test_versions_stored_before_deps_load_from_edges_until_a_write_restates_them(
    store: JanusGraphStore, url: str
) -> None:
    await store.write_releases(SAMPLE)
    before = closure_view(await store.load_closure(["dask"]))
    # As a graph written by the adapter before `deps` (and so before records).
    gremlin_http(url, DROP_DEPS)
    gremlin_http(url, DROP_RECORDS)
    assert gremlin_http(url, WITH_DEPS) == count(0)
    assert closure_view(await store.load_closure(["dask"])) == before

    # Writing them again creates nothing but restates `deps` and the records from the edges.
    assert not (await store.write_releases(SAMPLE)).changed
    assert gremlin_http(url, WITH_DEPS) == count(len(SAMPLE))
    gremlin_http(url, DROP_EDGES)
    assert closure_view(await store.load_closure(["dask"])) == before
    gremlin_http(url, DROP_RECORDS)
    assert closure_view(await store.load_closure(["dask"])) == before


async def test_a_record_gathers_a_package_written_over_many_chunks(
    store: JanusGraphStore, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(package_graph, "CHUNK_RELEASES", 3)
    releases = [release("app", f"1.{i}", *(["dep"] if i % 2 else [])) for i in range(10)]
    before = store.round_trips
    await store.write_releases([*releases, release("dep", "1.0")])
    assert store.round_trips - before == 4
    await store.write_releases([release("app", "1.0", "late"), release("app", "2.0")])
    gremlin_http(url, DROP_VERSIONS)
    closure = closure_view(await store.load_closure(["app"]))
    assert [v.version for v, _ in closure["app"]] == ["2.0", *(f"1.{i}" for i in range(9, -1, -1))]
    deps = {v.version: [d.name for d in ds] for v, ds in closure["app"]}
    assert (deps["1.0"], deps["1.1"], deps["1.2"], deps["2.0"]) == (["late"], ["dep"], [], [])
    assert closure["dep"] == [(release("dep", "1.0").version, ())]
