"""Per-request DataLoaders: each batches one kind of graph read into one store call."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from thoth_graphql.domain import (
    Advisory,
    Analysis,
    Dependency,
    Installability,
    Package,
    PackageVersion,
    RuntimeEnvironment,
    StackObservation,
    VersionKey,
)
from thoth_graphql.store.port import AdvisoryKey, Dependent, GraphStore


@dataclass(frozen=True, slots=True)
class Loaders:
    """The loaders of one request; their caches live exactly as long as it does."""

    packages: DataLoader[str, Package | None]
    versions: DataLoader[str, list[PackageVersion]]
    dependencies: DataLoader[VersionKey, list[Dependency]]
    dependents: DataLoader[str, list[Dependent]]
    environments: DataLoader[str, RuntimeEnvironment | None]
    stack_observations: DataLoader[str, StackObservation | None]
    installability: DataLoader[VersionKey, list[Installability]]
    advisories: DataLoader[AdvisoryKey, Advisory | None]
    advisories_of: DataLoader[str, list[Advisory]]
    analyses: DataLoader[str, Analysis | None]

    @classmethod
    def for_store(cls, store: GraphStore, *, cache: bool = True) -> Loaders:
        """Loaders over `store`; without `cache` they still batch, but never reuse a read."""
        return cls(
            packages=DataLoader(load_fn=store.packages, cache=cache),
            versions=DataLoader(load_fn=store.versions_of, cache=cache),
            dependencies=DataLoader(load_fn=store.dependencies_of, cache=cache),
            dependents=DataLoader(load_fn=store.dependents_of, cache=cache),
            environments=DataLoader(load_fn=store.environments, cache=cache),
            stack_observations=DataLoader(load_fn=store.stack_observations, cache=cache),
            installability=DataLoader(load_fn=store.installability_of, cache=cache),
            advisories=DataLoader(load_fn=store.advisories, cache=cache),
            advisories_of=DataLoader(load_fn=store.advisories_of, cache=cache),
            analyses=DataLoader(load_fn=store.analyses, cache=cache),
        )
