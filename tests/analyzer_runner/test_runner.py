"""Durability of a run: a failing store or a killed runner loses nothing, and a run
again finishes the analysis once, under the same document id."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from analyzer_runner.runner import run_analysis
from analyzer_runner.sandbox import Sandbox
from bench.package_index import PackageIndex
from bench.packages import hostile_sdist
from tests.analyzer_runner.test_hostile import sandbox_processes
from thoth_objects import LocalObjectStore, ObjectStoreError, get_json, put_json
from thoth_objects.layout import new_analysis_id, request_key, status_key

ROOT = Path(__file__).resolve().parents[2]


class FlakyStore(LocalObjectStore):
    """A local store whose first write of a result fails, as a store outage would."""

    failures = 1

    async def put(self, key: str, data: bytes) -> None:
        if key.startswith("results/") and self.failures:
            self.failures -= 1
            raise ObjectStoreError(f"{key}: put: connection reset")
        await super().put(key, data)


async def keys(store: LocalObjectStore, prefix: str) -> list[str]:
    return [key async for key in store.list_keys(prefix)]


async def test_a_store_failure_leaves_the_analysis_running_until_it_is_run_again(
    index: PackageIndex, tmp_path: Path, sandbox: Sandbox
) -> None:
    index.add_wheel("dep", "1.0")
    store = FlakyStore(tmp_path / "objects")
    analysis_id = new_analysis_id()
    request = {
        "analysis_id": analysis_id,
        "kind": "SOLVER",
        "parameters": {"package_name": "dep", "index_url": index.url},
    }
    await put_json(store, request_key(analysis_id), request)
    with pytest.raises(ObjectStoreError):
        await run_analysis(store, request_key(analysis_id), sandbox)
    status = await get_json(store, status_key(analysis_id))
    assert (status["status"], status["attempt"]) == ("RUNNING", 1)
    assert await keys(store, "results/") == []
    record = await run_analysis(store, request_key(analysis_id), sandbox)
    assert (record.status, record.attempt) == ("SUCCEEDED", 2)
    assert await keys(store, "results/") == [f"results/solver/solver-{analysis_id}.json"]


async def test_a_runner_killed_in_the_middle_is_run_again_and_its_sandbox_dies_with_it(
    index: PackageIndex, tmp_path: Path, sandbox: Sandbox
) -> None:
    slow = "def attack():\n    import time\n    time.sleep(2)\n    return 'Requires-Dist: six'\n"
    hostile_sdist(index, "slow", slow)
    url = str(tmp_path / "objects")
    store = LocalObjectStore(url)
    analysis_id = new_analysis_id()
    request = {
        "analysis_id": analysis_id,
        "kind": "SOLVER",
        "parameters": {"package_name": "slow", "index_url": index.url},
    }
    await put_json(store, request_key(analysis_id), request)
    command = [sys.executable, "-m", "analyzer_runner", "run", request_key(analysis_id)]
    scratch = tmp_path / "scratch"  # a killed runner leaves its workspace behind
    scratch.mkdir()
    runner = await asyncio.create_subprocess_exec(
        *command, "--objects", url, "--scratch", str(scratch), cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    uid = sandbox.program_uid
    for _ in range(400):  # until the build is running in its sandbox
        if sandbox_processes(uid):
            break
        await asyncio.sleep(0.025)
    assert sandbox_processes(uid), "the build never started"
    os.kill(runner.pid, signal.SIGKILL)
    await runner.wait()
    for _ in range(200):  # --die-with-parent: the sandbox goes with its runner
        if not sandbox_processes(uid):
            break
        await asyncio.sleep(0.025)
    assert sandbox_processes(uid) == []
    status = await get_json(store, status_key(analysis_id))
    assert (status["status"], status["attempt"]) == ("RUNNING", 1)
    record = await run_analysis(store, request_key(analysis_id), sandbox)
    assert (record.status, record.attempt) == ("SUCCEEDED", 2)
    [result] = await keys(store, "results/")
    document = json.loads(await store.get(result))
    assert document["metadata"]["document_id"] == f"solver-{analysis_id}"
    assert document["result"]["tree"][0]["dependencies"][0]["package_name"] == "six"
