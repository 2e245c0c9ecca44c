"""Fixtures for the security regression tests: the analyses' loopback servers, an
environment without any egress allowance (the default a deployment gets), uvicorn in this
process (the `server` of tests/api) and `thoth-graphql serve --demo` as a process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.demo_server import demo_server
from bench.package_index import PackageIndex, serve
from bench.thoth_processes import Objects, Server, make_token
from tests.api.conftest import server
from tests.s3_server import s3_credentials, s3_server

__all__ = ["s3_credentials", "s3_server", "server"]


@pytest.fixture(autouse=True)
def default_egress(monkeypatch: pytest.MonkeyPatch) -> None:
    """No allowance from the environment the tests were started in."""
    for name in ("THOTH_EGRESS_INDEXES", "THOTH_EGRESS_FILE_HOSTS", "THOTH_EGRESS_NETWORKS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def index() -> Iterator[PackageIndex]:
    """A package index on loopback that nothing allows yet."""
    with serve(PackageIndex()) as running:
        yield running


@pytest.fixture
def local_objects(tmp_path: Path) -> Objects:
    return Objects(str(tmp_path / "objects"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def writer_token(data_dir: Path) -> str:
    return make_token(data_dir)


def start_server(data_dir: Path, objects: Objects, log: Path, **environment: str) -> Server:
    return Server(data_dir, objects, workers=1, log=log, environment=environment)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`serve --demo` running no analyses (its base URL), and a write token for it."""
    data = tmp_path / "data"
    with demo_server("--workers", "0", data_dir=data) as url:
        yield url, make_token(data)


@pytest.fixture
def analyses_server(data_dir: Path, local_objects: Objects, tmp_path: Path) -> Iterator[Server]:
    """`thoth-graphql serve` with a dispatcher of one worker over a local object store."""
    running = start_server(data_dir, local_objects, tmp_path / "serve.log")
    try:
        yield running
    finally:
        running.stop()
