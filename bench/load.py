"""Load: 64 concurrent clients for 30 s on the demo data; zero errors, p50/p99 printed.

    .venv/bin/python -m bench.load [--clients 64] [--seconds 30] [--no-read-cache]

Starts `thoth-graphql serve --demo` on a free loopback port, lists up to 400 of the demo's
packages through the API, and has wrk (2 threads) keep `--clients` connections busy for
`--seconds` with a mix of read operations over them, sent in turn: the depth-3 read of
bench.raw_starlette (package, 20 versions, their dependencies), a search page by name
prefix with its total count, and a package with its 5 newest versions. Every response is
checked: a 200 whose body has `data` and no `errors`; anything else, a socket error or a
timeout (10 s) counts as an error.

Prints throughput, latency percentiles and the errors; exits 1 if there was any error.
`--no-read-cache` passes that option to `serve`, so that the load reaches the store.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from typing import Any

from bench.demo_server import demo_server, serve_has_option
from bench.raw_starlette import DEPTH3_QUERY
from bench.wrk import wrk

SEARCH_QUERY = """
query Search($prefix: String!) {
  packages(prefix: $prefix, first: 20) { totalCount edges { node { name } } }
}
"""
NEWEST_QUERY = """
query Newest($name: String!) {
  package(name: $name) { name versions(first: 5) { edges { node { version yanked } } } }
}
"""


def package_names(url: str, limit: int) -> list[str]:
    names: list[str] = []
    after: str | None = None
    while len(names) < limit:
        page = graphql(
            url,
            "query ($after: String) { packages(first: 100, after: $after) {"
            " pageInfo { hasNextPage endCursor } edges { node { name } } } }",
            {"after": after},
        )["packages"]
        names += [edge["node"]["name"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return names[:limit]


def graphql(url: str, query: str, variables: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    if body.get("errors"):
        raise RuntimeError(f"the API refused a bench query: {body['errors']}")
    return body["data"]


def operations(names: list[str]) -> list[dict[str, Any]]:
    prefixes = sorted({name[:2] for name in names})
    mix: list[dict[str, Any]] = []
    for i, name in enumerate(names):
        mix.append({"query": DEPTH3_QUERY, "variables": {"name": name}})
        mix.append({"query": SEARCH_QUERY, "variables": {"prefix": prefixes[i % len(prefixes)]}})
        mix.append({"query": NEWEST_QUERY, "variables": {"name": name}})
    return mix


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--no-read-cache", action="store_true")
    args = parser.parse_args()

    options = ["--no-read-cache"] if args.no_read_cache else []
    if options and not serve_has_option(options[0]):
        print("this build of `thoth-graphql serve` has no --no-read-cache", file=sys.stderr)
        return 2
    with demo_server(*options) as base:
        url = f"{base}/graphql"
        names = package_names(url, 400)
        mix = operations(names)
        print(
            f"{args.clients} clients for {args.seconds:.0f} s over {len(names)} packages, "
            f"{len(mix)} distinct operations (depth-3 read, search page, newest versions)"
        )
        result = wrk(
            url, mix, seconds=args.seconds, connections=args.clients, threads=2, check=True
        )

    print(f"requests: {result.requests:,} in {result.seconds:.1f} s ({result.per_second:,.0f}/s)")
    print(
        f"latency: p50 {result.p50_ms:.1f} ms, p90 {result.p90_ms:.1f} ms, "
        f"p99 {result.p99_ms:.1f} ms, max {result.max_ms:.1f} ms"
    )
    print(
        f"errors: {result.errors} (socket {result.socket_errors}, non-2xx {result.non_2xx}, "
        f"GraphQL errors or no data {result.bad}; {result.checked:,} responses checked)"
    )
    return 1 if result.errors or result.checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
