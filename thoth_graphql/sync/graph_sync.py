"""graph-sync: results in the object store loaded into the graph, idempotent by document id.

- `load_results(keys)`: the result documents under these keys, skipping every document id
  the graph already knows. What they hold is written by the ingest service, as every
  other ingest is: a solver document's installability statements first (idempotent by
  content), then the document (its id recorded last, after all its releases); an
  inspection document's stack observation, then its document id: a crash in between
  records the same observation again on the next pass, which changes nothing.
- `sync_completed(start_after)`: one pass over the `completed/` markers the runners write,
  in finishing order; markers whose document the graph knows are skipped without reading
  them (the document id is derived from the analysis id in the marker's key).
- `follow()`: passes again and again, from a watermark a few minutes before the newest
  marker seen (runners' clocks differ; re-reading is cheap because it is idempotent).
- `rebuild()`: an empty graph from the analyses in `requests/` and `status/`, then their
  results in `results/` (markers are not needed).

Every result is loaded only for an analysis in the graph that asked for it, from the key
that analysis' result has, and only if it is about what was asked (`admission`). Anything
else (a marker or result of no analysis, a marker naming another key, a document about
another package or index) is moved to `quarantine/` with the reason (`quarantine`),
logged, counted, reported in the pass' `quarantined`, and said on the analysis.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from thoth_graphql.domain import (
    Analysis,
    AnalysisKind,
    AnalysisStatus,
    Installability,
    StackObservation,
)
from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_graphql.ingest.observations import check_stack_observation
from thoth_graphql.ingest.service import IngestService
from thoth_graphql.ingest.solver_document import (
    InvalidDocument,
    SolverDocument,
    parse_solver_document,
)
from thoth_graphql.store.port import DocumentRef, GraphStore
from thoth_graphql.sync.admission import (
    NotAdmitted,
    admit_inspection,
    admit_solver,
    expected_result_key,
)
from thoth_graphql.sync.documents import (
    InvalidResult,
    inspection_observation,
    solver_installability,
)
from thoth_graphql.sync.quarantine import quarantine
from thoth_objects.layout import (
    COMPLETED,
    INSPECTION,
    REQUESTS,
    RESULTS,
    SOLVER,
    analysis_id_of,
    completion_analysis_id,
    completion_prefix,
    completion_time,
    result_key,
    status_key,
)
from thoth_objects.port import ObjectNotFound, ObjectStore, get_json

log = logging.getLogger(__name__)

BATCH = 50
"""Result documents read and written together."""
FOLLOW_WINDOW = timedelta(minutes=5)
"""How far before the newest marker seen a follower lists again (for runners' clocks)."""


class GraphNotEmpty(RuntimeError):
    """`rebuild` refuses a graph that already holds packages or documents."""


@dataclass(slots=True)
class SyncReport:
    """What a pass did: document ids loaded and already known, keys that failed and why,
    keys quarantined and why."""

    loaded: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    analyses_restored: int = 0
    last_key: str | None = None

    def add(self, other: SyncReport) -> None:
        self.loaded += other.loaded
        self.known += other.known
        self.failed += other.failed
        self.quarantined += other.quarantined
        self.analyses_restored += other.analyses_restored
        self.last_key = other.last_key or self.last_key

    def summary(self) -> str:
        text = (
            f"{len(self.loaded)} result(s) loaded, {len(self.known)} already known, "
            f"{len(self.failed)} failed"
        )
        if self.quarantined:
            text += f", {len(self.quarantined)} quarantined"
        if self.analyses_restored:
            text += f"; {self.analyses_restored} analyses restored"
        return text


class Quarantined(InvalidResult):
    """A result that is not what its analysis asked for; it was moved to quarantine."""


def document_id_of(result_key: str) -> tuple[str, str]:
    """(kind, document id) of `results/<kind>/<document-id>.json`; ValueError otherwise."""
    parts = result_key.split("/")
    if (
        len(parts) != 3
        or f"{parts[0]}/" != RESULTS
        or parts[1] not in (SOLVER, INSPECTION)
        or not parts[2].endswith(".json")
    ):
        raise ValueError(f"{result_key!r} is not a result key")
    return parts[1], parts[2][: -len(".json")]


def derived_document_ids(analysis_id: str) -> list[str]:
    """The document ids a runner gives the result of an analysis (one per kind)."""
    return [f"{SOLVER}-{analysis_id}", f"{INSPECTION}-{analysis_id}"]


def _owner(key: str) -> str:
    """The analysis id a result key's document id is derived from; ValueError if none."""
    kind, document_id = document_id_of(key)
    if not document_id.startswith(f"{kind}-"):
        raise ValueError(f"{key!r} is not named after an analysis")
    return document_id[len(kind) + 1 :]


@dataclass(slots=True)
class _Read:
    key: str
    kind: str
    document_id: str
    analysis: Analysis
    data: Any


class GraphSync:
    """Loads results from one object store into one graph, each only for the analysis in
    the graph that asked for it (see `admission`)."""

    def __init__(self, graph: GraphStore, objects: ObjectStore) -> None:
        self.graph = graph
        self.objects = objects
        self.ingest = IngestService(graph)

    # -- loading results ----------------------------------------------------------------

    async def load_results(self, keys: Sequence[str]) -> SyncReport:
        """Load the result documents under `keys`, each for the analysis its document id
        names; raises ObjectStoreError if the store fails (what was loaded stays loaded)."""
        report = SyncReport()
        for start in range(0, len(keys), BATCH):
            report.add(await self._load_keys(keys[start : start + BATCH]))
        return report

    async def load_result(self, analysis: Analysis) -> bool:
        """Load the result of `analysis` from the key it must have; whether it was new.
        Raises Quarantined, InvalidResult or ObjectStoreError."""
        # The caller (the dispatcher) concludes the analysis itself, saying why.
        report = await self._load_batch(
            [(expected_result_key(analysis), analysis)], conclude_refused=False
        )
        if report.quarantined:
            raise Quarantined(report.quarantined[0][1])
        if report.failed:
            raise InvalidResult(report.failed[0][1])
        return bool(report.loaded)

    async def _load_keys(self, keys: Sequence[str]) -> SyncReport:
        report = SyncReport(last_key=keys[-1] if keys else None)
        owners: dict[str, str] = {}
        for key in keys:
            try:
                owners[key] = _owner(key)
            except ValueError as error:
                report.failed.append((key, str(error)))
        found = await self.graph.analyses(list(owners.values()))
        analyses = {a.id: a for a in found if a is not None}
        admitted: list[tuple[str, Analysis]] = []
        for key, analysis_id in owners.items():
            analysis = analyses.get(analysis_id)
            if analysis is None:
                await self._quarantine(key, f"no analysis {analysis_id} was requested", report)
            elif expected_result_key(analysis) != key:
                reason = f"analysis {analysis_id}'s result is {expected_result_key(analysis)}"
                await self._quarantine(key, reason, report)
            else:
                admitted.append((key, analysis))
        report.add(await self._load_batch(admitted))
        return report

    async def _quarantine(
        self, key: str, reason: str, report: SyncReport, analysis: Analysis | None = None
    ) -> None:
        await quarantine(self.objects, key, reason)
        report.quarantined.append((key, reason))
        if analysis is None or analysis.status.finished:
            return
        # Said on the analysis too, so its requester learns why it has no result.
        failed = analysis.moved_to(
            AnalysisStatus.FAILED, utc_timestamp(), error=f"the result was quarantined: {reason}"
        )
        await self.graph.update_analysis(failed, expected=analysis.status)

    async def _load_batch(
        self, items: Sequence[tuple[str, Analysis]], *, conclude_refused: bool = True
    ) -> SyncReport:
        report = SyncReport()
        named: list[tuple[str, str, str, Analysis]] = []
        for key, analysis in items:
            try:
                named.append((key, *document_id_of(key), analysis))
            except ValueError as error:
                report.failed.append((key, str(error)))
        known = await self.graph.known_documents([document_id for _, _, document_id, _ in named])
        fresh: dict[str, tuple[str, str, str, Analysis]] = {}
        for key, kind, document_id, analysis in named:
            if document_id in known:
                report.known.append(document_id)
            else:
                fresh.setdefault(document_id, (key, kind, document_id, analysis))
        reads = await asyncio.gather(*(self._read(*item) for item in fresh.values()))
        solver: list[tuple[_Read, SolverDocument, list[Installability]]] = []
        inspections: list[tuple[_Read, StackObservation]] = []
        for read in reads:
            try:
                if isinstance(read, str):
                    raise InvalidResult(read)
                if read.kind == SOLVER:
                    parsed = self._parse_solver(read)
                    installability = solver_installability(read.data, parsed)
                    admit_solver(read.analysis, parsed, installability)
                    solver.append((read, parsed, installability))
                else:
                    observation = self._parse_inspection(read)
                    if observation.provenance.document_ref != read.document_id:
                        raise InvalidResult("its metadata.document_id is not its key's")
                    admit_inspection(read.analysis, observation)
                    inspections.append((read, observation))
            except NotAdmitted as refused:
                assert not isinstance(read, str)
                reason = f"{read.key} is not what analysis {read.analysis.id} asked: {refused}"
                concluded = read.analysis if conclude_refused else None
                await self._quarantine(read.key, reason, report, concluded)
            except InvalidResult as error:
                key = read if isinstance(read, str) else read.key
                report.failed.append((key, str(error)))
        await self._write_solver(solver, report)
        await self._write_inspections(inspections, report)
        return report

    async def _read(self, key: str, kind: str, document_id: str, analysis: Analysis) -> _Read | str:
        try:
            data = await get_json(self.objects, key)
        except ObjectNotFound:
            return f"{key}: no such result"
        except ValueError as error:
            return f"{key}: not JSON: {error}"
        return _Read(key, kind, document_id, analysis, data)

    @staticmethod
    def _parse_solver(read: _Read) -> SolverDocument:
        try:
            parsed = parse_solver_document(read.data, read.key)
        except InvalidDocument as error:
            raise InvalidResult(str(error)) from error
        if parsed.ref.document_id != read.document_id:
            raise InvalidResult(f"{read.key}: its metadata.document_id is not its key's")
        return parsed

    @staticmethod
    def _parse_inspection(read: _Read) -> StackObservation:
        observation = inspection_observation(read.data)
        try:
            # The bounds every stack observation meets, however it reached the service.
            check_stack_observation(observation, read.key)
        except InvalidDocument as error:
            raise InvalidResult(str(error)) from error
        return observation

    async def _write_solver(
        self,
        documents: list[tuple[_Read, SolverDocument, list[Installability]]],
        report: SyncReport,
    ) -> None:
        if not documents:
            return
        ingested = await self.ingest.write_solver_documents(
            [parsed for _, parsed, _ in documents],
            installability=[o for _, _, found in documents for o in found],
        )
        report.loaded += ingested.written
        report.known += ingested.skipped

    async def _write_inspections(
        self, documents: list[tuple[_Read, StackObservation]], report: SyncReport
    ) -> None:
        if not documents:
            return
        refs = []
        for read, observation in documents:
            metadata = read.data["metadata"]
            refs.append(
                DocumentRef(
                    document_id=read.document_id,
                    analyzer=str(metadata.get("analyzer", "")),
                    analyzer_version=str(metadata.get("analyzer_version", "")),
                    datetime=observation.provenance.observed_at,
                    environment=observation.environment,
                )
            )
        # The documents are recorded last: known only once their observations are stored.
        await self.ingest.stack_observations([o for _, o in documents], refs)
        report.loaded += [read.document_id for read, _ in documents]

    # -- passes over the object store ---------------------------------------------------

    async def sync_completed(
        self, start_after: str | None = None, skip: set[str] | None = None
    ) -> SyncReport:
        """One pass over the completion markers after `start_after`, in finishing order."""
        report = SyncReport()
        keys = [k async for k in self.objects.list_keys(COMPLETED, start_after=start_after)]
        for start in range(0, len(keys), BATCH):
            batch = [k for k in keys[start : start + BATCH] if not skip or k not in skip]
            report.add(await self._completed_batch(batch))
            report.last_key = keys[min(start + BATCH, len(keys)) - 1]
        return report

    async def _completed_batch(self, markers: Sequence[str]) -> SyncReport:
        report = SyncReport()
        ids: dict[str, str] = {}
        for key in markers:
            try:
                ids[key] = completion_analysis_id(key)
            except ValueError as error:
                report.failed.append((key, str(error)))
        candidates = [d for analysis_id in ids.values() for d in derived_document_ids(analysis_id)]
        known = await self.graph.known_documents(candidates)
        pending: dict[str, str] = {}
        for key, analysis_id in ids.items():
            found = [d for d in derived_document_ids(analysis_id) if d in known]
            if found:
                report.known += found
            else:
                pending[key] = analysis_id
        requested = await self.graph.analyses(list(pending.values()))
        analyses = {a.id: a for a in requested if a is not None}
        admitted: list[tuple[str, Analysis]] = []
        for key, analysis_id in pending.items():
            try:
                marker = await get_json(self.objects, key)
                named = str(marker["result_key"])
            except (ValueError, KeyError, TypeError) as error:
                report.failed.append((key, f"not a completion marker: {error}"))
                continue
            except ObjectNotFound:
                continue  # deleted since it was listed
            analysis = analyses.get(analysis_id)
            if analysis is None:
                # Nobody asked: the marker and the result it names (if it is the one such
                # an analysis would have) are a runner's forgery or a leftover.
                reason = f"no analysis {analysis_id} was requested"
                await self._quarantine(key, reason, report)
                derived = {result_key(k, f"{k}-{analysis_id}") for k in (SOLVER, INSPECTION)}
                if named in derived:
                    await self._quarantine(named, reason, report)
                continue
            expected = expected_result_key(analysis)
            if named != expected:
                reason = f"the marker names {named}; analysis {analysis_id}'s result is {expected}"
                await self._quarantine(key, reason, report)
                continue
            admitted.append((expected, analysis))
        report.add(await self._load_batch(admitted))
        return report

    async def follow(
        self,
        *,
        interval: float = 2.0,
        stop: asyncio.Event | None = None,
        on_report: Callable[[SyncReport], object] | None = None,
    ) -> None:
        """Pass over new completion markers every `interval` seconds until `stop` is set.

        A pass that fails (the store or the graph is down) is logged and tried again.
        """
        stop = stop or asyncio.Event()
        start_after: str | None = None
        failed: set[str] = set()
        while not stop.is_set():
            try:
                report = await self.sync_completed(start_after, skip=failed)
            except Exception:
                log.exception("graph-sync: a pass failed; trying again in %.1f s", interval)
            else:
                failed.update(key for key, _ in report.failed)
                if report.last_key is not None:
                    start_after = completion_prefix(
                        completion_time(report.last_key) - FOLLOW_WINDOW
                    )
                if on_report is not None:
                    on_report(report)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async def rebuild(self) -> SyncReport:
        """Load every result under `results/` and every analysis into an empty graph."""
        counts = await self.graph.counts()
        if counts.packages or counts.documents:
            raise GraphNotEmpty(
                f"the graph already holds {counts.packages} packages and {counts.documents} "
                "documents; --rebuild fills an empty graph (drop it first)"
            )
        report = SyncReport()
        # Analyses first: a result is loaded only for the analysis that asked for it.
        report.analyses_restored = await self.restore_analyses()
        for kind in (SOLVER, INSPECTION):
            keys = [k async for k in self.objects.list_keys(f"{RESULTS}{kind}/")]
            report.add(await self.load_results(keys))
        return report

    async def restore_analyses(self) -> int:
        """Create the analyses the object store's requests describe, in the state their
        status records say (RUNNING becomes QUEUED: no runner survives a rebuild)."""
        keys = [k async for k in self.objects.list_keys(REQUESTS)]
        restored = 0
        for start in range(0, len(keys), BATCH):
            found = await asyncio.gather(*(self._analysis(k) for k in keys[start : start + BATCH]))
            analyses = [a for a in found if a is not None]
            restored += sum(await self.graph.create_analyses(analyses))
        return restored

    async def _analysis(self, request_key: str) -> Analysis | None:
        try:
            analysis_id = analysis_id_of(request_key)
            request = await get_json(self.objects, request_key)
            analysis = Analysis(
                id=analysis_id,
                kind=AnalysisKind(request["kind"]),
                parameters=dict(request["parameters"]),
                created_at=_time(request.get("created_at")),
            )
        except (ObjectNotFound, ValueError, KeyError, TypeError) as error:
            log.warning("graph-sync: %s is not a request: %s", request_key, error)
            return None
        try:
            status = await get_json(self.objects, status_key(analysis_id))
        except (ObjectNotFound, ValueError):
            return analysis
        if not isinstance(status, dict) or status.get("status") not in ("SUCCEEDED", "FAILED"):
            return analysis
        return replace(
            analysis,
            status=AnalysisStatus(status["status"]),
            created_at=analysis.created_at,
            started_at=_time(status.get("started_at")),
            finished_at=_time(status.get("finished_at")),
            error=status.get("error"),
            # The key the result must have, not the one a status record names.
            result_ref=(expected_result_key(analysis) if status["status"] == "SUCCEEDED" else None),
        )


def _time(raw: object) -> str | None:
    """An ISO 8601 time as the graph keeps times; None for none or a malformed one."""
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return utc_timestamp(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except ValueError:
        return None
