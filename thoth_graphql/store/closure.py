"""The closure walk every adapter's `load_closure` runs: breadth-first, one level per call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence

from thoth_graphql.domain import AbsentPackage, Dependency
from thoth_graphql.domain.closure import Closure, StoredRelease
from thoth_graphql.domain.collector import paused

LevelLoader = Callable[[list[str]], Awaitable[dict[str, list[StoredRelease]]]]
AbsenceLoader = Callable[[list[str]], Awaitable[list[AbsentPackage | None]]]


async def walk_closure(
    roots: Sequence[str],
    load_level: LevelLoader,
    extras: Mapping[str, Collection[str]] | None,
    load_absences: AbsenceLoader | None = None,
) -> Closure:
    """Breadth-first from the roots, one `load_level` call (one round trip) per level:
    every adapter's `load_closure`, given how it reads all releases of many packages.

    With `extras` (the extras the roots request, by package), a dependency that only an
    extra activates is followed only once some root or followed dependency requests that
    extra on its package, so the closure holds what a stack can need and no test or docs
    tool behind an extra nobody asks for. Without it, every dependency is followed.

    A level's names that have no release are read once more, all in one `load_absences`
    call: those the index answered "not found" for are `absent` (known to have no
    release), the others `missing`. Releases win over an absence: only names without
    releases are asked.

    The cyclic collector is paused meanwhile (`domain/collector.py`): it took half of
    the load's time at 100x, scanning what the load makes to keep."""
    with paused():
        return await _walk(roots, load_level, extras, load_absences)


async def _walk(
    roots: Sequence[str],
    load_level: LevelLoader,
    extras: Mapping[str, Collection[str]] | None,
    load_absences: AbsenceLoader | None,
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
        lacking: list[str] = []
        for name in frontier:
            releases = level.get(name)
            if not releases:
                lacking.append(name)
                continue
            closure.releases[name] = releases
        if lacking and load_absences is not None:
            absences = await load_absences(lacking)
            closure.round_trips += 1
            for name, absence in zip(lacking, absences, strict=True):
                if absence is None:
                    closure.missing.add(name)
                else:
                    closure.absent[name] = absence
        else:
            closure.missing.update(lacking)
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
