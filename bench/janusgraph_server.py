"""JanusGraph servers for tests: one shared in-memory server, BerkeleyJE ones on demand.

Servers are started and stopped with scripts/janusgraph.sh, by PID only. Set
THOTH_TEST_JANUSGRAPH_URL to use a server that is already running instead.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "janusgraph.sh"
URL_VARIABLE = "THOTH_TEST_JANUSGRAPH_URL"

_shared_url: str | None = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(run_dir: Path, port: int, *options: str) -> str:
    """Start a server (blocks until it answers a query); its Gremlin WebSocket URL."""
    started = subprocess.run(
        [str(SCRIPT), "start", "--port", str(port), "--run-dir", str(run_dir), *options],
        capture_output=True,
        text=True,
        check=False,
    )
    if started.returncode != 0:
        raise RuntimeError(f"JanusGraph did not start:\n{started.stderr}")
    return f"ws://127.0.0.1:{port}/gremlin"


def stop_server(run_dir: Path) -> None:
    subprocess.run(
        [str(SCRIPT), "stop", "--run-dir", str(run_dir)], check=True, stdout=subprocess.DEVNULL
    )


def _stop_and_remove(run_dir: Path) -> None:
    stop_server(run_dir)
    shutil.rmtree(run_dir, ignore_errors=True)


def ensure_janusgraph() -> str:
    """The URL of the shared test server, started on first use and stopped at exit."""
    global _shared_url
    if _shared_url is None:
        configured = os.environ.get(URL_VARIABLE)
        if configured:
            _shared_url = configured
        else:
            run_dir = Path(tempfile.mkdtemp(prefix="thoth-janusgraph-"))
            _shared_url = start_server(run_dir, free_port())
            atexit.register(_stop_and_remove, run_dir)
    return _shared_url


@contextmanager
def berkeleyje_server(data_dir: Path, port: int | None = None) -> Iterator[str]:
    """A BerkeleyJE-backed server on data_dir for the block; stopped by PID on exit."""
    with tempfile.TemporaryDirectory(prefix="thoth-janusgraph-bdb-") as run:
        run_dir = Path(run)
        url = start_server(
            run_dir,
            port or free_port(),
            "--backend",
            "berkeleyje",
            "--data",
            str(data_dir),
        )
        try:
            yield url
        finally:
            stop_server(run_dir)


def gremlin_http(url: str, script: str) -> list[object]:
    """Evaluate a script over the server's HTTP endpoint (no event loop needed)."""
    parts = urlsplit(url)
    request = urllib.request.Request(
        f"http://{parts.hostname}:{parts.port}/",
        data=json.dumps({"gremlin": script}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        body = json.load(response)
    data: list[object] = body["result"]["data"]["@value"]
    return data


def reset_graph(url: str) -> None:
    """Drop every vertex (and so every edge); the schema stays."""
    gremlin_http(url, "g.V().drop().iterate(); 'reset'")
