"""The JanusGraph store: the knowledge graph on a JanusGraph Server, over gremlinpython.

Every request is a parameterized Gremlin-Groovy script (its text is constant, so the server
compiles it once; values travel as bindings). Each script runs in one server transaction.
Writes go in chunks of many releases per request; reads take all their keys in one request
and project to primitives, never elements. gremlinpython's client is synchronous, so every
call runs on the store's own worker threads and the event loop never blocks.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from importlib import resources
from typing import Any

from gremlin_python.driver.client import Client
from gremlin_python.driver.protocol import GremlinServerError
from janusgraph_python.driver.serializer import JanusGraphBinarySerializersV1

from thoth_graphql.domain import (
    Advisory,
    Analysis,
    AnalysisStatus,
    ApiToken,
    Dependency,
    Installability,
    Package,
    PackageVersion,
    Release,
    RuntimeEnvironment,
    StackObservation,
    VersionKey,
)
from thoth_graphql.domain.ordering import edge_order, newest_first
from thoth_graphql.store import janusgraph_records as rec
from thoth_graphql.store.port import (
    AdvisoryKey,
    AnalysisCursor,
    AnalysisFilter,
    Closure,
    Dependent,
    DocumentRef,
    Generations,
    GraphCounts,
    ObservationCursor,
    ObservationFilter,
    StoredRelease,
    WriteReport,
    walk_closure,
)
from thoth_graphql.store.records import (
    dependencies_from,
    dependencies_text,
    files_from,
    files_text,
)

# Releases per write request, and a cap on the edges they carry: a request of about 2 MB and
# one transaction well inside the evaluation timeout. Larger chunks ingest faster (measured:
# 100 -> 760, 500 -> 1740, 2000 -> 2490 releases/s on an in-memory server) but hold a
# transaction, and its locks, longer.
CHUNK_RELEASES = 1000
CHUNK_EDGES = 10000

# Both ends must accept the largest message; the server is configured for 64 MiB.
MAX_CONTENT_LENGTH = 64 * 1024 * 1024
POOL_SIZE = 4
READ_TIMEOUT_MS = 120_000
WRITE_TIMEOUT_MS = 600_000

# Two writers creating the same element, or adding to the GraphMeta counters, conflict at
# commit (LOCK consistency in the schema). Chunks are idempotent, so the loser just retries.
_CONFLICTS = ("PermanentLockingException", "TemporaryLockingException", "uniqueness constraint")
_WRITE_ATTEMPTS = 6


def _schema_script() -> str:
    return (
        resources.files("thoth_graphql")
        .joinpath("schemas/janusgraph-schema.groovy")
        .read_text(encoding="utf-8")
    )


# -- identities and encodings ----------------------------------------------------------


def version_identity(key: VersionKey) -> str:
    """The `vkey` property: unambiguous whatever characters the parts hold."""
    return json.dumps([key.name, key.version, key.index_url], separators=(",", ":"))


def _version_key(vkey: str) -> VersionKey:
    name, version, index_url = json.loads(vkey)
    return VersionKey(name, version, index_url)


def edge_identity(vkey: str, dependency: Dependency) -> str:
    """The `ekey` property: the edge's identity per the port, marker None kept apart from ''."""
    return json.dumps(
        [vkey, dependency.name, dependency.specifier, list(dependency.extras), dependency.marker],
        separators=(",", ":"),
    )


def _tuple_text(values: tuple[str, ...]) -> str:
    return json.dumps(list(values), separators=(",", ":"))


def _text_tuple(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


def _release_row(release: Release) -> dict[str, Any]:
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
        "sha256": _tuple_text(version.sha256),
        "files": files_text(version.files) if version.files else None,
        # The vertex's `deps`: its edges, once each, in the order reads answer them.
        "dependency_list": dependencies_text(edge_order(dict.fromkeys(release.dependencies))),
        "deps": [
            {
                "ekey": edge_identity(vkey, dep),
                "target": dep.name,
                "specifier": dep.specifier,
                "extras": _tuple_text(dep.extras),
                "marker": dep.marker,
            }
            for dep in release.dependencies
        ],
    }


