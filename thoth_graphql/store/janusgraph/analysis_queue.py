"""The analysis queue on JanusGraph: one Analysis record vertex (catalog.py) per analysis;
its writes move the queue generation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from thoth_graphql.domain import Analysis, AnalysisStatus
from thoth_graphql.store import json_text
from thoth_graphql.store.janusgraph.catalog import (
    BUMP_QUEUE,
    answer_changed,
    bodies,
    count,
    listing,
    page,
    write_rows,
)
from thoth_graphql.store.janusgraph.client import JanusGraphFacet
from thoth_graphql.store.port import AnalysisCursor, AnalysisFilter

_CREATE_ANALYSES = answer_changed(
    """
def created = [] as Set
for (row in analysis_rows) {
    if (!created.add(row.id) || g.V().has('Analysis', 'analysis_id', row.id).hasNext()) {
        changed << false
        continue
    }
    graph.addVertex(T.label, 'Analysis', 'analysis_id', row.id, 'catalog', 'Analysis',
        'analysis_kind', row.kind, 'analysis_status', row.status, 'created_at', row.created_at,
        'body', row.body)
    changed << true
}
""",
    BUMP_QUEUE,
)

# Answers [matched, changed]: compare (exists, status as expected) and set, in one transaction.
_UPDATE_ANALYSIS = (
    """
def vertex = g.V().has('Analysis', 'analysis_id', analysis_row.id).tryNext().orElse(null)
if (vertex == null) return [false, false]
if (expected_status != null && vertex.value('analysis_status') != expected_status) {
    return [false, false]
}
if (vertex.value('body') == analysis_row.body) return [true, false]
vertex.property('analysis_kind', analysis_row.kind)
vertex.property('analysis_status', analysis_row.status)
vertex.property('created_at', analysis_row.created_at)
vertex.property('body', analysis_row.body)
"""
    + BUMP_QUEUE
    + "\n[true, true]\n"
)

_LIST_ANALYSES, _COUNT_ANALYSES = listing(
    "g.V().has('catalog', 'Analysis')",
    {"status_filter": "analysis_status", "kind_filter": "analysis_kind"},
    ("created_at", "analysis_id"),
    descending=True,
)


class JanusGraphAnalysisQueue(JanusGraphFacet):
    """The analysis queue facet."""

    async def create_analyses(self, analyses: Sequence[Analysis]) -> list[bool]:
        rows = [_analysis_row(a) for a in analyses]
        return await write_rows(self.client, _CREATE_ANALYSES, "analysis_rows", rows)

    async def analyses(self, ids: Sequence[str]) -> list[Analysis | None]:
        found = await bodies(self.client, "Analysis", "analysis_id", ids)
        return json_text.in_order(found, ids, json_text.analysis_from)

    async def update_analysis(
        self, analysis: Analysis, expected: AnalysisStatus | None = None
    ) -> bool:
        bindings = {
            "analysis_row": _analysis_row(analysis),
            "expected_status": None if expected is None else expected.value,
        }
        matched, _changed_now = await self.client.write(_UPDATE_ANALYSIS, bindings)
        return bool(matched)

    async def list_analyses(
        self, where: AnalysisFilter, first: int, after: AnalysisCursor | None = None
    ) -> list[Analysis]:
        cursor = None if after is None else (after.created_at, after.id)
        found = await page(self.client, _LIST_ANALYSES, _analysis_bindings(where), first, cursor)
        return [json_text.analysis_from(body) for body in found]

    async def count_analyses(self, where: AnalysisFilter) -> int:
        return await count(self.client, _COUNT_ANALYSES, _analysis_bindings(where))


def _analysis_row(analysis: Analysis) -> dict[str, Any]:
    return {
        "id": analysis.id,
        "kind": analysis.kind.value,
        "status": analysis.status.value,
        "created_at": analysis.created_at or "",
        "body": json_text.analysis_text(analysis),
    }


def _analysis_bindings(where: AnalysisFilter) -> dict[str, Any]:
    return {
        "status_filter": None if where.status is None else where.status.value,
        "kind_filter": None if where.kind is None else where.kind.value,
    }
