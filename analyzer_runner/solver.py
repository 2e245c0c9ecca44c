"""The solver analysis: a package's versions, their dependencies and installability.

For each selected version the metadata comes from the cheapest source that runs no
package code: the index's PEP 658 metadata file, else a wheel's METADATA read with range
requests (wheel_range.py), else the whole wheel, else an sdist's PKG-INFO when PEP 643
makes it authoritative. Only when none exists is the sdist's backend asked, in the
sandbox (see metadata_build.py). Installability in the target environment is decided
from Requires-Python and the wheels' tags. Each tree entry says which source it took and
what it cost (requests, bytes).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag
from packaging.version import Version

from analyzer_runner.artifacts import Artifact, best_wheel, by_version, python_admits, sdist
from analyzer_runner.index import HashMismatch, IndexClient, IndexFault
from analyzer_runner.metadata import (
    CoreMetadata,
    InvalidMetadata,
    check_identity,
    parse_core_metadata,
    sdist_static_metadata,
    wheel_metadata,
)
from analyzer_runner.metadata_build import MetadataBuildFailed, build_sdist_metadata
from analyzer_runner.sandbox import Sandbox
from analyzer_runner.tags import supported_tags
from analyzer_runner.wheel_range import DigestMismatch, RangeReadError, Transfer
from thoth_analysis_request.document import SolverRequest
from thoth_analysis_request.environment import Environment

PARALLEL_FETCHES = 8


class VersionFailed(Exception):
    """One version's metadata could not be had; it becomes an entry of `errors`."""

    def __init__(self, kind: str, reason: str, artifact: str | None = None, details: str = ""):
        self.kind = kind
        self.reason = reason
        self.artifact = artifact
        self.details = details
        super().__init__(reason)

    def entry(self, package_name: str, version: str, index_url: str) -> dict[str, Any]:
        """This failure as an entry of a solver document's `errors`."""
        error: dict[str, Any] = {
            "package_name": package_name,
            "package_version": version,
            "index_url": index_url,
            "type": self.kind,
            "reason": self.reason,
        }
        if self.artifact:
            error["artifact"] = self.artifact
        if self.details:
            error["details"] = self.details
        return error


@dataclass(frozen=True, slots=True)
class Metadata:
    """A version's metadata and where it was read from."""

    core: CoreMetadata
    source: str
    artifact: Artifact
    transfer: Transfer
    """Every request made for it, failed attempts included."""


def select_versions(groups: dict[Version, list[Artifact]], request: SolverRequest) -> list[Version]:
    """The versions the request asks for, newest first (pip's rules for pre-releases)."""
    specifier = request.specifier
    chosen = list(groups) if specifier is None else sorted(specifier.filter(groups), reverse=True)
    return chosen[: request.max_versions] if request.max_versions else chosen


def dependency_entry(requirement: str) -> dict[str, Any]:
    """A Requires-Dist line as a document's dependency (raises InvalidRequirement)."""
    parsed = Requirement(requirement)
    return {
        "package_name": parsed.name,
        "specifier": str(parsed.specifier),
        "extras": sorted(parsed.extras),
        "marker": str(parsed.marker) if parsed.marker is not None else None,
    }


def installability(
    artifacts: Sequence[Artifact],
    requires_python: str | None,
    environment: Environment,
    supported: Sequence[Tag],
) -> tuple[bool, str]:
    """Whether pip could install this version in the environment, and why (not)."""
    python = environment.python_version or ""
    if python_admits(requires_python, python) is False:
        return False, f"requires Python {requires_python}; the environment has {python}"
    wheel = best_wheel(artifacts, supported)
    if wheel is not None:
        return True, f"wheel {wheel.filename}"
    source = sdist(artifacts)
    if source is not None:
        return True, f"no wheel for this environment; builds from sdist {source.filename}"
    wheel_tags = ", ".join(sorted({str(tag) for a in artifacts for tag in a.tags})[:5])
    return False, f"no wheel for {supported[0]} (wheels are for {wheel_tags}) and no sdist"


