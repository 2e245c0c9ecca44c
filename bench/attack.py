"""Attacks on `thoth-graphql serve --demo` (issue 11): does the server stay responsive and
bounded in memory, and does it refuse or bound each attack?

    .venv/bin/python -m bench.attack [--only NAME ...] [--seconds 20]

Starts one `serve --demo` (no analysis workers) on a free loopback port and runs, in turn:

- fragment-bomb: fragment level i spreads level i-1 forty times, eight levels (40^8
  paths), sent by 4 clients at once, 2 times each;
- slow-bodies: 1,000 connections each announcing a 100 kB POST body and sending one byte
  of it every 2 s;
- subscriptions: 5,000 `analysisStatus` subscriptions over graphql-transport-ws on 5
  connections (1,000 each), on an analysis that stays QUEUED;
- advise: 30 concurrent `advise` requests, each of 200 demo packages with the longest
  time limit (20 s) and 20 stacks.

While each runs, a probe GETs /healthz every 20 ms (one keep-alive connection, 2 s
timeout) and samples the server's RSS from /proc. Per attack it prints the probe's
p50/p99/max and failures, the server's peak RSS, what the server answered, and a verdict:
`refused` (every attack request answered with an error at once), `bounded` (answered or
cut off within its limits, /healthz p99 <= 200 ms) or `not bounded`. Each attack stops by
itself after --seconds (the advise one when its requests end, 60 s at most); every packet
goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.http.demo_server import free_port

GOAL_P99_MS = 200.0
PROBE_EVERY = 0.02
PROBE_TIMEOUT = 2.0


# -- the server ---------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    pid: int
    token: str
    log: Path


class ServerProcess:
    """`serve --demo --workers 0` on one loopback port with a WRITE token, which can be
    restarted on the same data (the demo then loads nothing) when an attack left it stuck."""

    def __init__(self, tmp: Path) -> None:
        self.data_dir = tmp / "data"
        self.port = free_port()
        self.log = tmp / "serve.log"
        made = subprocess.run(
            [sys.executable, "-m", "thoth_graphql", "token", "create",
             "--data-dir", str(self.data_dir), "--name", "attack"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        self.server = Server(f"http://127.0.0.1:{self.port}", 0, made.stdout.strip(), self.log)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "thoth_graphql", "serve", "--demo", "--host", "127.0.0.1",
                 "--port", str(self.port), "--data-dir", str(self.data_dir), "--workers", "0"],
                stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        self.server.pid = self.process.pid
        deadline = time.monotonic() + 300
        while not healthy(self.server, timeout=2.0):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def settle(self, seconds: float = 60.0) -> str:
        """Wait until /healthz answers within the goal five times running; a server that
        does not within `seconds` is restarted, so the next attack meets a fresh one."""
        deadline = time.monotonic() + seconds
        fast = 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            ok = healthy(self.server, timeout=0.5)
            fast = fast + 1 if ok and time.perf_counter() - started < GOAL_P99_MS / 1000 else 0
            if fast >= 5:
                return "recovered"
            time.sleep(0.1)
        self.stop()
        self.start()
        return f"still stuck after {seconds:.0f} s: restarted"


def healthy(server: Server, timeout: float) -> bool:
    try:
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=timeout) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def graphql(server: Server, query: str, variables: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        f"{server.url}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {server.token}"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.load(answer)


# -- the probe ----------------------------------------------------------------------------


@dataclass
class Window:
    latencies_ms: list[float] = field(default_factory=list)
    failures: int = 0
    peak_rss: int = 0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Probe(threading.Thread):
    """GET /healthz every PROBE_EVERY seconds and sample the server's RSS, into the window
    that is open; a failed or timed-out probe counts PROBE_TIMEOUT as its latency."""

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.window = Window()
        self.stopped = threading.Event()
        self.lock = threading.Lock()

    def open_window(self) -> None:
        with self.lock:
            self.window = Window(peak_rss=rss_bytes(self.server.pid))

    def close_window(self) -> Window:
        with self.lock:
            window, self.window = self.window, Window()
        return window

    def run(self) -> None:
        port = int(self.server.url.rsplit(":", 1)[1])
        connection: http.client.HTTPConnection | None = None
        while not self.stopped.is_set():
            started = time.perf_counter()
            ok = False
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(
                        "127.0.0.1", port, timeout=PROBE_TIMEOUT
                    )
                connection.request("GET", "/healthz")
                answer = connection.getresponse()
                answer.read()
                ok = answer.status == 200
            except (OSError, http.client.HTTPException):
                if connection is not None:
                    connection.close()
                connection = None
            elapsed = (time.perf_counter() - started) * 1000
            rss = rss_bytes(self.server.pid)
            with self.lock:
                self.window.peak_rss = max(self.window.peak_rss, rss)
                if ok:
                    self.window.latencies_ms.append(elapsed)
                else:
                    self.window.failures += 1
                    self.window.latencies_ms.append(max(elapsed, PROBE_TIMEOUT * 1000))
            time.sleep(max(0.0, PROBE_EVERY - (time.perf_counter() - started)))
        if connection is not None:
            connection.close()


# -- the attacks --------------------------------------------------------------------------


@dataclass
class Outcome:
    answered: str
    """What the server answered, in a line or two."""
    refused: bool
    """Every attack request was answered with an error at once."""
    cut_off: bool
    """The server ended or limited the attack itself (not only the bench's own timeouts)."""


def post_at_once(
    server: Server, body: bytes, clients: int, timeout: float
) -> list[tuple[str, float]]:
    """POST one GraphQL body from `clients` threads at once: what each got, and when."""
    port = int(server.url.rsplit(":", 1)[1])
    answers: list[tuple[str, float]] = []
    lock = threading.Lock()

    def client() -> None:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            connection.request("POST", "/graphql", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            what = f"HTTP {response.status} {_codes(response.read())}"
        except (OSError, http.client.HTTPException) as error:
            what = f"no answer ({type(error).__name__})"
        finally:
            connection.close()
        with lock:
            answers.append((what, time.perf_counter() - started))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def fragment_bomb(server: Server, seconds: float) -> Outcome:
    fragments = ["fragment F0 on Query { __typename }"]
    for level in range(1, 9):
        spreads = " ".join([f"...F{level - 1}"] * 40)
        fragments.append(f"fragment F{level} on Query {{ {spreads} }}")
    document = "query Bomb { ...F8 }\n" + "\n".join(fragments)
    body = json.dumps({"query": document}).encode()
    answers = post_at_once(server, body, clients=4, timeout=seconds)
    kinds = Counter(what for what, _ in answers)
    slowest = max(elapsed for _, elapsed in answers)
    refused = all(what.startswith("HTTP 4") or "errors" in what for what, _ in answers) and (
        slowest < 1.0
    )
    summary = ", ".join(f"{n}x {what}" for what, n in kinds.items())
    return Outcome(f"{summary}; slowest {slowest:.1f} s", refused, slowest < seconds)


def _codes(payload: bytes) -> str:
    try:
        body = json.loads(payload)
    except ValueError:
        return f"({len(payload)} bytes, not JSON)"
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors:
        codes = sorted({str((e.get("extensions") or {}).get("code")) for e in errors})
        return f"errors {','.join(codes)}"
    return "data"


def slow_bodies(server: Server, seconds: float) -> Outcome:
    return asyncio.run(_slow_bodies(server, seconds))


async def _slow_bodies(server: Server, seconds: float) -> Outcome:
    port = int(server.url.rsplit(":", 1)[1])
    head = (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000\r\n\r\n"
    )
    ends: Counter[str] = Counter()
    deadline = time.monotonic() + seconds

    async def one() -> None:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port), timeout=5
            )
        except (OSError, TimeoutError):
            ends["connect failed"] += 1
            return
        try:
            writer.write(head)
            await writer.drain()
            while time.monotonic() < deadline:
                writer.write(b" ")
                await writer.drain()
                try:
                    line = await asyncio.wait_for(reader.readline(), timeout=2.0)
                except TimeoutError:
                    continue
                status = line.decode(errors="replace").split(" ")[1:2]
                ends[f"answered HTTP {status[0]}" if status else "closed by the server"] += 1
                return
            ends["still open at the end"] += 1
        except OSError:
            ends["closed by the server"] += 1
        finally:
            writer.close()

    await asyncio.gather(*(one() for _ in range(1000)))
    summary = ", ".join(f"{n} {what}" for what, n in ends.most_common())
    cut_off = ends["still open at the end"] == 0 and ends["connect failed"] == 0
    return Outcome(summary, refused=False, cut_off=cut_off)


