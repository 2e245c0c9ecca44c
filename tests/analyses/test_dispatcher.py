"""The local dispatcher in this process, with real runner processes (bubblewrap sandboxes)
against the local index: claims, results loaded into the graph, failures, bounded
retries and recovery of analyses whose dispatcher died."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from analyzer_runner.egress import INDEXES_VARIABLE
from bench.janusgraph_server import free_port
from bench.package_index import PackageIndex, allow_loopback
from bench.packages import hostile_sdist
from tests.analyses.conftest import runner_pids
from thoth_graphql.analyses import Dispatcher, LocalLauncher, solver_spec
from thoth_graphql.analyses.dispatcher import Identity
from thoth_graphql.analyses.ledger import (
    DispatchRecord,
    read_dispatch_record,
    write_dispatch_record,
)
from thoth_graphql.analyses.requests import inspection_spec, request_document
from thoth_graphql.analyses.service import AnalysisService
from thoth_graphql.domain import (
    Analysis,
    AnalysisKind,
    AnalysisStatus,
    ObservationSource,
    StackOutcome,
    VersionKey,
)
from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_graphql.store.port import ObservationFilter
from thoth_graphql.store.sqlite import SqliteGraphStore
from thoth_objects import LocalObjectStore, get_json, put_json
from thoth_objects.layout import new_analysis_id, request_key, status_key


@dataclass
class Setup:
    graph: SqliteGraphStore
    objects: LocalObjectStore
    service: AnalysisService
    dispatcher: Dispatcher
    launcher: LocalLauncher


@pytest.fixture
async def setup(
    sqlite_store: SqliteGraphStore, tmp_path: Path, index: PackageIndex
) -> AsyncIterator[Setup]:
    # `index` first: it allows itself in the environment the launcher hands its runners.
    url = str(tmp_path / "objects")
    objects = LocalObjectStore(url)
    await objects.open()
    launcher = LocalLauncher(url, 2, tmp_path / "runs")
    dispatcher = Dispatcher(
        sqlite_store, objects, launcher, poll_seconds=0.05, backoff_seconds=0.05
    )
    service = AnalysisService(sqlite_store, objects, on_queued=dispatcher.wake)
    yield Setup(sqlite_store, objects, service, dispatcher, launcher)


async def until(
    setup: Setup, ids: list[str], condition: Callable[[list[Analysis]], bool] | None = None
) -> list[Analysis]:
    """Run the dispatcher until these analyses are finished (or `condition` holds)."""
    task = asyncio.create_task(setup.dispatcher.run())
    try:
        async with asyncio.timeout(90):
            while True:
                found = [a for a in await setup.graph.analyses(ids) if a is not None]
                if condition(found) if condition else all(a.status.finished for a in found):
                    return found
                assert not task.done(), task.exception()
                await asyncio.sleep(0.05)
    finally:
        setup.dispatcher.stop()
        await task


async def test_a_solved_package_is_in_the_graph_when_its_analysis_succeeds(
    setup: Setup, index: PackageIndex
) -> None:
    index.add_wheel("app", "1.0", requires=["dep>=1"])
    index.add_wheel("app", "2.0", requires=["dep>=2", "extra-thing; python_version < '3'"])
    index.add_wheel("dep", "2.0")
    first = await setup.service.request(solver_spec("app", None, index.url), "test")
    second = await setup.service.request(solver_spec("dep", "2.0", index.url), "test")
    done = await until(setup, [first.id, second.id])
    assert [a.status for a in done] == [AnalysisStatus.SUCCEEDED] * 2
    assert done[0].result_ref == f"results/solver/solver-{first.id}.json"
    [versions] = await setup.graph.versions_of(["app"])
    assert [v.version for v in versions] == ["2.0", "1.0"]
    [dependencies] = await setup.graph.dependencies_of([versions[0].key])
    assert [d.name for d in dependencies] == ["dep", "extra-thing"]
    [installability] = await setup.graph.installability_of([versions[0].key])
    assert [(i.installable, i.provenance.source) for i in installability] == [
        (True, ObservationSource.SOLVER)
    ]
    assert installability[0].provenance.document_ref == f"solver-{first.id}"
    record = await read_dispatch_record(setup.objects, first.id)
    assert record is not None and record.launches == 1
    assert setup.dispatcher.finished == 2
    assert os.listdir(setup.launcher.scratch)  # one folder and one log per slot used


async def test_a_failure_that_a_retry_cannot_mend_fails_at_once(
    setup: Setup, index: PackageIndex
) -> None:
    index.add_wheel("dep", "1.0")
    spec = inspection_spec([("dep", "1.0", index.url, ["0" * 64])])
    analysis = await setup.service.request(spec, "test")
    [done] = await until(setup, [analysis.id])
    assert done.status is AnalysisStatus.FAILED
    assert done.error is not None and "sha256" in done.error
    record = await read_dispatch_record(setup.objects, analysis.id)
    assert record is not None and record.launches == 1


async def test_retryable_failures_are_retried_a_bounded_number_of_times(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = f"http://127.0.0.1:{free_port()}/simple"  # nothing listens there
    allow_loopback(monkeypatch, down)
    allowed = os.environ[INDEXES_VARIABLE]
    monkeypatch.setitem(setup.launcher.environ, INDEXES_VARIABLE, allowed)
    analysis = await setup.service.request(solver_spec("dep", None, down), "test")
    [done] = await until(setup, [analysis.id])
    assert done.status is AnalysisStatus.FAILED
    assert done.error is not None
    assert "the index could not be read" in done.error
    assert done.error.endswith("(gave up after 3 attempts)")
    status = await get_json(setup.objects, status_key(analysis.id))
    assert status["attempt"] == 3


async def test_an_inspection_becomes_a_stack_observation(setup: Setup, index: PackageIndex) -> None:
    index.add_wheel("app", "1.0", requires=["dep>=2"])
    index.add_wheel("dep", "2.0")
    spec = inspection_spec(
        [("app", "1.0", index.url, []), ("dep", "2.0", index.url, [])],
        script="import app, dep\nprint('THOTH_METRIC speed=4.5')\n",
    )
    analysis = await setup.service.request(spec, "test")
    [done] = await until(setup, [analysis.id])
    assert done.status is AnalysisStatus.SUCCEEDED, done.error
    where = ObservationFilter(source=ObservationSource.INSPECTION)
    [observation] = await setup.graph.list_stack_observations(where, 10)
    assert observation.outcome is StackOutcome.SUCCESS
    assert observation.metrics == {"speed": 4.5}
    assert observation.provenance.document_ref == f"inspection-{analysis.id}"
    assert observation.packages == (
        VersionKey("app", "1.0", index.url),
        VersionKey("dep", "2.0", index.url),
    )


async def test_an_analysis_without_its_request_gets_it_from_the_graph(
    setup: Setup, index: PackageIndex
) -> None:
    """What a crash between the API's two writes leaves behind still runs."""
    index.add_wheel("dep", "1.0")
    analysis = Analysis(
        new_analysis_id(),
        AnalysisKind.SOLVER,
        solver_spec("dep", None, index.url).parameters(),
        created_at=utc_timestamp(),
    )
    await setup.graph.create_analyses([analysis])
    [done] = await until(setup, [analysis.id])
    assert done.status is AnalysisStatus.SUCCEEDED
    assert await get_json(setup.objects, request_key(analysis.id)) == request_document(analysis)


