"""Ingest into the graph: solver documents, OSV records and observations, validated and
written by one service (`IngestService`) that the CLI, GraphQL and graph-sync share."""

from thoth_graphql.ingest.ingest import IngestReport, ingest_documents
from thoth_graphql.ingest.service import IngestService, ingest_paths
from thoth_graphql.ingest.solver_document import (
    DocumentFault,
    InvalidDocument,
    SolverDocument,
    parse_solver_document,
)

__all__ = [
    "DocumentFault",
    "IngestReport",
    "IngestService",
    "InvalidDocument",
    "SolverDocument",
    "ingest_documents",
    "ingest_paths",
    "parse_solver_document",
]