def subscriptions(server: Server, seconds: float) -> Outcome:
    answer = graphql(
        server,
        'mutation { requestSolverAnalysis(input: {packageName: "attack-me"}) { analysis { id } } }',
    )
    analysis_id = answer["data"]["requestSolverAnalysis"]["analysis"]["id"]
    return asyncio.run(_subscriptions(server, analysis_id, seconds))


async def _subscriptions(server: Server, analysis_id: str, seconds: float) -> Outcome:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed
    from websockets.typing import Subprotocol

    url = server.url.replace("http://", "ws://") + "/graphql"
    query = "subscription ($id: ID!) { analysisStatus(id: $id) { id status } }"
    live: set[str] = set()
    ends: Counter[str] = Counter()

    async def connection(number: int) -> None:
        try:
            async with connect(
                url, subprotocols=[Subprotocol("graphql-transport-ws")], open_timeout=10
            ) as socket_:
                await socket_.send(json.dumps({"type": "connection_init"}))
                for i in range(1000):
                    message = {
                        "id": f"{number}-{i}",
                        "type": "subscribe",
                        "payload": {"query": query, "variables": {"id": analysis_id}},
                    }
                    await socket_.send(json.dumps(message))
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    try:
                        raw = await asyncio.wait_for(socket_.recv(), timeout=1.0)
                    except TimeoutError:
                        continue
                    message = json.loads(raw)
                    kind = message.get("type")
                    if kind == "next":
                        live.add(message["id"])
                    elif kind in ("error", "complete"):
                        live.discard(message["id"])
                        ends[f"subscription {kind}{_ws_codes(message)}"] += 1
                ends["connection open at the end"] += 1
        except ConnectionClosed as closed:
            ends[f"connection closed {closed.rcvd.code if closed.rcvd else '?'}"] += 1
        except OSError as error:
            ends[f"connection failed ({type(error).__name__})"] += 1

    await asyncio.gather(*(connection(n) for n in range(5)))
    summary = f"{len(live)} of 5000 subscriptions live; " + ", ".join(
        f"{n}x {what}" for what, n in ends.most_common()
    )
    return Outcome(summary, refused=not live, cut_off=len(live) < 5000)


