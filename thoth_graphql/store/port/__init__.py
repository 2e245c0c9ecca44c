"""The GraphStore port: what the rest of the server may ask of a graph database.

It is split by aggregate, one protocol per facet (`PackageGraph`, `Observations`,
`Advisories`, `AnalysisQueue`, `Tokens`), with the `Lifecycle` of the connection; `KnowledgeGraph`
is what advise reads and `GraphStore` all of it. A consumer takes the facet it uses. Every
adapter implements `GraphStore` and passes the one contract suite in tests/contract. Reads
take many keys per call and answer in the order of the keys, so DataLoaders batch them;
writes are bulk, idempotent and keep input order.
"""

from thoth_graphql.domain.closure import Closure, StoredRelease
from thoth_graphql.store.port.advisories import Advisories
from thoth_graphql.store.port.analysis_queue import AnalysisQueue
from thoth_graphql.store.port.errors import StoreFull, StoreUnavailable
from thoth_graphql.store.port.graph_store import GraphStore, KnowledgeGraph, Lifecycle
from thoth_graphql.store.port.observations import Observations
from thoth_graphql.store.port.package_graph import PackageGraph
from thoth_graphql.store.port.tokens import Tokens
from thoth_graphql.store.port.values import (
    AdvisoryKey,
    AnalysisCursor,
    AnalysisFilter,
    Dependent,
    DocumentRef,
    Generations,
    GraphCounts,
    ObservationCursor,
    ObservationFilter,
    WriteReport,
)

__all__ = [
    "Advisories",
    "AdvisoryKey",
    "AnalysisCursor",
    "AnalysisFilter",
    "AnalysisQueue",
    "Closure",
    "Dependent",
    "DocumentRef",
    "Generations",
    "GraphCounts",
    "GraphStore",
    "KnowledgeGraph",
    "Lifecycle",
    "ObservationCursor",
    "ObservationFilter",
    "Observations",
    "PackageGraph",
    "StoreFull",
    "StoreUnavailable",
    "StoredRelease",
    "Tokens",
    "WriteReport",
]
