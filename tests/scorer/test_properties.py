"""Property tests: on random small universes the scorer equals brute-force enumeration."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.version import Version

from bench.universe import release, stack_problems
from thoth_graphql.domain import (
    ObservationSource,
    Provenance,
    Release,
    RuntimeEnvironment,
    StackObservation,
    StackOutcome,
    VersionKey,
)
from thoth_graphql.scorer import (
    AdviseRequest,
    Observations,
    RecommendationType,
    Snapshot,
    encoding,
    recommend,
)
from thoth_graphql.scorer.objectives import objective_for

NAMES = ("a", "b", "c", "d", "e", "f")
VERSIONS = ("1.0", "2.0", "3.0", "4.0")
SPECIFIERS = ("", ">=2.0", "<2.0", "==1.0", "==3.0", "!=2.0", ">=3.0", "<3.0", "!=4.0", "<4.0")
PROVENANCE = Provenance(ObservationSource.CI, "sim", "2026-01-01T00:00:00Z")

Stack = dict[str, str]


@st.composite
def universes(draw: st.DrawFn) -> tuple[list[Release], tuple[str, ...]]:
    releases: list[Release] = []
    for name in NAMES:
        count = draw(st.integers(1, len(VERSIONS)))
        for version in VERSIONS[:count]:
            targets = draw(st.lists(st.sampled_from(NAMES), max_size=3, unique=True))
            requirements = [f"{t}{draw(st.sampled_from(SPECIFIERS))}" for t in targets if t != name]
            releases.append(release(name, version, *requirements))
    roots = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    return releases, tuple(f"{r}{draw(st.sampled_from(SPECIFIERS))}" for r in roots)


def _deps(releases: list[Release], name: str, version: str) -> list[Requirement]:
    for r in releases:
        if r.version.name == name and r.version.version == version:
            return [d.requirement() for d in r.dependencies]
    raise KeyError(name)


def valid_stacks(releases: list[Release], roots: tuple[str, ...]) -> Iterator[Stack]:
    """Every founded stack that satisfies every requirement, by plain enumeration: each
    requirement met in turn takes every version of its package, or checks the one taken."""
    versions = {n: [r.version.version for r in releases if r.version.name == n] for n in NAMES}

    def extend(stack: Stack, queue: list[Requirement]) -> Iterator[Stack]:
        if not queue:
            yield stack
            return
        requirement, rest = queue[0], queue[1:]
        name = requirement.name
        if name in stack:
            if requirement.specifier.contains(Version(stack[name])):
                yield from extend(stack, rest)
            return
        for version in versions[name]:
            if requirement.specifier.contains(Version(version)):
                yield from extend({**stack, name: version}, rest + _deps(releases, name, version))

    yield from extend({}, [Requirement(r) for r in roots])


def latest_key(releases: list[Release], roots: tuple[str, ...], stack: Stack) -> tuple[int, ...]:
    """docs/advise.md: recency ranks in breadth-first order from the roots, by name."""
    depth = {Requirement(r).name: 0 for r in roots}
    frontier = sorted(depth)
    while frontier:
        following: set[str] = set()
        for name in frontier:
            for d in _deps(releases, name, stack[name]):
                if d.name not in depth:
                    following.add(d.name)
        for name in following:
            depth[name] = depth[frontier[0]] + 1
        frontier = sorted(following)
    order = sorted(stack, key=lambda n: (depth[n], n))
    rank = {
        n: sorted(
            (Version(r.version.version) for r in releases if r.version.name == n), reverse=True
        )
        for n in stack
    }
    return tuple(rank[n].index(Version(stack[n])) for n in order)


def _as_stack(result_stack: object) -> Stack:
    return {p.name: p.version for p in result_stack.packages}  # type: ignore[attr-defined]


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(universes())
def test_latest_is_the_brute_force_optimum_and_unsat_exactly_when_none(
    universe: tuple[list[Release], tuple[str, ...]],
) -> None:
    releases, roots = universe
    snapshot = Snapshot.from_releases(releases)
    result = recommend(snapshot, AdviseRequest(roots))
    stacks = list(valid_stacks(releases, roots))
    assert result.optimal
    if not stacks:
        assert result.stacks == () and result.unsatisfiable is not None
        assert result.unsatisfiable.conflicts
        return
    [found] = result.stacks
    assert stack_problems(snapshot, roots, found) == []
    best = min(stacks, key=lambda s: latest_key(releases, roots, s))
    assert _as_stack(found) == best


@SETTINGS
@given(universes(), st.integers(2, 4))
def test_count_gives_the_top_stacks_in_order(
    universe: tuple[list[Release], tuple[str, ...]], count: int
) -> None:
    releases, roots = universe
    result = recommend(Snapshot.from_releases(releases), AdviseRequest(roots, count=count))
    ranked = sorted(valid_stacks(releases, roots), key=lambda s: latest_key(releases, roots, s))
    assert [_as_stack(s) for s in result.stacks] == ranked[:count]


@st.composite
def observations(draw: st.DrawFn) -> tuple[StackObservation, ...]:
    out = []
    for _ in range(draw(st.integers(0, 6))):
        names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
        packages = tuple(VersionKey(n, draw(st.sampled_from(VERSIONS))) for n in names)
        outcome = draw(st.sampled_from([StackOutcome.SUCCESS, StackOutcome.RUNTIME_FAILURE]))
        out.append(StackObservation(packages, RuntimeEnvironment(), outcome, PROVENANCE))
    return tuple(out)


@SETTINGS
@given(universes(), observations(), st.sampled_from(["STABLE", "TESTING"]))
def test_costed_objectives_reach_the_brute_force_optimum(
    universe: tuple[list[Release], tuple[str, ...]],
    seen: tuple[StackObservation, ...],
    kind: str,
) -> None:
    releases, roots = universe
    snapshot = Snapshot.from_releases(releases)
    request = AdviseRequest(
        roots,
        recommendation_type=RecommendationType(kind),
        observations=Observations(stacks=seen),
    )
    result = recommend(snapshot, request)
    stacks = list(valid_stacks(releases, roots))
    assert result.optimal
    if not stacks:
        assert result.stacks == ()
        return
    objective = objective_for(snapshot.view(request.environment), request)

    def cost(stack: Stack) -> float:
        chosen = [-1] * len(snapshot.by_id)
        total = 0.0
        for name in sorted(stack):
            package = snapshot.packages[name]
            v = package.position(stack[name])
            assert v is not None
            total += objective.step_cost(package.id, v, chosen)
            chosen[package.id] = v
        return total

    best = min(stacks, key=lambda s: (round(cost(s), 9), latest_key(releases, roots, s)))
    [found] = result.stacks
    assert abs(cost(_as_stack(found)) - cost(best)) < 1e-9
    assert _as_stack(found) == best
    assert abs(found.score + cost(best)) < 1e-9


PRE_VERSIONS = ("1.0", "2.0rc1", "2.0", "3.0rc1")
PRE_SPECIFIERS = ("", ">=2.0", "<2.0", "==1.0", ">=2.0rc1", "<3.0", "!=2.0", "==2.0")


@st.composite
def universes_with_pre_releases_and_extras(
    draw: st.DrawFn,
) -> tuple[list[Release], tuple[str, ...]]:
    """Four packages, with pre-releases, requirements that name them, and an extra x that
    some dependencies belong to and some requirements request."""
    names = NAMES[:4]

    def requirement(name: str) -> str:
        extras = "[x]" if draw(st.booleans()) and draw(st.booleans()) else ""
        return f"{name}{extras}{draw(st.sampled_from(PRE_SPECIFIERS))}"

    releases: list[Release] = []
    for name in names:
        for version in draw(st.lists(st.sampled_from(PRE_VERSIONS), min_size=1, unique=True)):
            targets = draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
            requirements = [
                requirement(t) + ('; extra == "x"' if draw(st.booleans()) else "")
                for t in targets
                if t != name
            ]
            releases.append(release(name, version, *requirements))
    roots = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    return releases, tuple(requirement(r) for r in roots)


def some_stack_is_valid(
    snapshot: Snapshot, releases: list[Release], roots: tuple[str, ...]
) -> bool:
    """Whether any set of releases (at most one per package) is a valid stack, by trying
    them all against bench.universe's checker, which knows nothing of the search."""
    options: dict[str, list[str | None]] = {}
    for r in releases:
        options.setdefault(r.version.name, [None]).append(r.version.version)
    for combination in itertools.product(*options.values()):
        packages = [
            SimpleNamespace(name=n, version=v)
            for n, v in zip(options, combination, strict=True)
            if v is not None
        ]
        stack = SimpleNamespace(packages=packages)
        if packages and not stack_problems(snapshot, roots, stack):  # type: ignore[arg-type]
            return True
    return False


@SETTINGS
@given(universes_with_pre_releases_and_extras(), st.sampled_from([1, 2, encoding.WINDOW]))
def test_latest_with_pre_releases_and_extras_answers_exactly_when_a_stack_exists(
    universe: tuple[list[Release], tuple[str, ...]], window: int
) -> None:
    # A model may hold releases and extras that nothing requires; before their support
    # was learned, LATEST gave up on such universes (no stack, no proof).
    releases, roots = universe
    snapshot = Snapshot.from_releases(releases)
    default, encoding.WINDOW = encoding.WINDOW, window
    try:
        result = recommend(snapshot, AdviseRequest(roots))
    finally:
        encoding.WINDOW = default
    assert result.optimal
    if some_stack_is_valid(snapshot, releases, roots):
        [found] = result.stacks
        assert stack_problems(snapshot, roots, found) == []
    else:
        assert result.stacks == () and result.unsatisfiable is not None
