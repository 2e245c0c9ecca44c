"""Requesting analyses: record the Analysis in the graph, then write its request.

The order is the crash-safety argument. The graph is written first, with every
parameter of the request in the Analysis; the request document is then written to the
object store; only then is the requester answered.

- A crash after the graph write and before the request write leaves a QUEUED Analysis
  without a request. Nothing is lost: the dispatcher writes the request from the
  Analysis (`request_document` is a function of it) before it launches a runner.
- The other order could leave a request in the object store that no Analysis names,
  which no dispatcher would ever run.
- An acknowledged request has both writes behind it (each durable: a SQLite transaction
  with synchronous=FULL, an fsynced rename or an S3 PUT).

If the request write fails, the Analysis is withdrawn (QUEUED -> FAILED, by compare and
set) before the requester is told to try again; should even that fail, the dispatcher
runs it anyway: a request the requester was told failed may run, but one it was told
was accepted always does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from thoth_graphql.analyses.rate_limit import RateLimiter
from thoth_graphql.analyses.requests import (
    AnalysisSpec,
    check_request_document,
    kind_of,
    request_document,
)
from thoth_graphql.domain import Analysis, AnalysisStatus
from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_graphql.store.port import AnalysisQueue
from thoth_objects.layout import new_analysis_id, request_key
from thoth_objects.port import ObjectStore, ObjectStoreError, put_json

log = logging.getLogger(__name__)


class RequestNotStored(Exception):
    """The object store could not take the request; nothing will run. Retry later."""


class AnalysisService:
    """Records analysis requests; shared by every request of an API process."""

    def __init__(
        self,
        graph: AnalysisQueue,
        objects: ObjectStore,
        *,
        limiter: RateLimiter | None = None,
        on_queued: Callable[[], object] | None = None,
    ) -> None:
        self.graph = graph
        self.objects = objects
        self.limiter = limiter or RateLimiter()
        self.on_queued = on_queued
        """Called after requests were recorded: an in-process dispatcher looks at once."""

    async def request(self, spec: AnalysisSpec, requester: str) -> Analysis:
        """Record one analysis; raises RateLimited or RequestNotStored."""
        [analysis] = await self.request_many([spec], requester)
        return analysis

    async def request_many(self, specs: Sequence[AnalysisSpec], requester: str) -> list[Analysis]:
        """Record analyses in input order, admitted together by `requester`'s rate limit."""
        if not specs:
            return []
        self.limiter.take(requester, len(specs))
        created_at = utc_timestamp()
        analyses = [
            Analysis(
                id=new_analysis_id(),
                kind=kind_of(spec),
                parameters=spec.parameters(),
                created_at=created_at,
                requester=requester,
            )
            for spec in specs
        ]
        documents = [request_document(a) for a in analyses]
        for document in documents:
            check_request_document(document)
        await self.graph.create_analyses(analyses)
        try:
            for analysis, document in zip(analyses, documents, strict=True):
                await put_json(self.objects, request_key(analysis.id), document)
        except ObjectStoreError as error:
            await self._withdraw(analyses, error)
            raise RequestNotStored(str(error)) from error
        if self.on_queued is not None:
            self.on_queued()
        return analyses

    async def _withdraw(self, analyses: Sequence[Analysis], error: ObjectStoreError) -> None:
        log.error("analysis requests could not be stored: %s", error)
        for analysis in analyses:
            failed = analysis.moved_to(
                AnalysisStatus.FAILED,
                utc_timestamp(),
                error="the request could not be stored; it was not run",
            )
            try:
                await self.graph.update_analysis(failed, expected=AnalysisStatus.QUEUED)
            except Exception:
                log.exception("analysis %s could not be withdrawn; it will run", analysis.id)
