"""Many airflow-sized advise requests at once against one server: do time limits hold?

    .venv/bin/python -m bench.concurrent_advise [--set airflow] [--clients 32]
        [--time-limit-ms 2000]

Ingests one real-world corpus set (bench/corpus/) into a fresh data dir, starts
`thoth-graphql serve` on loopback, warms its snapshot with one request, then sends
`--clients` advise requests at once, each with the set's requirements and a constraint of
its own (so the read cache cannot answer them), while /healthz is probed every 20 ms.
Prints each request's time to its answer (stack, unsatisfiable, cut short, UNAVAILABLE),
/healthz p50/p99 during the burst, and the server's CPU in the second after the last
answer (whether any computation outlived its request). Issue 9's goals: every answer
within 3 s, /healthz p99 <= 100 ms, CPU back to idle within 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.attack import Probe, Server, graphql, healthy
from bench.realworld import CORPUS, free_port, requirement_lines

ADVISE = """
query ($input: AdviseInput!) {
  advise(input: $input) { optimal complete stacks { score } unsatisfiable { message } }
}
"""
GOAL_ANSWER_S = 3.0
GOAL_HEALTHZ_P99_MS = 100.0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def thoth(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "thoth_graphql", *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def kind_of(answer: dict[str, Any]) -> str:
    if answer.get("errors"):
        return str(answer["errors"][0].get("extensions", {}).get("code", "ERROR"))
    advise = answer["data"]["advise"]
    if advise["stacks"]:
        return "stack" + ("" if advise["optimal"] else " (cut short)")
    if advise["unsatisfiable"]:
        return "unsatisfiable" + ("" if advise["optimal"] else " (provisional)")
    return "no answer in time"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="airflow")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--time-limit-ms", type=int, default=2000)
    args = parser.parse_args()
    lines = requirement_lines(CORPUS / "requirements" / f"{args.set}.in")
    environment = {"pythonVersion": "3.12", "platform": "linux_x86_64"}

    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data"
        thoth("ingest", "--data-dir", str(data), str(CORPUS / f"{args.set}.json.gz"))
        token = thoth("token", "create", "--data-dir", str(data), "--name", "bench")
        port = free_port()
        log = Path(scratch) / "serve.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "thoth_graphql", "serve", "--host", "127.0.0.1",
                 "--port", str(port), "--data-dir", str(data), "--workers", "0"],
                stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        server = Server(f"http://127.0.0.1:{port}", process.pid, token, log)
        try:
            deadline = time.monotonic() + 120
            while not healthy(server, timeout=1.0):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start:\n{log.read_text()[-2000:]}")
                time.sleep(0.2)
            started = time.perf_counter()
            warm = graphql(
                server,
                ADVISE,
                {"input": {"requirements": lines, "runtimeEnvironment": environment,
                           "timeLimitMs": 20_000}},
            )  # fmt: skip
            print(
                f"{args.set}: {len(lines)} requirements; warm-up (closure load, encoding): "
                f"{time.perf_counter() - started:.2f} s, {kind_of(warm)}"
            )
            answers: list[tuple[float, str]] = []
            lock = threading.Lock()

            def ask(i: int) -> None:
                variables = {
                    "input": {
                        "requirements": lines,
                        "constraints": [f"thoth-bench-{i}>=0"],  # its own cache key
                        "runtimeEnvironment": environment,
                        "timeLimitMs": args.time_limit_ms,
                    }
                }
                began = time.perf_counter()
                try:
                    kind = kind_of(graphql(server, ADVISE, variables))
                except OSError as error:
                    kind = f"transport error: {error}"
                with lock:
                    answers.append((time.perf_counter() - began, kind))

            probe = Probe(server)
            probe.start()
            probe.open_window()
            clients = [threading.Thread(target=ask, args=(i,)) for i in range(args.clients)]
            for client in clients:
                client.start()
            for client in clients:
                client.join()
            window = probe.close_window()
            before = cpu_seconds(process.pid)
            time.sleep(1.0)
            idle_cpu = cpu_seconds(process.pid) - before
            probe.stopped.set()
            probe.join()
        finally:
            process.terminate()
            process.wait(timeout=20)

    times = [t for t, _ in answers]
    kinds: dict[str, int] = {}
    for _, kind in answers:
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"{args.clients} concurrent requests, timeLimitMs {args.time_limit_ms}:")
    print(
        f"  time to answer: p50 {statistics.median(times):.2f} s, max {max(times):.2f} s "
        f"(goal: every one within {GOAL_ANSWER_S:.0f} s: "
        f"{'met' if max(times) <= GOAL_ANSWER_S else 'NOT met'})"
    )
    print("  answers: " + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())))
    p99 = window.percentile(0.99)
    print(
        f"  /healthz during the burst: p50 {window.percentile(0.5):.1f} ms, p99 {p99:.1f} ms, "
        f"{window.failures} failed (goal p99 <= {GOAL_HEALTHZ_P99_MS:.0f} ms: "
        f"{'met' if p99 <= GOAL_HEALTHZ_P99_MS else 'NOT met'}); peak RSS "
        f"{window.peak_rss / 2**20:.0f} MiB"
    )
    print(
        f"  server CPU in the second after the last answer: {idle_cpu:.2f} s "
        f"({'idle' if idle_cpu <= 0.1 else 'still computing'})"
    )


if __name__ == "__main__":
    main()
