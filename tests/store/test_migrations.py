"""An embedded graph from an older server is brought up to date, its data kept."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from thoth_graphql.domain import ApiToken, RuntimeEnvironment, TokenScope
from thoth_graphql.store.migrations import MIGRATIONS, SCHEMA_VERSION
from thoth_graphql.store.port import Generations
from thoth_graphql.store.sqlite import SqliteGraphStore


async def test_a_version_1_file_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(MIGRATIONS[0])
        db.execute("INSERT INTO package(name) VALUES ('dask')")
        db.execute("PRAGMA user_version = 1")
        db.commit()
    store = SqliteGraphStore(path)
    await store.open()
    try:
        assert (await store.counts()).packages == 1
        assert await store.register_environments([RuntimeEnvironment(os_name="x")]) == [True]
    finally:
        await store.close()
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6


async def test_a_version_2_token_never_expires_after_migration(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(MIGRATIONS[0] + MIGRATIONS[1])
        db.execute(
            "INSERT INTO api_token(token_hash, name, scope, created_at) "
            "VALUES ('ab', 'old', 'WRITE', '2026-01-01T00:00:00Z')"
        )
        db.execute("PRAGMA user_version = 2")
        db.commit()
    store = SqliteGraphStore(path)
    await store.open()
    try:
        [token] = await store.list_tokens()
        assert (token.name, token.expires_at) == ("old", None)
    finally:
        await store.close()


async def test_a_version_4_file_keeps_its_generation_and_gets_a_queue_one(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.executescript("".join(MIGRATIONS[:4]))
        db.execute("UPDATE meta SET value = 7 WHERE key = 'generation'")
        db.execute("PRAGMA user_version = 4")
        db.commit()
    store = SqliteGraphStore(path)
    await store.open()
    try:
        assert await store.generations() == Generations(knowledge=7, queue=0)
        await store.add_token(ApiToken("ab", "ci", TokenScope.WRITE, "2026-01-01T00:00:00Z"))
        assert await store.generations() == Generations(knowledge=7, queue=1)
    finally:
        await store.close()
