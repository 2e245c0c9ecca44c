"""requestSolverAnalysis and requestStackInspection through the app (no dispatcher): what
they record, in which order, and what they refuse."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bench.package_index import allow_loopback
from tests.analyses.conftest import Api
from tests.analyzer_runner.conftest import assert_valid
from tests.api.conftest import add_token
from tests.api.graphql_client import GraphQLClient
from thoth_graphql.api import create_app
from thoth_graphql.domain import AnalysisStatus, TokenScope
from thoth_graphql.store.port import AnalysisFilter
from thoth_graphql.store.sqlite import SqliteGraphStore
from thoth_objects import LocalObjectStore, ObjectStoreError, get_json

SOLVE = """
mutation ($input: SolverAnalysisInput!) {
  requestSolverAnalysis(input: $input) {
    analysis { analysisId kind status parameters createdAt }
  }
}
"""
INSPECT = """
mutation ($input: StackInspectionInput!) {
  requestStackInspection(input: $input) { analysis { analysisId kind status parameters } }
}
"""


class BrokenStore(LocalObjectStore):
    """An object store whose writes fail, as one that is down would."""

    async def put(self, key: str, data: bytes) -> None:
        raise ObjectStoreError(f"{key}: put: connection refused")


async def test_a_solver_request_records_the_analysis_and_writes_its_request(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    allow_loopback(monkeypatch, "http://127.0.0.1:9/simple")
    result = await api.writer(
        SOLVE,
        input={
            "packageName": "Dask",
            "versionSpec": ">=2",
            "indexUrl": "http://127.0.0.1:9/simple",
            "runtimeEnvironment": {"pythonVersion": "3.11", "platform": "linux_x86_64"},
        },
    )
    assert result.errors == []
    assert result.data is not None
    analysis = result.data["requestSolverAnalysis"]["analysis"]
    assert (analysis["kind"], analysis["status"]) == ("SOLVER", "QUEUED")
    assert analysis["parameters"]["package_name"] == "dask"
    [stored] = await api.graph.analyses([analysis["analysisId"]])
    assert stored is not None and stored.status is AnalysisStatus.QUEUED
    request = await get_json(api.objects, f"requests/{analysis['analysisId']}.json")
    assert_valid(request, "analysis-request.schema.json")
    assert request["parameters"] == stored.parameters
    assert request["parameters"]["environment"] == {
        "python_version": "3.11",
        "platform": "linux_x86_64",
    }


async def test_a_stack_inspection_request_is_recorded(api: Api) -> None:
    result = await api.writer(
        INSPECT,
        input={
            "packages": [{"name": "a", "version": "1.0"}, {"name": "b", "version": "2"}],
            "script": "import a",
        },
    )
    assert result.errors == []
    assert result.data is not None
    analysis = result.data["requestStackInspection"]["analysis"]
    assert analysis["kind"] == "STACK_INSPECTION"
    request = await get_json(api.objects, f"requests/{analysis['analysisId']}.json")
    assert [p["package_version"] for p in request["parameters"]["packages"]] == ["1.0", "2"]


async def test_faulty_input_names_every_field_and_records_nothing(api: Api) -> None:
    result = await api.writer(
        INSPECT,
        input={
            "packages": [{"name": "ok", "version": "1"}, {"name": "-x-", "version": "v1!?"}],
            "runtimeEnvironment": {"pythonVersion": "3.11"},
        },
    )
    assert result.codes == ["BAD_USER_INPUT"]
    extensions = result.errors[0]["extensions"]
    assert extensions["field"] == "input.packages[1].name"
    assert [f["field"] for f in extensions["faults"]] == [
        "input.packages[1].name",
        "input.packages[1].version",
    ]
    bad_environment = await api.writer(
        SOLVE, input={"packageName": "a", "runtimeEnvironment": {"pythonVersion": "three"}}
    )
    assert bad_environment.errors[0]["extensions"]["field"] == (
        "input.runtimeEnvironment.pythonVersion"
    )
    assert await api.graph.count_analyses(AnalysisFilter()) == 0
    assert [k async for k in api.objects.list_keys()] == []


async def test_requests_need_a_write_token(api: Api) -> None:
    result = await api.anonymous(SOLVE, input={"packageName": "a"})
    assert result.codes == ["UNAUTHENTICATED"]


async def test_requests_are_rate_limited_per_token(api: Api) -> None:
    for _ in range(3):
        assert (await api.writer(SOLVE, input={"packageName": "a"})).errors == []
    refused = await api.writer(SOLVE, input={"packageName": "a"})
    assert refused.codes == ["RATE_LIMITED"]
    assert refused.errors[0]["extensions"]["retryAfter"] >= 1
    other = api.writer.with_token(await add_token(api.graph, TokenScope.WRITE, "other"))
    assert (await other(SOLVE, input={"packageName": "a"})).errors == []


async def test_an_unstorable_request_is_withdrawn_and_refused(api: Api, tmp_path: Path) -> None:
    api.service.objects = BrokenStore(tmp_path / "broken")
    result = await api.writer(SOLVE, input={"packageName": "a"})
    assert result.codes == ["UNAVAILABLE"]
    [failed] = await api.graph.list_analyses(AnalysisFilter(), 10)
    assert failed.status is AnalysisStatus.FAILED
    assert failed.error == "the request could not be stored; it was not run"


async def test_without_an_object_store_the_server_runs_no_analyses(
    tmp_path: Path,
) -> None:
    graph = SqliteGraphStore(tmp_path / "other.sqlite3")
    await graph.open()
    try:
        transport = httpx.ASGITransport(app=create_app(graph))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            writer = GraphQLClient(http, await add_token(graph, TokenScope.WRITE))
            result = await writer(SOLVE, input={"packageName": "a"})
        assert result.codes == ["UNAVAILABLE"]
    finally:
        await graph.close()
