"""An embedded graph from an older server is brought up to date, its data kept."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, closing
from pathlib import Path

from thoth_graphql.domain import AbsentPackage, ApiToken, RuntimeEnvironment, TokenScope
from thoth_graphql.store.port import Generations
from thoth_graphql.store.sqlite import SqliteGraphStore
from thoth_graphql.store.sqlite.migrations import MIGRATIONS, SCHEMA_VERSION, migrate


def older_file(path: Path, version: int, *statements: str) -> Path:
    """A graph file at schema `version` (the first `version` migrations), with `statements`
    run on it: what a server that old left behind."""
    with closing(sqlite3.connect(path)) as db:
        db.executescript("".join(MIGRATIONS[:version]))
        for statement in statements:
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")
        db.commit()
    return path


@asynccontextmanager
async def opened(path: Path) -> AsyncIterator[SqliteGraphStore]:
    store = SqliteGraphStore(path)
    await store.open()
    try:
        yield store
    finally:
        await store.close()


async def test_a_version_1_file_is_migrated_in_place(tmp_path: Path) -> None:
    path = older_file(tmp_path / "g.sqlite3", 1, "INSERT INTO package(name) VALUES ('dask')")
    async with opened(path) as store:
        assert (await store.counts()).packages == 1
        assert await store.register_environments([RuntimeEnvironment(os_name="x")]) == [True]
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7


async def test_a_version_6_file_gets_absences_and_keeps_its_packages(tmp_path: Path) -> None:
    path = older_file(tmp_path / "g.sqlite3", 6, "INSERT INTO package(name) VALUES ('dask')")
    async with opened(path) as store:
        assert await store.absences_of(["dask", "gone"]) == [None, None]
        gone = AbsentPackage("gone", "2025-05-01T00:00:00Z", "https://pypi.org/simple", "d1")
        assert await store.record_absences([gone]) == [True]
        assert await store.absences_of(["gone"]) == [gone]
        assert (await store.counts()).packages == 1


async def test_a_version_2_token_never_expires_after_migration(tmp_path: Path) -> None:
    path = older_file(
        tmp_path / "g.sqlite3",
        2,
        "INSERT INTO api_token(token_hash, name, scope, created_at) "
        "VALUES ('ab', 'old', 'WRITE', '2026-01-01T00:00:00Z')",
    )
    async with opened(path) as store:
        [token] = await store.list_tokens()
        assert (token.name, token.expires_at) == ("old", None)


async def test_a_version_4_file_keeps_its_generation_and_gets_a_queue_one(tmp_path: Path) -> None:
    path = older_file(
        tmp_path / "g.sqlite3", 4, "UPDATE meta SET value = 7 WHERE key = 'generation'"
    )
    async with opened(path) as store:
        assert await store.generations() == Generations(knowledge=7, queue=0)
        await store.add_token(ApiToken("ab", "ci", TokenScope.WRITE, "2026-01-01T00:00:00Z"))
        assert await store.generations() == Generations(knowledge=7, queue=1)


def test_connections_opening_a_new_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    """As two `thoth-graphql ingest` processes starting on a new data folder (ten files:
    one round does not always interleave)."""
    for round_ in range(10):
        path = tmp_path / f"g{round_}.sqlite3"
        start = threading.Barrier(6)

        def open_and_migrate(path: Path = path, start: threading.Barrier = start) -> int:
            with closing(sqlite3.connect(path, isolation_level=None, timeout=30)) as db:
                db.execute("PRAGMA busy_timeout=30000")
                start.wait()
                return migrate(db)

        with ThreadPoolExecutor(6) as pool:
            versions = list(pool.map(lambda _: open_and_migrate(), range(6)))
        assert versions == [SCHEMA_VERSION] * 6
        with closing(sqlite3.connect(path)) as db:
            assert db.execute("SELECT key, value FROM meta ORDER BY key").fetchall() == [
                ("generation", 0),
                ("queue_generation", 0),
            ]
