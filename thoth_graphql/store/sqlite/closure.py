"""Loading closures from SQLite: every release of a level's packages with its dependency list
(store/sqlite/dependency_lists.py), in one round trip per level."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from functools import partial

from thoth_graphql.store.closure import walk_closure
from thoth_graphql.store.port import Closure, StoredRelease
from thoth_graphql.store.sqlite.client import SqliteFacet
from thoth_graphql.store.sqlite.dependency_lists import releases_by_name


class SqliteClosures(SqliteFacet):
    """`load_closure` of the package graph facet."""

    async def load_closure(
        self, roots: Sequence[str], extras: Mapping[str, Collection[str]] | None = None
    ) -> Closure:
        async def level(names: list[str]) -> dict[str, list[StoredRelease]]:
            return await self.client.run(partial(releases_by_name, names=names))

        return await walk_closure(roots, level, extras)
