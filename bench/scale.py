"""Advise at scale: synthetic ecosystems shaped like PyPI at 1x, 10x and 100x cheroot.

    .venv/bin/python -m bench.scale [--sizes 1,10,100] [--requests 20] [--repeat 5]
        [--seed 2020] [--time-limit-ms 10000] [--memory 2] [--budget 900] [--profile]

The cheroot snapshot (thoth_graphql/demo) has 775 projects (629 released, 146 only named
by dependencies), 13,272 versions and 98,071 dependency edges. For each size factor f a
seeded generator builds an ecosystem of 775 * f projects with the same shape, measured
from that snapshot and printed side by side with it:

- power-law in-degree: project ranks carry Zipf weights and a dependency picks its
  target by weight among the projects more popular than its declarer (a jump to any
  project, which makes cycles, with a small probability), so a few hubs are depended on
  by a quarter of all projects;
- heavy-tailed versions per project (lognormal, median 9, up to 1,000), with
  pre-releases, a few yanked releases and requires-python floors that rise over time;
- per-release edges that evolve with the project (added, dropped, bounds moving up),
  with cheroot's specifier shapes (none, >=, <next-major,>=, ==, ~=, !=, ...) computed
  against the versions the target had when the release was made: pins and upper bounds
  age, so requests meet conflicts and backtracking;
- extras (`extra == "test"`, ...) and environment markers on about half the edges, and
  dependencies on packages that were never released (the snapshot's unknown packages).

The ecosystem is written into a fresh SQLite store in a temporary directory with bulk
`write_releases` groups. Then a fixed set of seeded requests (3 to 6 requirements among
popular and random projects) is asked through the same steps as `AdviseService`: the
closure (packages, versions, edges), cold advise (load_closure + snapshot build + search,
on a fresh snapshot) and warm advise (the cached snapshot, median of repeats), for LATEST
and for STABLE (with failed stack observations on the newest roots), whether `optimal`
was proven, and memory: tracemalloc of the closure and snapshot of the largest requests,
and the process's peak RSS. Sizes run smallest first, so the peak RSS printed after a size
is that size's. A size whose projected time would exceed --budget seconds is skipped, and
the projection printed. `--profile` prints cProfile's top functions for the cold LATEST
and STABLE of the largest closure of the largest size.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import cProfile
import gc
import io
import math
import pstats
import random
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement

from thoth_graphql.demo import demo_files
from thoth_graphql.domain import (
    Dependency,
    ObservationSource,
    PackageVersion,
    Provenance,
    Release,
    RuntimeEnvironment,
    StackObservation,
    StackOutcome,
    VersionKey,
    canonical_name,
    marker_environment,
)
from thoth_graphql.ingest.ingest import parse_all
from thoth_graphql.ingest.sources import read_documents
from thoth_graphql.scorer import (
    AdviseRequest,
    AdviseResult,
    Observations,
    RecommendationType,
    Snapshot,
    advise,
)
from thoth_graphql.store.port import Closure
from thoth_graphql.store.sqlite import SqliteGraphStore

SNAPSHOT = "pypi-2020-11-17-cheroot"
PROJECTS = 775
"""Projects of the cheroot snapshot, released or only named: 1x."""

ENVIRONMENT = RuntimeEnvironment(python_version="3.8", os_name="linux", platform="linux_x86_64")
GROUP_EDGES = 250_000
"""Edges per `write_releases` call: one transaction each."""
SEEN = Provenance(ObservationSource.CI, "bench-scale", "2020-11-17T00:00:00Z")

# -- the shape, measured from the cheroot snapshot --------------------------------------

ZIPF = 1.0
"""Exponent of the popularity weights, (rank + ZIPF_OFFSET) ** -ZIPF."""
ZIPF_OFFSET = 4
"""Flattens the head: cheroot's top hubs hold similar shares (six, pytz, pytest, ...)."""
JUMP = 0.2
"""Chance that a dependency may point at any project, not only at more popular ones
(extras: twice that). It decides how far closures reach: at 0.2 one request's closure
holds about 70% of the 1x ecosystem, as any closure of the cheroot snapshot holds all
of it (the snapshot is itself one closure). `--jump` varies it."""
RUNTIME = 0.3
EXTRA = 0.7
"""Mean dependencies of a project (per extra) grow by these times log(1 + versions)."""
UNRELEASED = 0.19
"""Projects only ever named by dependencies: 146 of cheroot's 775."""
SHAPES: tuple[tuple[str, float], ...] = (
    ("", 0.362),
    (">=", 0.420),
    ("<,>=", 0.125),
    ("==", 0.038),
    ("!=,>=", 0.022),
    ("~=", 0.013),
    ("<", 0.013),
    (">", 0.007),
)
"""Specifier shapes of cheroot's edges and their shares."""
EXTRAS: tuple[tuple[str, float], ...] = (
    ("test", 0.26),
    ("testing", 0.2),
    ("docs", 0.17),
    ("dev", 0.14),
    ("tests", 0.08),
    ("server", 0.05),
    ("security", 0.04),
    ("socks", 0.03),
    ("yaml", 0.03),
)
MARKERS: tuple[tuple[str, float], ...] = (
    ('python_version == "2.6"', 0.22),
    ('python_version == "2.7"', 0.12),
    ('python_version < "3.3"', 0.1),
    ('sys_platform == "win32"', 0.08),
    ('python_version < "3.8"', 0.12),
    ('python_version >= "3.6"', 0.14),
    ('platform_system != "Windows"', 0.1),
    ('implementation_name == "cpython"', 0.12),
)
"""Environment markers (no extra); about half are false in ENVIRONMENT (Python 3.8)."""
FALSE_HERE = frozenset(
    m for m, _ in MARKERS if not Marker(m).evaluate(marker_environment(ENVIRONMENT))
)
PYTHON_FLOORS: tuple[tuple[float, str], ...] = (
    (0.35, ">=2.7"),
    (0.6, "!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*,>=2.7"),
    (0.75, ">=3.6"),
    (0.88, ">=3.7"),
    (0.97, ">=3.9"),
)
"""requires-python by release time for projects that state one; >=3.9 excludes 3.8."""


