"""The mutations: bulk results in input order, faults named by field, nothing half-written."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.api.graphql_client import GraphQLClient
from tests.documents import solver_document
from thoth_graphql.store.port import ObservationFilter
from thoth_graphql.store.sqlite import SqliteGraphStore

INGEST = """
mutation ($docs: [JSON!]!) {
  ingestSolverDocuments(documents: $docs) {
    results { documentId status releases }
    packagesCreated versionsCreated dependenciesCreated
  }
}
"""
ADVISORIES = """
mutation ($records: [JSON!]!) {
  ingestAdvisories(records: $records) {
    results { id changed advisories { advisoryId package severity summary
      ranges { introduced fixed lastAffected } versions } }
  }
}
"""
RECORD = """
mutation ($input: StackObservationInput!) {
  recordStackObservation(input: $input) {
    created
    stackObservation { id outcome message metrics { name value }
      packages { name version indexUrl packageVersion { requiresPython } }
      runtimeEnvironment { id pythonVersion platform }
      provenance { source documentRef observedAt } }
  }
}
"""


def osv(record_id: str = "PYSEC-2021-856", **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": record_id,
        "modified": "2026-01-01T00:00:00Z",
        "summary": "Buffer overflow in numpy",
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "NumPy"},
                "ranges": [
                    {
                        "type": "ECOSYSTEM",
                        "events": [{"introduced": "0"}, {"fixed": "1.22.0"}],
                    }
                ],
                "versions": ["1.21.0"],
            },
            {"package": {"ecosystem": "npm", "name": "left-pad"}, "versions": ["1.0.0"]},
        ],
    }
    record.update(changes)
    return record


async def test_solver_documents_give_results_in_input_order(writer: GraphQLClient) -> None:
    docs = [solver_document("doc-a"), solver_document("doc-b"), solver_document("doc-a")]
    first = await writer(INGEST, docs=docs)
    assert first.errors == []
    assert first.data is not None
    payload = first.data["ingestSolverDocuments"]
    assert [(r["documentId"], r["status"]) for r in payload["results"]] == [
        ("doc-a", "WRITTEN"),
        ("doc-b", "WRITTEN"),
        ("doc-a", "ALREADY_KNOWN"),
    ]
    assert payload["versionsCreated"] == 1  # numpy 1.18.1 was in the graph before
    again = await writer(INGEST, docs=docs[1:2])
    assert again.data is not None
    assert again.data["ingestSolverDocuments"]["results"] == [
        {"documentId": "doc-b", "status": "ALREADY_KNOWN", "releases": 2}
    ]
    check = await writer('{ package(name: "dask") { versions { totalCount } } }')
    assert check.data == {"package": {"versions": {"totalCount": 5}}}


async def test_an_invalid_document_is_named_and_nothing_is_written(
    graph: SqliteGraphStore, writer: GraphQLClient
) -> None:
    bad = solver_document("bad")
    bad["result"]["tree"][0]["dependencies"][0]["specifier"] = ">=1..0"
    worse = solver_document("worse")
    worse["result"]["tree"][1]["package_version"] = "one"
    generation = await graph.generation()
    result = await writer(INGEST, docs=[solver_document("good"), bad, worse])
    assert result.codes == ["BAD_USER_INPUT"]
    extensions = result.errors[0]["extensions"]
    assert extensions["field"] == "documents[1].result.tree[0].dependencies[0].specifier"
    assert [f["field"] for f in extensions["faults"]] == [
        "documents[1].result.tree[0].dependencies[0].specifier",
        "documents[2].result.tree[1].package_version",
    ]
    assert "PEP 440" in extensions["faults"][1]["message"]
    assert await graph.generation() == generation
    assert await graph.known_documents(["good"]) == set()


async def test_osv_records_become_advisories(writer: GraphQLClient) -> None:
    result = await writer(ADVISORIES, records=[osv()])
    assert result.errors == []
    assert result.data is not None
    [record] = result.data["ingestAdvisories"]["results"]
    assert record == {
        "id": "PYSEC-2021-856",
        "changed": True,
        "advisories": [
            {
                "advisoryId": "PYSEC-2021-856",
                "package": "numpy",
                "severity": 9.8,
                "summary": "Buffer overflow in numpy",
                "ranges": [{"introduced": "0", "fixed": "1.22.0", "lastAffected": None}],
                "versions": ["1.21.0"],
            }
        ],
    }
    again = await writer(ADVISORIES, records=[osv()])
    assert again.data is not None
    assert again.data["ingestAdvisories"]["results"][0]["changed"] is False
    affected = await writer(
        '{ package(name: "numpy") { versions { edges { node { version '
        "advisories { advisoryId } } } } } }"
    )
    assert affected.data is not None
    by_version = {
        e["node"]["version"]: [a["advisoryId"] for a in e["node"]["advisories"]]
        for e in affected.data["package"]["versions"]["edges"]
    }
    assert by_version == {
        "1.18.1": ["PYSEC-2021-856"],
        "1.10.0": ["PYSEC-2021-856"],
        "1.9.3": ["PYSEC-2021-856"],
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": ""}, "records[1].id"),
        (
            {
                "affected": [
                    {
                        "package": {"ecosystem": "PyPI", "name": "a"},
                        "ranges": [
                            {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "one"}]}
                        ],
                    }
                ]
            },
            "records[1].affected[0].ranges[0].events[1].fixed",
        ),
        ({"affected": [{"package": {"ecosystem": "npm", "name": "a"}}]}, "records[1].affected"),
        (
            {"severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:X"}]},
            "records[1].severity[0].score",
        ),
    ],
    ids=["no id", "bad version", "no PyPI package", "bad CVSS vector"],
)
async def test_an_invalid_osv_record_is_named_and_nothing_is_written(
    graph: SqliteGraphStore, writer: GraphQLClient, change: dict[str, Any], field: str
) -> None:
    result = await writer(ADVISORIES, records=[osv("GOOD-1"), osv("BAD-1", **change)])
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == field
    assert await graph.count_advisories() == 0


def observation(**changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "packages": [{"name": "Dask", "version": "2.10.1"}, {"name": "numpy", "version": "1.18.1"}],
        "runtimeEnvironment": {"pythonVersion": "3.11", "platform": "linux_x86_64"},
        "outcome": "RUNTIME_FAILURE",
        "source": "CI",
        "message": "ImportError: numpy.core.multiarray failed to import",
        "metrics": [{"name": "duration_s", "value": 12.5}],
        "observedAt": "2026-02-01T10:00:00+01:00",
    }
    value.update(changes)
    return value


async def test_a_stack_observation_is_recorded_once_with_its_provenance(
    graph: SqliteGraphStore, writer: GraphQLClient
) -> None:
    result = await writer(RECORD, input=observation())
    assert result.errors == []
    assert result.data is not None
    payload = result.data["recordStackObservation"]
    assert payload["created"] is True
    seen = payload["stackObservation"]
    assert seen["outcome"] == "RUNTIME_FAILURE"
    assert seen["metrics"] == [{"name": "duration_s", "value": 12.5}]
    assert seen["packages"][0] == {
        "name": "dask",
        "version": "2.10.1",
        "indexUrl": "https://pypi.org/simple",
        "packageVersion": {"requiresPython": ">=3.6"},
    }
    assert seen["provenance"] == {
        "source": "CI",
        "documentRef": "token:writer",
        "observedAt": "2026-02-01T09:00:00Z",
    }
    again = await writer(RECORD, input=observation())
    assert again.data is not None
    assert again.data["recordStackObservation"]["created"] is False
    assert await graph.count_stack_observations(ObservationFilter()) == 1
    assert await graph.count_environments() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {
                "packages": [
                    {"name": "dask", "version": "2.10.1"},
                    {"name": "numpy", "version": "1.x"},
                ]
            },
            "input.packages[1].version",
        ),
        ({"packages": [{"name": "-bad-", "version": "1"}]}, "input.packages[0].name"),
        ({"packages": []}, "input.packages"),
        (
            {"runtimeEnvironment": {"pythonVersion": "three"}},
            "input.runtimeEnvironment.pythonVersion",
        ),
        (
            {"metrics": [{"name": "a", "value": 1}, {"name": "a", "value": 2}]},
            "input.metrics[1].name",
        ),
        ({"metrics": [{"name": "", "value": 1}]}, "input.metrics[0].name"),
        ({"message": "x" * 10_001}, "input.message"),
        ({"documentRef": "r" * 257}, "input.documentRef"),
    ],
    ids=[
        "bad version",
        "bad name",
        "no packages",
        "bad python",
        "repeated metric",
        "empty metric name",
        "long message",
        "long document ref",
    ],
)
async def test_a_malformed_observation_is_bad_user_input_naming_the_field(
    graph: SqliteGraphStore, writer: GraphQLClient, changes: dict[str, Any], field: str
) -> None:
    result = await writer(RECORD, input=observation(**changes))
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == field
    assert await graph.count_stack_observations(ObservationFilter()) == 0
    assert await graph.count_environments() == 0


async def test_a_runtime_environment_is_registered_once(writer: GraphQLClient) -> None:
    query = """mutation ($input: RuntimeEnvironmentInput!) {
        registerRuntimeEnvironment(input: $input)
        { created runtimeEnvironment { id osName cpuFlags } } }"""
    environment = {"osName": "fedora", "osVersion": "40", "cpuFlags": ["avx2", "avx", "avx2"]}
    first = await writer(query, input=environment)
    again = await writer(query, input=copy.deepcopy(environment))
    assert first.data is not None and again.data is not None
    made, same = first.data["registerRuntimeEnvironment"], again.data["registerRuntimeEnvironment"]
    assert (made["created"], same["created"]) == (True, False)
    assert made["runtimeEnvironment"] == same["runtimeEnvironment"]
    assert made["runtimeEnvironment"]["cpuFlags"] == ["avx", "avx2"]


async def test_a_document_ref_may_be_as_long_as_a_document_id(writer: GraphQLClient) -> None:
    # 256 characters, as solver and inspection documents bound their ids (it was 200 here).
    result = await writer(RECORD, input=observation(documentRef="r" * 256))
    assert result.errors == []
    assert result.data is not None
    assert result.data["recordStackObservation"]["created"] is True
