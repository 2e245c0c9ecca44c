"""The analyses inside a server process: the object store opened, the request service
attached to the graph store, and a local dispatcher running beside the API."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from thoth_graphql.analyses.dispatcher import Dispatcher
from thoth_graphql.analyses.local import LocalLauncher
from thoth_graphql.analyses.service import AnalysisService, attach_analysis_service
from thoth_graphql.objects.url import object_store_from_url
from thoth_graphql.store.port import GraphStore

log = logging.getLogger(__name__)


def absolute_objects_url(url: str) -> str:
    """A folder path made absolute, so runner processes started elsewhere find it too."""
    if urlsplit(url).scheme in ("", "file") and not url.startswith("file:"):
        return str(Path(url).resolve())
    return url


@asynccontextmanager
async def hosted_analyses(
    graph: GraphStore, objects_url: str, *, workers: int, scratch: Path
) -> AsyncIterator[AnalysisService]:
    """Analyses for an opened graph store: requests are recorded, and with `workers` > 0
    run by a local dispatcher of that many runner processes until the block ends."""
    objects_url = absolute_objects_url(objects_url)
    objects = object_store_from_url(objects_url)
    await objects.open()
    try:
        dispatcher = None
        if workers > 0:
            launcher = LocalLauncher(objects_url, workers, scratch)
            dispatcher = Dispatcher(graph, objects, launcher)
        service = AnalysisService(
            graph, objects, on_queued=dispatcher.wake if dispatcher is not None else None
        )
        attach_analysis_service(service)
        task = asyncio.create_task(dispatcher.run()) if dispatcher is not None else None
        try:
            yield service
        finally:
            if dispatcher is not None and task is not None:
                dispatcher.stop()
                await task
    finally:
        await objects.close()
