"""The package graph facet: packages, their releases and dependency edges, the documents
they came from, and the closures advise reads."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

from thoth_graphql.domain import (
    AbsentPackage,
    Dependency,
    Package,
    PackageVersion,
    Release,
    VersionKey,
)
from thoth_graphql.domain.closure import Closure
from thoth_graphql.store.port.values import Dependent, DocumentRef, GraphCounts, WriteReport


class PackageGraph(Protocol):
    """Packages, versions and DependsOn edges, written in bulk and read by many keys."""

    async def write_releases(
        self, releases: Sequence[Release], documents: Sequence[DocumentRef] = ()
    ) -> WriteReport:
        """Upsert releases, the packages they name, their edges and the documents; idempotent.

        Dependency edges are identified by (declaring version, target, specifier,
        extras, marker): writing the same release again changes nothing. The documents
        (whose content the releases are) become known only once all releases are stored.
        """

    async def record_absences(self, absences: Sequence[AbsentPackage]) -> list[bool]:
        """Record that the index did not have these packages, one transaction; for each,
        whether the graph changed. One sighting is kept per name, the latest (see
        `AbsentPackage.newer_than`); releases of the package, known or written later, are
        never touched by it, and reads prefer them (`load_closure`)."""

    async def absences_of(self, names: Sequence[str]) -> list[AbsentPackage | None]:
        """For each package name, the latest sighting of its absence from the index, or
        None; whether the package has releases does not matter here."""

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

    async def load_closure(
        self, roots: Sequence[str], extras: Mapping[str, Collection[str]] | None = None
    ) -> Closure:
        """Every release reachable from these package names, one round trip per level,
        which also tells the level's names without releases that the index does not have
        (`Closure.absent`) from the unknown ones (`Closure.missing`); with `extras`, only
        through the extras requested (see `store.closure.walk_closure`)."""

    async def counts(self) -> GraphCounts: ...

    async def count_packages(self, prefix: str = "") -> int:
        """The number of packages whose canonical name starts with prefix."""
