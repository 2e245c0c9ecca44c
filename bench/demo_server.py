"""`thoth-graphql serve` (with `--demo`, or over an empty graph) as a real process on a free
loopback port, stopped by PID.

Used by the HTTP audit, the CORS and browser tests and the benchmarks in bench/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

START_TIMEOUT = 180.0
STOP_TIMEOUT = 20.0


def serve_has_option(option: str) -> bool:
    """Whether this build's `thoth-graphql serve` takes `option`."""
    shown = subprocess.run(
        [sys.executable, "-m", "thoth_graphql", "serve", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    return option in shown.stdout.split()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def demo_server(
    *options: str,
    env: Mapping[str, str] | None = None,
    data_dir: Path | None = None,
    log: Path | None = None,
) -> Iterator[str]:
    """`thoth-graphql serve --demo` for the block; yields its base URL (no trailing /).

    The demo data loads before the server listens, so it is there once this yields.
    `options` go to `serve`; `env` is added to this process's environment; `data_dir`
    and `log` (the server's output) default to fresh temporary ones.
    """
    with tempfile.TemporaryDirectory(prefix="thoth-demo-") as tmp:
        port = free_port()
        command = [
            *("-m", "thoth_graphql", "serve", "--demo", "--host", "127.0.0.1"),
            *("--port", str(port), "--data-dir", str(data_dir or Path(tmp) / "data")),
            *options,
        ]
        with python_server(command, port, log or Path(tmp) / "serve.log", env=env) as url:
            yield url


@contextmanager
def empty_server(
    *options: str, port: int | None = None, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """`thoth-graphql serve` over an empty graph, running no analyses, for the block.

    Yields its base URL; `port` defaults to a free one, `options` go to `serve`.
    """
    with tempfile.TemporaryDirectory(prefix="thoth-serve-") as tmp:
        port = port or free_port()
        command = [
            *("-m", "thoth_graphql", "serve", "--host", "127.0.0.1", "--port", str(port)),
            *("--data-dir", str(Path(tmp) / "data"), "--workers", "0", *options),
        ]
        with python_server(command, port, Path(tmp) / "serve.log", env=env) as url:
            yield url


@contextmanager
def python_server(
    arguments: Sequence[str], port: int, log: Path, *, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """`python ARGUMENTS`, a server that will listen on `port`, for the block.

    Yields once its /healthz answers 200; stops it by its PID on exit, however the
    block ends. Its output goes to `log`, shown if it fails to start.
    """
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, *arguments],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_healthy(url, process, log)
        yield url
    finally:
        _stop(process)


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT}s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
