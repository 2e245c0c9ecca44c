"""Fixtures for the API tests: the app over a real embedded store holding a small graph."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.api.graphql_client import GraphQLClient
from tests.api.sample_graph import GRAPH
from thoth_graphql.api import create_app
from thoth_graphql.store.sqlite import SqliteGraphStore


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
