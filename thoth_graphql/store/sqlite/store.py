"""The embedded graph store: the knowledge graph in one SQLite file (WAL, durable commits),
its facets assembled over one client."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from thoth_graphql.store.port import Generations
from thoth_graphql.store.sqlite.advisories import SqliteAdvisories
from thoth_graphql.store.sqlite.analysis_queue import SqliteAnalysisQueue
from thoth_graphql.store.sqlite.client import SqliteClient
from thoth_graphql.store.sqlite.closure import SqliteClosures
from thoth_graphql.store.sqlite.observations import SqliteObservations
from thoth_graphql.store.sqlite.package_graph import SqlitePackageGraph
from thoth_graphql.store.sqlite.tokens import SqliteTokens


class SqliteGraphStore(
    SqlitePackageGraph,
    SqliteClosures,
    SqliteObservations,
    SqliteAdvisories,
    SqliteAnalysisQueue,
    SqliteTokens,
):
    """GraphStore over a SQLite file; `SqliteGraphStore(data_dir / "graph.sqlite3")`."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(SqliteClient(path))
        self.path = self.client.path

    @property
    def round_trips(self) -> int:
        return self.client.round_trips

    async def open(self) -> None:
        await self.client.open()

    async def close(self) -> None:
        await self.client.close()

    async def generation(self) -> int:
        return await self.client.run(_generation)

    async def generations(self) -> Generations:
        return await self.client.run(_generations)


def _generation(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return int(row[0])


def _generations(db: sqlite3.Connection) -> Generations:
    rows = dict(
        db.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'queue_generation')")
    )
    return Generations(knowledge=int(rows["generation"]), queue=int(rows["queue_generation"]))
