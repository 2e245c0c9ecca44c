"""What operators see: /readyz, /metrics, request ids, JSON logs, and no secrets in logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import add_token
from thoth_graphql.api import create_app
from thoth_graphql.api.request_log import JsonFormatter
from thoth_graphql.domain import TokenScope
from thoth_graphql.store.sqlite import SqliteGraphStore


async def test_readyz_says_ready_when_the_store_answers(http: httpx.AsyncClient) -> None:
    response = await http.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


async def test_readyz_is_503_when_the_store_does_not_answer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = SqliteGraphStore(tmp_path / "never-opened.sqlite3")
    transport = httpx.ASGITransport(app=create_app(store))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get("/readyz")
    finally:
        await store.close()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert "not ready" in caplog.text


async def test_metrics_count_operations_by_name_and_errors_by_code(
    http: httpx.AsyncClient,
) -> None:
    await http.post("/graphql", json={"query": 'query DaskName { package(name: "dask") { name } }'})
    await http.post(
        "/graphql", json={"query": "query BadPage { packages(first: -1) { totalCount } }"}
    )
    await http.post("/graphql", json={"query": "{ package(name: "})
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'thoth_graphql_operations_total{operation="DaskName",type="query"}' in text
    assert 'thoth_graphql_operation_errors_total{code="BAD_USER_INPUT",operation="BadPage"}' in text
    assert 'code="GRAPHQL_PARSE_FAILED",operation="anonymous"' in text
    assert 'thoth_graphql_operation_duration_seconds_bucket{le="0.5",operation="DaskName"' in text


async def test_a_request_id_is_honoured_or_made(http: httpx.AsyncClient) -> None:
    given = await http.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = await http.get("/healthz")
    assert len(made.headers["x-request-id"]) == 32
    insane = await http.get("/healthz", headers={"X-Request-ID": "a b\x7f" * 100})
    assert insane.headers["x-request-id"] != "a b\x7f" * 100


async def test_logs_are_json_with_the_request_id_and_never_hold_a_token(
    graph: SqliteGraphStore, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = await add_token(graph, TokenScope.WRITE)
    caplog.set_level(logging.DEBUG)
    headers = {"Authorization": f"Bearer {secret}", "X-Request-ID": "req-42"}
    mutation = 'mutation { registerRuntimeEnvironment(input: {osName: "x"}) { created } }'
    await http.post("/graphql", json={"query": mutation}, headers=headers)
    wrong = {"Authorization": f"Bearer {secret}-wrong"}
    await http.post("/graphql", json={"query": mutation}, headers=wrong)
    await http.post(
        "/graphql", json={"query": "{ packages(first: -1) { totalCount } }"}, headers=wrong
    )

    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    assert lines
    for line in lines:
        assert secret not in line
        assert "Bearer" not in line
        json.loads(line)
    access = [json.loads(line) for line in lines if '"logger": "thoth_graphql.access"' in line]
    assert access[0]["request_id"] == "req-42"
    assert (access[0]["method"], access[0]["path"], access[0]["status"]) == (
        "POST",
        "/graphql",
        200,
    )
    assert secret not in caplog.text