def _document_row(document: DocumentRef) -> dict[str, Any]:
    env = document.environment
    return {
        "document_id": document.document_id,
        "analyzer": document.analyzer,
        "analyzer_version": document.analyzer_version,
        "datetime": document.datetime,
        "environment": None if env is None else json.dumps(asdict(env), sort_keys=True),
        "environment_key": None if env is None else env.key,
    }


def _package_version(props: dict[str, Any]) -> PackageVersion:
    return PackageVersion(
        name=props["name"],
        version=props["version"],
        index_url=props["index_url"],
        requires_python=props.get("requires_python"),
        yanked=bool(props["yanked"]),
        upload_time=props.get("upload_time"),
        sha256=_text_tuple(props["sha256"]),
        files=files_from(props.get("files")),
    )


def _dependency(props: dict[str, Any]) -> Dependency:
    return Dependency(
        name=props["target"],
        specifier=props["specifier"],
        extras=_text_tuple(props["extras"]),
        marker=props.get("marker"),
    )


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
_COUNT_CREATED = """
    def meta = g.V().has('GraphMeta', 'meta_key', 'graph').tryNext().orElseGet {
        g.getGraph().addVertex(T.label, 'GraphMeta', 'meta_key', 'graph', 'generation', 0L,
            'packages', 0L, 'versions', 0L, 'dependencies', 0L, 'documents', 0L)
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
# existed, gets the list rebuilt from all its edges' identities.
_WRITE_CHUNK = (
    """
