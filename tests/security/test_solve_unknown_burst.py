"""Issue 11, item 10: advise(solveUnknown) with more unknown packages than a token's burst
is a clear GraphQL error that names the limit, never an internal error, and queues none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.thoth_processes import Objects, Server
from tests.security.conftest import start_server
from thoth_graphql.analyses.rate_limit import DEFAULT_BURST

ADVISE = """
query ($input: AdviseInput!) {
  advise(input: $input) { unresolved analyses { analysisId } }
}
"""
COUNT = "{ analyses { totalCount } }"


@pytest.fixture
def server(data_dir: Path, local_objects: Objects, tmp_path: Path) -> Iterator[Server]:
    running = start_server(data_dir, local_objects, tmp_path / "serve.log")
    try:
        yield running
    finally:
        running.stop()


def test_more_unknown_packages_than_the_burst_is_a_clear_refusal(
    server: Server, writer_token: str
) -> None:
    names = [f"unknown-{i}" for i in range(DEFAULT_BURST + 1)]
    answer: dict[str, Any] = server.graphql(
        ADVISE, writer_token, input={"requirements": names, "solveUnknown": True}
    )
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert f"at most {DEFAULT_BURST}" in error["message"]
    assert "Traceback" not in server.output()
    counted: dict[str, Any] = server.graphql(COUNT)
    assert counted["data"]["analyses"]["totalCount"] == 0


def test_as_many_as_the_burst_are_queued(server: Server, writer_token: str) -> None:
    names = [f"unknown-{i}" for i in range(DEFAULT_BURST)]
    answer: dict[str, Any] = server.graphql(
        ADVISE, writer_token, input={"requirements": names, "solveUnknown": True}
    )
    assert "errors" not in answer, answer
    assert len(answer["data"]["advise"]["analyses"]) == DEFAULT_BURST
