"""The analyses inside a server process: the object store opened, the request service
the API is given, and a local dispatcher running beside the API."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from thoth_graphql.analyses.dispatcher import Dispatcher
from thoth_graphql.analyses.local import LocalLauncher
from thoth_graphql.analyses.service import AnalysisService
from thoth_graphql.store.port import GraphStore
from thoth_objects.url import object_store_from_url

log = logging.getLogger(__name__)


def absolute_objects_url(url: str) -> str:
    """A folder path made absolute, so runner processes started elsewhere find it too."""
    if urlsplit(url).scheme in ("", "file") and not url.startswith("file:"):
        return str(Path(url).resolve())
    return url


class HostedAnalyses:
    """The analyses of a server process over a graph store: the request service (made at
    once, so the composition root can hand it to the API before anything runs) and, with
    `workers` > 0, a local dispatcher of that many runner processes."""

    def __init__(self, graph: GraphStore, objects_url: str, *, workers: int, scratch: Path):
        objects_url = absolute_objects_url(objects_url)
        self.objects = object_store_from_url(objects_url)
        self.dispatcher = (
            Dispatcher(graph, self.objects, LocalLauncher(objects_url, workers, scratch))
            if workers > 0
            else None
        )
        self.service = AnalysisService(
            graph,
            self.objects,
            on_queued=self.dispatcher.wake if self.dispatcher is not None else None,
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[AnalysisService]:
        """The object store open and the dispatcher running until the block ends."""
        await self.objects.open()
        try:
            dispatcher = self.dispatcher
            task = asyncio.create_task(dispatcher.run()) if dispatcher is not None else None
            try:
                yield self.service
            finally:
                if dispatcher is not None and task is not None:
                    dispatcher.stop()
                    await task
        finally:
            await self.objects.close()


@asynccontextmanager
async def hosted_analyses(
    graph: GraphStore, objects_url: str, *, workers: int, scratch: Path
) -> AsyncIterator[AnalysisService]:
    """Analyses for an opened graph store: requests are recorded, and with `workers` > 0
    run by a local dispatcher of that many runner processes until the block ends."""
    async with HostedAnalyses(graph, objects_url, workers=workers, scratch=scratch).running() as (
        service
    ):
        yield service
