"""Analyses: requested pieces of sandboxed work and the state they are in."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class AnalysisKind(enum.Enum):
    SOLVER = "SOLVER"
    STACK_INSPECTION = "STACK_INSPECTION"


class AnalysisStatus(enum.Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


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
