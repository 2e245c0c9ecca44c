"""Real `thoth-graphql` processes on loopback, for tests and benches: a command run to
completion, `serve` and `dispatch` started and stopped by their PIDs, the object store they
are given."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.janusgraph_server import free_port

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Objects:
    """An object store for a test: its URL and the environment a process needs for it."""

    url: str
    environment: dict[str, str] = field(default_factory=dict)


def thoth(*arguments: str, environment: dict[str, str] | None = None) -> str:
    """Run `thoth-graphql` to completion; its stdout (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-m", "thoth_graphql", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **(environment or {})},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def make_token(data_dir: Path) -> str:
    return thoth("token", "create", "--data-dir", str(data_dir), "--name", "tests").strip()


class Process:
    """A `thoth-graphql` process (serve or dispatch) started by a test, stopped by its PID."""

    def __init__(self, arguments: list[str], log: Path, environment: dict[str, str]) -> None:
        self.log = log
        with open(log, "ab") as output:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "thoth_graphql", *arguments],
                stdout=output,
                stderr=output,
                cwd=ROOT,
                env={**os.environ, **environment},
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not end within 20 s."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class Server(Process):
    """`thoth-graphql serve` on a free loopback port, ready when /healthz answers."""

    def __init__(
        self,
        data_dir: Path,
        objects: Objects,
        *,
        workers: int = 2,
        log: Path,
        environment: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        arguments = [
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            str(data_dir),
            "--objects",
            objects.url,
            "--workers",
            str(workers),
        ]
        super().__init__(arguments, log, {**objects.environment, **(environment or {})})
        self._wait_until_ready()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"serve exited:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"serve did not answer:\n{self.output()}")

    def graphql(
        self, query: str, token: str | None = None, **variables: object
    ) -> dict[str, object]:
        """POST an operation; the decoded response body."""
        body = json.dumps({"query": query, "variables": variables}).encode()
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.url, body, headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            decoded: dict[str, object] = json.loads(response.read())
        return decoded
