"""Loading closures from JanusGraph: every version of a level's packages read from its
vertex alone, and the absences from the index of the level's names (absences.py), in one
request per level."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence

from thoth_graphql.domain import AbsentPackage, Dependency, PackageVersion
from thoth_graphql.domain.ordering import edge_order, newest_first
from thoth_graphql.store.closure import Level, walk_closure
from thoth_graphql.store.janusgraph.absences import READ_BODIES, absence_from
from thoth_graphql.store.janusgraph.client import JanusGraphFacet
from thoth_graphql.store.janusgraph.elements import package_version
from thoth_graphql.store.json_text import dependencies_from
from thoth_graphql.store.port import Closure, StoredRelease

# One closure level: every version of these packages, read from its vertex alone, as two
# JSON texts: its properties and its `deps`. Texts cost the client far less to deserialize
# than maps of values (gremlinpython decodes in Python). A version written before `deps`
# existed has its list built from its edges, in the same shape, until a write restates it.
# Then the JSON body of each of these names' AbsentPackage records, a text alone (releases
# win over an absence: the walk sees to it).
_LEVEL = (
    """
def slurper = new groovy.json.JsonSlurper()
def rows = g.V().has('Package', 'name', within(names)).out('HAS_VERSION').map { step ->
    def vertex = step.get()
    def props = [:]
    vertex.properties().each { if (it.key() != 'deps') props[it.key()] = it.value() }
    def deps = vertex.property('deps')
    [groovy.json.JsonOutput.toJson(props), deps.isPresent() ? deps.value() :
        groovy.json.JsonOutput.toJson(vertex.edges(Direction.OUT, 'DEPENDS_ON').collect { e ->
            [e.value('target'), e.value('specifier'), slurper.parseText(e.value('extras')),
             e.property('marker').orElse(null)]
        })]
}.toList()
rows.addAll("""
    + READ_BODIES
    + """.toList())
rows
"""
)


class JanusGraphClosures(JanusGraphFacet):
    """`load_closure` of the package graph facet."""

    async def load_closure(
        self, roots: Sequence[str], extras: Mapping[str, Collection[str]] | None = None
    ) -> Closure:
        return await walk_closure(roots, self._level, extras)

    async def _level(self, names: list[str]) -> Level:
        found: dict[str, list[tuple[PackageVersion, tuple[Dependency, ...]]]] = {}
        absent: dict[str, AbsentPackage] = {}
        # Most versions of a package declare the same list: parse and order each text once
        # (measured: the parse was the larger half of the client's time on the cheroot case).
        parsed: dict[str, tuple[Dependency, ...]] = {}
        for row in await self.client.submit(_LEVEL, {"names": names}):
            if isinstance(row, str):
                absence = absence_from(row)
                absent[absence.name] = absence
                continue
            props, text = row
            version = package_version(json.loads(props))
            deps = parsed.get(text)
            if deps is None:
                deps = parsed[text] = tuple(edge_order(dependencies_from(text)))
            found.setdefault(version.name, []).append((version, deps))
        releases: dict[str, list[StoredRelease]] = {}
        for name, pairs in found.items():
            deps_of = {version.key: deps for version, deps in pairs}
            releases[name] = [
                StoredRelease(v, deps_of[v.key]) for v in newest_first(v for v, _ in pairs)
            ]
        return Level(releases, absent)
