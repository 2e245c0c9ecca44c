"""Advisories in SQLite: one row per (id, package) holding its JSON (store/json_text.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import partial

from thoth_graphql.domain import Advisory
from thoth_graphql.store import json_text
from thoth_graphql.store.port import AdvisoryKey
from thoth_graphql.store.sqlite.client import SqliteFacet, count, in_transaction, inserted
from thoth_graphql.store.sqlite.statements import CHUNK, chunks, marks


class SqliteAdvisories(SqliteFacet):
    """The advisories facet."""

    async def write_advisories(self, advisories: Sequence[Advisory]) -> list[bool]:
        return await self.client.run(partial(_write_advisories, advisories=advisories))

    async def advisories(self, keys: Sequence[AdvisoryKey]) -> list[Advisory | None]:
        return await self.client.run(partial(_advisories, keys=keys))

    async def advisories_of(self, names: Sequence[str]) -> list[list[Advisory]]:
        return await self.client.run(partial(_advisories_of, names=names))

    async def list_advisories(
        self, package: str | None, first: int, after: AdvisoryKey | None = None
    ) -> list[Advisory]:
        return await self.client.run(
            partial(_list_advisories, package=package, first=first, after=after)
        )

    async def count_advisories(self, package: str | None = None) -> int:
        return await self.client.run(partial(_count_advisories, package=package))


def _write_advisory(db: sqlite3.Connection, advisory: Advisory) -> bool:
    body = json_text.advisory_text(advisory)
    return inserted(
        db,
        "INSERT INTO advisory(id, package, body) VALUES (?, ?, ?) "
        "ON CONFLICT (id, package) DO UPDATE SET body = excluded.body "
        "WHERE body IS NOT excluded.body",
        (advisory.id, advisory.package, body),
    )


def _write_advisories(db: sqlite3.Connection, advisories: Sequence[Advisory]) -> list[bool]:
    return in_transaction(db, lambda: [_write_advisory(db, a) for a in advisories])


def _advisories(db: sqlite3.Connection, keys: Sequence[AdvisoryKey]) -> list[Advisory | None]:
    found: dict[AdvisoryKey, Advisory] = {}
    for part in chunks(list(dict.fromkeys(keys)), CHUNK // 2):
        where = " OR ".join(["(id = ? AND package = ?)"] * len(part))
        rows = db.execute(
            f"SELECT body FROM advisory WHERE {where}", [x for k in part for x in (k.id, k.package)]
        )
        for (body,) in rows:
            advisory = json_text.advisory_from(body)
            found[AdvisoryKey(advisory.id, advisory.package)] = advisory
    return [found.get(k) for k in keys]


def _advisories_of(db: sqlite3.Connection, names: Sequence[str]) -> list[list[Advisory]]:
    found: dict[str, list[Advisory]] = {}
    for part in chunks(list(dict.fromkeys(names))):
        rows = db.execute(
            f"SELECT body FROM advisory WHERE package IN ({marks(len(part))}) ORDER BY id",
            part,
        )
        for (body,) in rows:
            advisory = json_text.advisory_from(body)
            found.setdefault(advisory.package, []).append(advisory)
    return [found.get(n, []) for n in names]


def _list_advisories(
    db: sqlite3.Connection, package: str | None, first: int, after: AdvisoryKey | None
) -> list[Advisory]:
    clauses, params = [], []
    if package is not None:
        clauses.append("package = ?")
        params.append(package)
    if after is not None:
        clauses.append("(id > ? OR (id = ? AND package > ?))")
        params += [after.id, after.id, after.package]
    condition = " AND ".join(clauses) or "1"
    rows = db.execute(
        f"SELECT body FROM advisory WHERE {condition} ORDER BY id, package LIMIT ?",
        [*params, max(first, 0)],
    )
    return [json_text.advisory_from(r[0]) for r in rows]


def _count_advisories(db: sqlite3.Connection, package: str | None) -> int:
    if package is None:
        return count(db, "advisory")
    row = db.execute("SELECT count(*) FROM advisory WHERE package = ?", (package,))
    return int(row.fetchone()[0])
