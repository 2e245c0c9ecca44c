"""Ingest of the largest real snapshot into each store, and closure round trips.

    .venv/bin/python -m bench.ingest [--naive-edges N] [--warm-runs N]

Prints, in one run:
- parse + validation time of the cheroot snapshot (775 documents);
- ingest seconds and edges/s into the embedded SQLite store (goal: <= 5 s);
- ingest seconds and edges/s into JanusGraph, batched (the adapter as shipped);
- batched against one request per vertex and per edge, side by side on the same sample
  of documents into a fresh graph each (goal: batched >= 20x faster);
- the dependency closure of the `cheroot` case's requirements, cold (the first after the
  ingest), then `--warm-runs` times warm: depth, size and round trips on each store (round
  trips must follow the depth, not the size), and the ratio of the warm medians (goal:
  JanusGraph within 2x of SQLite; docs/decisions/0017-janusgraph-package-records.md).

Starts a JanusGraph Server on a free loopback port (scripts/janusgraph.sh) unless
THOTH_TEST_JANUSGRAPH_URL names one, and stops it at exit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.janusgraph_naive import write_releases_naively
from bench.janusgraph_server import ensure_janusgraph, reset_graph
from thoth_graphql.demo import demo_files
from thoth_graphql.ingest.ingest import ingest_documents, parse_all
from thoth_graphql.ingest.solver_document import SolverDocument
from thoth_graphql.ingest.sources import read_documents
from thoth_graphql.store.janusgraph import JanusGraphStore
from thoth_graphql.store.port import GraphStore
from thoth_graphql.store.sqlite import SqliteGraphStore

SNAPSHOT = "pypi-2020-11-17-cheroot"
CASE = Path(__file__).resolve().parent / "data" / "cheroot-case.json"


def cheroot_documents() -> tuple[list[SolverDocument], float]:
    [path] = [f for f in demo_files() if SNAPSHOT in f]
    start = time.perf_counter()
    documents = parse_all(read_documents(path))
    return documents, time.perf_counter() - start


def roots_of_case() -> list[str]:
    from packaging.requirements import Requirement

    from thoth_graphql.domain import canonical_name

    requested = json.loads(CASE.read_text())["requested"]
    return [canonical_name(Requirement(r).name) for r in requested]


async def timed_ingest(store: GraphStore, documents: list[SolverDocument]) -> float:
    start = time.perf_counter()
    await ingest_documents(store, documents)
    return time.perf_counter() - start


async def closure_line(label: str, store: GraphStore, roots: list[str]) -> float:
    """Loads the closure once, prints its line; answers its milliseconds."""
    before = store.round_trips
    start = time.perf_counter()
    closure = await store.load_closure(roots)
    elapsed = (time.perf_counter() - start) * 1000
    print(
        f"  {label:<11} depth {closure.depth}, {len(closure.releases)} packages, "
        f"{closure.version_count} versions, {closure.edge_count} edges: "
        f"{store.round_trips - before} round trips, {elapsed:.0f} ms"
    )
    return elapsed


async def closure_runs(label: str, store: GraphStore, roots: list[str], warm: int) -> float:
    """The closure cold (the first after the ingest), then `warm` times; answers the
    median of the warm ones."""
    await closure_line(f"{label}", store, roots)
    times = [await closure_line(f"{label} warm", store, roots) for _ in range(warm)]
    return statistics.median(times)


def sample(documents: list[SolverDocument], edges: int) -> list[SolverDocument]:
    chosen: list[SolverDocument] = []
    total = 0
    for document in documents:
        if total >= edges:
            break
        chosen.append(document)
        total += document.edge_count
    return chosen


async def main(naive_edges: int, warm_runs: int) -> None:
    documents, parse_seconds = cheroot_documents()
    edges = sum(d.edge_count for d in documents)
    versions = sum(len(d.releases) for d in documents)
    print(f"{SNAPSHOT}: {len(documents)} documents, {versions} versions, {edges} edges")
    print(f"  parse + validate: {parse_seconds:.2f} s")
    roots = roots_of_case()

    with tempfile.TemporaryDirectory() as folder:
        sqlite = SqliteGraphStore(Path(folder) / "graph.sqlite3")
        await sqlite.open()
        seconds = await timed_ingest(sqlite, documents)
        print(f"  sqlite      ingest {seconds:.2f} s, {edges / seconds:,.0f} edges/s (goal <= 5 s)")
        again = await timed_ingest(sqlite, documents)
        print(f"  sqlite      re-ingest {again:.2f} s (every document already known)")
        sqlite_warm = await closure_runs("sqlite", sqlite, roots, warm_runs)
        await sqlite.close()

    url = ensure_janusgraph()
    reset_graph(url)
    janus = JanusGraphStore(url)
    await janus.open()
    try:
        part = sample(documents, naive_edges)
        part_edges = sum(d.edge_count for d in part)
        start = time.perf_counter()
        for document in part:
            await write_releases_naively(janus, document.releases, [document.ref])
        naive = time.perf_counter() - start
        reset_graph(url)
        batched = await timed_ingest(janus, part)
        reset_graph(url)
        print(
            f"  janusgraph  sample of {len(part)} documents, {part_edges} edges: "
            f"one request per element {naive:.2f} s ({part_edges / naive:,.0f} edges/s), "
            f"batched {batched:.2f} s ({part_edges / batched:,.0f} edges/s): "
            f"{naive / batched:.1f}x (goal >= 20x)"
        )
        before = janus.round_trips
        seconds = await timed_ingest(janus, documents)
        print(
            f"  janusgraph  ingest {seconds:.2f} s, {edges / seconds:,.0f} edges/s, "
            f"{janus.round_trips - before} requests"
        )
        # Warm ones too: the first one also pays the server's script compilation and JIT
        # warm-up.
        janus_warm = await closure_runs("janusgraph", janus, roots, warm_runs)
        print(
            f"  closure warm medians: sqlite {sqlite_warm:.0f} ms, janusgraph "
            f"{janus_warm:.0f} ms: {janus_warm / sqlite_warm:.1f}x (goal <= 2x)"
        )
    finally:
        await janus.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-edges", type=int, default=3000)
    parser.add_argument("--warm-runs", type=int, default=5, help="warm closures per store")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.naive_edges, arguments.warm_runs))
