"""Analyses: requested pieces of sandboxed work and the state they are in."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any


class AnalysisKind(enum.Enum):
    SOLVER = "SOLVER"
    STACK_INSPECTION = "STACK_INSPECTION"


class AnalysisStatus(enum.Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"

    @property
    def finished(self) -> bool:
        return self in (AnalysisStatus.SUCCEEDED, AnalysisStatus.FAILED)


# A RUNNING analysis may go back to QUEUED: a retry after its runner was lost.
_NEXT = {
    AnalysisStatus.QUEUED: {AnalysisStatus.RUNNING, AnalysisStatus.FAILED},
    AnalysisStatus.RUNNING: {
        AnalysisStatus.SUCCEEDED,
        AnalysisStatus.FAILED,
        AnalysisStatus.QUEUED,
    },
    AnalysisStatus.SUCCEEDED: set(),
    AnalysisStatus.FAILED: set(),
}


class InvalidTransition(ValueError):
    """A status change the life of an analysis does not allow."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """A request for an analysis and its life: QUEUED -> RUNNING -> SUCCEEDED | FAILED."""

    id: str
    kind: AnalysisKind
    parameters: dict[str, Any] = field(default_factory=dict)
    status: AnalysisStatus = AnalysisStatus.QUEUED
    created_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    error: str | None = None
    result_ref: str | None = None
    requester: str | None = None
    """The hash of the token that asked for it: its details are shown to it and admins."""

    def moved_to(
        self,
        status: AnalysisStatus,
        at: str,
        *,
        error: str | None = None,
        result_ref: str | None = None,
    ) -> Analysis:
        """This analysis in `status` as of `at`; raises InvalidTransition if not allowed."""
        if status not in _NEXT[self.status]:
            raise InvalidTransition(f"analysis {self.id}: {self.status.value} -> {status.value}")
        if status is AnalysisStatus.RUNNING:
            return replace(self, status=status, started_at=at, finished_at=None, error=None)
        if status is AnalysisStatus.QUEUED:
            return replace(self, status=status, started_at=None)
        return replace(
            self,
            status=status,
            finished_at=at,
            error=error,
            result_ref=result_ref if result_ref is not None else self.result_ref,
        )