async def claimed_by_a_dead_dispatcher(setup: Setup, analysis: Analysis) -> Analysis:
    """The analysis as a dispatcher on this host left it when it died mid-run."""
    running = analysis.moved_to(AnalysisStatus.RUNNING, utc_timestamp())
    assert await setup.graph.update_analysis(running, expected=AnalysisStatus.QUEUED)
    me = Identity.current()
    record = DispatchRecord(
        analysis.id,
        launches=1,
        launcher="local",
        dispatcher=f"{me.host}/1/dead",
        host=me.host,
        pid=me.pid,
        pid_started=me.pid_started - 1,  # this pid, but another process' start: gone
        claimed_at=utc_timestamp(),
    )
    await write_dispatch_record(setup.objects, record)
    return running


async def test_an_analysis_whose_dispatcher_died_is_run_again(
    setup: Setup, index: PackageIndex
) -> None:
    index.add_wheel("dep", "1.0")
    analysis = await setup.service.request(solver_spec("dep", None, index.url), "test")
    await claimed_by_a_dead_dispatcher(setup, analysis)
    await put_json(
        setup.objects,
        status_key(analysis.id),
        {"analysis_id": analysis.id, "status": "RUNNING", "attempt": 1, "started_at": "x"},
    )
    [done] = await until(setup, [analysis.id])
    assert done.status is AnalysisStatus.SUCCEEDED
    record = await read_dispatch_record(setup.objects, analysis.id)
    assert record is not None and record.launches == 2
    status = await get_json(setup.objects, status_key(analysis.id))
    assert status["attempt"] == 2


async def test_a_result_finished_while_nobody_watched_is_concluded_without_a_run(
    setup: Setup, index: PackageIndex
) -> None:
    index.add_wheel("dep", "1.0")
    analysis = await setup.service.request(solver_spec("dep", None, index.url), "test")
    # A first dispatcher ran it to the end, and died before it could record that.
    [finished] = await until(setup, [analysis.id])
    setup.dispatcher = Dispatcher(
        setup.graph, setup.objects, setup.launcher, poll_seconds=0.05, backoff_seconds=0.05
    )
    restored = replace(finished, status=AnalysisStatus.QUEUED, finished_at=None, result_ref=None)
    assert await setup.graph.update_analysis(restored)
    await claimed_by_a_dead_dispatcher(setup, restored)
    [done] = await until(setup, [analysis.id])
    assert done.status is AnalysisStatus.SUCCEEDED
    assert done.result_ref == finished.result_ref
    status = await get_json(setup.objects, status_key(analysis.id))
    assert status["attempt"] == 1  # not run again
    record = await read_dispatch_record(setup.objects, analysis.id)
    assert record is not None and record.launches == 1


async def test_a_graceful_stop_queues_running_analyses_again_without_counting_them(
    setup: Setup, index: PackageIndex
) -> None:
    slow = "def attack():\n    import time\n    time.sleep(30)\n    return ''\n"
    hostile_sdist(index, "slow", slow)
    analysis = await setup.service.request(solver_spec("slow", None, index.url), "test")
    task = asyncio.create_task(setup.dispatcher.run())
    for _ in range(400):
        if analysis.id in setup.launcher.runs:
            break
        await asyncio.sleep(0.025)
    assert runner_pids(analysis.id)
    setup.dispatcher.stop()
    async with asyncio.timeout(20):
        await task
    assert runner_pids(analysis.id) == []
    [left] = await setup.graph.analyses([analysis.id])
    assert left is not None and left.status is AnalysisStatus.QUEUED
    record = await read_dispatch_record(setup.objects, analysis.id)
    assert record is not None and record.launches == 0
