"""A JanusGraph writer that sends one request per vertex and per edge, as a client that
upserts element by element would: the baseline that shows what the store's batching saves
(bench/ingest.py, tests/store/janusgraph/test_store.py). Not part of the store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from thoth_graphql.domain import Release
from thoth_graphql.store.janusgraph import JanusGraphStore
from thoth_graphql.store.janusgraph.package_graph import (
    COUNT_CREATED,
    WRITE_CHUNK,
    document_row,
    release_row,
)
from thoth_graphql.store.port import DocumentRef, WriteReport

# One request per element, as a client that upserts vertex by vertex and edge by edge
# would send them. Kept only so benchmarks can show what batching saves.
_NAIVE_PACKAGE = """
if (g.V().has('Package', 'name', name).hasNext()) return 0L
g.getGraph().addVertex(T.label, 'Package', 'name', name)
1L
"""

_NAIVE_VERSION = """
if (g.V().has('PackageVersion', 'vkey', row.vkey).hasNext()) return 0L
def vertex = g.getGraph().addVertex(T.label, 'PackageVersion', 'vkey', row.vkey,
    'name', row.name, 'version', row.version, 'index_url', row.index_url,
    'yanked', row.yanked, 'sha256', row.sha256, 'deps', row.dependency_list)
if (row.requires_python != null) vertex.property('requires_python', row.requires_python)
if (row.upload_time != null) vertex.property('upload_time', row.upload_time)
if (row.files != null) vertex.property('files', row.files)
1L
"""

_NAIVE_HAS_VERSION = """
def vertex = g.V().has('PackageVersion', 'vkey', vkey).next()
if (g.V(vertex).inE('HAS_VERSION').hasNext()) return 0L
g.V().has('Package', 'name', name).next().addEdge('HAS_VERSION', vertex)
0L
"""

_NAIVE_DEPENDS_ON = """
def vertex = g.V().has('PackageVersion', 'vkey', vkey).next()
if (g.V(vertex).outE('DEPENDS_ON').has('ekey', dep.ekey).hasNext()) return 0L
def edge = vertex.addEdge('DEPENDS_ON', g.V().has('Package', 'name', dep.target).next(),
    'ekey', dep.ekey, 'source', vkey, 'target', dep.target, 'specifier', dep.specifier,
    'extras', dep.extras)
if (dep.marker != null) edge.property('marker', dep.marker)
1L
"""

_NAIVECOUNT_CREATED = COUNT_CREATED + "0L"


async def write_releases_naively(
    store: JanusGraphStore, releases: Sequence[Release], documents: Sequence[DocumentRef] = ()
) -> WriteReport:
    """Write like `store.write_releases`, but one request per vertex and per edge."""

    async def one(script: str, bindings: dict[str, Any]) -> int:
        [created] = await store.client.submit_write(script, bindings)
        return int(created)

    packages = versions = dependencies = 0
    for row in (release_row(r) for r in releases):
        packages += await one(_NAIVE_PACKAGE, {"name": row["name"]})
        vertex = {k: v for k, v in row.items() if k != "deps"}
        versions += await one(_NAIVE_VERSION, {"row": vertex})
        await one(_NAIVE_HAS_VERSION, {"vkey": row["vkey"], "name": row["name"]})
        for dep in row["deps"]:
            packages += await one(_NAIVE_PACKAGE, {"name": dep["target"]})
            dependencies += await one(_NAIVE_DEPENDS_ON, {"vkey": row["vkey"], "dep": dep})
    report = WriteReport(packages, versions, dependencies)
    if report.changed:
        created = [packages, versions, dependencies, 0]
        await one(_NAIVECOUNT_CREATED, {"created": created})
    for document in documents:
        # Documents and their counts go through the batched script, as in write_releases.
        answer = await store.client.submit_write(
            WRITE_CHUNK, {"rows": [], "docs": [document_row(document)]}
        )
        written = tuple(str(d) for d in answer[5:])
        report = report + WriteReport(documents_created=int(answer[3]), documents_written=written)
    return report
