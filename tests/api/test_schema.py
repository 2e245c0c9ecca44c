"""The Query root and the limits every request is held to."""

from __future__ import annotations

import base64

import pytest
from graphql import get_introspection_query

from tests.api.graphql_client import GraphQLClient
from thoth_graphql.api.pagination import MAX_PAGE_SIZE, encode_cursor
from thoth_graphql.api.schema import MAX_DEPTH

VERSIONS = """
query ($first: Int, $after: String) {
  package(name: "dask") { versions(first: $first, after: $after) { edges { node { version } } } }
}
"""
PACKAGES = """
query ($prefix: String!, $first: Int, $after: String) {
  packages(prefix: $prefix, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { node { name } }
  }
}
"""


async def test_packages_are_listed_by_name_page_by_page(gql: GraphQLClient) -> None:
    names: list[str] = []
    after = None
    while True:
        result = await gql(PACKAGES, prefix="", first=2, after=after)
        assert result.errors == []
        assert result.data is not None
        connection = result.data["packages"]
        # Packages named only as dependency targets are in the graph too.
        assert connection["totalCount"] == 5
        names.extend(e["node"]["name"] for e in connection["edges"])
        assert connection["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert names == ["dask", "locket", "numpy", "partd", "toolz"]


async def test_packages_by_prefix_use_the_canonical_form(gql: GraphQLClient) -> None:
    result = await gql(PACKAGES, prefix="Nu", first=10)
    assert result.data is not None
    assert result.data["packages"]["totalCount"] == 1
    assert [e["node"]["name"] for e in result.data["packages"]["edges"]] == ["numpy"]


async def test_a_node_is_found_again_by_its_global_id(gql: GraphQLClient) -> None:
    listed = await gql(
        '{ package(name: "dask") { id versions(first: 1) { edges { node { id version } } } } }'
    )
    assert listed.data is not None
    package = listed.data["package"]
    [edge] = package["versions"]["edges"]

    query = """query ($id: ID!) { node(id: $id) {
        __typename ... on Package { name } ... on PackageVersion { version package { name } } } }"""
    by_package_id = await gql(query, id=package["id"])
    assert by_package_id.data == {"node": {"__typename": "Package", "name": "dask"}}
    by_version_id = await gql(query, id=edge["node"]["id"])
    assert by_version_id.data == {
        "node": {
            "__typename": "PackageVersion",
            "version": "2.11.0rc1",
            "package": {"name": "dask"},
        }
    }


async def test_an_unknown_node_is_null(gql: GraphQLClient) -> None:
    unknown = base64.b64encode(b"Package:no-such-package").decode()
    result = await gql("query ($id: ID!) { node(id: $id) { id } }", id=unknown)
    assert result.errors == []
    assert result.data == {"node": None}


@pytest.mark.parametrize(
    "raw_id",
    [b"Nothing:dask", b"Query:dask", b"PackageVersion:dask", b"no colon"],
    ids=["unknown type", "not a node", "malformed version id", "malformed"],
)
async def test_a_bad_global_id_is_bad_user_input(gql: GraphQLClient, raw_id: bytes) -> None:
    result = await gql(
        "query ($id: ID!) { node(id: $id) { id } }", id=base64.b64encode(raw_id).decode()
    )
    assert result.codes == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("first", [MAX_PAGE_SIZE + 1, -1])
async def test_a_page_size_out_of_range_is_bad_user_input(gql: GraphQLClient, first: int) -> None:
    versions = await gql(VERSIONS, first=first)
    packages = await gql(PACKAGES, prefix="", first=first)
    for result in (versions, packages):
        assert result.codes == ["BAD_USER_INPUT"]
        assert str(first) in result.errors[0]["message"]
    assert versions.data == {"package": None}
    assert packages.data is None


async def test_the_largest_page_is_allowed(gql: GraphQLClient) -> None:
    result = await gql(VERSIONS, first=MAX_PAGE_SIZE)
    assert result.errors == []


@pytest.mark.parametrize(
    "after",
    [
        "not base64 at all!",
        encode_cursor("Package", "dask"),
        encode_cursor("PackageVersion", "numpy", "1.18.1", "https://pypi.org/simple"),
        encode_cursor("PackageVersion", "dask", "9.9.9", "https://pypi.org/simple"),
        encode_cursor("PackageVersion", "dask"),
    ],
    ids=["garbage", "other list", "other package", "unknown version", "wrong arity"],
)
async def test_a_bad_cursor_is_bad_user_input(gql: GraphQLClient, after: str) -> None:
    result = await gql(VERSIONS, after=after)
    assert result.codes == ["BAD_USER_INPUT"]
    assert result.data == {"package": None}


async def test_a_bad_packages_cursor_is_bad_user_input(gql: GraphQLClient) -> None:
    after = encode_cursor("PackageVersion", "dask", "2.9.0", "https://pypi.org/simple")
    result = await gql(PACKAGES, prefix="", after=after)
    assert result.codes == ["BAD_USER_INPUT"]


def nested(depth: int) -> str:
    """A query whose leaf field is `depth` levels below the root field."""
    cycle = [("versions", "totalCount"), ("edges", "cursor"), ("node", "version")]
    cycle.append(("package", "name"))
    chain = [('package(name: "dask")', "name"), *(cycle * depth)[: depth - 1]]
    fields = [name for name, _ in chain]
    leaf = chain[-1][1]
    return "{ " + " { ".join(fields) + " { " + leaf + " }" * len(fields) + " }"


async def test_a_query_deeper_than_the_limit_is_refused(gql: GraphQLClient) -> None:
    allowed = await gql(nested(MAX_DEPTH))
    assert allowed.errors == []
    refused = await gql(nested(MAX_DEPTH + 1))
    assert refused.codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "depth" in refused.errors[0]["message"]
    assert refused.data is None


async def test_the_full_introspection_query_passes_the_limits(gql: GraphQLClient) -> None:
    # GraphiQL's introspection nests deeper than MAX_DEPTH; it must not be refused.
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
        one_of=True,
    )
    result = await gql(query)
    assert result.errors == []
    assert result.data is not None
    names = {t["name"] for t in result.data["__schema"]["types"]}
    assert {"Package", "PackageVersion", "Dependency", "Node"} <= names
