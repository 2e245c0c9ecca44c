"""Advise at scale: synthetic ecosystems shaped like PyPI at 1x, 10x and 100x cheroot.

    .venv/bin/python -m bench.scale [--sizes 1,10,100] [--requests 20] [--repeat 5]
        [--seed 2020] [--time-limit-ms 10000] [--memory 1] [--budget 900] [--jump 0.4]
        [--profile] [--store DIR] [--only 3,6]

The cheroot snapshot (thoth_graphql/demo) has 775 projects (629 released, 146 only named
by dependencies), 13,272 versions and 98,071 dependency edges. For each size factor f a
seeded generator builds an ecosystem of 775 * f projects with the same shape, measured
from that snapshot and printed next to it:

- power-law in-degree: projects carry Zipf weights by popularity rank and a dependency
  picks its target by weight among the projects more popular than its declarer, so a few
  hubs are depended on by a fifth to a quarter of all projects; a dependency through an
  extra may instead point at any project (test and docs tools depend on each other:
  cycles), the others rarely do, so hubs stay low-level;
- heavy-tailed versions per project (lognormal, median 9, up to 1,000) and dependencies
  per project (a few projects declare 20-30 edges a release, like moto or hypothesis),
  with pre-releases, a few yanked releases and requires-python floors rising over time;
- per-release edges that evolve with the project (added, dropped, bounds moving up) in
  cheroot's specifier shapes (none, >=, <next-major,>=, ==, ~=, !=, ...), computed from
  the versions the target had when the release was made: pins and upper bounds age, so
  requests meet conflicts and backtracking;
- extras (`extra == "test"`, ...) and environment markers on about half the edges, and
  dependencies on packages never released (the snapshot's unknown packages).

Each ecosystem goes into a fresh SQLite store in a temporary directory through bulk
`write_releases` groups. Then a fixed set of seeded requests (3 to 6 requirements among
popular and random projects) takes AdviseService's steps: load_closure (once per request:
it does not depend on the recommendation type), then for LATEST and for STABLE (with
failed stack observations on the newest roots) a fresh Snapshot.from_closure and a first
search (cold = load + build + search) and repeated searches on that snapshot (warm, as
AdviseService caches it), whether `optimal` was proven, and memory: tracemalloc of the
largest closure and its snapshot, and the process's peak RSS (sizes run smallest first,
so the peak after a size is that size's).

Sizes must fit in --budget seconds, projected from the size before; a size that does not
fit is replaced by the largest factor that does, and the projection is printed. --profile
adds, for the largest closure of each size, the collector's share of load_closure and
cProfile of the snapshot build and first search of each type. --store DIR keeps each
generated store in DIR (named by factor, seed and jump) and reuses it on the next run:
the ingest figures are then those of the run that built it (not measured again).
--only N,M measures only those of the --requests (the same requests, numbered as in a
full run), and --profile then profiles the largest of them.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import cProfile
import gc
import io
import math
import pstats
import random
import resource
import signal
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement

from thoth_graphql.advise_service import RELEASES_KEPT, SNAPSHOTS_KEPT
from thoth_graphql.advise_service import roots_of as service_roots
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
    DEFAULT_TIME_LIMIT_MS,
    AdviseRequest,
    AdviseResult,
    Observations,
    RecommendationType,
    Snapshot,
    recommend,
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
JUMP = 0.4
"""Chance that a dependency through an extra may point at any project, not only at a more
popular one (test and docs tools depend on each other: cycles); an eighth of that for
the other dependencies, so hubs stay low-level. It decides how far closures reach, which
decides cold advise time and memory: `--jump` varies it."""
RUNTIME = 0.3
EXTRA = 0.7
"""With b = log(1 + versions) times a lognormal breadth, a project has on average
0.1 + RUNTIME * b * log(1 + versions) plain dependencies and 1.5 + EXTRA * b per extra."""
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
        self.by_name = {p.name: p for p in self.projects}

    def _release_line(self, project: Project, rng: random.Random) -> None:
        hub = project.rank < 0.02 * len(self.projects)
        spread, boost = (1.7, 4.0) if hub else (1.2, 1.0)
        count = max(1, min(1000, round(boost * math.exp(math.log(9.0) + spread * rng.gauss(0, 1)))))
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
            target = self._target(rng, project.rank, self.jump / 8, redraw)
            if target not in seen:
                seen.add(target)
                add(target, None)
        for _ in range(_poisson(rng, 0.1 + 0.25 * scale)):
            marker = _pick(rng, MARKERS)
            # Python 2 backports and the like: often never solved, so unknown.
            unknown_ok = 0.3 if marker in FALSE_HERE else redraw
            add(self._target(rng, project.rank, self.jump / 8, unknown_ok), marker)
        all_targets: list[int] = []
        for extra in project.extras:
            targets = {
                self._target(rng, project.rank, self.jump, 0.5)
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
            size = rng.randint(3, 6)
            while len(chosen) < size:
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
        hub = self.projects[0]
        keys: list[VersionKey] = []
        for text in requirements:
            project = self.by_name[canonical_name(Requirement(text).name)]
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
                extra = d.marker is not None and "extra" in d.marker
                if extra:
                    self.extra_edges += 1
                elif d.marker is not None:
                    self.marker_edges += 1
                self.in_projects.setdefault(d.name, set()).add(name)
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
            f"extra {self.extra_edges / self.edges:.0%} "
            f"marker {self.marker_edges / self.edges:.0%} "
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


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.iterdir()) / (1024 * 1024)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(slots=True)
class Timing:
    """One recommendation type on one request: a fresh snapshot, the first search, warm."""

    build: float
    search: float
    warm: float
    result: AdviseResult

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
        if not r.proven:
            return f"{what}, {r.explored} nodes, NOT proven"
        gaps = "" if r.complete else f", provisional: {len(r.gaps)} unknown packages could matter"
        return f"{what}, {r.explored} nodes{gaps}"


@dataclass(slots=True)
class Measured:
    """One request at one size: its closure, and both recommendation types."""

    packages: int
    versions: int
    edges: int
    depth: int
    load: float
    latest: Timing
    stable: Timing

    def cold(self, timing: Timing) -> float:
        """load_closure + Snapshot.from_closure + the first search."""
        return self.load + timing.build + timing.search


@dataclass(slots=True)
class SizeRow:
    """The figures of one size, for the final table and the next size's projection."""

    factor: float
    versions: int
    edges: int
    ingest: float
    measured: list[Measured] = field(default_factory=list)
    snapshot_mb: float = 0.0
    peak_mb: float = 0.0
    rss_mb: float = 0.0
    seconds: float = 0.0
    """Wall time of the whole size."""

    @property
    def loading(self) -> float:
        """Seconds spent loading closures and building snapshots."""
        return sum(m.load + m.latest.build + m.stable.build for m in self.measured)

    def searching(self, repeat: int) -> float:
        """Seconds spent searching, cold and warm."""
        return sum(
            t.search + (repeat if t.result.proven else 0) * t.warm
            for m in self.measured
            for t in (m.latest, m.stable)
        )

    def overhead(self, repeat: int) -> float:
        """Seconds spent on neither ingest, loading nor searching: tracing, profiling."""
        return max(0.0, self.seconds - self.ingest - self.loading - self.searching(repeat))


