"""Issue 11, item 5: what an analysis was asked (index URLs, inspection scripts) and why
it failed is shown to its requester and to admins only; anyone else, over HTTP or the
status subscription, sees its id, kind, status and times. Index credentials are refused
at the door, so no part of the system ever stores them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.package_index import PackageIndex
from bench.thoth_processes import Objects, Server, thoth
from tests.graphql_ws import follow_subscription
from tests.security.conftest import start_server

SECRET = "hunter2-do-not-show"
INSPECT = """
mutation Inspect($index: String!, $script: String!, $wrong: String!) {
  requestStackInspection(input: {
    packages: [{name: "app", version: "1.0", index: $index, sha256: [$wrong]}],
    script: $script
  }) { analysis { analysisId } }
}
"""
SOLVE = """
mutation Solve($index: String!) {
  requestSolverAnalysis(input: {packageName: "app", indexUrl: $index}) {
    analysis { analysisId parameters }
  }
}
"""
DETAILS = "analysisId kind status createdAt parameters error resultRef"
ONE = f"query One($id: ID!) {{ analysis(id: $id) {{ {DETAILS} }} }}"
ALL = f"{{ analyses {{ edges {{ node {{ {DETAILS} }} }} }} }}"
WATCH = f"subscription Watch($id: ID!) {{ analysisStatus(id: $id) {{ {DETAILS} }} }}"


@pytest.fixture
def server(
    data_dir: Path,
    local_objects: Objects,
    tmp_path: Path,
    index: PackageIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Server]:
    monkeypatch.setenv("THOTH_EGRESS_INDEXES", index.url)
    monkeypatch.setenv("THOTH_EGRESS_NETWORKS", "127.0.0.0/8")
    running = start_server(data_dir, local_objects, tmp_path / "serve.log")
    try:
        yield running
    finally:
        running.stop()
    assert SECRET not in running.output()


def token(data_dir: Path, scope: str) -> str:
    return thoth("token", "create", "--data-dir", str(data_dir), "--scope", scope).strip()


async def watched(
    server: Server, analysis_id: str, secret: str | None, *, in_payload: bool = False
) -> list[dict[str, Any]]:
    """Every analysisStatus message until the analysis is finished; the token goes in a
    header, or in the `connection_init` payload as browsers must send it."""
    variables = {"id": analysis_id}
    return await follow_subscription(
        server.url, WATCH, variables, "analysisStatus", secret=secret, in_payload=in_payload
    )


async def test_details_are_for_the_requester_and_admins_only(
    server: Server, writer_token: str, data_dir: Path, index: PackageIndex
) -> None:
    # A lock whose hash the wheel does not have: the inspection fails, saying why.
    index.add_wheel("app", "1.0")
    asked: dict[str, Any] = server.graphql(
        INSPECT, writer_token, index=index.url, script=f"print('{SECRET}')", wrong="0" * 64
    )
    assert "errors" not in asked, asked
    analysis_id = asked["data"]["requestStackInspection"]["analysis"]["analysisId"]
    other_writer, admin = token(data_dir, "write"), token(data_dir, "admin")

    for secret in (None, other_writer):
        [last, *_] = reversed(await watched(server, analysis_id, secret))
        assert last["status"] == "FAILED"
        assert (last["parameters"], last["error"], last["resultRef"]) == (None, None, None)
        assert last["analysisId"] == analysis_id and last["kind"] == "STACK_INSPECTION"
        assert last["createdAt"]
        one: dict[str, Any] = server.graphql(ONE, secret, id=analysis_id)
        assert one["data"]["analysis"] == {**last, "status": "FAILED"}
        listed: dict[str, Any] = server.graphql(ALL, secret)
        assert [e["node"] for e in listed["data"]["analyses"]["edges"]] == [last]
        assert SECRET not in json.dumps([one, listed])

    for secret, in_payload in ((writer_token, False), (admin, False), (writer_token, True)):
        [last, *_] = reversed(await watched(server, analysis_id, secret, in_payload=in_payload))
        assert last["parameters"]["script"] == f"print('{SECRET}')"
        assert last["error"]
        shown: dict[str, Any] = server.graphql(ONE, secret, id=analysis_id)
        assert shown["data"]["analysis"]["parameters"]["script"] == f"print('{SECRET}')"


def test_index_credentials_are_refused_and_not_repeated(
    server: Server, writer_token: str, index: PackageIndex
) -> None:
    with_credentials = index.url.replace("http://", f"http://alice:{SECRET}@")
    answer: dict[str, Any] = server.graphql(SOLVE, writer_token, index=with_credentials)
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert "credentials" in error["message"]
    assert SECRET not in json.dumps(answer)
    assert server.graphql("{ analyses { totalCount } }")["data"] == {"analyses": {"totalCount": 0}}
    assert index.requests == []
