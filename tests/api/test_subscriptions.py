"""The analysisStatus subscription over graphql-transport-ws, against uvicorn on loopback."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from thoth_graphql.api import analyses
from thoth_graphql.domain import Analysis, AnalysisKind, AnalysisStatus
from thoth_graphql.store.sqlite import SqliteGraphStore

SUBSCRIPTION = "subscription ($id: ID!) { analysisStatus(id: $id) { analysisId status error } }"


async def receive(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
    return message


async def subscribe(url: str) -> ClientConnection:
    ws = await connect(url, subprotocols=[Subprotocol("graphql-transport-ws")])
    await ws.send(json.dumps({"type": "connection_init"}))
    assert await receive(ws) == {"type": "connection_ack"}
    return ws


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analyses, "POLL_SECONDS", 0.02)


async def test_a_subscriber_sees_every_status_until_the_analysis_finishes(
    server: tuple[str, SqliteGraphStore],
) -> None:
    url, store = server
    queued = Analysis("a-1", AnalysisKind.SOLVER, {"package": "dask"}, created_at="t0")
    await store.create_analyses([queued])
    ws = await subscribe(url)
    try:
        await ws.send(
            json.dumps(
                {
                    "type": "subscribe",
                    "id": "s1",
                    "payload": {"query": SUBSCRIPTION, "variables": {"id": "a-1"}},
                }
            )
        )

        async def status() -> str:
            message = await receive(ws)
            assert (message["type"], message["id"]) == ("next", "s1"), message
            value: str = message["payload"]["data"]["analysisStatus"]["status"]
            return value

        assert await status() == "QUEUED"
        running = queued.moved_to(AnalysisStatus.RUNNING, "t1")
        await store.update_analysis(running)
        assert await status() == "RUNNING"
        await store.update_analysis(running.moved_to(AnalysisStatus.FAILED, "t2", error="boom"))
        assert await status() == "FAILED"
        assert await receive(ws) == {"type": "complete", "id": "s1"}
    finally:
        await ws.close()


async def test_subscribing_to_an_unknown_analysis_is_not_found(
    server: tuple[str, SqliteGraphStore],
) -> None:
    url, _ = server
    ws = await subscribe(url)
    try:
        payload = {"query": SUBSCRIPTION, "variables": {"id": "nope"}}
        await ws.send(json.dumps({"type": "subscribe", "id": "s1", "payload": payload}))
        message = await receive(ws)
        assert message["type"] in ("next", "error")
        errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
        assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    finally:
        await ws.close()
