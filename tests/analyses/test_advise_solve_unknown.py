"""advise(solveUnknown: true): unknown required packages get solver analyses queued."""

from __future__ import annotations

from tests.analyses.conftest import Api
from thoth_graphql.domain import AnalysisKind, AnalysisStatus, Dependency, PackageVersion, Release
from thoth_graphql.store.port import AnalysisFilter

ADVISE = """
query ($input: AdviseInput!) {
  advise(input: $input) {
    stacks { packages { name version } }
    unresolved
    analyses { analysisId kind status parameters }
  }
}
"""


async def known_graph(api: Api) -> None:
    await api.graph.write_releases(
        [
            Release(PackageVersion("app", "1.0"), (Dependency("lib", ">=1"),)),
            Release(PackageVersion("lib", "1.2")),
        ]
    )


async def test_unknown_packages_get_solver_analyses(api: Api) -> None:
    await known_graph(api)
    result = await api.writer(
        ADVISE,
        input={"requirements": ["app", "Missing-One>=2", "missing_two"], "solveUnknown": True},
    )
    assert result.errors == []
    assert result.data is not None
    advise = result.data["advise"]
    assert advise["stacks"] == []
    assert len(advise["unresolved"]) == 2
    queued = advise["analyses"]
    assert [(a["kind"], a["status"]) for a in queued] == [("SOLVER", "QUEUED")] * 2
    assert sorted(a["parameters"]["package_name"] for a in queued) == ["missing-one", "missing-two"]
    stored = await api.graph.list_analyses(AnalysisFilter(), first=10)
    assert {a.id for a in stored} == {a["analysisId"] for a in queued}
    assert all(a.kind is AnalysisKind.SOLVER and a.status is AnalysisStatus.QUEUED for a in stored)


async def test_nothing_is_queued_when_every_package_is_known(api: Api) -> None:
    await known_graph(api)
    result = await api.writer(ADVISE, input={"requirements": ["app"], "solveUnknown": True})
    assert result.data is not None
    assert result.data["advise"]["analyses"] == []
    assert result.data["advise"]["stacks"] == [
        {"packages": [{"name": "app", "version": "1.0"}, {"name": "lib", "version": "1.2"}]}
    ]
    assert await api.graph.list_analyses(AnalysisFilter(), first=10) == []


async def test_solving_unknown_packages_needs_a_write_token(api: Api) -> None:
    await known_graph(api)
    result = await api.anonymous(ADVISE, input={"requirements": ["missing"], "solveUnknown": True})
    assert result.codes == ["UNAUTHENTICATED"]
    assert await api.graph.list_analyses(AnalysisFilter(), first=10) == []
    plain = await api.anonymous(ADVISE, input={"requirements": ["missing"]})
    assert plain.data is not None
    assert plain.data["advise"]["analyses"] == []
