"""`learn` as a mutation: who may start one, and what it refuses before anything runs."""

from __future__ import annotations

import asyncio

import pytest

from tests.analyses.conftest import Api
from thoth_graphql.store.port import AnalysisFilter

LEARN = """
mutation ($input: AdviseInput!, $bounds: LearningBoundsInput) {
  learn(input: $input, bounds: $bounds) { learningId round finished stopReason result { complete } }
}
"""


async def test_learning_needs_a_write_token(api: Api) -> None:
    result = await api.anonymous(LEARN, input={"requirements": ["app"]})
    assert result.codes == ["UNAUTHENTICATED"]


async def test_bounds_and_input_are_checked_before_anything_starts(api: Api) -> None:
    for bounds, field in (
        ({"maxAnalyses": 0}, "bounds.maxAnalyses"),
        ({"maxAnalyses": 2001}, "bounds.maxAnalyses"),
        ({"versionsPerRange": 0}, "bounds.versionsPerRange"),
        ({"indexUrl": "ftp://index.example/simple"}, "bounds.indexUrl"),
    ):
        refused = await api.writer(LEARN, input={"requirements": ["app"]}, bounds=bounds)
        assert refused.codes == ["BAD_USER_INPUT"], (bounds, refused)
        assert refused.errors[0]["extensions"]["field"] == field
    bad = await api.writer(LEARN, input={"requirements": ["not a requirement!"]})
    assert bad.codes == ["BAD_USER_INPUT"]
    assert await api.graph.list_analyses(AnalysisFilter(), first=10) == []


async def test_a_learning_starts_running_and_answers_its_id(api: Api) -> None:
    started = await api.writer(LEARN, input={"requirements": ["app"]})
    assert started.errors == []
    assert started.data is not None
    learning = started.data["learn"]
    assert learning["learningId"].startswith("learning-")
    assert (learning["round"], learning["finished"], learning["stopReason"]) == (0, False, None)
    assert learning["result"] is None
    running = api.services.learnings()
    assert running is not None
    found = running.get(learning["learningId"])
    assert found is not None and found.task is not None
    found.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await found.task
