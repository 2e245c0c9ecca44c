"""The API in this process: the ASGI app over a store, answering the client's GraphQL
without a socket, so that a command needs no server and still takes the client's path."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Mapping
from typing import Any, TypeVar

import httpx

from thoth_graphql.api.app import create_app
from thoth_graphql.client.transport import ACCEPT, Data, answer_data
from thoth_graphql.store.port import GraphStore

T = TypeVar("T")

# httpx needs some origin; nothing resolves it, the ASGI transport answers every request.
ORIGIN = "http://in-process"


class InProcessTransport:
    """A client Transport over the app serving `store`, which it opens and closes.

    The app is async and the client is not, so an event loop runs in a thread of its own
    for as long as the transport is open; `execute` waits there for each answer.
    """

    def __init__(self, store: GraphStore, *, token: str | None = None) -> None:
        self._store = store
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="thoth-graphql-in-process", daemon=True
        )
        self._thread.start()
        headers = {"accept": ACCEPT}
        if token:
            headers["authorization"] = f"Bearer {token}"
        self._http = self._run(self._open(headers))

    async def _open(self, headers: dict[str, str]) -> httpx.AsyncClient:
        await self._store.open()
        transport = httpx.ASGITransport(app=create_app(self._store))
        return httpx.AsyncClient(transport=transport, base_url=ORIGIN, headers=headers)

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result()

    def execute(self, query: str, variables: Mapping[str, Any] | None = None) -> Data:
        body = {"query": query, "variables": dict(variables or {})}
        response = self._run(self._http.post("/graphql", json=body))
        return answer_data(response.status_code, response.content)

    def close(self) -> None:
        if not self._loop.is_running():
            return
        try:
            self._run(self._close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()

    async def _close(self) -> None:
        try:
            await self._http.aclose()
        finally:
            await self._store.close()
