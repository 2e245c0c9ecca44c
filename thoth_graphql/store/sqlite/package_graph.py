"""The package graph in SQLite: packages, versions, dependency edges and documents, written
in one transaction per call and read by many keys at once."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from functools import partial

from thoth_graphql.domain import (
    AbsentPackage,
    Dependency,
    Package,
    PackageVersion,
    Release,
    VersionKey,
)
from thoth_graphql.domain.ordering import edge_order, newest_first
from thoth_graphql.store.json_text import files_text
from thoth_graphql.store.port import Dependent, DocumentRef, GraphCounts, WriteReport
from thoth_graphql.store.sqlite.absences import absences_by_name, record_absences
from thoth_graphql.store.sqlite.client import SqliteFacet, present_keys, transaction
from thoth_graphql.store.sqlite.dependency_lists import write_dependency_lists
from thoth_graphql.store.sqlite.package_rows import extras_text, extras_tuple, versions_by_name
from thoth_graphql.store.sqlite.statements import CHUNK, chunks, marks


class SqlitePackageGraph(SqliteFacet):
    """The package graph facet but `load_closure` (closure.py)."""

    async def write_releases(
        self, releases: Sequence[Release], documents: Sequence[DocumentRef] = ()
    ) -> WriteReport:
        return await self.client.run(lambda db: _write(db, releases, documents))

    async def record_absences(self, absences: Sequence[AbsentPackage]) -> list[bool]:
        if not absences:
            return []
        return await self.client.run(partial(record_absences, absences=absences))

    async def absences_of(self, names: Sequence[str]) -> list[AbsentPackage | None]:
        found = await self.client.run(partial(absences_by_name, names=names))
        return [found.get(n) for n in names]

    async def known_documents(self, document_ids: Sequence[str]) -> set[str]:
        return await self.client.run(
            partial(present_keys, table="document", column="document_id", keys=document_ids)
        )

    async def packages(self, names: Sequence[str]) -> list[Package | None]:
        found = await self.client.run(
            partial(present_keys, table="package", column="name", keys=names)
        )
        return [Package(n) if n in found else None for n in names]

    async def versions_of(self, names: Sequence[str]) -> list[list[PackageVersion]]:
        wanted = list(dict.fromkeys(names))
        by_name = await self.client.run(lambda db: versions_by_name(db, wanted))
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
                        Dependency(target, spec, extras_tuple(extras), marker or None)
                    )
            return found

        found = await self.client.run(read)
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
                            Dependency(target, spec, extras_tuple(extras), marker or None),
                        )
                    )
            return found

        found = await self.client.run(read)
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

        return await self.client.run(read)

    async def counts(self) -> GraphCounts:
        def read(db: sqlite3.Connection) -> GraphCounts:
            row = db.execute(
                "SELECT (SELECT count(*) FROM package), (SELECT count(*) FROM package_version), "
                "(SELECT count(*) FROM depends_on), (SELECT count(*) FROM document)"
            ).fetchone()
            return GraphCounts(*row)

        return await self.client.run(read)

    async def count_packages(self, prefix: str = "") -> int:
        return await self.client.run(partial(_count_packages, prefix=prefix))


# -- statements (run on the store's thread) ---------------------------------------------


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
    return transaction(
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
                extras_text(d.extras),
                d.marker or "",
            )
            for r in releases
            for d in r.dependencies
        ],
    )
    dependencies_created = db.total_changes - before
    write_dependency_lists(
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


def _count_packages(db: sqlite3.Connection, prefix: str) -> int:
    row = db.execute(
        "SELECT count(*) FROM package WHERE name >= ? AND name < ?", (prefix, prefix + "\uffff")
    )
    return int(row.fetchone()[0])
