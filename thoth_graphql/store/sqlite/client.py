"""The SQLite client every facet of the embedded store runs its statements through: one
connection on one dedicated thread, one transaction per write, and the generation a write
moves.

All SQLite work runs on that thread, so the event loop never blocks and the connection is
never shared between threads. Every write is one transaction: it is either all there after a
crash (`synchronous=FULL`) or not there at all.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal, TypeVar

from thoth_graphql.store.port import StoreFull, StoreUnavailable
from thoth_graphql.store.sqlite.migrations import migrate
from thoth_graphql.store.sqlite.statements import chunks, marks

T = TypeVar("T")
R = TypeVar("R")

Facet = Literal["knowledge", "queue"]
"""What a write changes: what is known (the ecosystem and observations), or the queue of
analyses and the API tokens, which have a generation of their own (migration 5)."""

GENERATION_KEYS: dict[Facet, str] = {"knowledge": "generation", "queue": "queue_generation"}


class SqliteClient:
    """The connection to one SQLite file, used from the store's one thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.round_trips = 0
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._db: sqlite3.Connection | None = None

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` with the connection on the store's thread; one round trip."""
        self.round_trips += 1
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._call, work)

    def _call(self, work: Callable[[sqlite3.Connection], T]) -> T:
        if self._db is None:
            raise RuntimeError("the store is not open")
        try:
            return work(self._db)
        except sqlite3.OperationalError as error:
            raise self._unavailable(error) or error from error

    def _unavailable(self, error: sqlite3.OperationalError) -> StoreUnavailable | None:
        """The port's name for a failure of the file rather than of the statement."""
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary result code
        detail = f"{error} ({self.path})"
        if code == sqlite3.SQLITE_FULL:
            return StoreFull("The graph store is full: its disk has no room left.", detail)
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return StoreUnavailable("The graph store is busy with another writer.", detail)
        if code in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY):
            return StoreUnavailable("The graph store cannot read or write its file.", detail)
        return None

    def _connect(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout=10000")  # first: other processes may open it too
        _write_ahead_log(db)
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        migrate(db)
        self._db = db

    async def open(self) -> None:
        def connect() -> None:
            try:
                self._connect()
            except sqlite3.OperationalError as error:
                raise self._unavailable(error) or error from error

        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, connect)

    async def close(self) -> None:
        def shut() -> None:
            if self._db is not None:
                self._db.close()
                self._db = None

        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, shut)
        self._executor.shutdown(wait=True)


class SqliteFacet:
    """One facet of the embedded store: the statements of one aggregate, over the client
    the store's facets share."""

    def __init__(self, client: SqliteClient) -> None:
        self.client = client


# -- statements' building blocks (run on the store's thread) ----------------------------


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


def inserted(db: sqlite3.Connection, sql: str, params: Sequence[object]) -> bool:
    """Run one statement; whether it changed a row."""
    before = db.total_changes
    db.execute(sql, params)
    return db.total_changes > before


def bodies_by_key(
    db: sqlite3.Connection, table: str, column: str, keys: Sequence[str]
) -> dict[str, str]:
    """The `body` of each row of `table` whose `column` is one of `keys`, by key."""
    found: dict[str, str] = {}
    for part in chunks(list(dict.fromkeys(keys))):
        rows = db.execute(
            f"SELECT {column}, body FROM {table} WHERE {column} IN ({marks(len(part))})", part
        )
        found.update(rows)
    return found


def present_keys(db: sqlite3.Connection, table: str, column: str, keys: Sequence[str]) -> set[str]:
    """Which of `keys` some row of `table` has in `column`."""
    found: set[str] = set()
    for part in chunks(list(dict.fromkeys(keys))):
        rows = db.execute(
            f"SELECT {column} FROM {table} WHERE {column} IN ({marks(len(part))})", part
        )
        found.update(r[0] for r in rows)
    return found


def count(db: sqlite3.Connection, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _write_ahead_log(db: sqlite3.Connection, patience: float = 10.0) -> None:
    """Put the file in WAL mode. Switching needs the file to itself, and SQLite answers
    SQLITE_BUSY at once, busy timeout or not, while another process opening the same new
    file holds it (two `ingest` runs on a new data folder): so wait and try again."""
    deadline = time.monotonic() + patience
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            if code != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