def roots_of(request: AdviseRequest) -> list[str]:
    """The root packages of a request, as AdviseService keys its snapshots."""
    return [name for name, _ in service_roots(request.requirements)]


async def load(store: SqliteGraphStore, request: AdviseRequest) -> tuple[Closure, float]:
    """The closure as AdviseService loads it: only the extras the roots can request."""
    start = time.perf_counter()
    roots = service_roots(request.requirements)
    closure = await store.load_closure([name for name, _ in roots], dict(roots))
    return closure, time.perf_counter() - start


def timed(closure: Closure, request: AdviseRequest, repeat: int) -> Timing:
    """Build a fresh snapshot, search once (cold), then again on it (warm)."""
    began = time.perf_counter()
    snapshot = Snapshot.from_closure(closure)
    built = time.perf_counter()
    result = recommend(snapshot, request)
    search = time.perf_counter() - built
    if not result.proven:
        # Out of time: again it would stop at its deadline, as every such search measured
        # warm did in trial runs; its warm time is its time limit.
        limit = request.time_limit_ms or DEFAULT_TIME_LIMIT_MS
        return Timing(built - began, search, limit / 1000, result)
    warm: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        recommend(snapshot, request)
        warm.append(time.perf_counter() - start)
    return Timing(built - began, search, statistics.median(warm), result)


