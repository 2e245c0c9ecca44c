"""Running untrusted programs: bubblewrap namespaces, resource limits, a wall-clock timeout.

In `bwrap` mode the program sees a read-only /usr (and the Python prefix), a few files
of /etc, a new /proc and /dev, private tmpfs /tmp and home, the job's inputs read-only
and its outputs read-write, and nothing else: no network, no host processes, none of
the runner's data, environment or credentials. In `none` mode (THOTH_SANDBOX=none, for
a runner that already is the sandbox, e.g. a locked-down pod) it runs as a plain child
process; the limits, the cleared environment and the timeout still apply.

Limits are set with prlimit inside the sandbox: CPU seconds (SIGXCPU, then SIGKILL),
address space, processes, file size, open files and no core dumps. RLIMIT_NPROC counts
per real uid and never applies to root, so in bwrap mode a runner that is root drops the
program to an unprivileged uid (65534 unless THOTH_SANDBOX_UID says otherwise) with
setpriv. In none mode the uid is the pod's: run it as non-root (runAsNonRoot). The
program then shares the runner's uid, so the runner makes itself non-dumpable: its
/proc/<pid>/environ and memory (object-store credentials) become unreadable to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import enum
import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer_runner.outcome import Outcome
from analyzer_runner.workspace import Workspace
from thoth_analysis_request.limits import Limits, MiB

INPUTS = "/analysis/in"
OUTPUTS = "/analysis/out"
HOME = "/home/sandbox"
TMP = "/tmp"  # noqa: S108 - the sandbox's own private tmpfs
PATH = "/usr/local/bin:/usr/bin:/bin"
HOSTNAME = "thoth-sandbox"
# Files of the host's /etc that programs need; everything else of /etc stays hidden.
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "alternatives")
SYSTEM_DIRS = ("bin", "sbin", "lib", "lib64", "lib32", "libx32")


class SandboxMode(enum.Enum):
    BWRAP = "bwrap"
    NONE = "none"


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be set up here (bubblewrap missing, bad settings)."""


def _base_python() -> str:
    # Inside the sandbox no virtualenv of the runner is visible, only the base install.
    return str(getattr(sys, "_base_executable", None) or sys.executable)


@dataclass(frozen=True, slots=True)
class SandboxSettings:
    """How this runner sandboxes programs; read from the environment by default."""

    mode: SandboxMode = SandboxMode.BWRAP
    uid: int = 65534
    gid: int = 65534
    bwrap: str = "bwrap"
    python: str = field(default_factory=_base_python)
    read_only: tuple[str, ...] = ()
    """Extra host paths the program may read (the Python prefix is added by itself)."""
    ceiling: Limits = field(default_factory=Limits)
    """The most a request may ask for."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> SandboxSettings:
        """THOTH_SANDBOX (bwrap|none), THOTH_SANDBOX_UID, THOTH_SANDBOX_GID, THOTH_BWRAP."""
        env = os.environ if environ is None else environ
        raw_mode = env.get("THOTH_SANDBOX", "bwrap").strip().lower() or "bwrap"
        try:
            mode = SandboxMode(raw_mode)
        except ValueError:
            raise SandboxUnavailable(
                f"THOTH_SANDBOX={raw_mode!r}: expected 'bwrap' or 'none'"
            ) from None
        try:
            uid = int(env.get("THOTH_SANDBOX_UID", "65534"))
            gid = int(env.get("THOTH_SANDBOX_GID", str(uid)))
        except ValueError:
            raise SandboxUnavailable("THOTH_SANDBOX_UID/GID must be numbers") from None
        if uid == 0 or gid == 0:
            raise SandboxUnavailable("THOTH_SANDBOX_UID/GID must not be 0")
        return cls(mode=mode, uid=uid, gid=gid, bwrap=env.get("THOTH_BWRAP", "bwrap"))


@dataclass(frozen=True, slots=True)
class View:
    """Where the sandboxed program finds things (paths inside the sandbox)."""

    inputs: str
    outputs: str
    tmp: str
    home: str
    python: str


def _tasks_of(uid: int) -> int:
    """How many tasks (threads included) run under this real uid now: RLIMIT_NPROC
    counts them all, so a sandbox's process budget is added on top."""
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        lines = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(lines.get("Uid", "-1").split()[0]) == uid:
            count += int(lines.get("Threads", "1").strip())
    return count


