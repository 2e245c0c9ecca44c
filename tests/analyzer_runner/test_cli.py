"""`python -m analyzer_runner run <request-key> --objects URL`, on both object stores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.janusgraph_server import free_port
from bench.package_index import PackageIndex
from tests.analyzer_runner.conftest import SECRET, assert_valid
from tests.s3_server import CREDENTIALS, S3Server
from thoth_objects import open_object_store, put_json
from thoth_objects.layout import new_analysis_id, request_key

ROOT = Path(__file__).resolve().parents[2]


def runner(
    *arguments: str, environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_SECRET_ACCESS_KEY": SECRET, **(environment or {})}
    return subprocess.run(
        [sys.executable, "-m", "analyzer_runner", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def solver_request(index: PackageIndex, name: str = "dep") -> dict[str, Any]:
    return {
        "analysis_id": new_analysis_id(),
        "kind": "SOLVER",
        "parameters": {"package_name": name, "index_url": index.url},
    }


async def stored(url: str) -> dict[str, bytes]:
    async with open_object_store(url) as store:
        return {key: await store.get(key) async for key in store.list_keys()}


async def test_a_request_in_a_local_folder_is_run_and_recorded(
    index: PackageIndex, tmp_path: Path
) -> None:
    index.add_wheel("dep", "2.0", requires=["six"])
    url = str(tmp_path / "objects")
    request = solver_request(index)
    analysis_id = request["analysis_id"]
    async with open_object_store(url) as store:
        await put_json(store, request_key(analysis_id), request)
    finished = runner("run", request_key(analysis_id), "--objects", url)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == f"{analysis_id} SUCCEEDED\n"
    objects = await stored(url)
    [completion] = [k for k in objects if k.startswith("completed/")]
    assert sorted(objects) == sorted(
        [
            f"requests/{analysis_id}.json",
            f"status/{analysis_id}.json",
            f"results/solver/solver-{analysis_id}.json",
            completion,
        ]
    )
    status = json.loads(objects[f"status/{analysis_id}.json"])
    assert_valid(status, "analysis-status.schema.json")
    assert (status["status"], status["attempt"]) == ("SUCCEEDED", 1)
    assert json.loads(objects[completion])["result_key"] == status["result_key"]
    document = json.loads(objects[status["result_key"]])
    assert document["result"]["tree"][0]["dependencies"][0]["package_name"] == "six"
    assert all(SECRET.encode() not in data for data in objects.values())

    again = runner("run", request_key(analysis_id), "--objects", url)
    assert again.returncode == 0
    assert json.loads((await stored(url))[f"status/{analysis_id}.json"])["attempt"] == 1
    forced = runner("run", request_key(analysis_id), "--objects", url, "--force")
    assert forced.returncode == 0
    after = await stored(url)
    assert json.loads(after[f"status/{analysis_id}.json"])["attempt"] == 2
    assert len([k for k in after if k.startswith("results/")]) == 1


async def test_a_request_in_an_s3_bucket_is_run_and_recorded(
    index: PackageIndex, s3_server: S3Server, s3_credentials: dict[str, str]
) -> None:
    index.add_wheel("dep", "2.0")
    url = s3_server.url(s3_server.create_bucket(), "thoth")
    request = solver_request(index)
    analysis_id = request["analysis_id"]
    async with open_object_store(url) as store:
        await put_json(store, request_key(analysis_id), request)
    finished = runner(
        "run", request_key(analysis_id), "--objects", url, environment=dict(CREDENTIALS)
    )
    assert finished.returncode == 0, finished.stderr
    objects = await stored(url)
    status = json.loads(objects[f"status/{analysis_id}.json"])
    assert status["result_key"] == f"results/solver/solver-{analysis_id}.json"
    assert status["result_key"] in objects
    assert CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in finished.stdout + finished.stderr


async def test_failures_are_recorded_with_their_reason(index: PackageIndex, tmp_path: Path) -> None:
    url = str(tmp_path / "objects")
    bad = {"analysis_id": "a-1", "kind": "SOLVER", "parameters": {"package_name": "-no-"}}
    async with open_object_store(url) as store:
        await put_json(store, request_key("a-1"), bad)
    finished = runner("run", "requests/a-1.json", "--objects", url)
    assert finished.returncode == 1
    assert finished.stdout == (
        "a-1 FAILED: invalid request: package_name '-no-' is not a valid project name\n"
    )
    async with open_object_store(url) as store:
        await store.put(request_key("a-3"), b"{not json")
    garbled = runner("run", "requests/a-3.json", "--objects", url)
    assert garbled.returncode == 1
    assert garbled.stdout.startswith("a-3 FAILED: invalid request: not JSON: ")
    missing = runner("run", "requests/a-2.json", "--objects", url)
    assert missing.returncode == 1
    assert missing.stdout == "a-2 FAILED: no request under 'requests/a-2.json'\n"
    status = json.loads((await stored(url))["status/a-2.json"])
    assert_valid(status, "analysis-status.schema.json")


async def test_none_mode_is_recorded_in_the_document(index: PackageIndex, tmp_path: Path) -> None:
    index.add_wheel("dep", "2.0")
    url = str(tmp_path / "objects")
    request = solver_request(index)
    async with open_object_store(url) as store:
        await put_json(store, request_key(request["analysis_id"]), request)
    finished = runner(
        "run", request_key(request["analysis_id"]), "--objects", url,
        environment={"THOTH_SANDBOX": "none"},
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    [result] = [v for k, v in (await stored(url)).items() if k.startswith("results/")]
    assert json.loads(result)["metadata"]["sandbox"]["mode"] == "none"


def test_usage_and_store_errors_have_their_own_exit_statuses(tmp_path: Path) -> None:
    no_store = runner("run", "requests/a.json", environment={"THOTH_OBJECTS": ""})
    assert (no_store.returncode, no_store.stderr) == (
        2,
        "error: --objects (or THOTH_OBJECTS) is required\n",
    )
    bad_key = runner("run", "results/solver/x.json", "--objects", str(tmp_path))
    assert bad_key.returncode == 2
    assert "not a request or status key" in bad_key.stderr
    bad_sandbox = runner(
        "run", "requests/a.json", "--objects", str(tmp_path), environment={"THOTH_SANDBOX": "x"}
    )
    assert bad_sandbox.returncode == 2
    unreachable = f"s3://bucket?endpoint_url=http://127.0.0.1:{free_port()}"
    environment = {**CREDENTIALS, "AWS_MAX_ATTEMPTS": "1"}
    down = runner("run", "requests/a.json", "--objects", unreachable, environment=environment)
    assert down.returncode == 3
    assert down.stderr.startswith("error: the object store cannot be used:")
    assert CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in down.stderr
