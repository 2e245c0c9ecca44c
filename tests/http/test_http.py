"""GraphQL over HTTP at /graphql: media types, status codes and refusals, in process.

The graphql-http audit (test_audit.py) checks the spec's cases against the real server;
these pin this server's own choices, case by case, and the reasons the audit cannot see.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from graphql import GraphQLError
from strawberry.types import ExecutionResult

from thoth_graphql.api.http import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    is_request_error,
    negotiate,
    status_of,
)

GRAPHQL = GRAPHQL_RESPONSE_JSON
FIELD_ERROR = "{ packages(first: 1000) { totalCount } }"  # a non-null field fails: data null


async def post(
    http: httpx.AsyncClient,
    body: Any,
    accept: str | None = JSON,
    content_type: str | None = "application/json",
) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = http.build_request("POST", "/graphql", content=content)
    _set(request, "accept", accept)
    _set(request, "content-type", content_type)
    return await http.send(request)


async def get(http: httpx.AsyncClient, accept: str | None = JSON, **params: str) -> httpx.Response:
    request = http.build_request("GET", "/graphql", params=params)
    _set(request, "accept", accept)
    return await http.send(request)


def _set(request: httpx.Request, name: str, value: str | None) -> None:
    if value is None:
        request.headers.pop(name, None)
    else:
        request.headers[name] = value


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


# --- negotiation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("application/graphql-response+json", GRAPHQL),
        (
            "application/graphql-response+json; charset=utf-8, application/json; charset=utf-8",
            GRAPHQL,
        ),
        ("application/json, application/graphql-response+json", GRAPHQL),
        ("application/graphql-response+json;q=0.5, application/json", JSON),
        ("application/json;q=0.5, application/graphql-response+json;q=0.9", GRAPHQL),
        ("application/graphql-response+json, */*;q=0.1", GRAPHQL),
        ("text/html, application/xhtml+xml, */*;q=0.8", JSON),
        ("Application/JSON", JSON),
        ("application/json;q=0, */*", None),
        ("application/graphql-response+json;q=0", None),
        ("text/plain", None),
        ("application/xml, text/*", None),
        ("application/json;q=banana", None),
    ],
)
def test_negotiate(accept: str | None, expected: str | None) -> None:
    assert negotiate(accept) == expected


async def test_the_response_is_in_the_negotiated_media_type(http: httpx.AsyncClient) -> None:
    for accept, expected in [(GRAPHQL, GRAPHQL), (JSON, JSON), ("*/*", JSON), (None, JSON)]:
        response = await post(http, {"query": "{ __typename }"}, accept=accept)
        assert response.status_code == 200
        assert response.headers["content-type"] == f"{expected}; charset=utf-8"
        assert response.headers["vary"] == "Accept"
        assert response.json() == {"data": {"__typename": "Query"}}


async def test_an_unacceptable_media_type_is_refused_with_406(http: httpx.AsyncClient) -> None:
    response = await post(http, {"query": "{ __typename }"}, accept="text/plain")
    assert response.status_code == 406
    assert media_type(response) == JSON
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


# --- request errors: 200 in application/json, 400 in graphql-response+json --------------

# The codes of errors GraphQL raised are the schema's (thoth_graphql/api/errors.py) and are
# tested with it; the view only has to keep them. BAD_REQUEST is the view's own.
REQUEST_ERRORS: dict[str, tuple[dict[str, Any], str | None]] = {
    "parse": ({"query": "{"}, None),
    "validation": ({"query": "{ nope }"}, None),
    "coercion": (
        {
            "query": "query ($n: Int!) { packages(first: $n) { totalCount } }",
            "variables": {"n": "x"},
        },
        None,
    ),
    "unknown operation": ({"query": "query A { __typename }", "operationName": "B"}, "BAD_REQUEST"),
    "unnamed choice": ({"query": "query A { __typename } query B { __typename }"}, "BAD_REQUEST"),
    "subscription": ({"query": "subscription { __typename }"}, "BAD_REQUEST"),
}


@pytest.mark.parametrize("case", REQUEST_ERRORS)
@pytest.mark.parametrize(("accept", "status"), [(GRAPHQL, 400), (JSON, 200)])
async def test_a_request_error(
    http: httpx.AsyncClient, case: str, accept: str, status: int
) -> None:
    body, code = REQUEST_ERRORS[case]
    response = await post(http, body, accept=accept)
    assert response.status_code == status
    assert media_type(response) == accept
    result = response.json()
    assert "data" not in result  # never executed: the GraphQL spec says no data entry
    [error] = result["errors"]
    assert error["extensions"]["code"]
    if code is not None:
        assert error["extensions"]["code"] == code


async def test_the_named_operation_of_several_runs(http: httpx.AsyncClient) -> None:
    body = {"query": "query A { a: __typename } query B { b: __typename }", "operationName": "B"}
    response = await post(http, body, accept=GRAPHQL)
    assert response.status_code == 200
    assert response.json() == {"data": {"b": "Query"}}


@pytest.mark.parametrize("accept", [GRAPHQL, JSON])
async def test_a_field_error_is_a_200_with_its_data(http: httpx.AsyncClient, accept: str) -> None:
    response = await post(http, {"query": FIELD_ERROR}, accept=accept)
    assert response.status_code == 200
    result = response.json()
    assert result["data"] is None  # executed, so the entry is there
    assert result["errors"][0]["path"] == ["packages"]


def test_status_of_request_errors_by_code() -> None:
    def request_error(code: str) -> ExecutionResult:
        return ExecutionResult(data=None, errors=[GraphQLError("no", extensions={"code": code})])

    assert status_of(request_error("UNAUTHENTICATED"), GRAPHQL) == 401
    assert status_of(request_error("FORBIDDEN"), GRAPHQL) == 403
    assert status_of(request_error("INTERNAL_SERVER_ERROR"), GRAPHQL) == 500
    assert status_of(request_error("TIMEOUT"), GRAPHQL) == 503
    assert status_of(request_error("GRAPHQL_VALIDATION_FAILED"), GRAPHQL) == 400
    assert status_of(request_error("UNAUTHENTICATED"), JSON) == 200


def test_is_request_error() -> None:
    located = GraphQLError("field", path=["packages"])
    assert is_request_error(ExecutionResult(data=None, errors=[GraphQLError("parse")]))
    assert not is_request_error(ExecutionResult(data=None, errors=[located]))
    assert not is_request_error(ExecutionResult(data={"a": 1}, errors=[GraphQLError("x")]))
    assert not is_request_error(ExecutionResult(data=None, errors=[]))


# --- GET ----------------------------------------------------------------------------


async def test_a_query_via_get(http: httpx.AsyncClient) -> None:
    response = await get(
        http,
        accept=GRAPHQL,
        query="query ($p: String!) { packages(prefix: $p) { totalCount } }",
        variables='{"p": "x"}',
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"packages": {"totalCount": 0}}}


@pytest.mark.parametrize("accept", [GRAPHQL, JSON])
async def test_a_mutation_via_get_is_refused_with_405(http: httpx.AsyncClient, accept: str) -> None:
    # Refused before validation, so this holds whatever mutations the schema has.
    response = await get(http, accept=accept, query="mutation { __typename }")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert media_type(response) == accept
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_browser_gets_graphiql(http: httpx.AsyncClient) -> None:
    response = await get(http, accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert media_type(response) == "text/html"
    assert "GraphiQL.createFetcher" in response.text


# --- requests that are not GraphQL over HTTP: 4xx whatever the media type ----------------

MALFORMED: dict[str, tuple[bytes | dict[str, Any], str | None, int]] = {
    "no content type": ({"query": "{ __typename }"}, None, 415),
    "text/plain": ({"query": "{ __typename }"}, "text/plain", 415),
    "latin-1": ({"query": "{ __typename }"}, "application/json; charset=latin-1", 415),
    "not JSON": (b'{"query":', "application/json", 400),
    "not UTF-8": (b'{"query": "\xff"}', "application/json", 400),
    "nested too deep": (b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
    "a string": (b'"{ __typename }"', "application/json", 400),
    "a batch": (b'[{"query": "{ __typename }"}]', "application/json", 400),
    "no query": ({"qeury": "{ __typename }"}, "application/json", 400),
    "empty query": ({"query": ""}, "application/json", 400),
    "query not a string": ({"query": ["{ __typename }"]}, "application/json", 400),
    "variables not a map": ({"query": "{ __typename }", "variables": [7]}, "application/json", 400),
    "operationName not a string": (
        {"query": "{ __typename }", "operationName": 7},
        "application/json",
        400,
    ),
    "extensions not a map": (
        {"query": "{ __typename }", "extensions": "x"},
        "application/json",
        400,
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
@pytest.mark.parametrize("accept", [GRAPHQL, JSON])
async def test_a_malformed_request_is_a_4xx(
    http: httpx.AsyncClient, case: str, accept: str
) -> None:
    body, content_type, status = MALFORMED[case]
    response = await post(http, body, accept=accept, content_type=content_type)
    assert response.status_code == status
    assert media_type(response) == accept
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert "Traceback" not in error["message"]


async def test_a_charset_in_any_case_is_accepted(http: httpx.AsyncClient) -> None:
    body = {"query": "{ __typename }"}
    response = await post(http, body, content_type="application/json; charset=UTF-8")
    assert response.status_code == 200


async def test_get_variables_that_are_not_json_are_a_400(http: httpx.AsyncClient) -> None:
    response = await get(http, query="{ __typename }", variables="{nope")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
async def test_other_methods_are_refused_with_405(http: httpx.AsyncClient, method: str) -> None:
    response = await http.request(method, "/graphql", headers={"accept": JSON})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
