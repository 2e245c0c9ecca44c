"""One GraphQL subscription over graphql-transport-ws, followed to its end, for tests."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import connect
from websockets.typing import Subprotocol


async def follow_subscription(
    http_url: str,
    query: str,
    variables: dict[str, Any],
    field: str,
    *,
    secret: str | None = None,
    in_payload: bool = False,
    within: float = 90,
) -> list[dict[str, Any]]:
    """Every `field` the subscription sends until it completes. The bearer `secret` goes
    in a header, or in the `connection_init` payload as browsers must send it."""
    authorization = {"Authorization": f"Bearer {secret}"} if secret else {}
    seen: list[dict[str, Any]] = []
    async with connect(
        http_url.replace("http://", "ws://"),
        subprotocols=[Subprotocol("graphql-transport-ws")],
        additional_headers={} if in_payload else authorization,
    ) as ws:
        init = {"type": "connection_init", "payload": authorization if in_payload else {}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv()) == {"type": "connection_ack"}
        payload = {"query": query, "variables": variables}
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
        async with asyncio.timeout(within):
            while True:
                message = json.loads(await ws.recv())
                if message["type"] == "complete":
                    return seen
                assert message["type"] == "next", message
                seen.append(message["payload"]["data"][field])
