"""The assembled JanusGraph store on a persistent (BerkeleyJE) graph: what it wrote survives
a restart of the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.janusgraph_server import (
    berkeleyje_server,
    free_port,
)
from tests.store.janusgraph.samples import SAMPLE
from thoth_graphql.domain import VersionKey
from thoth_graphql.store.janusgraph import JanusGraphStore
from thoth_graphql.store.port import DocumentRef, GraphCounts


@pytest.mark.slow
async def test_a_berkeleyje_graph_survives_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "berkeleyje"
    port = free_port()
    document = DocumentRef("solver-1", "thoth-solver", "1.0", "2026-01-01T00:00:00Z")

    async def read_back(url: str) -> tuple[object, ...]:
        opened = JanusGraphStore(url)
        await opened.open()
        try:
            return (
                await opened.counts(),
                await opened.generation(),
                await opened.known_documents(["solver-1", "other"]),
                await opened.versions_of(["dask", "numpy"]),
                await opened.dependencies_of([VersionKey("dask", "2.10.1")]),
                await opened.dependents_of(["numpy"]),
            )
        finally:
            await opened.close()

    with berkeleyje_server(data_dir, port) as url:
        writer = JanusGraphStore(url)
        await writer.open()
        try:
            assert (await writer.write_releases(SAMPLE, [document])).versions_created == len(SAMPLE)
        finally:
            await writer.close()
        written = await read_back(url)

    with berkeleyje_server(data_dir, port) as url:
        assert await read_back(url) == written
        assert written[0] == GraphCounts(4, 4, 4, 1)
