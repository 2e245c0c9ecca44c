"""The two records a dispatcher reads in the object store about one analysis.

- `status/<id>.json`, written by the runner (schema/analysis-status.schema.json): RUNNING
  with its attempt number, then SUCCEEDED with the result's key or FAILED with the error
  and whether a retry may help. Read here by the contract, not by importing the runner.
- `dispatch/<id>.json`, the dispatchers' own ledger: how many times the analysis was
  launched, by which dispatcher (host, pid and its start time, so a restarted dispatcher
  can tell a dead owner from a live one), how (local process or Kubernetes Job), and the
  runner's attempt number seen before the launch (a status record older than the launch
  says nothing about it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from thoth_objects.layout import dispatch_key, status_key
from thoth_objects.port import ObjectNotFound, ObjectStore, get_json, put_json

RUNNING = "RUNNING"
SUCCEEDED = "SUCCEEDED"
FAILED = "FAILED"


@dataclass(frozen=True, slots=True)
class RunnerStatus:
    """What the runner last recorded about an analysis."""

    status: str
    attempt: int
    error: str | None = None
    retryable: bool = False
    result_key: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in (SUCCEEDED, FAILED)

    @classmethod
    def from_json(cls, data: Any) -> RunnerStatus | None:
        if not isinstance(data, dict) or data.get("status") not in (RUNNING, SUCCEEDED, FAILED):
            return None
        try:
            status = cls(
                status=str(data["status"]),
                attempt=int(data.get("attempt") or 0),
                error=None if data.get("error") is None else str(data["error"]),
                retryable=bool(data.get("retryable", False)),
                result_key=None if data.get("result_key") is None else str(data["result_key"]),
            )
        except (TypeError, ValueError):
            return None
        if status.status == SUCCEEDED and not status.result_key:
            return None
        return status


async def read_status(objects: ObjectStore, analysis_id: str) -> RunnerStatus | None:
    """The runner's status record; None when there is none (or it is not one)."""
    try:
        return RunnerStatus.from_json(await get_json(objects, status_key(analysis_id)))
    except (ObjectNotFound, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class DispatchRecord:
    """A dispatcher's ledger of one analysis."""

    analysis_id: str
    launches: int = 0
    """How many times a runner was started for it (bounded by the retry limit)."""
    launcher: str = ""
    """`local` or `kubernetes`."""
    dispatcher: str = ""
    """The instance that launched it last: `<host>/<pid>/<random>`."""
    host: str = ""
    pid: int = 0
    pid_started: int = 0
    """The dispatcher process' start time (clock ticks since boot), against pid reuse."""
    claimed_at: str = ""
    job: str | None = None
    """The Kubernetes Job's name, for the kubernetes launcher."""
    status_attempt: int = 0
    """The runner's attempt number before this launch."""
    last_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> DispatchRecord | None:
        if not isinstance(data, dict) or not isinstance(data.get("analysis_id"), str):
            return None
        known = cls.__dataclass_fields__
        try:
            return cls(**{k: v for k, v in data.items() if k in known})
        except TypeError:
            return None


async def read_dispatch_record(objects: ObjectStore, analysis_id: str) -> DispatchRecord | None:
    try:
        return DispatchRecord.from_json(await get_json(objects, dispatch_key(analysis_id)))
    except (ObjectNotFound, ValueError):
        return None


async def write_dispatch_record(objects: ObjectStore, record: DispatchRecord) -> None:
    await put_json(objects, dispatch_key(record.analysis_id), record.to_json())


def written_since(status: RunnerStatus | None, record: DispatchRecord) -> bool:
    """Whether a status record was written by the launch the ledger describes (or later):
    a SUCCEEDED one always counts, others only if their attempt is newer than the launch."""
    return status is not None and (
        status.status == SUCCEEDED or status.attempt > record.status_attempt
    )
