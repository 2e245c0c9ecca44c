"""Fixtures shared by the whole suite: a fresh graph store of every adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from thoth_graphql.store.port import GraphStore
from thoth_graphql.store.sqlite import SqliteGraphStore

ADAPTERS = ("sqlite", "janusgraph")


async def open_store(adapter: str, tmp_path: Path) -> GraphStore:
    """A fresh, empty, opened store of the named adapter."""
    if adapter == "sqlite":
        store: GraphStore = SqliteGraphStore(tmp_path / "graph.sqlite3")
    else:
        from bench.janusgraph_server import ensure_janusgraph, reset_graph
        from thoth_graphql.store.janusgraph import JanusGraphStore

        url = ensure_janusgraph()
        reset_graph(url)
        store = JanusGraphStore(url)
    await store.open()
    return store


@pytest.fixture(params=ADAPTERS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[GraphStore]:
    """Every contract test runs once per adapter; none is skipped."""
    opened = await open_store(request.param, tmp_path)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqliteGraphStore]:
    opened = SqliteGraphStore(tmp_path / "graph.sqlite3")
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()
