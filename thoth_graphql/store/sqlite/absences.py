"""Packages the index did not have, in SQLite: one `absent_package` row per name, the
latest sighting (migration 7)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from thoth_graphql.domain import AbsentPackage
from thoth_graphql.store.sqlite.client import in_transaction, inserted
from thoth_graphql.store.sqlite.statements import chunks, marks

# A later sighting replaces the row (the same order as AbsentPackage.newer_than).
_UPSERT = (
    "INSERT INTO absent_package(name, seen, index_url, document_id) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(name) DO UPDATE SET seen = excluded.seen, index_url = excluded.index_url, "
    "document_id = excluded.document_id "
    "WHERE (excluded.seen, excluded.document_id) > (absent_package.seen, "
    "absent_package.document_id)"
)


def record_absences(db: sqlite3.Connection, absences: Sequence[AbsentPackage]) -> list[bool]:
    return in_transaction(
        db,
        lambda: [
            inserted(db, _UPSERT, (a.name, a.seen, a.index_url, a.document_id)) for a in absences
        ],
    )


def absences_by_name(db: sqlite3.Connection, names: Sequence[str]) -> dict[str, AbsentPackage]:
    found: dict[str, AbsentPackage] = {}
    for part in chunks(list(dict.fromkeys(names))):
        rows = db.execute(
            "SELECT name, seen, index_url, document_id FROM absent_package "
            f"WHERE name IN ({marks(len(part))})",
            part,
        )
        found.update((row[0], AbsentPackage(*row)) for row in rows)
    return found
