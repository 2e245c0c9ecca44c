"""Schema versions of the embedded SQLite graph and the steps between them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping

from thoth_graphql.store.sqlite.dependency_lists import backfill_dependency_lists

# Each entry moves the schema from version i to i + 1; append, never edit.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO meta(key, value) VALUES ('generation', 0);
    CREATE TABLE package (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
    );
    CREATE TABLE package_version (
        id INTEGER PRIMARY KEY,
        package_id INTEGER NOT NULL REFERENCES package(id),
        version TEXT NOT NULL,
        index_url TEXT NOT NULL,
        requires_python TEXT,
        yanked INTEGER NOT NULL DEFAULT 0,
        upload_time TEXT,
        sha256 TEXT NOT NULL DEFAULT '[]',
        UNIQUE (package_id, version, index_url)
    );
    CREATE TABLE depends_on (
        id INTEGER PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES package_version(id),
        package_id INTEGER NOT NULL REFERENCES package(id),
        specifier TEXT NOT NULL,
        extras TEXT NOT NULL,
        marker TEXT NOT NULL,
        UNIQUE (version_id, package_id, specifier, extras, marker)
    );
    CREATE INDEX depends_on_target ON depends_on(package_id);
    CREATE TABLE document (
        document_id TEXT PRIMARY KEY,
        analyzer TEXT NOT NULL,
        analyzer_version TEXT NOT NULL,
        datetime TEXT NOT NULL,
        environment_key TEXT
    );
    """,
    # 2: runtime environments, observations, advisories, analyses and API tokens. Records
    # are kept whole as JSON (store/json_text.py); columns exist for what is filtered on.
    """
    CREATE TABLE runtime_environment (
        key TEXT PRIMARY KEY,
        body TEXT NOT NULL
    );
    CREATE TABLE stack_observation (
        key TEXT PRIMARY KEY,
        environment_key TEXT NOT NULL REFERENCES runtime_environment(key),
        outcome TEXT NOT NULL,
        source TEXT NOT NULL,
        observed_at TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX stack_observation_recent ON stack_observation(observed_at DESC, key DESC);
    CREATE INDEX stack_observation_environment
        ON stack_observation(environment_key, observed_at DESC, key DESC);
    CREATE TABLE stack_observation_package (
        name TEXT NOT NULL,
        observation_key TEXT NOT NULL REFERENCES stack_observation(key),
        PRIMARY KEY (name, observation_key)
    ) WITHOUT ROWID;
    CREATE TABLE installability (
        key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        index_url TEXT NOT NULL,
        observed_at TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX installability_version ON installability(name, version, index_url);
    CREATE TABLE advisory (
        id TEXT NOT NULL,
        package TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (id, package)
    ) WITHOUT ROWID;
    CREATE INDEX advisory_package ON advisory(package, id);
    CREATE TABLE analysis (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX analysis_recent ON analysis(created_at DESC, id DESC);
    CREATE TABLE api_token (
        token_hash TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scope TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 3: a release's files (filename, url, sha256, requires-python, yanked, upload time) as
    # JSON (store/json_text.py), for installable lock files; '[]' for releases ingested before.
    """
    ALTER TABLE package_version ADD COLUMN files TEXT NOT NULL DEFAULT '[]';
    """,
    # 4: tokens expire (NULL: when revoked).
    """
    ALTER TABLE api_token ADD COLUMN expires_at TEXT;
    """,
    # 5: the queue (analyses) and the API tokens get a generation of their own, so that
    # their writes leave the knowledge generation ('generation') and its caches alone.
    """
    INSERT INTO meta(key, value) VALUES ('queue_generation', 0);
    """,
    # 6: each version keeps its dependency list as one JSON text in edge order (as the
    # JanusGraph adapter keeps it on the version vertex), so a closure level reads one row
    # per release instead of one per edge (store/sqlite/dependency_lists.py); backfilled from
    # depends_on (BACKFILLS), which stays for the reverse edges and the counts.
    """
    ALTER TABLE package_version ADD COLUMN deps TEXT;
    """,
    # 7: packages the index answered "not found" for (domain/absence.py): the latest
    # sighting per name, beside the package table (an absence makes no package row).
    """
    CREATE TABLE absent_package (
        name TEXT PRIMARY KEY,
        seen TEXT NOT NULL,
        index_url TEXT NOT NULL,
        document_id TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
)

BACKFILLS: Mapping[int, Callable[[sqlite3.Connection], None]] = {
    6: backfill_dependency_lists,
}
"""Schema version -> what fills its new columns from the data, in the step's transaction."""

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite3.Connection) -> int:
    """Bring the file up to SCHEMA_VERSION, each step in its own transaction.

    The version is read again under each step's write lock, so that processes opening the
    same new file at once take turns: each step runs once, whoever gets the lock first."""
    while True:
        db.execute("BEGIN IMMEDIATE")
        try:
            current = int(db.execute("PRAGMA user_version").fetchone()[0])
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"graph file has schema version {current}, newer than this server's "
                    f"{SCHEMA_VERSION}; upgrade thoth-graphql"
                )
            if current == SCHEMA_VERSION:
                db.execute("COMMIT")
                return SCHEMA_VERSION
            for statement in MIGRATIONS[current].split(";"):
                if statement.strip():
                    db.execute(statement)
            backfill = BACKFILLS.get(current + 1)
            if backfill is not None:
                backfill(db)
            db.execute(f"PRAGMA user_version = {current + 1}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite may have rolled back already (a full disk)
                db.execute("ROLLBACK")
            raise
