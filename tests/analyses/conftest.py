"""Fixtures for the analyses: the runner tests' local index, object stores of both kinds,
the S3 server, and real `thoth-graphql` processes on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.analyzer_runner.package_index import PackageIndex, allow_loopback, serve
from tests.api.conftest import add_token
from tests.api.graphql_client import GraphQLClient
from tests.janusgraph_server import free_port
from tests.s3_server import CREDENTIALS, S3Server, s3_credentials, s3_server
from thoth_graphql.analyses.rate_limit import RateLimiter
from thoth_graphql.analyses.service import AnalysisService
from thoth_graphql.api import create_app
from thoth_graphql.domain import TokenScope
from thoth_graphql.objects import LocalObjectStore, ObjectStore, open_object_store
from thoth_graphql.services import Services
from thoth_graphql.store.sqlite import SqliteGraphStore

__all__ = ["s3_credentials", "s3_server"]

ROOT = Path(__file__).resolve().parents[2]
OBJECT_STORES = ("local", "s3")


@pytest.fixture
def index(monkeypatch: pytest.MonkeyPatch) -> Iterator[PackageIndex]:
    with serve(PackageIndex()) as running:
        allow_loopback(monkeypatch, running.url)
        yield running


@dataclass(frozen=True)
class Objects:
    """An object store for a test: its URL and the environment a process needs for it."""

    url: str
    environment: dict[str, str] = field(default_factory=dict)


@pytest.fixture(params=OBJECT_STORES)
def objects(request: pytest.FixtureRequest, tmp_path: Path) -> Objects:
    """A fresh object store: a local folder, or a new bucket on the S3 server."""
    if request.param == "local":
        return Objects(str(tmp_path / "objects"))
    server: S3Server = request.getfixturevalue("s3_server")
    request.getfixturevalue("s3_credentials")
    return Objects(server.url(server.create_bucket(), "thoth"), dict(CREDENTIALS))


@pytest.fixture
def local_objects(tmp_path: Path) -> Objects:
    return Objects(str(tmp_path / "objects"))


@pytest.fixture
async def object_store(local_objects: Objects) -> AsyncIterator[ObjectStore]:
    async with open_object_store(local_objects.url) as opened:
        yield opened


def thoth(*arguments: str, environment: dict[str, str] | None = None) -> str:
    """Run `thoth-graphql` to completion; its stdout (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-m", "thoth_graphql", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **(environment or {})},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def make_token(data_dir: Path) -> str:
    return thoth("token", "create", "--data-dir", str(data_dir), "--name", "tests").strip()


class Process:
    """A `thoth-graphql` process (serve or dispatch) started by a test, stopped by its PID."""

    def __init__(self, arguments: list[str], log: Path, environment: dict[str, str]) -> None:
        self.log = log
        with open(log, "ab") as output:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "thoth_graphql", *arguments],
                stdout=output,
                stderr=output,
                cwd=ROOT,
                env={**os.environ, **environment},
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not end within 20 s."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class Server(Process):
    """`thoth-graphql serve` on a free loopback port, ready when /healthz answers."""

    def __init__(
        self,
        data_dir: Path,
        objects: Objects,
        *,
        workers: int = 2,
        log: Path,
        environment: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        arguments = [
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            str(data_dir),
            "--objects",
            objects.url,
            "--workers",
            str(workers),
        ]
        super().__init__(arguments, log, {**objects.environment, **(environment or {})})
        self._wait_until_ready()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"serve exited:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"serve did not answer:\n{self.output()}")

    def graphql(
        self, query: str, token: str | None = None, **variables: object
    ) -> dict[str, object]:
        """POST an operation; the decoded response body."""
        body = json.dumps({"query": query, "variables": variables}).encode()
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.url, body, headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            decoded: dict[str, object] = json.loads(response.read())
        return decoded


def runner_pids(analysis_id: str) -> list[int]:
    """PIDs of `python -m analyzer_runner run requests/<analysis_id>.json` processes."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"analyzer_runner" in command and f"requests/{analysis_id}.json".encode() in command:
            found.append(int(entry.name))
    return found


@dataclass
class Api:
    """The app over an embedded graph with an analysis service, and clients with and
    without a write token (no dispatcher runs)."""

    graph: SqliteGraphStore
    objects: LocalObjectStore
    service: AnalysisService
    writer: GraphQLClient
    anonymous: GraphQLClient


@pytest.fixture
async def api(sqlite_store: SqliteGraphStore, tmp_path: Path) -> AsyncIterator[Api]:
    objects = LocalObjectStore(tmp_path / "objects")
    await objects.open()
    woken: list[int] = []
    service = AnalysisService(
        sqlite_store,
        objects,
        limiter=RateLimiter(rate=0.01, burst=3),
        on_queued=lambda: woken.append(1),
    )
    transport = httpx.ASGITransport(app=create_app(Services.over(sqlite_store, analyses=service)))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        anonymous = GraphQLClient(http)
        writer = anonymous.with_token(await add_token(sqlite_store, TokenScope.WRITE))
        yield Api(sqlite_store, objects, service, writer, anonymous)
