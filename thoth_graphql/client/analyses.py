"""Analyses as the client sees them: their state, and waiting until they are done."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from thoth_graphql.client.table import html_table

ANALYSIS_FIELDS = "analysisId kind status parameters error"

ANALYSIS = f"""
query Analysis($id: ID!) {{ analysis(id: $id) {{ {ANALYSIS_FIELDS} }} }}
"""

FINISHED = frozenset({"SUCCEEDED", "FAILED"})


@dataclass(frozen=True, slots=True)
class Analysis:
    """A piece of sandboxed work: SOLVER or STACK_INSPECTION, QUEUED -> RUNNING ->
    SUCCEEDED | FAILED."""

    analysis_id: str
    kind: str
    status: str
    parameters: dict[str, Any] = field(repr=False)
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def subject(self) -> str:
        """What it is about, e.g. the package a solver analysis solves."""
        return str(self.parameters.get("package_name", self.analysis_id))

    def _repr_html_(self) -> str:
        row = (self.analysis_id, self.kind, self.subject, self.status, self.error or "")
        return html_table(("id", "kind", "subject", "status", "error"), [row])

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Analysis:
        return cls(
            analysis_id=data["analysisId"],
            kind=data["kind"],
            status=data["status"],
            parameters=dict(data.get("parameters") or {}),
            error=data.get("error"),
        )


class AnalysisTimeout(Exception):
    """Analyses were still running when the wait ran out."""

    def __init__(self, pending: list[Analysis]) -> None:
        self.pending = pending
        names = ", ".join(a.subject for a in pending)
        super().__init__(f"{len(pending)} analyses still running: {names}")
