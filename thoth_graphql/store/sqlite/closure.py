"""Loading closures from SQLite: every release of a level's packages with its dependency list
(store/sqlite/dependency_lists.py), and the absences from the index of the level's names
that have no release (store/sqlite/absences.py), in one round trip per level."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping, Sequence
from functools import partial

from thoth_graphql.store.closure import Level, walk_closure
from thoth_graphql.store.port import Closure
from thoth_graphql.store.sqlite.absences import absences_by_name
from thoth_graphql.store.sqlite.client import SqliteFacet
from thoth_graphql.store.sqlite.dependency_lists import releases_by_name


def read_level(db: sqlite3.Connection, names: list[str]) -> Level:
    """The releases of `names`, and the absences of those that have none."""
    releases = releases_by_name(db, names=names)
    lacking = [n for n in names if not releases.get(n)]
    return Level(releases, absences_by_name(db, names=lacking) if lacking else {})


class SqliteClosures(SqliteFacet):
    """`load_closure` of the package graph facet."""

    async def load_closure(
        self, roots: Sequence[str], extras: Mapping[str, Collection[str]] | None = None
    ) -> Closure:
        async def level(names: list[str]) -> Level:
            return await self.client.run(partial(read_level, names=names))

        return await walk_closure(roots, level, extras)
