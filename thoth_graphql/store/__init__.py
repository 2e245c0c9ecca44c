"""The graph store port and its adapters (embedded SQLite, JanusGraph)."""

from thoth_graphql.store.port import (
    Closure,
    Dependent,
    DocumentRef,
    GraphCounts,
    GraphStore,
    StoredRelease,
    WriteReport,
)

__all__ = [
    "Closure",
    "Dependent",
    "DocumentRef",
    "GraphCounts",
    "GraphStore",
    "StoredRelease",
    "WriteReport",
]
