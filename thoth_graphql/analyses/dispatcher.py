"""The dispatcher: claims QUEUED analyses, launches runners, and records how they ended.

One loop, whatever launches the runners (local processes or Kubernetes Jobs):

1. *Claim*: a QUEUED analysis moves to RUNNING by compare and set
   (`update_analysis(..., expected=QUEUED)`), so among many dispatchers exactly one wins.
2. *Launch*: the request is written again if it is missing (the API writes the graph
   first, so a crash between its two writes leaves an Analysis whose request the
   dispatcher restores from it), the ledger `dispatch/<id>.json` records the launch and
   its owner, and the launcher starts a runner.
3. *Conclude*, when the runner is gone: its status record decides. SUCCEEDED: the result
   is loaded into the graph (graph-sync, idempotent by document id; only from the key
   this analysis' result has and only if it is about what was asked), then the Analysis
   moves to SUCCEEDED pointing at the result, so a client that sees SUCCEEDED can read
   the package. FAILED and not retryable: FAILED with the runner's error. Anything else
   (retryable failure, a runner killed or unable to record): back to QUEUED after a
   back-off, at most `max_launches` launches in all, then FAILED saying why.
4. *Recover*, at start and then periodically: a RUNNING analysis whose owner is gone (a
   dispatcher on this host whose pid no longer runs; one elsewhere silent for longer than
   any run may last) is concluded if its runner finished, else queued again. A local
   runner dies with its dispatcher (PR_SET_PDEATHSIG), so no orphan keeps running.

Every move is a compare and set from the state the dispatcher saw, so an analysis is
concluded once; its result, loaded by document id, is in the graph once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from thoth_graphql.analyses.ledger import (
    FAILED,
    SUCCEEDED,
    DispatchRecord,
    RunnerStatus,
    read_dispatch_record,
    read_status,
    write_dispatch_record,
    written_since,
)
from thoth_graphql.analyses.requests import request_document
from thoth_graphql.domain import Analysis, AnalysisStatus
from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_graphql.store.port import AnalysisCursor, AnalysisFilter, GraphStore
from thoth_graphql.sync.admission import expected_result_key
from thoth_graphql.sync.documents import InvalidResult
from thoth_graphql.sync.graph_sync import GraphSync, Quarantined
from thoth_objects.layout import request_key
from thoth_objects.port import ObjectStore, put_json

log = logging.getLogger(__name__)

MAX_LAUNCHES = 3
"""Runners started for one analysis at most (the first and two retries)."""
POLL_SECONDS = 0.5
"""How often the queue is read when nothing wakes the dispatcher."""
RECOVERY_SECONDS = 30.0
CLAIM_GRACE_SECONDS = 30.0
"""How long a claim may stay without its ledger entry before it counts as abandoned."""
FOREIGN_GRACE_SECONDS = 600.0 + 120.0
"""How long an analysis launched by a dispatcher on another host is left alone: the
longest a run may last (the runner's wall-clock ceiling) and some."""
QUEUE_PAGES = 10


@dataclass(frozen=True, slots=True)
class RunEnd:
    """How a runner ended as its launcher saw it; the status record says the rest."""

    detail: str


class Run(Protocol):
    """One launched runner."""

    async def wait(self) -> RunEnd:
        """Return when the runner is gone."""

    async def stop(self) -> None:
        """Stop the runner, or stop watching it if it outlives the dispatcher."""


class Launcher(Protocol):
    """Starts runners: local processes, or Kubernetes Jobs."""

    name: str
    slots: int
    """How many runners it runs at a time."""
    survives_dispatcher: bool
    """Whether its runners go on when the dispatcher stops (Jobs do; processes do not)."""

    def job_name(self, analysis_id: str, launch: int) -> str | None:
        """The name the launch will have, recorded in the ledger before it starts."""

    async def start(self, analysis: Analysis, record: DispatchRecord) -> Run: ...

    async def reattach(self, record: DispatchRecord) -> Run | None:
        """A Run for a launch another dispatcher made, if it can still be watched."""

    async def close(self) -> None: ...


def _process_start(pid: int) -> int | None:
    """A process' start time in clock ticks since boot; None if it does not run."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The name (field 2) may hold spaces and parentheses: split after its last ')'.
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[19])


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a dispatcher is: host, pid, the pid's start time, and a random instance id."""

    host: str
    pid: int
    pid_started: int
    instance: str

    @classmethod
    def current(cls) -> Identity:
        pid = os.getpid()
        host = socket.gethostname()
        return cls(host, pid, _process_start(pid) or 0, f"{host}/{pid}/{secrets.token_hex(4)}")


def _age_seconds(timestamp: str | None) -> float:
    if not timestamp:
        return float("inf")
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return float("inf")
    return (datetime.now(UTC) - moment).total_seconds()


class Dispatcher:
    """Runs the analyses of one graph through one launcher; see the module's docstring."""

    def __init__(
        self,
        graph: GraphStore,
        objects: ObjectStore,
        launcher: Launcher,
        *,
        max_launches: int = MAX_LAUNCHES,
        poll_seconds: float = POLL_SECONDS,
        recovery_seconds: float = RECOVERY_SECONDS,
        backoff_seconds: float = 2.0,
        foreign_grace_seconds: float = FOREIGN_GRACE_SECONDS,
    ) -> None:
        self.graph = graph
        self.objects = objects
        self.launcher = launcher
        self.sync = GraphSync(graph, objects)
        self.max_launches = max_launches
        self.poll_seconds = poll_seconds
        self.recovery_seconds = recovery_seconds
        self.backoff_seconds = backoff_seconds
        self.foreign_grace_seconds = foreign_grace_seconds
        self.identity = Identity.current()
        self.finished = 0
        """Analyses this dispatcher concluded (SUCCEEDED or FAILED)."""
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._runs: dict[str, Run] = {}
        self._not_before: dict[str, float] = {}
        self._wake = asyncio.Event()
        self._stopping = False

    # -- control ------------------------------------------------------------------------

    def wake(self) -> None:
        """Look at the queue now (a request was just recorded, or a slot freed)."""
        self._wake.set()

    def stop(self) -> None:
        """Ask `run` to return: local runners are stopped and their analyses queued again
        (not counted as a launch); Kubernetes Jobs go on and are adopted later."""
        self._stopping = True
        self._wake.set()

    @property
    def active(self) -> set[str]:
        """The analyses this dispatcher is running now."""
        return set(self._tasks)

    async def run(self) -> None:
        """Dispatch until `stop()`."""
        last_recovery = -float("inf")
        while not self._stopping:
            self._wake.clear()
            try:
                if time.monotonic() - last_recovery >= self.recovery_seconds:
                    await self.recover()
                    last_recovery = time.monotonic()
                await self._fill_slots()
            except Exception:
                log.exception("dispatcher: the graph or the object store failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
        await self._shutdown()

    async def _shutdown(self) -> None:
        tasks = list(self._tasks.values())
        if self.launcher.survives_dispatcher:
            for task in tasks:
                task.cancel()
        else:
            await asyncio.gather(*(run.stop() for run in list(self._runs.values())))
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- claiming -----------------------------------------------------------------------

    async def _listed(self, status: AnalysisStatus) -> list[Analysis]:
        """Analyses in `status`, oldest first (up to QUEUE_PAGES pages of 100)."""
        found: list[Analysis] = []
        cursor: AnalysisCursor | None = None
        for _ in range(QUEUE_PAGES):
            page = await self.graph.list_analyses(AnalysisFilter(status=status), 100, cursor)
            found += page
            if len(page) < 100:
                break
            cursor = AnalysisCursor(page[-1].created_at or "", page[-1].id)
        return sorted(found, key=lambda a: (a.created_at or "", a.id))

    async def _fill_slots(self) -> None:
        free = self.launcher.slots - len(self._tasks)
        if free <= 0 or self._stopping:
            return
        now = time.monotonic()
        self._not_before = {k: t for k, t in self._not_before.items() if t > now}
        for analysis in await self._listed(AnalysisStatus.QUEUED):
            if free <= 0 or self._stopping:
                break
            if analysis.id in self._tasks or self._not_before.get(analysis.id, 0) > now:
                continue
            claimed = analysis.moved_to(AnalysisStatus.RUNNING, utc_timestamp())
            if await self.graph.update_analysis(claimed, expected=AnalysisStatus.QUEUED):
                self._not_before.pop(analysis.id, None)
                self._supervise(claimed, self._launch(claimed))
                free -= 1

    def _supervise(self, analysis: Analysis, work: Coroutine[Any, Any, None]) -> None:
        async def supervised() -> None:
            try:
                await work
            except asyncio.CancelledError:
                raise
            except Exception:
                # Left RUNNING under this dispatcher's name: the next recovery concludes it.
                log.exception("dispatcher: analysis %s could not be concluded", analysis.id)
            finally:
                self._tasks.pop(analysis.id, None)
                self._runs.pop(analysis.id, None)
                self._wake.set()

        self._tasks[analysis.id] = asyncio.create_task(supervised())

    # -- one analysis -------------------------------------------------------------------

    async def _launch(self, analysis: Analysis) -> None:
        status = await read_status(self.objects, analysis.id)
        record = await read_dispatch_record(self.objects, analysis.id)
        record = record or DispatchRecord(analysis.id)
        if status is not None and status.status == SUCCEEDED:
            # It finished while nobody watched (its dispatcher died): no need to run it.
            await self._conclude(analysis, record, status, RunEnd("finished before"))
            return
        if record.launches >= self.max_launches:
            await self._fail(analysis, self._gave_up(record, record.last_error or "unknown"))
            return
        await self._ensure_request(analysis)
        launch = record.launches + 1
        record = replace(
            record,
            launches=launch,
            launcher=self.launcher.name,
            dispatcher=self.identity.instance,
            host=self.identity.host,
            pid=self.identity.pid,
            pid_started=self.identity.pid_started,
            claimed_at=utc_timestamp(),
            job=self.launcher.job_name(analysis.id, launch),
            status_attempt=status.attempt if status is not None else 0,
        )
        await write_dispatch_record(self.objects, record)
        if self._stopping:
            await self._release(analysis, record)
            return
        run = await self.launcher.start(analysis, record)
        if self._stopping and not self.launcher.survives_dispatcher:
            await run.stop()  # `stop()` came while it started: it missed the others' stop
        await self._watch(analysis, record, run)

    async def _watch(self, analysis: Analysis, record: DispatchRecord, run: Run) -> None:
        self._runs[analysis.id] = run
        end = await run.wait()
        status = await read_status(self.objects, analysis.id)
        if self._stopping and not written_since(status, record):
            await self._release(analysis, record)
            return
        await self._conclude(analysis, record, status, end)

    async def _ensure_request(self, analysis: Analysis) -> None:
        key = request_key(analysis.id)
        if not await self.objects.exists(key):
            log.warning("dispatcher: analysis %s had no request; writing it again", analysis.id)
            await put_json(self.objects, key, request_document(analysis))

    async def _conclude(
        self,
        analysis: Analysis,
        record: DispatchRecord,
        status: RunnerStatus | None,
        end: RunEnd,
    ) -> None:
        if status is not None and written_since(status, record) and status.status == SUCCEEDED:
            # The status record is the runner's word: the result is read from the key this
            # analysis' result has, never from one the record names.
            expected = expected_result_key(analysis)
            if status.result_key != expected:
                log.warning(
                    "dispatcher: analysis %s: the runner named %r as its result; not loaded",
                    analysis.id,
                    status.result_key,
                )
                await self._fail(
                    analysis,
                    f"the runner named {status.result_key!r} as the result, not {expected!r}; "
                    "nothing was loaded",
                )
                return
            try:
                await self.sync.load_result(analysis)
            except Quarantined as refused:
                await self._fail(analysis, f"the result was quarantined: {refused}")
                return
            except InvalidResult as invalid:
                await self._fail(analysis, f"the result could not be loaded: {invalid}")
                return
            done = analysis.moved_to(AnalysisStatus.SUCCEEDED, utc_timestamp(), result_ref=expected)
            if await self.graph.update_analysis(done, expected=AnalysisStatus.RUNNING):
                self.finished += 1
            return
        if status is not None and written_since(status, record) and status.status == FAILED:
            error = status.error or "failed without a reason"
            if status.retryable:
                await self._retry(analysis, record, error)
            else:
                await self._fail(analysis, error)
            return
        await self._retry(analysis, record, f"the runner ended without a result ({end.detail})")

    def _gave_up(self, record: DispatchRecord, error: str) -> str:
        return f"{error} (gave up after {record.launches} attempts)"

    async def _retry(self, analysis: Analysis, record: DispatchRecord, error: str) -> None:
        record = replace(record, last_error=error[:4000])
        await write_dispatch_record(self.objects, record)
        if record.launches >= self.max_launches:
            await self._fail(analysis, self._gave_up(record, error))
            return
        log.info("dispatcher: analysis %s is queued again: %s", analysis.id, error)
        self._not_before[analysis.id] = time.monotonic() + self.backoff_seconds * (
            2 ** (record.launches - 1)
        )
        queued = analysis.moved_to(AnalysisStatus.QUEUED, utc_timestamp())
        await self.graph.update_analysis(queued, expected=AnalysisStatus.RUNNING)

    async def _release(self, analysis: Analysis, record: DispatchRecord) -> None:
        """Give a claim back without counting its launch: the dispatcher is stopping."""
        await write_dispatch_record(self.objects, replace(record, launches=record.launches - 1))
        queued = analysis.moved_to(AnalysisStatus.QUEUED, utc_timestamp())
        await self.graph.update_analysis(queued, expected=AnalysisStatus.RUNNING)

    async def _fail(self, analysis: Analysis, error: str) -> None:
        failed = analysis.moved_to(AnalysisStatus.FAILED, utc_timestamp(), error=error[:4000])
        if await self.graph.update_analysis(failed, expected=AnalysisStatus.RUNNING):
            self.finished += 1

    # -- recovery -----------------------------------------------------------------------

    async def recover(self) -> None:
        """Adopt the RUNNING analyses whose owner is gone (see the module's docstring)."""
        for analysis in await self._listed(AnalysisStatus.RUNNING):
            if analysis.id in self._tasks or self._stopping:
                continue
            record = await read_dispatch_record(self.objects, analysis.id)
            if (
                record is None
                or record.dispatcher == ""
                or record.claimed_at < (analysis.started_at or "")
            ):
                # Claimed, but the ledger does not name this claim: its claimer died before
                # launching, or is about to write it.
                if _age_seconds(analysis.started_at) > CLAIM_GRACE_SECONDS:
                    log.warning("dispatcher: analysis %s was claimed and abandoned", analysis.id)
                    await self._requeue_abandoned(analysis)
                continue
            run = None
            if record.launcher == self.launcher.name and record.job is not None:
                run = await self.launcher.reattach(record)
            if run is not None:
                log.info("dispatcher: watching analysis %s (launched elsewhere)", analysis.id)
                self._supervise(analysis, self._watch(analysis, record, run))
            elif self._owner_gone(record):
                log.warning("dispatcher: analysis %s lost its runner; recovering", analysis.id)
                self._supervise(analysis, self._adopt(analysis, record))

    async def _requeue_abandoned(self, analysis: Analysis) -> None:
        queued = analysis.moved_to(AnalysisStatus.QUEUED, utc_timestamp())
        await self.graph.update_analysis(queued, expected=AnalysisStatus.RUNNING)
        self._wake.set()

    def _owner_gone(self, record: DispatchRecord) -> bool:
        if record.dispatcher == self.identity.instance:
            return True  # ours, but no longer watched (an error interrupted it)
        if record.job is not None:
            return True  # a Job that can no longer be watched
        if record.host == self.identity.host:
            return _process_start(record.pid) != record.pid_started
        return _age_seconds(record.claimed_at) > self.foreign_grace_seconds

    async def _adopt(self, analysis: Analysis, record: DispatchRecord) -> None:
        status = await read_status(self.objects, analysis.id)
        if status is not None and written_since(status, record) and status.finished:
            await self._conclude(analysis, record, status, RunEnd("its dispatcher is gone"))
        else:
            await self._retry(analysis, record, "the runner was lost with its dispatcher")
        self._wake.set()
