"""Per-request DataLoaders: each batches one kind of graph read into one store call."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from thoth_graphql.domain import Dependency, Package, PackageVersion, VersionKey
from thoth_graphql.store.port import GraphStore


@dataclass(frozen=True, slots=True)
class Loaders:
    """The loaders of one request; their caches live exactly as long as it does."""

    packages: DataLoader[str, Package | None]
    versions: DataLoader[str, list[PackageVersion]]
    dependencies: DataLoader[VersionKey, list[Dependency]]

    @classmethod
    def for_store(cls, store: GraphStore, *, cache: bool = True) -> Loaders:
        """Loaders over `store`; without `cache` they still batch, but never reuse a read."""
        return cls(
            packages=DataLoader(load_fn=store.packages, cache=cache),
            versions=DataLoader(load_fn=store.versions_of, cache=cache),
            dependencies=DataLoader(load_fn=store.dependencies_of, cache=cache),
        )
