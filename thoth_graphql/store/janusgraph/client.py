"""The Gremlin client every facet of the JanusGraph store sends its scripts through: a pool
of worker threads, one request per script, and writes one at a time, retried on conflicts.

Every request is a parameterized Gremlin-Groovy script (its text is constant, so the server
compiles it once; values travel as bindings). Each script runs in one server transaction.
gremlinpython's client is synchronous, so every call runs on the store's own worker threads
and the event loop never blocks.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import Any

from gremlin_python.driver.client import Client
from gremlin_python.driver.protocol import GremlinServerError
from janusgraph_python.driver.serializer import JanusGraphBinarySerializersV1

# Both ends must accept the largest message; the server is configured for 64 MiB.
MAX_CONTENT_LENGTH = 64 * 1024 * 1024
POOL_SIZE = 4
READ_TIMEOUT_MS = 120_000
WRITE_TIMEOUT_MS = 600_000

# Two writers creating the same element, or adding to the GraphMeta counters, conflict at
# commit (LOCK consistency in the schema); a write script that finds an element another
# writer is committing fails with "concurrent write". Chunks are idempotent, so the loser
# just retries.
_CONFLICTS = (
    "PermanentLockingException",
    "TemporaryLockingException",
    "uniqueness constraint",
    "concurrent write",
)
_WRITE_ATTEMPTS = 6


def schema_script() -> str:
    """The script that makes the schema (idempotently); it answers `schema-ok`."""
    return (
        resources.files("thoth_graphql")
        .joinpath("schemas/janusgraph-schema.groovy")
        .read_text(encoding="utf-8")
    )


class JanusGraphClient:
    """The connection to one JanusGraph Server (`ws://127.0.0.1:8182/gremlin`)."""

    def __init__(self, url: str, traversal_source: str = "g") -> None:
        self.url = url
        self.traversal_source = traversal_source
        self.round_trips = 0
        self._executor = ThreadPoolExecutor(max_workers=POOL_SIZE, thread_name_prefix="janus")
        self._client: Client | None = None
        self.writing = asyncio.Lock()
        """Held by every write of this store: writes go one at a time, so conflicts only
        come from other stores. `write` takes it; a write of many requests holds it over
        `submit_write`s."""

    async def _in_thread(self, work: Callable[[], Any]) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, work)

    async def submit(
        self, script: str, bindings: dict[str, Any] | None = None, timeout_ms: int = READ_TIMEOUT_MS
    ) -> list[Any]:
        """Send one script, answer its results; one round trip."""
        client = self._client
        if client is None:
            raise RuntimeError("the store is not open")
        self.round_trips += 1

        def call() -> list[Any]:
            result_set = client.submit(
                script, bindings, request_options={"evaluationTimeout": timeout_ms}
            )
            return list(result_set.all().result())

        result: list[Any] = await self._in_thread(call)
        return result

    async def submit_write(self, script: str, bindings: dict[str, Any]) -> list[Any]:
        """One write script, retried on conflicts (the caller holds `writing`, if need be)."""
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            try:
                return await self.submit(script, bindings, WRITE_TIMEOUT_MS)
            except GremlinServerError as error:
                if attempt == _WRITE_ATTEMPTS or not _is_conflict(error):
                    raise
                # Jitter keeps the losers of one race from colliding again in lockstep.
                await asyncio.sleep(random.uniform(0.02, 0.05) * 2**attempt)  # noqa: S311
        raise AssertionError("unreachable")

    async def write(self, script: str, bindings: dict[str, Any]) -> list[Any]:
        """One write script, after this store's other writes, retried on conflicts."""
        async with self.writing:
            return await self.submit_write(script, bindings)

    async def open(self) -> None:
        def connect() -> Client:
            # Built on a worker thread: gremlinpython runs its own event loop while connecting.
            return Client(
                self.url,
                self.traversal_source,
                pool_size=POOL_SIZE,
                message_serializer=JanusGraphBinarySerializersV1(),
                max_content_length=MAX_CONTENT_LENGTH,
            )

        self._client = await self._in_thread(connect)
        # Two stores opening at once may both try to create the schema; the loser retries
        # and then finds it complete.
        await self.submit_write(schema_script(), {})

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await self._in_thread(client.close)
        self._executor.shutdown(wait=True)


class JanusGraphFacet:
    """One facet of the JanusGraph store: the scripts of one aggregate, over the client the
    store's facets share."""

    def __init__(self, client: JanusGraphClient) -> None:
        self.client = client


def _is_conflict(error: GremlinServerError) -> bool:
    attributes = error.status_attributes or {}
    text = f"{attributes.get('exceptions', '')} {attributes.get('stackTrace', '')[:1000]}"
    return any(conflict in text for conflict in _CONFLICTS)
