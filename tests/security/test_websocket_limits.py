"""Issue 11.6: over graphql-transport-ws, the rules of HTTP hold: the token is checked for
every operation (a revoked one stops writing), queries get the time limit, messages the
size limit, and subscriptions are bounded per connection and per server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.api.conftest import add_token
from tests.api.test_subscriptions import SUBSCRIPTION, receive
from thoth_graphql.api.schema import schema
from thoth_graphql.domain import Analysis, AnalysisKind, Package, TokenScope
from thoth_graphql.domain.token import hash_secret
from thoth_graphql.store.sqlite import SqliteGraphStore

# The limits as documented (docs/security.md), written out so that a server without them
# fails on behaviour rather than on a missing name.
PER_CONNECTION = 20
ANONYMOUS_PER_SERVER = 100
REGISTER = 'mutation { registerRuntimeEnvironment(input: {pythonVersion: "3.%d"}) { created } }'


@asynccontextmanager
async def socket(url: str, token: str | None = None) -> AsyncIterator[ClientConnection]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with connect(
        url, subprotocols=[Subprotocol("graphql-transport-ws")], additional_headers=headers
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert await receive(ws) == {"type": "connection_ack"}
        yield ws


async def run(ws: ClientConnection, key: str, query: str, **variables: Any) -> dict[str, Any]:
    """Send one operation; its first message (`next` or `error`)."""
    payload = {"query": query, "variables": variables}
    await ws.send(json.dumps({"type": "subscribe", "id": key, "payload": payload}))
    return await receive(ws)


def codes(message: dict[str, Any]) -> list[str]:
    payload = message["payload"]
    errors: Sequence[dict[str, Any]] = (
        payload if isinstance(payload, list) else payload.get("errors", [])
    )
    return [e.get("extensions", {}).get("code", e["message"]) for e in errors]


async def test_a_token_revoked_while_the_socket_is_open_writes_no_more(
    server: tuple[str, SqliteGraphStore],
) -> None:
    url, store = server
    token = await add_token(store, TokenScope.WRITE)
    async with socket(url, token) as ws:
        first = await run(ws, "1", REGISTER % 11)
        assert first["payload"]["data"] == {"registerRuntimeEnvironment": {"created": True}}
        await receive(ws)  # complete
        assert await store.revoke_token(hash_secret(token))
        second = await run(ws, "2", REGISTER % 12)
    assert codes(second) == ["UNAUTHENTICATED"]
    assert second["payload"]["data"] is None


async def test_a_query_over_the_socket_is_held_to_the_time_limit(
    server: tuple[str, SqliteGraphStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, store = server

    async def slow(names: Sequence[str]) -> list[Package | None]:
        await asyncio.sleep(5)
        raise AssertionError("the time limit should have stopped this read")

    monkeypatch.setattr(store, "packages", slow)
    monkeypatch.setattr(schema, "time_limit_seconds", 0.3)
    async with socket(url) as ws:
        started = asyncio.get_running_loop().time()
        answer = await run(ws, "1", '{ package(name: "dask") { name } }')
        elapsed = asyncio.get_running_loop().time() - started
    assert codes(answer) == ["TIMEOUT"]
    assert elapsed < 3


async def test_a_message_over_the_body_limit_closes_the_socket(
    server: tuple[str, SqliteGraphStore],
) -> None:
    url, _ = server
    padding = "x" * (4 * 1024 * 1024 + 1)
    async with socket(url) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await run(ws, "1", "query ($pad: String) { __typename }", pad=padding)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def queued_analysis(store: SqliteGraphStore) -> str:
    await store.create_analyses(
        [Analysis("a-1", AnalysisKind.SOLVER, {"package": "dask"}, created_at="t0")]
    )
    return "a-1"


async def test_subscriptions_are_bounded_per_connection(
    server: tuple[str, SqliteGraphStore],
) -> None:
    url, store = server
    analysis = await queued_analysis(store)
    async with socket(url) as ws:
        for i in range(PER_CONNECTION):
            first = await run(ws, f"s{i}", SUBSCRIPTION, id=analysis)
            assert first["type"] == "next", first
        refused = await run(ws, "one-more", SUBSCRIPTION, id=analysis)
    assert refused["type"] == "error"
    assert "limit" in refused["payload"][0]["message"]


async def test_anonymous_subscriptions_are_bounded_per_server(
    server: tuple[str, SqliteGraphStore],
) -> None:
    url, store = server
    analysis = await queued_analysis(store)
    per_connection = PER_CONNECTION
    connections = ANONYMOUS_PER_SERVER // per_connection + 1
    answers: list[dict[str, Any]] = []
    async with anonymous_sockets(url, connections) as sockets:
        for c, ws in enumerate(sockets):
            for i in range(per_connection):
                answers.append(await run(ws, f"s{c}-{i}", SUBSCRIPTION, id=analysis))
        held = [a for a in answers if a["type"] == "next" and "errors" not in a["payload"]]
        refused = [a for a in answers if a not in held]
        assert len(held) == ANONYMOUS_PER_SERVER
        assert len(refused) == connections * per_connection - len(held)
        assert {code for a in refused for code in codes(a)} == {"RATE_LIMITED"}
        # Token holders keep their own slots.
        token = await add_token(store, TokenScope.WRITE)
        async with socket(url, token) as writer:
            answer = await run(writer, "w", SUBSCRIPTION, id=analysis)
            assert answer["type"] == "next" and "errors" not in answer["payload"], answer
    # The slots are given back when the connections close.
    await asyncio.sleep(0.5)
    async with socket(url) as ws:
        answer = await run(ws, "again", SUBSCRIPTION, id=analysis)
        assert answer["type"] == "next" and "errors" not in answer["payload"], answer


@asynccontextmanager
async def anonymous_sockets(url: str, count: int) -> AsyncIterator[list[ClientConnection]]:
    sockets: list[ClientConnection] = []
    try:
        for _ in range(count):
            ws = await connect(url, subprotocols=[Subprotocol("graphql-transport-ws")])
            await ws.send(json.dumps({"type": "connection_init"}))
            assert await receive(ws) == {"type": "connection_ack"}
            sockets.append(ws)
        yield sockets
    finally:
        for ws in sockets:
            await ws.close()
