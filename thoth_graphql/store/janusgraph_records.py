"""Gremlin scripts for what the graph records beside packages: environments, observations,
advisories, analyses and API tokens, and the calls of the JanusGraph store that send them.

Each record is one vertex holding its JSON (store/records.py) in `body`, with the properties
it is found by; `catalog` names its kind, so a whole kind is listed through an index.
Binding names avoid Gremlin's step names (`first`, `limit`, ...), which a script would see
instead of the binding.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from thoth_graphql.domain import (
    Advisory,
    Analysis,
    AnalysisStatus,
    ApiToken,
    Installability,
    RuntimeEnvironment,
    StackObservation,
    TokenScope,
    VersionKey,
)
from thoth_graphql.store import records
from thoth_graphql.store.port import (
    AdvisoryKey,
    AnalysisCursor,
    AnalysisFilter,
    ObservationCursor,
    ObservationFilter,
)


class Gremlin(Protocol):
    """What these calls need of the store: reads, and writes one at a time with retries."""

    async def _submit(
        self, script: str, bindings: dict[str, Any] | None = None, timeout_ms: int = ...
    ) -> list[Any]: ...

    async def _write(self, script: str, bindings: dict[str, Any]) -> list[Any]: ...


def version_identity(key: VersionKey) -> str:
    """The `vkey` of a version (as in janusgraph.py)."""
    return json.dumps([key.name, key.version, key.index_url], separators=(",", ":"))


def advisory_identity(key: AdvisoryKey) -> str:
    return json.dumps([key.id, key.package], separators=(",", ":"))


# -- script parts ------------------------------------------------------------------------

# Bumps the generation on the GraphMeta vertex (LOCKed: concurrent writers conflict at commit
# and retry, which also serialises compare-and-set updates of analyses).
_BUMP = """
def meta = g.V().has('GraphMeta', 'meta_key', 'graph').tryNext().orElseGet {
    g.getGraph().addVertex(T.label, 'GraphMeta', 'meta_key', 'graph', 'generation', 0L,
        'packages', 0L, 'versions', 0L, 'dependencies', 0L, 'documents', 0L)
}
meta.property('generation', meta.value('generation') + 1L)
"""

# Bumps the queue generation (analyses, API tokens) on a GraphMeta vertex of its own, made
# on the first such write (a graph from before has none: its queue generation reads 0). The
# knowledge generation, and the caches keyed by it, stay where they are.
_BUMP_QUEUE = """
def queueMeta = g.V().has('GraphMeta', 'meta_key', 'queue').tryNext().orElseGet {
    g.getGraph().addVertex(T.label, 'GraphMeta', 'meta_key', 'queue', 'generation', 0L)
}
queueMeta.property('generation', queueMeta.value('generation') + 1L)
"""

# Finds or creates a RuntimeEnvironment vertex; answers whether it created one.
_ENVIRONMENT = """
def graph = g.getGraph()
def environments = [:]
def ensureEnvironment = { String envKey, String envBody ->
    if (environments.containsKey(envKey)) return false
    environments[envKey] = true
    if (g.V().has('RuntimeEnvironment', 'env_key', envKey).hasNext()) return false
    graph.addVertex(T.label, 'RuntimeEnvironment', 'env_key', envKey, 'body', envBody,
        'catalog', 'RuntimeEnvironment')
    true
}
"""


def _answer_changed(body: str, bump: str = _BUMP) -> str:
    """A write script: `body` fills the list `changed`; the generation moves if any is true."""
    return (
        _ENVIRONMENT
        + "def changed = []\n"
        + body
        + "\nif (changed.contains(true)) {\n"
        + bump
        + "\n}\nchanged\n"
    )


_REGISTER_ENVIRONMENTS = _answer_changed(
    "for (row in env_rows) { changed << ensureEnvironment(row.key, row.body) }"
)

_RECORD_STACKS = _answer_changed(
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

_RECORD_INSTALLABILITY = _answer_changed(
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

_WRITE_ADVISORIES = _answer_changed(
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

_CREATE_ANALYSES = _answer_changed(
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
    _BUMP_QUEUE,
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
    + _BUMP_QUEUE
    + "\n[true, true]\n"
)

_ADD_TOKEN = (
    """
if (g.V().has('ApiToken', 'token_hash', token_row.token_hash).hasNext()) return false
def vertex = g.getGraph().addVertex(T.label, 'ApiToken', 'token_hash', token_row.token_hash,
    'catalog', 'ApiToken', 'token_name', token_row.name, 'token_scope', token_row.scope,
    'created_at', token_row.created_at)
