"""Error codes and masking: clients get a code for every error and never an internal one."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from tests.api.graphql_client import GraphQLClient
from thoth_graphql.api import create_app
from thoth_graphql.store.sqlite import SqliteGraphStore


async def test_an_internal_error_is_masked_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A store that was never opened fails every read, as a lost database would.
    store = SqliteGraphStore(tmp_path / "never-opened.sqlite3")
    transport = httpx.ASGITransport(app=create_app(store))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.post(
                "/graphql", json={"query": '{ package(name: "dask") { name } }'}
            )
    finally:
        await store.close()

    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"package": None}
    assert body["errors"] == [
        {
            "message": "Internal server error.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["package"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
        }
    ]
    assert "not open" not in response.text
    [logged] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged.exc_info is not None
    assert "not open" in str(logged.exc_info[1])


async def test_a_syntax_error_is_parse_failed(gql: GraphQLClient) -> None:
    result = await gql("{ package(name: ")
    assert result.codes == ["GRAPHQL_PARSE_FAILED"]


async def test_an_unknown_field_is_validation_failed(gql: GraphQLClient) -> None:
    result = await gql('{ package(name: "dask") { colour } }')
    assert result.codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "colour" in result.errors[0]["message"]


async def test_a_wrongly_typed_variable_is_refused_with_a_code(gql: GraphQLClient) -> None:
    result = await gql(
        "query ($first: Int) { packages(first: $first) { totalCount } }", first="ten"
    )
    assert result.data is None
    assert len(result.codes) == 1


async def test_a_refused_request_is_not_logged_as_an_error(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    result = await gql("{ packages(first: -1) { totalCount } }")
    assert result.codes == ["BAD_USER_INPUT"]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
