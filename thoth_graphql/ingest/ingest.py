"""Ingest as a library call: validate every document first, then write them in order.

Nothing of a bad document is written: all documents are parsed and validated before
the first write, and each document is written by one store call (one transaction on
the embedded store). Documents whose id the graph already knows are skipped, and the
writes themselves are idempotent, so re-ingest changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from thoth_graphql.ingest.solver_document import (
    InvalidDocument,
    SolverDocument,
    parse_solver_document,
)
from thoth_graphql.ingest.sources import RawDocument, document_files, read_documents
from thoth_graphql.store.port import GraphStore, WriteReport

Progress = Callable[[SolverDocument], object]


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did, document by document in input order."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    changes: WriteReport = field(default_factory=WriteReport)
    edges_seen: int = 0


def parse_all(raw: Iterable[RawDocument]) -> list[SolverDocument]:
    """Parse every document; raise one InvalidDocument per bad one, all together."""
    parsed: list[SolverDocument] = []
    invalid: list[InvalidDocument] = []
    for doc in raw:
        try:
            parsed.append(parse_solver_document(doc.data, doc.source))
        except InvalidDocument as error:
            invalid.append(error)
    if invalid:
        raise InvalidDocuments(invalid)
    return parsed


class InvalidDocuments(ValueError):
    """One or more documents failed validation; nothing was written."""

    def __init__(self, errors: list[InvalidDocument]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


async def ingest_documents(
    store: GraphStore,
    documents: Sequence[SolverDocument],
    progress: Progress | None = None,
) -> IngestReport:
    """Write validated documents in order, skipping those the graph already holds."""
    report = IngestReport()
    known = await store.known_documents([d.ref.document_id for d in documents])
    for document in documents:
        if document.ref.document_id in known:
            report.skipped.append(document.ref.document_id)
        else:
            report.changes += await store.write_releases(document.releases, document.ref)
            report.written.append(document.ref.document_id)
            known.add(document.ref.document_id)
        report.edges_seen += document.edge_count
        if progress is not None:
            progress(document)
    return report


async def ingest_paths(
    store: GraphStore, paths: Sequence[str], progress: Progress | None = None
) -> IngestReport:
    """Read, validate and ingest files, folders or `-`; raises before writing if any is bad."""
    documents = parse_all(doc for name in document_files(paths) for doc in read_documents(name))
    return await ingest_documents(store, documents, progress)
