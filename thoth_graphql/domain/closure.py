"""What the store reads back for the scorer: releases with their dependencies, and the
dependency closure of some roots (the scorer's input, whatever the store behind it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from thoth_graphql.domain.absence import AbsentPackage
from thoth_graphql.domain.package import Dependency, PackageVersion


@dataclass(frozen=True, slots=True)
class StoredRelease:
    """A release as read back from the store for the scorer."""

    version: PackageVersion
    dependencies: tuple[Dependency, ...]


@dataclass(slots=True)
class Closure:
    """The dependency closure of some roots: every release of every reachable package.

    Loaded level by level, so `round_trips` is bounded by `depth`, not by the size.
    `missing` names packages that were reached but are not in the graph; `absent` those
    reached that have no release and that the index answered "not found" for (known: no
    release exists, so a demand on one cannot be met). A name is in at most one of
    `releases`, `missing` and `absent`.
    """

    releases: dict[str, list[StoredRelease]] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    absent: dict[str, AbsentPackage] = field(default_factory=dict)
    depth: int = 0
    round_trips: int = 0

    @property
    def version_count(self) -> int:
        return sum(len(r) for r in self.releases.values())

    @property
    def edge_count(self) -> int:
        return sum(len(s.dependencies) for r in self.releases.values() for s in r)
