"""The graph store port and its adapters (embedded SQLite, JanusGraph)."""

from thoth_graphql.store.port import (
    AdvisoryKey,
    AnalysisCursor,
    AnalysisFilter,
    Closure,
    Dependent,
    DocumentRef,
    GraphCounts,
    GraphStore,
    ObservationCursor,
    ObservationFilter,
    StoredRelease,
    StoreFull,
    StoreUnavailable,
    WriteReport,
)

__all__ = [
    "AdvisoryKey",
    "AnalysisCursor",
    "AnalysisFilter",
    "Closure",
    "Dependent",
    "DocumentRef",
    "GraphCounts",
    "GraphStore",
    "ObservationCursor",
    "ObservationFilter",
    "StoreFull",
    "StoreUnavailable",
    "StoredRelease",
    "WriteReport",
]
