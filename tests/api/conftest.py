"""Fixtures for the API tests: the app over a real embedded store holding a small graph."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from tests.api.graphql_client import GraphQLClient
from tests.api.sample_graph import GRAPH
from thoth_graphql.api import create_app
from thoth_graphql.domain import ApiToken, TokenScope
from thoth_graphql.domain.token import hash_secret, new_secret
from thoth_graphql.store.port import GraphStore
from thoth_graphql.store.sqlite import SqliteGraphStore


async def add_token(store: GraphStore, scope: TokenScope, name: str = "test") -> str:
    """A new token of `scope` in the store; its secret."""
    secret = new_secret()
    await store.add_token(ApiToken(hash_secret(secret), name, scope, "2026-01-01T00:00:00Z"))
    return secret


@pytest.fixture
async def graph(sqlite_store: SqliteGraphStore) -> SqliteGraphStore:
    await sqlite_store.write_releases(GRAPH)
    return sqlite_store


@pytest.fixture
async def http(graph: SqliteGraphStore) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(graph))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def gql(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
async def writer(graph: SqliteGraphStore, gql: GraphQLClient) -> GraphQLClient:
    """A client holding a WRITE token."""
    return gql.with_token(await add_token(graph, TokenScope.WRITE, "writer"))


@pytest.fixture
async def admin(graph: SqliteGraphStore, gql: GraphQLClient) -> GraphQLClient:
    """A client holding an ADMIN token."""
    return gql.with_token(await add_token(graph, TokenScope.ADMIN, "admin"))


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[str, SqliteGraphStore]]:
    """The app under uvicorn on a loopback port, its store opened in the lifespan as
    `serve` does; yields the ws:// URL of /graphql and the store."""
    store = SqliteGraphStore(tmp_path / "graph.sqlite3")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await store.open()
        await store.write_releases(GRAPH)
        try:
            yield
        finally:
            await store.close()

    config = uvicorn.Config(
        create_app(store, lifespan=lifespan), host="127.0.0.1", port=0, log_level="warning"
    )
    running = uvicorn.Server(config)
    task = asyncio.create_task(running.serve())
    while not running.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    host, port = running.servers[0].sockets[0].getsockname()[:2]
    try:
        yield f"ws://{host}:{port}/graphql", store
    finally:
        running.should_exit = True
        await task
