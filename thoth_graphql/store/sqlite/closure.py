"""Loading closures from SQLite: every release of a level's packages with its edges, in one
round trip per level."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping, Sequence
from functools import partial

from thoth_graphql.domain import Dependency
from thoth_graphql.domain.ordering import edge_order, newest_first
from thoth_graphql.store.closure import walk_closure
from thoth_graphql.store.port import Closure, StoredRelease
from thoth_graphql.store.sqlite.client import SqliteFacet, chunks, marks
from thoth_graphql.store.sqlite.package_rows import extras_tuple, versions_by_name


class SqliteClosures(SqliteFacet):
    """`load_closure` of the package graph facet."""

    async def load_closure(
        self, roots: Sequence[str], extras: Mapping[str, Collection[str]] | None = None
    ) -> Closure:
        async def level(names: list[str]) -> dict[str, list[StoredRelease]]:
            return await self.client.run(partial(_releases_by_name, names=names))

        return await walk_closure(roots, level, extras)


def _releases_by_name(
    db: sqlite3.Connection, names: Sequence[str]
) -> dict[str, list[StoredRelease]]:
    """Every version of these packages with its edges: one level of a closure."""
    versions = versions_by_name(db, names)
    edges: dict[tuple[str, str, str], list[Dependency]] = {}
    for part in chunks(list(names)):
        rows = db.execute(
            "SELECT p.name, v.version, v.index_url, t.name, d.specifier, d.extras, d.marker "
            "FROM package p JOIN package_version v ON v.package_id = p.id "
            "JOIN depends_on d ON d.version_id = v.id JOIN package t ON t.id = d.package_id "
            f"WHERE p.name IN ({marks(len(part))})",
            part,
        )
        for name, version, index_url, target, spec, extras, marker in rows:
            edges.setdefault((name, version, index_url), []).append(
                Dependency(target, spec, extras_tuple(extras), marker or None)
            )
    return {
        name: [
            StoredRelease(v, tuple(edge_order(edges.get((v.name, v.version, v.index_url), []))))
            for v in newest_first(found)
        ]
        for name, found in versions.items()
    }
