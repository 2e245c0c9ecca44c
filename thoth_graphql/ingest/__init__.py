"""Ingest of documents into the graph: solver documents today, more kinds to come."""

from thoth_graphql.ingest.ingest import IngestReport, ingest_documents, ingest_paths
from thoth_graphql.ingest.solver_document import (
    DocumentFault,
    InvalidDocument,
    SolverDocument,
    parse_solver_document,
)

__all__ = [
    "DocumentFault",
    "IngestReport",
    "InvalidDocument",
    "SolverDocument",
    "ingest_documents",
    "ingest_paths",
    "parse_solver_document",
]
