"""The stack inspection analysis: install a locked stack, run a script, observe.

Outside the sandbox: find each pinned version's artifact for this runner's interpreter
and platform, download it and check its sha256 against the index and the lock, and
fetch the build requirements of any sdist. Inside (inside/inspect_stack.py): build the
sdists, `pip install --no-index --no-deps` everything into a venv in the private /tmp,
run the script. The outcome is SUCCESS, BUILD_FAILURE, INSTALL_FAILURE or
RUNTIME_FAILURE, with exit status, output tail, durations and the script's metrics.
"""

from __future__ import annotations

import asyncio
import ensurepip
import hashlib
import json
import signal
from collections.abc import Sequence
from contextlib import AsyncExitStack, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from packaging.tags import Tag
from packaging.version import Version

from analyzer_runner.artifacts import by_version, for_install, python_admits
from analyzer_runner.build_requirements import (
    BuildRequirementUnavailable,
    Wheelhouse,
    provision,
)
from analyzer_runner.failure import AnalysisFailed
from analyzer_runner.index import HashMismatch, IndexClient, IndexFault
from analyzer_runner.inside import program
from analyzer_runner.metadata import InvalidMetadata, sdist_build_system
from analyzer_runner.metrics import metrics_of_log
from analyzer_runner.outcome import Outcome
from analyzer_runner.sandbox import Sandbox
from analyzer_runner.tags import host_tags, platform_tags
from analyzer_runner.workspace import Workspace, read_tail
from thoth_analysis_request.document import InspectionRequest, LockedPackage
from thoth_analysis_request.environment import Environment, host_environment

DRIVER = "inspect_stack.py"
OUTCOMES = {"build": "BUILD_FAILURE", "install": "INSTALL_FAILURE", "script": "RUNTIME_FAILURE"}
TAIL_CHARS = 4000
MAX_REPORT_BYTES = 1024 * 1024


def bundled_pip() -> Path:
    """The pip wheel that ships with the interpreter (ensurepip), run from its zip."""
    bundled = sorted((Path(ensurepip.__file__).parent / "_bundled").glob("pip-*.whl"))
    if not bundled:
        raise AnalysisFailed("this runner's Python has no bundled pip wheel (ensurepip)")
    return bundled[-1]


class StackNotInstallable(Exception):
    """Found before the sandbox: the stack cannot be installed here (an observation)."""

    def __init__(self, outcome: str, message: str) -> None:
        self.outcome = outcome
        self.message = message
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class Fetched:
    package: LockedPackage
    filename: str
    sha256: str


def observed_environment(requested: Environment) -> Environment:
    """The environment the stack really runs in: this runner's OS, Python and platform,
    with the hardware fields the request states (the runner cannot check them)."""
    host = host_environment()
    if requested.python_version and requested.python_tuple != host.python_tuple:
        raise AnalysisFailed(
            f"the request asks for Python {requested.python_version}; "
            f"this runner runs Python {host.python_version}"
        )
    assert host.platform is not None
    if requested.platform and requested.platform not in platform_tags(host.platform):
        raise AnalysisFailed(
            f"the request asks for platform {requested.platform}; this runner is {host.platform}"
        )
    return replace(
        requested,
        os_name=host.os_name,
        os_version=host.os_version,
        python_version=host.python_version,
        platform=host.platform,
    )


