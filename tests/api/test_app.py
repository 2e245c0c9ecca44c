"""The ASGI app: GraphQL over GET, POST and graphql-transport-ws, GraphiQL, and /healthz."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.api.sample_graph import many_versions
from thoth_graphql.store.sqlite import SqliteGraphStore

QUERY = '{ package(name: "Dask") { name versions(first: 1) { totalCount } } }'
ANSWER = {"package": {"name": "dask", "versions": {"totalCount": 4}}}


async def test_healthz_says_ok(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"


async def test_a_query_via_post(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": QUERY})
    assert response.status_code == 200
    assert response.json() == {"data": ANSWER}


async def test_a_query_via_get(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": QUERY})
    assert response.status_code == 200
    assert response.json() == {"data": ANSWER}


async def test_a_mutation_via_get_is_refused(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": "mutation { __typename }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_other_methods_are_refused(http: httpx.AsyncClient) -> None:
    response = await http.put("/graphql", json={"query": QUERY})
    assert response.status_code == 405


async def test_a_browser_gets_graphiql(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def operation(ws: ClientConnection, id: str, query: str) -> dict[str, Any]:
    """Run one single-result operation over graphql-transport-ws; its payload."""
    await ws.send(json.dumps({"type": "subscribe", "id": id, "payload": {"query": query}}))
    reply = json.loads(await ws.recv())
    assert (reply["type"], reply["id"]) == ("next", id)
    assert json.loads(await ws.recv()) == {"type": "complete", "id": id}
    payload: dict[str, Any] = reply["payload"]
    return payload


async def test_queries_over_graphql_transport_ws_read_afresh(
    server: tuple[str, SqliteGraphStore],
) -> None:
    url, store = server
    fresh = '{ package(name: "fresh") { versions { totalCount } } }'
    async with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        assert ws.subprotocol == "graphql-transport-ws"
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv()) == {"type": "connection_ack"}
        assert await operation(ws, "1", QUERY) == {"data": ANSWER}
        assert await operation(ws, "2", fresh) == {"data": {"package": None}}
        await store.write_releases(many_versions("fresh", 2))
        # One context serves the whole connection; its loaders must not cache reads.
        assert await operation(ws, "3", fresh) == {
            "data": {"package": {"versions": {"totalCount": 2}}}
        }


async def test_the_legacy_graphql_ws_protocol_is_refused(
    server: tuple[str, SqliteGraphStore],
) -> None:
    url, _ = server
    async with connect(url, subprotocols=[Subprotocol("graphql-ws")]) as ws:
        with pytest.raises(ConnectionClosed):
            await ws.recv()
    assert ws.close_code == 4406
