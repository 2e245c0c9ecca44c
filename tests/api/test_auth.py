"""Bearer tokens: every mutation needs one, of the right scope; queries need none."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from tests.api.graphql_client import GraphQLClient
from tests.documents import solver_document
from thoth_graphql.domain.token import new_secret
from thoth_graphql.store.sqlite import SqliteGraphStore

ENVIRONMENT = 'mutation { registerRuntimeEnvironment(input: {pythonVersion: "3.11"}) { created } }'
MUTATIONS = {
    "ingestSolverDocuments": (
        "mutation ($docs: [JSON!]!) { ingestSolverDocuments(documents: $docs) "
        "{ results { status } } }",
        {"docs": [solver_document()]},
    ),
    "ingestAdvisories": (
        "mutation ($records: [JSON!]!) { ingestAdvisories(records: $records) { results { id } } }",
        {"records": [{"id": "X-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}}]}]},
    ),
    "registerRuntimeEnvironment": (ENVIRONMENT, {}),
    "recordStackObservation": (
        'mutation { recordStackObservation(input: {packages: [{name: "a", version: "1"}], '
        "runtimeEnvironment: {}, outcome: SUCCESS}) { created } }",
        {},
    ),
    "createToken": ('mutation { createToken(name: "x", scope: WRITE) { token } }', {}),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
async def test_a_mutation_without_a_token_is_unauthenticated_and_writes_nothing(
    graph: SqliteGraphStore, gql: GraphQLClient, mutation: str
) -> None:
    generation = await graph.generation()
    query, variables = MUTATIONS[mutation]
    result = await gql(query, **variables)
    assert result.codes == ["UNAUTHENTICATED"]
    assert result.errors[0]["path"] == [mutation]
    assert "Authorization: Bearer" in result.errors[0]["message"]
    assert await graph.generation() == generation


@pytest.mark.parametrize("secret", [new_secret(), "", "not-even-a-token"])
async def test_an_unknown_token_is_unauthenticated(gql: GraphQLClient, secret: str) -> None:
    result = await gql.with_token(secret)(ENVIRONMENT)
    assert result.codes == ["UNAUTHENTICATED"]


async def test_a_token_in_another_scheme_is_not_a_bearer_token(gql: GraphQLClient) -> None:
    response = await gql.http.post(
        "/graphql", json={"query": ENVIRONMENT}, headers={"Authorization": "Basic dXNlcjpwdw=="}
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_write_token_writes(writer: GraphQLClient) -> None:
    result = await writer(ENVIRONMENT)
    assert result.errors == []
    assert result.data == {"registerRuntimeEnvironment": {"created": True}}


async def test_a_write_token_may_not_make_tokens(writer: GraphQLClient) -> None:
    result = await writer(MUTATIONS["createToken"][0])
    assert result.codes == ["FORBIDDEN"]
    assert "ADMIN" in result.errors[0]["message"]


async def test_an_admin_makes_a_token_that_works_and_is_stored_hashed(
    graph: SqliteGraphStore, admin: GraphQLClient
) -> None:
    result = await admin('mutation { createToken(name: "ci", scope: WRITE) { token name scope } }')
    assert result.data is not None
    made = result.data["createToken"]
    assert (made["name"], made["scope"]) == ("ci", "WRITE")
    assert (await admin.with_token(made["token"])(ENVIRONMENT)).errors == []
    with closing(sqlite3.connect(graph.path)) as db:
        stored = [row[0] for row in db.execute("SELECT token_hash FROM api_token")]
    assert made["token"] not in stored
    assert len(stored) == 2


async def test_queries_need_no_token(gql: GraphQLClient) -> None:
    result = await gql('{ package(name: "dask") { name } }')
    assert result.errors == []
