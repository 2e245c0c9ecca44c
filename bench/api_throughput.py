"""Throughput of a depth-3 package query: GraphQL against raw starlette, same store, same run.

    .venv/bin/python -m bench.api_throughput [--seconds 5] [--rounds 3] [--connections 32]
        [PACKAGE ...]

On free loopback ports, over one data dir holding the demo data, starts
`thoth-graphql serve --demo` and bench/raw_starlette.py (the same answer read with the same
store calls, as plain JSON), checks that they answer the same, then measures with wrk:

- raw starlette;
- GraphQL, read cache off: a second server started with `--no-read-cache` when `serve` has
  that option; otherwise the same server with a variable no operation declares (`nonce`)
  made unique per request, so that every request misses the cache (and pays for filling it);
- GraphQL, read cache on: the same request again and again.

Each target gets a warm-up, then `--rounds` timed runs taken round-robin (so a change in the
machine's background load hits every target alike), with one wrk thread (the two cores are
split between wrk and the server). Prints each target's median run and its ratio to raw.

The packages default to `requests` (177 dependencies over its 20 newest versions, near the
demo data's median of 90 for packages with 20 versions) and `dask` (442, near its p90): the
ratio falls as the answer grows, since GraphQL's cost is per field and raw JSON's is not.
Goal (issue 3): read cache off >= 0.25x raw, read cache on >= 0.7x raw.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.demo_server import demo_server, free_port, python_server, serve_has_option
from bench.raw_starlette import DEPTH3_QUERY
from bench.wrk import WrkResult, wrk

NO_READ_CACHE = "--no-read-cache"
WARM_UP_SECONDS = 2


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    body: dict[str, Any]
    unique: bool = False  # replace __NONCE__ in the body per request

    def run(self, seconds: float, connections: int) -> WrkResult:
        return wrk(
            self.url, [self.body], seconds=seconds, connections=connections, unique=self.unique
        )


def post_json(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@contextmanager
def raw_server(data_dir: Path, log: Path) -> Iterator[str]:
    port = free_port()
    arguments = ["-m", "bench.raw_starlette", "--data-dir", str(data_dir), "--port", str(port)]
    with python_server(arguments, port, log) as url:
        yield url


def targets(package: str, raw: str, cached: str, uncached: str | None) -> list[Target]:
    """What to measure for `package`; `uncached` is the server without a read cache, if any."""
    variables = {"name": package}
    return [
        Target("raw starlette", raw, {"name": package}),
        Target(
            "GraphQL, read cache off",
            uncached or cached,
            {
                "query": DEPTH3_QUERY,
                "variables": variables if uncached else variables | {"nonce": "__NONCE__"},
            },
            unique=uncached is None,
        ),
        Target("GraphQL, read cache on", cached, {"query": DEPTH3_QUERY, "variables": variables}),
    ]


def compare(measured: list[Target], *, seconds: float, connections: int, rounds: int) -> bool:
    """Measure one package's targets (raw first); False if their answers differ."""
    raw, *graphql = measured
    expected = post_json(raw.url, raw.body)
    for target in graphql:
        answer = post_json(target.url, target.body)
        if answer != expected:
            print(f"{target.name} answers differently from raw:\n{answer}", file=sys.stderr)
            return False
    edges = expected["data"]["package"]["versions"]["edges"]
    dependencies = sum(len(e["node"]["dependencies"]) for e in edges)
    size = len(json.dumps(expected, separators=(",", ":")))
    print(
        f"\n{raw.body['name']}: {len(edges)} versions, {dependencies} dependencies, "
        f"{size:,} bytes of JSON"
    )
    for target in measured:
        target.run(WARM_UP_SECONDS, connections)
    runs: dict[str, list[WrkResult]] = {target.name: [] for target in measured}
    for _ in range(rounds):
        for target in measured:
            runs[target.name].append(target.run(seconds, connections))
    baseline = median(runs[raw.name])
    for name, results in runs.items():
        print(row(name, median(results), None if name == raw.name else baseline))
    return True


def median(results: list[WrkResult]) -> WrkResult:
    return sorted(results, key=lambda r: r.per_second)[len(results) // 2]


def row(name: str, result: WrkResult, raw: WrkResult | None) -> str:
    ratio = f"{result.per_second / raw.per_second:5.2f}x" if raw else " " * 6
    return (
        f"  {name:<24} {result.per_second:7,.0f} req/s  {ratio}  "
        f"p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms  errors {result.errors}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="of each timed run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("packages", nargs="*", default=["requests", "dask"], metavar="PACKAGE")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="thoth-bench-") as tmp, ExitStack() as servers:
        data_dir = Path(tmp) / "data"
        cached = servers.enter_context(demo_server(data_dir=data_dir)) + "/graphql"
        uncached = None
        if serve_has_option(NO_READ_CACHE):
            server = demo_server(NO_READ_CACHE, data_dir=data_dir)
            uncached = servers.enter_context(server) + "/graphql"
        raw = servers.enter_context(raw_server(data_dir, Path(tmp) / "raw.log")) + "/package"

        how = f"`serve {NO_READ_CACHE}`" if uncached else "a unique variable per request"
        print(
            f"wrk: 1 thread, {args.connections} connections, median of {args.rounds} runs "
            f"of {args.seconds:.0f} s; read cache off: {how}"
        )
        for package in args.packages:
            measured = targets(package, raw, cached, uncached)
            if not compare(
                measured, seconds=args.seconds, connections=args.connections, rounds=args.rounds
            ):
                return 1
    print("\ngoal: read cache off >= 0.25x raw, read cache on >= 0.70x raw")
    return 0


if __name__ == "__main__":
    sys.exit(main())
