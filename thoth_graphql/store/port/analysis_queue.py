"""The analysis queue facet: analyses asked for, claimed, run and finished."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from thoth_graphql.domain import Analysis, AnalysisStatus
from thoth_graphql.store.port.values import AnalysisCursor, AnalysisFilter


class AnalysisQueue(Protocol):
    """Analyses by id; their writes move the queue generation, never the knowledge one."""

    async def create_analyses(self, analyses: Sequence[Analysis]) -> list[bool]:
        """Store new analyses by id; for each, in input order, whether it was new (a known
        id is left as it is)."""

    async def analyses(self, ids: Sequence[str]) -> list[Analysis | None]:
        """Analyses by id, in id order; None where unknown."""

    async def update_analysis(
        self, analysis: Analysis, expected: AnalysisStatus | None = None
    ) -> bool:
        """Replace the stored analysis of this id, only if it exists and, when `expected`
        is given, is in that status (compare and set); whether it was replaced."""

    async def list_analyses(
        self, where: AnalysisFilter, first: int, after: AnalysisCursor | None = None
    ) -> list[Analysis]:
        """Up to `first` matching analyses, newest `created_at` first, then by id
        descending, after the cursor."""

    async def count_analyses(self, where: AnalysisFilter) -> int: ...
