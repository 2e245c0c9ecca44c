"""ThothClient: typed calls over the GraphQL API for scripts, notebooks and commands."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any

from thoth_graphql.client.advice import ADVISE, Advice
from thoth_graphql.client.analyses import ANALYSIS, Analysis, AnalysisTimeout
from thoth_graphql.client.environment import RuntimeEnvironment
from thoth_graphql.client.observations import STACK_OBSERVATIONS, StackObservation
from thoth_graphql.client.packages import PACKAGE, PACKAGES, PAGE, Package, release_from_data
from thoth_graphql.client.transport import HttpTransport, Transport

RECOMMENDATION_TYPES = ("LATEST", "STABLE", "SECURITY", "PERFORMANCE", "TESTING")


class ThothClient:
    """The API through one Transport; it only ever speaks GraphQL.

    `ThothClient.connect("http://127.0.0.1:8000")` reaches a server over HTTP; use it as a
    context manager, or call `close()`.
    """

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    @classmethod
    def connect(cls, url: str, *, token: str | None = None, timeout: float = 60.0) -> ThothClient:
        return cls(HttpTransport(url, token=token, timeout=timeout))

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> ThothClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def execute(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Any GraphQL operation; its `data`."""
        return self.transport.execute(query, variables)

    def advise(
        self,
        requirements: Sequence[str],
        *,
        constraints: Sequence[str] = (),
        environment: RuntimeEnvironment | None = None,
        recommendation_type: str = "LATEST",
        count: int = 1,
        time_limit_ms: int | None = None,
        solve_unknown: bool = False,
    ) -> Advice:
        """The best stacks for PEP 508 `requirements` (docs/advise.md). Without an
        `environment` the server's own interpreter is assumed."""
        if recommendation_type not in RECOMMENDATION_TYPES:
            raise ValueError(f"recommendation_type must be one of {RECOMMENDATION_TYPES}")
        request: dict[str, Any] = {
            "requirements": list(requirements),
            "constraints": list(constraints),
            "recommendationType": recommendation_type,
            "count": count,
            "solveUnknown": solve_unknown,
        }
        if environment is not None:
            request["runtimeEnvironment"] = environment.to_input()
        if time_limit_ms is not None:
            request["timeLimitMs"] = time_limit_ms
        return Advice.from_data(self.execute(ADVISE, {"input": request})["advise"])

    def package(self, name: str) -> Package | None:
        """A package with every release the graph knows (newest first); None if unknown."""
        releases = []
        after: str | None = None
        while True:
            variables = {"name": name, "first": PAGE, "after": after}
            data = self.execute(PACKAGE, variables)["package"]
            if data is None:
                return None
            versions = data["versions"]
            releases += [release_from_data(edge["node"]) for edge in versions["edges"]]
            if not versions["pageInfo"]["hasNextPage"]:
                return Package(name=data["name"], releases=releases)
            after = versions["pageInfo"]["endCursor"]

    def packages(self, prefix: str = "", *, limit: int = 1000) -> list[str]:
        """Canonical names of known packages starting with `prefix`, by name."""
        names: list[str] = []
        for page in self._pages(PACKAGES, {"prefix": prefix}, "packages", limit):
            names += [edge["node"]["name"] for edge in page["edges"]]
            if len(names) >= limit:
                break
        return names[:limit]

    def stack_observations(
        self, *, package: str | None = None, outcome: str | None = None, limit: int = 20
    ) -> list[StackObservation]:
        """Stack observations, newest first, of stacks holding `package` / with `outcome`."""
        where = {"package": package, "outcome": outcome}
        variables = {"filter": {k: v for k, v in where.items() if v is not None}}
        found: list[StackObservation] = []
        for page in self._pages(STACK_OBSERVATIONS, variables, "stackObservations", limit):
            found += [StackObservation.from_data(edge["node"]) for edge in page["edges"]]
            if len(found) >= limit:
                break
        return found[:limit]

    def analysis(self, analysis_id: str) -> Analysis | None:
        data = self.execute(ANALYSIS, {"id": analysis_id})["analysis"]
        return None if data is None else Analysis.from_data(data)

    def wait_for_analyses(
        self,
        analyses: Iterable[Analysis],
        *,
        timeout: float = 600.0,
        interval: float = 1.0,
        on_finished: Callable[[Analysis], None] | None = None,
    ) -> list[Analysis]:
        """The analyses once every one has SUCCEEDED or FAILED, in the order given.

        Polls each unfinished one every `interval` seconds; `on_finished` hears of each as
        it finishes. Raises AnalysisTimeout when `timeout` seconds pass first.
        """
        latest = {a.analysis_id: a for a in analyses}
        order = list(latest)
        deadline = time.monotonic() + timeout
        while True:
            for analysis_id in order:
                if latest[analysis_id].finished:
                    continue
                now = self.analysis(analysis_id)
                if now is None:
                    raise LookupError(f"analysis {analysis_id} is not known to the server")
                latest[analysis_id] = now
                if now.finished and on_finished is not None:
                    on_finished(now)
            pending = [latest[i] for i in order if not latest[i].finished]
            if not pending:
                return [latest[i] for i in order]
            if time.monotonic() >= deadline:
                raise AnalysisTimeout(pending)
            time.sleep(interval)

    def _pages(
        self, query: str, variables: dict[str, Any], field: str, limit: int = PAGE
    ) -> Iterator[dict[str, Any]]:
        """Each page of the top-level connection `field`."""
        after: str | None = None
        while True:
            page_variables = {**variables, "first": min(PAGE, max(limit, 1)), "after": after}
            page: dict[str, Any] = self.execute(query, page_variables)[field]
            yield page
            if not page["pageInfo"]["hasNextPage"]:
                return
            after = page["pageInfo"]["endCursor"]
