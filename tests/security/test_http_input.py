"""Issue 11.10 (the API's part): media types are matched without regard to case, a request
body must arrive in time, and string and list arguments are bounded, each refusal naming
its field."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from bench.demo_server import demo_server

BODY_READ_SECONDS = 10  # as documented in docs/security.md


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with demo_server("--workers", "0") as running:
        yield running


@pytest.mark.parametrize("media_type", ["application/JSON", "Application/Json; charset=UTF-8"])
def test_the_json_media_type_is_case_insensitive(url: str, media_type: str) -> None:
    answer = httpx.post(
        f"{url}/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={"Content-Type": media_type},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"data": {"__typename": "Query"}}


def test_slow_bodies_are_refused_once_their_time_is_up(url: str) -> None:
    address = urlsplit(url)
    clients = []
    for _ in range(50):
        client = socket.create_connection((address.hostname, address.port), timeout=5)
        client.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000\r\n\r\n{"query": '
        )
        clients.append(client)
    started = time.monotonic()
    try:
        for client in clients:
            client.settimeout(max(0.1, started + BODY_READ_SECONDS + 10 - time.monotonic()))
            assert client.recv(100).startswith(b"HTTP/1.1 408 ")
    finally:
        for client in clients:
            client.close()
    assert time.monotonic() - started < BODY_READ_SECONDS + 10
    # The server still serves.
    assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200


def post(url: str, query: str, **variables: object) -> dict[str, object]:
    answer = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables}, timeout=30)
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


def refused_field(body: dict[str, object]) -> str:
    [error] = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert body.get("data") is None
    field: str = error["extensions"]["field"]
    assert field in error["message"]
    return field


def test_a_megabyte_package_name_is_refused_naming_its_field(url: str) -> None:
    name = "a" * 1024 * 1024
    assert refused_field(post(url, f'{{ package(name: "{name}") {{ name }} }}')) == ("package.name")
    by_variable = post(url, "query ($n: String!) { package(name: $n) { name } }", n=name)
    assert refused_field(by_variable) == "$n"
    # A real name still gets its answer.
    known = post(url, '{ package(name: "dask") { name } }')
    assert known == {"data": {"package": {"name": "dask"}}}


DEPENDENCIES = """query ($extras: [String!]) {
  package(name: "dask") {
    versions(first: 1) { edges { node { dependencies(extras: $extras) { name } } } }
  }
}"""


def test_an_oversized_list_is_refused_naming_its_field(url: str) -> None:
    body = post(url, DEPENDENCIES, extras=["array"] * 20_000 + ["x" * 300_000])
    [error] = body["errors"]  # type: ignore[misc]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"]["field"] == "$extras"
    assert "at most 10000 items" in error["message"]
    strings = post(url, DEPENDENCIES, extras=["array", "x" * 300_000])
    assert refused_field(strings) == "$extras[1]"
    assert post(url, DEPENDENCIES, extras=["array"])["data"]
