"""The local launcher: each analysis as a `python -m analyzer_runner run` child process.

- A bounded number of slots; each slot has its own sandbox uid (THOTH_SANDBOX_UID), since
  RLIMIT_NPROC counts per uid and concurrent sandboxes under one uid would share one
  process budget, and its own scratch folder, wiped before each launch (a killed runner
  leaves its workspace behind).
- The runner gets an environment of its own: the object store's credentials (AWS_*),
  the egress policy (THOTH_EGRESS_*), the sandbox settings and what a process needs to
  run, never the server's other variables (a graph URL with credentials, tokens).
- It dies with its dispatcher (PR_SET_PDEATHSIG, SIGKILL), and its sandbox with it
  (bwrap --die-with-parent): after a crash no orphan runs on, and recovery can tell.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import shutil
import signal
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from thoth_graphql.analyses.dispatcher import RunEnd
from thoth_graphql.analyses.ledger import DispatchRecord
from thoth_graphql.domain import Analysis
from thoth_objects.layout import request_key

log = logging.getLogger(__name__)

UID_BASE = 64000
"""Slot n's sandboxed programs run as uid UID_BASE + n (when the runner is root)."""
PASSED_VARIABLES = frozenset(
    {
        "PATH",
        "HOME",
        "LANG",
        "LC_ALL",
        "TZ",
        "TMPDIR",
        "PYTHONPATH",
        "VIRTUAL_ENV",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "no_proxy",
        "THOTH_SANDBOX",
        "THOTH_BWRAP",
        "THOTH_SANDBOX_GID",
    }
)
PASSED_PREFIXES = ("AWS_", "THOTH_EGRESS_")
STOP_SECONDS = 5.0
LOG_TAIL = 600

_PR_SET_PDEATHSIG = 1


def runner_environment(environ: Mapping[str, str], uid: int) -> dict[str, str]:
    """What a runner process may see of the dispatcher's environment, and its uid."""
    passed = {
        name: value
        for name, value in environ.items()
        if name in PASSED_VARIABLES or name.startswith(PASSED_PREFIXES)
    }
    passed["THOTH_SANDBOX_UID"] = str(uid)
    passed.setdefault("THOTH_SANDBOX_GID", str(uid))
    return passed


def _die_with_parent(parent: int) -> Callable[[], None]:
    libc = ctypes.CDLL(None, use_errno=True)
    prctl = libc.prctl

    def in_child() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return in_child


def _wipe(folder: Path) -> None:
    """Remove a folder a runner left, also what its program made unreadable."""
    if not folder.exists():
        return
    for directory, subdirectories, _ in os.walk(folder):
        for name in subdirectories:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(directory, name), 0o700)
    shutil.rmtree(folder, ignore_errors=True)


def _tail(path: Path) -> str:
    try:
        data = path.read_bytes()[-LOG_TAIL * 4 :]
    except OSError:
        return ""
    return data.decode("utf-8", errors="replace").strip()[-LOG_TAIL:]


class LocalRun:
    """A runner process."""

    def __init__(
        self, process: asyncio.subprocess.Process, log_path: Path, release: Callable[[], None]
    ) -> None:
        self.process = process
        self.log_path = log_path
        self._release = release

    @property
    def pid(self) -> int:
        return self.process.pid

    async def wait(self) -> RunEnd:
        try:
            code = await self.process.wait()
        finally:
            self._release()
        detail = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
        tail = await asyncio.to_thread(_tail, self.log_path)
        return RunEnd(f"{detail}: {tail}" if tail else detail)

    async def stop(self) -> None:
        """SIGTERM to the runner's process group, SIGKILL if it lingers."""
        if self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.shield(self.process.wait()), STOP_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)


class LocalLauncher:
    """Runs analyses as child processes of the dispatcher, `workers` at a time."""

    name = "local"
    survives_dispatcher = False

    def __init__(
        self,
        objects_url: str,
        workers: int,
        scratch: Path,
        *,
        uid_base: int = UID_BASE,
        python: str = sys.executable,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError("a local launcher needs at least one worker")
        self.objects_url = objects_url
        self.slots = workers
        self.scratch = scratch
        self.uid_base = uid_base
        self.python = python
        self.environ = dict(os.environ if environ is None else environ)
        self._free = list(range(workers))
        self.runs: dict[str, LocalRun] = {}
        """The runs in progress, by analysis id (tests kill them)."""

    def job_name(self, analysis_id: str, launch: int) -> str | None:
        return None

    async def start(self, analysis: Analysis, record: DispatchRecord) -> LocalRun:
        slot = self._free.pop(0)
        try:
            folder = self.scratch / f"slot-{slot}"
            await asyncio.to_thread(_wipe, folder)
            folder.mkdir(parents=True)
            log_path = self.scratch / f"slot-{slot}.log"
            command = [
                self.python,
                "-m",
                "analyzer_runner",
                "run",
                request_key(analysis.id),
                "--objects",
                self.objects_url,
                "--scratch",
                str(folder),
            ]
            with open(log_path, "wb") as output:  # noqa: ASYNC230 - opening is instant
                process = await asyncio.create_subprocess_exec(
                    *command,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=output,
                    stderr=output,
                    env=runner_environment(self.environ, self.uid_base + slot),
                    start_new_session=True,
                    preexec_fn=_die_with_parent(os.getpid()),
                )
        except BaseException:
            self._free.append(slot)
            raise

        def release() -> None:
            self._free.append(slot)
            self.runs.pop(analysis.id, None)

        run = LocalRun(process, log_path, release)
        self.runs[analysis.id] = run
        log.info("analysis %s: runner pid %d in slot %d", analysis.id, process.pid, slot)
        return run

    async def reattach(self, record: DispatchRecord) -> LocalRun | None:
        return None  # a process of another dispatcher cannot be waited for

    async def close(self) -> None:
        return None
