"""The one way knowledge enters the graph: solver documents, OSV records, runtime
environments, stack observations and installability, for the CLI, the GraphQL mutations,
graph-sync and the demo alike.

Each entry validates its whole input with the parsers of this package (or takes domain
values its caller read: GraphQL inputs, inspection documents), applies the limits, and
only then writes; it answers what it did, input by input. What "nothing half-written"
means follows what the store offers: every store call is one transaction on the embedded
store and idempotent on both, so

- an atomic entry (OSV records, observations, environments, solver documents with
  `atomic=True`) is one store call: an error means nothing of it was recorded;
- grouped solver documents are written in groups of about GROUP_EDGES edges, each group
  one call; a failure raises IngestInterrupted saying exactly which documents were
  written, and ingesting the same input again writes only what is missing;
- where two calls are needed (installability before the solver documents it came with,
  the packages a solver document found absent from the index before its releases, stack
  observations before the inspection documents they came from), the document is
  recorded last: until then it is not known, and the next pass writes all again, which
  changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from thoth_graphql.domain import Advisory, Installability, RuntimeEnvironment, StackObservation
from thoth_graphql.ingest.ingest import (
    GROUP_EDGES,
    IngestInterrupted,
    IngestReport,
    InvalidDocuments,
    Progress,
    ingest_documents,
    parse_each,
)
from thoth_graphql.ingest.limits import MAX_BATCH
from thoth_graphql.ingest.observations import check_stack_observation
from thoth_graphql.ingest.osv import parse_osv_record
from thoth_graphql.ingest.solver_document import (
    InvalidDocument,
    SolverDocument,
    parse_solver_document,
)
from thoth_graphql.ingest.sources import RawDocument, document_files, read_documents
from thoth_graphql.store.port import DocumentRef, KnowledgeGraph


class TooManyItems(ValueError):
    """More items than one call takes; nothing was read further, nothing written."""

    def __init__(self, given: int, most: int) -> None:
        self.given = given
        self.most = most
        super().__init__(f"{given} items; at most {most} per call")


@dataclass(frozen=True, slots=True)
class DocumentOutcome:
    """What ingest did with one input document: `written` by this call, or known already
    (also a repeat of an id earlier in the same input)."""

    document_id: str
    written: bool
    releases: int


@dataclass(frozen=True, slots=True)
class SolverIngest:
    """What a solver document ingest did: the totals, and one outcome per input document."""

    report: IngestReport
    outcomes: list[DocumentOutcome]


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """What ingest did with one OSV record: its advisories (one per affected PyPI package)
    and whether the graph did not hold them as they are."""

    advisories: tuple[Advisory, ...]
    changed: bool

    @property
    def id(self) -> str:
        return self.advisories[0].id


def _at_most(raw: Iterable[RawDocument], most: int | None) -> Iterable[RawDocument]:
    if most is None:
        return raw
    items = list(raw)
    if len(items) > most:
        raise TooManyItems(len(items), most)
    return items


def check_solver_documents(
    raw: Iterable[RawDocument], most: int | None = None
) -> list[SolverDocument]:
    """Every solver document validated (no store needed: the CLI checks its input before
    it connects); raises InvalidDocuments naming each bad one, or TooManyItems."""
    return parse_each(_at_most(raw, most), parse_solver_document)


def check_osv_records(
    raw: Iterable[RawDocument], most: int | None = MAX_BATCH
) -> list[tuple[Advisory, ...]]:
    """Every OSV record read into its advisories; raises InvalidDocuments or TooManyItems."""
    return parse_each(_at_most(raw, most), parse_osv_record)


def outcomes(documents: Sequence[SolverDocument], report: IngestReport) -> list[DocumentOutcome]:
    """One outcome per input document, in input order; a repeated id counts once, as written."""
    written, seen = set(report.written), set()
    found = []
    for document in documents:
        document_id = document.ref.document_id
        found.append(
            DocumentOutcome(
                document_id,
                written=document_id in written and document_id not in seen,
                releases=len(document.releases),
            )
        )
        seen.add(document_id)
    return found


class IngestService:
    """Validates, bounds and writes what enters the graph, over the store it writes to."""

    def __init__(self, graph: KnowledgeGraph) -> None:
        self.graph = graph

    # -- solver documents ----------------------------------------------------------------

    async def solver_documents(
        self,
        raw: Iterable[RawDocument],
        *,
        atomic: bool = False,
        progress: Progress | None = None,
    ) -> SolverIngest:
        """Validate every document, then write them (see `write_solver_documents`); an
        atomic ingest takes at most MAX_BATCH documents (TooManyItems)."""
        documents = check_solver_documents(raw, MAX_BATCH if atomic else None)
        report = await self.write_solver_documents(documents, atomic=atomic, progress=progress)
        return SolverIngest(report, outcomes(documents, report))

    async def ingest_paths(
        self, paths: Sequence[str], progress: Progress | None = None
    ) -> IngestReport:
        """Read and validate files, folders or `-`, then write them in groups; raises
        UnreadableSource or InvalidDocuments before anything is written."""
        documents = check_solver_documents(
            doc for name in document_files(paths) for doc in read_documents(name)
        )
        return await self.write_solver_documents(documents, progress=progress)

    async def write_solver_documents(
        self,
        documents: Sequence[SolverDocument],
        *,
        installability: Sequence[Installability] = (),
        atomic: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Write validated documents in input order, skipping those the graph holds.

        `atomic`: one store call for all (an error is the store's own, and nothing was
        recorded); otherwise groups of about GROUP_EDGES edges, a failure raising
        IngestInterrupted. `installability` (what a runner said about installing the
        documents' versions) is recorded first, so that a document becomes known only
        once all it brought is stored.
        """
        if installability:
            await self.graph.record_installability(installability)
        group_edges = None if atomic else GROUP_EDGES
        try:
            return await ingest_documents(self.graph, documents, progress, group_edges)
        except IngestInterrupted as error:
            if not atomic:
                raise
            # Nothing was written: the store's error, with its own cause for the log.
            raise error.cause from error.cause.__cause__

    # -- advisories ----------------------------------------------------------------------

    async def osv_records(self, raw: Iterable[RawDocument]) -> list[RecordOutcome]:
        """Validate every OSV record (at most MAX_BATCH), then write their advisories in
        one transaction; one outcome per record, in input order."""
        records = check_osv_records(raw)
        flat = [advisory for record in records for advisory in record]
        changed = iter(await self.graph.write_advisories(flat))
        return [RecordOutcome(record, any([next(changed) for _ in record])) for record in records]

    # -- environments and observations ---------------------------------------------------

    async def runtime_environments(self, environments: Sequence[RuntimeEnvironment]) -> list[bool]:
        """Register environments, one transaction; for each, whether it was new."""
        _bound(environments, MAX_BATCH)
        return await self.graph.register_environments(environments)

    async def stack_observations(
        self,
        observations: Sequence[StackObservation],
        documents: Sequence[DocumentRef] = (),
        *,
        sources: Sequence[str] | None = None,
    ) -> list[bool]:
        """Check every observation (InvalidDocuments naming each bad one by its source,
        `observations[i]` by default), then record them and their environments in one
        transaction; for each, whether it was new. `documents` (those the observations
        were read from) are recorded after them: a document is known only once its
        observations are stored."""
        _bound(observations, MAX_BATCH)
        names = sources or [f"observations[{i}]" for i in range(len(observations))]
        invalid = []
        for observation, source in zip(observations, names, strict=True):
            try:
                check_stack_observation(observation, source)
            except InvalidDocument as error:
                invalid.append(error)
        if invalid:
            raise InvalidDocuments(invalid)
        created = await self.graph.record_stack_observations(observations)
        if documents:
            await self.graph.write_releases([], documents)
        return created


def _bound(items: Sequence[object], most: int) -> None:
    if len(items) > most:
        raise TooManyItems(len(items), most)


async def ingest_paths(
    graph: KnowledgeGraph, paths: Sequence[str], progress: Progress | None = None
) -> IngestReport:
    """`IngestService(graph).ingest_paths(paths)`: for the demo, benches and tests."""
    return await IngestService(graph).ingest_paths(paths, progress)
