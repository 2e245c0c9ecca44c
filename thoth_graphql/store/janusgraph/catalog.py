"""Record vertices on JanusGraph: each record is one vertex holding its JSON
(store/json_text.py) in `body`, with the properties it is found by; `catalog` names its kind,
so a whole kind is listed through an index. These are the script parts and calls every kind
of record shares (environments, observations, advisories, analyses).

Binding names avoid Gremlin's step names (`first`, `limit`, ...), which a script would see
instead of the binding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from thoth_graphql.store.janusgraph.client import JanusGraphClient

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
BUMP_QUEUE = """
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


def answer_changed(body: str, bump: str = _BUMP) -> str:
    """A write script: `body` fills the list `changed`; the generation moves if any is true."""
    return (
        _ENVIRONMENT
        + "def changed = []\n"
        + body
        + "\nif (changed.contains(true)) {\n"
        + bump
        + "\n}\nchanged\n"
    )


_BODIES = (
    "g.V().has(record_label, key_name, within(wanted)).project('k', 'b').by(key_name).by('body')"
)

_COUNT_CATALOG = "g.V().has('catalog', record_label).count()"


def listing(
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


async def bodies(
    client: JanusGraphClient, label: str, key_name: str, keys: Sequence[str]
) -> dict[str, str]:
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    found = await client.submit(
        _BODIES, {"record_label": label, "key_name": key_name, "wanted": wanted}
    )
    return {item["k"]: item["b"] for item in found}


async def page(
    client: JanusGraphClient,
    script: str,
    bindings: dict[str, Any],
    first: int,
    after: tuple[str, str] | None,
) -> list[str]:
    """The bodies of one page of a `_listing` script, after the cursor (sort value, key)."""
    if first <= 0:
        return []
    sort, key = (None, None) if after is None else after
    return await client.submit(
        script, bindings | {"after_sort": sort, "after_key": key, "page_size": first}
    )


async def count(client: JanusGraphClient, script: str, bindings: dict[str, Any]) -> int:
    [found] = await client.submit(script, bindings)
    return int(found)


async def write_rows(
    client: JanusGraphClient, script: str, binding: str, rows: list[dict[str, Any]]
) -> list[bool]:
    """Whether each of `rows`, bound as `binding` of a write script, changed the graph."""
    if not rows:
        return []
    return [bool(x) for x in await client.write(script, {binding: rows})]


async def count_catalog(client: JanusGraphClient, label: str) -> int:
    """The number of records of one kind."""
    return await count(client, _COUNT_CATALOG, {"record_label": label})
