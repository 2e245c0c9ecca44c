"""The reads of the graph that the API makes besides its DataLoaders: a page of a listing
and its count, the generations its read cache is keyed by, and an analysis read afresh for
a subscription that polls it. Resolvers read through this and the loaders, never the store.
"""

from __future__ import annotations

from thoth_graphql.domain import Advisory, Analysis, Package, RuntimeEnvironment, StackObservation
from thoth_graphql.store.port import (
    AdvisoryKey,
    AnalysisCursor,
    AnalysisFilter,
    Generations,
    GraphStore,
    ObservationCursor,
    ObservationFilter,
)


class GraphReads:
    """Listings over one store. A page holds up to `first` items after the cursor, in the
    store's order (`first` one more than shown tells the caller whether a page follows)."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store

    async def generations(self) -> Generations:
        return await self._store.generations()

    async def package_page(self, prefix: str, first: int, after: str | None) -> list[Package]:
        """Packages whose canonical name starts with `prefix`, by name."""
        return await self._store.search_packages(prefix, first, after)

    async def count_packages(self, prefix: str) -> int:
        return await self._store.count_packages(prefix)

    async def stack_observation_page(
        self, where: ObservationFilter, first: int, after: ObservationCursor | None
    ) -> list[StackObservation]:
        """Matching observations, newest first."""
        return await self._store.list_stack_observations(where, first, after)

    async def count_stack_observations(self, where: ObservationFilter) -> int:
        return await self._store.count_stack_observations(where)

    async def environment_page(self, first: int, after: str | None) -> list[RuntimeEnvironment]:
        """Runtime environments by key."""
        return await self._store.list_environments(first, after)

    async def count_environments(self) -> int:
        return await self._store.count_environments()

    async def advisory_page(
        self, package: str | None, first: int, after: AdvisoryKey | None
    ) -> list[Advisory]:
        """The advisories of `package` (of all packages if None), by OSV id."""
        return await self._store.list_advisories(package, first, after)

    async def count_advisories(self, package: str | None) -> int:
        return await self._store.count_advisories(package)

    async def analysis_page(
        self, where: AnalysisFilter, first: int, after: AnalysisCursor | None
    ) -> list[Analysis]:
        """Matching analyses, newest first."""
        return await self._store.list_analyses(where, first, after)

    async def count_analyses(self, where: AnalysisFilter) -> int:
        return await self._store.count_analyses(where)

    async def analysis_now(self, id: str) -> Analysis | None:
        """The analysis as stored at this moment (no loader's cache in between)."""
        [found] = await self._store.analyses([id])
        return found
