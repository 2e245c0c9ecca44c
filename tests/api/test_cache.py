"""The read cache: a repeated query is answered without resolvers, and never stale."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from graphql import ExecutionResult

from tests.api.conftest import add_token
from tests.api.graphql_client import GraphQLClient
from tests.api.sample_graph import many_versions
from tests.api.test_loaders import CountingStore
from thoth_graphql.api import create_app
from thoth_graphql.api.cache import ReadCache, cache_key
from thoth_graphql.domain import Analysis, AnalysisKind, AnalysisStatus, TokenScope
from thoth_graphql.services import Services, Settings
from thoth_graphql.store.sqlite import SqliteGraphStore

QUERY = "query ($name: String!) { package(name: $name) { versions { totalCount } } }"
RECORD = """mutation { recordStackObservation(input: {packages: [{name: "dask", version: "2.9.0"}],
    runtimeEnvironment: {pythonVersion: "3.11"}, outcome: SUCCESS}) { created } }"""
OBSERVATIONS = "{ stackObservations { totalCount } }"


@pytest.fixture
def counting(graph: SqliteGraphStore) -> CountingStore:
    return CountingStore(graph)


@pytest.fixture
def services(counting: CountingStore) -> Services:
    return Services.over(counting)


@pytest.fixture
async def counted(
    counting: CountingStore, services: Services
) -> AsyncIterator[tuple[CountingStore, GraphQLClient]]:
    transport = httpx.ASGITransport(app=create_app(services))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield counting, GraphQLClient(http)


async def test_a_repeated_query_reads_only_the_generation(
    counted: tuple[CountingStore, GraphQLClient],
) -> None:
    counting, gql = counted
    first = await gql(QUERY, name="dask")
    calls_first = sum(counting.calls.values())
    counting.calls.clear()
    second = await gql(QUERY, name="dask")
    assert second == first
    assert calls_first == 3  # generations, packages, versions_of
    assert counting.calls == {"generations": 1}
    counting.calls.clear()
    other = await gql(QUERY, name="numpy")  # other variables: another entry
    assert other != first
    assert counting.calls["versions_of"] == 1


async def test_a_write_is_never_followed_by_a_stale_read(
    graph: SqliteGraphStore, counted: tuple[CountingStore, GraphQLClient]
) -> None:
    _, gql = counted
    writer = gql.with_token(await add_token(graph, TokenScope.WRITE))
    assert (await gql(OBSERVATIONS)).data == {"stackObservations": {"totalCount": 0}}
    assert (await writer(RECORD)).errors == []
    assert (await gql(OBSERVATIONS)).data == {"stackObservations": {"totalCount": 1}}
    # A write from outside the API (another process, the CLI) is seen too.
    assert (await gql(QUERY, name="fresh")).data == {"package": None}
    await graph.write_releases(many_versions("fresh", 2))
    assert (await gql(QUERY, name="fresh")).data == {"package": {"versions": {"totalCount": 2}}}


async def test_mutations_and_errors_are_not_cached(
    graph: SqliteGraphStore, services: Services, counted: tuple[CountingStore, GraphQLClient]
) -> None:
    counting, gql = counted
    writer = gql.with_token(await add_token(graph, TokenScope.WRITE))
    await writer(RECORD)
    again = await writer(RECORD)
    assert again.data == {"recordStackObservation": {"created": False}}
    refused = "{ packages(first: -1) { totalCount } }"
    await gql(refused)
    counting.calls.clear()
    await gql(refused)
    assert counting.calls == {"generations": 1}  # executed again, refused again
    assert len(services.read_cache) == 0


def test_the_cache_drops_older_generations_and_bounds_its_size() -> None:
    from graphql import ExecutionResult

    cache = ReadCache(size=2)
    a, b, c = (cache_key(q, None, None) for q in ("{a}", "{b}", "{c}"))
    cache.put(a, 1, ExecutionResult({"a": 1}))
    assert cache.get(a, 1) is not None
    assert cache.get(a, 2) is None
    cache.put(b, 2, ExecutionResult({"b": 1}))
    assert cache.get(a, 2) is None  # generation 1 is gone
    cache.put(a, 1, ExecutionResult({"a": 1}))  # computed from an older graph: not kept
    assert cache.get(a, 2) is None
    cache.put(a, 2, ExecutionResult({"a": 2}))
    cache.put(c, 2, ExecutionResult({"c": 2}))
    assert len(cache) == 2
    assert cache.get(b, 2) is None  # least recently used


async def test_a_cache_of_size_zero_serves_nothing_again(sqlite_store: SqliteGraphStore) -> None:
    cache = Services.over(sqlite_store, Settings(read_cache_size=0)).read_cache
    key = cache_key("{ a }", None, None)
    cache.put(key, 1, ExecutionResult(data={"a": 1}))
    assert cache.get(key, 1) is None
    assert len(cache) == 0


ANALYSIS = '{ analysis(id: "analysis-1") { status } }'
ANALYSES = "{ analyses(first: 5) { totalCount edges { node { status } } } }"
NODE = '{ node(id: "QW5hbHlzaXM6YW5hbHlzaXMtMQ==") { ... on Analysis { status } } }'


async def test_queue_writes_keep_cached_knowledge_and_never_leave_analyses_stale(
    graph: SqliteGraphStore, counted: tuple[CountingStore, GraphQLClient]
) -> None:
    counting, gql = counted
    analysis = Analysis(
        "analysis-1", AnalysisKind.SOLVER, {"package": "x"}, created_at="2026-01-01T00:00:00Z"
    )
    await graph.create_analyses([analysis])
    known = await gql(QUERY, name="dask")
    for query in (ANALYSIS, ANALYSES, NODE):
        assert "QUEUED" in str((await gql(query)).data)
    counting.calls.clear()
    for query in (ANALYSIS, ANALYSES, NODE):  # served from the cache while the queue stays
        assert "QUEUED" in str((await gql(query)).data)
    assert counting.calls == {"generations": 3}

    # The dispatcher claims it (queue generation moves, the knowledge generation does not),
    # and a token is created: what is known stays cached, what read the queue is read again.
    running = analysis.moved_to(AnalysisStatus.RUNNING, "2026-01-01T00:01:00Z")
    assert await graph.update_analysis(running, expected=AnalysisStatus.QUEUED)
    await add_token(graph, TokenScope.WRITE)
    counting.calls.clear()
    assert await gql(QUERY, name="dask") == known
    assert counting.calls == {"generations": 1}
    for query in (ANALYSIS, ANALYSES, NODE):
        answer = str((await gql(query)).data)
        assert "RUNNING" in answer and "QUEUED" not in answer
