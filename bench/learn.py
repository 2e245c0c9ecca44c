"""Learning a real requirement set to completion from an empty graph, against PyPI.

    .venv/bin/python -m bench.learn [--set jupyter] [--workers 4] [--versions-per-range 3]

Starts `thoth-graphql serve` on an empty embedded graph (local object store, `--workers`
sandboxed runners, the default egress policy, which allows PyPI), sends ONE `learn`
mutation for the set's roots (Python 3.12, linux_x86_64) and follows the `learning`
subscription to its end. Prints the rounds, the analyses, the minutes it took, the
metadata bytes the solvers fetched (the sum of the solver documents' `metadata_bytes`),
and compares the final stack with `uv pip compile --python-version 3.12` of the same
roots (uv from the venv, UV_PYTHON_DOWNLOADS=never). The goal is complete in 3 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from bench.pypi_egress import egress_environment
from bench.thoth_processes import ROOT, Objects, Server, make_token

SETS = {
    # uv's requirement sets, as bench/corpus keeps them (bench/README.md says where from).
    "jupyter": Path(__file__).parent / "corpus" / "requirements" / "jupyter.in",
}
ENVIRONMENT = {"pythonVersion": "3.12", "platform": "linux_x86_64"}
LEARN = """
mutation ($requirements: [String!]!, $environment: RuntimeEnvironmentInput!,
          $bounds: LearningBoundsInput) {
  learn(input: {requirements: $requirements, runtimeEnvironment: $environment}, bounds: $bounds) {
    learningId
  }
}
"""
FOLLOW = """
subscription ($id: ID!) {
  learning(id: $id) {
    round analysesQueued analysesSucceeded analysesFailed gapsLeft finished stopReason message
    result {
      complete optimal unresolved
      gaps { package requirement requiredBy }
      stacks { packages { name version } }
    }
  }
}
"""

FAILED = "{ analyses(status: FAILED, first: 20) { edges { node { parameters error } } } }"


def roots_of(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("-")]


async def follow(server: Server, token: str, learning_id: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    async with connect(
        server.url.replace("http://", "ws://"),
        subprotocols=[Subprotocol("graphql-transport-ws")],
        additional_headers={"Authorization": f"Bearer {token}"},
        ping_interval=None,
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        await ws.recv()
        payload = {"query": FOLLOW, "variables": {"id": learning_id}}
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
        last_round = -1
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "complete":
                return seen
            if message["type"] != "next" or message["payload"].get("errors"):
                raise RuntimeError(f"the subscription failed: {message}")
            progress = message["payload"]["data"]["learning"]
            seen.append(progress)
            if progress["round"] != last_round:
                last_round = progress["round"]
                print(
                    f"  round {progress['round']}: {progress['analysesQueued']} analyses so "
                    f"far, {len(progress['gapsLeft'])} gap(s): "
                    f"{' '.join(progress['gapsLeft'][:12])}",
                    flush=True,
                )


def metadata_bytes(objects: Path) -> tuple[int, int]:
    """The solver documents' metadata bytes and the versions they solved."""
    total = versions = 0
    for path in (objects / "results").rglob("*.json"):
        document = json.loads(path.read_text())
        for entry in document.get("result", {}).get("tree", []):
            total += int(entry.get("metadata_bytes") or 0)
            versions += 1
    return total, versions


def uv_compile(path: Path) -> dict[str, str]:
    done = subprocess.run(
        [
            str(ROOT / ".venv/bin/uv"),
            "pip",
            "compile",
            "--python-version",
            "3.12",
            "--no-header",
            "--no-annotate",
            "--quiet",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        timeout=600,
    )
    pins = {}
    for line in done.stdout.splitlines():
        if "==" in line and not line.startswith(("#", " ")):
            name, version = line.split(";")[0].strip().split("==")
            pins[str(canonicalize_name(name))] = version
    return pins


async def main(arguments: argparse.Namespace) -> None:
    requirements_path = SETS.get(arguments.set, Path(arguments.set))
    roots = roots_of(requirements_path)
    bounds: dict[str, object] = {"maxAnalyses": arguments.max_analyses}
    if arguments.versions_per_range:
        bounds["versionsPerRange"] = arguments.versions_per_range
    with tempfile.TemporaryDirectory(prefix="bench-learn-") as scratch:
        data_dir = Path(scratch) / "data"
        objects = Objects(str(Path(scratch) / "objects"))
        token = make_token(data_dir)
        server = Server(
            data_dir,
            objects,
            workers=arguments.workers,
            log=Path(scratch) / "serve.log",
            environment=egress_environment(),
        )
        try:
            print(f"learning {arguments.set} ({len(roots)} root(s)) from an empty graph, {bounds}")
            start = time.perf_counter()
            answer = server.graphql(
                LEARN, token, requirements=roots, environment=ENVIRONMENT, bounds=bounds
            )
            if "errors" in answer:
                raise RuntimeError(f"learn failed: {answer}")
            learning_id = answer["data"]["learn"]["learningId"]  # type: ignore[index]
            messages = await follow(server, token, learning_id)
            minutes = (time.perf_counter() - start) / 60
            failed = server.graphql(FAILED, token)["data"]["analyses"]["edges"]  # type: ignore[index]
            for edge in failed[:5]:
                print(f"failed: {edge['node']['parameters']}: {edge['node']['error'][:500]}")
        finally:
            server.stop()
        fetched, versions = metadata_bytes(Path(objects.url))
    last = messages[-1]
    result = last["result"]
    print(
        f"stopped: {last['stopReason']} ({last['message']}); rounds {last['round']}; "
        f"analyses {last['analysesQueued']} (succeeded {last['analysesSucceeded']}, failed "
        f"{last['analysesFailed']}); {minutes:.2f} min (goal <= 3); {versions} versions "
        f"solved, metadata {fetched / 1e6:.2f} MB; complete {result['complete']}, "
        f"optimal {result['optimal']}; {len(messages)} subscription messages"
    )
    if result["gaps"]:
        print(f"gaps left: {result['gaps'][:10]}")
    learned = {
        p["name"]: p["version"] for p in (result["stacks"] or [{"packages": []}])[0]["packages"]
    }
    uv = uv_compile(requirements_path)
    same = {n for n in learned if uv.get(n) == learned[n]}
    print(
        f"against uv pip compile: {len(learned)} packages learned, {len(uv)} from uv, "
        f"{len(same)} identical pins"
    )
    for name in sorted(set(learned) | set(uv)):
        if learned.get(name) != uv.get(name):
            print(f"  {name}: learned {learned.get(name)}, uv {uv.get(name)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--set", default="jupyter", help="a set name or a requirements file")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--versions-per-range", type=int, default=3)
    parser.add_argument("--max-analyses", type=int, default=400)
    asyncio.run(main(parser.parse_args()))