def _ws_codes(message: dict[str, Any]) -> str:
    """The error codes of a graphql-transport-ws `error` message (` RATE_LIMITED`), or the
    start of its first message where it has no code."""
    errors = message.get("payload")
    if not isinstance(errors, list) or not errors:
        return ""
    codes = sorted({str(c) for e in errors if (c := (e.get("extensions") or {}).get("code"))})
    return " " + (",".join(codes) if codes else repr(str(errors[0].get("message", ""))[:60]))


def advise(server: Server, seconds: float) -> Outcome:
    names: list[str] = []
    after = None
    while len(names) < 200:
        page = graphql(
            server,
            "query ($after: String) { packages(first: 100, after: $after) {"
            " pageInfo { hasNextPage endCursor } edges { node { name } } } }",
            {"after": after},
        )["data"]["packages"]
        names += [edge["node"]["name"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    query = (
        "query ($input: AdviseInput!) { advise(input: $input) { optimal unresolved "
        "unsatisfiable { message } stacks { score packages { name version } } } }"
    )
    body = json.dumps(
        {
            "query": query,
            "variables": {
                "input": {
                    "requirements": names[:200],
                    "timeLimitMs": 20_000,
                    "count": 20,
                    "recommendationType": "STABLE",
                }
            },
        }
    ).encode()
    answers = post_at_once(server, body, clients=30, timeout=max(seconds, 60.0))
    kinds = Counter(what for what, _ in answers)
    times = sorted(elapsed for _, elapsed in answers)
    summary = ", ".join(f"{n}x {what}" for what, n in kinds.items())
    return Outcome(
        f"{summary}; answered in p50 {statistics.median(times):.1f} s, max {times[-1]:.1f} s",
        refused=all("errors" in w and "BAD_USER_INPUT" not in w for w, _ in answers),
        cut_off=all(not w.startswith("no answer") for w, _ in answers),
    )


ATTACKS: dict[str, Callable[[Server, float], Outcome]] = {
    "fragment-bomb": fragment_bomb,
    "slow-bodies": slow_bodies,
    "subscriptions": subscriptions,
    "advise": advise,
}


# -- the run ------------------------------------------------------------------------------


def verdict(outcome: Outcome, window: Window) -> str:
    responsive = window.percentile(0.99) <= GOAL_P99_MS and window.failures == 0
    if outcome.refused and responsive:
        return "refused"
    if outcome.cut_off and responsive:
        return "bounded"
    return "not bounded"


def report(name: str, elapsed: float, outcome: Outcome, window: Window) -> None:
    worst = max(window.latencies_ms, default=0.0)
    print(f"\n{name} ({elapsed:.0f} s): {verdict(outcome, window)}")
    print(
        f"  /healthz during it: p50 {window.percentile(0.5):.1f} ms, "
        f"p99 {window.percentile(0.99):.1f} ms, max {worst:.0f} ms, "
        f"{window.failures} failed of {len(window.latencies_ms)} "
        f"(goal p99 <= {GOAL_P99_MS:.0f} ms)"
    )
    print(f"  server peak RSS: {window.peak_rss / 2**20:.0f} MiB")
    print(f"  the server answered: {outcome.answered}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=list(ATTACKS), help="these attacks only")
    parser.add_argument("--seconds", type=float, default=20.0, help="each attack's duration")
    options = parser.parse_args()
    # 1,000 slow connections need more descriptors than the usual soft limit of 1,024; the
    # server, started from here, inherits the raised limit too.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 8192), hard), hard))
    names = options.only or list(ATTACKS)
    rows = []
    with tempfile.TemporaryDirectory(prefix="thoth-attack-") as tmp:
        process = ServerProcess(Path(tmp))
        process.start()
        server = process.server
        probe = Probe(server)
        probe.start()
        try:
            time.sleep(2)
            baseline = probe.close_window()
            print(
                f"server {server.url} (pid {server.pid}); idle /healthz p50 "
                f"{baseline.percentile(0.5):.1f} ms, p99 {baseline.percentile(0.99):.1f} ms, "
                f"RSS {baseline.peak_rss / 2**20:.0f} MiB",
                flush=True,
            )
            for name in names:
                probe.open_window()
                started = time.perf_counter()
                outcome = ATTACKS[name](server, options.seconds)
                elapsed = time.perf_counter() - started
                window = probe.close_window()
                rows.append((name, outcome, window))
                report(name, elapsed, outcome, window)
                print(f"  afterwards the server: {process.settle()}", flush=True)
                probe.close_window()
        finally:
            probe.stopped.set()
            probe.join()
            process.stop()
    print("\nattack          verdict       healthz p50   p99      peak RSS")
    for name, outcome, window in rows:
        print(
            f"{name:15} {verdict(outcome, window):12} {window.percentile(0.5):8.1f} ms "
            f"{window.percentile(0.99):8.1f} ms {window.peak_rss / 2**20:6.0f} MiB"
        )


if __name__ == "__main__":
    main()
