"""Building an sdist's metadata: the only step of a solver analysis that runs package code.

Outside the sandbox: read [build-system] from the archive, fetch the build requirements
as wheels. Inside: unpack, install them privately, call the backend's
prepare_metadata_for_build_wheel (or build_wheel). When the backend asks for more than
it declared (get_requires_for_build_wheel, e.g. setuptools wanting `wheel`), those are
fetched and the build is tried once more.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer_runner.artifacts import Artifact
from analyzer_runner.build_requirements import (
    BuildRequirementUnavailable,
    Wheelhouse,
    provision,
)
from analyzer_runner.index import IndexClient
from analyzer_runner.inside import program
from analyzer_runner.metadata import (
    CoreMetadata,
    InvalidMetadata,
    check_identity,
    parse_core_metadata,
    sdist_build_system,
)
from analyzer_runner.outcome import Outcome
from analyzer_runner.sandbox import Sandbox
from analyzer_runner.workspace import Workspace
from thoth_analysis_request.limits import Limits

DRIVER = "build_metadata.py"
MAX_REPORT_BYTES = 1024 * 1024


class MetadataBuildFailed(Exception):
    """The sdist's metadata could not be built; `reason` says why in one line."""

    def __init__(self, reason: str, details: str = "") -> None:
        self.reason = reason
        self.details = details
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What the driver inside the sandbox said (untrusted: the package wrote there too)."""

    ok: bool
    error: str | None
    requires: tuple[str, ...]

    @classmethod
    def read(cls, path: Path) -> BuildReport | None:
        try:
            if path.stat().st_size > MAX_REPORT_BYTES:
                return None
            data: Any = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        error = data.get("error")
        requires = data.get("requires")
        return cls(
            ok=data.get("ok") is True,
            error=str(error)[:2000] if error else None,
            requires=tuple(str(r)[:200] for r in requires[:50])
            if isinstance(requires, list)
            else (),
        )


def _failure(outcome: Outcome, report: BuildReport | None) -> MetadataBuildFailed:
    details = outcome.tail(2000)
    if not outcome.ok and (outcome.timed_out or outcome.signal is not None):
        return MetadataBuildFailed(f"metadata build {outcome.reason}", details)
    if report is not None and report.error:
        return MetadataBuildFailed(f"metadata build failed: {report.error}", details)
    return MetadataBuildFailed(f"metadata build failed ({outcome.reason})", details)


async def build_sdist_metadata(
    sdist: Path,
    artifact: Artifact,
    index: IndexClient,
    sandbox: Sandbox,
    limits: Limits,
    scratch: Path | None = None,
) -> CoreMetadata:
    """The metadata of a downloaded sdist, built in the sandbox; raises MetadataBuildFailed."""
    try:
        build_system = await asyncio.to_thread(sdist_build_system, sdist)
    except InvalidMetadata as error:
        raise MetadataBuildFailed(f"cannot read the sdist: {error}") from error
    workspace = await asyncio.to_thread(Workspace.create, scratch, "build")
    try:
        wheelhouse = Wheelhouse(workspace.inputs / "wheelhouse")
        wheelhouse.folder.mkdir()
        shutil.copyfile(sdist, workspace.inputs / artifact.filename)
        (workspace.inputs / DRIVER).write_bytes(program(DRIVER))
        requirements: list[str] = list(build_system.requires)
        for attempt in (1, 2):
            try:
                await provision(requirements, index, wheelhouse)
            except BuildRequirementUnavailable as error:
                raise MetadataBuildFailed(f"metadata build impossible: {error}") from error
            for leftover in workspace.outputs.iterdir():
                leftover.unlink()
            view = sandbox.view(workspace)
            command = [
                view.python,
                "-S",
                "-B",
                f"{view.inputs}/{DRIVER}",
                f"{view.inputs}/{artifact.filename}",
                f"{view.inputs}/wheelhouse",
                view.outputs,
            ]
            outcome = await sandbox.run(command, workspace, limits)
            report = BuildReport.read(workspace.outputs / "report.json")
            if outcome.ok and report is not None and report.ok:
                return _read_metadata(workspace.outputs / "METADATA", artifact)
            missing = wheelhouse.missing(report.requires) if report is not None else []
            if attempt == 2 or not missing or outcome.timed_out or outcome.signal is not None:
                raise _failure(outcome, report)
            requirements = missing
        raise AssertionError("unreachable")
    finally:
        await asyncio.to_thread(workspace.remove)


def _read_metadata(path: Path, artifact: Artifact) -> CoreMetadata:
    try:
        if path.stat().st_size > MAX_REPORT_BYTES * 16:
            raise MetadataBuildFailed("the built METADATA is larger than 16 MiB")
        metadata = parse_core_metadata(path.read_bytes())
        return check_identity(metadata, artifact.name, artifact.version)
    except FileNotFoundError:
        raise MetadataBuildFailed("the backend reported success but wrote no METADATA") from None
    except InvalidMetadata as error:
        raise MetadataBuildFailed(f"the built metadata is invalid: {error}") from error