def _phases(path: Path) -> list[dict[str, Any]]:
    """The driver's phase records (untrusted: the script could have rewritten them)."""
    try:
        if path.stat().st_size > MAX_REPORT_BYTES:
            return []
        data: Any = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return []
    phases = data.get("phases") if isinstance(data, dict) else None
    if not isinstance(phases, list):
        return []
    clean: list[dict[str, Any]] = []
    for phase in phases[:3]:
        if not isinstance(phase, dict) or phase.get("name") not in OUTCOMES:
            return []
        clean.append(
            {
                "name": phase["name"],
                "exit_status": _int_or_none(phase.get("exit_status")),
                "signal": _int_or_none(phase.get("signal")),
                "duration_seconds": _number_or_none(phase.get("duration_seconds")),
            }
        )
    return clean


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _signal_name(number: int | None) -> str | None:
    if number is None:
        return None
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def judge(
    phases: list[dict[str, Any]], outcome: Outcome, outputs: Path, has_script: bool
) -> dict[str, Any]:
    """The result of a sandboxed run: outcome, message, statuses, tail and metrics."""
    if not phases:
        raise AnalysisFailed(
            f"the inspection could not start ({outcome.reason}): {_last_line(outcome.tail())}",
            retryable=True,
        )
    last = phases[-1]
    interrupted = outcome.timed_out or outcome.signal is not None
    if interrupted and last["exit_status"] is None and last["signal"] is None:
        # Killed from outside (timeout, limit) while this phase ran.
        last = {**last, "signal": outcome.signal, "duration_seconds": None}
        phases = [*phases[:-1], last]
    failed = last["exit_status"] != 0
    tail = read_tail(outputs / f"{last['name']}.log", TAIL_CHARS)
    if failed:
        status = (
            outcome.reason
            if interrupted
            else (
                f"killed by {_signal_name(last['signal'])}"
                if last["signal"] is not None
                else f"exit status {last['exit_status']}"
            )
        )
        result_outcome = OUTCOMES[last["name"]]
        message = f"{last['name']} failed ({status})"
        if _last_line(tail):
            message += f": {_last_line(tail)}"
    else:
        result_outcome = "SUCCESS"
        message = "installed" + (" and the script succeeded" if has_script else "")
    script = next((p for p in phases if p["name"] == "script"), None)
    return {
        "outcome": result_outcome,
        "message": message,
        "exit_status": last["exit_status"],
        "signal": _signal_name(last["signal"]),
        "timed_out": outcome.timed_out,
        "duration_seconds": script["duration_seconds"] if script else None,
        "total_duration_seconds": round(outcome.duration_seconds, 6),
        "phases": phases,
        "output_tail": tail,
        "metrics": metrics_of_log(outputs / "script.log") if script else {},
    }


