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


def _answer_changed(body: str) -> str:
    """A write script: `body` fills the list `changed`; the generation moves if any is true."""
    return (
        _ENVIRONMENT
        + "def changed = []\n"
        + body
        + "\nif (changed.contains(true)) {\n"
        + _BUMP
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
"""
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
    + _BUMP
    + "\n[true, true]\n"
)

_ADD_TOKEN = (
    """
if (g.V().has('ApiToken', 'token_hash', token_row.token_hash).hasNext()) return false
g.getGraph().addVertex(T.label, 'ApiToken', 'token_hash', token_row.token_hash,
    'catalog', 'ApiToken', 'token_name', token_row.name, 'token_scope', token_row.scope,
    'created_at', token_row.created_at)
"""
    + _BUMP
    + "\ntrue\n"
)

_REVOKE_TOKEN = (
    """
def found = g.V().has('ApiToken', 'token_hash', wanted_hash).tryNext().orElse(null)
if (found == null) return false
found.remove()
"""
    + _BUMP
    + "\ntrue\n"
)

_LOOKUP_BY_HASH = (
    "g.V().has('ApiToken', 'token_hash', wanted_hash)"
    ".valueMap('token_hash', 'token_name', 'token_scope', 'created_at').by(unfold())"
)

_BODIES = (
    "g.V().has(record_label, key_name, within(wanted)).project('k', 'b').by(key_name).by('body')"
)

_LIST_ENVIRONMENTS = (
    "g.V().has('catalog', 'RuntimeEnvironment').has('env_key', gt(after_key))"
    ".order().by('env_key').limit(page_size).values('body')"
)

_COUNT_CATALOG = "g.V().has('catalog', record_label).count()"

# A filtered, ordered page: the filters are bound (null: no filter), the traversal built here.
_STACKS = """
def t = g.V().has('catalog', 'StackObservation')
if (env_filter != null) t = t.has('environment_key', env_filter)
if (outcome_filter != null) t = t.has('outcome', outcome_filter)
if (source_filter != null) t = t.has('obs_source', source_filter)
if (package_filter != null) t = t.has('observed_package', package_filter)
"""
_LIST_STACKS = (
    _STACKS
    + """
if (after_at != null) {
    t = t.or(__.has('observed_at', P.lt(after_at)),
             __.has('observed_at', after_at).has('observation_key', P.lt(after_key)))
}
t.order().by('observed_at', Order.desc).by('observation_key', Order.desc)
 .limit(page_size).values('body')
"""
)
_COUNT_STACKS = _STACKS + "t.count()\n"

_INSTALLABILITY = (
    "g.V().has('Installability', 'subject_vkey', within(vkeys))"
    ".project('v', 'b').by('subject_vkey').by('body')"
)

_ADVISORIES_OF = "g.V().has('Advisory', 'advisory_package', within(names)).values('body')"

_ADVISORIES = """
def t = package_filter == null ? g.V().has('catalog', 'Advisory') :
    g.V().has('Advisory', 'advisory_package', package_filter)
"""
_LIST_ADVISORIES = (
    _ADVISORIES
    + """
if (after_id != null) {
    t = t.or(__.has('advisory_id', P.gt(after_id)),
             __.has('advisory_id', after_id).has('advisory_package', P.gt(after_package)))
}
t.order().by('advisory_id').by('advisory_package').limit(page_size).values('body')
"""
)
_COUNT_ADVISORIES = _ADVISORIES + "t.count()\n"

_ANALYSES = """
def t = g.V().has('catalog', 'Analysis')
if (status_filter != null) t = t.has('analysis_status', status_filter)
if (kind_filter != null) t = t.has('analysis_kind', kind_filter)
"""
_LIST_ANALYSES = (
    _ANALYSES
    + """
if (after_at != null) {
    t = t.or(__.has('created_at', P.lt(after_at)),
             __.has('created_at', after_at).has('analysis_id', P.lt(after_key)))
}
t.order().by('created_at', Order.desc).by('analysis_id', Order.desc)
 .limit(page_size).values('body')
"""
)
_COUNT_ANALYSES = _ANALYSES + "t.count()\n"

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


async def _count(store: Gremlin, script: str, bindings: dict[str, Any]) -> int:
    [found] = await store._submit(script, bindings)
    return int(found)


def _changed(found: list[Any]) -> list[bool]:
    return [bool(x) for x in found]


async def count_packages(store: Gremlin, prefix: str) -> int:
    return await _count(store, _COUNT_PACKAGES, {"name_prefix": prefix})


async def register_environments(
    store: Gremlin, environments: Sequence[RuntimeEnvironment]
) -> list[bool]:
    if not environments:
        return []
    rows = [{"key": e.key, "body": records.environment_text(e)} for e in environments]
    return _changed(await store._write(_REGISTER_ENVIRONMENTS, {"env_rows": rows}))


async def environments(store: Gremlin, keys: Sequence[str]) -> list[RuntimeEnvironment | None]:
    found = await _bodies(store, "RuntimeEnvironment", "env_key", keys)
    return [records.environment_from(found[k]) if k in found else None for k in keys]


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
    if not observations:
        return []
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
    return _changed(await store._write(_RECORD_STACKS, {"obs_rows": rows}))


async def stack_observations(store: Gremlin, keys: Sequence[str]) -> list[StackObservation | None]:
    found = await _bodies(store, "StackObservation", "observation_key", keys)
    return [records.stack_observation_from(found[k]) if k in found else None for k in keys]


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
    if first <= 0:
        return []
    bindings = _observation_bindings(where) | {
        "after_at": None if after is None else after.observed_at,
        "after_key": None if after is None else after.key,
        "page_size": first,
    }
    found = await store._submit(_LIST_STACKS, bindings)
    return [records.stack_observation_from(body) for body in found]


async def count_stack_observations(store: Gremlin, where: ObservationFilter) -> int:
    return await _count(store, _COUNT_STACKS, _observation_bindings(where))


async def record_installability(
    store: Gremlin, observations: Sequence[Installability]
) -> list[bool]:
    if not observations:
        return []
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
    return _changed(await store._write(_RECORD_INSTALLABILITY, {"obs_rows": rows}))


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
    if not advisories:
        return []
    rows = [
        {
            "key": advisory_identity(AdvisoryKey(a.id, a.package)),
            "advisory_id": a.id,
            "package": a.package,
            "body": records.advisory_text(a),
        }
        for a in advisories
    ]
    return _changed(await store._write(_WRITE_ADVISORIES, {"adv_rows": rows}))


async def advisories(store: Gremlin, keys: Sequence[AdvisoryKey]) -> list[Advisory | None]:
    found = await _bodies(store, "Advisory", "advisory_key", [advisory_identity(k) for k in keys])
    identities = [advisory_identity(k) for k in keys]
    return [records.advisory_from(found[i]) if i in found else None for i in identities]


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
    if first <= 0:
        return []
    bindings = {
        "package_filter": package,
        "after_id": None if after is None else after.id,
        "after_package": None if after is None else after.package,
        "page_size": first,
    }
    return [records.advisory_from(b) for b in await store._submit(_LIST_ADVISORIES, bindings)]


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
    if not analyses:
        return []
    rows = [_analysis_row(a) for a in analyses]
    return _changed(await store._write(_CREATE_ANALYSES, {"analysis_rows": rows}))


async def analyses(store: Gremlin, ids: Sequence[str]) -> list[Analysis | None]:
    found = await _bodies(store, "Analysis", "analysis_id", ids)
    return [records.analysis_from(found[i]) if i in found else None for i in ids]


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
    if first <= 0:
        return []
    bindings = _analysis_bindings(where) | {
        "after_at": None if after is None else after.created_at,
        "after_key": None if after is None else after.id,
        "page_size": first,
    }
    return [records.analysis_from(b) for b in await store._submit(_LIST_ANALYSES, bindings)]


async def count_analyses(store: Gremlin, where: AnalysisFilter) -> int:
    return await _count(store, _COUNT_ANALYSES, _analysis_bindings(where))


async def add_token(store: Gremlin, token: ApiToken) -> bool:
    row = {
        "token_hash": token.token_hash,
        "name": token.name,
        "scope": token.scope.value,
        "created_at": token.created_at,
    }
    [added] = await store._write(_ADD_TOKEN, {"token_row": row})
    return bool(added)


async def token_by_hash(store: Gremlin, token_hash: str) -> ApiToken | None:
    found = await store._submit(_LOOKUP_BY_HASH, {"wanted_hash": token_hash})
    if not found:
        return None
    props = found[0]
    return ApiToken(
        props["token_hash"],
        props["token_name"],
        TokenScope(props["token_scope"]),
        props["created_at"],
    )


async def revoke_token(store: Gremlin, token_hash: str) -> bool:
    [revoked] = await store._write(_REVOKE_TOKEN, {"wanted_hash": token_hash})
    return bool(revoked)
