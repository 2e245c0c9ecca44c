"""The life of an analysis: QUEUED -> RUNNING -> SUCCEEDED | FAILED, and nothing else."""

from __future__ import annotations

import pytest

from thoth_graphql.domain import Analysis, AnalysisKind, AnalysisStatus
from thoth_graphql.domain.analysis import InvalidTransition

QUEUED = Analysis("a", AnalysisKind.SOLVER, created_at="t0")


def test_a_run_sets_its_times_error_and_result() -> None:
    running = QUEUED.moved_to(AnalysisStatus.RUNNING, "t1")
    assert (running.status, running.started_at, running.finished_at) == (
        AnalysisStatus.RUNNING,
        "t1",
        None,
    )
    failed = running.moved_to(AnalysisStatus.FAILED, "t2", error="boom", result_ref="r")
    assert (failed.finished_at, failed.error, failed.result_ref) == ("t2", "boom", "r")
    assert failed.status.finished


def test_a_lost_run_may_be_queued_again() -> None:
    retried = QUEUED.moved_to(AnalysisStatus.RUNNING, "t1").moved_to(AnalysisStatus.QUEUED, "t2")
    assert (retried.status, retried.started_at) == (AnalysisStatus.QUEUED, None)


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (AnalysisStatus.QUEUED, AnalysisStatus.SUCCEEDED),
        (AnalysisStatus.SUCCEEDED, AnalysisStatus.RUNNING),
        (AnalysisStatus.FAILED, AnalysisStatus.QUEUED),
        (AnalysisStatus.QUEUED, AnalysisStatus.QUEUED),
    ],
)
def test_other_moves_are_refused(start: AnalysisStatus, to: AnalysisStatus) -> None:
    analysis = Analysis("a", AnalysisKind.SOLVER, status=start)
    with pytest.raises(InvalidTransition):
        analysis.moved_to(to, "t")