class Inspector:
    """Runs stack inspections with one sandbox."""

    def __init__(
        self, sandbox: Sandbox, scratch: Path | None = None, pip_wheel: Path | None = None
    ) -> None:
        self.sandbox = sandbox
        self.scratch = scratch
        self.pip_wheel = pip_wheel

    async def _fetch(
        self,
        package: LockedPackage,
        index: IndexClient,
        supported: Sequence[Tag],
        environment: Environment,
        workspace: Workspace,
        wheelhouse: Wheelhouse,
    ) -> Fetched:
        pinned = f"{package.name}=={package.version}"
        try:
            page = await index.project(package.name)
        except IndexFault as error:
            raise AnalysisFailed(f"{pinned}: {error}", retryable=True) from error
        if page is None:
            raise StackNotInstallable("INSTALL_FAILURE", f"{package.name} is not on the index")
        artifacts = by_version(page.artifacts).get(Version(package.version))
        if not artifacts:
            raise StackNotInstallable("INSTALL_FAILURE", f"{pinned} is not on the index")
        artifact = for_install(artifacts, supported)
        if artifact is None:
            raise StackNotInstallable(
                "INSTALL_FAILURE", f"{pinned}: no wheel for {supported[0]} and no sdist"
            )
        python = environment.python_version or ""
        if python_admits(artifact.requires_python, python) is False:
            raise StackNotInstallable(
                "INSTALL_FAILURE", f"{pinned} requires Python {artifact.requires_python}"
            )
        try:
            path, digest = await index.download(
                artifact, workspace.inputs / "artifacts", expected=package.sha256
            )
        except HashMismatch as error:
            raise AnalysisFailed(str(error)) from error
        except IndexFault as error:
            raise AnalysisFailed(f"{pinned}: {error}", retryable=True) from error
        if artifact.kind == "sdist":
            await self._build_requirements(path, pinned, index, wheelhouse)
        return Fetched(package, artifact.filename, digest)

    @staticmethod
    async def _build_requirements(
        path: Path, pinned: str, index: IndexClient, wheelhouse: Wheelhouse
    ) -> None:
        try:
            build_system = await asyncio.to_thread(sdist_build_system, path)
            await provision(build_system.requires, index, wheelhouse)
        except (InvalidMetadata, BuildRequirementUnavailable) as error:
            raise StackNotInstallable("BUILD_FAILURE", f"{pinned}: {error}") from error
        if build_system.backend.startswith("setuptools"):
            # setuptools before 70.1 asks for `wheel` at build time (pip then needs it).
            with suppress(BuildRequirementUnavailable):
                await provision(["wheel"], index, wheelhouse)

    async def inspect(self, request: InspectionRequest) -> dict[str, Any]:
        """The `environment`, `stack`, `script` and `result` parts of the document."""
        environment = observed_environment(request.environment)
        supported = host_tags()
        pip_wheel = self.pip_wheel or bundled_pip()
        script = (
            {
                "sha256": hashlib.sha256(request.script.encode()).hexdigest(),
                "size": len(request.script.encode()),
            }
            if request.script
            else None
        )
        document: dict[str, Any] = {
            "environment": environment.to_json(),
            "stack": [
                {"package_name": p.name, "package_version": p.version, "index_url": p.index_url}
                for p in request.packages
            ],
            "script": script,
        }
        workspace = await asyncio.to_thread(Workspace.create, self.scratch, "inspection")
        try:
            (workspace.inputs / "artifacts").mkdir()
            wheelhouse = Wheelhouse(workspace.inputs / "wheelhouse")
            wheelhouse.folder.mkdir()
            try:
                fetched = await self._fetch_all(
                    request, supported, environment, workspace, wheelhouse
                )
            except StackNotInstallable as failure:
                document["result"] = _not_installable(failure)
                return document
            for entry, item in zip(document["stack"], fetched, strict=True):
                entry["artifact"] = item.filename
                entry["sha256"] = item.sha256
            if request.script:
                (workspace.inputs / "script.py").write_text(request.script)
            (workspace.inputs / DRIVER).write_bytes(program(DRIVER))
            view = self.sandbox.view(workspace)
            command = [
                view.python,
                "-S",
                "-B",
                f"{view.inputs}/{DRIVER}",
                view.inputs,
                view.outputs,
                str(pip_wheel),
            ]
            outcome = await self.sandbox.run(command, workspace, request.limits)
            phases = _phases(workspace.outputs / "report.json")
            document["result"] = judge(phases, outcome, workspace.outputs, bool(request.script))
            return document
        finally:
            await asyncio.to_thread(workspace.remove)

    async def _fetch_all(
        self,
        request: InspectionRequest,
        supported: Sequence[Tag],
        environment: Environment,
        workspace: Workspace,
        wheelhouse: Wheelhouse,
    ) -> list[Fetched]:
        async with AsyncExitStack() as stack:
            indexes: dict[str, IndexClient] = {}
            fetched: list[Fetched] = []
            for package in request.packages:
                if package.index_url not in indexes:
                    indexes[package.index_url] = await stack.enter_async_context(
                        IndexClient(package.index_url)
                    )
                index = indexes[package.index_url]
                fetched.append(
                    await self._fetch(package, index, supported, environment, workspace, wheelhouse)
                )
            return fetched


def _not_installable(failure: StackNotInstallable) -> dict[str, Any]:
    return {
        "outcome": failure.outcome,
        "message": failure.message,
        "exit_status": None,
        "signal": None,
        "timed_out": False,
        "duration_seconds": None,
        "total_duration_seconds": 0.0,
        "phases": [],
        "output_tail": "",
        "metrics": {},
    }
