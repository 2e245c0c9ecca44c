"""The JanusGraph store: the knowledge graph on a JanusGraph Server, over gremlinpython,
its facets assembled over one client."""

from __future__ import annotations

from typing import Any

from thoth_graphql.store.janusgraph.advisories import JanusGraphAdvisories
from thoth_graphql.store.janusgraph.analysis_queue import JanusGraphAnalysisQueue
from thoth_graphql.store.janusgraph.client import JanusGraphClient
from thoth_graphql.store.janusgraph.closure import LEVEL, JanusGraphClosures
from thoth_graphql.store.janusgraph.observations import JanusGraphObservations
from thoth_graphql.store.janusgraph.package_graph import WRITE_CHUNK, JanusGraphPackageGraph
from thoth_graphql.store.janusgraph.tokens import JanusGraphTokens
from thoth_graphql.store.port import Generations

_GENERATION = "g.V().has('GraphMeta', 'meta_key', 'graph').values('generation')"

# The largest scripts, each with bindings that make it do nothing: sent at `open()` so the
# server compiles them then, not in the first write or closure (measured on a fresh server:
# the write script 1.2 s on its first use then 16-27 ms, the level script 0.3 s then 17-25 ms).
_COMPILE: tuple[tuple[str, dict[str, Any]], ...] = (
    (WRITE_CHUNK, {"rows": [], "docs": []}),
    (LEVEL, {"names": [""]}),
)

_GENERATIONS = (
    "g.V().has('GraphMeta', 'meta_key', within('graph', 'queue'))"
    ".project('k', 'g').by('meta_key').by('generation')"
)


class JanusGraphStore(
    JanusGraphPackageGraph,
    JanusGraphClosures,
    JanusGraphObservations,
    JanusGraphAdvisories,
    JanusGraphAnalysisQueue,
    JanusGraphTokens,
):
    """GraphStore on a JanusGraph Server; `JanusGraphStore("ws://127.0.0.1:8182/gremlin")`."""

    def __init__(self, url: str, traversal_source: str = "g") -> None:
        super().__init__(JanusGraphClient(url, traversal_source))
        self.url = url

    @property
    def round_trips(self) -> int:
        return self.client.round_trips

    async def open(self) -> None:
        await self.client.open()
        for script, bindings in _COMPILE:
            await self.client.submit(script, bindings)

    async def close(self) -> None:
        await self.client.close()

    async def generation(self) -> int:
        found = await self.client.submit(_GENERATION)
        return int(found[0]) if found else 0

    async def generations(self) -> Generations:
        found = {row["k"]: int(row["g"]) for row in await self.client.submit(_GENERATIONS)}
        return Generations(knowledge=found.get("graph", 0), queue=found.get("queue", 0))
