"""Build requirements: the wheels an sdist's backend needs, fetched outside the sandbox.

The sandbox has no network, so whatever a build backend needs is resolved here, from
the same index, as wheels for the runner's own interpreter (the one that runs the
build), hash-checked, and handed to the sandbox as a folder. Resolution is greedy
(newest acceptable version, no backtracking), which is enough for build backends and
fails with a clear message when it is not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from analyzer_runner.artifacts import best_wheel, by_version, python_admits
from analyzer_runner.index import IndexClient, IndexFault
from analyzer_runner.metadata import InvalidMetadata, parse_core_metadata, wheel_metadata
from analyzer_runner.tags import host_tags

MAX_PACKAGES = 64


class BuildRequirementUnavailable(Exception):
    """A build requirement that cannot be provided as a wheel from the index."""


@dataclass(slots=True)
class Wheelhouse:
    """Wheels already fetched into one folder, by project."""

    folder: Path
    chosen: dict[NormalizedName, Version] = field(default_factory=dict)

    def satisfies(self, requirement: str) -> bool:
        """Whether a requirement (as a backend reports it) is met by what was fetched."""
        try:
            parsed = Requirement(requirement)
        except InvalidRequirement:
            return False
        if parsed.marker is not None and not parsed.marker.evaluate():
            return True
        version = self.chosen.get(canonicalize_name(parsed.name))
        return version is not None and parsed.specifier.contains(version, prereleases=True)

    def missing(self, requirements: Iterable[str]) -> list[str]:
        return [r for r in requirements if not self.satisfies(r)]


async def provision(
    requirements: Iterable[str], index: IndexClient, wheelhouse: Wheelhouse
) -> None:
    """Fetch wheels for `requirements` and their dependencies into the wheelhouse."""
    supported = host_tags()
    python = default_environment()["python_full_version"]
    queue: list[Requirement] = []
    for text in requirements:
        try:
            queue.append(Requirement(text))
        except InvalidRequirement as error:
            raise BuildRequirementUnavailable(f"invalid build requirement {text!r}") from error
    while queue:
        requirement = queue.pop(0)
        name = canonicalize_name(requirement.name)
        extras = {"extra": ""}
        if requirement.marker is not None and not requirement.marker.evaluate(extras):
            continue
        if name in wheelhouse.chosen:
            if not requirement.specifier.contains(wheelhouse.chosen[name], prereleases=True):
                raise BuildRequirementUnavailable(
                    f"build requirements conflict: {requirement} but {name} "
                    f"{wheelhouse.chosen[name]} was already chosen"
                )
            continue
        if len(wheelhouse.chosen) >= MAX_PACKAGES:
            raise BuildRequirementUnavailable(f"more than {MAX_PACKAGES} build requirements")
        try:
            page = await index.project(name)
        except IndexFault as error:
            raise BuildRequirementUnavailable(f"build requirement {name}: {error}") from error
        if page is None:
            raise BuildRequirementUnavailable(f"build requirement {name}: not on the index")
        groups = by_version(page.artifacts)
        acceptable = set(requirement.specifier.filter(groups))
        for version, artifacts in groups.items():
            usable = [
                a
                for a in artifacts
                if not a.yanked and python_admits(a.requires_python, python) is True
            ]
            wheel = best_wheel(usable, supported) if version in acceptable else None
            if wheel is not None:
                break
        else:
            raise BuildRequirementUnavailable(
                f"build requirement {requirement}: no wheel on the index installs on this "
                "runner's Python"
            )
        try:
            path, _ = await index.download(wheel, wheelhouse.folder)
            metadata = parse_core_metadata(await asyncio.to_thread(wheel_metadata, path))
        except (IndexFault, InvalidMetadata) as error:
            raise BuildRequirementUnavailable(f"build requirement {name}: {error}") from error
        wheelhouse.chosen[name] = version
        for dependency in metadata.requires_dist:
            parsed = Requirement(dependency)
            active = parsed.marker is None or any(
                parsed.marker.evaluate({"extra": extra}) for extra in requirement.extras or {""}
            )
            if active:
                queue.append(parsed)
