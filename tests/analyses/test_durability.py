"""Durability with real processes: `serve` (or `dispatch`) and a runner killed with
SIGKILL in the middle of an analysis; after a restart every acknowledged analysis
finishes, and exactly once in the graph."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path
from typing import Any

from bench.package_index import PackageIndex
from bench.packages import hostile_sdist
from bench.thoth_processes import Objects, Process, Server, make_token
from tests.analyses.conftest import runner_pids
from tests.analyzer_runner.test_hostile import sandbox_processes
from thoth_graphql.analyses.ledger import read_dispatch_record
from thoth_graphql.analyses.local import UID_BASE
from thoth_graphql.domain import AnalysisStatus, VersionKey
from thoth_graphql.store.port import AnalysisFilter
from thoth_graphql.store.sqlite import SqliteGraphStore
from thoth_objects import get_json, open_object_store
from thoth_objects.layout import status_key

SLOW_BUILD = """
def attack():
    import time
    time.sleep(2)
    return 'Requires-Dist: six'
"""
SOLVE = """
mutation ($name: String!, $index: String!) {
  requestSolverAnalysis(input: {packageName: $name, indexUrl: $index}) {
    analysis { analysisId }
  }
}
"""
STATUS = "query ($id: ID!) { analysis(id: $id) { status error } }"


def publish(index: PackageIndex) -> None:
    hostile_sdist(index, "slow", SLOW_BUILD)  # its metadata build takes 2 s, in the sandbox
    index.add_wheel("quick", "1.0")
    index.add_wheel("other", "1.0", requires=["quick"])


def request(server: Server, token: str, index: PackageIndex, name: str) -> str:
    answer = server.graphql(SOLVE, token, name=name, index=index.url)
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]  # type: ignore[assignment]
    analysis_id: str = data["requestSolverAnalysis"]["analysis"]["analysisId"]
    return analysis_id


def wait_for(condition: Any, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.025)


def kill_in_the_middle(owner: Process, analysis_id: str) -> None:
    """SIGKILL the process that dispatches `analysis_id` and its runner, once the runner's
    sandboxed build is under way; neither the runner nor its sandbox may survive."""
    uid = UID_BASE  # slot 0: the only slot of a one-worker dispatcher
    wait_for(lambda: runner_pids(analysis_id) and sandbox_processes(uid), "the build")
    runners = runner_pids(analysis_id)
    owner.kill()
    for pid in runners:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not runner_pids(analysis_id), "the runner to be gone", 10)
    wait_for(lambda: not sandbox_processes(uid), "the sandbox to be gone", 10)


def finished(server: Server, analysis_id: str) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def done() -> bool:
        answer = server.graphql(STATUS, id=analysis_id)
        found.update(answer["data"]["analysis"])  # type: ignore[index]
        return found["status"] in ("SUCCEEDED", "FAILED")

    wait_for(done, f"analysis {analysis_id}")
    return found


async def assert_exactly_once(
    data_dir: Path, objects: Objects, index: PackageIndex, ids: dict[str, str], launches: int
) -> None:
    """Each analysis SUCCEEDED once; its package is in the graph once, with one statement
    of installability; the slow one was launched `launches` times."""
    graph = SqliteGraphStore(data_dir / "graph.sqlite3")
    await graph.open()
    try:
        assert await graph.count_analyses(AnalysisFilter()) == len(ids)
        for name, analysis_id in ids.items():
            [analysis] = await graph.analyses([analysis_id])
            assert analysis is not None and analysis.status is AnalysisStatus.SUCCEEDED
            [versions] = await graph.versions_of([name])
            assert [v.version for v in versions] == ["1.0"]
            key = VersionKey(name, "1.0", index.url)
            [installability] = await graph.installability_of([key])
            assert len(installability) == 1
            assert installability[0].provenance.document_ref == f"solver-{analysis_id}"
        [slow] = await graph.dependencies_of([VersionKey("slow", "1.0", index.url)])
        assert [d.name for d in slow] == ["six"]
    finally:
        await graph.close()
    async with open_object_store(objects.url) as store:
        record = await read_dispatch_record(store, ids["slow"])
        assert record is not None and record.launches == launches
        status = await get_json(store, status_key(ids["slow"]))
        assert (status["status"], status["attempt"]) == ("SUCCEEDED", launches)
        results = [k async for k in store.list_keys("results/")]
        assert sorted(results) == sorted(f"results/solver/solver-{i}.json" for i in ids.values())


async def test_killing_the_server_and_a_runner_loses_nothing(
    tmp_path: Path, local_objects: Objects, index: PackageIndex
) -> None:
    publish(index)
    data_dir = tmp_path / "data"
    token = make_token(data_dir)
    log = tmp_path / "serve.log"
    first = Server(data_dir, local_objects, workers=1, log=log)
    ids = {"slow": request(first, token, index, "slow")}
    ids["quick"] = request(first, token, index, "quick")  # acknowledged before the crash
    kill_in_the_middle(first, ids["slow"])

    second = Server(data_dir, local_objects, workers=1, log=log)
    try:
        assert finished(second, ids["slow"])["status"] == "SUCCEEDED"
        assert finished(second, ids["quick"])["status"] == "SUCCEEDED"
    finally:
        second.stop()
    await assert_exactly_once(data_dir, local_objects, index, ids, launches=2)


async def test_killing_the_dispatcher_and_a_runner_loses_nothing(
    tmp_path: Path, local_objects: Objects, index: PackageIndex
) -> None:
    publish(index)
    data_dir = tmp_path / "data"
    token = make_token(data_dir)
    server = Server(data_dir, local_objects, workers=0, log=tmp_path / "serve.log")
    dispatch = ["dispatch", "--data-dir", str(data_dir), "--objects", local_objects.url]
    dispatch += ["--workers", "1"]
    try:
        ids = {name: request(server, token, index, name) for name in ("slow", "quick", "other")}
        first = Process(dispatch, tmp_path / "dispatch.log", {})
        kill_in_the_middle(first, ids["slow"])
        second = Process(dispatch, tmp_path / "dispatch.log", {})
        try:
            for analysis_id in ids.values():
                assert finished(server, analysis_id)["status"] == "SUCCEEDED"
        finally:
            second.stop()
        assert "dispatch: stopped" in second.output()
    finally:
        server.stop()
    await assert_exactly_once(data_dir, local_objects, index, ids, launches=2)
