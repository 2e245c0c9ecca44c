"""The embedded graph store: the knowledge graph in one SQLite file (WAL, durable commits).

All SQLite work runs on one dedicated thread, so the event loop never blocks and the
connection is never shared between threads. Every write is one transaction: it is
either all there after a crash (`synchronous=FULL`) or not there at all.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TypeVar

from thoth_graphql.domain import (
    Advisory,
    Analysis,
    AnalysisStatus,
    ApiToken,
    Dependency,
    Installability,
    Package,
    PackageVersion,
    Release,
    RuntimeEnvironment,
    StackObservation,
    VersionKey,
)
from thoth_graphql.domain.ordering import edge_order, newest_first
from thoth_graphql.store import sqlite_closure
from thoth_graphql.store import sqlite_records as rec
from thoth_graphql.store.migrations import migrate
from thoth_graphql.store.port import (
    AdvisoryKey,
    AnalysisCursor,
    AnalysisFilter,
    Closure,
    Dependent,
    DocumentRef,
    Generations,
    GraphCounts,
    ObservationCursor,
    ObservationFilter,
    StoredRelease,
    StoreFull,
    StoreUnavailable,
    WriteReport,
    walk_closure,
)
from thoth_graphql.store.records import files_from, files_text
from thoth_graphql.store.sqlite_records import CHUNK, chunks, marks

T = TypeVar("T")


def _extras_text(extras: tuple[str, ...]) -> str:
    return ",".join(extras)


def _extras_tuple(text: str) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()


class SqliteGraphStore:
    """GraphStore over a SQLite file; `SqliteGraphStore(data_dir / "graph.sqlite3")`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.round_trips = 0
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._db: sqlite3.Connection | None = None

    # -- plumbing ---------------------------------------------------------------------

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
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
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=10000")
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

    # -- writes -----------------------------------------------------------------------

    async def write_releases(
        self, releases: Sequence[Release], documents: Sequence[DocumentRef] = ()
    ) -> WriteReport:
        return await self._run(lambda db: _write(db, releases, documents))

    # -- reads ------------------------------------------------------------------------

    async def generation(self) -> int:
        return await self._run(_generation)

    async def generations(self) -> Generations:
        return await self._run(_generations)

    async def known_documents(self, document_ids: Sequence[str]) -> set[str]:
        ids = list(dict.fromkeys(document_ids))

        def read(db: sqlite3.Connection) -> set[str]:
            known: set[str] = set()
            for part in chunks(ids):
                rows = db.execute(
                    f"SELECT document_id FROM document WHERE document_id IN ({marks(len(part))})",
                    part,
                )
                known.update(r[0] for r in rows)
            return known

        return await self._run(read)

    async def packages(self, names: Sequence[str]) -> list[Package | None]:
        wanted = list(dict.fromkeys(names))

        def read(db: sqlite3.Connection) -> set[str]:
            found: set[str] = set()
            for part in chunks(wanted):
                rows = db.execute(
                    f"SELECT name FROM package WHERE name IN ({marks(len(part))})",
                    part,
                )
                found.update(r[0] for r in rows)
            return found

        found = await self._run(read)
        return [Package(n) if n in found else None for n in names]

    async def versions_of(self, names: Sequence[str]) -> list[list[PackageVersion]]:
        wanted = list(dict.fromkeys(names))
        by_name = await self._run(lambda db: _versions_by_name(db, wanted))
        return [newest_first(by_name.get(n, [])) for n in names]

    async def dependencies_of(self, versions: Sequence[VersionKey]) -> list[list[Dependency]]:
        wanted = list(dict.fromkeys(versions))

        def read(db: sqlite3.Connection) -> dict[VersionKey, list[Dependency]]:
            found: dict[VersionKey, list[Dependency]] = {}
            for part in chunks(wanted, CHUNK // 3):
                where = " OR ".join(["(p.name=? AND v.version=? AND v.index_url=?)"] * len(part))
                params = [x for k in part for x in (k.name, k.version, k.index_url)]
                rows = db.execute(
                    "SELECT p.name, v.version, v.index_url, t.name, "
                    "d.specifier, d.extras, d.marker FROM depends_on d "
                    "JOIN package_version v ON v.id = d.version_id "
                    "JOIN package p ON p.id = v.package_id JOIN package t ON t.id = d.package_id "
                    f"WHERE {where}",
                    params,
                )
                for name, version, index_url, target, spec, extras, marker in rows:
                    found.setdefault(VersionKey(name, version, index_url), []).append(
                        Dependency(target, spec, _extras_tuple(extras), marker or None)
                    )
            return found

        found = await self._run(read)
        return [edge_order(found.get(k, [])) for k in versions]

    async def dependents_of(self, names: Sequence[str]) -> list[list[Dependent]]:
        wanted = list(dict.fromkeys(names))

        def read(db: sqlite3.Connection) -> dict[str, list[Dependent]]:
            found: dict[str, list[Dependent]] = {}
            for part in chunks(wanted):
                rows = db.execute(
                    "SELECT t.name, p.name, v.version, v.index_url, "
                    "d.specifier, d.extras, d.marker FROM package t "
                    "JOIN depends_on d ON d.package_id = t.id "
                    "JOIN package_version v ON v.id = d.version_id "
                    "JOIN package p ON p.id = v.package_id "
                    f"WHERE t.name IN ({marks(len(part))}) "
                    "ORDER BY p.name, v.id",
                    part,
                )
                for target, name, version, index_url, spec, extras, marker in rows:
                    found.setdefault(target, []).append(
                        Dependent(
                            VersionKey(name, version, index_url),
                            Dependency(target, spec, _extras_tuple(extras), marker or None),
                        )
                    )
            return found

        found = await self._run(read)
        return [found.get(n, []) for n in names]

    async def search_packages(
        self, prefix: str, first: int, after: str | None = None
    ) -> list[Package]:
        def read(db: sqlite3.Connection) -> list[Package]:
            # `name >= prefix AND name < prefix + U+FFFF` uses the unique index on name.
            rows = db.execute(
                "SELECT name FROM package WHERE name >= ? AND name < ? AND name > ? "
                "ORDER BY name LIMIT ?",
                (prefix, prefix + "\uffff", after or "", first),
            )
            return [Package(r[0]) for r in rows]

        return await self._run(read)

    async def load_closure(
        self, roots: Sequence[str], extras: Mapping[str, Collection[str]] | None = None
    ) -> Closure:
        async def level(names: list[str]) -> dict[str, list[StoredRelease]]:
            return await self._run(partial(sqlite_closure.releases_by_name, names=names))

        return await walk_closure(roots, level, extras)

    async def counts(self) -> GraphCounts:
        def read(db: sqlite3.Connection) -> GraphCounts:
            row = db.execute(
                "SELECT (SELECT count(*) FROM package), (SELECT count(*) FROM package_version), "
                "(SELECT count(*) FROM depends_on), (SELECT count(*) FROM document)"
            ).fetchone()
            return GraphCounts(*row)

        return await self._run(read)

    async def count_packages(self, prefix: str = "") -> int:
        return await self._run(partial(rec.count_packages, prefix=prefix))

    # -- runtime environments ---------------------------------------------------------

    async def register_environments(self, environments: Sequence[RuntimeEnvironment]) -> list[bool]:
        return await self._run(partial(rec.register_environments, environments=environments))

    async def environments(self, keys: Sequence[str]) -> list[RuntimeEnvironment | None]:
        return await self._run(partial(rec.environments, keys=keys))

    async def list_environments(
        self, first: int, after: str | None = None
    ) -> list[RuntimeEnvironment]:
        return await self._run(partial(rec.list_environments, first=first, after=after))

    async def count_environments(self) -> int:
        return await self._run(partial(rec.count, table="runtime_environment"))

    # -- stack observations -----------------------------------------------------------

    async def record_stack_observations(
        self, observations: Sequence[StackObservation]
    ) -> list[bool]:
        return await self._run(partial(rec.record_stack_observations, observations=observations))

    async def stack_observations(self, keys: Sequence[str]) -> list[StackObservation | None]:
        return await self._run(partial(rec.stack_observations, keys=keys))

    async def list_stack_observations(
        self, where: ObservationFilter, first: int, after: ObservationCursor | None = None
    ) -> list[StackObservation]:
        return await self._run(
            partial(rec.list_stack_observations, where=where, first=first, after=after)
        )

    async def count_stack_observations(self, where: ObservationFilter) -> int:
        return await self._run(partial(rec.count_stack_observations, where=where))

    # -- installability ---------------------------------------------------------------

    async def record_installability(self, observations: Sequence[Installability]) -> list[bool]:
        return await self._run(partial(rec.record_installability, observations=observations))

    async def installability_of(self, versions: Sequence[VersionKey]) -> list[list[Installability]]:
        return await self._run(partial(rec.installability_of, versions=versions))

    # -- advisories -------------------------------------------------------------------

    async def write_advisories(self, advisories: Sequence[Advisory]) -> list[bool]:
        return await self._run(partial(rec.write_advisories, advisories=advisories))

    async def advisories(self, keys: Sequence[AdvisoryKey]) -> list[Advisory | None]:
        return await self._run(partial(rec.advisories, keys=keys))

    async def advisories_of(self, names: Sequence[str]) -> list[list[Advisory]]:
        return await self._run(partial(rec.advisories_of, names=names))

    async def list_advisories(
        self, package: str | None, first: int, after: AdvisoryKey | None = None
    ) -> list[Advisory]:
        return await self._run(
            partial(rec.list_advisories, package=package, first=first, after=after)
        )

    async def count_advisories(self, package: str | None = None) -> int:
        return await self._run(partial(rec.count_advisories, package=package))

    # -- analyses ---------------------------------------------------------------------

    async def create_analyses(self, analyses: Sequence[Analysis]) -> list[bool]:
        return await self._run(partial(rec.create_analyses, analyses=analyses))

    async def analyses(self, ids: Sequence[str]) -> list[Analysis | None]:
        return await self._run(partial(rec.analyses, ids=ids))

    async def update_analysis(
        self, analysis: Analysis, expected: AnalysisStatus | None = None
    ) -> bool:
        return await self._run(partial(rec.update_analysis, analysis=analysis, expected=expected))

    async def list_analyses(
        self, where: AnalysisFilter, first: int, after: AnalysisCursor | None = None
    ) -> list[Analysis]:
        return await self._run(partial(rec.list_analyses, where=where, first=first, after=after))

    async def count_analyses(self, where: AnalysisFilter) -> int:
        return await self._run(partial(rec.count_analyses, where=where))

    # -- API tokens -------------------------------------------------------------------

    async def add_token(self, token: ApiToken) -> bool:
        return await self._run(partial(rec.add_token, token=token))

    async def token_by_hash(self, token_hash: str) -> ApiToken | None:
        return await self._run(partial(rec.token_by_hash, token_hash=token_hash))

    async def revoke_token(self, token_hash: str) -> bool:
        return await self._run(partial(rec.revoke_token, token_hash=token_hash))

    async def list_tokens(self) -> list[ApiToken]:
        return await self._run(rec.list_tokens)


# -- statements (run on the store's thread) ---------------------------------------------


def _generation(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return int(row[0])


def _generations(db: sqlite3.Connection) -> Generations:
    rows = dict(
        db.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'queue_generation')")
    )
    return Generations(knowledge=int(rows["generation"]), queue=int(rows["queue_generation"]))


def _ids_of_packages(db: sqlite3.Connection, names: Sequence[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for part in chunks(list(names)):
        rows = db.execute(
            f"SELECT name, id FROM package WHERE name IN ({marks(len(part))})",
            part,
        )
        ids.update(rows)
    return ids


def _write(
    db: sqlite3.Connection, releases: Sequence[Release], documents: Sequence[DocumentRef]
) -> WriteReport:
    return rec.transaction(
        db, lambda: _write_in_transaction(db, releases, documents), lambda r: r.changed
    )


def _write_in_transaction(
    db: sqlite3.Connection, releases: Sequence[Release], documents: Sequence[DocumentRef]
) -> WriteReport:
    before = db.total_changes
    names = dict.fromkeys(
        [r.version.name for r in releases] + [d.name for r in releases for d in r.dependencies]
    )
    db.executemany("INSERT OR IGNORE INTO package(name) VALUES (?)", [(n,) for n in names])
    packages_created = db.total_changes - before
    package_ids = _ids_of_packages(db, list(names))

    before = db.total_changes
    db.executemany(
        "INSERT OR IGNORE INTO package_version"
        "(package_id, version, index_url, requires_python, yanked, upload_time, sha256, files) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                package_ids[v.name],
                v.version,
                v.index_url,
                v.requires_python,
                int(v.yanked),
                v.upload_time,
                json.dumps(list(v.sha256)),
                files_text(v.files),
            )
            for v in (r.version for r in releases)
        ],
    )
    versions_created = db.total_changes - before

    # A version first ingested from a document without files gets them from the first
    # document that has them; files already known are never replaced.
    before = db.total_changes
    db.executemany(
        "UPDATE package_version SET files = ? "
        "WHERE package_id = ? AND version = ? AND index_url = ? AND files = '[]'",
        [
            (files_text(v.files), package_ids[v.name], v.version, v.index_url)
            for v in (r.version for r in releases)
            if v.files
        ],
    )
    files_added = db.total_changes - before

    version_ids: dict[tuple[int, str, str], int] = {}
    for part in chunks(list(dict.fromkeys(package_ids[r.version.name] for r in releases))):
        rows = db.execute(
            "SELECT package_id, version, index_url, id FROM package_version "
            f"WHERE package_id IN ({marks(len(part))})",
            part,
        )
        version_ids.update(((p, v, i), vid) for p, v, i, vid in rows)

    before = db.total_changes
    db.executemany(
        "INSERT OR IGNORE INTO depends_on(version_id, package_id, specifier, extras, marker) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (
                version_ids[(package_ids[r.version.name], r.version.version, r.version.index_url)],
                package_ids[d.name],
                d.specifier,
                _extras_text(d.extras),
                d.marker or "",
            )
            for r in releases
            for d in r.dependencies
        ],
    )
    dependencies_created = db.total_changes - before
    sqlite_closure.write_dependency_lists(
        db,
        releases,
        [
            version_ids[(package_ids[r.version.name], r.version.version, r.version.index_url)]
            for r in releases
        ],
    )

    written: list[str] = []
    for d in documents:
        before = db.total_changes
        db.execute(
            "INSERT OR IGNORE INTO document"
            "(document_id, analyzer, analyzer_version, datetime, environment_key) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                d.document_id,
                d.analyzer,
                d.analyzer_version,
                d.datetime,
                d.environment.key if d.environment is not None else None,
            ),
        )
        if db.total_changes > before:
            written.append(d.document_id)
    return WriteReport(
        packages_created,
        versions_created,
        dependencies_created,
        len(written),
        files_added,
        tuple(written),
    )


def _versions_by_name(
    db: sqlite3.Connection, names: Sequence[str]
) -> dict[str, list[PackageVersion]]:
    found: dict[str, list[PackageVersion]] = {}
    for part in chunks(list(names)):
        rows = db.execute(
            "SELECT p.name, v.version, v.index_url, v.requires_python, v.yanked, "
            "v.upload_time, v.sha256, v.files "
            "FROM package_version v JOIN package p ON p.id = v.package_id "
            f"WHERE p.name IN ({marks(len(part))})",
            part,
        )
        for name, version, index_url, requires_python, yanked, upload_time, sha256, files in rows:
            found.setdefault(name, []).append(
                PackageVersion(
                    name,
                    version,
                    index_url,
                    requires_python,
                    bool(yanked),
                    upload_time,
                    tuple(json.loads(sha256)),
                    files_from(files),
                )
            )
    return found
