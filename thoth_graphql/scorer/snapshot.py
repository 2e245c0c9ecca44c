"""The in-memory snapshot the scorer searches: every release of a closure, newest first.

Versions of a package are numbered by recency (0 is the newest), so a set of versions is
an int bitset and intersecting requirements is one `&`. Work that depends only on the
data (specifier matching) is cached on the snapshot; work that depends on the runtime
environment too (markers, requires-python) is cached on its `EnvironmentView`.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple, cast

from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from thoth_graphql.domain import (
    AbsentPackage,
    Dependency,
    Release,
    RuntimeEnvironment,
    canonical_name,
)
from thoth_graphql.domain.closure import Closure, StoredRelease
from thoth_graphql.domain.collector import paused
from thoth_graphql.scorer.markers import MarkerEvaluator

if TYPE_CHECKING:
    from thoth_graphql.scorer.encoding import Encoding

ReleaseRecord = StoredRelease | Release
"""A release with its dependencies, as the store reads it back or as ingest parses it."""


class Match(NamedTuple):
    """The versions of one package that one specifier admits."""

    bits: int
    names_pre: bool
    """The specifier names a pre-release, so pre-releases are allowed."""
    pinned: bool
    """An exact `==`/`===` pin: the only way a yanked release may be chosen."""


class PackageIndex:
    """One package of the snapshot: its releases newest first and cached version sets."""

    __slots__ = (
        "_clauses",
        "_matching",
        "_positions",
        "final_mask",
        "full_mask",
        "id",
        "name",
        "releases",
        "versions",
        "yanked_mask",
    )

    def __init__(
        self,
        id: int,
        name: str,
        releases: Sequence[ReleaseRecord],
        versions: dict[str, Version | None] | None = None,
    ) -> None:
        """`versions` caches parsed version strings (most recur across packages)."""
        cache: dict[str, Version | None] = {} if versions is None else versions
        parsed: list[tuple[Version, ReleaseRecord]] = []
        for release in releases:
            text = release.version.version
            if text in cache:
                version = cache[text]
            else:
                try:
                    version = cache[text] = Version(text)
                except InvalidVersion:
                    version = cache[text] = None
            if version is not None:  # a version we cannot order can never be chosen
                parsed.append((version, release))
        parsed.sort(key=lambda p: (p[0], p[1].version.index_url), reverse=True)
        self.id = id
        self.name = name
        self.versions: tuple[Version, ...] = tuple(v for v, _ in parsed)
        self.releases: tuple[ReleaseRecord, ...] = tuple(r for _, r in parsed)
        self.full_mask = (1 << len(parsed)) - 1
        self.final_mask = sum(1 << i for i, v in enumerate(self.versions) if not v.is_prerelease)
        self.yanked_mask = sum(1 << i for i, r in enumerate(self.releases) if r.version.yanked)
        self._matching: dict[str, Match] = {}
        self._clauses: dict[str, int] = {}
        self._positions: dict[tuple[str, str], int] | None = None

    def position(self, version: str, index_url: str | None = None) -> int | None:
        """The number of a release by its version (any index unless one is named)."""
        if self._positions is None:
            positions: dict[tuple[str, str], int] = {}
            for i in reversed(range(len(self.versions))):
                release = self.releases[i].version
                positions[(str(self.versions[i]), release.index_url)] = i
                positions[(str(self.versions[i]), "")] = i
            self._positions = positions
        try:
            normal = str(Version(version))
        except InvalidVersion:
            return None
        return self._positions.get((normal, index_url or ""))

    def matching(self, specifier: str) -> Match:
        """The versions a specifier admits, pre-releases and yanked releases included.

        Whether a pre-release or a yanked release may be chosen depends on every
        requirement on the package in the stack, so the search checks it on the whole.
        """
        found = self._matching.get(specifier)
        if found is None:
            found = self._match(specifier)
            self._matching[specifier] = found
        return found

    def _match(self, specifier: str) -> Match:
        if not specifier:
            return Match(self.full_mask, False, False)
        try:
            spec = SpecifierSet(specifier)
        except InvalidSpecifier:
            return Match(0, False, False)
        bits = self.full_mask
        for clause in spec:
            bits &= self._clause_bits(clause)
        pinned = any(s.operator in ("==", "===") and not s.version.endswith(".*") for s in spec)
        return Match(bits, spec.prereleases is True, pinned)

    def _clause_bits(self, clause: Specifier) -> int:
        """The versions one clause admits (cached per clause: sets share them).

        An ordered comparison admits a contiguous run of the sorted versions, even with
        packaging's exceptions (`<2.0` leaves out 2.0's pre-releases, `>2.0` its
        post-releases and local versions, all next to 2.0), so its edge is found by
        binary search with packaging's own `contains`: log n checks, not n. Pins and
        exclusions are checked one version at a time."""
        key = str(clause)
        found = self._clauses.get(key)
        if found is not None:
            return found
        versions = self.versions
        n = len(versions)

        def admits(ascending: int) -> bool:
            return clause.contains(versions[n - 1 - ascending], prereleases=True)

        if clause.operator in (">=", ">"):
            lowest = _first_true(admits, n)  # ascending positions lowest.. are admitted
            found = (1 << (n - lowest)) - 1
        elif clause.operator in ("<=", "<"):
            above = _first_true(lambda j: not admits(j), n)  # ascending 0..above-1
            found = self.full_mask & ~((1 << (n - above)) - 1)
        else:
            run = _equal_run(clause, versions)
            if run is None:
                found = 0
                for i, version in enumerate(versions):
                    if clause.contains(version, prereleases=True):
                        found |= 1 << i
            else:
                low, high = run  # ascending positions low..high-1 are admitted
                found = ((1 << (n - low)) - 1) & ~((1 << (n - high)) - 1)
                if clause.operator == "!=":
                    found = self.full_mask & ~found
        self._clauses[key] = found
        return found

    def __repr__(self) -> str:
        return f"PackageIndex({self.name!r}, {len(self.versions)} versions)"


def _equal_run(clause: Specifier, newest_first: Sequence[Version]) -> tuple[int, int] | None:
    """For `==`, `!=` (the run it leaves out) and `~=`: the run low..high-1 of ascending
    positions that the equality admits, found by binary search; None for any other clause.

    Every version such a clause matches (`==1.4`, `==1.4.*`, `~=1.4.2`, local versions
    included) sorts at or after its lower bound b (1.4, 1.4.dev0, 1.4.2), and they are
    contiguous in PEP 440 order (they share a release prefix); so the run starts at the
    first version at or after b when that one matches, and nothing matches otherwise."""
    operator, text = clause.operator, clause.version
    if operator not in ("==", "!=", "~="):
        return None
    try:
        bound = Version(f"{text[:-2]}.dev0" if text.endswith(".*") else text)
    except InvalidVersion:
        return None
    equality = Specifier(f"=={text}") if operator == "!=" else clause
    n = len(newest_first)

    def matches(ascending: int) -> bool:
        return equality.contains(newest_first[n - 1 - ascending], prereleases=True)

    low = _first_true(lambda j: newest_first[n - 1 - j] >= bound, n)
    if low == n or not matches(low):
        return (low, low)
    return (low, low + 1 + _first_true(lambda j: not matches(low + 1 + j), n - low - 1))


def _first_true(predicate: Callable[[int], bool], n: int) -> int:
    """The least i in 0..n-1 with predicate(i), for a predicate false then true; n if none."""
    low, high = 0, n
    while low < high:
        middle = (low + high) // 2
        if predicate(middle):
            high = middle
        else:
            low = middle + 1
    return low


class Edge:
    """A dependency as the search uses it: target package, admitted versions, extras."""

    __slots__ = (
        "bits",
        "dependency",
        "extras",
        "names_pre",
        "pinned",
        "target",
        "target_name",
        "text",
    )

    def __init__(self, dependency: Dependency, target: PackageIndex | None, match: Match) -> None:
        self.dependency = dependency
        self.target = target
        self.target_name = dependency.name
        self.bits, self.names_pre, self.pinned = match
        self.extras = dependency.extras
        extras = f"[{','.join(dependency.extras)}]" if dependency.extras else ""
        self.text = f"{dependency.name}{extras}{dependency.specifier}"

    def __repr__(self) -> str:
        return f"Edge({self.target_name}{list(self.extras) or ''}{self.dependency.specifier})"


FILES_PER_RELEASE = 4
"""A release's file as loaded (filename, url, sha256, ...: ~650 B) costs about a quarter of
a release with its edges (2.1-3.2 KB): a snapshot's weight counts four files as a release."""


