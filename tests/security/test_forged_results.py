"""Issue 11, item 3: a compromised runner (it holds object-store credentials) cannot put
into the graph what no one asked for. graph-sync loads a result only for an analysis the
API queued and only if it is about what was asked (package, index, kind); the dispatcher
loads only the result key it expects, never the one a status record names. A result that
does not match is moved to `quarantine/`, reported, and not loaded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bench.thoth_processes import Objects, thoth
from tests.security.conftest import start_server
from thoth_graphql.analyses import Dispatcher, solver_spec
from thoth_graphql.analyses.dispatcher import RunEnd
from thoth_graphql.analyses.ledger import DispatchRecord
from thoth_graphql.analyses.service import AnalysisService
from thoth_graphql.domain import Analysis, AnalysisStatus
from thoth_graphql.store.sqlite import SqliteGraphStore
from thoth_graphql.sync import GraphSync
from thoth_objects import ObjectStore, get_json, open_object_store, put_json
from thoth_objects.layout import new_analysis_id, status_key

EVIL_INDEX = "https://evil.example/simple"
ADVISE = """
{ advise(input: {requirements: ["dask"]}) { stacks { packages { name version index } } } }
"""


def forged_dask(document_id: str) -> dict[str, Any]:
    """A valid solver document: dask 99.0.0 pulling evil-backdoor from another index."""
    return {
        "metadata": {
            "analyzer": "thoth-solver",
            "analyzer_version": "1.0",
            "datetime": "2026-01-01T00:00:00Z",
            "document_id": document_id,
        },
        "result": {
            "tree": [
                {
                    "package_name": "dask",
                    "package_version": "99.0.0",
                    "index_url": "https://pypi.org/simple",
                    "dependencies": [{"package_name": "evil-backdoor", "specifier": ">=1"}],
                },
                {
                    "package_name": "evil-backdoor",
                    "package_version": "1.0",
                    "index_url": EVIL_INDEX,
                    "dependencies": [],
                },
            ],
            "unresolved": [],
            "errors": [],
        },
    }


async def keys(store: ObjectStore, prefix: str) -> list[str]:
    return [k async for k in store.list_keys(prefix)]


async def test_graph_sync_quarantines_a_result_nobody_asked_for(
    data_dir: Path, local_objects: Objects, tmp_path: Path
) -> None:
    forged_id = new_analysis_id()
    result = f"results/solver/solver-{forged_id}.json"
    async with open_object_store(local_objects.url) as store:
        await put_json(store, result, forged_dask(f"solver-{forged_id}"))
        await put_json(
            store,
            f"completed/20260101T000000.000000Z-{forged_id}.json",
            {"analysis_id": forged_id, "result_key": result},
        )
    data_dir.mkdir(parents=True)  # noqa: ASYNC240 - a test's set-up, before anything runs
    synced = thoth("graph-sync", "--data-dir", str(data_dir), "--objects", local_objects.url)
    assert synced.startswith("0 result(s) loaded"), synced
    assert "2 quarantined" in synced  # the marker and the result it names

    server = start_server(data_dir, local_objects, tmp_path / "serve.log")
    try:
        advised: dict[str, Any] = server.graphql(ADVISE)
    finally:
        server.stop()
    assert advised["data"]["advise"]["stacks"] == []
    async with open_object_store(local_objects.url) as store:
        assert await keys(store, "results/") == []
        assert await keys(store, "completed/") == []
        moved = await keys(store, "quarantine/")
        assert sorted(moved) == sorted(
            [
                f"quarantine/{result}",
                f"quarantine/completed/20260101T000000.000000Z-{forged_id}.json",
            ]
        )
        record = await get_json(store, f"quarantine/{result}")
        assert record["reason"] == f"no analysis {forged_id} was requested"
        assert "evil-backdoor" in record["content"]


class ForgingLauncher:
    """A launcher whose "runner" is compromised: it writes what `forge` writes."""

    name = "forging"
    slots = 1
    survives_dispatcher = False

    def __init__(self, forge: Callable[[Analysis], Awaitable[None]]) -> None:
        self.forge = forge

    def job_name(self, analysis_id: str, launch: int) -> str | None:
        return None

    async def start(self, analysis: Analysis, record: DispatchRecord) -> ForgedRun:
        await self.forge(analysis)
        return ForgedRun()

    async def reattach(self, record: DispatchRecord) -> ForgedRun | None:
        return None

    async def close(self) -> None:
        return None


class ForgedRun:
    async def wait(self) -> RunEnd:
        return RunEnd("exited")

    async def stop(self) -> None:
        return None


@pytest.fixture
async def objects(tmp_path: Path) -> AsyncIterator[ObjectStore]:
    async with open_object_store(str(tmp_path / "objects")) as store:
        yield store


async def run_one(
    graph: SqliteGraphStore,
    objects: ObjectStore,
    forge: Callable[[Analysis], Awaitable[None]],
) -> Analysis:
    """Request a solver analysis of `app` and dispatch it to the forging runner."""
    dispatcher = Dispatcher(graph, objects, ForgingLauncher(forge), poll_seconds=0.05)
    service = AnalysisService(graph, objects, on_queued=dispatcher.wake)
    requested = await service.request(solver_spec("app"), "requester")
    task = asyncio.create_task(dispatcher.run())
    try:
        async with asyncio.timeout(30):
            while True:
                [found] = await graph.analyses([requested.id])
                assert found is not None
                if found.status.finished:
                    return found
                await asyncio.sleep(0.05)
    finally:
        dispatcher.stop()
        await task


async def succeeded(objects: ObjectStore, analysis: Analysis, result: str) -> None:
    await put_json(
        objects,
        status_key(analysis.id),
        {"analysis_id": analysis.id, "status": "SUCCEEDED", "attempt": 1, "result_key": result},
    )


async def test_the_dispatcher_does_not_load_the_key_a_status_names(
    sqlite_store: SqliteGraphStore, objects: ObjectStore
) -> None:
    async def forge(analysis: Analysis) -> None:
        await put_json(objects, "results/solver/solver-planted.json", forged_dask("solver-planted"))
        await succeeded(objects, analysis, "results/solver/solver-planted.json")

    done = await run_one(sqlite_store, objects, forge)
    assert done.status is AnalysisStatus.FAILED
    assert done.error is not None and "results/solver/solver-planted.json" in done.error
    assert await sqlite_store.packages(["dask", "evil-backdoor"]) == [None, None]


async def test_the_dispatcher_quarantines_a_result_about_another_package(
    sqlite_store: SqliteGraphStore, objects: ObjectStore
) -> None:
    async def forge(analysis: Analysis) -> None:
        result = f"results/solver/solver-{analysis.id}.json"
        await put_json(objects, result, forged_dask(f"solver-{analysis.id}"))
        await succeeded(objects, analysis, result)

    done = await run_one(sqlite_store, objects, forge)
    assert done.status is AnalysisStatus.FAILED
    assert done.error is not None and "quarantined" in done.error and "dask" in done.error
    assert await sqlite_store.packages(["dask", "evil-backdoor"]) == [None, None]
    assert await keys(objects, "results/") == []
    assert await keys(objects, "quarantine/") == [
        f"quarantine/results/solver/solver-{done.id}.json"
    ]


async def test_graph_sync_quarantines_a_result_about_another_package_and_says_so(
    sqlite_store: SqliteGraphStore, objects: ObjectStore
) -> None:
    service = AnalysisService(sqlite_store, objects)
    requested = await service.request(solver_spec("app"), "requester")
    result = f"results/solver/solver-{requested.id}.json"
    await put_json(objects, result, forged_dask(f"solver-{requested.id}"))
    await put_json(
        objects,
        f"completed/20260101T000000.000000Z-{requested.id}.json",
        {"analysis_id": requested.id, "result_key": result},
    )
    report = await GraphSync(sqlite_store, objects).sync_completed()
    assert await sqlite_store.packages(["dask", "evil-backdoor"]) == [None, None]
    assert (report.loaded, [key for key, _ in report.quarantined]) == ([], [result])
    [analysis] = await sqlite_store.analyses([requested.id])
    assert analysis is not None and analysis.status is AnalysisStatus.FAILED
    assert analysis.error is not None
    assert "quarantined" in analysis.error and "app was asked for" in analysis.error
