"""Observations in SQLite: runtime environments, stack observations and installability,
each a row holding its JSON (store/json_text.py) with the columns it is found by."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import partial

from thoth_graphql.domain import Installability, RuntimeEnvironment, StackObservation, VersionKey
from thoth_graphql.store import json_text
from thoth_graphql.store.port import ObservationCursor, ObservationFilter
from thoth_graphql.store.sqlite.client import (
    SqliteFacet,
    bodies_by_key,
    count,
    in_transaction,
    inserted,
)
from thoth_graphql.store.sqlite.statements import CHUNK, chunks


class SqliteObservations(SqliteFacet):
    """The observations facet."""

    async def register_environments(self, environments: Sequence[RuntimeEnvironment]) -> list[bool]:
        return await self.client.run(partial(_register_environments, environments=environments))

    async def environments(self, keys: Sequence[str]) -> list[RuntimeEnvironment | None]:
        return await self.client.run(partial(_environments, keys=keys))

    async def list_environments(
        self, first: int, after: str | None = None
    ) -> list[RuntimeEnvironment]:
        return await self.client.run(partial(_list_environments, first=first, after=after))

    async def count_environments(self) -> int:
        return await self.client.run(partial(count, table="runtime_environment"))

    async def record_stack_observations(
        self, observations: Sequence[StackObservation]
    ) -> list[bool]:
        return await self.client.run(partial(_record_stack_observations, observations=observations))

    async def stack_observations(self, keys: Sequence[str]) -> list[StackObservation | None]:
        return await self.client.run(partial(_stack_observations, keys=keys))

    async def list_stack_observations(
        self, where: ObservationFilter, first: int, after: ObservationCursor | None = None
    ) -> list[StackObservation]:
        return await self.client.run(
            partial(_list_stack_observations, where=where, first=first, after=after)
        )

    async def count_stack_observations(self, where: ObservationFilter) -> int:
        return await self.client.run(partial(_count_stack_observations, where=where))

    async def record_installability(self, observations: Sequence[Installability]) -> list[bool]:
        return await self.client.run(partial(_record_installability, observations=observations))

    async def installability_of(self, versions: Sequence[VersionKey]) -> list[list[Installability]]:
        return await self.client.run(partial(_installability_of, versions=versions))


# -- runtime environments ---------------------------------------------------------------


def _register(db: sqlite3.Connection, environment: RuntimeEnvironment) -> bool:
    return inserted(
        db,
        "INSERT OR IGNORE INTO runtime_environment(key, body) VALUES (?, ?)",
        (environment.key, json_text.environment_text(environment)),
    )


def _register_environments(
    db: sqlite3.Connection, environments: Sequence[RuntimeEnvironment]
) -> list[bool]:
    return in_transaction(db, lambda: [_register(db, e) for e in environments])


def _environments(db: sqlite3.Connection, keys: Sequence[str]) -> list[RuntimeEnvironment | None]:
    found = bodies_by_key(db, "runtime_environment", "key", keys)
    return json_text.in_order(found, keys, json_text.environment_from)


def _list_environments(
    db: sqlite3.Connection, first: int, after: str | None
) -> list[RuntimeEnvironment]:
    rows = db.execute(
        "SELECT body FROM runtime_environment WHERE key > ? ORDER BY key LIMIT ?",
        (after or "", max(first, 0)),
    )
    return [json_text.environment_from(r[0]) for r in rows]


# -- stack observations -----------------------------------------------------------------


def _record_stack(db: sqlite3.Connection, observation: StackObservation) -> bool:
    _register(db, observation.environment)
    key = observation.key
    created = inserted(
        db,
        "INSERT OR IGNORE INTO stack_observation"
        "(key, environment_key, outcome, source, observed_at, body) VALUES (?, ?, ?, ?, ?, ?)",
        (
            key,
            observation.environment.key,
            observation.outcome.value,
            observation.provenance.source.value,
            observation.provenance.observed_at,
            json_text.stack_observation_text(observation),
        ),
    )
    if created:
        db.executemany(
            "INSERT OR IGNORE INTO stack_observation_package(name, observation_key) VALUES (?, ?)",
            [(name, key) for name in dict.fromkeys(k.name for k in observation.packages)],
        )
    return created


def _record_stack_observations(
    db: sqlite3.Connection, observations: Sequence[StackObservation]
) -> list[bool]:
    return in_transaction(db, lambda: [_record_stack(db, o) for o in observations])


def _stack_observations(
    db: sqlite3.Connection, keys: Sequence[str]
) -> list[StackObservation | None]:
    found = bodies_by_key(db, "stack_observation", "key", keys)
    return json_text.in_order(found, keys, json_text.stack_observation_from)


def _observation_where(where: ObservationFilter) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if where.environment_key is not None:
        clauses.append("o.environment_key = ?")
        params.append(where.environment_key)
    if where.outcome is not None:
        clauses.append("o.outcome = ?")
        params.append(where.outcome.value)
    if where.source is not None:
        clauses.append("o.source = ?")
        params.append(where.source.value)
    if where.package is not None:
        clauses.append(
            "o.key IN (SELECT observation_key FROM stack_observation_package WHERE name = ?)"
        )
        params.append(where.package)
    return " AND ".join(clauses) or "1", params


def _list_stack_observations(
    db: sqlite3.Connection,
    where: ObservationFilter,
    first: int,
    after: ObservationCursor | None,
) -> list[StackObservation]:
    condition, params = _observation_where(where)
    if after is not None:
        condition += " AND (o.observed_at < ? OR (o.observed_at = ? AND o.key < ?))"
        params += [after.observed_at, after.observed_at, after.key]
    rows = db.execute(
        f"SELECT o.body FROM stack_observation o WHERE {condition} "
        "ORDER BY o.observed_at DESC, o.key DESC LIMIT ?",
        [*params, max(first, 0)],
    )
    return [json_text.stack_observation_from(r[0]) for r in rows]


def _count_stack_observations(db: sqlite3.Connection, where: ObservationFilter) -> int:
    condition, params = _observation_where(where)
    row = db.execute(f"SELECT count(*) FROM stack_observation o WHERE {condition}", params)
    return int(row.fetchone()[0])


# -- installability ---------------------------------------------------------------------


def _record_one_installability(db: sqlite3.Connection, observation: Installability) -> bool:
    _register(db, observation.environment)
    version = observation.version
    return inserted(
        db,
        "INSERT OR IGNORE INTO installability"
        "(key, name, version, index_url, observed_at, body) VALUES (?, ?, ?, ?, ?, ?)",
        (
            observation.key,
            version.name,
            version.version,
            version.index_url,
            observation.provenance.observed_at,
            json_text.installability_text(observation),
        ),
    )


def _record_installability(
    db: sqlite3.Connection, observations: Sequence[Installability]
) -> list[bool]:
    return in_transaction(db, lambda: [_record_one_installability(db, o) for o in observations])


def _installability_of(
    db: sqlite3.Connection, versions: Sequence[VersionKey]
) -> list[list[Installability]]:
    wanted = list(dict.fromkeys(versions))
    found: dict[VersionKey, list[Installability]] = {}
    for part in chunks(wanted, CHUNK // 3):
        where = " OR ".join(["(name = ? AND version = ? AND index_url = ?)"] * len(part))
        params = [x for k in part for x in (k.name, k.version, k.index_url)]
        rows = db.execute(
            f"SELECT body FROM installability WHERE {where} ORDER BY observed_at DESC, key DESC",
            params,
        )
        for (body,) in rows:
            observation = json_text.installability_from(body)
            found.setdefault(observation.version, []).append(observation)
    return [found.get(k, []) for k in versions]
