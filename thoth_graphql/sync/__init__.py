"""graph-sync: raw results in the object store loaded into the graph, idempotently."""

from thoth_graphql.sync.documents import InvalidResult
from thoth_graphql.sync.graph_sync import GraphNotEmpty, GraphSync, Quarantined, SyncReport

__all__ = ["GraphNotEmpty", "GraphSync", "InvalidResult", "Quarantined", "SyncReport"]
