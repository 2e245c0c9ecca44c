"""CORS as Chromium applies it: a page of another origin calls the API with a preflight.

`http://localhost:P` and `http://127.0.0.1:P` are different origins to a browser, so a page
loaded by one name calling GraphQL by the other is a cross-origin call on loopback. Drives
tools/browser/cross_origin.mjs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.demo_server import empty_server, free_port
from tests.http.node_tools import run_node

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")


def test_only_an_allowed_origin_can_read_answers_in_chromium() -> None:
    assert CHROMIUM.exists(), "Debian's chromium is needed: apt-get install -y chromium"
    port = free_port()
    page_origin = f"http://localhost:{port}"
    with (
        empty_server("--cors-origin", page_origin, port=port) as allowing,
        empty_server() as default,
        empty_server("--cors-origin", "https://other.example") as elsewhere,
    ):
        ran = run_node(
            "browser",
            "cross_origin.mjs",
            f"{page_origin}/healthz",  # a page with no Content-Security-Policy of its own
            f"{allowing}/graphql",
            f"{default}/graphql",
            f"{elsewhere}/graphql",
            timeout=120,
        )
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout)
    assert seen["origin"] == page_origin
    allowed, off, other = seen["calls"]
    assert allowed["read"], allowed
    assert allowed["status"] == 200
    assert allowed["body"] == {"data": {"packages": {"totalCount": 0}}}
    # Chromium refuses to hand the answer to the page: CORS off, or another origin allowed.
    assert not off["read"] and "Failed to fetch" in off["error"]
    assert not other["read"] and "Failed to fetch" in other["error"]
    assert seen["pageErrors"] == []
