"""The Kubernetes launcher: Job manifests validated against the Kubernetes JSON schemas
(offline, kubernetes-validate), and submission and watching against a stand-in API server
on loopback that records every request and runs each Job's command as a local process
(there is no cluster here)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from bench.package_index import PackageIndex
from bench.thoth_processes import ROOT, Objects
from tests.s3_server import CREDENTIALS, S3Server
from thoth_graphql.analyses import Dispatcher, solver_spec
from thoth_graphql.analyses.kubernetes import (
    JobSettings,
    KubernetesApi,
    KubernetesError,
    KubernetesLauncher,
    job_manifest,
    job_name,
)
from thoth_graphql.analyses.service import AnalysisService
from thoth_graphql.domain import AnalysisStatus
from thoth_graphql.store.sqlite import SqliteGraphStore
from thoth_objects import ObjectStore, open_object_store

KUBERNETES_VERSION = "1.30"
SETTINGS = JobSettings("registry.example/thoth-graphql:1.0", "s3://bucket/thoth?region=x")
LONG_ID = "20260101T120000Z-" + "x" * 100
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


@pytest.mark.parametrize("analysis_id", ["20260101T120000Z-3f9c2a1b", LONG_ID, "a.b_C"])
def test_the_job_manifest_is_valid_kubernetes(analysis_id: str) -> None:
    name = job_name(analysis_id, 3)
    assert len(name) <= 63 and DNS_LABEL.fullmatch(name), name
    manifest = job_manifest(SETTINGS, analysis_id, name)
    kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
    assert manifest["metadata"]["annotations"] == {"thoth-graphql.example/analysis-id": analysis_id}


def test_the_job_is_locked_down_and_holds_no_graph_credentials() -> None:
    manifest = job_manifest(SETTINGS, "a-1", job_name("a-1", 1))
    spec = manifest["spec"]
    assert (spec["backoffLimit"], spec["activeDeadlineSeconds"]) == (0, 900)
    assert spec["ttlSecondsAfterFinished"] == 3600
    pod = spec["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    [container] = pod["containers"]
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    assert set(container["resources"]["limits"]) == {"cpu", "memory", "ephemeral-storage"}
    assert container["command"] == [
        "python", "-m", "analyzer_runner", "run", "requests/a-1.json",
    ]  # fmt: skip
    env = {e["name"]: e for e in container["env"]}
    assert set(env) == {
        "THOTH_OBJECTS", "THOTH_SANDBOX", "TMPDIR", "HOME", "PYTHONDONTWRITEBYTECODE",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
        "THOTH_EGRESS_INDEXES", "THOTH_EGRESS_FILE_HOSTS", "THOTH_EGRESS_NETWORKS",
    }  # fmt: skip
    # The runner gets the dispatcher's egress policy: the same lists on both sides.
    assert env["THOTH_EGRESS_INDEXES"]["value"] == " ".join(SETTINGS.egress.indexes)
    for secret in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        assert env[secret]["valueFrom"]["secretKeyRef"] == {
            "name": "thoth-objects-credentials",
            "key": secret,
        }
    assert env["THOTH_OBJECTS"]["value"] == SETTINGS.objects_url


def test_a_pod_cannot_use_a_folder_as_its_object_store() -> None:
    with pytest.raises(ValueError, match="s3://"):
        JobSettings("image", "/var/lib/thoth/objects")


@dataclass
class StandInCluster:
    """An API server for Jobs: records requests; runs each Job's command as a process
    with the Job's environment (secrets resolved from `secrets`), like a kubelet."""

    secrets: dict[str, dict[str, str]]
    run_jobs: bool = True
    requests: list[tuple[str, str, dict[str, str], Any]] = field(default_factory=list)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    refuse_with: int | None = None
    url: str = ""
    threads: list[threading.Thread] = field(default_factory=list)

    def _environment(self, container: dict[str, Any]) -> dict[str, str]:
        environment = {"PATH": os.environ["PATH"]}
        for entry in container["env"]:
            if "value" in entry:
                environment[entry["name"]] = entry["value"]
            else:
                reference = entry["valueFrom"]["secretKeyRef"]
                environment[entry["name"]] = self.secrets[reference["name"]][reference["key"]]
        return environment

    def _run(self, name: str, tmp: Path) -> None:
        container = self.jobs[name]["spec"]["template"]["spec"]["containers"][0]
        environment = self._environment(container)
        scratch = tmp / name
        scratch.mkdir()
        environment["TMPDIR"] = environment["HOME"] = str(scratch)
        command = [sys.executable, *container["command"][1:]]
        done = subprocess.run(command, env=environment, cwd=ROOT, capture_output=True, check=False)
        condition = "Complete" if done.returncode == 0 else "Failed"
        self.jobs[name]["status"] = {"conditions": [{"type": condition, "status": "True"}]}

    def answer(
        self, method: str, path: str, headers: dict[str, str], body: Any, tmp: Path
    ) -> tuple[int, Any]:
        self.requests.append((method, path, headers, body))
        if self.refuse_with is not None:
            return self.refuse_with, {"kind": "Status", "message": "jobs is forbidden"}
        match = re.fullmatch(r"/apis/batch/v1/namespaces/([^/]+)/jobs(?:/([^/]+))?", path)
        if match is None:
            return 404, {"message": "not found"}
        name = match.group(2)
        if method == "POST":
            name = body["metadata"]["name"]
            if name in self.jobs:
                return 409, {"message": f'jobs "{name}" already exists'}
            self.jobs[name] = {**body, "status": {}}
            if self.run_jobs:
                thread = threading.Thread(target=self._run, args=(name, tmp))
                self.threads.append(thread)
                thread.start()
            return 201, self.jobs[name]
        if name not in self.jobs:
            return 404, {"message": "not found"}
        if method == "DELETE":
            return 200, self.jobs.pop(name)
        return 200, self.jobs[name]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[StandInCluster]:
    stand_in = StandInCluster({"thoth-objects-credentials": dict(CREDENTIALS)})
    (tmp_path / "jobs").mkdir()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            status, answer = stand_in.answer(
                self.command, self.path, dict(self.headers), body, tmp_path / "jobs"
            )
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _handle

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        for job in stand_in.threads:
            job.join(timeout=60)


