"""Fixtures for the HTTP tests: the app in process, over an empty embedded store."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from thoth_graphql.api import create_app
from thoth_graphql.store.sqlite import SqliteGraphStore


@pytest.fixture
async def http(sqlite_store: SqliteGraphStore) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(sqlite_store))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
