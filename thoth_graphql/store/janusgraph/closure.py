"""Loading closures from JanusGraph: the `releases` record of each of a level's packages
(package_records.py), and the absences from the index of the level's names (absences.py),
in one request per level."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from thoth_graphql.domain import AbsentPackage
from thoth_graphql.store.closure import Level, walk_closure
from thoth_graphql.store.janusgraph.absences import READ_BODIES, absence_from
from thoth_graphql.store.janusgraph.client import JanusGraphFacet
from thoth_graphql.store.janusgraph.package_records import ReleaseReader
from thoth_graphql.store.port import Closure

# One closure level, as three lists: the `releases` record of each of these packages that
# has one (one text per package: texts cost the client far less to deserialize than maps
# of values, gremlinpython decodes in Python); for a package without one (written before
# records existed), each of its versions read from its vertex as two JSON texts, its
# properties and its `deps` (built from its edges, in the same shape, for a version written
# before `deps` existed); then the JSON body of each of these names' AbsentPackage records
# (releases win over an absence: the walk sees to it).
LEVEL = (
    """
def records = []
def older = []
for (vertex in g.V().has('Package', 'name', within(names)).toList()) {
    def record = vertex.property('releases')
    if (record.isPresent()) records << record.value() else older << vertex
}
def rows = []
if (!older.isEmpty()) {
    def slurper = new groovy.json.JsonSlurper()
    rows = g.V(older.toArray()).out('HAS_VERSION').map { step ->
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
}
[records, rows, """
    + READ_BODIES
    + """.toList()]
"""
)


class JanusGraphClosures(JanusGraphFacet):
    """`load_closure` of the package graph facet."""

    async def load_closure(
        self, roots: Sequence[str], extras: Mapping[str, Collection[str]] | None = None
    ) -> Closure:
        reader = ReleaseReader()

        async def level(names: list[str]) -> Level:
            records, rows, bodies = await self.client.submit(LEVEL, {"names": names})
            absent: dict[str, AbsentPackage] = {}
            for body in bodies:
                absence = absence_from(body)
                absent[absence.name] = absence
            return Level(reader.level(records, rows), absent)

        return await walk_closure(roots, level, extras)
