"""The GraphStore contract for analyses: created QUEUED, moved by compare and set, listed."""

from __future__ import annotations

from thoth_graphql.domain import Analysis, AnalysisKind, AnalysisStatus
from thoth_graphql.store.port import AnalysisCursor, AnalysisFilter, GraphStore

RUNNING = AnalysisStatus.RUNNING
QUEUED = AnalysisStatus.QUEUED


def queued(number: int, kind: AnalysisKind = AnalysisKind.SOLVER) -> Analysis:
    return Analysis(
        id=f"analysis-{number}",
        kind=kind,
        parameters={"package": "dask", "versions": ["2.10.1"], "number": number},
        created_at=f"2026-03-{number:02d}T00:00:00Z",
        requester=f"token-hash-{number}",  # whose details these are (docs/security.md)
    )


async def test_analyses_are_created_once_and_read_back(store: GraphStore) -> None:
    first = queued(1)
    g0 = await store.generations()
    assert await store.create_analyses([first, queued(2), first]) == [True, True, False]
    g1 = await store.generations()
    # The queue moved; what is known did not (advise snapshots and cached reads stay).
    assert g1.queue != g0.queue and g1.knowledge == g0.knowledge
    assert await store.generation() == g0.knowledge
    assert await store.analyses(["analysis-2", "nope", "analysis-1"]) == [queued(2), None, first]
    assert first.status is QUEUED


async def test_an_analysis_moves_through_its_life(store: GraphStore) -> None:
    analysis = queued(1)
    await store.create_analyses([analysis])
    running = analysis.moved_to(RUNNING, "2026-03-01T00:01:00Z")
    assert await store.update_analysis(running, expected=QUEUED)
    done = running.moved_to(AnalysisStatus.SUCCEEDED, "2026-03-01T00:02:00Z", result_ref="r/1")
    assert await store.update_analysis(done)
    [stored] = await store.analyses([analysis.id])
    assert stored == done
    assert (stored.started_at, stored.finished_at, stored.result_ref) == (
        "2026-03-01T00:01:00Z",
        "2026-03-01T00:02:00Z",
        "r/1",
    )


async def test_compare_and_set_lets_one_runner_claim_an_analysis(store: GraphStore) -> None:
    analysis = queued(1)
    await store.create_analyses([analysis])
    claim = analysis.moved_to(RUNNING, "2026-03-01T00:01:00Z")
    assert await store.update_analysis(claim, expected=QUEUED) is True
    generations = await store.generations()
    assert await store.update_analysis(claim, expected=QUEUED) is False
    assert await store.generations() == generations
    assert await store.update_analysis(queued(9)) is False
    assert await store.analyses(["analysis-9"]) == [None]


async def test_an_update_that_changes_nothing_keeps_the_generation(store: GraphStore) -> None:
    analysis = queued(1)
    await store.create_analyses([analysis])
    generations = await store.generations()
    assert await store.update_analysis(analysis, expected=QUEUED) is True
    assert await store.generations() == generations


async def test_a_status_change_moves_the_queue_generation_only(store: GraphStore) -> None:
    analysis = queued(1)
    await store.create_analyses([analysis])
    before = await store.generations()
    running = analysis.moved_to(RUNNING, "2026-03-01T00:01:00Z")
    assert await store.update_analysis(running, expected=QUEUED) is True
    after = await store.generations()
    assert after.queue > before.queue
    assert after.knowledge == before.knowledge == await store.generation()


async def test_analyses_are_listed_newest_first_and_filtered(store: GraphStore) -> None:
    analyses = [
        queued(n, AnalysisKind.SOLVER if n % 2 else AnalysisKind.STACK_INSPECTION)
        for n in range(1, 6)
    ]
    await store.create_analyses(analyses)
    await store.update_analysis(analyses[0].moved_to(RUNNING, "2026-03-09T00:00:00Z"))

    async def numbers(where: AnalysisFilter) -> list[int]:
        found = await store.list_analyses(where, 10)
        assert await store.count_analyses(where) == len(found)
        return [a.parameters["number"] for a in found]

    assert await numbers(AnalysisFilter()) == [5, 4, 3, 2, 1]
    assert await numbers(AnalysisFilter(status=QUEUED)) == [5, 4, 3, 2]
    assert await numbers(AnalysisFilter(kind=AnalysisKind.SOLVER)) == [5, 3, 1]
    assert await numbers(AnalysisFilter(RUNNING, AnalysisKind.SOLVER)) == [1]
    page1 = await store.list_analyses(AnalysisFilter(), 2)
    cursor = AnalysisCursor(page1[-1].created_at or "", page1[-1].id)
    page2 = await store.list_analyses(AnalysisFilter(), 2, cursor)
    assert [a.id for a in page1 + page2] == [f"analysis-{n}" for n in (5, 4, 3, 2)]
