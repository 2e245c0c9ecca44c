"""GraphiQL in Debian's headless Chromium: the page loads, a typed query runs, its result shows.

Drives tools/browser/graphiql.mjs (playwright-core) against `thoth-graphql serve --demo`;
the screenshot is kept at artifacts/graphiql.png.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.demo_server import demo_server
from tests.http.node_tools import run_node

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
QUERY = '{ package(name: "dask") { versions(first: 3) { totalCount } } }'


def test_a_query_typed_into_graphiql_shows_its_result() -> None:
    assert CHROMIUM.exists(), "Debian's chromium is needed: apt-get install -y chromium"
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "graphiql.png"
    screenshot.unlink(missing_ok=True)

    with demo_server() as url:
        ran = run_node(
            "browser", "graphiql.mjs", f"{url}/graphql", QUERY, str(screenshot), timeout=180
        )
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout)

    assert seen["title"] == "thoth-graphql · GraphiQL"
    assert seen["editor"] == QUERY  # typed key by key, as a person would
    assert json.loads(seen["result"]) == {"data": {"package": {"versions": {"totalCount": 65}}}}
    # Everything came from the server itself: no CDN, nothing failed, no script error.
    assert seen["offsite"] == []
    assert seen["failed"] == []
    assert seen["pageErrors"] == []
    assert seen["consoleErrors"] == []
    assert screenshot.read_bytes().startswith(b"\x89PNG")
