"""Solver scheduling: packages the graph names without releases get solver analyses,
once, at most `limit` per run, and not again while one was asked recently."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.thoth_processes import thoth
from tests.documents import solver_document
from thoth_graphql.analyses.schedule import schedule_solvers, unreleased_packages
from thoth_graphql.domain import (
    Analysis,
    AnalysisKind,
    AnalysisStatus,
    Dependency,
    PackageVersion,
    Release,
    RuntimeEnvironment,
)
from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_graphql.scorer import AdviseRequest
from thoth_graphql.store.port import AnalysisFilter
from thoth_graphql.store.sqlite import SqliteGraphStore
from thoth_objects import ObjectStore, get_json, open_object_store, request_key

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def graph(tmp_path: Path) -> AsyncIterator[SqliteGraphStore]:
    store = SqliteGraphStore(tmp_path / "graph.sqlite3")
    await store.open()
    # app and lib are released; app's dependencies name four packages never solved.
    await store.write_releases(
        [
            Release(
                PackageVersion("app", "1.0"),
                tuple(Dependency(name, ">=1") for name in ("lib", "dd", "bb", "cc", "aa")),
            ),
            Release(PackageVersion("lib", "1.2")),
        ]
    )
    yield store
    await store.close()


@pytest.fixture
async def objects(tmp_path: Path) -> AsyncIterator[ObjectStore]:
    async with open_object_store(str(tmp_path / "objects")) as opened:
        yield opened


async def solver_analyses(graph: SqliteGraphStore) -> list[Analysis]:
    return await graph.list_analyses(AnalysisFilter(kind=AnalysisKind.SOLVER), first=100)


async def test_packages_without_releases_are_found_in_name_order_across_pages(
    graph: SqliteGraphStore,
) -> None:
    assert [name async for name in unreleased_packages(graph, page=2)] == ["aa", "bb", "cc", "dd"]


async def test_each_unreleased_package_gets_one_queued_solver_analysis(
    graph: SqliteGraphStore, objects: ObjectStore
) -> None:
    report = await schedule_solvers(graph, objects, limit=10, now=NOW)

    assert [a.parameters["package_name"] for a in report.queued] == ["aa", "bb", "cc", "dd"]
    assert (report.unknown, report.recent) == (4, 0)
    stored = await solver_analyses(graph)
    assert {a.id for a in stored} == {a.id for a in report.queued}
    assert all(a.status is AnalysisStatus.QUEUED for a in stored)
    for analysis in report.queued:  # the dispatcher finds a request for each
        request = await get_json(objects, request_key(analysis.id))
        assert request["parameters"]["package_name"] == analysis.parameters["package_name"]
    assert "4 solver analyses queued" in report.summary()


async def test_a_second_run_queues_nothing_while_the_first_ones_wait(
    graph: SqliteGraphStore, objects: ObjectStore
) -> None:
    await schedule_solvers(graph, objects, limit=10, now=NOW)
    again = await schedule_solvers(graph, objects, limit=10, now=NOW + timedelta(days=30))
    assert again.queued == ()
    assert (again.unknown, again.recent) == (4, 4)


async def test_the_limit_bounds_a_run_and_the_next_run_goes_on(
    graph: SqliteGraphStore, objects: ObjectStore
) -> None:
    first = await schedule_solvers(graph, objects, limit=3, now=NOW)
    second = await schedule_solvers(graph, objects, limit=3, now=NOW)
    assert [a.parameters["package_name"] for a in first.queued] == ["aa", "bb", "cc"]
    assert [a.parameters["package_name"] for a in second.queued] == ["dd"]


async def test_a_finished_analysis_holds_its_package_back_for_the_retry_period(
    graph: SqliteGraphStore, objects: ObjectStore
) -> None:
    # bb was asked for 3 days ago and failed (no such project, say); cc 10 days ago.
    def failed(package: str, days_ago: int) -> Analysis:
        return Analysis(
            id=f"old-{package}",
            kind=AnalysisKind.SOLVER,
            parameters={"package_name": package},
            status=AnalysisStatus.FAILED,
            created_at=utc_timestamp(NOW - timedelta(days=days_ago)),
            error="no such project",
        )

    await graph.create_analyses([failed("bb", 3), failed("cc", 10)])
    report = await schedule_solvers(
        graph, objects, limit=10, now=NOW, retry_after=timedelta(days=7)
    )
    assert [a.parameters["package_name"] for a in report.queued] == ["aa", "cc", "dd"]
    assert report.recent == 1


async def test_nothing_to_do_writes_nothing(tmp_path: Path, objects: ObjectStore) -> None:
    store = SqliteGraphStore(tmp_path / "empty.sqlite3")
    await store.open()
    try:
        await store.write_releases([Release(PackageVersion("lib", "1.0"))])
        report = await schedule_solvers(store, objects, limit=5, now=NOW)
        assert (report.queued, report.unknown) == ((), 0)
        assert await solver_analyses(store) == []
    finally:
        await store.close()


async def test_a_run_is_not_held_back_by_the_api_rate_limit(
    graph: SqliteGraphStore, objects: ObjectStore
) -> None:
    # The API admits a burst of 30 per requester; a scheduler run queues its whole limit.
    await graph.write_releases(
        [
            Release(
                PackageVersion("big", "1.0"),
                tuple(Dependency(f"p{n:03d}", "") for n in range(60)),
            )
        ]
    )
    report = await schedule_solvers(graph, objects, limit=64, now=NOW)
    assert len(report.queued) == 64


async def test_the_limit_must_be_positive(graph: SqliteGraphStore, objects: ObjectStore) -> None:
    with pytest.raises(ValueError, match="limit"):
        await schedule_solvers(graph, objects, limit=0)


async def frontier_graph(graph: SqliteGraphStore) -> None:
    # web needs `old<2` and `new`, both unknown; `old` also by an older, unchosen release.
    await graph.write_releases(
        [
            Release(PackageVersion("web", "2.0"), (Dependency("old", "<2"), Dependency("new"))),
            Release(PackageVersion("web", "1.0"), (Dependency("old", ">=3"),)),
        ]
    )


async def test_a_requirement_set_gets_its_frontier_solved_by_range(
    graph: SqliteGraphStore, objects: ObjectStore
) -> None:
    await frontier_graph(graph)
    here = RuntimeEnvironment(python_version="3.12", platform="linux_x86_64")
    report = await schedule_solvers(
        graph,
        objects,
        limit=10,
        now=NOW,
        environment=here,
        versions_per_range=2,
        requirements=AdviseRequest(("web",), environment=here),
    )
    asked = [
        (a.parameters["package_name"], a.parameters["version_spec"], a.parameters["max_versions"])
        for a in report.queued
    ]
    # Not the unreleased packages of the whole graph (aa..dd): the frontier of `web` only.
    assert asked == [("new", ">=0", 2), ("old", "<2", 2)]  # >=0: final releases first
    assert all(a.parameters["environment"]["python_version"] == "3.12" for a in report.queued)
    again = await schedule_solvers(
        graph,
        objects,
        limit=10,
        now=NOW,
        versions_per_range=2,
        requirements=AdviseRequest(("web",), environment=here),
    )
    assert again.queued == ()  # the same ranges were asked for recently


def test_schedule_solvers_takes_a_requirements_file_and_an_environment(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    document = json.dumps(
        solver_document(
            result={
                "tree": [
                    {
                        "package_name": "web",
                        "package_version": "2.0",
                        "index_url": "https://pypi.org/simple",
                        "dependencies": [{"package_name": "old", "specifier": "<2"}],
                    }
                ]
            }
        )
    )
    (tmp_path / "web.json").write_text(document)
    thoth("ingest", "--data-dir", str(data_dir), str(tmp_path / "web.json"))
    requirements = tmp_path / "requirements.in"
    requirements.write_text("web\n")
    out = thoth(
        "schedule-solvers",
        "--data-dir",
        str(data_dir),
        "-r",
        str(requirements),
        "--python-version",
        "3.12",
        "--platform",
        "linux_x86_64",
        "--versions-per-range",
        "3",
    )
    assert "1 solver analyses queued" in out
    [request] = [json.loads(p.read_text()) for p in (data_dir / "objects").rglob("*.json")]
    parameters = request["parameters"]
    assert (parameters["package_name"], parameters["version_spec"]) == ("old", "<2")
    assert parameters["max_versions"] == 3
    assert parameters["environment"] == {"python_version": "3.12", "platform": "linux_x86_64"}
