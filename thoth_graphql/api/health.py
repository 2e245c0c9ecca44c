"""Health endpoints: /healthz (the process answers) and /readyz (the store answers too)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse

from thoth_graphql.store.port import KnowledgeGraph

READY_TIMEOUT_SECONDS = 2.0

logger = logging.getLogger(__name__)


async def healthz(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def readiness(store: KnowledgeGraph) -> Callable[[Request], Awaitable[JSONResponse]]:
    """/readyz over `store`: 200 when one cheap store call succeeds in time, else 503."""

    async def readyz(request: Request) -> JSONResponse:
        try:
            async with asyncio.timeout(READY_TIMEOUT_SECONDS):
                generation = await store.generation()
        except Exception as error:  # any failure means not ready; the reason goes to the log
            logger.warning("not ready: the graph store did not answer: %r", error)
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ready", "generation": generation})

    return readyz
