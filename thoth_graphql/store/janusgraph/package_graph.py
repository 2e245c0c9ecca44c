"""The package graph on JanusGraph: Package and PackageVersion vertices, DEPENDS_ON edges
and Document vertices, written in chunks of many releases per request and read with all
their keys in one request, projected to primitives, never elements."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from typing import Any

from thoth_graphql.domain import (
    AbsentPackage,
    Dependency,
    Package,
    PackageVersion,
    Release,
    VersionKey,
)
from thoth_graphql.domain.ordering import edge_order, newest_first
from thoth_graphql.store.janusgraph.absences import absences_by_name, record_absences
from thoth_graphql.store.janusgraph.client import JanusGraphClient, JanusGraphFacet
from thoth_graphql.store.janusgraph.elements import (
    dependency,
    edge_identity,
    package_version,
    tuple_text,
    version_identity,
    version_key,
)
from thoth_graphql.store.janusgraph.package_records import EMPTY_RECORD, RECORD_CLOSURES
from thoth_graphql.store.json_text import dependencies_text, files_text
from thoth_graphql.store.port import Dependent, DocumentRef, GraphCounts, WriteReport

# Releases per write request, and a cap on the edges they carry: a request of about 2 MB and
# one transaction well inside the evaluation timeout. Larger chunks ingest faster (measured:
# 100 -> 760, 500 -> 1740, 2000 -> 2490 releases/s on an in-memory server) but hold a
# transaction, and its locks, longer.
CHUNK_RELEASES = 1000
CHUNK_EDGES = 10000


def release_row(release: Release) -> dict[str, Any]:
    version = release.version
    vkey = version_identity(version.key)
    return {
        "vkey": vkey,
        "name": version.name,
        "version": version.version,
        "index_url": version.index_url,
        "requires_python": version.requires_python,
        "yanked": version.yanked,
        "upload_time": version.upload_time,
        "sha256": tuple_text(version.sha256),
        "files": files_text(version.files) if version.files else None,
        # The vertex's `deps`: its edges, once each, in the order reads answer them.
        "dependency_list": dependencies_text(edge_order(dict.fromkeys(release.dependencies))),
        "deps": [
            {
                "ekey": edge_identity(vkey, dep),
                "target": dep.name,
                "specifier": dep.specifier,
                "extras": tuple_text(dep.extras),
                "marker": dep.marker,
            }
            for dep in release.dependencies
        ],
    }


def document_row(document: DocumentRef) -> dict[str, Any]:
    env = document.environment
    return {
        "document_id": document.document_id,
        "analyzer": document.analyzer,
        "analyzer_version": document.analyzer_version,
        "datetime": document.datetime,
        "environment": None if env is None else json.dumps(asdict(env), sort_keys=True),
        "environment_key": None if env is None else env.key,
    }


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    edges = 0
    for row in rows:
        if chunk and (len(chunk) >= CHUNK_RELEASES or edges + len(row["deps"]) > CHUNK_EDGES):
            yield chunk
            chunk, edges = [], 0
        chunk.append(row)
        edges += len(row["deps"])
    yield chunk


# -- scripts ---------------------------------------------------------------------------

# Adds `created` ([packages, versions, dependencies, documents]) to the GraphMeta counts and
# bumps the generation; only called when something was created.
COUNT_CREATED = """
    def meta = g.V().has('GraphMeta', 'meta_key', 'graph').tryNext().orElseGet {
        g.getGraph().addVertex(T.label, 'GraphMeta', 'meta_key', 'graph', 'generation', 0L,
            'packages', 0L, 'versions', 0L, 'dependencies', 0L, 'documents', 0L)
    }
    if (!meta.property('generation').isPresent()) {
        // Another writer's commit is half visible (package_records.RECORD_CLOSURES `settled`).
        throw new IllegalStateException("concurrent write: ${meta} has no generation yet")
    }
    meta.property('generation', meta.value('generation') + 1L)
    ['packages', 'versions', 'dependencies', 'documents'].eachWithIndex { key, i ->
        meta.property(key, meta.value(key) + created[i])
    }
"""
# Upserts a chunk of releases, the packages they name, their edges and the document, in one
# transaction; answers [packages, versions, dependencies, documents] created, the number of
# versions already stored without files that got them (see records.files_text), then the ids
# of the documents it recorded. The local maps make repeats within a chunk (a package named
# by many edges) cost no second lookup. Each PackageVersion keeps its edges also as one
# `deps` text (records.dependencies_text) so a closure level reads vertices only: a new
# version gets its row's list; one that gains edges later, or was stored before `deps`
# existed, gets the list rebuilt from all its edges' identities. Then each package of the
# chunk's rows gets its `releases` record (package_records.py) updated with the versions
# created or changed, or rebuilt from its versions if it has none yet; a Package vertex is
# born with an empty record.
WRITE_CHUNK = (
    """
