"""Packages the index did not have, on JanusGraph: one AbsentPackage record vertex per name
holding its latest sighting (catalog.py's record shape: `body` is its JSON)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from thoth_graphql.domain import AbsentPackage
from thoth_graphql.store.janusgraph.catalog import answer_changed, write_rows
from thoth_graphql.store.janusgraph.client import JanusGraphClient

# `absent_order` is "<seen> <document id>": `seen` is UTC text of one fixed width, so text
# order is AbsentPackage.newer_than's order, and a later sighting replaces the vertex's.
_RECORD = answer_changed(
    """
def absences = [:]
for (row in absent_rows) {
    def vertex = absences[row.name]
    if (vertex == null) {
        def found = g.V().has('AbsentPackage', 'absent_name', row.name).tryNext()
        if (!found.isPresent()) {
            absences[row.name] = graph.addVertex(T.label, 'AbsentPackage', 'absent_name',
                row.name, 'absent_order', row.order, 'body', row.body)
            changed << true
            continue
        }
        vertex = absences[row.name] = found.get()
    }
    if (vertex.value('absent_order') < row.order) {
        vertex.property('absent_order', row.order)
        vertex.property('body', row.body)
        changed << true
    } else {
        changed << false
    }
}
"""
)

READ_BODIES = "g.V().has('AbsentPackage', 'absent_name', within(names)).values('body')"
"""The `body` of the records of `names` (closure.py reads them with a level's releases)."""


def _row(absence: AbsentPackage) -> dict[str, Any]:
    body = {
        "name": absence.name,
        "seen": absence.seen,
        "index_url": absence.index_url,
        "document_id": absence.document_id,
    }
    return {
        "name": absence.name,
        "order": f"{absence.seen} {absence.document_id}",
        "body": json.dumps(body, sort_keys=True),
    }


async def record_absences(
    client: JanusGraphClient, absences: Sequence[AbsentPackage]
) -> list[bool]:
    return await write_rows(client, _RECORD, "absent_rows", [_row(a) for a in absences])


async def absences_by_name(
    client: JanusGraphClient, names: Sequence[str]
) -> dict[str, AbsentPackage]:
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return {}
    found = {}
    for text in await client.submit(READ_BODIES, {"names": wanted}):
        absence = absence_from(text)
        found[absence.name] = absence
    return found


def absence_from(body: str) -> AbsentPackage:
    """The AbsentPackage a record vertex's `body` holds."""
    return AbsentPackage(**json.loads(body))