def metadata_transfer(tree: Sequence[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per metadata source: how many versions took it, and their requests and bytes."""
    totals: dict[str, dict[str, int]] = {}
    for entry in tree:
        total = totals.setdefault(
            entry["metadata_source"], {"versions": 0, "requests": 0, "bytes": 0}
        )
        total["versions"] += 1
        total["requests"] += entry["metadata_requests"]
        total["bytes"] += entry["metadata_bytes"]
    return dict(sorted(totals.items()))


class Solver:
    """Runs solver analyses against one index with one sandbox."""

    def __init__(self, index: IndexClient, sandbox: Sandbox, scratch: Path | None = None):
        self.index = index
        self.sandbox = sandbox
        self.scratch = scratch
        self._fetches = asyncio.Semaphore(PARALLEL_FETCHES)
        # Builds run one at a time: each already has its own limits on CPU and memory.
        self._builds = asyncio.Lock()

    async def _from_pep658(self, artifact: Artifact, transfer: Transfer) -> CoreMetadata:
        async with self._fetches:
            transfer.requests += 1
            data = await self.index.metadata(artifact)
        transfer.bytes += len(data)
        return parse_core_metadata(data)

    async def _from_range(self, artifact: Artifact, transfer: Transfer) -> tuple[CoreMetadata, str]:
        async with self._fetches:
            data = await self.index.wheel_metadata(artifact, transfer)
        return parse_core_metadata(data), "wheel" if transfer.whole else "range"

    async def _download(self, artifact: Artifact, folder: Path, transfer: Transfer) -> Path:
        async with self._fetches:
            transfer.requests += 1
            path, _ = await self.index.download(artifact, folder)
        transfer.bytes += path.stat().st_size
        return path

    async def _from_wheel(
        self, artifact: Artifact, folder: Path, transfer: Transfer
    ) -> CoreMetadata:
        path = await self._download(artifact, folder, transfer)
        return parse_core_metadata(await asyncio.to_thread(wheel_metadata, path))

    async def _from_sdist(
        self, artifact: Artifact, folder: Path, request: SolverRequest, transfer: Transfer
    ) -> Metadata:
        path = await self._download(artifact, folder, transfer)
        static = await asyncio.to_thread(sdist_static_metadata, path)
        if static is not None:
            return Metadata(static, "sdist-pkg-info", artifact, transfer)
        async with self._builds:
            built = await build_sdist_metadata(
                path, artifact, self.index, self.sandbox, request.limits, self.scratch
            )
        return Metadata(built, "sdist-build", artifact, transfer)

    async def metadata(
        self,
        artifacts: Sequence[Artifact],
        supported: Sequence[Tag],
        folder: Path,
        request: SolverRequest,
        *,
        probe_pep658: bool = False,
    ) -> Metadata:
        """A version's metadata from the cheapest source; raises VersionFailed.

        `probe_pep658`: the page announces no PEP 658 file at all, yet the index may serve
        them (some mirrors leave `core-metadata` out of their pages); the preferred
        wheel's `.metadata` is tried, and a 404 costs one small request.
        """
        wheels = [a for a in artifacts if a.kind == "wheel"]
        preferred = best_wheel(wheels, supported)
        ordered = ([preferred] if preferred else []) + sorted(
            (w for w in wheels if w is not preferred), key=lambda a: a.filename
        )
        candidates = [a for a in [*ordered, *artifacts] if a.core_metadata]
        if not candidates and probe_pep658:
            candidates = ordered[:1]
        transfer = Transfer()
        current: Artifact | None = None
        try:
            for artifact in dict.fromkeys(candidates):
                current = artifact
                try:
                    core = await self._from_pep658(artifact, transfer)
                    return Metadata(self._checked(core, artifact), "pep658", artifact, transfer)
                except HashMismatch:
                    raise
                except (IndexFault, InvalidMetadata):
                    continue  # the wheel itself may still be readable
            if ordered:
                current = ordered[0]
                try:
                    core, source = await self._from_range(current, transfer)
                    return Metadata(self._checked(core, current), source, current, transfer)
                except DigestMismatch as error:
                    raise HashMismatch(str(error)) from None
                except RangeReadError:
                    pass  # a broken range answer: the plain download may still work
                core = await self._from_wheel(current, folder, transfer)
                return Metadata(self._checked(core, current), "wheel", current, transfer)
            current = sdist(artifacts)
            if current is None:
                raise VersionFailed("no_distribution", "neither a wheel nor an sdist")
            found = await self._from_sdist(current, folder, request, transfer)
            return Metadata(self._checked(found.core, current), found.source, current, transfer)
        except MetadataBuildFailed as error:
            name = current.filename if current else None
            failure = VersionFailed("metadata_build_failed", error.reason, name, error.details)
            raise failure from None
        except HashMismatch as error:
            name = current.filename if current else None
            raise VersionFailed("hash_mismatch", str(error), name) from None
        except (IndexFault, InvalidMetadata) as error:
            name = current.filename if current else None
            raise VersionFailed("metadata_unavailable", str(error), name) from None

    @staticmethod
    def _checked(core: CoreMetadata, artifact: Artifact) -> CoreMetadata:
        return check_identity(core, artifact.name, artifact.version)

    async def release(
        self,
        version: Version,
        artifacts: list[Artifact],
        request: SolverRequest,
        environment: Environment,
        supported: Sequence[Tag],
        folder: Path,
        *,
        probe_pep658: bool = False,
    ) -> dict[str, Any]:
        """The tree entry of one version; raises VersionFailed."""
        found = await self.metadata(
            artifacts, supported, folder, request, probe_pep658=probe_pep658
        )
        requires_python = found.core.requires_python or found.artifact.requires_python
        if requires_python is not None:
            try:
                requires_python = str(SpecifierSet(requires_python))
            except InvalidSpecifier:
                raise VersionFailed(
                    "invalid_metadata",
                    f"Requires-Python {requires_python!r} is not a version specifier",
                    found.artifact.filename,
                ) from None
        try:
            dependencies = [dependency_entry(r) for r in found.core.requires_dist]
        except InvalidRequirement as error:
            raise VersionFailed(
                "invalid_metadata", f"invalid Requires-Dist: {error}", found.artifact.filename
            ) from None
        installable, why = installability(artifacts, requires_python, environment, supported)
        upload_times = sorted(a.upload_time for a in artifacts if a.upload_time)
        return {
            "package_name": found.core.name,
            "package_version": str(version),
            "index_url": request.index_url,
            "requires_python": requires_python,
            "yanked": all(a.yanked for a in artifacts),
            "upload_time": upload_times[0] if upload_times else None,
            "sha256": sorted({a.sha256 for a in artifacts if a.sha256}),
            "dependencies": dependencies,
            "installable": installable,
            "installability_reason": why,
            "metadata_source": found.source,
            "metadata_artifact": found.artifact.filename,
            "metadata_requests": found.transfer.requests,
            "metadata_bytes": found.transfer.bytes,
            "artifacts": [
                a.to_json(
                    compatible=best_wheel([a], supported) is not None if a.kind == "wheel" else None
                )
                for a in sorted(artifacts, key=lambda a: a.filename)
            ],
        }

    async def solve(self, request: SolverRequest) -> dict[str, Any]:
        """The `environment` and `result` parts of a solver document."""
        environment = request.environment.with_host_defaults()
        supported = supported_tags(environment)
        result: dict[str, Any] = {"tree": [], "unresolved": [], "errors": []}
        document = {"environment": environment.to_json(), "result": result}
        page = await self.index.project(request.package_name)
        unresolved = {
            "package_name": request.package_name,
            "version_spec": request.version_spec,
            "index_url": request.index_url,
        }
        if page is None:
            result["unresolved"].append({**unresolved, "reason": "not found on the index"})
            return document
        groups = by_version(page.artifacts)
        probe = not any(a.core_metadata for a in page.artifacts)
        versions = select_versions(groups, request)
        if not versions:
            reason = f"no version matches {request.version_spec!r}" if groups else "no files"
            result["unresolved"].append(
                {**unresolved, "reason": f"{reason} ({len(groups)} versions on the index)"}
            )
            return document
        with tempfile.TemporaryDirectory(prefix="thoth-solver-", dir=self.scratch) as scratch:
            folder = Path(scratch)
            outcomes = await asyncio.gather(
                *(
                    self.release(
                        v, groups[v], request, environment, supported, folder, probe_pep658=probe
                    )
                    for v in versions
                ),
                return_exceptions=True,
            )
        for version, outcome in zip(versions, outcomes, strict=True):
            if isinstance(outcome, VersionFailed):
                entry = outcome.entry(request.package_name, str(version), request.index_url)
                result["errors"].append(entry)
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                result["tree"].append(outcome)
        result["metadata_transfer"] = metadata_transfer(result["tree"])
        return document