class Sandbox:
    """Runs programs under the settings' isolation; one instance serves many runs."""

    def __init__(self, settings: SandboxSettings | None = None) -> None:
        self.settings = settings or SandboxSettings.from_environ()
        self.privileged = os.geteuid() == 0
        if self.settings.mode is SandboxMode.NONE:
            protect_runner_process()
        if self.settings.mode is SandboxMode.BWRAP:
            found = shutil.which(self.settings.bwrap)
            if found is None:
                raise SandboxUnavailable(
                    f"bubblewrap ({self.settings.bwrap}) is not installed; install Debian's "
                    "`bubblewrap`, or set THOTH_SANDBOX=none where the runner already runs "
                    "in a sandbox"
                )
            self._bwrap = found

    @property
    def drops_privileges(self) -> bool:
        """Whether programs run under the settings' uid rather than the runner's."""
        return self.privileged and self.settings.mode is SandboxMode.BWRAP

    @property
    def program_uid(self) -> int:
        return self.settings.uid if self.drops_privileges else os.geteuid()

    @property
    def program_gid(self) -> int:
        return self.settings.gid if self.drops_privileges else os.getegid()

    def describe(self) -> dict[str, Any]:
        """What a result document records about the isolation it was made under."""
        isolated = self.settings.mode is SandboxMode.BWRAP
        return {
            "mode": self.settings.mode.value,
            "network": "none" if isolated else "not restricted by the runner",
            "filesystem": "private" if isolated else "not restricted by the runner",
            "uid": self.program_uid,
        }

    def view(self, workspace: Workspace) -> View:
        if self.settings.mode is SandboxMode.BWRAP:
            return View(INPUTS, OUTPUTS, TMP, HOME, self.settings.python)
        return View(
            str(workspace.inputs),
            str(workspace.outputs),
            str(workspace.tmp),
            str(workspace.home),
            self.settings.python,
        )

    def environment(self, view: View) -> dict[str, str]:
        """The whole environment of the program: nothing is inherited from the runner."""
        return {
            "PATH": PATH,
            "HOME": view.home,
            "TMPDIR": view.tmp,
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "PIP_NO_INDEX": "1",
            "PIP_NO_CACHE_DIR": "1",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
        }

    def _read_only_paths(self) -> list[Path]:
        # The interpreter's prefix (…/bin/python -> …), unless /usr already holds it.
        prefix = Path(self.settings.python).resolve().parent.parent
        paths = [prefix, *(Path(p) for p in self.settings.read_only)]
        usr = Path("/usr")
        return [
            p for p in dict.fromkeys(paths) if p not in (Path("/"), usr) and usr not in p.parents
        ]

    def _limit_command(self, limits: Limits) -> list[str]:
        processes = limits.processes + _tasks_of(self.program_uid)
        return [
            "prlimit",
            f"--cpu={limits.cpu_seconds}:{limits.cpu_seconds + 5}",
            f"--as={limits.memory_bytes}",
            f"--nproc={processes}",
            f"--fsize={limits.file_size_bytes}",
            f"--nofile={limits.open_files}",
            "--core=0",
            "--",
        ]

    def _drop_command(self) -> list[str]:
        if not self.drops_privileges:
            return []
        return [
            "setpriv",
            f"--reuid={self.settings.uid}",
            f"--regid={self.settings.gid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--",
        ]

    def _bwrap_command(
        self, workspace: Workspace, limits: Limits, view: View, status_fd: int
    ) -> list[str]:
        if self.privileged:
            # No user namespace: a root runner's uid 0 would stay uid 0 in it. The
            # program gets only SETUID/SETGID, for setpriv to drop to the sandbox uid.
            namespaces = [
                "--unshare-pid",
                "--unshare-net",
                "--unshare-ipc",
                "--unshare-uts",
                "--unshare-cgroup-try",
                "--cap-add",
                "CAP_SETUID",
                "--cap-add",
                "CAP_SETGID",
            ]
        else:
            namespaces = ["--unshare-all", "--unshare-user", "--disable-userns"]
        command = [
            self._bwrap,
            *namespaces,
            "--json-status-fd",
            str(status_fd),
            "--die-with-parent",
            "--new-session",
            "--hostname",
            HOSTNAME,
            "--ro-bind",
            "/usr",
            "/usr",
        ]
        # bwrap gives the folders it creates for mount points the modes of the sources'
        # parents (0700 for a mkdtemp folder); the sandbox uid must traverse them.
        for folder in ("/etc", "/analysis", "/home"):
            command += ["--perms", "0755", "--dir", folder]
        for name in SYSTEM_DIRS:
            host = Path("/") / name
            if host.is_symlink():
                command += ["--symlink", os.readlink(host), f"/{name}"]
            elif host.is_dir():
                command += ["--ro-bind", str(host), f"/{name}"]
        for name in ETC_FILES:
            command += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
        for name in ("passwd", "group", "hosts"):
            command += ["--ro-bind", str(workspace.root / f"etc-{name}"), f"/etc/{name}"]
        for path in self._read_only_paths():
            # bwrap would create the parents with the host's modes (/root is 0700).
            for parent in reversed(path.parents[:-1]):
                command += ["--perms", "0755", "--dir", str(parent)]
            command += ["--ro-bind", str(path), str(path)]
        command += [
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--perms",
            "1777",
            "--size",
            str(limits.tmp_bytes),
            "--tmpfs",
            TMP,
            "--perms",
            "1777",
            "--size",
            str(64 * MiB),
            "--tmpfs",
            HOME,
            "--ro-bind",
            str(workspace.inputs),
            INPUTS,
            "--bind",
            str(workspace.outputs),
            OUTPUTS,
            "--chdir",
            OUTPUTS,
            "--clearenv",
        ]
        for name, value in self.environment(view).items():
            command += ["--setenv", name, value]
        return [*command, "--"]

    def command(
        self, argv: Sequence[str], workspace: Workspace, limits: Limits, status_fd: int = 3
    ) -> list[str]:
        """The full command line that runs `argv` sandboxed (bwrap reports its status,
        including the sandbox's first pid, as JSON to `status_fd`)."""
        inner = [*self._drop_command(), *self._limit_command(limits), *argv]
        if self.settings.mode is SandboxMode.NONE:
            return inner
        view = self.view(workspace)
        return [*self._bwrap_command(workspace, limits, view, status_fd), *inner]

    def _prepare(self, workspace: Workspace) -> None:
        uid, gid = self.program_uid, self.program_gid
        (workspace.root / "etc-passwd").write_text(
            f"root:x:0:0:root:/root:/usr/sbin/nologin\n"
            f"sandbox:x:{uid}:{gid}:sandbox:{HOME}:/usr/sbin/nologin\n"
        )
        (workspace.root / "etc-group").write_text(f"root:x:0:\nsandbox:x:{gid}:\n")
        (workspace.root / "etc-hosts").write_text(f"127.0.0.1 localhost {HOSTNAME}\n")
        if self.drops_privileges:
            # The program runs as the sandbox uid: it may traverse the job folder, read
            # the inputs, and write only its outputs (and tmp/home in none mode).
            os.chmod(workspace.root, 0o711)  # noqa: S103 - traverse only, no listing
            for folder in (workspace.outputs, workspace.tmp, workspace.home):
                os.chown(folder, uid, gid)
            for directory, _, files in os.walk(workspace.inputs):
                os.chmod(directory, 0o755)  # noqa: S103 - inputs are for reading
                for name in files:
                    os.chmod(Path(directory) / name, 0o644)

    async def run(self, argv: Sequence[str], workspace: Workspace, limits: Limits) -> Outcome:
        """Run `argv` sandboxed; its output goes to `workspace.output_log`."""
        limits = limits.within(self.settings.ceiling)
        self._prepare(workspace)
        view = self.view(workspace)
        if self.settings.mode is SandboxMode.BWRAP:
            environment = {"PATH": PATH}  # bwrap itself; the program gets --setenv only
            cwd = str(workspace.root)
        else:
            environment = self.environment(view)
            cwd = str(workspace.outputs)
        status_path = workspace.root / "bwrap-status.json"
        started = time.monotonic()
        # Blocking opens of two fresh local files, before the program starts.
        with (
            open(workspace.output_log, "ab") as log,  # noqa: ASYNC230
            open(status_path, "wb") as status,  # noqa: ASYNC230
        ):
            process = await asyncio.create_subprocess_exec(
                *self.command(argv, workspace, limits, status.fileno()),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=environment,
                cwd=cwd,
                start_new_session=True,
                pass_fds=(status.fileno(),),
            )
        timed_out = False
        try:
            await asyncio.wait_for(process.wait(), timeout=limits.wall_seconds)
        except TimeoutError:
            timed_out = True
            await self._kill(process, status_path)
        finally:
            _kill_group(process.pid)
            await process.wait()
            await _namespace_gone(status_path)
        duration = time.monotonic() - started
        code = process.returncode
        assert code is not None
        exit_status, signal_number = _decode(code, self.settings.mode)
        return Outcome(
            exit_status=None if timed_out else exit_status,
            signal=None if timed_out else signal_number,
            timed_out=timed_out,
            duration_seconds=duration,
            limits=limits,
            output_log=workspace.output_log,
        )

    async def _kill(self, process: asyncio.subprocess.Process, status_path: Path) -> None:
        """Kill a running sandbox.

        With bwrap, the sandbox's pid 1 is killed: the kernel then kills everything in
        its pid namespace, even processes that left the process group (run() waits for
        the namespace to be empty). Without bwrap, the process group goes.
        """
        child = _sandbox_pid(status_path)
        if child is None:
            _kill_group(process.pid)
            return
        # bwrap has not reaped `child` yet (we are waiting for it), so the pid is still its.
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), timeout=10)


PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3


def protect_runner_process() -> bool:
    """Make this process non-dumpable, so that programs running under the same uid can
    neither read its /proc/<pid>/environ and memory nor ptrace it. False if impossible."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _sandbox_status(status_path: Path) -> dict[str, Any]:
    """bwrap's first JSON status line: the sandbox's pid 1 and its pid namespace."""
    try:
        first = status_path.read_text().split("}", 1)[0] + "}"
        status = json.loads(first)
    except (OSError, ValueError):
        return {}
    return status if isinstance(status, dict) else {}


def _sandbox_pid(status_path: Path) -> int | None:
    pid = _sandbox_status(status_path).get("child-pid")
    return pid if isinstance(pid, int) and pid > 1 else None


async def _namespace_gone(status_path: Path, patience: float = 10.0) -> None:
    """Wait until the sandbox's pid namespace has no process left.

    bwrap may exit as soon as the program does, while the kernel is still killing what
    the program left behind. The namespace is empty once its pid 1 has exited (it may
    linger as a zombie until the host's init reaps it); a recycled pid is told apart by
    its namespace.
    """
    status = _sandbox_status(status_path)
    pid, namespace = status.get("child-pid"), status.get("pid-namespace")
    if not isinstance(pid, int) or not isinstance(namespace, int):
        return
    step = 0.005  # nothing signals the end of another process' namespace: poll /proc
    for _ in range(int(patience / step)):
        if not _running_in(pid, namespace):
            return
        await asyncio.sleep(step)


def _running_in(pid: int, namespace: int) -> bool:
    """Whether `pid` is a live (not zombie) process of the pid namespace `namespace`."""
    try:
        if os.readlink(f"/proc/{pid}/ns/pid") != f"pid:[{namespace}]":
            return False
        with open(f"/proc/{pid}/stat") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _decode(code: int, mode: SandboxMode) -> tuple[int | None, int | None]:
    """(exit status, signal) from a return code; bwrap reports a signal N as 128+N."""
    if code < 0:
        return None, -code
    if mode is SandboxMode.BWRAP and 128 < code < 128 + signal.NSIG:
        return None, code - 128
    return code, None
