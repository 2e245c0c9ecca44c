"""The GraphStore port: what the rest of the server may ask of a graph database.

Every adapter implements this protocol and passes the one contract suite in
tests/contract. Reads take many keys per call and answer in the order of the keys,
so DataLoaders batch them; writes are bulk, idempotent and keep input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from thoth_graphql.domain import (
    Dependency,
    Package,
    PackageVersion,
    Release,
    RuntimeEnvironment,
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

    @property
    def changed(self) -> bool:
        return any(
            (
                self.packages_created,
                self.versions_created,
                self.dependencies_created,
                self.documents_created,
            )
        )

    def __add__(self, other: WriteReport) -> WriteReport:
        return WriteReport(
            self.packages_created + other.packages_created,
            self.versions_created + other.versions_created,
            self.dependencies_created + other.dependencies_created,
            self.documents_created + other.documents_created,
        )


@dataclass(frozen=True, slots=True)
class Dependent:
    """A reverse DependsOn edge: `version` declares `dependency` on the package asked about."""

    version: VersionKey
    dependency: Dependency


@dataclass(frozen=True, slots=True)
class StoredRelease:
    """A release as read back from the store for the scorer."""

    version: PackageVersion
    dependencies: tuple[Dependency, ...]


@dataclass(slots=True)
class Closure:
    """The dependency closure of some roots: every release of every reachable package.

    Loaded level by level, so `round_trips` is bounded by `depth`, not by the size.
    `missing` names packages that were reached but are not in the graph.
    """

    releases: dict[str, list[StoredRelease]] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    depth: int = 0
    round_trips: int = 0

    @property
    def version_count(self) -> int:
        return sum(len(r) for r in self.releases.values())

    @property
    def edge_count(self) -> int:
        return sum(len(s.dependencies) for r in self.releases.values() for s in r)


@dataclass(frozen=True, slots=True)
class GraphCounts:
    packages: int
    versions: int
    dependencies: int
    documents: int


@runtime_checkable
class GraphStore(Protocol):
    """An async graph database holding the knowledge graph."""

    round_trips: int
    """Requests sent to the database since the store was opened (for tests and benches)."""

    async def open(self) -> None:
        """Connect and apply the schema (idempotently)."""

    async def close(self) -> None: ...

    async def generation(self) -> int:
        """A number that changes whenever a write changed the graph (cache key)."""

    async def write_releases(
        self, releases: Sequence[Release], document: DocumentRef | None = None
    ) -> WriteReport:
        """Upsert releases, the packages they name and their edges; idempotent.

        Dependency edges are identified by (declaring version, target, specifier,
        extras, marker): writing the same release again changes nothing.
        """

    async def known_documents(self, document_ids: Sequence[str]) -> set[str]:
        """The subset of these document ids that were already ingested."""

    async def packages(self, names: Sequence[str]) -> list[Package | None]:
        """Packages by canonical name, in key order; None where unknown."""

    async def versions_of(self, names: Sequence[str]) -> list[list[PackageVersion]]:
        """For each package name, its versions, newest first (PEP 440 order)."""

    async def dependencies_of(self, versions: Sequence[VersionKey]) -> list[list[Dependency]]:
        """For each version, the dependencies it declares, sorted by (name, marker)."""

    async def dependents_of(self, names: Sequence[str]) -> list[list[Dependent]]:
        """For each package name, the edges that point at it (reverse dependencies)."""

    async def search_packages(
        self, prefix: str, first: int, after: str | None = None
    ) -> list[Package]:
        """Packages whose canonical name starts with prefix, by name, after a name."""

    async def load_closure(self, roots: Sequence[str]) -> Closure:
        """Every release reachable from these package names, one round trip per level."""

    async def counts(self) -> GraphCounts: ...
