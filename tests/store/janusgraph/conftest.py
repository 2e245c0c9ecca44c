"""A JanusGraph Server for the adapter's own tests, emptied for each, and a store open on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bench.janusgraph_server import ensure_janusgraph, reset_graph
from thoth_graphql.store.janusgraph import JanusGraphStore


@pytest.fixture
def url() -> str:
    server = ensure_janusgraph()
    reset_graph(server)
    return server


@pytest.fixture
async def store(url: str) -> AsyncIterator[JanusGraphStore]:
    opened = JanusGraphStore(url)
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()