def requests_of(
    ecosystem: Ecosystem, count: int, limit_ms: int
) -> list[tuple[AdviseRequest, AdviseRequest]]:
    out = []
    for requirements in ecosystem.requests(count):
        latest = AdviseRequest(requirements, environment=ENVIRONMENT, time_limit_ms=limit_ms)
        stable = AdviseRequest(
            requirements,
            environment=ENVIRONMENT,
            recommendation_type=RecommendationType.STABLE,
            observations=ecosystem.observations(requirements),
            time_limit_ms=limit_ms,
        )
        out.append((latest, stable))
    return out


async def ingest(store: SqliteGraphStore, ecosystem: Ecosystem, shape: Shape | None) -> float:
    """Write the ecosystem in bulk groups; the seconds spent in write_releases."""
    writing = 0.0
    for group in ecosystem.groups():
        if shape is not None:
            shape.add(group)
        start = time.perf_counter()
        await store.write_releases(group)
        writing += time.perf_counter() - start
    return writing


async def measure_memory(
    store: SqliteGraphStore, request: AdviseRequest
) -> tuple[float, float, float]:
    """MB held by the closure, by the snapshot and its view after a search, and the peak."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    closure = await store.load_closure(roots_of(request))
    after_load = tracemalloc.get_traced_memory()[0]
    snapshot = Snapshot.from_closure(closure)
    del closure  # the snapshot keeps the releases; AdviseService keeps only the snapshot
    recommend(snapshot, request)
    after_search, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del snapshot
    mb = 1024 * 1024
    return (after_load - base) / mb, (after_search - base) / mb, (peak - base) / mb


async def profile(store: SqliteGraphStore, requests: tuple[AdviseRequest, ...]) -> None:
    """Where cold time goes for one closure: the collector's share of load_closure, and
    cProfile of the snapshot build and first search per recommendation type."""
    gc.collect()
    closure, with_gc = await load(store, requests[0])
    del closure
    gc.collect()
    gc.disable()
    try:
        closure, without_gc = await load(store, requests[0])
    finally:
        gc.enable()
    print(
        f"\n  load_closure {with_gc:.2f} s; with the cyclic collector off {without_gc:.2f} s "
        f"({len(closure.releases):,} packages, {closure.edge_count:,} edges)"
    )
    for request in requests:
        profiler = cProfile.Profile()
        profiler.enable()
        recommend(Snapshot.from_closure(closure), request)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(14)
        body = out.getvalue().strip().splitlines()
        print(f"\n  cProfile, Snapshot.from_closure + cold {request.recommendation_type.value}:")
        print("\n".join(f"  {line}" for line in body if line.strip()))


async def run_size(factor: float, args: argparse.Namespace) -> SizeRow:
    started = time.perf_counter()
    ecosystem = Ecosystem(factor, args.seed, args.jump)
    with contextlib.ExitStack() as cleanup:
        if args.store is None:
            folder = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="thoth-")))
        else:
            folder = Path(args.store) / f"scale-{factor:g}x-{args.seed}-{args.jump:g}"
            folder.mkdir(parents=True, exist_ok=True)
        kept = folder / "ingested"
        reused = kept.exists()
        # The tally costs memory at 100x, and a reused store is not generated again.
        tally = Shape() if factor <= 10 and not reused else None
        if not reused:
            for stale in folder.glob("graph.sqlite3*"):
                stale.unlink()  # a run stopped mid-ingest: start again
        store = SqliteGraphStore(folder / "graph.sqlite3")
        await store.open()
        try:
            if reused:
                total, writing = (float(x) for x in kept.read_text().split())
            else:
                writing = await ingest(store, ecosystem, tally)
                total = time.perf_counter() - started
                if args.store is not None:
                    kept.write_text(f"{total} {writing}")
            counts = await store.counts()
            print(
                f"\n== {factor:g}x: {counts.packages:,} projects, {counts.versions:,} versions, "
                f"{counts.dependencies:,} edges"
            )
            if tally is not None:
                print(tally.line(f"{factor:g}x"))
            print(
                f"  ingest {total:.1f} s (generate {total - writing:.1f} s, write_releases "
                f"{writing:.1f} s = {counts.dependencies / writing:,.0f} edges/s)"
                + (f", reused from {folder}" if reused else "")
                + f", store {_size_mb(folder):,.0f} MB, peak RSS {_rss_mb():,.0f} MB"
            )
            row = SizeRow(factor, counts.versions, counts.dependencies, 0.0 if reused else total)
            await measure_requests(store, ecosystem, row, args)
            if args.profile:
                asked = [i for i in range(args.requests) if not args.only or i in args.only]
                k = max(range(len(row.measured)), key=lambda k: row.measured[k].edges)
                requests = requests_of(ecosystem, args.requests, args.time_limit_ms)
                await profile(store, requests[asked[k]])
        finally:
            await store.close()
    elapsed = row.seconds = time.perf_counter() - started
    print(f"  peak RSS {row.rss_mb:,.0f} MB; {factor:g}x done in {elapsed:.0f} s")
    return row


async def measure_requests(
    store: SqliteGraphStore, ecosystem: Ecosystem, row: SizeRow, args: argparse.Namespace
) -> None:
    requests = requests_of(ecosystem, args.requests, args.time_limit_ms)
    print(
        "   # closure pkgs/versions/edges depth  load | LATEST build+search warm, answer "
        "| STABLE build+search warm, answer   [ms]"
    )
    for i, (latest, stable) in enumerate(requests):
        if args.only and i not in args.only:
            continue
        # Loaded once per request: load_closure does not depend on the recommendation type.
        closure, loaded = await load(store, latest)
        m = Measured(
            len(closure.releases),
            closure.version_count,
            closure.edge_count,
            closure.depth,
            loaded,
            timed(closure, latest, args.repeat),
            timed(closure, stable, args.repeat),
        )
        del closure
        row.measured.append(m)
        a, b = m.latest, m.stable
        print(
            f"  {i:>2} {m.packages:>6,}/{m.versions:>8,}/{m.edges:>9,} {m.depth:>3} "
            f"{_ms(m.load):>6} | {_ms(a.build)}+{_ms(a.search)} {_ms(a.warm)}, {a.outcome()} "
            f"| {_ms(b.build)}+{_ms(b.search)} {_ms(b.warm)}, {b.outcome()}"
        )
    asked = [i for i in range(len(requests)) if not args.only or i in args.only]
    biggest = sorted(range(len(asked)), key=lambda k: -row.measured[k].edges)[: args.memory]
    for k in biggest:
        i = asked[k]
        closure_mb, held_mb, peak_mb = await measure_memory(store, requests[i][0])
        edges, versions = row.measured[k].edges, row.measured[k].versions
        if held_mb > row.snapshot_mb:
            row.snapshot_mb, row.peak_mb = held_mb, peak_mb
        # AdviseService keeps at most SNAPSHOTS_KEPT snapshots and RELEASES_KEPT releases.
        kept = min(SNAPSHOTS_KEPT, max(1, RELEASES_KEPT // versions))
        print(
            f"  memory #{i} ({versions:,} releases, {edges:,} edges): closure "
            f"{closure_mb:,.0f} MB, snapshot + view after a search {held_mb:,.0f} MB "
            f"({held_mb * 1024 / versions:,.1f} KB a release, "
            f"{held_mb * 1024 * 1024 / edges:,.0f} B an edge), peak {peak_mb:,.0f} MB "
            f"(tracemalloc); AdviseService's cache keeps {kept} such: "
            f"{kept * held_mb / 1024:,.1f} GB"
        )
    row.rss_mb = _rss_mb()


def summary(rows: list[SizeRow]) -> None:
    print("\nAdvise time and memory against size (ms, p50/p95 over the requests):")
    print(
        f"{'size':>5} {'versions':>9} {'edges':>10} {'ingest':>6} | "
        f"{'closure p50: pkgs/versions/edges':>33} {'load':>11} | {'LATEST cold':>11} "
        f"{'warm':>11} | {'STABLE cold':>11} {'warm':>11} | {'proven L S':>10} | "
        f"{'snapshot MB':>11} {'RSS MB':>6}"
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
        proven = (
            f"{sum(m.latest.result.proven for m in ms)} {sum(m.stable.result.proven for m in ms)}"
            f"/{len(ms)}"
        )
        print(
            f"{row.factor:>4g}x {row.versions:>9,} {row.edges:>10,} {row.ingest:>5.0f}s | "
            f"{closure:>33} {pp([m.load for m in ms]):>11} | "
            f"{pp([m.cold(m.latest) for m in ms]):>11} {pp([m.latest.warm for m in ms]):>11} | "
            f"{pp([m.cold(m.stable) for m in ms]):>11} {pp([m.stable.warm for m in ms]):>11} | "
            f"{proven:>10} | {row.snapshot_mb:>11,.0f} {row.rss_mb:>6,.0f}"
        )
    print(
        "cold = load_closure + Snapshot.from_closure + first advise on that fresh snapshot; "
        "warm = advise again on it (AdviseService's cache), median of repeats; a search out "
        "of time (not proven) is not repeated: its warm time is its time limit. proven: the "
        "engine finished (the answer is best over what the graph knows; `provisional` ones "
        "also name unknown packages that could change it). "
        "snapshot MB: tracemalloc of the "
        "largest closure's snapshot and view after a search. RSS: the process's peak so far."
    )


def projected(done: SizeRow, factor: float, args: argparse.Namespace) -> float:
    """Seconds a size would take, projected from the last size measured.

    Ingest grows with the ecosystem; loading, building, tracing and profiling grow with the
    closure, measured to grow about as fast as the ecosystem, and loads a little faster
    than their closures (r ** 1.2). Searches are bounded by their time limit, and as
    closures grow more of them reach it (at 40x and 100x nearly all did): each is counted
    at its limit.
    """
    r = factor / done.factor
    requests: int = args.requests
    limit_ms: int = args.time_limit_ms
    searches = 2 * requests * limit_ms / 1000
    scaled = (done.loading + done.overhead(args.repeat)) * math.pow(r, 1.2)
    return done.ingest * r + scaled + searches


def fitting(done: SizeRow, wanted: float, left: float, args: argparse.Namespace) -> float | None:
    """The largest factor up to `wanted` whose projected seconds fit in `left`."""
    nice = (100, 75, 50, 40, 30, 20, 15)
    for factor in (wanted, *(f for f in nice if done.factor < f < wanted)):
        if projected(done, factor, args) <= left:
            return factor
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100", help="factors of the cheroot size")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5, help="warm repeats per request")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--time-limit-ms", type=int, default=DEFAULT_TIME_LIMIT_MS)
    parser.add_argument("--memory", type=int, default=1, help="largest closures to trace")
    parser.add_argument("--budget", type=float, default=900.0, help="seconds for all sizes")
    parser.add_argument("--jump", type=float, default=JUMP, help="reach of dependencies")
    parser.add_argument("--profile", action="store_true", help="profile the largest closures")
    parser.add_argument("--store", help="keep generated stores in this folder and reuse them")
    parser.add_argument(
        "--only",
        type=lambda text: {int(i) for i in text.split(",")},
        default=set(),
        help="measure only these requests (numbers among --requests, e.g. 3,6)",
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    # A terminated run still removes its temporary store (hundreds of MB at 100x).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = sorted(float(s) for s in args.sizes.split(","))

    started = time.perf_counter()
    print(f"{SNAPSHOT} (measured) and the generated ecosystems, same shape:")
    print(cheroot_shape().line("cheroot"))
    rows: list[SizeRow] = []
    while sizes:
        factor = sizes.pop(0)
        if rows:
            left = args.budget - (time.perf_counter() - started)
            found = fitting(rows[-1], factor, left, args)
            if found != factor:
                print(
                    f"\n== {factor:g}x does not fit: projected "
                    f"{projected(rows[-1], factor, args):.0f} s from {rows[-1].factor:g}x"
                    f" with {left:.0f} s of --budget {args.budget:.0f} s left; "
                    + (
                        f"measuring {found:g}x instead (projected "
                        f"{projected(rows[-1], found, args):.0f} s)"
                        if found is not None
                        else "nothing larger fits"
                    )
                )
                if found is None:
                    break
                factor, sizes = found, []
        rows.append(asyncio.run(run_size(factor, args)))
        gc.collect()
    summary(rows)
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
