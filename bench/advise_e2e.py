"""`advise` end to end through GraphQL on the embedded store: resolvelib's cheroot case.

    .venv/bin/python -m bench.advise_e2e [--requests N]

Ingests the cheroot snapshot into a fresh SQLite store, then asks `advise` (LATEST, the
justifications and a lock file in the answer) over HTTP to the ASGI app, in process
(httpx.ASGITransport) and through uvicorn on a loopback port. Prints the cold request
(closure load, snapshot, search) and, warm, p50/p95/p99 over N sequential requests:
distinct requests (the read cache cannot answer them; the snapshot cache does, so each one
runs the search) and repeated ones (answered by the read cache). Goal: warm p50 <= 50 ms.

Each transport is measured twice on one warm server: idle, then busy, with the writes a
dispatcher and token holders make all the while (analyses created, claimed and completed,
tokens created; `--churn-ms` apart). Those move only the queue generation, so the busy warm
p50 should stay within 2x of the idle one (docs/decisions/0009).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from thoth_graphql.api import create_app
from thoth_graphql.domain import Analysis, AnalysisKind, AnalysisStatus, ApiToken, TokenScope
from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_graphql.domain.token import hash_secret, new_secret
from thoth_graphql.ingest import ingest_paths
from thoth_graphql.scorer import AdviseRequest
from thoth_graphql.services import Services
from thoth_graphql.store.sqlite import SqliteGraphStore

ROOT = Path(__file__).resolve().parent
CASE = json.loads((ROOT / "data" / "cheroot-case.json").read_text())
DEMO = ROOT.parent / "thoth_graphql" / "demo" / f"{CASE['index']}.json.gz"
ENVIRONMENT = {"pythonVersion": "3.11", "platform": "linux_x86_64"}
GOAL_MS = 50.0

ADVISE = """
query Advise($input: AdviseInput!) {
  advise(input: $input) {
    optimal unresolved
    stacks { score packages { name version index }
             justifications { package version kind message }
             lockfile }
  }
}
"""

Post = Callable[[dict[str, Any]], Awaitable[None]]


def variables(time_limit_ms: int = 10_000) -> dict[str, Any]:
    return {
        "input": {
            "requirements": CASE["requested"],
            "runtimeEnvironment": ENVIRONMENT,
            "timeLimitMs": time_limit_ms,
        }
    }


def poster(client: httpx.AsyncClient) -> Post:
    async def post(values: dict[str, Any]) -> None:
        response = await client.post("/graphql", json={"query": ADVISE, "variables": values})
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, body
        got = {p["name"]: p["version"] for p in body["data"]["advise"]["stacks"][0]["packages"]}
        assert got == CASE["resolved"], got

    return post


async def timed(post: Post, values: dict[str, Any]) -> float:
    started = time.perf_counter()
    await post(values)
    return (time.perf_counter() - started) * 1000


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    p50, p95, p99 = statistics.median(samples), cuts[94], cuts[98]
    verdict = "meets" if p50 <= GOAL_MS else "MISSES"
    return f"p50 {p50:6.2f}  p95 {p95:6.2f}  p99 {p99:6.2f} ms  ({verdict} p50 <= {GOAL_MS:g})"


@dataclass
class Churn:
    """What a dispatcher and token holders write while the server answers: analyses
    created, claimed and completed, and tokens created."""

    store: SqliteGraphStore
    every_ms: float
    analyses_completed: int = 0
    tokens_created: int = 0

    async def run(self) -> None:
        while True:
            now = utc_timestamp()
            analysis = Analysis(
                f"churn-{self.analyses_completed}",
                AnalysisKind.SOLVER,
                {"package": "cheroot"},
                created_at=now,
            )
            await self.store.create_analyses([analysis])
            running = analysis.moved_to(AnalysisStatus.RUNNING, now)
            await self.store.update_analysis(running, expected=AnalysisStatus.QUEUED)
            done = running.moved_to(AnalysisStatus.SUCCEEDED, now, result_ref="churn")
            await self.store.update_analysis(done, expected=AnalysisStatus.RUNNING)
            self.analyses_completed += 1
            token = ApiToken(hash_secret(new_secret()), "churn", TokenScope.WRITE, now)
            await self.store.add_token(token)
            self.tokens_created += 1
            await asyncio.sleep(self.every_ms / 1000)


async def warm(post: Post, count: int, offset: int) -> tuple[list[float], list[float]]:
    """Warm distinct requests and warm repeated ones."""
    # Each distinct timeLimitMs is a distinct operation to the read cache; all of them
    # share one closure, so the snapshot cache answers and the search runs every time.
    distinct = [await timed(post, variables(offset + i)) for i in range(1, count + 1)]
    repeated = [await timed(post, variables()) for _ in range(count)]
    return distinct, repeated


async def measure(
    label: str, post: Post, count: int, store: SqliteGraphStore, churn_ms: float
) -> None:
    """Cold request, then warm requests on an idle server and on a busy one."""
    cold = await timed(post, variables())
    print(f"{label}")
    print(f"  cold (closure load + snapshot + search): {cold:8.1f} ms")
    idle = await warm(post, count, 10_000)
    print(f"  idle, warm distinct (search each):      {percentiles(idle[0])}")
    print(f"  idle, warm repeated (read cache):       {percentiles(idle[1])}")
    churn = Churn(store, churn_ms)
    writer = asyncio.create_task(churn.run())
    started = time.perf_counter()
    try:
        busy = await warm(post, count, 15_000)
    finally:
        writer.cancel()
        with suppress(asyncio.CancelledError):
            await writer
    seconds = time.perf_counter() - started
    print(
        f"  busy: {churn.analyses_completed} analyses completed and "
        f"{churn.tokens_created} tokens created in {seconds:.1f} s"
    )
    print(f"  busy, warm distinct (search each):      {percentiles(busy[0])}")
    print(f"  busy, warm repeated (read cache):       {percentiles(busy[1])}")
    for kind, i in (("distinct", 0), ("repeated", 1)):
        ratio = statistics.median(busy[i]) / statistics.median(idle[i])
        verdict = "meets" if ratio <= 2 else "MISSES"
        print(f"  busy/idle p50, warm {kind}: {ratio:5.2f}x  ({verdict} <= 2x)")


@asynccontextmanager
async def uvicorn_client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    config = uvicorn.Config(create_app(services), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            raise RuntimeError("uvicorn did not start")
        await asyncio.sleep(0.01)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    try:
        async with httpx.AsyncClient(base_url=f"http://{host}:{port}") as client:
            yield client
    finally:
        server.should_exit = True
        await task


async def fresh_store(folder: Path, name: str, source: Path) -> SqliteGraphStore:
    """A copy of the ingested graph, opened, so each transport starts cold."""
    path = folder / f"{name}.sqlite3"
    await asyncio.to_thread(shutil.copyfile, source, path)
    store = SqliteGraphStore(path)
    await store.open()
    return store


async def main(count: int, churn_ms: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seed = SqliteGraphStore(folder / "seed.sqlite3")
        await seed.open()
        started = time.perf_counter()
        await ingest_paths(seed, [str(DEMO)])
        await seed.close()
        print(f"ingested {DEMO.name} in {time.perf_counter() - started:.1f} s")

        store = await fresh_store(folder, "asgi", seed.path)
        try:
            services = Services.over(store)
            transport = httpx.ASGITransport(app=create_app(services))
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                await measure(
                    "in process (httpx.ASGITransport)", poster(client), count, store, churn_ms
                )
            service = services.advise
            request = AdviseRequest(tuple(CASE["requested"]))
            searches = []
            for _ in range(count):
                started = time.perf_counter()
                await service.advise(request)
                searches.append((time.perf_counter() - started) * 1000)
            print(
                f"  for scale, the advise service alone (no GraphQL): "
                f"p50 {statistics.median(searches):.2f} ms; closures loaded: "
                f"{service.closures_loaded}"
            )
        finally:
            await store.close()

        store = await fresh_store(folder, "uvicorn", seed.path)
        try:
            async with uvicorn_client(Services.over(store)) as client:
                await measure(
                    "uvicorn on loopback (HTTP/1.1, one connection)",
                    poster(client),
                    count,
                    store,
                    churn_ms,
                )
        finally:
            await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--churn-ms", type=float, default=5.0, help="pause between the busy writer's rounds"
    )
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.churn_ms))
