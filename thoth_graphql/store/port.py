"""The GraphStore port: what the rest of the server may ask of a graph database.

Every adapter implements this protocol and passes the one contract suite in
tests/contract. Reads take many keys per call and answer in the order of the keys,
so DataLoaders batch them; writes are bulk, idempotent and keep input order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from thoth_graphql.domain import (
    Advisory,
    Analysis,
    AnalysisKind,
    AnalysisStatus,
    ApiToken,
    Dependency,
    Installability,
    ObservationSource,
    Package,
    PackageVersion,
    Release,
    RuntimeEnvironment,
    StackObservation,
    StackOutcome,
    VersionKey,
)

# Re-exported: the adapters and their callers name them here; they live in the domain so
# that the scorer, which takes them, imports nothing of the store.
from thoth_graphql.domain.closure import Closure as Closure
from thoth_graphql.domain.closure import StoredRelease as StoredRelease


class StoreUnavailable(RuntimeError):
    """The graph database cannot do what was asked now, for a reason outside the request
    (its disk is full, it is busy or down). `str()` is fit for any client; `detail` holds
    the database's own words and where it is, for the log and the operator."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.detail = detail


class StoreFull(StoreUnavailable):
    """The disk (or the quota) under the graph is full: nothing of the write was kept."""


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


LevelLoader = Callable[[list[str]], Awaitable[dict[str, list[StoredRelease]]]]


async def walk_closure(
    roots: Sequence[str], load_level: LevelLoader, extras: Mapping[str, Collection[str]] | None
) -> Closure:
    """Breadth-first from the roots, one `load_level` call (one round trip) per level:
    every adapter's `load_closure`, given how it reads all releases of many packages.

    With `extras` (the extras the roots request, by package), a dependency that only an
    extra activates is followed only once some root or followed dependency requests that
    extra on its package, so the closure holds what a stack can need and no test or docs
    tool behind an extra nobody asks for. Without it, every dependency is followed."""
    closure = Closure()
    every_extra = extras is None
    requested: dict[str, set[str]] = {n: set(e) for n, e in (extras or {}).items()}
    scanned: dict[str, set[str]] = {}
    """loaded package -> the extras whose dependencies were followed from it."""
    seen: set[str] = set()
    frontier = list(dict.fromkeys(roots))
    while frontier:
        seen.update(frontier)
        level = await load_level(frontier)
        closure.round_trips += 1
        closure.depth += 1
        following: dict[str, None] = {}
        for name in frontier:
            releases = level.get(name)
            if not releases:
                closure.missing.add(name)
                continue
            closure.releases[name] = releases
        # Follow from every package whose requested extras grew (the new ones first of
        # all), until nothing loaded asks for more: an extra may request extras of
        # packages loaded before, of its own package too (`a[all]` -> `a[b]`).
        growing = True
        while growing:
            growing = False
            for name, releases in closure.releases.items():
                wanted = requested.get(name, set())
                done = scanned.get(name)
                if done is not None and (every_extra or done >= wanted):
                    continue
                scanned[name] = set(wanted)
                for dep in _distinct_dependencies(releases):
                    if not (every_extra or dep.applies_with_extras(wanted)):
                        continue
                    if dep.name not in seen:
                        following[dep.name] = None
                    if dep.extras and not every_extra:
                        more = set(dep.extras) - requested.setdefault(dep.name, set())
                        if more:
                            requested[dep.name] |= more
                            growing = True
        frontier = list(following)
    return closure


def _distinct_dependencies(releases: Sequence[StoredRelease]) -> list[Dependency]:
    """The dependencies of a package's releases, each once: releases share most of them
    (adapters hand out one tuple for releases with the same list), so this walks far
    fewer than one per edge, in the order first declared."""
    lists = {id(r.dependencies): r.dependencies for r in releases}
    return list(dict.fromkeys(d for deps in lists.values() for d in deps))


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


