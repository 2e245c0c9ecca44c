"""Issue 11.1: a document of nested fragment spreads, about 2 KB, must neither hold the
event loop nor run for long: it is refused for its cost, and /healthz answers meanwhile."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from bench.demo_server import demo_server
from bench.fragment_bomb import bomb
from tests.security.test_websocket_limits import run, socket


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with demo_server("--workers", "0") as running:
        yield running


@pytest.mark.parametrize(("levels", "spreads"), [(4, 30), (8, 40)])
def test_a_fragment_bomb_is_refused_while_healthz_answers(
    url: str, levels: int, spreads: int
) -> None:
    document = bomb(levels, spreads)
    assert len(document) < 2500
    answers: list[httpx.Response] = []

    def send() -> None:
        answers.append(httpx.post(f"{url}/graphql", json={"query": document}, timeout=60))

    sender = threading.Thread(target=send)
    sender.start()
    health: list[float] = []
    try:
        while sender.is_alive() and len(health) < 50:
            started = time.monotonic()
            assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
            health.append(time.monotonic() - started)
            time.sleep(0.02)
    finally:
        sender.join(timeout=60)
    assert not sender.is_alive(), "the bomb got no answer within 60 s"
    assert max(health, default=0.0) < 1.0, health

    [answer] = answers
    assert answer.status_code == 200
    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "more than 2000 fields" in error["message"]
    assert answer.elapsed.total_seconds() < 1.0


def test_a_fragment_that_spreads_itself_is_refused(url: str) -> None:
    document = "{ ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }"
    answer = httpx.post(f"{url}/graphql", json={"query": document}, timeout=10)
    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "spreads itself" in error["message"]


async def test_a_fragment_bomb_over_the_socket_is_refused_while_healthz_answers(
    url: str,
) -> None:
    async with (
        httpx.AsyncClient(base_url=url, timeout=5) as http,
        socket(url.replace("http://", "ws://") + "/graphql") as ws,
    ):
        answer = asyncio.create_task(run(ws, "bomb", bomb(8, 40)))
        health: list[float] = []
        while not answer.done() and len(health) < 50:
            started = time.monotonic()
            assert (await http.get("/healthz")).status_code == 200
            health.append(time.monotonic() - started)
            await asyncio.sleep(0.02)
        refused = await asyncio.wait_for(answer, timeout=10)
        assert max(health, default=0.0) < 1.0, health
        assert refused["type"] == "error", refused
        [error] = refused["payload"]
        assert "more than 2000 fields" in error["message"]
