"""The sandbox itself: what a program sees, what it may do, and how it ends."""

from __future__ import annotations

import ctypes
import json
import os
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from analyzer_runner.outcome import Outcome
from analyzer_runner.sandbox import (
    PR_GET_DUMPABLE,
    Sandbox,
    SandboxMode,
    SandboxSettings,
    SandboxUnavailable,
)
from analyzer_runner.workspace import Workspace
from tests.analyzer_runner.conftest import SECRET
from tests.analyzer_runner.test_hostile import SANDBOX_ENVIRONMENT, sandbox_processes
from thoth_analysis_request.limits import Limits

PROBE = """
import json, os, socket
def attempt(action):
    try:
        action()
        return "ok"
    except OSError as error:
        return type(error).__name__
def connect():
    socket.create_connection(("127.0.0.1", PORT), timeout=3).close()
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
report = {
    "root": sorted(os.listdir("/")),
    "etc": sorted(os.listdir("/etc")),
    "uid": os.getuid(),
    "cap_eff": status["CapEff"].strip(),
    "no_new_privs": status["NoNewPrivs"].strip(),
    "environment": sorted(os.environ),
    "hostname": socket.gethostname(),
    "interfaces": sorted(l.split(":")[0].strip() for l in open("/proc/net/dev").readlines()[2:]),
    "connect": attempt(connect),
    "write_outputs": attempt(lambda: open(os.path.join(OUT, "x"), "w").close()),
    "write_inputs": attempt(lambda: open(os.path.join(IN, "x"), "w").close()),
    "write_usr": attempt(lambda: open("/usr/x", "w").close()),
    "processes": len([p for p in os.listdir("/proc") if p.isdigit()]),
}
print(json.dumps(report))
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    created = Workspace.create(tmp_path, "test")
    yield created
    created.remove()


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A socket listening on the runner's loopback: the sandbox must not reach it."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        yield server


async def python(
    sandbox: Sandbox, workspace: Workspace, source: str, limits: Limits | None = None
) -> Outcome:
    view = sandbox.view(workspace)
    return await sandbox.run(
        [view.python, "-S", "-c", source], workspace, limits or Limits(wall_seconds=20)
    )


def accepted(listener: socket.socket) -> bool:
    try:
        listener.accept()[0].close()
    except BlockingIOError:
        return False
    return True


async def probe(sandbox: Sandbox, workspace: Workspace, listener: socket.socket) -> dict[str, Any]:
    view = sandbox.view(workspace)
    source = PROBE.replace("PORT", str(listener.getsockname()[1]))
    source = source.replace("OUT", repr(view.outputs)).replace("IN", repr(view.inputs))
    outcome = await python(sandbox, workspace, source)
    assert outcome.ok, outcome.tail()
    report: dict[str, Any] = json.loads(outcome.tail().splitlines()[-1])
    return report


def prefix_top(sandbox: Sandbox) -> str:
    """The top folder of the interpreter's prefix (bound too when not under /usr)."""
    return os.path.realpath(sandbox.settings.python).split("/")[1]


async def test_bwrap_shows_only_the_system_and_the_job(
    sandbox: Sandbox, workspace: Workspace, listener: socket.socket, data_dir: Path
) -> None:
    report = await probe(sandbox, workspace, listener)
    assert set(report["root"]) - {prefix_top(sandbox)} == {
        "analysis", "bin", "dev", "etc", "home", "lib", "lib64", "proc", "sbin", "tmp", "usr",
    }  # fmt: skip
    assert set(report["etc"]) <= {
        "alternatives", "group", "hosts", "ld.so.cache", "ld.so.conf", "ld.so.conf.d",
        "localtime", "passwd",
    }  # fmt: skip
    assert set(report["environment"]) == SANDBOX_ENVIRONMENT
    assert report["hostname"] == "thoth-sandbox"
    assert (report["uid"], report["cap_eff"], report["no_new_privs"]) == (
        sandbox.program_uid,
        "0000000000000000",
        "1",
    )
    assert sandbox.program_uid != 0
    assert report["interfaces"] == ["lo"]
    assert report["connect"] == "ConnectionRefusedError"
    assert not accepted(listener)
    assert (report["write_outputs"], report["write_inputs"], report["write_usr"]) == (
        "ok",
        "OSError",
        "OSError",
    )
    assert report["processes"] <= 2  # bwrap's init and the program: no host processes
    assert SECRET not in workspace.output_log.read_text()


async def test_none_mode_keeps_limits_and_a_clean_environment_and_says_so(
    workspace: Workspace, listener: socket.socket, data_dir: Path
) -> None:
    sandbox = Sandbox(SandboxSettings(mode=SandboxMode.NONE))
    report = await probe(sandbox, workspace, listener)
    assert "work" in report["root"]  # the host's file system
    assert set(report["environment"]) == SANDBOX_ENVIRONMENT - {"PWD"}
    assert report["connect"] == "ok"
    assert sandbox.describe() == {
        "mode": "none",
        "network": "not restricted by the runner",
        "filesystem": "not restricted by the runner",
        "uid": os.geteuid(),
    }
    limits = Limits(memory_bytes=300 * 1024**2, wall_seconds=20)
    outcome = await python(sandbox, workspace, "print(open('/proc/self/limits').read())", limits)
    assert "Max address space         314572800" in outcome.tail()
    # The program shares the runner's uid: the runner's /proc entries are closed to it.
    libc = ctypes.CDLL(None)
    assert libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0


