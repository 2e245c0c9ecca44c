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


# Documents are written in groups of about this many dependency edges: one transaction on
# the embedded store, a few requests on JanusGraph, instead of one or more per document.
GROUP_EDGES = 10_000


def _groups(documents: Sequence[SolverDocument]) -> Iterable[list[SolverDocument]]:
    group: list[SolverDocument] = []
    edges = 0
    for document in documents:
        group.append(document)
        edges += document.edge_count + 1
        if edges >= GROUP_EDGES:
            yield group
            group, edges = [], 0
    if group:
        yield group


async def ingest_documents(
    store: GraphStore,
    documents: Sequence[SolverDocument],
    progress: Progress | None = None,
) -> IngestReport:
    """Write validated documents in input order, skipping those the graph already holds."""
    report = IngestReport()
    known = await store.known_documents([d.ref.document_id for d in documents])
    fresh: list[SolverDocument] = []
    for document in documents:
        if document.ref.document_id in known:
            report.skipped.append(document.ref.document_id)
        else:
            known.add(document.ref.document_id)  # a repeat within this input is skipped too
            fresh.append(document)
            report.written.append(document.ref.document_id)
        report.edges_seen += document.edge_count
    for group in _groups(fresh):
        releases = [release for document in group for release in document.releases]
        report.changes += await store.write_releases(releases, [d.ref for d in group])
        if progress is not None:
            for document in group:
                progress(document)
    return report


async def ingest_paths(
    store: GraphStore, paths: Sequence[str], progress: Progress | None = None
) -> IngestReport:
    """Read, validate and ingest files, folders or `-`; raises before writing if any is bad."""
    documents = parse_all(doc for name in document_files(paths) for doc in read_documents(name))
    return await ingest_documents(store, documents, progress)
