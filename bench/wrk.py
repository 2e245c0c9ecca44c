"""wrk runs for the API benchmarks: POST JSON bodies to a loopback URL, read the summary.

wrk (Debian package `wrk`) with bench/wrk.lua; every run is bounded by its duration and
its per-request timeout, and only ever targets 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SCRIPT = Path(__file__).resolve().parent / "wrk.lua"


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    socket_errors: int  # connect, read, write and timeout errors
    non_2xx: int
    bad: int  # with check=True: responses that were not a 200 with data and no errors
    checked: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def errors(self) -> int:
        return self.socket_errors + self.non_2xx + self.bad


def wrk(
    url: str,
    bodies: list[dict[str, Any]],
    *,
    seconds: float,
    connections: int,
    threads: int = 1,
    check: bool = False,
    unique: bool = False,
    accept: str = "application/json",
) -> WrkResult:
    """Run wrk against `url` for `seconds`, sending `bodies` in turn.

    With `check`, responses that are not a 200 with `data` and no `errors` count as bad;
    with `unique`, each `__NONCE__` in a body becomes a value unique to its request.
    """
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"benchmarks target the loopback only, not {host}")
    executable = shutil.which("wrk")
    if executable is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl") as file:
        file.write("".join(json.dumps(body, separators=(",", ":")) + "\n" for body in bodies))
        file.flush()
        env = {**os.environ, "WRK_BODIES": file.name, "WRK_ACCEPT": accept}
        if check:
            env["WRK_CHECK"] = "1"
        if unique:
            env["WRK_NONCE"] = "1"
        ran = subprocess.run(
            [
                executable,
                f"--threads={threads}",
                f"--connections={connections}",
                f"--duration={max(1, round(seconds))}s",
                "--timeout=10s",
                f"--script={SCRIPT}",
                url,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=seconds + 60,
            check=True,
        )
    [line] = [ln for ln in ran.stdout.splitlines() if ln.startswith("WRK_JSON ")]
    s = json.loads(line.removeprefix("WRK_JSON "))
    return WrkResult(
        requests=s["requests"],
        seconds=s["duration_us"] / 1e6,
        socket_errors=s["connect"] + s["read"] + s["write"] + s["timeout"],
        non_2xx=s["status"],
        bad=s["bad"],
        checked=s["checked"],
        p50_ms=s["p50_us"] / 1000,
        p90_ms=s["p90_us"] / 1000,
        p99_ms=s["p99_us"] / 1000,
        max_ms=s["max_us"] / 1000,
    )