if (token_row.expires_at != null) vertex.property('expires_at', token_row.expires_at)
"""
    + _BUMP_QUEUE
    + "\ntrue\n"
)

_REVOKE_TOKEN = (
    """
def found = g.V().has('ApiToken', 'token_hash', wanted_hash).tryNext().orElse(null)
if (found == null) return false
found.remove()
"""
    + _BUMP_QUEUE
    + "\ntrue\n"
)

# The properties an ApiToken vertex is read back from.
_ISSUED = ".valueMap('token_hash', 'token_name', 'token_scope', 'created_at', 'expires_at')"

_LOOKUP_BY_HASH = "g.V().has('ApiToken', 'token_hash', wanted_hash)" + _ISSUED + ".by(unfold())"

_LIST_TOKENS = "g.V().has('catalog', 'ApiToken')" + _ISSUED + ".by(unfold())"

_BODIES = (
    "g.V().has(record_label, key_name, within(wanted)).project('k', 'b').by(key_name).by('body')"
)

_LIST_ENVIRONMENTS = (
    "g.V().has('catalog', 'RuntimeEnvironment').has('env_key', gt(after_key))"
    ".order().by('env_key').limit(page_size).values('body')"
)

_COUNT_CATALOG = "g.V().has('catalog', record_label).count()"

_INSTALLABILITY = (
    "g.V().has('Installability', 'subject_vkey', within(vkeys))"
    ".project('v', 'b').by('subject_vkey').by('body')"
)

_ADVISORIES_OF = "g.V().has('Advisory', 'advisory_package', within(names)).values('body')"


def _listing(
    start: str, filters: dict[str, str], order: tuple[str, str], descending: bool
) -> tuple[str, str]:
    """The scripts that page and count one kind of record: the traversal `start`, narrowed
    by each filter binding that is not null (binding name: property), then, for the page,
    keyset-paged on the two properties `order` after (`after_sort`, `after_key`), if bound,
    up to `page_size` bodies."""
    narrowed = f"def t = {start}\n" + "".join(
        f"if ({binding} != null) t = t.has('{name}', {binding})\n"
        for binding, name in filters.items()
    )
    sort, key = order
    past, way = ("P.lt", ", Order.desc") if descending else ("P.gt", "")
    page = (
        narrowed
        + "if (after_sort != null) {\n"
        + f"    t = t.or(__.has('{sort}', {past}(after_sort)),\n"
        + f"             __.has('{sort}', after_sort).has('{key}', {past}(after_key)))\n"
        + "}\n"
        + f"t.order().by('{sort}'{way}).by('{key}'{way}).limit(page_size).values('body')\n"
    )
    return page, narrowed + "t.count()\n"


_LIST_STACKS, _COUNT_STACKS = _listing(
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

# A package filter starts from its label-constrained index rather than the catalog.
_LIST_ADVISORIES, _COUNT_ADVISORIES = _listing(
    "package_filter == null ? g.V().has('catalog', 'Advisory') :\n"
    "    g.V().has('Advisory', 'advisory_package', package_filter)",
    {},
    ("advisory_id", "advisory_package"),
    descending=False,
)

_LIST_ANALYSES, _COUNT_ANALYSES = _listing(
    "g.V().has('catalog', 'Analysis')",
    {"status_filter": "analysis_status", "kind_filter": "analysis_kind"},
    ("created_at", "analysis_id"),
    descending=True,
)

_COUNT_PACKAGES = "g.V().has('Package', 'name', TextP.startingWith(name_prefix)).count()"


# -- calls -------------------------------------------------------------------------------


async def _bodies(store: Gremlin, label: str, key_name: str, keys: Sequence[str]) -> dict[str, str]:
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    found = await store._submit(
        _BODIES, {"record_label": label, "key_name": key_name, "wanted": wanted}
    )
    return {item["k"]: item["b"] for item in found}


async def _page(
    store: Gremlin,
    script: str,
    bindings: dict[str, Any],
    first: int,
    after: tuple[str, str] | None,
) -> list[str]:
    """The bodies of one page of a `_listing` script, after the cursor (sort value, key)."""
    if first <= 0:
        return []
    sort, key = (None, None) if after is None else after
    return await store._submit(
        script, bindings | {"after_sort": sort, "after_key": key, "page_size": first}
    )


async def _count(store: Gremlin, script: str, bindings: dict[str, Any]) -> int:
    [found] = await store._submit(script, bindings)
    return int(found)


async def _write_rows(
    store: Gremlin, script: str, binding: str, rows: list[dict[str, Any]]
) -> list[bool]:
    """Whether each of `rows`, bound as `binding` of a write script, changed the graph."""
    if not rows:
        return []
    return [bool(x) for x in await store._write(script, {binding: rows})]


async def count_packages(store: Gremlin, prefix: str) -> int:
    return await _count(store, _COUNT_PACKAGES, {"name_prefix": prefix})


async def register_environments(
    store: Gremlin, environments: Sequence[RuntimeEnvironment]
) -> list[bool]:
    rows = [{"key": e.key, "body": records.environment_text(e)} for e in environments]
    return await _write_rows(store, _REGISTER_ENVIRONMENTS, "env_rows", rows)


async def environments(store: Gremlin, keys: Sequence[str]) -> list[RuntimeEnvironment | None]:
    found = await _bodies(store, "RuntimeEnvironment", "env_key", keys)
    return records.in_order(found, keys, records.environment_from)


async def list_environments(
    store: Gremlin, first: int, after: str | None
) -> list[RuntimeEnvironment]:
    if first <= 0:
        return []
    found = await store._submit(_LIST_ENVIRONMENTS, {"after_key": after or "", "page_size": first})
    return [records.environment_from(body) for body in found]


async def count_catalog(store: Gremlin, label: str) -> int:
    return await _count(store, _COUNT_CATALOG, {"record_label": label})


async def record_stack_observations(
    store: Gremlin, observations: Sequence[StackObservation]
) -> list[bool]:
    rows = [
        {
            "key": o.key,
            "env_key": o.environment.key,
            "env_body": records.environment_text(o.environment),
            "outcome": o.outcome.value,
            "source": o.provenance.source.value,
            "observed_at": o.provenance.observed_at,
            "packages": list(dict.fromkeys(k.name for k in o.packages)),
            "body": records.stack_observation_text(o),
        }
        for o in observations
    ]
    return await _write_rows(store, _RECORD_STACKS, "obs_rows", rows)


async def stack_observations(store: Gremlin, keys: Sequence[str]) -> list[StackObservation | None]:
    found = await _bodies(store, "StackObservation", "observation_key", keys)
    return records.in_order(found, keys, records.stack_observation_from)


def _observation_bindings(where: ObservationFilter) -> dict[str, Any]:
    return {
        "env_filter": where.environment_key,
        "outcome_filter": None if where.outcome is None else where.outcome.value,
        "source_filter": None if where.source is None else where.source.value,
        "package_filter": where.package,
    }


async def list_stack_observations(
    store: Gremlin, where: ObservationFilter, first: int, after: ObservationCursor | None
) -> list[StackObservation]:
    cursor = None if after is None else (after.observed_at, after.key)
    found = await _page(store, _LIST_STACKS, _observation_bindings(where), first, cursor)
    return [records.stack_observation_from(body) for body in found]


async def count_stack_observations(store: Gremlin, where: ObservationFilter) -> int:
    return await _count(store, _COUNT_STACKS, _observation_bindings(where))


async def record_installability(
    store: Gremlin, observations: Sequence[Installability]
) -> list[bool]:
    rows = [
        {
            "key": o.key,
            "env_key": o.environment.key,
            "env_body": records.environment_text(o.environment),
            "vkey": version_identity(o.version),
            "observed_at": o.provenance.observed_at,
            "body": records.installability_text(o),
        }
        for o in observations
    ]
    return await _write_rows(store, _RECORD_INSTALLABILITY, "obs_rows", rows)


async def installability_of(
    store: Gremlin, versions: Sequence[VersionKey]
) -> list[list[Installability]]:
    vkeys = list(dict.fromkeys(version_identity(v) for v in versions))
    found: dict[str, list[Installability]] = {}
    if vkeys:
        for item in await store._submit(_INSTALLABILITY, {"vkeys": vkeys}):
            found.setdefault(item["v"], []).append(records.installability_from(item["b"]))
    for observations in found.values():
        observations.sort(key=lambda o: (o.provenance.observed_at, o.key), reverse=True)
    return [list(found.get(version_identity(v), [])) for v in versions]


async def write_advisories(store: Gremlin, advisories: Sequence[Advisory]) -> list[bool]:
    rows = [
        {
            "key": advisory_identity(AdvisoryKey(a.id, a.package)),
            "advisory_id": a.id,
            "package": a.package,
            "body": records.advisory_text(a),
        }
        for a in advisories
    ]
    return await _write_rows(store, _WRITE_ADVISORIES, "adv_rows", rows)


async def advisories(store: Gremlin, keys: Sequence[AdvisoryKey]) -> list[Advisory | None]:
    identities = [advisory_identity(k) for k in keys]
    found = await _bodies(store, "Advisory", "advisory_key", identities)
    return records.in_order(found, identities, records.advisory_from)


async def advisories_of(store: Gremlin, names: Sequence[str]) -> list[list[Advisory]]:
    wanted = list(dict.fromkeys(names))
    found: dict[str, list[Advisory]] = {}
    if wanted:
        for body in await store._submit(_ADVISORIES_OF, {"names": wanted}):
            advisory = records.advisory_from(body)
            found.setdefault(advisory.package, []).append(advisory)
    return [sorted(found.get(n, []), key=lambda a: a.id) for n in names]


async def list_advisories(
    store: Gremlin, package: str | None, first: int, after: AdvisoryKey | None
) -> list[Advisory]:
    cursor = None if after is None else (after.id, after.package)
    found = await _page(store, _LIST_ADVISORIES, {"package_filter": package}, first, cursor)
    return [records.advisory_from(body) for body in found]


async def count_advisories(store: Gremlin, package: str | None) -> int:
    return await _count(store, _COUNT_ADVISORIES, {"package_filter": package})


def _analysis_row(analysis: Analysis) -> dict[str, Any]:
    return {
        "id": analysis.id,
        "kind": analysis.kind.value,
        "status": analysis.status.value,
        "created_at": analysis.created_at or "",
        "body": records.analysis_text(analysis),
    }


async def create_analyses(store: Gremlin, analyses: Sequence[Analysis]) -> list[bool]:
    rows = [_analysis_row(a) for a in analyses]
    return await _write_rows(store, _CREATE_ANALYSES, "analysis_rows", rows)


async def analyses(store: Gremlin, ids: Sequence[str]) -> list[Analysis | None]:
    found = await _bodies(store, "Analysis", "analysis_id", ids)
    return records.in_order(found, ids, records.analysis_from)


async def update_analysis(
    store: Gremlin, analysis: Analysis, expected: AnalysisStatus | None
) -> bool:
    bindings = {
        "analysis_row": _analysis_row(analysis),
        "expected_status": None if expected is None else expected.value,
    }
    matched, _changed_now = await store._write(_UPDATE_ANALYSIS, bindings)
    return bool(matched)


def _analysis_bindings(where: AnalysisFilter) -> dict[str, Any]:
    return {
        "status_filter": None if where.status is None else where.status.value,
        "kind_filter": None if where.kind is None else where.kind.value,
    }


async def list_analyses(
    store: Gremlin, where: AnalysisFilter, first: int, after: AnalysisCursor | None
) -> list[Analysis]:
    cursor = None if after is None else (after.created_at, after.id)
    found = await _page(store, _LIST_ANALYSES, _analysis_bindings(where), first, cursor)
    return [records.analysis_from(body) for body in found]


async def count_analyses(store: Gremlin, where: AnalysisFilter) -> int:
    return await _count(store, _COUNT_ANALYSES, _analysis_bindings(where))


async def add_token(store: Gremlin, token: ApiToken) -> bool:
    row = {
        "token_hash": token.token_hash,
        "name": token.name,
        "scope": token.scope.value,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
    }
    [added] = await store._write(_ADD_TOKEN, {"token_row": row})
    return bool(added)


def _token(props: dict[str, Any]) -> ApiToken:
    return ApiToken(
        props["token_hash"],
        props["token_name"],
        TokenScope(props["token_scope"]),
        props["created_at"],
        props.get("expires_at"),  # absent: it never expires
    )


async def token_by_hash(store: Gremlin, token_hash: str) -> ApiToken | None:
    found = await store._submit(_LOOKUP_BY_HASH, {"wanted_hash": token_hash})
    return _token(found[0]) if found else None


async def list_tokens(store: Gremlin) -> list[ApiToken]:
    found = [_token(props) for props in await store._submit(_LIST_TOKENS)]
    # Tokens are few (people and services), so sorting here costs nothing.
    return sorted(found, key=lambda t: (t.created_at, t.token_hash))


async def revoke_token(store: Gremlin, token_hash: str) -> bool:
    [revoked] = await store._write(_REVOKE_TOKEN, {"wanted_hash": token_hash})
    return bool(revoked)
