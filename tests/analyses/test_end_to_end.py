"""Done when: through GraphQL alone, against a real `thoth-graphql serve` on loopback, a
user asks for packages of the local index to be solved, watches the status change over
graphql-transport-ws, then reads their versions and dependencies and advises with them;
on the local object store and on the S3 server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.package_index import PackageIndex
from bench.thoth_processes import Objects, Server, make_token
from tests.graphql_ws import follow_subscription

SOLVE = """
mutation Solve($name: String!, $index: String!) {
  requestSolverAnalysis(input: {packageName: $name, indexUrl: $index}) {
    analysis { analysisId status }
  }
}
"""
WATCH = "subscription Watch($id: ID!) { analysisStatus(id: $id) { status error resultRef } }"
READ = """
query Read($id: ID!) {
  analysis(id: $id) { status resultRef startedAt finishedAt }
  package(name: "App") {
    versions(first: 10) {
      edges { node { version dependencies { name specifier } } }
    }
  }
}
"""
ADVISE = """
query Advise {
  advise(input: {requirements: ["app"]}) {
    stacks { packages { name version } }
    unresolved
  }
}
"""
LIFE = ["QUEUED", "RUNNING", "SUCCEEDED"]


@pytest.fixture
def server(tmp_path: Path, objects: Objects, index: PackageIndex) -> Iterator[tuple[Server, str]]:
    data_dir = tmp_path / "data"
    token = make_token(data_dir)
    running = Server(data_dir, objects, workers=2, log=tmp_path / "serve.log")
    try:
        yield running, token
    finally:
        running.stop()
    assert "Traceback" not in running.output(), running.output()


async def watch(server: Server, analysis_id: str, token: str) -> list[dict[str, Any]]:
    """Every analysisStatus message until the subscription completes, as the requester
    sees them (anyone else is not shown `error` and `resultRef`)."""
    variables = {"id": analysis_id}
    return await follow_subscription(server.url, WATCH, variables, "analysisStatus", secret=token)


async def test_a_user_solves_watches_reads_and_advises_through_graphql(
    server: tuple[Server, str], index: PackageIndex
) -> None:
    running, token = server
    index.add_wheel("app", "1.0", requires=["dep>=1"])
    index.add_wheel("app", "2.0", requires=["dep>=2", "legacy; python_version < '3'"])
    index.add_wheel("dep", "1.0")
    index.add_wheel("dep", "2.0")

    ids = {}
    for name in ("app", "dep"):
        answer = running.graphql(SOLVE, token, name=name, index=index.url)
        assert "errors" not in answer, answer
        analysis = answer["data"]["requestSolverAnalysis"]["analysis"]  # type: ignore[index]
        assert analysis["status"] == "QUEUED"
        ids[name] = analysis["analysisId"]

    watched = await asyncio.gather(*(watch(running, i, token) for i in ids.values()))
    for messages in watched:
        statuses = [m["status"] for m in messages]
        assert statuses[-1] == "SUCCEEDED", messages
        assert len(statuses) >= 2, statuses  # it was seen to change
        assert statuses == sorted(statuses, key=LIFE.index)
        assert messages[-1]["resultRef"].startswith("results/solver/solver-")

    read = running.graphql(READ, token, id=ids["app"])
    assert "errors" not in read, read
    data: dict[str, Any] = read["data"]  # type: ignore[assignment]
    assert data["analysis"]["status"] == "SUCCEEDED"
    assert data["analysis"]["resultRef"] == f"results/solver/solver-{ids['app']}.json"
    versions = [edge["node"] for edge in data["package"]["versions"]["edges"]]
    assert [v["version"] for v in versions] == ["2.0", "1.0"]
    assert versions[0]["dependencies"] == [
        {"name": "dep", "specifier": ">=2"},
        {"name": "legacy", "specifier": ""},
    ]

    advised = running.graphql(ADVISE)
    assert "errors" not in advised, advised
    result: dict[str, Any] = advised["data"]["advise"]  # type: ignore[index]
    assert result["unresolved"] == []
    assert result["stacks"][0]["packages"] == [
        {"name": "app", "version": "2.0"},
        {"name": "dep", "version": "2.0"},
    ]
