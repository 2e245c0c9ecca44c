"""Running one analysis from the object store: request in, result and status out.

Order of writes: status RUNNING, then the result document, then a completion marker,
then status SUCCEEDED. A runner killed in between leaves RUNNING behind; running the
request again writes the same document id (derived from the analysis id), so whoever
loads results into the graph sees it once. A request whose status is already
SUCCEEDED is not run again unless forced.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analyzer_runner import ANALYZER_VERSION
from analyzer_runner.egress import EgressRefused
from analyzer_runner.failure import AnalysisFailed
from analyzer_runner.index import IndexClient, IndexFault
from analyzer_runner.inspection import Inspector
from analyzer_runner.sandbox import Sandbox, SandboxUnavailable
from analyzer_runner.solver import Solver
from analyzer_runner.status import FAILED, RUNNING, SUCCEEDED, StatusRecord, timestamp
from thoth_analysis_request.document import (
    AnalysisRequest,
    InspectionRequest,
    InvalidRequest,
    SolverRequest,
    kind_of,
    parse_request,
)
from thoth_objects.layout import (
    INSPECTION,
    SOLVER,
    analysis_id_of,
    completion_key,
    result_key,
    status_key,
)
from thoth_objects.port import (
    ObjectNotFound,
    ObjectStore,
    ObjectStoreError,
    get_json,
    put_json,
)

log = logging.getLogger("analyzer_runner")


def document_id(request: AnalysisRequest) -> str:
    """The result's id: one per analysis, whatever the attempt."""
    prefix = "solver" if isinstance(request, SolverRequest) else "inspection"
    return f"{prefix}-{request.analysis_id}"


def _metadata(request: AnalysisRequest, sandbox: Sandbox, moment: datetime) -> dict[str, Any]:
    analyzer = "thoth-solver" if isinstance(request, SolverRequest) else "thoth-inspection"
    return {
        "analyzer": analyzer,
        "analyzer_version": ANALYZER_VERSION,
        "datetime": timestamp(moment),
        "document_id": document_id(request),
        "analysis_id": request.analysis_id,
        "sandbox": {**sandbox.describe(), "limits": request.limits.to_json()},
    }


async def produce_document(
    request: AnalysisRequest, sandbox: Sandbox, scratch: Path | None = None
) -> dict[str, Any]:
    """Run an analysis and return its result document (raises AnalysisFailed)."""
    started = datetime.now(UTC)
    if isinstance(request, SolverRequest):
        async with IndexClient(request.index_url) as index:
            try:
                body = await Solver(index, sandbox, scratch).solve(request)
            except IndexFault as error:
                message = f"the index could not be read: {error}"
                raise AnalysisFailed(message, retryable=True) from error
        return {
            "metadata": _metadata(request, sandbox, started),
            "parameters": request.parameters(),
            **body,
        }
    assert isinstance(request, InspectionRequest)
    body = await Inspector(sandbox, scratch).inspect(request)
    return {"metadata": _metadata(request, sandbox, started), **body}


def _runner_description(sandbox: Sandbox) -> dict[str, Any]:
    return {
        "analyzer_version": ANALYZER_VERSION,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "sandbox": sandbox.settings.mode.value,
    }


async def run_analysis(
    store: ObjectStore,
    request_key: str,
    sandbox: Sandbox,
    *,
    scratch: Path | None = None,
    force: bool = False,
) -> StatusRecord:
    """Run the request under `request_key` and record its status and result.

    Raises ObjectStoreError when the store cannot be used (nothing can be recorded then)
    and ValueError for a key that is not a request key.
    """
    analysis_id = analysis_id_of(request_key)
    previous: StatusRecord | None = None
    try:
        previous = StatusRecord.from_json(await get_json(store, status_key(analysis_id)))
    except (ObjectNotFound, ValueError):
        previous = None
    if previous is not None and previous.status == SUCCEEDED and not force:
        log.info("analysis %s already succeeded; not running it again", analysis_id)
        return previous
    record = StatusRecord(
        analysis_id=analysis_id,
        status=RUNNING,
        attempt=(previous.attempt if previous else 0) + 1,
        started_at=timestamp(),
        runner=_runner_description(sandbox),
    )
    await put_json(store, status_key(analysis_id), record.to_json())
    clock = time.monotonic()
    try:
        try:
            raw = await get_json(store, request_key)
        except ValueError as error:  # stored, but not JSON
            raise InvalidRequest(f"not JSON: {error}") from error
        request = parse_request(raw, sandbox.settings.ceiling)
        record = replace(record, kind=kind_of(request))
        if request.analysis_id != analysis_id:
            raise InvalidRequest(f"the request's analysis_id is {request.analysis_id!r}")
        document = await produce_document(request, sandbox, scratch)
        kind = SOLVER if isinstance(request, SolverRequest) else INSPECTION
        key = result_key(kind, document_id(request))
        await put_json(store, key, document)
        finished = datetime.now(UTC)
        await put_json(
            store,
            completion_key(finished, analysis_id),
            {"analysis_id": analysis_id, "result_key": key, "document_id": document_id(request)},
        )
        record = replace(
            record,
            status=SUCCEEDED,
            finished_at=timestamp(finished),
            result_key=key,
            document_id=document_id(request),
        )
    except ObjectNotFound as missing:
        record = _failed(record, f"no request under {missing.key!r}")
    except ObjectStoreError:
        raise  # nothing can be recorded; RUNNING stays, and the dispatcher retries
    except InvalidRequest as error:
        record = _failed(record, f"invalid request: {error}")
    except AnalysisFailed as error:
        record = _failed(record, str(error), retryable=error.retryable)
    except EgressRefused as error:  # the same request is refused again: no retry
        record = _failed(record, f"refused by the runner's egress policy: {error}")
    except SandboxUnavailable as error:  # this runner's setup; another runner may do
        record = _failed(record, str(error), retryable=True)
    except Exception as error:
        log.exception("analysis %s: internal error", analysis_id)
        message = f"internal error: {type(error).__name__}: {error}"
        record = _failed(record, message, retryable=True)
    await put_json(store, status_key(analysis_id), record.to_json())
    log.info(
        "analysis %s %s in %.1f s%s",
        analysis_id,
        record.status,
        time.monotonic() - clock,
        f": {record.error}" if record.error else "",
    )
    return record


def _failed(record: StatusRecord, error: str, *, retryable: bool = False) -> StatusRecord:
    return replace(
        record, status=FAILED, finished_at=timestamp(), error=error[:4000], retryable=retryable
    )
