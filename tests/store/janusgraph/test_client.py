"""The JanusGraph client: the schema it applies on opening, again and over an older graph."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from bench.janusgraph_server import (
    berkeleyje_server,
    gremlin_http,
)
from tests.store.janusgraph.samples import SAMPLE
from thoth_graphql.store.janusgraph import JanusGraphStore
from thoth_graphql.store.janusgraph.client import schema_script

REPO = Path(__file__).resolve().parents[3]


def test_the_packaged_schema_is_the_one_in_schema_dir() -> None:
    packaged = resources.files("thoth_graphql").joinpath("schemas/janusgraph-schema.groovy")
    assert packaged.read_bytes() == (REPO / "schema" / "janusgraph-schema.groovy").read_bytes()


async def test_schema_applies_again_and_keeps_data_and_enabled_indexes(
    store: JanusGraphStore, url: str
) -> None:
    await store.write_releases(SAMPLE)
    again = JanusGraphStore(url)
    await again.open()  # applies the schema a second time
    try:
        assert await again.client.submit(schema_script()) == ["schema-ok"]
        assert (await again.counts()).versions == len(SAMPLE)
    finally:
        await again.close()
    statuses = gremlin_http(
        url,
        "def m = g.getGraph().openManagement(); "
        "def s = m.getGraphIndexes(Vertex.class).collect { i -> "
        "i.name() + ':' + i.getIndexStatus(i.getFieldKeys()[0]) }; m.rollback(); s",
    )
    assert sorted(str(s) for s in statuses) == [
        f"{name}:ENABLED"
        for name in (
            "absenceByName",
            "advisoriesByPackage",
            "advisoryByKey",
            "analysesByStatus",
            "analysisById",
            "documentById",
            "environmentByKey",
            "installabilityByKey",
            "installabilityByVersion",
            "metaByKey",
            "observationByKey",
            "observationsByEnvironment",
            "observationsByOutcome",
            "observationsByPackage",
            "observationsBySource",
            "packageByName",
            "recordsByCatalog",
            "tokenByHash",
            "versionByKey",
        )
    ]


# The part of the first schema that the records' indexes build on: `environment_key` already
# held data on Document vertices before observations were indexed by it.
FIRST_SCHEMA = """
def graph = g.getGraph()
def mgmt = graph.openManagement()
mgmt.makeVertexLabel('Document').make()
mgmt.makePropertyKey('environment_key').dataType(String).cardinality(Cardinality.SINGLE).make()
mgmt.commit()
graph.addVertex(T.label, 'Document', 'environment_key', 'env-1')
graph.tx().commit()
'first-schema'
"""


@pytest.mark.slow
async def test_the_schema_upgrades_a_graph_made_by_an_older_one(tmp_path: Path) -> None:
    with berkeleyje_server(tmp_path / "graph") as url:
        assert gremlin_http(url, FIRST_SCHEMA) == ["first-schema"]
        store = JanusGraphStore(url)
        await store.open()  # applies the whole schema: new keys, and a reindex of the old one
        try:
            assert await store.count_environments() == 0
        finally:
            await store.close()
        [status] = gremlin_http(
            url,
            "def m = g.getGraph().openManagement(); "
            "def i = m.getGraphIndex('observationsByEnvironment'); "
            "def s = i.getIndexStatus(i.getFieldKeys()[0]).toString(); m.rollback(); s",
        )
        assert status == "ENABLED"
