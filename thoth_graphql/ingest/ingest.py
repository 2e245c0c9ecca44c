"""Solver documents written as a library call: validate every document first, then write
them in order (the machinery under `IngestService`, which every caller goes through).

Nothing of a bad document is written: all documents are parsed and validated before
the first write, and each document is written by one store call (one transaction on
the embedded store), after one more for the packages it found absent from the index, if
any (the document is recorded last, so until then it is not known and is written again).
Documents whose id the graph already knows are skipped, and the writes themselves are
idempotent, so re-ingest changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from thoth_graphql.ingest.solver_document import (
    InvalidDocument,
    SolverDocument,
    parse_solver_document,
)
from thoth_graphql.ingest.sources import RawDocument
from thoth_graphql.store.port import PackageGraph, WriteReport

Progress = Callable[[SolverDocument], object]
T = TypeVar("T")


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did, document by document in input order.

    `written` are the documents this run recorded; `skipped` those the graph held already,
    or that another writer recorded while this run went on.
    """

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    changes: WriteReport = field(default_factory=WriteReport)
    edges_seen: int = 0
    absences_recorded: int = 0
    """Packages the index did not have whose sighting this run recorded (new or later)."""


class IngestInterrupted(RuntimeError):
    """A write failed part way: `report` holds exactly what was written before it, and
    `not_written` every document of the input that was not (in input order)."""

    def __init__(self, report: IngestReport, not_written: list[str], cause: Exception) -> None:
        self.report = report
        self.not_written = not_written
        self.cause = cause
        super().__init__(
            f"{len(report.written)} of {len(report.written) + len(not_written)} document(s) "
            f"written before the failure: {cause}"
        )


def parse_each(raw: Iterable[RawDocument], parse: Callable[[object, str], T]) -> list[T]:
    """Parse every document; raise one InvalidDocument per bad one, all together."""
    parsed: list[T] = []
    invalid: list[InvalidDocument] = []
    for doc in raw:
        try:
            parsed.append(parse(doc.data, doc.source))
        except InvalidDocument as error:
            invalid.append(error)
    if invalid:
        raise InvalidDocuments(invalid)
    return parsed


def parse_all(raw: Iterable[RawDocument]) -> list[SolverDocument]:
    """Every solver document parsed, or InvalidDocuments naming each bad one."""
    return parse_each(raw, parse_solver_document)


class InvalidDocuments(ValueError):
    """One or more documents (or records) failed validation; nothing was written."""

    def __init__(self, errors: list[InvalidDocument]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


# Documents are written in groups of about this many dependency edges: one transaction on
# the embedded store, a few requests on JanusGraph, instead of one or more per document.
GROUP_EDGES = 10_000


def _groups(
    documents: Sequence[SolverDocument], group_edges: int | None
) -> Iterable[list[SolverDocument]]:
    if group_edges is None:
        if documents:
            yield list(documents)
        return
    group: list[SolverDocument] = []
    edges = 0
    for document in documents:
        group.append(document)
        edges += document.edge_count + 1
        if edges >= group_edges:
            yield group
            group, edges = [], 0
    if group:
        yield group


async def ingest_documents(
    store: PackageGraph,
    documents: Sequence[SolverDocument],
    progress: Progress | None = None,
    group_edges: int | None = GROUP_EDGES,
) -> IngestReport:
    """Write validated documents in input order, skipping those the graph already holds.

    Each group of about `group_edges` edges is one store write; `None` writes all in one
    (one transaction on the embedded store: all or nothing). A failed write raises
    IngestInterrupted, which says what the groups before it wrote.
    """
    report = IngestReport()
    known = await store.known_documents([d.ref.document_id for d in documents])
    fresh: list[SolverDocument] = []
    for document in documents:
        if document.ref.document_id not in known:
            known.add(document.ref.document_id)  # a repeat within this input is skipped too
            fresh.append(document)
        report.edges_seen += document.edge_count
    written: set[str] = set()
    for group in _groups(fresh, group_edges):
        releases = [release for document in group for release in document.releases]
        absences = [absence for document in group for absence in document.absent]
        try:
            # Before the documents: a document is known only once all it brought is stored.
            if absences:
                report.absences_recorded += sum(await store.record_absences(absences))
            changes = await store.write_releases(releases, [d.ref for d in group])
        except Exception as error:
            unwritten = [d.ref.document_id for d in fresh if d.ref.document_id not in written]
            _sort_out(report, documents, written, set(unwritten))
            raise IngestInterrupted(report, unwritten, error) from error
        report.changes += changes
        # Only what the store says this write recorded: another writer may have been first.
        written.update(changes.documents_written)
        if progress is not None:
            for document in group:
                progress(document)
    _sort_out(report, documents, written)
    return report


def _sort_out(
    report: IngestReport,
    documents: Sequence[SolverDocument],
    written: set[str],
    unwritten: Collection[str] = (),
) -> None:
    """Fill `written` and `skipped` in input order (a repeated id counts once, as written);
    `unwritten` documents are in neither."""
    seen: set[str] = set()
    for document in documents:
        document_id = document.ref.document_id
        if document_id in written and document_id not in seen:
            report.written.append(document_id)
        elif document_id not in unwritten:
            report.skipped.append(document_id)
        seen.add(document_id)