class Snapshot:
    """Every release of a dependency closure, indexed for the search; immutable data.

    A package the index does not have (`absent`, and no release here) is a package with
    no release: known, so a demand on it is a clash the engines prove, not a gap. Every
    engine sees it that way through the same PackageIndex with an empty version set."""

    def __init__(
        self,
        releases: Mapping[str, Sequence[ReleaseRecord]],
        missing: Iterable[str] = (),
        absent: Mapping[str, AbsentPackage] | None = None,
    ) -> None:
        self.packages: dict[str, PackageIndex] = {}
        versions: dict[str, Version | None] = {}
        known = {canonical_name(n): r for n, r in releases.items()}
        self.absent: dict[str, AbsentPackage] = {
            name: absence
            for name, absence in sorted((absent or {}).items())
            if not known.get(name)  # releases win over an absence
        }
        with paused():  # what it makes is kept: the collector would scan it for nothing
            for name in sorted(known.keys() | self.absent.keys()):
                index = PackageIndex(len(self.packages), name, known.get(name, ()), versions)
                self.packages[index.name] = index
        self.by_id: list[PackageIndex] = list(self.packages.values())
        self.missing = frozenset(missing) - self.packages.keys()
        self._views: dict[str, EnvironmentView] = {}
        files = sum(len(r.version.files) for p in self.by_id for r in p.releases)
        self.weight = self.release_count + files // FILES_PER_RELEASE
        """Its memory in releases' worth, files included: what the snapshot cache bounds."""

    @property
    def release_count(self) -> int:
        """How many releases the snapshot holds: what its memory grows with."""
        return sum(len(p.versions) for p in self.by_id)

    @classmethod
    def from_closure(cls, closure: Closure) -> Snapshot:
        return cls(closure.releases, closure.missing, closure.absent)

    @classmethod
    def from_releases(
        cls, releases: Iterable[ReleaseRecord], absent: Iterable[AbsentPackage] = ()
    ) -> Snapshot:
        """A snapshot of parsed releases; names they depend on but lack are missing,
        unless the index is known not to have them (`absent`)."""
        by_name: dict[str, list[ReleaseRecord]] = {}
        for release in releases:
            by_name.setdefault(release.version.name, []).append(release)
        targets = {d.name for found in by_name.values() for r in found for d in r.dependencies}
        return cls(by_name, targets - by_name.keys(), {a.name: a for a in absent})

    def view(self, environment: RuntimeEnvironment) -> EnvironmentView:
        """The snapshot as seen from one runtime environment (cached per environment)."""
        found = self._views.get(environment.key)
        if found is None:
            found = EnvironmentView(self, environment)
            self._views[environment.key] = found
        return found

    def __repr__(self) -> str:
        return f"Snapshot({len(self.packages)} packages)"


