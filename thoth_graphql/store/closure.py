"""The closure walk every adapter's `load_closure` runs: breadth-first, one level per call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

from thoth_graphql.domain import AbsentPackage, Dependency
from thoth_graphql.domain.closure import Closure, StoredRelease
from thoth_graphql.domain.collector import paused


@dataclass(frozen=True, slots=True)
class Level:
    """What one read of a level's names answers: the releases of those that have any,
    and the absences from the index recorded for the others (an adapter may answer the
    absences of every name it was given: releases win over an absence)."""

    releases: Mapping[str, list[StoredRelease]]
    absent: Mapping[str, AbsentPackage] = field(default_factory=dict)


LevelLoader = Callable[[list[str]], Awaitable[Level]]


async def walk_closure(
    roots: Sequence[str],
    load_level: LevelLoader,
    extras: Mapping[str, Collection[str]] | None,
) -> Closure:
    """Breadth-first from the roots, one `load_level` call (one round trip) per level:
    every adapter's `load_closure`, given how it reads all releases of many packages.

    With `extras` (the extras the roots request, by package), a dependency that only an
    extra activates is followed only once some root or followed dependency requests that
    extra on its package, so the closure holds what a stack can need and no test or docs
    tool behind an extra nobody asks for. Without it, every dependency is followed.

    A level's names that have no release are `absent` (known to have no release) when the
    same read found that the index answered "not found" for them, `missing` otherwise.
    Releases win over an absence.

    The cyclic collector is paused meanwhile (`domain/collector.py`): it took half of
    the load's time at 100x, scanning what the load makes to keep."""
    with paused():
        return await _walk(roots, load_level, extras)


async def _walk(
    roots: Sequence[str],
    load_level: LevelLoader,
    extras: Mapping[str, Collection[str]] | None,
) -> Closure:
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
            releases = level.releases.get(name)
            if releases:
                closure.releases[name] = releases
            elif (absence := level.absent.get(name)) is not None:
                closure.absent[name] = absence
            else:
                closure.missing.add(name)
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
    (adapters hand out one tuple for releases with the same list, and one object for
    equal rows), so this walks far fewer than one per edge, in the order first declared.

    Told apart by identity, not by value: a dataclass hash is Python code (0.2-0.4 s for
    the 500k dependencies of a 100x closure), `id` is not; an equal dependency that is a
    different object is only followed twice, with the same effect."""
    lists = {id(r.dependencies): r.dependencies for r in releases}
    every = list(chain.from_iterable(lists.values()))
    return list(dict(zip(map(id, every), every, strict=True)).values())
