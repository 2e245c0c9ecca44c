"""What only the embedded adapter promises: schema versions and surviving `kill -9`."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from thoth_graphql.store.sqlite import SqliteGraphStore
from thoth_graphql.store.sqlite.migrations import SCHEMA_VERSION


async def test_a_new_file_gets_the_current_schema_version(tmp_path: Path) -> None:
    store = SqliteGraphStore(tmp_path / "g.sqlite3")
    await store.open()
    await store.close()
    with sqlite3.connect(tmp_path / "g.sqlite3") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_reopening_keeps_data_and_version(tmp_path: Path) -> None:
    from tests.contract.test_graph_store import DASK

    store = SqliteGraphStore(tmp_path / "g.sqlite3")
    await store.open()
    await store.write_releases(DASK)
    await store.close()
    again = SqliteGraphStore(tmp_path / "g.sqlite3")
    await again.open()
    assert (await again.counts()).versions == len(DASK)
    await again.close()


async def test_a_file_from_a_newer_server_is_refused(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "g.sqlite3") as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    store = SqliteGraphStore(tmp_path / "g.sqlite3")
    with pytest.raises(RuntimeError, match="newer than this server"):
        await store.open()
    await store.close()


WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from thoth_graphql.domain import Dependency, PackageVersion, Release
    from thoth_graphql.store.port import DocumentRef
    from thoth_graphql.store.sqlite import SqliteGraphStore

    async def main() -> None:
        store = SqliteGraphStore(sys.argv[1])
        await store.open()
        for i in range(100000):
            deps = tuple(Dependency(f"dep{j}", f">={i}") for j in range(20))
            release = Release(PackageVersion(f"pkg{i}", "1.0"), deps)
            await store.write_releases([release], [DocumentRef(f"doc-{i}")])
            print(i, flush=True)  # acknowledged: the transaction committed

    asyncio.run(main())
    """
)


def kill_writer_after(path: Path, acknowledgements: int) -> int:
    """Run WRITER, kill -9 it mid-stream; the last write it acknowledged."""
    acknowledged = -1
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    ) as writer:
        assert writer.stdout is not None
        for line in writer.stdout:
            acknowledged = int(line)
            if acknowledged >= acknowledgements:
                break
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        # Lines the writer printed before it died were acknowledged too.
        for line in writer.stdout:
            acknowledged = int(line)
    assert writer.returncode == -signal.SIGKILL
    return acknowledged


async def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite3"
    acknowledged = kill_writer_after(path, 150)

    store = SqliteGraphStore(path)
    await store.open()
    known = await store.known_documents([f"doc-{i}" for i in range(acknowledged + 1)])
    counts = await store.counts()
    await store.close()
    assert len(known) == acknowledged + 1
    # Nothing half-written: every stored version has all 20 of its edges.
    assert counts.dependencies == 20 * counts.versions
    assert counts.versions in (acknowledged + 1, acknowledged + 2)