def graph = g.getGraph()
def slurper = new groovy.json.JsonSlurper()
"""
    + RECORD_CLOSURES
    + """
def restate = [] as LinkedHashSet
def touched = [:]
def created = [0L, 0L, 0L, 0L, 0L]
def packages = [:]
def packageVertex = { String name ->
    def vertex = packages[name]
    if (vertex == null) {
        def found = g.V().has('Package', 'name', name).tryNext()
        if (found.isPresent()) {
            vertex = settled(found.get(), 'name')
        } else {
            vertex = graph.addVertex(T.label, 'Package', 'name', name, 'releases', """
    + EMPTY_RECORD
    + """)
            created[0] += 1
        }
        packages[name] = vertex
    }
    vertex
}
def versions = [:]
for (row in rows) {
    def entry = versions[row.vkey]
    def fresh = false
    def changed = touched[row.name]
    if (changed == null) changed = touched[row.name] = [:]
    if (entry == null) {
        def found = g.V().has('PackageVersion', 'vkey', row.vkey).tryNext()
        if (found.isPresent()) {
            def vertex = settled(found.get(), 'vkey')
            entry = [vertex, g.V(vertex).outE('DEPENDS_ON').values('ekey').toSet()]
            if (!vertex.property('deps').isPresent()) restate << row.vkey
            // Files come from the first document that has them; known files stay.
            if (row.files != null && !vertex.property('files').isPresent()) {
                vertex.property('files', row.files)
                changed[row.vkey] = vertex
                created[4] += 1
            }
        } else {
            def vertex = graph.addVertex(T.label, 'PackageVersion', 'vkey', row.vkey,
                'name', row.name, 'version', row.version, 'index_url', row.index_url,
                'yanked', row.yanked, 'sha256', row.sha256, 'deps', row.dependency_list)
            if (row.requires_python != null) vertex.property('requires_python', row.requires_python)
            if (row.upload_time != null) vertex.property('upload_time', row.upload_time)
            if (row.files != null) vertex.property('files', row.files)
            packageVertex(row.name).addEdge('HAS_VERSION', vertex)
            changed[row.vkey] = vertex
            created[1] += 1
            entry = [vertex, [] as Set]
            fresh = true
        }
        versions[row.vkey] = entry
    }
    for (dep in row.deps) {
        if (!entry[1].add(dep.ekey)) continue
        // Only the row that created the vertex wrote all of its edges into `deps`.
        if (!fresh) restate << row.vkey
        def edge = entry[0].addEdge('DEPENDS_ON', packageVertex(dep.target), 'ekey', dep.ekey,
            'source', row.vkey, 'target', dep.target, 'specifier', dep.specifier,
            'extras', dep.extras)
        if (dep.marker != null) edge.property('marker', dep.marker)
        created[2] += 1
    }
}
// An edge identity is [vkey, name, specifier, extras, marker]; its tail is the `deps` row.
restate.each { vkey ->
    def entry = versions[vkey]
    def rows = entry[1].collect { slurper.parseText(it).drop(1) }
    entry[0].property('deps', groovy.json.JsonOutput.toJson(rows))
    touched[entry[0].value('name')][vkey] = entry[0]
}
touched.each { name, changed -> updateRecord(packageVertex(name), changed.values()) }
def written = []
docs.each { doc ->
    if (g.V().has('Document', 'document_id', doc.document_id).hasNext()) return
    def vertex = graph.addVertex(T.label, 'Document', 'document_id', doc.document_id,
        'analyzer', doc.analyzer, 'analyzer_version', doc.analyzer_version,
        'datetime', doc.datetime)
    if (doc.environment != null) {
        vertex.property('environment', doc.environment)
        vertex.property('environment_key', doc.environment_key)
    }
    created[3] += 1
    written << doc.document_id
}
if (created.sum() > 0) {
"""
    + COUNT_CREATED
    + """
}
created + written
"""
)


_KNOWN_DOCUMENTS = "g.V().has('Document', 'document_id', within(ids)).values('document_id')"

_PACKAGES = "g.V().has('Package', 'name', within(names)).values('name')"

_VERSIONS = "g.V().has('Package', 'name', within(names)).out('HAS_VERSION').valueMap().by(unfold())"

_DEPENDENCIES = "g.V().has('PackageVersion', 'vkey', within(vkeys)).outE('DEPENDS_ON').valueMap()"

_DEPENDENTS = "g.V().has('Package', 'name', within(names)).inE('DEPENDS_ON').valueMap()"

# No composite index can answer a prefix, so this walks the Package vertices on the server;
# a mixed (Lucene/Elasticsearch) index on name would make it an index query at scale.
_SEARCH = (
    "g.V().has('Package', 'name', TextP.startingWith(name_prefix)).values('name')"
    ".is(gt(after_name)).order().limit(page_size)"
)

_COUNTS = (
    "g.V().has('GraphMeta', 'meta_key', 'graph')"
    ".valueMap('packages', 'versions', 'dependencies', 'documents').by(unfold())"
)


_COUNT_PACKAGES = "g.V().has('Package', 'name', TextP.startingWith(name_prefix)).count()"


class JanusGraphPackageGraph(JanusGraphFacet):
    """The package graph facet but `load_closure` (closure.py)."""

    async def write_releases(
        self, releases: Sequence[Release], documents: Sequence[DocumentRef] = ()
    ) -> WriteReport:
        if not releases and not documents:
            return WriteReport()
        rows = [release_row(r) for r in releases]
        chunks = list(_chunks(rows)) or [[]]
        doc_rows = [document_row(d) for d in documents]
        report = WriteReport()
        async with self.client.writing:
            for number, chunk in enumerate(chunks, start=1):
                # Documents go with the last chunk: they are known only once all is stored.
                docs = doc_rows if number == len(chunks) else []
                answer = await self.client.submit_write(WRITE_CHUNK, {"rows": chunk, "docs": docs})
                packages, versions, dependencies, recorded, files = (int(n) for n in answer[:5])
                written = tuple(str(d) for d in answer[5:])
                report = report + WriteReport(
                    packages, versions, dependencies, recorded, files, written
                )
        return report

    async def record_absences(self, absences: Sequence[AbsentPackage]) -> list[bool]:
        return await record_absences(self.client, absences)

    async def absences_of(self, names: Sequence[str]) -> list[AbsentPackage | None]:
        found = await absences_by_name(self.client, names)
        return [found.get(n) for n in names]

    async def known_documents(self, document_ids: Sequence[str]) -> set[str]:
        ids = list(dict.fromkeys(document_ids))
        if not ids:
            return set()
        return {str(d) for d in await self.client.submit(_KNOWN_DOCUMENTS, {"ids": ids})}

    async def packages(self, names: Sequence[str]) -> list[Package | None]:
        wanted = list(dict.fromkeys(names))
        found = set(await self.client.submit(_PACKAGES, {"names": wanted})) if wanted else set()
        return [Package(n) if n in found else None for n in names]

    async def versions_of(self, names: Sequence[str]) -> list[list[PackageVersion]]:
        wanted = list(dict.fromkeys(names))
        by_name: dict[str, list[PackageVersion]] = {}
        if wanted:
            for props in await self.client.submit(_VERSIONS, {"names": wanted}):
                version = package_version(props)
                by_name.setdefault(version.name, []).append(version)
        return [newest_first(by_name.get(n, [])) for n in names]

    async def dependencies_of(self, versions: Sequence[VersionKey]) -> list[list[Dependency]]:
        wanted = list(dict.fromkeys(versions))
        by_vkey: dict[str, list[Dependency]] = {}
        if wanted:
            vkeys = [version_identity(k) for k in wanted]
            for props in await self.client.submit(_DEPENDENCIES, {"vkeys": vkeys}):
                by_vkey.setdefault(props["source"], []).append(dependency(props))
        return [edge_order(by_vkey.get(version_identity(k), [])) for k in versions]

    async def dependents_of(self, names: Sequence[str]) -> list[list[Dependent]]:
        wanted = list(dict.fromkeys(names))
        by_target: dict[str, list[Dependent]] = {}
        if wanted:
            for props in await self.client.submit(_DEPENDENTS, {"names": wanted}):
                dependent = Dependent(version_key(props["source"]), dependency(props))
                by_target.setdefault(props["target"], []).append(dependent)
        # The server answers in storage order; sort so every call answers alike.
        return [sorted(by_target.get(n, []), key=_dependent_order) for n in names]

    async def search_packages(
        self, prefix: str, first: int, after: str | None = None
    ) -> list[Package]:
        if first <= 0:
            return []
        names = await self.client.submit(
            _SEARCH, {"name_prefix": prefix, "after_name": after or "", "page_size": first}
        )
        return [Package(n) for n in names]

    async def counts(self) -> GraphCounts:
        """The counts kept on the GraphMeta vertex by every write, not a scan."""
        found = await self.client.submit(_COUNTS)
        meta: dict[str, int] = found[0] if found else {}
        return GraphCounts(
            int(meta.get("packages", 0)),
            int(meta.get("versions", 0)),
            int(meta.get("dependencies", 0)),
            int(meta.get("documents", 0)),
        )

    async def count_packages(self, prefix: str = "") -> int:
        if not prefix:
            return (await self.counts()).packages
        return await _count_packages(self.client, prefix)


def _dependent_order(dependent: Dependent) -> tuple[Any, ...]:
    dep = dependent.dependency
    return (dependent.version, dep.marker or "", dep.specifier, dep.extras)


async def _count_packages(client: JanusGraphClient, prefix: str) -> int:
    [found] = await client.submit(_COUNT_PACKAGES, {"name_prefix": prefix})
    return int(found)
