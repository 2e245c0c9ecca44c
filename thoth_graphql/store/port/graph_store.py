"""The whole port: the store's lifecycle, the knowledge it holds, and the GraphStore that
every adapter implements (the facets composed)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from thoth_graphql.store.port.advisories import Advisories
from thoth_graphql.store.port.analysis_queue import AnalysisQueue
from thoth_graphql.store.port.observations import Observations
from thoth_graphql.store.port.package_graph import PackageGraph
from thoth_graphql.store.port.tokens import Tokens
from thoth_graphql.store.port.values import Generations


class Lifecycle(Protocol):
    """Opening and closing the connection, and the generations read together."""

    @property
    def round_trips(self) -> int:
        """Requests sent to the database since the store was opened (for tests and benches)."""

    async def open(self) -> None:
        """Connect and apply the schema (idempotently)."""

    async def close(self) -> None: ...

    async def generations(self) -> Generations:
        """The knowledge and the queue generation, in one round trip (the read cache's key)."""


class KnowledgeGraph(PackageGraph, Observations, Advisories, Protocol):
    """What is known about the ecosystem, and the generation that moves with it alone: what
    advise reads, and what its snapshots are keyed by."""

    async def generation(self) -> int:
        """The knowledge generation: changes whenever a write changed what is known about
        the ecosystem; analyses and tokens never move it (the key of advise snapshots)."""


@runtime_checkable
class GraphStore(Lifecycle, KnowledgeGraph, AnalysisQueue, Tokens, Protocol):
    """An async graph database holding the knowledge graph, the analysis queue and the
    tokens: every facet, as one adapter implements them over one connection."""
