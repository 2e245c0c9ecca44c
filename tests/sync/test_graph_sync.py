"""graph-sync: results written by real runs loaded into the graph once, followed as they
come, and a graph rebuilt from the object store alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from analyzer_runner.runner import run_analysis
from analyzer_runner.sandbox import Sandbox, SandboxMode, SandboxSettings
from bench.package_index import PackageIndex
from bench.packages import publish_tinybackend, tiny_sdist_files
from bench.thoth_processes import Objects, thoth
from thoth_graphql.analyses.requests import request_document
from thoth_graphql.domain import (
    Analysis,
    AnalysisKind,
    AnalysisStatus,
    ObservationSource,
    VersionKey,
)
from thoth_graphql.store.port import AnalysisFilter, GraphStore, ObservationFilter
from thoth_graphql.store.sqlite import SqliteGraphStore
from thoth_graphql.sync import GraphNotEmpty, GraphSync
from thoth_objects import LocalObjectStore, ObjectStore, open_object_store, put_json
from thoth_objects.layout import new_analysis_id, request_key


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(SandboxSettings(mode=SandboxMode.BWRAP))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[LocalObjectStore]:
    opened = LocalObjectStore(tmp_path / "objects")
    await opened.open()
    yield opened


async def analyse(
    graph: GraphStore,
    store: ObjectStore,
    sandbox: Sandbox,
    kind: str,
    parameters: dict[str, Any],
) -> str:
    """Record an analysis as the API does (graph, then request), run it as a runner
    would; the analysis id."""
    analysis = Analysis(
        new_analysis_id(), AnalysisKind(kind), parameters, created_at="2026-01-01T00:00:00Z"
    )
    await graph.create_analyses([analysis])
    await put_json(store, request_key(analysis.id), request_document(analysis))
    analysis_id = analysis.id
    await run_analysis(store, request_key(analysis_id), sandbox)
    return analysis_id


def publish(index: PackageIndex) -> None:
    index.add_wheel("app", "1.0", requires=["dep>=1"])
    index.add_wheel("dep", "1.0")
    index.add_wheel("native", "1.0", tag="cp27-cp27mu-manylinux1_x86_64")
    publish_tinybackend(index)
    # Its build asks for a build requirement the index does not have: no metadata.
    index.add_sdist("broken", "1.0", tiny_sdist_files("broken", "1.0", dynamic_requires=["nope"]))


async def analyse_all(
    graph: GraphStore, store: ObjectStore, sandbox: Sandbox, index: PackageIndex
) -> list[str]:
    ids = []
    for name in ("app", "dep", "native", "broken"):
        parameters = {"package_name": name, "index_url": index.url}
        ids.append(await analyse(graph, store, sandbox, "SOLVER", parameters))
    packages = [
        {"package_name": n, "package_version": "1.0", "index_url": index.url}
        for n in ("app", "dep")
    ]
    ids.append(await analyse(graph, store, sandbox, "STACK_INSPECTION", {"packages": packages}))
    return ids


async def snapshot(graph: GraphStore, index: PackageIndex) -> dict[str, Any]:
    """What the graph holds about the published packages, comparable between graphs."""
    names = ["app", "dep", "native", "broken"]
    versions = await graph.versions_of(names)
    keys = [VersionKey(n, "1.0", index.url) for n in names]
    installability = await graph.installability_of(keys)
    observations = await graph.list_stack_observations(ObservationFilter(), 10)
    return {
        "versions": [[v.version for v in found] for found in versions],
        "installability": [[(i.installable, i.error) for i in found] for found in installability],
        "observations": [(o.outcome, o.packages, o.provenance) for o in observations],
    }


async def test_results_are_loaded_once_by_document_id(
    store: LocalObjectStore, sandbox: Sandbox, index: PackageIndex, sqlite_store: SqliteGraphStore
) -> None:
    publish(index)
    ids = await analyse_all(sqlite_store, store, sandbox, index)
    sync = GraphSync(sqlite_store, store)
    first = await sync.sync_completed()
    assert first.failed == []
    assert sorted(first.loaded) == sorted(
        [f"solver-{i}" for i in ids[:4]] + [f"inspection-{ids[4]}"]
    )
    generation = await sqlite_store.generation()
    again = await sync.sync_completed()
    assert (again.loaded, len(again.known)) == ([], 5)
    assert await sqlite_store.generation() == generation

    held = await snapshot(sqlite_store, index)
    assert held["versions"] == [["1.0"], ["1.0"], ["1.0"], []]
    app, _, native, broken = held["installability"]
    assert app == [(True, None)]
    assert native[0][0] is False and "no wheel for" in native[0][1]
    assert broken[0][0] is False
    assert broken[0][1].startswith("metadata_build_failed: ")
    [(_, packages, provenance)] = held["observations"]
    assert provenance.source is ObservationSource.INSPECTION
    assert provenance.document_ref == f"inspection-{ids[4]}"
    assert [p.name for p in packages] == ["app", "dep"]


async def test_a_bad_result_is_reported_and_the_others_are_loaded(
    store: LocalObjectStore, sandbox: Sandbox, index: PackageIndex, sqlite_store: SqliteGraphStore
) -> None:
    index.add_wheel("dep", "1.0")
    parameters = {"package_name": "dep", "index_url": index.url}
    good = await analyse(sqlite_store, store, sandbox, "SOLVER", parameters)
    bad = new_analysis_id()
    await sqlite_store.create_analyses([Analysis(bad, AnalysisKind.SOLVER, parameters)])
    await store.put(f"results/solver/solver-{bad}.json", b'{"metadata": {}}')
    await put_json(
        store,
        f"completed/20260101T000000.000000Z-{bad}.json",
        {"result_key": f"results/solver/solver-{bad}.json"},
    )
    report = await GraphSync(sqlite_store, store).sync_completed()
    assert report.loaded == [f"solver-{good}"]
    [(key, reason)] = report.failed
    assert key == f"results/solver/solver-{bad}.json"
    assert "not a valid solver document" in reason


async def test_a_follower_loads_results_as_they_come(
    store: LocalObjectStore, sandbox: Sandbox, index: PackageIndex, sqlite_store: SqliteGraphStore
) -> None:
    index.add_wheel("dep", "1.0")
    index.add_wheel("app", "1.0")
    sync = GraphSync(sqlite_store, store)
    stop = asyncio.Event()
    loaded: list[str] = []
    follower = asyncio.create_task(
        sync.follow(interval=0.05, stop=stop, on_report=lambda r: loaded.extend(r.loaded))
    )
    try:
        for name in ("dep", "app"):
            analysis_id = await analyse(
                sqlite_store,
                store,
                sandbox,
                "SOLVER",
                {"package_name": name, "index_url": index.url},
            )
            for _ in range(500):
                if f"solver-{analysis_id}" in loaded:
                    break
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await follower
    assert len(loaded) == 2
    assert [p is not None for p in await sqlite_store.packages(["dep", "app"])] == [True, True]


async def test_the_graph_is_rebuilt_from_the_object_store_alone(
    store: LocalObjectStore,
    sandbox: Sandbox,
    index: PackageIndex,
    sqlite_store: SqliteGraphStore,
    tmp_path: Path,
) -> None:
    publish(index)
    ids = await analyse_all(sqlite_store, store, sandbox, index)
    await GraphSync(sqlite_store, store).sync_completed()
    # Markers are not needed: the results are.
    async for key in store.list_keys("completed/"):
        await store.delete(key)
    rebuilt = SqliteGraphStore(tmp_path / "rebuilt.sqlite3")
    await rebuilt.open()
    try:
        report = await GraphSync(rebuilt, store).rebuild()
        assert (len(report.loaded), report.failed, report.analyses_restored) == (5, [], 5)
        assert await snapshot(rebuilt, index) == await snapshot(sqlite_store, index)
        analyses = await rebuilt.analyses(ids)
        assert [a.status if a else None for a in analyses] == [AnalysisStatus.SUCCEEDED] * 5
        assert analyses[0] is not None
        assert analyses[0].result_ref == f"results/solver/solver-{ids[0]}.json"
        with pytest.raises(GraphNotEmpty):
            await GraphSync(rebuilt, store).rebuild()
        assert await rebuilt.count_analyses(AnalysisFilter()) == 5
    finally:
        await rebuilt.close()


async def test_the_command_loads_and_rebuilds_on_either_object_store(
    objects: Objects, sandbox: Sandbox, index: PackageIndex, tmp_path: Path
) -> None:
    index.add_wheel("app", "1.0", requires=["dep"])
    # The API's graph: the one whose analyses asked for the results.
    graph = SqliteGraphStore(tmp_path / "a" / "graph.sqlite3")
    await graph.open()
    try:
        async with open_object_store(objects.url) as store:
            analysis_id = await analyse(
                graph, store, sandbox, "SOLVER", {"package_name": "app", "index_url": index.url}
            )
    finally:
        await graph.close()
    arguments = ["graph-sync", "--objects", objects.url, "--data-dir"]
    once = thoth(*arguments, str(tmp_path / "a"), environment=objects.environment)
    assert once == "1 result(s) loaded, 0 already known, 0 failed\n"
    again = thoth(*arguments, str(tmp_path / "a"), environment=objects.environment)
    assert again == "0 result(s) loaded, 1 already known, 0 failed\n"
    rebuilt = thoth(*arguments, str(tmp_path / "b"), "--rebuild", environment=objects.environment)
    assert rebuilt == "1 result(s) loaded, 0 already known, 0 failed; 1 analyses restored\n"
    graph = SqliteGraphStore(tmp_path / "b" / "graph.sqlite3")
    await graph.open()
    try:
        [analysis] = await graph.analyses([analysis_id])
        assert analysis is not None and analysis.status is AnalysisStatus.SUCCEEDED
        [dependencies] = await graph.dependencies_of([VersionKey("app", "1.0", index.url)])
        assert [d.name for d in dependencies] == ["dep"]
    finally:
        await graph.close()


async def test_an_inspection_past_the_observation_bounds_fails_and_writes_nothing(
    store: LocalObjectStore, sqlite_store: SqliteGraphStore
) -> None:
    # The bounds are the ingest service's, the same as recordStackObservation's.
    packages = [
        {"package_name": f"p{i}", "package_version": "1.0", "index_url": "https://pypi.org/simple"}
        for i in range(1001)
    ]
    analysis = Analysis(new_analysis_id(), AnalysisKind.STACK_INSPECTION, {"packages": packages})
    await sqlite_store.create_analyses([analysis])
    document_id = f"inspection-{analysis.id}"
    key = f"results/inspection/{document_id}.json"
    await put_json(
        store,
        key,
        {
            "metadata": {
                "document_id": document_id,
                "analyzer": "thoth-inspection",
                "datetime": "2026-01-01T00:00:00Z",
            },
            "environment": {"python_version": "3.11"},
            "stack": packages,
            "result": {
                "outcome": "SUCCESS",
                "message": "",
                "exit_status": 0,
                "duration_seconds": 1.0,
                "output_tail": "",
                "metrics": {},
            },
        },
    )
    report = await GraphSync(sqlite_store, store).load_results([key])
    assert report.loaded == []
    [(failed, reason)] = report.failed
    assert failed == key
    assert "$.packages: at most 1000 packages." in reason
    assert await sqlite_store.count_stack_observations(ObservationFilter()) == 0
    assert await sqlite_store.known_documents([document_id]) == set()
