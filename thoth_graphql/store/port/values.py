"""The values the facets of the port take and answer: provenance, write reports, keys,
filters and cursors of listings, counts and generations."""

from __future__ import annotations

from dataclasses import dataclass

from thoth_graphql.domain import (
    AnalysisKind,
    AnalysisStatus,
    Dependency,
    ObservationSource,
    RuntimeEnvironment,
    StackOutcome,
    VersionKey,
)


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """Provenance of an ingested document: its id, the analyzer, the time, the environment."""

    document_id: str
    analyzer: str = ""
    analyzer_version: str = ""
    datetime: str = ""
    environment: RuntimeEnvironment | None = None


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What one write call changed. All zero means the graph already held everything."""

    packages_created: int = 0
    versions_created: int = 0
    dependencies_created: int = 0
    documents_created: int = 0
    files_added: int = 0
    """Versions already in the graph without files that a document gave files to."""
    documents_written: tuple[str, ...] = ()
    """The ids of the documents this call recorded, in input order: those another writer
    recorded first are not here, so concurrent writers each report only their own."""

    @property
    def changed(self) -> bool:
        return any(
            (
                self.packages_created,
                self.versions_created,
                self.dependencies_created,
                self.documents_created,
                self.files_added,
            )
        )

    def __add__(self, other: WriteReport) -> WriteReport:
        return WriteReport(
            self.packages_created + other.packages_created,
            self.versions_created + other.versions_created,
            self.dependencies_created + other.dependencies_created,
            self.documents_created + other.documents_created,
            self.files_added + other.files_added,
            self.documents_written + other.documents_written,
        )


@dataclass(frozen=True, slots=True)
class Dependent:
    """A reverse DependsOn edge: `version` declares `dependency` on the package asked about."""

    version: VersionKey
    dependency: Dependency


@dataclass(frozen=True, slots=True)
class GraphCounts:
    packages: int
    versions: int
    dependencies: int
    documents: int


@dataclass(frozen=True, slots=True)
class ObservationFilter:
    """Which stack observations a listing holds; None matches everything."""

    environment_key: str | None = None
    outcome: StackOutcome | None = None
    source: ObservationSource | None = None
    package: str | None = None
    """A canonical package name the observed stack contains."""


@dataclass(frozen=True, slots=True)
class ObservationCursor:
    """A position in a listing of stack observations: newest observed first, then by key."""

    observed_at: str
    key: str


@dataclass(frozen=True, slots=True)
class AnalysisFilter:
    """Which analyses a listing holds; None matches everything."""

    status: AnalysisStatus | None = None
    kind: AnalysisKind | None = None


@dataclass(frozen=True, slots=True)
class AnalysisCursor:
    """A position in a listing of analyses: newest created first, then by id."""

    created_at: str
    id: str


@dataclass(frozen=True, slots=True)
class AdvisoryKey:
    """The identity of an advisory: an OSV id names one record, which may affect several
    packages; each (id, package) is one Advisory."""

    id: str
    package: str


@dataclass(frozen=True, slots=True)
class Generations:
    """The graph's generations, read together: `knowledge` moves with what is known
    (packages, releases, dependency edges, observations, advisories, environments), `queue`
    with the analyses and the API tokens; neither moves with the other's writes."""

    knowledge: int
    queue: int
