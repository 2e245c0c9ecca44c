"""SQLite statements for what the graph records beside packages: environments,
observations, advisories, analyses and API tokens. Each runs on the store's thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

from thoth_graphql.domain import (
    Advisory,
    Analysis,
    AnalysisStatus,
    ApiToken,
    Installability,
    RuntimeEnvironment,
    StackObservation,
    TokenScope,
    VersionKey,
)
from thoth_graphql.store import records
from thoth_graphql.store.port import (
    AdvisoryKey,
    AnalysisCursor,
    AnalysisFilter,
    ObservationCursor,
    ObservationFilter,
)

T = TypeVar("T")
R = TypeVar("R")

# SQLite's default limit of host parameters per statement is 32766; stay well below.
CHUNK = 900


Facet = Literal["knowledge", "queue"]
"""What a write changes: what is known (the ecosystem and observations), or the queue of
analyses and the API tokens, which have a generation of their own (migration 5)."""

GENERATION_KEYS: dict[Facet, str] = {"knowledge": "generation", "queue": "queue_generation"}


def chunks(items: Sequence[T], size: int = CHUNK) -> list[Sequence[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def marks(n: int) -> str:
    return ",".join("?" * n)


def transaction(
    db: sqlite3.Connection,
    work: Callable[[], R],
    changed: Callable[[R], bool],
    facet: Facet = "knowledge",
) -> R:
    """Run `work` in one write transaction; bump the generation of `facet` if `changed` finds
    that its result changed the graph."""
    db.execute("BEGIN IMMEDIATE")
    try:
        result = work()
        if changed(result):
            db.execute("UPDATE meta SET value = value + 1 WHERE key = ?", (GENERATION_KEYS[facet],))
        db.execute("COMMIT")
    except BaseException:
        # After some errors (a full disk among them) SQLite has already rolled back; a
        # ROLLBACK then fails, and its error would hide the one that matters.
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return result


def in_transaction(
    db: sqlite3.Connection, work: Callable[[], list[bool]], facet: Facet = "knowledge"
) -> list[bool]:
    """`transaction` for work that answers, item by item, whether it changed the graph."""
    return transaction(db, work, any, facet)


def _inserted(db: sqlite3.Connection, sql: str, params: Sequence[object]) -> bool:
    before = db.total_changes
    db.execute(sql, params)
    return db.total_changes > before


def _by_key(db: sqlite3.Connection, table: str, column: str, keys: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in chunks(list(dict.fromkeys(keys))):
        rows = db.execute(
            f"SELECT {column}, body FROM {table} WHERE {column} IN ({marks(len(part))})", part
        )
        found.update(rows)
    return found


# -- runtime environments ---------------------------------------------------------------


def _register(db: sqlite3.Connection, environment: RuntimeEnvironment) -> bool:
    return _inserted(
        db,
        "INSERT OR IGNORE INTO runtime_environment(key, body) VALUES (?, ?)",
        (environment.key, records.environment_text(environment)),
    )


def register_environments(
    db: sqlite3.Connection, environments: Sequence[RuntimeEnvironment]
) -> list[bool]:
    return in_transaction(db, lambda: [_register(db, e) for e in environments])


def environments(db: sqlite3.Connection, keys: Sequence[str]) -> list[RuntimeEnvironment | None]:
    found = _by_key(db, "runtime_environment", "key", keys)
    return records.in_order(found, keys, records.environment_from)


def list_environments(
    db: sqlite3.Connection, first: int, after: str | None
) -> list[RuntimeEnvironment]:
    rows = db.execute(
        "SELECT body FROM runtime_environment WHERE key > ? ORDER BY key LIMIT ?",
        (after or "", max(first, 0)),
    )
    return [records.environment_from(r[0]) for r in rows]


def count(db: sqlite3.Connection, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


# -- stack observations -----------------------------------------------------------------


def _record_stack(db: sqlite3.Connection, observation: StackObservation) -> bool:
    _register(db, observation.environment)
    key = observation.key
    created = _inserted(
        db,
        "INSERT OR IGNORE INTO stack_observation"
        "(key, environment_key, outcome, source, observed_at, body) VALUES (?, ?, ?, ?, ?, ?)",
        (
            key,
            observation.environment.key,
            observation.outcome.value,
            observation.provenance.source.value,
            observation.provenance.observed_at,
            records.stack_observation_text(observation),
        ),
    )
    if created:
        db.executemany(
            "INSERT OR IGNORE INTO stack_observation_package(name, observation_key) VALUES (?, ?)",
            [(name, key) for name in dict.fromkeys(k.name for k in observation.packages)],
        )
    return created


def record_stack_observations(
    db: sqlite3.Connection, observations: Sequence[StackObservation]
) -> list[bool]:
    return in_transaction(db, lambda: [_record_stack(db, o) for o in observations])


def stack_observations(
    db: sqlite3.Connection, keys: Sequence[str]
) -> list[StackObservation | None]:
    found = _by_key(db, "stack_observation", "key", keys)
    return records.in_order(found, keys, records.stack_observation_from)


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


def list_stack_observations(
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
    return [records.stack_observation_from(r[0]) for r in rows]


def count_stack_observations(db: sqlite3.Connection, where: ObservationFilter) -> int:
    condition, params = _observation_where(where)
    row = db.execute(f"SELECT count(*) FROM stack_observation o WHERE {condition}", params)
    return int(row.fetchone()[0])


# -- installability ---------------------------------------------------------------------


def _record_installability(db: sqlite3.Connection, observation: Installability) -> bool:
    _register(db, observation.environment)
    version = observation.version
    return _inserted(
        db,
        "INSERT OR IGNORE INTO installability"
        "(key, name, version, index_url, observed_at, body) VALUES (?, ?, ?, ?, ?, ?)",
        (
            observation.key,
            version.name,
            version.version,
            version.index_url,
            observation.provenance.observed_at,
            records.installability_text(observation),
        ),
    )


def record_installability(
    db: sqlite3.Connection, observations: Sequence[Installability]
) -> list[bool]:
    return in_transaction(db, lambda: [_record_installability(db, o) for o in observations])


def installability_of(
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
            observation = records.installability_from(body)
            found.setdefault(observation.version, []).append(observation)
    return [found.get(k, []) for k in versions]


# -- advisories -------------------------------------------------------------------------


def _write_advisory(db: sqlite3.Connection, advisory: Advisory) -> bool:
    body = records.advisory_text(advisory)
    return _inserted(
        db,
        "INSERT INTO advisory(id, package, body) VALUES (?, ?, ?) "
        "ON CONFLICT (id, package) DO UPDATE SET body = excluded.body "
        "WHERE body IS NOT excluded.body",
        (advisory.id, advisory.package, body),
    )


def write_advisories(db: sqlite3.Connection, advisories: Sequence[Advisory]) -> list[bool]:
    return in_transaction(db, lambda: [_write_advisory(db, a) for a in advisories])


def advisories(db: sqlite3.Connection, keys: Sequence[AdvisoryKey]) -> list[Advisory | None]:
    found: dict[AdvisoryKey, Advisory] = {}
    for part in chunks(list(dict.fromkeys(keys)), CHUNK // 2):
        where = " OR ".join(["(id = ? AND package = ?)"] * len(part))
        rows = db.execute(
            f"SELECT body FROM advisory WHERE {where}", [x for k in part for x in (k.id, k.package)]
        )
        for (body,) in rows:
            advisory = records.advisory_from(body)
            found[AdvisoryKey(advisory.id, advisory.package)] = advisory
    return [found.get(k) for k in keys]


def advisories_of(db: sqlite3.Connection, names: Sequence[str]) -> list[list[Advisory]]:
    found: dict[str, list[Advisory]] = {}
    for part in chunks(list(dict.fromkeys(names))):
        rows = db.execute(
            f"SELECT body FROM advisory WHERE package IN ({marks(len(part))}) ORDER BY id",
            part,
        )
        for (body,) in rows:
            advisory = records.advisory_from(body)
            found.setdefault(advisory.package, []).append(advisory)
    return [found.get(n, []) for n in names]


def list_advisories(
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
    return [records.advisory_from(r[0]) for r in rows]


def count_advisories(db: sqlite3.Connection, package: str | None) -> int:
    if package is None:
        return count(db, "advisory")
    row = db.execute("SELECT count(*) FROM advisory WHERE package = ?", (package,))
    return int(row.fetchone()[0])


# -- analyses ---------------------------------------------------------------------------


def _create_analysis(db: sqlite3.Connection, analysis: Analysis) -> bool:
    return _inserted(
        db,
        "INSERT OR IGNORE INTO analysis(id, kind, status, created_at, body) VALUES (?, ?, ?, ?, ?)",
        (
            analysis.id,
            analysis.kind.value,
            analysis.status.value,
            analysis.created_at or "",
            records.analysis_text(analysis),
        ),
    )


def create_analyses(db: sqlite3.Connection, analyses: Sequence[Analysis]) -> list[bool]:
    return in_transaction(db, lambda: [_create_analysis(db, a) for a in analyses], "queue")


def analyses(db: sqlite3.Connection, ids: Sequence[str]) -> list[Analysis | None]:
    found = _by_key(db, "analysis", "id", ids)
    return records.in_order(found, ids, records.analysis_from)


def update_analysis(
    db: sqlite3.Connection, analysis: Analysis, expected: AnalysisStatus | None
) -> bool:
    body = records.analysis_text(analysis)
    matched = False

    def work() -> list[bool]:
        nonlocal matched
        row = db.execute("SELECT status, body FROM analysis WHERE id = ?", (analysis.id,))
        found = row.fetchone()
        if found is None or (expected is not None and found[0] != expected.value):
            return [False]
        matched = True
        if found[1] == body:
            return [False]
        db.execute(
            "UPDATE analysis SET kind = ?, status = ?, created_at = ?, body = ? WHERE id = ?",
            (
                analysis.kind.value,
                analysis.status.value,
                analysis.created_at or "",
                body,
                analysis.id,
            ),
        )
        return [True]

    # BEGIN IMMEDIATE holds the write lock from the read on: the compare and the set are one.
    in_transaction(db, work, "queue")
    return matched


def _analysis_where(where: AnalysisFilter) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if where.status is not None:
        clauses.append("status = ?")
        params.append(where.status.value)
    if where.kind is not None:
        clauses.append("kind = ?")
        params.append(where.kind.value)
    return " AND ".join(clauses) or "1", params


def list_analyses(
    db: sqlite3.Connection, where: AnalysisFilter, first: int, after: AnalysisCursor | None
) -> list[Analysis]:
    condition, params = _analysis_where(where)
    if after is not None:
        condition += " AND (created_at < ? OR (created_at = ? AND id < ?))"
        params += [after.created_at, after.created_at, after.id]
    rows = db.execute(
        f"SELECT body FROM analysis WHERE {condition} ORDER BY created_at DESC, id DESC LIMIT ?",
        [*params, max(first, 0)],
    )
    return [records.analysis_from(r[0]) for r in rows]


def count_analyses(db: sqlite3.Connection, where: AnalysisFilter) -> int:
    condition, params = _analysis_where(where)
    return int(db.execute(f"SELECT count(*) FROM analysis WHERE {condition}", params).fetchone()[0])


# -- API tokens -------------------------------------------------------------------------


def add_token(db: sqlite3.Connection, token: ApiToken) -> bool:
    def work() -> list[bool]:
        return [
            _inserted(
                db,
                "INSERT OR IGNORE INTO api_token(token_hash, name, scope, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    token.token_hash,
                    token.name,
                    token.scope.value,
                    token.created_at,
                    token.expires_at,
                ),
            )
        ]

    return in_transaction(db, work, "queue")[0]


_ISSUED = "token_hash, name, scope, created_at, expires_at"  # an api_token row's columns


def _token(row: tuple[str, str, str, str, str | None]) -> ApiToken:
    return ApiToken(row[0], row[1], TokenScope(row[2]), row[3], row[4])


def token_by_hash(db: sqlite3.Connection, token_hash: str) -> ApiToken | None:
    row = db.execute(
        f"SELECT {_ISSUED} FROM api_token WHERE token_hash = ?", (token_hash,)
    ).fetchone()
    return None if row is None else _token(row)


def list_tokens(db: sqlite3.Connection) -> list[ApiToken]:
    rows = db.execute(f"SELECT {_ISSUED} FROM api_token ORDER BY created_at, token_hash")
    return [_token(row) for row in rows]


def revoke_token(db: sqlite3.Connection, token_hash: str) -> bool:
    def work() -> list[bool]:
        return [_inserted(db, "DELETE FROM api_token WHERE token_hash = ?", (token_hash,))]

    return in_transaction(db, work, "queue")[0]


def count_packages(db: sqlite3.Connection, prefix: str) -> int:
    row = db.execute(
        "SELECT count(*) FROM package WHERE name >= ? AND name < ?", (prefix, prefix + "\uffff")
    )
    return int(row.fetchone()[0])
