"""Limits outside the schema's rules: the size of a request body and the time it may take."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import httpx
import pytest

from tests.api.graphql_client import GraphQLClient
from tests.api.test_loaders import CountingStore
from thoth_graphql.api import create_app
from thoth_graphql.api.schema import schema
from thoth_graphql.domain import Package
from thoth_graphql.store.sqlite import SqliteGraphStore


async def test_a_body_over_the_limit_is_413(graph: SqliteGraphStore) -> None:
    transport = httpx.ASGITransport(app=create_app(graph, max_body_bytes=1000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        small = await http.post("/graphql", json={"query": "{ __typename }"})
        assert small.status_code == 200
        padding = "#" + "x" * 2000 + "\n"
        large = await http.post("/graphql", json={"query": padding + "{ __typename }"})
        assert large.status_code == 413
        assert "larger than 1000 bytes" in large.text
        assert "x-request-id" in large.headers

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(5):
                yield b" " * 400  # no Content-Length: the limit counts what arrives

        streamed = await http.post(
            "/graphql", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413


class SlowStore(CountingStore):
    """A store whose package reads take longer than the time limit."""

    async def packages(self, names: Sequence[str]) -> list[Package | None]:
        await asyncio.sleep(5)
        raise AssertionError("the time limit should have stopped this read")


async def test_an_operation_over_the_time_limit_is_stopped(
    graph: SqliteGraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "time_limit_seconds", 0.2)
    transport = httpx.ASGITransport(app=create_app(SlowStore(graph)))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        started = asyncio.get_running_loop().time()
        result = await GraphQLClient(http)('{ package(name: "dask") { name } }')
        elapsed = asyncio.get_running_loop().time() - started
    assert result.codes == ["TIMEOUT"]
    assert "0.2 s" in result.errors[0]["message"]
    assert elapsed < 2
