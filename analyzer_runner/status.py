"""Status records (`status/<analysis-id>.json`): where an analysis is in its life.

A request without a status record is QUEUED; the runner writes RUNNING when it starts
and SUCCEEDED (with the result's key) or FAILED (with the error) when it ends. The
result is always written before SUCCEEDED, so SUCCEEDED means the result can be read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

RUNNING = "RUNNING"
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"


def timestamp(moment: datetime | None = None) -> str:
    """UTC time as the documents write it: `2026-01-01T12:00:00.123Z`."""
    value = (moment or datetime.now(UTC)).astimezone(UTC)
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class StatusRecord:
    """One analysis' status as the runner last wrote it."""

    analysis_id: str
    status: str
    attempt: int
    started_at: str
    kind: str | None = None
    finished_at: str | None = None
    error: str | None = None
    retryable: bool = False
    """For FAILED: whether the same request may succeed if run again."""
    result_key: str | None = None
    document_id: str | None = None
    runner: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> StatusRecord | None:
        """A record read back, or None when it is not one."""
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                analysis_id=str(data["analysis_id"]),
                status=str(data["status"]),
                attempt=int(data.get("attempt", 0)),
                started_at=str(data.get("started_at", "")),
                kind=data.get("kind"),
                finished_at=data.get("finished_at"),
                error=data.get("error"),
                retryable=bool(data.get("retryable", False)),
                result_key=data.get("result_key"),
                document_id=data.get("document_id"),
                runner=dict(data.get("runner") or {}),
            )
        except (KeyError, TypeError, ValueError):
            return None
