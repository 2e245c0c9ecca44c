"""The analysis queue in SQLite: one row per analysis holding its JSON
(store/json_text.py); its writes move the queue generation."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import partial

from thoth_graphql.domain import Analysis, AnalysisStatus
from thoth_graphql.store import json_text
from thoth_graphql.store.port import AnalysisCursor, AnalysisFilter
from thoth_graphql.store.sqlite.client import SqliteFacet, bodies_by_key, in_transaction, inserted


class SqliteAnalysisQueue(SqliteFacet):
    """The analysis queue facet."""

    async def create_analyses(self, analyses: Sequence[Analysis]) -> list[bool]:
        return await self.client.run(partial(_create_analyses, analyses=analyses))

    async def analyses(self, ids: Sequence[str]) -> list[Analysis | None]:
        return await self.client.run(partial(_analyses, ids=ids))

    async def update_analysis(
        self, analysis: Analysis, expected: AnalysisStatus | None = None
    ) -> bool:
        return await self.client.run(
            partial(_update_analysis, analysis=analysis, expected=expected)
        )

    async def list_analyses(
        self, where: AnalysisFilter, first: int, after: AnalysisCursor | None = None
    ) -> list[Analysis]:
        return await self.client.run(partial(_list_analyses, where=where, first=first, after=after))

    async def count_analyses(self, where: AnalysisFilter) -> int:
        return await self.client.run(partial(_count_analyses, where=where))


def _create_analysis(db: sqlite3.Connection, analysis: Analysis) -> bool:
    return inserted(
        db,
        "INSERT OR IGNORE INTO analysis(id, kind, status, created_at, body) VALUES (?, ?, ?, ?, ?)",
        (
            analysis.id,
            analysis.kind.value,
            analysis.status.value,
            analysis.created_at or "",
            json_text.analysis_text(analysis),
        ),
    )


def _create_analyses(db: sqlite3.Connection, analyses: Sequence[Analysis]) -> list[bool]:
    return in_transaction(db, lambda: [_create_analysis(db, a) for a in analyses], "queue")


def _analyses(db: sqlite3.Connection, ids: Sequence[str]) -> list[Analysis | None]:
    found = bodies_by_key(db, "analysis", "id", ids)
    return json_text.in_order(found, ids, json_text.analysis_from)


def _update_analysis(
    db: sqlite3.Connection, analysis: Analysis, expected: AnalysisStatus | None
) -> bool:
    body = json_text.analysis_text(analysis)
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


def _list_analyses(
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
    return [json_text.analysis_from(r[0]) for r in rows]


def _count_analyses(db: sqlite3.Connection, where: AnalysisFilter) -> int:
    condition, params = _analysis_where(where)
    return int(db.execute(f"SELECT count(*) FROM analysis WHERE {condition}", params).fetchone()[0])
