"""Distribution files on an index (wheels and sdists) and which one to use for what.

An Artifact is one file of a project page, with what its name says (version, wheel tags)
and what the index says about it (hashes, requires-python, yanked, PEP 658 metadata).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

Kind = Literal["wheel", "sdist"]


@dataclass(frozen=True, slots=True)
class Artifact:
    """One wheel or sdist of a project on an index."""

    filename: str
    url: str
    kind: Kind
    name: NormalizedName
    version: Version
    tags: frozenset[Tag] = frozenset()
    sha256: str | None = None
    requires_python: str | None = None
    yanked: bool = False
    upload_time: str | None = None
    core_metadata: bool = False
    """The index serves this file's METADATA at `url + ".metadata"` (PEP 658/714)."""
    core_metadata_sha256: str | None = None

    @property
    def metadata_url(self) -> str:
        return _without_fragment(self.url) + ".metadata"

    def to_json(self, compatible: bool | None = None) -> dict[str, object]:
        """The artifact as a document lists it."""
        data: dict[str, object] = {"filename": self.filename, "kind": self.kind, "url": self.url}
        if self.sha256:
            data["sha256"] = self.sha256
        if self.requires_python:
            data["requires_python"] = self.requires_python
        data["yanked"] = self.yanked
        if self.upload_time:
            data["upload_time"] = self.upload_time
        if compatible is not None:
            data["compatible"] = compatible
        return data


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def parse_artifact(
    filename: str,
    url: str,
    *,
    project: str,
    sha256: str | None = None,
    requires_python: str | None = None,
    yanked: bool = False,
    upload_time: str | None = None,
    core_metadata: bool = False,
    core_metadata_sha256: str | None = None,
) -> Artifact | None:
    """The artifact a file of `project`'s page is, or None for other files (.egg, .exe,
    unparsable names, files of another project)."""
    kind: Kind
    try:
        if filename.endswith(".whl"):
            name, version, _, file_tags = parse_wheel_filename(filename)
            kind = "wheel"
        elif filename.endswith((".tar.gz", ".zip")):
            name, version = parse_sdist_filename(filename)
            file_tags = frozenset()
            kind = "sdist"
        else:
            return None
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None
    if name != canonicalize_name(project):
        return None
    return Artifact(
        filename=filename,
        url=_without_fragment(url),
        kind=kind,
        name=name,
        version=version,
        tags=file_tags,
        sha256=sha256.lower() if sha256 else None,
        requires_python=requires_python or None,
        yanked=yanked,
        upload_time=upload_time,
        core_metadata=core_metadata,
        core_metadata_sha256=core_metadata_sha256.lower() if core_metadata_sha256 else None,
    )


def by_version(artifacts: Iterable[Artifact]) -> dict[Version, list[Artifact]]:
    """Artifacts grouped by version, newest version first."""
    groups: dict[Version, list[Artifact]] = {}
    for artifact in artifacts:
        groups.setdefault(artifact.version, []).append(artifact)
    return dict(sorted(groups.items(), key=lambda item: item[0], reverse=True))


def wheel_rank(artifact: Artifact, supported: Sequence[Tag]) -> int | None:
    """The position of the wheel's best tag in `supported` (lower is better), or None if
    the wheel does not install there."""
    ranks = [supported.index(tag) for tag in artifact.tags if tag in supported]
    return min(ranks) if ranks else None


def best_wheel(artifacts: Iterable[Artifact], supported: Sequence[Tag]) -> Artifact | None:
    """The wheel pip would pick for these tags: the one with the most preferred tag."""
    ranked = [
        (rank, artifact.filename, artifact)
        for artifact in artifacts
        if artifact.kind == "wheel"
        for rank in [wheel_rank(artifact, supported)]
        if rank is not None
    ]
    return min(ranked, key=lambda entry: entry[:2])[2] if ranked else None


def sdist(artifacts: Iterable[Artifact]) -> Artifact | None:
    """The version's sdist (a .tar.gz before a .zip when there are both)."""
    sdists = sorted(
        (a for a in artifacts if a.kind == "sdist"), key=lambda a: not a.filename.endswith(".gz")
    )
    return sdists[0] if sdists else None


def for_install(artifacts: Sequence[Artifact], supported: Sequence[Tag]) -> Artifact | None:
    """What pip would install: the best compatible wheel, else the sdist."""
    return best_wheel(artifacts, supported) or sdist(artifacts)


def python_admits(requires_python: str | None, python_version: str) -> bool | None:
    """Whether `python_version` satisfies a Requires-Python; None if it cannot be read."""
    if not requires_python:
        return True
    try:
        return SpecifierSet(requires_python).contains(python_version, prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return None
