"""Observations on JanusGraph: RuntimeEnvironment, StackObservation and Installability
record vertices (catalog.py); an observation registers its environment in its script."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from thoth_graphql.domain import Installability, RuntimeEnvironment, StackObservation, VersionKey
from thoth_graphql.store import json_text
from thoth_graphql.store.janusgraph.catalog import (
    answer_changed,
    bodies,
    count,
    count_catalog,
    listing,
    page,
    write_rows,
)
from thoth_graphql.store.janusgraph.client import JanusGraphFacet
from thoth_graphql.store.janusgraph.elements import version_identity
from thoth_graphql.store.port import ObservationCursor, ObservationFilter

_REGISTER_ENVIRONMENTS = answer_changed(
    "for (row in env_rows) { changed << ensureEnvironment(row.key, row.body) }"
)

_RECORD_STACKS = answer_changed(
    """
def recorded = [] as Set
for (row in obs_rows) {
    ensureEnvironment(row.env_key, row.env_body)
    if (!recorded.add(row.key) ||
            g.V().has('StackObservation', 'observation_key', row.key).hasNext()) {
        changed << false
        continue
    }
    def vertex = graph.addVertex(T.label, 'StackObservation', 'observation_key', row.key,
        'catalog', 'StackObservation', 'environment_key', row.env_key, 'outcome', row.outcome,
        'obs_source', row.source, 'observed_at', row.observed_at, 'body', row.body)
    for (name in row.packages) {
        vertex.property(VertexProperty.Cardinality.list, 'observed_package', name)
    }
    changed << true
}
"""
)

_RECORD_INSTALLABILITY = answer_changed(
    """
def recorded = [] as Set
for (row in obs_rows) {
    ensureEnvironment(row.env_key, row.env_body)
    if (!recorded.add(row.key) ||
            g.V().has('Installability', 'installability_key', row.key).hasNext()) {
        changed << false
        continue
    }
    graph.addVertex(T.label, 'Installability', 'installability_key', row.key,
        'catalog', 'Installability', 'subject_vkey', row.vkey, 'observed_at', row.observed_at,
        'body', row.body)
    changed << true
}
"""
)

_LIST_ENVIRONMENTS = (
    "g.V().has('catalog', 'RuntimeEnvironment').has('env_key', gt(after_key))"
    ".order().by('env_key').limit(page_size).values('body')"
)

_INSTALLABILITY = (
    "g.V().has('Installability', 'subject_vkey', within(vkeys))"
    ".project('v', 'b').by('subject_vkey').by('body')"
)

_LIST_STACKS, _COUNT_STACKS = listing(
    "g.V().has('catalog', 'StackObservation')",
    {
        "env_filter": "environment_key",
        "outcome_filter": "outcome",
        "source_filter": "obs_source",
        "package_filter": "observed_package",
    },
    ("observed_at", "observation_key"),
    descending=True,
)


class JanusGraphObservations(JanusGraphFacet):
    """The observations facet."""

    async def register_environments(self, environments: Sequence[RuntimeEnvironment]) -> list[bool]:
        rows = [{"key": e.key, "body": json_text.environment_text(e)} for e in environments]
        return await write_rows(self.client, _REGISTER_ENVIRONMENTS, "env_rows", rows)

    async def environments(self, keys: Sequence[str]) -> list[RuntimeEnvironment | None]:
        found = await bodies(self.client, "RuntimeEnvironment", "env_key", keys)
        return json_text.in_order(found, keys, json_text.environment_from)

    async def list_environments(
        self, first: int, after: str | None = None
    ) -> list[RuntimeEnvironment]:
        if first <= 0:
            return []
        found = await self.client.submit(
            _LIST_ENVIRONMENTS, {"after_key": after or "", "page_size": first}
        )
        return [json_text.environment_from(body) for body in found]

    async def count_environments(self) -> int:
        return await count_catalog(self.client, "RuntimeEnvironment")

    async def record_stack_observations(
        self, observations: Sequence[StackObservation]
    ) -> list[bool]:
        rows = [
            {
                "key": o.key,
                "env_key": o.environment.key,
                "env_body": json_text.environment_text(o.environment),
                "outcome": o.outcome.value,
                "source": o.provenance.source.value,
                "observed_at": o.provenance.observed_at,
                "packages": list(dict.fromkeys(k.name for k in o.packages)),
                "body": json_text.stack_observation_text(o),
            }
            for o in observations
        ]
        return await write_rows(self.client, _RECORD_STACKS, "obs_rows", rows)

    async def stack_observations(self, keys: Sequence[str]) -> list[StackObservation | None]:
        found = await bodies(self.client, "StackObservation", "observation_key", keys)
        return json_text.in_order(found, keys, json_text.stack_observation_from)

    async def list_stack_observations(
        self, where: ObservationFilter, first: int, after: ObservationCursor | None = None
    ) -> list[StackObservation]:
        cursor = None if after is None else (after.observed_at, after.key)
        found = await page(self.client, _LIST_STACKS, _observation_bindings(where), first, cursor)
        return [json_text.stack_observation_from(body) for body in found]

    async def count_stack_observations(self, where: ObservationFilter) -> int:
        return await count(self.client, _COUNT_STACKS, _observation_bindings(where))

    async def record_installability(self, observations: Sequence[Installability]) -> list[bool]:
        rows = [
            {
                "key": o.key,
                "env_key": o.environment.key,
                "env_body": json_text.environment_text(o.environment),
                "vkey": version_identity(o.version),
                "observed_at": o.provenance.observed_at,
                "body": json_text.installability_text(o),
            }
            for o in observations
        ]
        return await write_rows(self.client, _RECORD_INSTALLABILITY, "obs_rows", rows)

    async def installability_of(self, versions: Sequence[VersionKey]) -> list[list[Installability]]:
        vkeys = list(dict.fromkeys(version_identity(v) for v in versions))
        found: dict[str, list[Installability]] = {}
        if vkeys:
            for item in await self.client.submit(_INSTALLABILITY, {"vkeys": vkeys}):
                found.setdefault(item["v"], []).append(json_text.installability_from(item["b"]))
        for observations in found.values():
            observations.sort(key=lambda o: (o.provenance.observed_at, o.key), reverse=True)
        return [list(found.get(version_identity(v), [])) for v in versions]


def _observation_bindings(where: ObservationFilter) -> dict[str, Any]:
    return {
        "env_filter": where.environment_key,
        "outcome_filter": None if where.outcome is None else where.outcome.value,
        "source_filter": None if where.source is None else where.source.value,
        "package_filter": where.package,
    }
