"""Issue 11, item 4: an analysis cannot make the runner fetch what the egress policy does
not allow: an index off the allow-list (the API refuses it, and the runner refuses it when
the API is bypassed), an allowed host name that resolves to loopback, and a redirect from
an allowed index to a host that is not allowed. The refused servers see no request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from analyzer_runner.artifacts import parse_artifact
from analyzer_runner.egress import EgressRefused
from analyzer_runner.index import IndexClient
from analyzer_runner.runner import run_analysis
from analyzer_runner.sandbox import Sandbox, SandboxMode, SandboxSettings
from analyzer_runner.wheel_range import Transfer
from bench.package_index import PackageIndex, serve
from bench.thoth_processes import Objects, Server
from thoth_objects import LocalObjectStore, put_json
from thoth_objects.layout import new_analysis_id, request_key

SOLVE = """
mutation Solve($index: String!) {
  requestSolverAnalysis(input: {packageName: "app", indexUrl: $index}) {
    analysis { analysisId }
  }
}
"""
COUNT = "{ analyses { totalCount } }"


@pytest.fixture
async def store(local_objects: Objects) -> AsyncIterator[LocalObjectStore]:
    opened = LocalObjectStore(local_objects.url)
    await opened.open()
    yield opened


@pytest.fixture
def other_index() -> Iterator[PackageIndex]:
    with serve(PackageIndex()) as running:
        yield running


async def solve(store: LocalObjectStore, index_url: str) -> dict[str, Any]:
    """Run a solver request for `app` as a runner would, bypassing the API; its status."""
    analysis_id = new_analysis_id()
    request = {
        "analysis_id": analysis_id,
        "kind": "SOLVER",
        "parameters": {"package_name": "app", "index_url": index_url},
    }
    await put_json(store, request_key(analysis_id), request)
    sandbox = Sandbox(SandboxSettings(mode=SandboxMode.BWRAP))
    return (await run_analysis(store, request_key(analysis_id), sandbox)).to_json()


@pytest.mark.parametrize("target", ["api", "index"])
def test_the_api_refuses_an_index_off_the_allow_list(
    analyses_server: Server, writer_token: str, index: PackageIndex, target: str
) -> None:
    url = f"http://127.0.0.1:{analyses_server.port}/graphql" if target == "api" else index.url
    answer: dict[str, Any] = analyses_server.graphql(SOLVE, writer_token, index=url)
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert "not on this server's list of allowed indexes" in error["message"]
    counted: dict[str, Any] = analyses_server.graphql(COUNT)
    assert counted["data"]["analyses"]["totalCount"] == 0
    assert index.requests == []


async def test_the_runner_refuses_an_index_off_the_allow_list(
    store: LocalObjectStore, index: PackageIndex
) -> None:
    index.add_wheel("app", "1.0")
    status = await solve(store, index.url)
    assert status["status"] == "FAILED"
    assert "not on the runner's list of allowed indexes" in status["error"]
    assert index.requests == []


async def test_an_allowed_name_that_resolves_to_loopback_is_refused(
    store: LocalObjectStore, index: PackageIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    index.add_wheel("app", "1.0")
    by_name = f"http://localhost:{index.port}/simple"
    monkeypatch.setenv("THOTH_EGRESS_INDEXES", by_name)
    status = await solve(store, by_name)
    assert (status["status"], status["retryable"]) == ("FAILED", False)
    assert status["error"].startswith("refused by the runner's egress policy: localhost resolves")
    assert "a loopback address" in status["error"]
    assert index.requests == []


async def test_a_redirect_to_a_host_off_the_allow_list_is_not_followed(
    store: LocalObjectStore,
    index: PackageIndex,
    other_index: PackageIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other_index.add_wheel("app", "1.0")
    index.redirects["/simple/app/"] = f"{other_index.url}/app/"
    monkeypatch.setenv("THOTH_EGRESS_INDEXES", index.url)
    monkeypatch.setenv("THOTH_EGRESS_NETWORKS", "127.0.0.1/32")
    status = await solve(store, index.url)
    assert (status["status"], status["retryable"]) == ("FAILED", False)
    assert status["error"].startswith("refused by the runner's egress policy:")
    assert f"{other_index.url}/app/ is not allowed" in status["error"]
    assert index.requests == ["/simple/app/"]
    assert other_index.requests == []


async def test_an_allowed_loopback_index_is_solved(
    store: LocalObjectStore, index: PackageIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The allowance the other tests lack works, so their refusals are the policy's."""
    index.add_wheel("app", "1.0")
    monkeypatch.setenv("THOTH_EGRESS_INDEXES", index.url)
    monkeypatch.setenv("THOTH_EGRESS_NETWORKS", "127.0.0.0/8")
    status = await solve(store, index.url)
    assert status["status"] == "SUCCEEDED", status


async def test_range_reads_of_a_wheel_are_held_to_the_same_policy(
    index: PackageIndex, other_index: PackageIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The project page is on an allowed index; the wheel it links lives elsewhere.
    other_index.add_wheel("app", "1.0")
    [artifact_file] = other_index.projects["app"]
    monkeypatch.setenv("THOTH_EGRESS_INDEXES", index.url)
    monkeypatch.setenv("THOTH_EGRESS_NETWORKS", "127.0.0.1/32")
    url = f"http://127.0.0.1:{other_index.port}/files/{artifact_file.filename}"
    artifact = parse_artifact(artifact_file.filename, url, project="app")
    assert artifact is not None
    async with IndexClient(index.url) as client:
        with pytest.raises(EgressRefused, match="is not allowed"):
            await client.wheel_metadata(artifact, Transfer())
    assert other_index.range_requests == [] and other_index.requests == []