@pytest.fixture
def api(cluster: StandInCluster, tmp_path: Path) -> KubernetesApi:
    token = tmp_path / "token"
    token.write_text("service-account-token\n")
    return KubernetesApi(cluster.url, token_file=token)


async def test_a_job_is_submitted_with_the_service_account_token(
    cluster: StandInCluster, api: KubernetesApi
) -> None:
    cluster.run_jobs = False
    manifest = job_manifest(SETTINGS, "a-1", job_name("a-1", 1))
    try:
        assert await api.create_job(manifest) is True
        assert await api.create_job(manifest) is False  # a retried submission
        [(method, path, headers, body), _] = cluster.requests
        assert (method, path) == ("POST", "/apis/batch/v1/namespaces/thoth-middletier/jobs")
        assert headers["Authorization"] == "Bearer service-account-token"
        assert body == manifest
        assert await api.job("thoth-middletier", "nope") is None
        cluster.refuse_with = 403
        with pytest.raises(KubernetesError, match="403: jobs is forbidden"):
            await api.create_job(manifest)
    finally:
        await api.close()


@pytest.fixture
async def s3(
    s3_server: S3Server, s3_credentials: dict[str, str]
) -> AsyncIterator[tuple[Objects, ObjectStore]]:
    objects = Objects(s3_server.url(s3_server.create_bucket(), "thoth"), dict(CREDENTIALS))
    async with open_object_store(objects.url) as store:
        yield objects, store


async def finished(graph: SqliteGraphStore, analysis_id: str) -> AnalysisStatus:
    async with asyncio.timeout(60):
        while True:
            [found] = await graph.analyses([analysis_id])
            assert found is not None
            if found.status.finished:
                assert found.status is AnalysisStatus.SUCCEEDED, found.error
                return found.status
            await asyncio.sleep(0.05)


async def test_analyses_run_as_jobs_and_a_new_dispatcher_adopts_them(
    cluster: StandInCluster,
    api: KubernetesApi,
    s3: tuple[Objects, ObjectStore],
    sqlite_store: SqliteGraphStore,
    index: PackageIndex,
) -> None:
    objects, store = s3
    index.add_wheel("app", "1.0", requires=["dep"])
    settings = JobSettings("registry.example/thoth-graphql:1.0", objects.url)
    service = AnalysisService(sqlite_store, store)
    analysis = await service.request(solver_spec("app", None, index.url), "test")

    def dispatcher() -> Dispatcher:
        launcher = KubernetesLauncher(api, store, settings, slots=2, poll_seconds=0.05)
        return Dispatcher(sqlite_store, store, launcher, poll_seconds=0.05)

    first = dispatcher()
    running = asyncio.create_task(first.run())
    for _ in range(1500):  # until the Job was submitted
        if cluster.jobs:
            break
        await asyncio.sleep(0.02)
    assert cluster.jobs, "no Job was submitted"
    first.stop()  # the Job goes on without it
    await running
    [left] = await sqlite_store.analyses([analysis.id])
    assert left is not None and left.status is AnalysisStatus.RUNNING

    second = dispatcher()
    running = asyncio.create_task(second.run())
    try:
        assert await finished(sqlite_store, analysis.id) is AnalysisStatus.SUCCEEDED
    finally:
        second.stop()
        await running
        await api.close()
    assert list(cluster.jobs) == [job_name(analysis.id, 1)]
    [(_, _, _, body)] = [r for r in cluster.requests if r[0] == "POST"]
    kubernetes_validate.validate(body, KUBERNETES_VERSION, strict=True)
    [versions] = await sqlite_store.versions_of(["app"])
    assert [v.version for v in versions] == ["1.0"]