async def test_the_process_limit_stops_forks(sandbox: Sandbox, workspace: Workspace) -> None:
    source = """
import os, time
children = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        children += 1
except OSError as error:
    print("children", children, type(error).__name__)
"""
    outcome = await python(sandbox, workspace, source, Limits(processes=10, wall_seconds=20))
    assert outcome.ok, outcome.tail()
    assert outcome.tail().strip() == "children 9 BlockingIOError"
    assert sandbox_processes(sandbox.program_uid) == []


async def test_a_timeout_kills_every_process_even_detached_ones(
    sandbox: Sandbox, workspace: Workspace
) -> None:
    source = """
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(600)
    os._exit(0)
print("waiting", flush=True)
time.sleep(600)
"""
    outcome = await python(sandbox, workspace, source, Limits(wall_seconds=1))
    assert outcome.timed_out
    assert (outcome.exit_status, outcome.signal) == (None, None)
    assert outcome.reason == "killed after the wall-clock limit of 1 s"
    assert outcome.tail() == "waiting\n"
    assert 1 <= outcome.duration_seconds < 5
    assert sandbox_processes(sandbox.program_uid) == []


@pytest.mark.parametrize(
    ("source", "limits", "reason"),
    [
        ("while True: pass", Limits(cpu_seconds=1), "killed by SIGXCPU: CPU time limit of 1 s"),
        ("import os; os.kill(os.getpid(), 9)", Limits(),
         "killed by SIGKILL (CPU time or memory limit)"),
        ("import os; os.kill(os.getpid(), 11)", Limits(), "killed by SIGSEGV"),
        ("import sys; sys.exit(3)", Limits(), "exit status 3"),
    ],
)  # fmt: skip
async def test_how_a_program_ended_is_told_in_words(
    sandbox: Sandbox, workspace: Workspace, source: str, limits: Limits, reason: str
) -> None:
    outcome = await python(sandbox, workspace, source, limits)
    assert outcome.reason == reason
    assert not outcome.ok


async def test_limits_are_capped_by_the_runners_ceiling(workspace: Workspace) -> None:
    ceiling = Limits(memory_bytes=400 * 1024**2, wall_seconds=20)
    sandbox = Sandbox(SandboxSettings(ceiling=ceiling))
    outcome = await python(sandbox, workspace, "print(open('/proc/self/limits').read())", Limits())
    assert outcome.limits.memory_bytes == 400 * 1024**2
    assert "Max address space         419430400" in outcome.tail()
    assert "Max core file size        0" in outcome.tail()


def test_settings_come_from_the_environment() -> None:
    settings = SandboxSettings.from_environ({"THOTH_SANDBOX": "none", "THOTH_SANDBOX_UID": "1234"})
    assert (settings.mode, settings.uid, settings.gid) == (SandboxMode.NONE, 1234, 1234)
    assert SandboxSettings.from_environ({}).mode is SandboxMode.BWRAP
    for bad in (
        {"THOTH_SANDBOX": "docker"},
        {"THOTH_SANDBOX_UID": "0"},
        {"THOTH_SANDBOX_UID": "x"},
    ):
        with pytest.raises(SandboxUnavailable):
            SandboxSettings.from_environ(bad)


def test_a_missing_bubblewrap_is_a_clear_error() -> None:
    with pytest.raises(SandboxUnavailable, match="THOTH_SANDBOX=none"):
        Sandbox(SandboxSettings(bwrap="/nonexistent/bwrap"))


def test_limits_read_from_requests() -> None:
    assert Limits.from_json({"cpu_seconds": 5, "wall_seconds": 2.5}) == Limits(
        cpu_seconds=5, wall_seconds=2.5
    )
    for bad in ({"gpu": 1}, {"cpu_seconds": 0}, {"memory_bytes": True}, {"processes": "9"}):
        with pytest.raises(ValueError):
            Limits.from_json(bad)


@pytest.fixture
def unprivileged_workspace() -> Iterator[Workspace]:
    """A workspace an unprivileged runner (uid 65534) owns, where it can reach it."""
    created = Workspace.create(Path("/tmp"), "unprivileged")
    yield created
    created.remove()


def test_an_unprivileged_runner_gets_a_user_namespace(
    unprivileged_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a runner that is not root would: bwrap itself runs as an unprivileged uid.
    workspace = unprivileged_workspace
    monkeypatch.setattr(os, "geteuid", lambda: 65534)
    monkeypatch.setattr(os, "getegid", lambda: 65534)
    sandbox = Sandbox(replace(SandboxSettings(), python="/bin/sh"))
    assert (sandbox.privileged, sandbox.drops_privileges) == (False, False)
    sandbox._prepare(workspace)
    for directory, _, files in os.walk(workspace.root):
        for path in [directory, *(os.path.join(directory, f) for f in files)]:
            os.chown(path, 65534, 65534)
    status_fd = os.open(workspace.root / "status", os.O_WRONLY | os.O_CREAT, 0o600)
    command = sandbox.command(
        ["/bin/sh", "-c", "cat /proc/self/uid_map; echo ok > /analysis/out/x"],
        workspace,
        Limits(),
        status_fd,
    )
    assert command[1:5] == [
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--json-status-fd",
    ]
    assert "--cap-add" not in command and "setpriv" not in command
    finished = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command],
        capture_output=True,
        text=True,
        pass_fds=(status_fd,),
        timeout=30,
        check=False,
    )
    os.close(status_fd)
    assert finished.returncode == 0, finished.stderr
    assert (workspace.outputs / "x").read_text() == "ok\n"
