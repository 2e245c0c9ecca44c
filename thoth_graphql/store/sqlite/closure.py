"""Loading closures from SQLite: every release of a level's packages with its dependency list
(store/sqlite/dependency_lists.py), in one round trip per level, and the absences from the
index of the level's names that have no release (store/sqlite/absences.py) in one more."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import partial

from thoth_graphql.domain import AbsentPackage
from thoth_graphql.store.closure import walk_closure
from thoth_graphql.store.port import Closure, StoredRelease
from thoth_graphql.store.sqlite.absences import absences_by_name
from thoth_graphql.store.sqlite.client import SqliteFacet
from thoth_graphql.store.sqlite.dependency_lists import releases_by_name


class SqliteClosures(SqliteFacet):
    """`load_closure` of the package graph facet."""

    async def load_closure(
        self, roots: Sequence[str], extras: Mapping[str, Collection[str]] | None = None
    ) -> Closure:
        async def level(names: list[str]) -> dict[str, list[StoredRelease]]:
            return await self.client.run(partial(releases_by_name, names=names))

        async def absences(names: list[str]) -> list[AbsentPackage | None]:
            found = await self.client.run(partial(absences_by_name, names=names))
            return [found.get(n) for n in names]

        return await walk_closure(roots, level, extras, absences)