def graph = g.getGraph()
def slurper = new groovy.json.JsonSlurper()
def restate = [] as LinkedHashSet
def created = [0L, 0L, 0L, 0L, 0L]
def packages = [:]
def packageVertex = { String name ->
    def vertex = packages[name]
    if (vertex == null) {
        def found = g.V().has('Package', 'name', name).tryNext()
        if (found.isPresent()) {
            vertex = found.get()
        } else {
            vertex = graph.addVertex(T.label, 'Package', 'name', name)
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
    if (entry == null) {
        def found = g.V().has('PackageVersion', 'vkey', row.vkey).tryNext()
        if (found.isPresent()) {
            def vertex = found.get()
            entry = [vertex, g.V(vertex).outE('DEPENDS_ON').values('ekey').toSet()]
            if (!vertex.property('deps').isPresent()) restate << row.vkey
            // Files come from the first document that has them; known files stay.
            if (row.files != null && !vertex.property('files').isPresent()) {
                vertex.property('files', row.files)
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
}
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
    + _COUNT_CREATED
    + """
}
created + written
"""
)


_GENERATION = "g.V().has('GraphMeta', 'meta_key', 'graph').values('generation')"

_GENERATIONS = (
    "g.V().has('GraphMeta', 'meta_key', within('graph', 'queue'))"
    ".project('k', 'g').by('meta_key').by('generation')"
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

# One closure level: every version of these packages, read from its vertex alone, as two
# JSON texts: its properties and its `deps`. Texts cost the client far less to deserialize
# than maps of values (gremlinpython decodes in Python). A version written before `deps`
# existed has its list built from its edges, in the same shape, until a write restates it.
_RELEASES = """
def slurper = new groovy.json.JsonSlurper()
g.V().has('Package', 'name', within(names)).out('HAS_VERSION').map { step ->
    def vertex = step.get()
    def props = [:]
    vertex.properties().each { if (it.key() != 'deps') props[it.key()] = it.value() }
    def deps = vertex.property('deps')
    [groovy.json.JsonOutput.toJson(props), deps.isPresent() ? deps.value() :
        groovy.json.JsonOutput.toJson(vertex.edges(Direction.OUT, 'DEPENDS_ON').collect { e ->
            [e.value('target'), e.value('specifier'), slurper.parseText(e.value('extras')),
             e.property('marker').orElse(null)]
        })]
}
"""

_COUNTS = (
    "g.V().has('GraphMeta', 'meta_key', 'graph')"
    ".valueMap('packages', 'versions', 'dependencies', 'documents').by(unfold())"
)


class JanusGraphStore:
    """GraphStore on a JanusGraph Server; `JanusGraphStore("ws://127.0.0.1:8182/gremlin")`."""

    def __init__(self, url: str, traversal_source: str = "g") -> None:
        self.url = url
        self.traversal_source = traversal_source
        self.round_trips = 0
        self._executor = ThreadPoolExecutor(max_workers=POOL_SIZE, thread_name_prefix="janus")
        self._client: Client | None = None
        # Writes from one store go one at a time; conflicts then only come from other stores.
        self._write_lock = asyncio.Lock()

    # -- plumbing ----------------------------------------------------------------------

    async def _in_thread(self, work: Callable[[], Any]) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, work)

    async def _submit(
        self, script: str, bindings: dict[str, Any] | None = None, timeout_ms: int = READ_TIMEOUT_MS
    ) -> list[Any]:
        """Send one script, answer its results; one round trip."""
        client = self._client
        if client is None:
            raise RuntimeError("the store is not open")
        self.round_trips += 1

        def call() -> list[Any]:
            result_set = client.submit(
                script, bindings, request_options={"evaluationTimeout": timeout_ms}
            )
            return list(result_set.all().result())

        result: list[Any] = await self._in_thread(call)
        return result

    async def _submit_write(self, script: str, bindings: dict[str, Any]) -> list[Any]:
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            try:
                return await self._submit(script, bindings, WRITE_TIMEOUT_MS)
            except GremlinServerError as error:
                if attempt == _WRITE_ATTEMPTS or not _is_conflict(error):
                    raise
                # Jitter keeps the losers of one race from colliding again in lockstep.
                await asyncio.sleep(random.uniform(0.02, 0.05) * 2**attempt)  # noqa: S311
        raise AssertionError("unreachable")

    async def _write(self, script: str, bindings: dict[str, Any]) -> list[Any]:
        """One write script, after this store's other writes, retried on conflicts."""
        async with self._write_lock:
            return await self._submit_write(script, bindings)

    async def open(self) -> None:
        def connect() -> Client:
            # Built on a worker thread: gremlinpython runs its own event loop while connecting.
            return Client(
                self.url,
                self.traversal_source,
                pool_size=POOL_SIZE,
                message_serializer=JanusGraphBinarySerializersV1(),
                max_content_length=MAX_CONTENT_LENGTH,
            )

        self._client = await self._in_thread(connect)
        # Two stores opening at once may both try to create the schema; the loser retries
        # and then finds it complete.
        await self._submit_write(_schema_script(), {})

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await self._in_thread(client.close)
        self._executor.shutdown(wait=True)

    # -- writes ------------------------------------------------------------------------

    async def write_releases(
        self, releases: Sequence[Release], documents: Sequence[DocumentRef] = ()
    ) -> WriteReport:
        if not releases and not documents:
            return WriteReport()
        rows = [_release_row(r) for r in releases]
        chunks = list(_chunks(rows)) or [[]]
        doc_rows = [_document_row(d) for d in documents]
        report = WriteReport()
        async with self._write_lock:
            for number, chunk in enumerate(chunks, start=1):
                # Documents go with the last chunk: they are known only once all is stored.
                docs = doc_rows if number == len(chunks) else []
                answer = await self._submit_write(_WRITE_CHUNK, {"rows": chunk, "docs": docs})
                packages, versions, dependencies, recorded, files = (int(n) for n in answer[:5])
                written = tuple(str(d) for d in answer[5:])
                report = report + WriteReport(
                    packages, versions, dependencies, recorded, files, written
                )
        return report

    # -- reads -------------------------------------------------------------------------

    async def generation(self) -> int:
        found = await self._submit(_GENERATION)
        return int(found[0]) if found else 0

    async def generations(self) -> Generations:
        found = {row["k"]: int(row["g"]) for row in await self._submit(_GENERATIONS)}
        return Generations(knowledge=found.get("graph", 0), queue=found.get("queue", 0))

    async def known_documents(self, document_ids: Sequence[str]) -> set[str]:
        ids = list(dict.fromkeys(document_ids))
        if not ids:
            return set()
        return {str(d) for d in await self._submit(_KNOWN_DOCUMENTS, {"ids": ids})}

    async def packages(self, names: Sequence[str]) -> list[Package | None]:
        wanted = list(dict.fromkeys(names))
        found = set(await self._submit(_PACKAGES, {"names": wanted})) if wanted else set()
        return [Package(n) if n in found else None for n in names]

    async def versions_of(self, names: Sequence[str]) -> list[list[PackageVersion]]:
        wanted = list(dict.fromkeys(names))
        by_name: dict[str, list[PackageVersion]] = {}
        if wanted:
            for props in await self._submit(_VERSIONS, {"names": wanted}):
                version = _package_version(props)
                by_name.setdefault(version.name, []).append(version)
        return [newest_first(by_name.get(n, [])) for n in names]

    async def dependencies_of(self, versions: Sequence[VersionKey]) -> list[list[Dependency]]:
        wanted = list(dict.fromkeys(versions))
        by_vkey: dict[str, list[Dependency]] = {}
        if wanted:
            vkeys = [version_identity(k) for k in wanted]
            for props in await self._submit(_DEPENDENCIES, {"vkeys": vkeys}):
                by_vkey.setdefault(props["source"], []).append(_dependency(props))
        return [edge_order(by_vkey.get(version_identity(k), [])) for k in versions]

    async def dependents_of(self, names: Sequence[str]) -> list[list[Dependent]]:
        wanted = list(dict.fromkeys(names))
        by_target: dict[str, list[Dependent]] = {}
        if wanted:
            for props in await self._submit(_DEPENDENTS, {"names": wanted}):
                dependent = Dependent(_version_key(props["source"]), _dependency(props))
                by_target.setdefault(props["target"], []).append(dependent)
        # The server answers in storage order; sort so every call answers alike.
        return [sorted(by_target.get(n, []), key=_dependent_order) for n in names]

    async def search_packages(
        self, prefix: str, first: int, after: str | None = None
    ) -> list[Package]:
        if first <= 0:
            return []
        names = await self._submit(
            _SEARCH, {"name_prefix": prefix, "after_name": after or "", "page_size": first}
        )
        return [Package(n) for n in names]

    async def load_closure(
        self, roots: Sequence[str], extras: Mapping[str, Collection[str]] | None = None
    ) -> Closure:
        return await walk_closure(roots, self._releases_by_name, extras)

    async def _releases_by_name(self, names: list[str]) -> dict[str, list[StoredRelease]]:
        found: dict[str, list[tuple[PackageVersion, tuple[Dependency, ...]]]] = {}
        # Most versions of a package declare the same list: parse and order each text once
        # (measured: the parse was the larger half of the client's time on the cheroot case).
        parsed: dict[str, tuple[Dependency, ...]] = {}
        for props, text in await self._submit(_RELEASES, {"names": names}):
            version = _package_version(json.loads(props))
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
        return releases

    async def counts(self) -> GraphCounts:
        """The counts kept on the GraphMeta vertex by every write, not a scan."""
        found = await self._submit(_COUNTS)
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
        return await rec.count_packages(self, prefix)

    # -- runtime environments ----------------------------------------------------------

    async def register_environments(self, environments: Sequence[RuntimeEnvironment]) -> list[bool]:
        return await rec.register_environments(self, environments)

    async def environments(self, keys: Sequence[str]) -> list[RuntimeEnvironment | None]:
        return await rec.environments(self, keys)

    async def list_environments(
        self, first: int, after: str | None = None
    ) -> list[RuntimeEnvironment]:
        return await rec.list_environments(self, first, after)

    async def count_environments(self) -> int:
        return await rec.count_catalog(self, "RuntimeEnvironment")

    # -- stack observations ------------------------------------------------------------

    async def record_stack_observations(
        self, observations: Sequence[StackObservation]
    ) -> list[bool]:
        return await rec.record_stack_observations(self, observations)

    async def stack_observations(self, keys: Sequence[str]) -> list[StackObservation | None]:
        return await rec.stack_observations(self, keys)

    async def list_stack_observations(
        self, where: ObservationFilter, first: int, after: ObservationCursor | None = None
    ) -> list[StackObservation]:
        return await rec.list_stack_observations(self, where, first, after)

    async def count_stack_observations(self, where: ObservationFilter) -> int:
        return await rec.count_stack_observations(self, where)

    # -- installability ----------------------------------------------------------------

    async def record_installability(self, observations: Sequence[Installability]) -> list[bool]:
        return await rec.record_installability(self, observations)

    async def installability_of(self, versions: Sequence[VersionKey]) -> list[list[Installability]]:
        return await rec.installability_of(self, versions)

    # -- advisories --------------------------------------------------------------------

    async def write_advisories(self, advisories: Sequence[Advisory]) -> list[bool]:
        return await rec.write_advisories(self, advisories)

    async def advisories(self, keys: Sequence[AdvisoryKey]) -> list[Advisory | None]:
        return await rec.advisories(self, keys)

    async def advisories_of(self, names: Sequence[str]) -> list[list[Advisory]]:
        return await rec.advisories_of(self, names)

    async def list_advisories(
        self, package: str | None, first: int, after: AdvisoryKey | None = None
    ) -> list[Advisory]:
        return await rec.list_advisories(self, package, first, after)

    async def count_advisories(self, package: str | None = None) -> int:
        return await rec.count_advisories(self, package)

    # -- analyses ----------------------------------------------------------------------

    async def create_analyses(self, analyses: Sequence[Analysis]) -> list[bool]:
        return await rec.create_analyses(self, analyses)

    async def analyses(self, ids: Sequence[str]) -> list[Analysis | None]:
        return await rec.analyses(self, ids)

    async def update_analysis(
        self, analysis: Analysis, expected: AnalysisStatus | None = None
    ) -> bool:
        return await rec.update_analysis(self, analysis, expected)

    async def list_analyses(
        self, where: AnalysisFilter, first: int, after: AnalysisCursor | None = None
    ) -> list[Analysis]:
        return await rec.list_analyses(self, where, first, after)

    async def count_analyses(self, where: AnalysisFilter) -> int:
        return await rec.count_analyses(self, where)

    # -- API tokens --------------------------------------------------------------------

    async def add_token(self, token: ApiToken) -> bool:
        return await rec.add_token(self, token)

    async def token_by_hash(self, token_hash: str) -> ApiToken | None:
        return await rec.token_by_hash(self, token_hash)

    async def revoke_token(self, token_hash: str) -> bool:
        return await rec.revoke_token(self, token_hash)

    async def list_tokens(self) -> list[ApiToken]:
        return await rec.list_tokens(self)


def _dependent_order(dependent: Dependent) -> tuple[Any, ...]:
    dep = dependent.dependency
    return (dependent.version, dep.marker or "", dep.specifier, dep.extras)


def _is_conflict(error: GremlinServerError) -> bool:
    attributes = error.status_attributes or {}
    text = f"{attributes.get('exceptions', '')} {attributes.get('stackTrace', '')[:1000]}"
    return any(conflict in text for conflict in _CONFLICTS)


# -- the naive baseline ------------------------------------------------------------------

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

_NAIVE_COUNT_CREATED = _COUNT_CREATED + "0L"


async def write_releases_naively(
    store: JanusGraphStore, releases: Sequence[Release], documents: Sequence[DocumentRef] = ()
) -> WriteReport:
    """Write like `store.write_releases`, but one request per vertex and per edge."""

    async def one(script: str, bindings: dict[str, Any]) -> int:
        [created] = await store._submit_write(script, bindings)
        return int(created)

    packages = versions = dependencies = 0
    for row in (_release_row(r) for r in releases):
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
        await one(_NAIVE_COUNT_CREATED, {"created": created})
    for document in documents:
        # Documents and their counts go through the batched script, as in write_releases.
        answer = await store._submit_write(
            _WRITE_CHUNK, {"rows": [], "docs": [_document_row(document)]}
        )
        written = tuple(str(d) for d in answer[5:])
        report = report + WriteReport(documents_created=int(answer[3]), documents_written=written)
    return report
