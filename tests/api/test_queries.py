"""The read side beyond packages: specifiers, markers, dependents, observations, advisories,
analyses, and node() for every Node type."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import add_token
from tests.api.graphql_client import GraphQLClient
from tests.api.sample_graph import release
from thoth_graphql.domain import (
    Advisory,
    AffectedRange,
    Analysis,
    AnalysisKind,
    AnalysisStatus,
    Installability,
    ObservationSource,
    Provenance,
    RuntimeEnvironment,
    StackObservation,
    StackOutcome,
    TokenScope,
    VersionKey,
)
from thoth_graphql.store.sqlite import SqliteGraphStore

HERE = RuntimeEnvironment(python_version="3.11", platform="linux_x86_64")
WINDOWS = RuntimeEnvironment(python_version="3.8", platform="win_amd64")


def names(connection: dict[str, Any], *path: str) -> list[Any]:
    found = []
    for edge in connection["edges"]:
        value = edge["node"]
        for key in path:
            value = value[key]
        found.append(value)
    return found


async def test_versions_filtered_by_a_specifier(gql: GraphQLClient) -> None:
    query = """query ($spec: String) { package(name: "dask") {
        versions(specifier: $spec) { totalCount edges { node { version } } } } }"""
    result = await gql(query, spec=">=2.10,<3")
    assert result.data is not None
    versions = result.data["package"]["versions"]
    assert names(versions, "version") == ["2.11.0rc1", "2.10.1", "2.10.0"]
    assert versions["totalCount"] == 3
    refused = await gql(query, spec="=>2")
    assert refused.codes == ["BAD_USER_INPUT"]
    assert refused.errors[0]["extensions"]["field"] == "specifier"


async def test_dependencies_evaluated_for_an_environment(
    graph: SqliteGraphStore, gql: GraphQLClient
) -> None:
    await graph.write_releases(
        [
            release(
                "app",
                "1.0",
                "colorama; sys_platform == 'win32'",
                "uvloop; sys_platform != 'win32'",
                "tomli; python_version < '3.11'",
                "rich; extra == 'cli'",
            )
        ]
    )
    query = """query ($env: RuntimeEnvironmentInput, $extras: [String!]) {
        package(name: "app") { versions { edges { node {
            dependencies(environment: $env, extras: $extras) { name } } } } } }"""

    async def deps(**variables: Any) -> list[str]:
        result = await gql(query, **variables)
        assert result.errors == []
        assert result.data is not None
        [edge] = result.data["package"]["versions"]["edges"]
        return [d["name"] for d in edge["node"]["dependencies"]]

    assert await deps() == ["colorama", "rich", "tomli", "uvloop"]
    linux = {"pythonVersion": "3.11", "platform": "linux_x86_64"}
    assert await deps(env=linux) == ["uvloop"]
    windows = {"pythonVersion": "3.8", "platform": "win_amd64"}
    assert await deps(env=windows, extras=["CLI"]) == ["colorama", "rich", "tomli"]


async def test_who_depends_on_a_range_of_a_package(
    graph: SqliteGraphStore, gql: GraphQLClient
) -> None:
    await graph.write_releases(
        [
            release("numpy", "1.20.0"),
            release("numpy", "1.22.0"),
            release("old", "1.0", "numpy<1.10"),
            release("mid", "1.0", "numpy>=1.18,<1.21"),
            release("new", "1.0", "numpy>=1.21"),
            release("any", "1.0", "numpy"),
        ]
    )
    query = """query ($spec: String) { package(name: "numpy") {
        dependents(specifier: $spec) { totalCount edges { node {
            version { version package { name } } dependency { specifier } } } } } }"""
    result = await gql(query, spec="<1.20")
    assert result.data is not None
    dependents = result.data["package"]["dependents"]
    # Known versions below 1.20: 1.9.3, 1.10.0, 1.18.1. `new` admits none of them.
    assert sorted(names(dependents, "version", "package", "name")) == [
        "any",
        "dask",
        "dask",
        "mid",
        "old",
    ]
    assert dependents["totalCount"] == 5
    everyone = await gql(query)
    assert everyone.data is not None
    assert everyone.data["package"]["dependents"]["totalCount"] == 6

    of_version = await gql(
        """{ node(id: "UGFja2FnZVZlcnNpb246bnVtcHk9PTEuMjIuMEBodHRwczovL3B5cGkub3JnL3NpbXBsZQ==") {
        ... on PackageVersion { version dependents { edges { node {
            version { package { name } } } } } } } }"""
    )
    assert of_version.data is not None
    assert sorted(names(of_version.data["node"]["dependents"], "version", "package", "name")) == [
        "any",
        "dask",
        "dask",
        "new",
    ]


async def test_dependents_page_by_cursor(graph: SqliteGraphStore, gql: GraphQLClient) -> None:
    await graph.write_releases([release(f"user{i}", "1.0", "toolz") for i in range(5)])
    query = """query ($after: String) { package(name: "toolz") {
        dependents(first: 2, after: $after) { totalCount
          pageInfo { hasNextPage endCursor }
          edges { node { id version { package { name } } } } } } }"""
    seen: list[str] = []
    after = None
    while True:
        result = await gql(query, after=after)
        assert result.data is not None
        page = result.data["package"]["dependents"]
        assert page["totalCount"] == 6
        seen += names(page, "version", "package", "name")
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == ["dask", "user0", "user1", "user2", "user3", "user4"]
    bad = await gql(query, after="bm9wZQ==")
    assert bad.codes == ["BAD_USER_INPUT"]


def stack(day: int, outcome: StackOutcome, environment: RuntimeEnvironment) -> StackObservation:
    return StackObservation(
        (VersionKey("dask", "2.10.1"), VersionKey("numpy", "1.18.1")),
        environment,
        outcome,
        Provenance(ObservationSource.CI, f"ci-{day}", f"2026-01-{day:02d}T00:00:00Z"),
        message=f"day {day}",
        metrics={"performance": float(day)},
    )


async def test_stack_observations_filtered_and_paged(
    graph: SqliteGraphStore, gql: GraphQLClient
) -> None:
    await graph.record_stack_observations(
        [
            stack(1, StackOutcome.SUCCESS, HERE),
            stack(2, StackOutcome.RUNTIME_FAILURE, HERE),
            stack(3, StackOutcome.RUNTIME_FAILURE, WINDOWS),
        ]
    )
    environments = await gql(
        "{ runtimeEnvironments { totalCount edges { node { id pythonVersion } } } }"
    )
    assert environments.data is not None
    listed = environments.data["runtimeEnvironments"]
    assert listed["totalCount"] == 2
    here_id = next(e["node"]["id"] for e in listed["edges"] if e["node"]["pythonVersion"] == "3.11")

    query = """query ($filter: StackObservationFilter, $after: String) {
        stackObservations(filter: $filter, first: 1, after: $after) { totalCount
          pageInfo { hasNextPage endCursor } edges { node { message } } } }"""
    failures = {"outcome": "RUNTIME_FAILURE"}
    first = await gql(query, filter=failures)
    assert first.data is not None
    page = first.data["stackObservations"]
    assert (page["totalCount"], names(page, "message")) == (2, ["day 3"])
    second = await gql(query, filter=failures, after=page["pageInfo"]["endCursor"])
    assert second.data is not None
    assert names(second.data["stackObservations"], "message") == ["day 2"]
    assert second.data["stackObservations"]["pageInfo"]["hasNextPage"] is False

    here = await gql(query, filter={"runtimeEnvironment": here_id, "package": "NumPy"})
    assert here.data is not None
    assert here.data["stackObservations"]["totalCount"] == 2
    wrong_id = await gql(query, filter={"runtimeEnvironment": "UGFja2FnZTpkYXNr"})
    assert wrong_id.codes == ["BAD_USER_INPUT"]
    assert wrong_id.errors[0]["extensions"]["field"] == "filter.runtimeEnvironment"


async def test_installability_of_a_version(graph: SqliteGraphStore, gql: GraphQLClient) -> None:
    provenance = Provenance(ObservationSource.SOLVER, "solver-1", "2026-01-01T00:00:00Z")
    await graph.record_installability(
        [Installability(VersionKey("toolz", "0.10.0"), WINDOWS, False, provenance, "no wheel")]
    )
    result = await gql(
        """{ package(name: "toolz") { versions { edges { node { installability {
            installable error runtimeEnvironment { platform } provenance { source } } } } } } }"""
    )
    assert result.data is not None
    [edge] = result.data["package"]["versions"]["edges"]
    assert edge["node"]["installability"] == [
        {
            "installable": False,
            "error": "no wheel",
            "runtimeEnvironment": {"platform": "win_amd64"},
            "provenance": {"source": "SOLVER"},
        }
    ]


async def test_advisories_listed_and_by_package(
    graph: SqliteGraphStore, gql: GraphQLClient
) -> None:
    await graph.write_advisories(
        [
            Advisory("GHSA-1", "numpy", (AffectedRange("1.10", "1.18"),), severity=5.0),
            Advisory("GHSA-2", "dask", (AffectedRange("0", None, last_affected="2.9.0"),)),
        ]
    )
    listed = await gql("{ advisories { totalCount edges { node { advisoryId package } } } }")
    assert listed.data is not None
    assert listed.data["advisories"]["totalCount"] == 2
    numpy = await gql(
        '{ advisories(package: "NumPy") { totalCount edges { node { advisoryId } } } }'
    )
    assert numpy.data is not None
    assert names(numpy.data["advisories"], "advisoryId") == ["GHSA-1"]
    affected = await gql(
        """{ package(name: "dask") { advisories { advisoryId }
             versions { edges { node { version advisories { advisoryId } } } } } }"""
    )
    assert affected.data is not None
    by_version = {
        e["node"]["version"]: len(e["node"]["advisories"])
        for e in affected.data["package"]["versions"]["edges"]
    }
    assert by_version == {"2.11.0rc1": 0, "2.10.1": 0, "2.10.0": 0, "2.9.0": 1}


async def test_analyses_by_id_and_listed(graph: SqliteGraphStore, gql: GraphQLClient) -> None:
    analyses = [
        Analysis(f"a-{n}", AnalysisKind.SOLVER, {"package": "dask"}, created_at=f"2026-01-0{n}")
        for n in (1, 2, 3)
    ]
    await graph.create_analyses(analyses)
    await graph.update_analysis(analyses[0].moved_to(AnalysisStatus.RUNNING, "2026-01-05"))
    one = await gql('{ analysis(id: "a-1") { id analysisId status startedAt parameters } }')
    assert one.data is not None
    found = one.data["analysis"]
    assert (found["analysisId"], found["status"], found["startedAt"]) == (
        "a-1",
        "RUNNING",
        "2026-01-05",
    )
    assert found["parameters"] is None  # the requester's and admins' only
    admin = gql.with_token(await add_token(graph, TokenScope.ADMIN))
    shown = await admin('{ analysis(id: "a-1") { parameters } }')
    assert shown.data == {"analysis": {"parameters": {"package": "dask"}}}
    by_global_id = await gql(
        "query ($id: ID!) { analysis(id: $id) { analysisId } }", id=found["id"]
    )
    assert by_global_id.data == {"analysis": {"analysisId": "a-1"}}
    assert (await gql('{ analysis(id: "nope") { id } }')).data == {"analysis": None}
    queued = await gql(
        "{ analyses(status: QUEUED, kind: SOLVER) { totalCount edges { node { analysisId } } } }"
    )
    assert queued.data is not None
    assert names(queued.data["analyses"], "analysisId") == ["a-3", "a-2"]
    assert queued.data["analyses"]["totalCount"] == 2


@pytest.mark.parametrize(
    ("listing", "typename"),
    [
        ("runtimeEnvironments", "RuntimeEnvironment"),
        ("stackObservations", "StackObservation"),
        ("advisories", "Advisory"),
        ("analyses", "Analysis"),
    ],
)
async def test_every_listed_node_is_found_again_by_its_id(
    graph: SqliteGraphStore, gql: GraphQLClient, listing: str, typename: str
) -> None:
    await graph.record_stack_observations([stack(1, StackOutcome.SUCCESS, HERE)])
    await graph.write_advisories([Advisory("GHSA-1", "numpy", (AffectedRange("0", "2"),))])
    await graph.create_analyses([Analysis("a-1", AnalysisKind.STACK_INSPECTION, created_at="t")])
    listed = await gql(f"{{ {listing} {{ edges {{ node {{ id }} }} }} }}")
    assert listed.data is not None
    [node_id] = names(listed.data[listing], "id")
    found = await gql("query ($id: ID!) { node(id: $id) { __typename id } }", id=node_id)
    assert found.data == {"node": {"__typename": typename, "id": node_id}}


async def test_a_dependent_is_found_again_by_its_id(gql: GraphQLClient) -> None:
    listed = await gql(
        '{ package(name: "toolz") { dependents { edges { node { id dependency { name } } } } } }'
    )
    assert listed.data is not None
    [node_id] = names(listed.data["package"]["dependents"], "id")
    found = await gql(
        "query ($id: ID!) { node(id: $id) { ... on Dependent { version { version } } } }",
        id=node_id,
    )
    assert found.data == {"node": {"version": {"version": "2.10.1"}}}
