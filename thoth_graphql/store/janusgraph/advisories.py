"""Advisories on JanusGraph: one Advisory record vertex (catalog.py) per (id, package)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from thoth_graphql.domain import Advisory
from thoth_graphql.store import json_text
from thoth_graphql.store.janusgraph.catalog import (
    answer_changed,
    bodies,
    count,
    listing,
    page,
    write_rows,
)
from thoth_graphql.store.janusgraph.client import JanusGraphFacet
from thoth_graphql.store.port import AdvisoryKey

_WRITE_ADVISORIES = answer_changed(
    """
def written = [:]
for (row in adv_rows) {
    def vertex = written[row.key]
    if (vertex == null) {
        vertex = g.V().has('Advisory', 'advisory_key', row.key).tryNext().orElse(null)
    }
    if (vertex == null) {
        vertex = graph.addVertex(T.label, 'Advisory', 'advisory_key', row.key,
            'catalog', 'Advisory', 'advisory_id', row.advisory_id,
            'advisory_package', row.package, 'body', row.body)
        changed << true
    } else if (vertex.value('body') != row.body) {
        vertex.property('body', row.body)
        changed << true
    } else {
        changed << false
    }
    written[row.key] = vertex
}
"""
)

_ADVISORIES_OF = "g.V().has('Advisory', 'advisory_package', within(names)).values('body')"

# A package filter starts from its label-constrained index rather than the catalog.
_LIST_ADVISORIES, _COUNT_ADVISORIES = listing(
    "package_filter == null ? g.V().has('catalog', 'Advisory') :\n"
    "    g.V().has('Advisory', 'advisory_package', package_filter)",
    {},
    ("advisory_id", "advisory_package"),
    descending=False,
)


class JanusGraphAdvisories(JanusGraphFacet):
    """The advisories facet."""

    async def write_advisories(self, advisories: Sequence[Advisory]) -> list[bool]:
        rows = [
            {
                "key": _advisory_identity(AdvisoryKey(a.id, a.package)),
                "advisory_id": a.id,
                "package": a.package,
                "body": json_text.advisory_text(a),
            }
            for a in advisories
        ]
        return await write_rows(self.client, _WRITE_ADVISORIES, "adv_rows", rows)

    async def advisories(self, keys: Sequence[AdvisoryKey]) -> list[Advisory | None]:
        identities = [_advisory_identity(k) for k in keys]
        found = await bodies(self.client, "Advisory", "advisory_key", identities)
        return json_text.in_order(found, identities, json_text.advisory_from)

    async def advisories_of(self, names: Sequence[str]) -> list[list[Advisory]]:
        wanted = list(dict.fromkeys(names))
        found: dict[str, list[Advisory]] = {}
        if wanted:
            for body in await self.client.submit(_ADVISORIES_OF, {"names": wanted}):
                advisory = json_text.advisory_from(body)
                found.setdefault(advisory.package, []).append(advisory)
        return [sorted(found.get(n, []), key=lambda a: a.id) for n in names]

    async def list_advisories(
        self, package: str | None, first: int, after: AdvisoryKey | None = None
    ) -> list[Advisory]:
        cursor = None if after is None else (after.id, after.package)
        found = await page(
            self.client, _LIST_ADVISORIES, {"package_filter": package}, first, cursor
        )
        return [json_text.advisory_from(body) for body in found]

    async def count_advisories(self, package: str | None = None) -> int:
        return await count(self.client, _COUNT_ADVISORIES, {"package_filter": package})


def _advisory_identity(key: AdvisoryKey) -> str:
    return json.dumps([key.id, key.package], separators=(",", ":"))
