"""CORS, as a browser sees it from `thoth-graphql serve` on loopback: who may read answers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import httpx
import pytest
from click.testing import CliRunner

from bench.demo_server import empty_server
from thoth_graphql.cli import main

pytestmark = pytest.mark.slow

APP = "https://app.example"
DEV = "http://localhost:5173"
OTHER = "https://elsewhere.example"
QUERY = {"query": "{ packages { totalCount } }"}


@contextmanager
def server(*options: str, env: Mapping[str, str] | None = None) -> Iterator[httpx.Client]:
    """`thoth-graphql serve OPTIONS` over an empty graph, and a client of it."""
    with empty_server(*options, env=env) as url, httpx.Client(base_url=url) as client:
        yield client


@pytest.fixture(scope="module")
def allow_list() -> Iterator[httpx.Client]:
    # As written by hand: a default port, capitals; a browser sends neither.
    with server("--cors-origin", f"{APP}:443", "--cors-origin", "HTTP://LocalHost:5173") as client:
        yield client


@pytest.fixture(scope="module")
def any_origin() -> Iterator[httpx.Client]:
    with server("--cors-origin", "*") as client:
        yield client


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


def vary(response: httpx.Response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("vary", "").split(",")}


def preflight(client: httpx.Client, origin: str, method: str = "POST") -> httpx.Response:
    return client.options(
        "/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )


@pytest.mark.parametrize("origin", [APP, DEV])
def test_an_allowed_origin_may_read_the_answer(allow_list: httpx.Client, origin: str) -> None:
    response = allow_list.post("/graphql", json=QUERY, headers={"Origin": origin})
    assert response.status_code == 200
    assert response.json() == {"data": {"packages": {"totalCount": 0}}}
    assert cors_headers(response) == {"access-control-allow-origin": origin}
    # Caches must keep answers to different origins apart (and apart by Accept, as before).
    assert {"origin", "accept"} <= vary(response)


def test_a_disallowed_origin_gets_no_cors_headers(allow_list: httpx.Client) -> None:
    response = allow_list.post("/graphql", json=QUERY, headers={"Origin": OTHER})
    # The server answers; the browser keeps the answer from the page.
    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert "origin" in vary(response)


def test_a_preflight_from_an_allowed_origin_names_what_it_may_send(
    allow_list: httpx.Client,
) -> None:
    response = preflight(allow_list, APP)
    assert response.status_code == 200
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == APP
    assert {m.strip() for m in headers["access-control-allow-methods"].split(",")} == {
        "GET",
        "POST",
    }
    allowed = {h.strip().lower() for h in headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "x-request-id"} <= allowed
    assert headers["access-control-max-age"] == "600"
    assert "access-control-allow-credentials" not in headers
    assert "origin" in vary(response)


def test_a_preflight_for_another_method_is_refused(allow_list: httpx.Client) -> None:
    response = preflight(allow_list, APP, method="DELETE")
    assert response.status_code == 400


def test_a_preflight_from_a_disallowed_origin_learns_nothing(allow_list: httpx.Client) -> None:
    response = preflight(allow_list, OTHER)
    assert response.status_code == 400
    assert cors_headers(response) == {}
    assert "origin" in vary(response)


def test_cors_is_off_by_default() -> None:
    with server() as client:
        answer = client.post("/graphql", json=QUERY, headers={"Origin": APP})
        refused = preflight(client, APP)
    assert answer.status_code == 200
    assert cors_headers(answer) == {}
    # No preflight is answered: the OPTIONS request reaches GraphQL, which serves GET and POST.
    assert refused.status_code == 405
    assert cors_headers(refused) == {}


def test_the_environment_may_name_the_origins() -> None:
    with server(env={"THOTH_CORS_ORIGINS": f"{APP} {DEV}"}) as client:
        answers = {
            o: client.post("/graphql", json=QUERY, headers={"Origin": o}) for o in (APP, DEV, OTHER)
        }
    assert answers[APP].headers.get("access-control-allow-origin") == APP
    assert answers[DEV].headers.get("access-control-allow-origin") == DEV
    assert cors_headers(answers[OTHER]) == {}


def test_any_origin_is_never_allowed_credentials(any_origin: httpx.Client) -> None:
    # A request with credentials (a cookie) must not be told it may read with them: that
    # takes the exact origin and Access-Control-Allow-Credentials, neither of which it gets.
    response = any_origin.post(
        "/graphql", json=QUERY, headers={"Origin": OTHER, "Cookie": "session=abc"}
    )
    assert response.status_code == 200
    assert cors_headers(response) == {"access-control-allow-origin": "*"}

    response = preflight(any_origin, OTHER)
    assert response.status_code == 200
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in headers


@pytest.mark.parametrize(
    "value", ["https://app.example/", "https://app.example/graphql", "app.example", "ftp://x"]
)
def test_an_origin_a_browser_never_sends_is_refused_at_start(value: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--cors-origin", value])
    assert result.exit_code == 2
    assert "--cors-origin" in result.output
    assert "is not an origin" in result.output
