"""Fixtures for the analyses: the runner tests' local index, object stores of both kinds,
the S3 server, and real `thoth-graphql` processes on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bench.package_index import PackageIndex, allow_loopback, serve
from bench.thoth_processes import Objects
from tests.api.conftest import add_token
from tests.api.graphql_client import GraphQLClient
from tests.s3_server import CREDENTIALS, S3Server, s3_credentials, s3_server
from thoth_graphql.analyses.rate_limit import RateLimiter
from thoth_graphql.analyses.service import AnalysisService
from thoth_graphql.api import create_app
from thoth_graphql.domain import TokenScope
from thoth_graphql.services import Services
from thoth_graphql.store.sqlite import SqliteGraphStore
from thoth_objects import LocalObjectStore, ObjectStore, open_object_store

__all__ = ["s3_credentials", "s3_server"]

OBJECT_STORES = ("local", "s3")


@pytest.fixture
def index(monkeypatch: pytest.MonkeyPatch) -> Iterator[PackageIndex]:
    with serve(PackageIndex()) as running:
        allow_loopback(monkeypatch, running.url)
        yield running


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
    services: Services


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
    services = Services.over(sqlite_store, analyses=service)
    transport = httpx.ASGITransport(app=create_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        anonymous = GraphQLClient(http)
        writer = anonymous.with_token(await add_token(sqlite_store, TokenScope.WRITE))
        yield Api(sqlite_store, objects, service, writer, anonymous, services)
