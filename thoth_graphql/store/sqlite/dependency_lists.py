"""A closure level from SQLite: release rows with their dependency list denormalised.

Each `package_version` row keeps its dependencies as one JSON text in `deps` (migration
6), the same `[name, specifier, extras, marker]` rows the JanusGraph adapter keeps on a
version vertex, in `edge_order`. The `depends_on` table stays the truth for the reverse
edges (`dependents_of`) and for counts; the write path keeps both in step in the same
transaction. So a level of `load_closure` reads one row per release, not one per edge,
and decoding is `json.loads` in C: each distinct text is parsed once, and equal rows
become one shared `Dependency` (closures repeat the same lists and specifiers
massively).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from thoth_graphql.domain import Dependency, PackageVersion, Release
from thoth_graphql.domain.closure import StoredRelease
from thoth_graphql.domain.ordering import edge_order, releases_newest_first
from thoth_graphql.store.json_text import ReleaseDecoder, dependencies_text
from thoth_graphql.store.sqlite.statements import chunks, marks

_EMPTY = "[]"


class DependencyReader:
    """Decodes `deps` texts: each distinct text once, each distinct row one object."""

    __slots__ = ("_lists", "decoder")

    def __init__(self) -> None:
        self._lists: dict[str, tuple[Dependency, ...]] = {_EMPTY: ()}
        self.decoder = ReleaseDecoder()
        """Shares rows with the releases read alongside (`releases_by_name`)."""

    def read(self, text: str | None) -> tuple[Dependency, ...]:
        if text is None:
            return ()
        found = self._lists.get(text)
        if found is None:
            dependency = self.decoder.dependency
            found = self._lists[text] = tuple(
                dependency(name, specifier, extras, marker or None)
                for name, specifier, extras, marker in json.loads(text)
            )
        return found


def releases_by_name(
    db: sqlite3.Connection, names: Sequence[str]
) -> dict[str, list[StoredRelease]]:
    """Every version of these packages with its dependencies, newest first: one level of
    a closure, one row per release."""
    reader = DependencyReader()
    release = reader.decoder.version
    found: dict[str, list[tuple[PackageVersion, tuple[Dependency, ...]]]] = {}
    for part in chunks(list(names)):
        rows = db.execute(
            "SELECT p.name, v.version, v.index_url, v.requires_python, v.yanked, "
            "v.upload_time, v.sha256, v.files, v.deps "
            "FROM package p JOIN package_version v ON v.package_id = p.id "
            f"WHERE p.name IN ({marks(len(part))})",
            part,
        )
        for *columns, deps in rows:
            version = release(*columns)
            found.setdefault(version.name, []).append((version, reader.read(deps)))
    return releases_newest_first(found)


def _row(dependency: Dependency) -> Dependency:
    """The dependency as `depends_on` keeps it: no marker and an empty one are the same."""
    if dependency.marker == "":
        return Dependency(dependency.name, dependency.specifier, dependency.extras, None)
    return dependency


def write_dependency_lists(
    db: sqlite3.Connection, releases: Sequence[Release], version_ids: Sequence[int]
) -> None:
    """Bring `deps` of the versions just written in step with their `depends_on` rows:
    `version_ids[i]` is the row of `releases[i]`. A new version (deps NULL) gets its
    declared list; a known one gets the union, as `depends_on` keeps every edge any
    document declared. Runs inside the write transaction."""
    declared: dict[int, dict[Dependency, None]] = {}
    for release, vid in zip(releases, version_ids, strict=True):
        declared.setdefault(vid, {}).update(dict.fromkeys(map(_row, release.dependencies)))
    stored: dict[int, str | None] = {}
    ids = list(declared)
    for part in chunks(ids):
        rows = db.execute(
            f"SELECT id, deps FROM package_version WHERE id IN ({marks(len(part))})", part
        )
        stored.update(rows)
    reader = DependencyReader()
    updates: list[tuple[str, int]] = []
    for vid, dependencies in declared.items():
        text = stored.get(vid)
        if text is None:
            updates.append((dependencies_text(edge_order(dependencies)), vid))
            continue
        known = reader.read(text)
        if set(dependencies) <= set(known):
            continue
        merged = dict.fromkeys(known)
        merged.update(dependencies)
        updates.append((dependencies_text(edge_order(merged)), vid))
    db.executemany("UPDATE package_version SET deps = ? WHERE id = ?", updates)


def backfill_dependency_lists(db: sqlite3.Connection) -> None:
    """Migration 6: write `deps` for every version from its `depends_on` rows."""
    rows = db.execute(
        "SELECT d.version_id, t.name, d.specifier, d.extras, d.marker "
        "FROM depends_on d JOIN package t ON t.id = d.package_id ORDER BY d.version_id"
    )
    batch: list[tuple[str, int]] = []
    current: int | None = None
    dependencies: list[Dependency] = []

    def flush() -> None:
        db.executemany("UPDATE package_version SET deps = ? WHERE id = ?", batch)
        batch.clear()

    for vid, name, specifier, extras, marker in _rows(rows):
        if vid != current:
            if current is not None:
                batch.append((dependencies_text(edge_order(dependencies)), current))
                if len(batch) >= 10_000:
                    flush()
            current, dependencies = vid, []
        dependencies.append(
            Dependency(name, specifier, tuple(extras.split(",")) if extras else (), marker or None)
        )
    if current is not None:
        batch.append((dependencies_text(edge_order(dependencies)), current))
    flush()
    db.execute("UPDATE package_version SET deps = ? WHERE deps IS NULL", (_EMPTY,))


def _rows(
    cursor: sqlite3.Cursor,
) -> Iterable[tuple[int, str, str, str, str]]:
    while True:
        batch = cursor.fetchmany(10_000)
        if not batch:
            return
        yield from batch
