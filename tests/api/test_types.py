"""Package, its versions connection, PackageVersion and Dependency as clients see them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.api.graphql_client import GraphQLClient
from tests.api.sample_graph import many_versions
from thoth_graphql.api.context import Context
from thoth_graphql.api.errors import UserInputError
from thoth_graphql.api.types import Package, PackageVersion
from thoth_graphql.domain.ordering import newest_first
from thoth_graphql.services import Services
from thoth_graphql.store.sqlite import SqliteGraphStore

VERSIONS = """
query ($name: String!, $first: Int, $after: String) {
  package(name: $name) {
    name
    versions(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { version indexUrl requiresPython yanked } }
    }
  }
}
"""


async def test_a_package_lists_its_versions_newest_first(gql: GraphQLClient) -> None:
    result = await gql(VERSIONS, name="dask")
    assert result.errors == []
    assert result.data is not None
    package = result.data["package"]
    assert package["name"] == "dask"
    versions = package["versions"]
    assert versions["totalCount"] == 4
    assert [e["node"]["version"] for e in versions["edges"]] == [
        "2.11.0rc1",
        "2.10.1",
        "2.10.0",
        "2.9.0",
    ]
    assert versions["edges"][1]["node"] == {
        "version": "2.10.1",
        "indexUrl": "https://pypi.org/simple",
        "requiresPython": ">=3.6",
        "yanked": False,
    }
    assert versions["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": versions["edges"][0]["cursor"],
        "endCursor": versions["edges"][-1]["cursor"],
    }


async def test_the_name_is_canonicalised(gql: GraphQLClient) -> None:
    result = await gql(VERSIONS, name="NumPy")
    assert result.data is not None
    assert result.data["package"]["name"] == "numpy"
    nodes = [e["node"] for e in result.data["package"]["versions"]["edges"]]
    assert [(n["version"], n["yanked"]) for n in nodes] == [
        ("1.18.1", False),
        ("1.10.0", True),
        ("1.9.3", False),
    ]


async def test_an_unknown_package_is_null(gql: GraphQLClient) -> None:
    result = await gql(VERSIONS, name="no-such-package")
    assert result.errors == []
    assert result.data == {"package": None}


async def test_pages_follow_each_other_without_overlap_or_gap(
    graph: SqliteGraphStore, gql: GraphQLClient
) -> None:
    releases = many_versions("many", 25)
    await graph.write_releases(releases)
    expected = [v.version for v in newest_first(r.version for r in releases)]

    seen: list[str] = []
    after = None
    pages = []
    while True:
        result = await gql(VERSIONS, name="many", first=10, after=after)
        assert result.errors == []
        assert result.data is not None
        connection = result.data["package"]["versions"]
        assert connection["totalCount"] == 25
        pages.append(connection["pageInfo"])
        seen.extend(e["node"]["version"] for e in connection["edges"])
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    assert seen == expected
    assert [p["hasPreviousPage"] for p in pages] == [False, True, True]
    assert [p["hasNextPage"] for p in pages] == [True, True, False]


async def test_a_page_of_zero_says_whether_there_is_more(gql: GraphQLClient) -> None:
    result = await gql(VERSIONS, name="dask", first=0)
    assert result.data is not None
    connection = result.data["package"]["versions"]
    assert connection["edges"] == []
    assert connection["totalCount"] == 4
    assert connection["pageInfo"]["hasNextPage"] is True
    assert connection["pageInfo"]["endCursor"] is None


async def test_dependencies_keep_specifier_extras_marker_and_extra(gql: GraphQLClient) -> None:
    result = await gql(
        """{ package(name: "dask") { versions(first: 2) { edges { node {
              version dependencies { name specifier extras marker extra } } } } } }"""
    )
    assert result.errors == []
    assert result.data is not None
    edges = result.data["package"]["versions"]["edges"]
    assert edges[0]["node"] == {"version": "2.11.0rc1", "dependencies": []}
    assert edges[1]["node"]["dependencies"] == [
        {
            "name": "numpy",
            "specifier": ">=1.13.0",
            "extras": [],
            "marker": 'extra == "array"',
            "extra": "array",
        },
        {
            "name": "partd",
            "specifier": ">=0.3.10",
            "extras": ["complete"],
            "marker": 'extra == "complete"',
            "extra": "complete",
        },
        {"name": "toolz", "specifier": ">=0.7.3", "extras": [], "marker": None, "extra": None},
    ]


async def test_a_version_links_back_to_its_package(gql: GraphQLClient) -> None:
    result = await gql(
        '{ package(name: "toolz") { versions { edges { node { package { name } } } } } }'
    )
    assert result.data is not None
    [edge] = result.data["package"]["versions"]["edges"]
    assert edge["node"]["package"] == {"name": "toolz"}


@pytest.mark.parametrize(
    ("node_type", "node_id"),
    [(Package, "no-such-package"), (PackageVersion, "dask==9.9@https://pypi.org/simple")],
)
async def test_required_nodes_that_are_missing_are_refused(
    graph: SqliteGraphStore, node_type: type[Package | PackageVersion], node_id: str
) -> None:
    info = SimpleNamespace(context=Context(Services.over(graph)))
    assert await node_type.resolve_nodes(info=info, node_ids=[node_id]) == [None]  # type: ignore[arg-type]
    with pytest.raises(UserInputError):
        await node_type.resolve_nodes(info=info, node_ids=[node_id], required=True)  # type: ignore[arg-type]