@dataclass(slots=True)
class Project:
    """A synthetic project: its rank by popularity and its release line, oldest first."""

    name: str
    rank: int
    released: bool
    versions: list[str] = field(default_factory=list)
    majors: list[int] = field(default_factory=list)
    final: list[bool] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    extras: tuple[str, ...] = ()
    floor_shift: float | None = None
    """Where its requires-python floors start (None: it states none)."""

    def final_at_or_before(self, i: int) -> int:
        while i > 0 and not self.final[i]:
            i -= 1
        return i


@dataclass(slots=True)
class DependsOn:
    """One dependency of a project across its releases: where, how, and since when."""

    target: int
    shape: str
    lag: float
    """How far behind the newest version of the target its lower bound stays (0..1)."""
    start: int
    stop: int
    marker: str | None = None
    extras: tuple[str, ...] = ()


def _pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    x = rng.random() * sum(w for _, w in table)
    for value, weight in table:
        x -= weight
        if x < 0:
            return value
    return table[-1][0]


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


class Ecosystem:
    """A seeded PyPI-shaped ecosystem of `factor` times cheroot's 775 projects."""

    def __init__(self, factor: float, seed: int, jump: float = JUMP) -> None:
        self.factor = factor
        self.seed = seed
        self.jump = jump
        n = max(50, round(PROJECTS * factor))
        rng = random.Random(seed)
        order = list(range(n))
        rng.shuffle(order)  # names say nothing about popularity
        self.projects: list[Project] = []
        total = 0.0
        self.cumulative: list[float] = []
        for rank in range(n):
            total += (rank + ZIPF_OFFSET) ** -ZIPF
            self.cumulative.append(total)
            released = rank < 20 or rng.random() >= UNRELEASED
            self.projects.append(Project(f"p{order[rank]:06d}", rank, released))
        for project in self.projects:
            if project.released:
                self._release_line(project, random.Random(seed * 1_000_003 + project.rank))

    def _release_line(self, project: Project, rng: random.Random) -> None:
        hub = project.rank < 0.02 * len(self.projects)
        count = math.exp(math.log(9.0) + (1.7 if hub else 1.2) * rng.gauss(0.0, 1.0)) * (4.0 if hub else 1.0)
        count = max(1, min(1000, round(count)))
        major, minor, patch = rng.choice((0, 0, 0, 1, 1, 2, 3)), rng.randrange(5), 0
        line: list[tuple[str, int, bool]] = [(f"{major}.{minor}.{patch}", major, True)]
        while len(line) < count:
            step = rng.random()
            if step < 0.05:
                major, minor, patch = major + 1, 0, 0
            elif step < 0.4:
                minor, patch = minor + 1, 0
            else:
                patch += 1
            if patch == 0 and rng.random() < 0.3:
                for rc in range(1, rng.randint(1, 3)):
                    if len(line) < count - 1:
                        line.append((f"{major}.{minor}.0rc{rc}", major, False))
            line.append((f"{major}.{minor}.{patch}", major, True))
        start = rng.uniform(0.0, 0.2) if hub else rng.uniform(0.0, 0.85)
        end = 1.0 if hub or rng.random() < 0.6 else rng.uniform(start, 1.0)
        times = sorted(rng.uniform(start, end) for _ in range(len(line) - 1))
        project.versions = [v for v, _, _ in line]
        project.majors = [m for _, m, _ in line]
        project.final = [f for _, _, f in line]
        project.times = [start, *times]
        if rng.random() < 0.25 + 0.2 * min(1.0, math.log(count) / math.log(300)):
            chosen = {_pick(rng, EXTRAS) for _ in range(rng.randint(1, 4))}
            project.extras = tuple(sorted(chosen))
        if rng.random() < 0.6:
            project.floor_shift = rng.uniform(-0.1, 0.1)

    # -- dependencies ------------------------------------------------------------------

    def _target(self, rng: random.Random, rank: int, jump: float, released: float) -> int:
        """A target by popularity: a more popular project, or with `jump` any project.

        An unreleased target is kept with probability 1 - `released`, else drawn again.
        """
        limit = self.cumulative[rank - 1] if rank > 0 and rng.random() >= jump else None
        if limit is None:
            limit = self.cumulative[-1]
        for _ in range(20):
            t = bisect.bisect_right(self.cumulative, rng.random() * limit)
            t = min(t, len(self.projects) - 1)
            if t == rank:
                continue
            if not self.projects[t].released and rng.random() < released:
                continue
            return t
        return 0 if rank else 1

    def _plan(self, project: Project, rng: random.Random) -> list[DependsOn]:
        count = len(project.versions)
        plan: list[DependsOn] = []

        def add(target: int, marker: str | None) -> None:
            start = 0 if rng.random() < 0.6 else rng.randrange(count)
            stop = count if rng.random() < 0.85 else rng.randrange(start, count) + 1
            shape = _pick(rng, SHAPES)
            extras: tuple[str, ...] = ()
            other = self.projects[target]
            if other.extras and rng.random() < 0.02:
                extras = (rng.choice(other.extras),)
            plan.append(
                DependsOn(target, shape, rng.uniform(0.1, 1.0), start, stop, marker, extras)
            )

        # Breadth varies a lot between projects (moto, hypothesis: 20-30 edges a release).
        scale = math.log1p(count) * math.exp(0.6 * rng.gauss(0.0, 1.0))
        seen: set[int] = set()
        # Only obscure projects need packages the graph does not know on every install:
        # a hub that did would make half the ecosystem uninstallable.
        redraw = 1.0 if project.rank < len(self.projects) // 2 else 0.9
        for _ in range(_poisson(rng, 0.1 + RUNTIME * scale * math.log1p(count))):
            target = self._target(rng, project.rank, self.jump, redraw)
            if target not in seen:
                seen.add(target)
                add(target, None)
        for _ in range(_poisson(rng, 0.1 + 0.25 * scale)):
            marker = _pick(rng, MARKERS)
            # Python 2 backports and the like: often never solved, so unknown.
            unknown_ok = 0.3 if marker in FALSE_HERE else redraw
            add(self._target(rng, project.rank, self.jump, unknown_ok), marker)
        all_targets: list[int] = []
        for extra in project.extras:
            targets = {
                self._target(rng, project.rank, 2 * self.jump, 0.5)
                for _ in range(1 + _poisson(rng, 0.5 + EXTRA * scale))
            }
            for target in sorted(targets):
                add(target, f'extra == "{extra}"')
            all_targets.extend(sorted(targets))
        if len(project.extras) > 1 and rng.random() < 0.5:
            for target in dict.fromkeys(all_targets):
                add(target, 'extra == "all"')
        return plan

    def releases(self, project: Project) -> list[Release]:
        """Every release of a project with the dependencies it declared when it was made."""
        if not project.released:
            return []
        rng = random.Random((self.seed + 7) * 1_000_003 + project.rank)
        plan = self._plan(project, rng)
        shared: dict[tuple[str, str, tuple[str, ...], str | None], Dependency] = {}
        out: list[Release] = []
        for i, version in enumerate(project.versions):
            when = project.times[i]
            dependencies: list[Dependency] = []
            for dep in plan:
                if not dep.start <= i < dep.stop:
                    continue
                target = self.projects[dep.target]
                if target.released and target.times[0] > when:
                    continue  # it did not exist yet
                spec = self._specifier(dep, target, when)
                key = (target.name, spec, dep.extras, dep.marker)
                found = shared.get(key)
                if found is None:
                    found = shared[key] = Dependency(target.name, spec, dep.extras, dep.marker)
                dependencies.append(found)
            out.append(
                Release(
                    PackageVersion(
                        project.name,
                        version,
                        requires_python=self._requires_python(project, when),
                        yanked=project.final[i] and rng.random() < 0.003,
                        upload_time=f"t{when:.6f}",
                    ),
                    tuple(dict.fromkeys(dependencies)),
                )
            )
        return out

    @staticmethod
    def _requires_python(project: Project, when: float) -> str | None:
        if project.floor_shift is None:
            return None
        found = None
        for start, floor in PYTHON_FLOORS:
            if when >= start + project.floor_shift:
                found = floor
        return found

    @staticmethod
    def _specifier(dep: DependsOn, target: Project, when: float) -> str:
        shape = dep.shape
        if not shape:
            return ""
        if not target.released:
            return {"==": "==1.0", "<": "<2", "<,>=": "<2,>=1.0"}.get(shape, ">=1.0")
        newest = target.final_at_or_before(bisect.bisect_right(target.times, when) - 1)
        low = target.final_at_or_before(int(dep.lag * newest))
        v, major = target.versions, target.majors[newest]
        if shape == ">=":
            return f">={v[low]}"
        if shape == "<,>=":
            return f"<{major + 1},>={v[low]}"
        if shape == "==":
            return f"=={v[newest]}"
        if shape == "!=,>=":
            skip = target.final_at_or_before((low + newest) // 2)
            return f"!={v[skip]},>={v[low]}" if skip != low else f">={v[low]}"
        if shape == "~=":
            return "~=" + ".".join(v[low].split(".")[:2])
        if shape == "<":
            return f"<{major + 1}"
        return f">{v[low]}"

    def groups(self, edges: int = GROUP_EDGES) -> Iterator[list[Release]]:
        """All releases, whole projects at a time, in groups of about `edges` edges."""
        group: list[Release] = []
        size = 0
        for project in self.projects:
            found = self.releases(project)
            group.extend(found)
            size += sum(len(r.dependencies) for r in found) + len(found)
            if size >= edges:
                yield group
                group, size = [], 0
        if group:
            yield group

    # -- requests ----------------------------------------------------------------------

    def requests(self, count: int) -> list[tuple[str, ...]]:
        """Seeded requests of 3 to 6 requirements, half among the top 2% by popularity."""
        rng = random.Random(self.seed * 31 + 1)
        released = [p for p in self.projects if p.released]
        popular = released[: max(20, len(released) // 50)]
        out: list[tuple[str, ...]] = []
        for _ in range(count):
            chosen: dict[str, Project] = {}
            while len(chosen) < rng.randint(3, 6):
                project = rng.choice(popular if rng.random() < 0.5 else released)
                chosen[project.name] = project
            out.append(tuple(self._requirement(rng, p) for p in chosen.values()))
        return out

    @staticmethod
    def _requirement(rng: random.Random, project: Project) -> str:
        extras = f"[{rng.choice(project.extras)}]" if project.extras and rng.random() < 0.1 else ""
        roll = rng.random()
        newest = project.final_at_or_before(len(project.versions) - 1)
        if roll < 0.15:
            low = project.final_at_or_before(newest // 2)
            return f"{project.name}{extras}>={project.versions[low]}"
        if roll < 0.25 and project.majors[newest] > project.majors[0]:
            return f"{project.name}{extras}<{project.majors[newest]}"
        return f"{project.name}{extras}"

    def observations(self, requirements: tuple[str, ...]) -> Observations:
        """Failed stacks on the newest releases of the roots, for STABLE to steer around."""
        by_name = {p.name: p for p in self.projects[: len(self.projects)]}
        hub = self.projects[0]
        keys: list[VersionKey] = []
        for text in requirements:
            project = by_name[canonical_name(Requirement(text).name)]
            newest = project.final_at_or_before(len(project.versions) - 1)
            keys.append(VersionKey(project.name, project.versions[newest]))
        hub_key = VersionKey(hub.name, hub.versions[hub.final_at_or_before(len(hub.versions) - 1)])
        failed = StackOutcome.RUNTIME_FAILURE
        stacks = [
            StackObservation((keys[0],), ENVIRONMENT, failed, SEEN),
            StackObservation((keys[0],), ENVIRONMENT, StackOutcome.BUILD_FAILURE, SEEN),
            StackObservation((keys[1], hub_key), ENVIRONMENT, failed, SEEN),
            StackObservation((keys[-1],), ENVIRONMENT, failed, SEEN),
        ]
        return Observations(stacks=tuple(stacks))


# -- shape ------------------------------------------------------------------------------


@dataclass(slots=True)
class Shape:
    """What an ecosystem looks like: counts, tails and hubs."""

    named: set[str] = field(default_factory=set)
    released: Counter[str] = field(default_factory=Counter)
    edges: int = 0
    extra_edges: int = 0
    marker_edges: int = 0
    pre: int = 0
    per_release: list[int] = field(default_factory=list)
    in_projects: dict[str, set[str]] = field(default_factory=dict)
    targets: dict[tuple[str, bool], set[str]] = field(default_factory=dict)
    """(project, through an extra) -> the projects it depends on in any release."""

    def add(self, releases: Iterable[Release]) -> None:
        for release in releases:
            name = release.version.name
            self.named.add(name)
            self.released[name] += 1
            self.per_release.append(len(release.dependencies))
            if release.version.parsed_version.is_prerelease:
                self.pre += 1
            for d in release.dependencies:
                self.named.add(d.name)
                self.edges += 1
                if d.marker is not None:
                    if "extra" in d.marker:
                        self.extra_edges += 1
                    else:
                        self.marker_edges += 1
                self.in_projects.setdefault(d.name, set()).add(name)
                extra = d.marker is not None and "extra" in d.marker
                self.targets.setdefault((name, extra), set()).add(d.name)

    def line(self, label: str) -> str:
        versions = sorted(self.released.values())
        hubs = sorted((len(s) for s in self.in_projects.values()), reverse=True)
        released = len(self.released)
        deps = sorted(self.per_release)
        return (
            f"  {label:<9} {len(self.named):>7,} projects ({released:,} released), "
            f"{len(self.per_release):>9,} versions, {self.edges:>10,} edges | versions/project "
            f"p50 {_q(versions, 0.5)} p90 {_q(versions, 0.9)} max {versions[-1]} | "
            f"edges/release p50 {_q(deps, 0.5)} p90 {_q(deps, 0.9)} | "
            f"extra {self.extra_edges / self.edges:.0%} marker {self.marker_edges / self.edges:.0%} "
            f"pre {self.pre / len(self.per_release):.0%} | distinct targets/project "
            f"{self._targets(False) / released:.1f} + {self._targets(True) / released:.1f} "
            f"through extras | top hubs depended on by "
            f"{', '.join(f'{h / released:.0%}' for h in hubs[:3])} of projects"
        )


    def _targets(self, extra: bool) -> int:
        return sum(len(t) for (_, e), t in self.targets.items() if e is extra)


def _q(values: list[int], q: float) -> int:
    return values[min(len(values) - 1, int(q * len(values)))]


def cheroot_shape() -> Shape:
    [path] = [f for f in demo_files() if SNAPSHOT in f]
    shape = Shape()
    for document in parse_all(read_documents(path)):
        shape.add(document.releases)
    return shape


# -- measurement ------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.2f}" if ms < 10 else f"{ms:.0f}"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(slots=True)
class Timing:
    """One recommendation type on one request: cold steps, warm, and the answer."""

    load: float
    build: float
    search: float
    warm: float
    result: AdviseResult

    @property
    def cold(self) -> float:
        return self.load + self.build + self.search

    def outcome(self) -> str:
        r = self.result
        if r.stacks:
            what = f"{len(r.stacks[0].packages)} pkgs"
        elif r.unsatisfiable is not None:
            what = "unsat"
        elif r.unresolved:
            what = "unresolved"
        else:
            what = "timeout"
        return f"{what}, {r.explored} nodes{'' if r.optimal else ', NOT proven'}"


@dataclass(slots=True)
class Measured:
    """One request at one size."""

    requirements: tuple[str, ...]
    packages: int
    versions: int
    edges: int
    depth: int
    latest: Timing
    stable: Timing


@dataclass(slots=True)
class SizeRow:
    """The figures of one size, for the final table."""

    factor: float
    versions: int
    edges: int
    ingest: float
    measured: list[Measured]
    closure_mb: float = 0.0
    snapshot_mb: float = 0.0
    peak_mb: float = 0.0
    memory_of: int = 0
    rss_mb: float = 0.0
    store_mb: float = 0.0


async def cold(store: SqliteGraphStore, roots: list[str]) -> tuple[Closure, Snapshot, float, float]:
    start = time.perf_counter()
    closure = await store.load_closure(roots)
    loaded = time.perf_counter()
    snapshot = Snapshot.from_closure(closure)
    return closure, snapshot, loaded - start, time.perf_counter() - loaded


async def timed(
    store: SqliteGraphStore, request: AdviseRequest, repeat: int
) -> tuple[Timing, Closure]:
    roots = sorted({canonical_name(Requirement(r).name) for r in request.requirements})
    closure, snapshot, load, build = await cold(store, roots)
    start = time.perf_counter()
    result = advise(snapshot, request)
    search = time.perf_counter() - start
    warm: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        advise(snapshot, request)
        warm.append(time.perf_counter() - start)
    return Timing(load, build, search, statistics.median(warm), result), closure


def requests_of(
    ecosystem: Ecosystem, count: int, limit_ms: int
) -> list[tuple[AdviseRequest, AdviseRequest]]:
    out = []
    for requirements in ecosystem.requests(count):
        common = {"requirements": requirements, "environment": ENVIRONMENT}
        latest = AdviseRequest(**common, time_limit_ms=limit_ms)  # type: ignore[arg-type]
        stable = AdviseRequest(
            **common,  # type: ignore[arg-type]
            recommendation_type=RecommendationType.STABLE,
            observations=ecosystem.observations(requirements),
            time_limit_ms=limit_ms,
        )
        out.append((latest, stable))
    return out


async def ingest(store: SqliteGraphStore, ecosystem: Ecosystem, shape: Shape | None) -> float:
    writing = 0.0
    for group in ecosystem.groups():
        if shape is not None:
            shape.add(group)
        start = time.perf_counter()
        await store.write_releases(group)
        writing += time.perf_counter() - start
    return writing


async def measure_memory(store: SqliteGraphStore, request: AdviseRequest) -> tuple[float, ...]:
    """MB held by the closure, by closure + snapshot + view after a search, and the peak."""
    roots = sorted({canonical_name(Requirement(r).name) for r in request.requirements})
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    closure = await store.load_closure(roots)
    after_load = tracemalloc.get_traced_memory()[0]
    snapshot = Snapshot.from_closure(closure)
    del closure
    advise(snapshot, request)
    after_search, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del snapshot
    mb = 1024 * 1024
    return (after_load - base) / mb, (after_search - base) / mb, (peak - base) / mb


async def run_size(
    factor: float, seed: int, count: int, repeat: int, limit_ms: int, memory: int, shape: bool
) -> tuple[SizeRow, Ecosystem, list[tuple[AdviseRequest, AdviseRequest]], Path, Path]:
    started = time.perf_counter()
    ecosystem = Ecosystem(factor, seed)
    tally = Shape() if shape else None
    folder = Path(tempfile.mkdtemp(prefix="thoth-scale-"))
    store = SqliteGraphStore(folder / "graph.sqlite3")
    await store.open()
    writing = await ingest(store, ecosystem, tally)
    total = time.perf_counter() - started
    counts = await store.counts()
    store_mb = sum(f.stat().st_size for f in folder.iterdir()) / (1024 * 1024)
    print(
        f"\n== {factor:g}x: {counts.packages:,} projects, {counts.versions:,} versions, "
        f"{counts.dependencies:,} edges"
    )
    if tally is not None:
        print(tally.line(f"{factor:g}x"))
    print(
        f"  ingest {total:.1f} s (generate {total - writing:.1f} s, write_releases {writing:.1f} s"
        f" = {counts.dependencies / writing:,.0f} edges/s), store {store_mb:,.0f} MB, "
        f"peak RSS {_rss_mb():,.0f} MB"
    )
    row = SizeRow(factor, counts.versions, counts.dependencies, total, [], store_mb=store_mb)
    requests = requests_of(ecosystem, count, limit_ms)
    print(
        "  #  closure pkgs/versions/edges depth | LATEST cold (load+build+search) warm, answer"
        " | STABLE cold warm, answer   [ms]"
    )
    for i, (latest, stable) in enumerate(requests):
        first, closure = await timed(store, latest, repeat)
        second, _ = await timed(store, stable, repeat)
        m = Measured(
            latest.requirements,
            len(closure.releases),
            closure.version_count,
            closure.edge_count,
            closure.depth,
            first,
            second,
        )
        del closure
        row.measured.append(m)
        print(
            f"  {i:>2} {m.packages:>6,}/{m.versions:>8,}/{m.edges:>9,} {m.depth:>3} | "
            f"{_ms(first.cold)} ({_ms(first.load)}+{_ms(first.build)}+{_ms(first.search)}) "
            f"{_ms(first.warm)}, {first.outcome()} | {_ms(second.cold)} {_ms(second.warm)}, "
            f"{second.outcome()}"
        )
    biggest = sorted(range(len(requests)), key=lambda i: -row.measured[i].edges)[:memory]
    for i in biggest:
        closure_mb, held_mb, peak_mb = await measure_memory(store, requests[i][0])
        row.memory_of = row.memory_of or row.measured[i].edges
        if held_mb > row.snapshot_mb:
            row.closure_mb, row.snapshot_mb, row.peak_mb = closure_mb, held_mb, peak_mb
        print(
            f"  memory #{i} ({row.measured[i].edges:,} edges): closure {closure_mb:,.0f} MB, "
            f"snapshot + view after a search {held_mb:,.0f} MB, peak {peak_mb:,.0f} MB "
            "(tracemalloc)"
        )
    row.rss_mb = _rss_mb()
    await store.close()
    print(f"  peak RSS {row.rss_mb:,.0f} MB; size done in {time.perf_counter() - started:.0f} s")
    return row, ecosystem, requests, folder, folder / "graph.sqlite3"


def summary(rows: list[SizeRow]) -> None:
    print("\nAdvise time and memory against size (ms; p50/p95 over the requests):")
    print(
        f"{'size':>5} {'versions':>10} {'edges':>11} {'ingest s':>8} | "
        f"{'closure pkgs/versions/edges p50':>32} | {'LATEST cold':>13} {'warm':>11} | "
        f"{'STABLE cold':>13} {'warm':>11} | {'proven':>7} | {'snapshot MB':>11} "
        f"{'peak MB':>7} {'RSS MB':>7}"
    )
    for row in rows:
        ms = row.measured

        def pp(values: list[float]) -> str:
            return f"{_ms(_pct(values, 0.5))}/{_ms(_pct(values, 0.95))}"

        closure = (
            f"{statistics.median(m.packages for m in ms):,.0f}/"
            f"{statistics.median(m.versions for m in ms):,.0f}/"
            f"{statistics.median(m.edges for m in ms):,.0f}"
        )
        proven = sum(m.latest.result.optimal for m in ms) + sum(m.stable.result.optimal for m in ms)
        print(
            f"{row.factor:>4g}x {row.versions:>10,} {row.edges:>11,} {row.ingest:>8.1f} | "
            f"{closure:>32} | {pp([m.latest.cold for m in ms]):>13} "
            f"{pp([m.latest.warm for m in ms]):>11} | {pp([m.stable.cold for m in ms]):>13} "
            f"{pp([m.stable.warm for m in ms]):>11} | {proven:>3}/{2 * len(ms):<3} | "
            f"{row.snapshot_mb:>11,.0f} {row.peak_mb:>7,.0f} {row.rss_mb:>7,.0f}"
        )
    print(
        "cold = load_closure + Snapshot.from_closure + advise on a fresh snapshot; warm = "
        "advise again on it (AdviseService's cache), median of repeats. Memory: tracemalloc "
        "of closure + snapshot + view after one search for the largest closure; RSS is the "
        "process peak."
    )


def profile(store_path: Path, request: AdviseRequest) -> None:
    async def run() -> None:
        store = SqliteGraphStore(store_path)
        await store.open()
        roots = sorted({canonical_name(Requirement(r).name) for r in request.requirements})
        profiler = cProfile.Profile()
        profiler.enable()
        closure = await store.load_closure(roots)
        snapshot = Snapshot.from_closure(closure)
        advise(snapshot, request)
        profiler.disable()
        await store.close()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
        stats.print_stats(18)
        print(out.getvalue())

    print(f"\ncProfile, cold {request.recommendation_type.value} {list(request.requirements)}:")
    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100", help="factors of the cheroot size")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5, help="warm repeats per request")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--time-limit-ms", type=int, default=10_000)
    parser.add_argument("--memory", type=int, default=2, help="largest closures to trace")
    parser.add_argument("--budget", type=float, default=900.0, help="seconds for all sizes")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    sizes = sorted(float(s) for s in args.sizes.split(","))

    started = time.perf_counter()
    print(f"{SNAPSHOT} (measured) and the generated ecosystems, same shape:")
    print(cheroot_shape().line("cheroot"))
    rows: list[SizeRow] = []
    last: tuple[Ecosystem, list[tuple[AdviseRequest, AdviseRequest]], Path] | None = None
    folders: list[Path] = []
    for factor in sizes:
        if rows:
            spent = time.perf_counter() - started
            done = rows[-1]
            # Ingest and closures grow with the ecosystem; project from the last size.
            ratio = factor / done.factor
            per_size = done.ingest + sum(
                m.latest.cold + m.stable.cold + args.repeat * (m.latest.warm + m.stable.warm)
                for m in done.measured
            )
            projected = per_size * ratio
            if spent + projected > args.budget:
                print(
                    f"\n== {factor:g}x skipped: projected {projected:.0f} s from {done.factor:g}x "
                    f"(x{ratio:g}) after {spent:.0f} s spent exceeds --budget {args.budget:.0f} s"
                )
                continue
        row, ecosystem, requests, folder, path = asyncio.run(
            run_size(
                factor,
                args.seed,
                args.requests,
                args.repeat,
                args.time_limit_ms,
                args.memory,
                factor <= 10,
            )
        )
        rows.append(row)
        folders.append(folder)
        last = (ecosystem, requests, path)
        gc.collect()
    summary(rows)
    if args.profile and last is not None and rows:
        _, requests, path = last
        i = max(range(len(rows[-1].measured)), key=lambda k: rows[-1].measured[k].edges)
        profile(path, requests[i][0])
        profile(path, requests[i][1])
    for folder in folders:
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