@runtime_checkable
class GraphStore(Protocol):
    """An async graph database holding the knowledge graph."""

    round_trips: int
    """Requests sent to the database since the store was opened (for tests and benches)."""

    async def open(self) -> None:
        """Connect and apply the schema (idempotently)."""

    async def close(self) -> None: ...

    async def generation(self) -> int:
        """The knowledge generation: changes whenever a write changed what is known about
        the ecosystem; analyses and tokens never move it (the key of advise snapshots)."""

    async def generations(self) -> Generations:
        """The knowledge and the queue generation, in one round trip (the read cache's key)."""

    async def write_releases(
        self, releases: Sequence[Release], documents: Sequence[DocumentRef] = ()
    ) -> WriteReport:
        """Upsert releases, the packages they name, their edges and the documents; idempotent.

        Dependency edges are identified by (declaring version, target, specifier,
        extras, marker): writing the same release again changes nothing. The documents
        (whose content the releases are) become known only once all releases are stored.
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

    async def load_closure(
        self, roots: Sequence[str], extras: Mapping[str, Collection[str]] | None = None
    ) -> Closure:
        """Every release reachable from these package names, one round trip per level;
        with `extras`, only through the extras requested (see `walk_closure`)."""

    async def counts(self) -> GraphCounts: ...

    async def count_packages(self, prefix: str = "") -> int:
        """The number of packages whose canonical name starts with prefix."""

    # -- runtime environments -----------------------------------------------------------

    async def register_environments(self, environments: Sequence[RuntimeEnvironment]) -> list[bool]:
        """Store environments by key; for each, in input order, whether it was new."""

    async def environments(self, keys: Sequence[str]) -> list[RuntimeEnvironment | None]:
        """Environments by key, in key order; None where unknown."""

    async def list_environments(
        self, first: int, after: str | None = None
    ) -> list[RuntimeEnvironment]:
        """Up to `first` environments by key, after the key `after`."""

    async def count_environments(self) -> int: ...

    # -- stack observations -------------------------------------------------------------

    async def record_stack_observations(
        self, observations: Sequence[StackObservation]
    ) -> list[bool]:
        """Store observations (and register their environments) by key, in one transaction;
        for each, in input order, whether it was new."""

    async def stack_observations(self, keys: Sequence[str]) -> list[StackObservation | None]:
        """Observations by key, in key order; None where unknown."""

    async def list_stack_observations(
        self, where: ObservationFilter, first: int, after: ObservationCursor | None = None
    ) -> list[StackObservation]:
        """Up to `first` matching observations, newest `observed_at` first, then by key
        descending, after the cursor."""

    async def count_stack_observations(self, where: ObservationFilter) -> int: ...

    # -- installability -----------------------------------------------------------------

    async def record_installability(self, observations: Sequence[Installability]) -> list[bool]:
        """Store installability observations by key, in one transaction; for each, in input
        order, whether it was new."""

    async def installability_of(self, versions: Sequence[VersionKey]) -> list[list[Installability]]:
        """For each version, what was observed about installing it, newest first."""

    # -- advisories ---------------------------------------------------------------------

    async def write_advisories(self, advisories: Sequence[Advisory]) -> list[bool]:
        """Upsert advisories by (id, package), in one transaction; for each, in input order,
        whether it changed the graph (a new advisory, or a new text of a known one)."""

    async def advisories(self, keys: Sequence[AdvisoryKey]) -> list[Advisory | None]:
        """Advisories by key, in key order; None where unknown."""

    async def advisories_of(self, names: Sequence[str]) -> list[list[Advisory]]:
        """For each package name, the advisories about it, by id."""

    async def list_advisories(
        self, package: str | None, first: int, after: AdvisoryKey | None = None
    ) -> list[Advisory]:
        """Up to `first` advisories (of one package, or all) by (id, package), after a key."""

    async def count_advisories(self, package: str | None = None) -> int: ...

    # -- analyses -----------------------------------------------------------------------

    async def create_analyses(self, analyses: Sequence[Analysis]) -> list[bool]:
        """Store new analyses by id; for each, in input order, whether it was new (a known
        id is left as it is)."""

    async def analyses(self, ids: Sequence[str]) -> list[Analysis | None]:
        """Analyses by id, in id order; None where unknown."""

    async def update_analysis(
        self, analysis: Analysis, expected: AnalysisStatus | None = None
    ) -> bool:
        """Replace the stored analysis of this id, only if it exists and, when `expected`
        is given, is in that status (compare and set); whether it was replaced."""

    async def list_analyses(
        self, where: AnalysisFilter, first: int, after: AnalysisCursor | None = None
    ) -> list[Analysis]:
        """Up to `first` matching analyses, newest `created_at` first, then by id
        descending, after the cursor."""

    async def count_analyses(self, where: AnalysisFilter) -> int: ...

    # -- API tokens ---------------------------------------------------------------------

    async def add_token(self, token: ApiToken) -> bool:
        """Store a token by its hash; whether it was new."""

    async def token_by_hash(self, token_hash: str) -> ApiToken | None: ...

    async def list_tokens(self) -> list[ApiToken]:
        """Every token, expired ones too, oldest first (by `created_at`, then hash)."""

    async def revoke_token(self, token_hash: str) -> bool:
        """Forget a token; whether it was there."""