class EnvironmentView:
    """Markers and requires-python evaluated for one environment, each release once."""

    __slots__ = (
        "__weakref__",
        "_dead",
        "_edge_of",
        "_edges",
        "_extra_edges",
        "_usable",
        "encoding",
        "environment",
        "lock",
        "markers",
        "snapshot",
    )

    def __init__(self, snapshot: Snapshot, environment: RuntimeEnvironment) -> None:
        self.snapshot = cast(Snapshot, weakref.proxy(snapshot))
        """Weak, as the encoding's reference to its view: the snapshot holds its views, and
        without a cycle a dropped snapshot is freed at once with its views, encodings and
        SAT solvers, rather than by the collector (188k objects for a 100x closure, and
        gen1/gen2 collections of 0.2 to 1.9 s landing in later requests)."""
        self.environment = environment
        self.markers = MarkerEvaluator(environment)
        self._usable: dict[int, int] = {}
        self._edges: dict[int, tuple[Edge, ...]] = {}
        """id of a release's dependency tuple -> its edges that hold here."""
        self._edge_of: dict[Dependency, Edge] = {}
        self._extra_edges: dict[tuple[int, str], tuple[Edge, ...]] = {}
        self._dead: dict[int, int] = {}
        self.lock = threading.Lock()
        self.encoding: Encoding | None = None
        """The SAT encoding of this view, made by the first request that needs it."""

    def usable(self, package: PackageIndex) -> int:
        """The versions whose requires-python admits this interpreter."""
        found = self._usable.get(package.id)
        if found is None:
            found = 0
            allows = self.markers.python_allows
            for i, release in enumerate(package.releases):
                if allows(release.version.requires_python):
                    found |= 1 << i
            self._usable[package.id] = found
        return found

    def edges(self, package: PackageIndex, index: int) -> tuple[Edge, ...]:
        """The dependencies of a release that hold here without any extra.

        Cached per dependency list, not per release: the store hands out one tuple for
        releases with the same list (2.4 releases a list in a 100x closure), and the
        snapshot keeps every such tuple alive as long as its views, so its `id` is a key."""
        dependencies = package.releases[index].dependencies
        key = id(dependencies)
        found = self._edges.get(key)
        if found is None:
            found = tuple(
                self._edge(d)
                for d in dependencies
                if d.marker is None or self.markers.holds(d.marker)
            )
            self._edges[key] = found
        return found

    def extra_edges(self, package: PackageIndex, index: int, extra: str) -> tuple[Edge, ...]:
        """The dependencies a release adds when `extra` is requested on it (cached per
        dependency list, as `edges`)."""
        dependencies = package.releases[index].dependencies
        key = (id(dependencies), extra)
        found = self._extra_edges.get(key)
        if found is None:
            holds = self.markers.holds
            found = tuple(
                self._edge(d)
                for d in dependencies
                if d.marker is not None
                and "extra" in d.marker
                and holds(d.marker, extra)
                and not holds(d.marker)
            )
            self._extra_edges[key] = found
        return found

    def dead(self, roots: Iterable[PackageIndex]) -> dict[int, int]:
        """Releases that can never be installed here, for every package the roots reach.

        A release is dead when a dependency it always has names an unknown package, or
        admits only dead releases. That holds whatever else a stack contains, so it is
        computed once per environment, for the packages new requests reach. Extras only
        add dependencies, so leaving them out keeps every dead release dead.

        Searches may run in several threads: new results are computed on a copy and
        published whole, so no search ever reads a half-computed table.
        """
        roots = list(roots)
        if all(r.id in self._dead for r in roots):
            return self._dead
        found = dict(self._dead)
        fresh: list[PackageIndex] = []
        stack = [r for r in roots if r.id not in found]
        seen = {r.id for r in stack}
        while stack:
            package = stack.pop()
            fresh.append(package)
            for i in range(len(package.versions)):
                for edge in self.edges(package, i):
                    target = edge.target
                    if target is not None and target.id not in found and target.id not in seen:
                        seen.add(target.id)
                        stack.append(target)
        for package in fresh:
            found[package.id] = 0
        changed = True
        while changed:
            changed = False
            for package in fresh:
                dead = found[package.id]
                before = dead
                for i in range(len(package.versions)):
                    if (dead >> i) & 1:
                        continue
                    for edge in self.edges(package, i):
                        target = edge.target
                        if target is None or not (
                            edge.bits & self.usable(target) & ~found[target.id]
                        ):
                            dead |= 1 << i
                            break
                if dead != before:
                    found[package.id] = dead
                    changed = True
        self._dead = found
        return found

    def _edge(self, dependency: Dependency) -> Edge:
        return self.edge(dependency)

    def edge(self, dependency: Dependency) -> Edge:
        """One Edge per distinct dependency: releases share them (most releases of a
        package repeat most of their dependencies)."""
        found = self._edge_of.get(dependency)
        if found is None:
            target = self.snapshot.packages.get(dependency.name)
            match = (
                Match(0, False, False) if target is None else target.matching(dependency.specifier)
            )
            found = self._edge_of[dependency] = Edge(dependency, target, match)
        return found
