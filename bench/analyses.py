"""Analyses through the whole system: `requestSolverAnalysis` to the package in the graph.

    .venv/bin/python -m bench.analyses [--runs 15] [--burst 40] [--workers 2]

Starts `thoth-graphql serve` (embedded graph, local object store, `--workers` runner
processes in bubblewrap sandboxes) and the tests' package index on loopback, and prints:

- end-to-end latency: from sending `requestSolverAnalysis` for a package the graph does
  not know to the first `package(name:)` query that returns its versions, one request
  at a time (p50, p90, max over `--runs`);
- throughput: `--burst` requests sent at once, solver analyses finished per minute
  through the dispatcher, against its baseline: the same analyses run one after another
  as `python -m analyzer_runner run` processes with nothing around them (the ratio shows
  what the dispatcher's parallelism gains, net of its claims, ledger and graph writes).

Each package is a wheel with PEP 658 metadata (no build), so the figures are the
system's overhead, not the sandbox's (see bench.sandbox for that).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.package_index import PackageIndex, serve
from bench.thoth_processes import ROOT, Objects, Server, make_token
from thoth_objects import LocalObjectStore, put_json
from thoth_objects.layout import new_analysis_id, request_key

SOLVE = """
mutation ($name: String!, $index: String!) {
  requestSolverAnalysis(input: {packageName: $name, indexUrl: $index}) {
    analysis { analysisId }
  }
}
"""
VISIBLE = "query ($name: String!) { package(name: $name) { versions(first: 1) { totalCount } } }"
COUNTS = """{
  succeeded: analyses(status: SUCCEEDED) { totalCount }
  failed: analyses(status: FAILED) { totalCount }
}"""
TOKENS_PER_REQUESTS = 25  # the default rate limit admits a burst of 30 per token


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def solve(server: Server, token: str, index: PackageIndex, name: str) -> str:
    answer = server.graphql(SOLVE, token, name=name, index=index.url)
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]  # type: ignore[assignment]
    analysis_id: str = data["requestSolverAnalysis"]["analysis"]["analysisId"]
    return analysis_id


def latency(server: Server, token: str, index: PackageIndex, name: str) -> float:
    """Seconds from the request to the package's versions being readable."""
    started = time.perf_counter()
    solve(server, token, index, name)
    while True:
        data: Any = server.graphql(VISIBLE, name=name)["data"]
        if data["package"] is not None and data["package"]["versions"]["totalCount"]:
            return time.perf_counter() - started
        if time.perf_counter() - started > 120:
            raise RuntimeError(f"{name} never became visible")
        time.sleep(0.005)


def throughput(server: Server, tokens: list[str], index: PackageIndex, names: list[str]) -> float:
    """Solver analyses finished per minute when `names` are requested at once."""
    counts: Any = server.graphql(COUNTS)["data"]
    done_before = counts["succeeded"]["totalCount"]
    started = time.perf_counter()
    ids = [
        solve(server, tokens[i // TOKENS_PER_REQUESTS], index, name) for i, name in enumerate(names)
    ]
    while True:
        data: Any = server.graphql(COUNTS)["data"]
        if data["failed"]["totalCount"]:
            raise RuntimeError("an analysis failed")
        if data["succeeded"]["totalCount"] >= len(ids) + done_before:
            break
        time.sleep(0.1)
    return len(names) / (time.perf_counter() - started) * 60


async def write_requests(folder: Path, index: PackageIndex, names: list[str]) -> list[str]:
    store = LocalObjectStore(folder)
    await store.open()
    keys = []
    for name in names:
        analysis_id = new_analysis_id()
        request = {
            "analysis_id": analysis_id,
            "kind": "SOLVER",
            "parameters": {"package_name": name, "index_url": index.url},
        }
        await put_json(store, request_key(analysis_id), request)
        keys.append(request_key(analysis_id))
    return keys


def baseline(index: PackageIndex, names: list[str], scratch: Path) -> float:
    """The same analyses one after another as runner processes: per minute."""
    folder = scratch / "baseline-objects"
    keys = asyncio.run(write_requests(folder, index, names))
    started = time.perf_counter()
    for key in keys:
        command = [sys.executable, "-m", "analyzer_runner", "run", key, "--objects", str(folder)]
        subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    return len(names) / (time.perf_counter() - started) * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--burst", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    index = PackageIndex()
    latency_names = [f"lat-{i}" for i in range(options.runs + 1)]
    burst_names = [f"burst-{i}" for i in range(options.burst)]
    base_names = [f"base-{i}" for i in range(min(options.burst, 20))]
    for name in latency_names + burst_names + base_names:
        index.add_wheel(name, "1.0", requires=["six>=1"])
    with tempfile.TemporaryDirectory(prefix="thoth-bench-") as folder, serve(index):
        scratch = Path(folder)
        data_dir = scratch / "data"
        count = 1 + -(-options.burst // TOKENS_PER_REQUESTS)  # one for latency, then per 25
        tokens = [make_token(data_dir) for _ in range(count)]
        server = Server(
            data_dir,
            Objects(str(scratch / "objects")),
            workers=options.workers,
            log=scratch / "serve.log",
        )
        try:
            latency(server, tokens[0], index, latency_names[0])  # warm-up, not counted
            times = [latency(server, tokens[0], index, n) for n in latency_names[1:]]
            per_minute = throughput(server, tokens[1:], index, burst_names)
        finally:
            server.stop()
        sequential = baseline(index, base_names, scratch)
    print(f"requestSolverAnalysis -> package visible, {options.runs} runs, one at a time:")
    print(
        f"  p50 {statistics.median(times) * 1000:.0f} ms, p90 {percentile(times, 0.9) * 1000:.0f}"
        f" ms, max {max(times) * 1000:.0f} ms"
    )
    print(f"throughput, {options.burst} requests at once, {options.workers} workers:")
    print(f"  {per_minute:.0f} solver analyses/min through the dispatcher")
    print(f"  {sequential:.0f} /min baseline (runner processes one after another)")
    print(f"  ratio {per_minute / sequential:.2f}")


if __name__ == "__main__":
    main()
