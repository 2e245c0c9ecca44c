"""Packages, their released versions and the dependency edges (DependsOn) they declare."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

DEFAULT_INDEX_URL = "https://pypi.org/simple"

_EXTRA_IN_MARKER = re.compile(r"""\bextra\s*==\s*["']([^"']+)["']""")


def canonical_name(name: str) -> str:
    """The PEP 503 normalised form of a project name, the identity of a Package."""
    return str(canonicalize_name(name))


def normalized_version(version: str) -> str:
    """The PEP 440 normalised spelling of a version (raises InvalidVersion)."""
    return str(Version(version))


@dataclass(frozen=True, slots=True)
class Package:
    """A project on an index, identified by its canonical name."""

    name: str


@dataclass(frozen=True, slots=True, order=True)
class VersionKey:
    """The identity of a PackageVersion: canonical name, normalised version, index."""

    name: str
    version: str
    index_url: str = DEFAULT_INDEX_URL


@dataclass(frozen=True, slots=True)
class Dependency:
    """A DependsOn edge as declared by a release: kept unevaluated, markers and all."""

    name: str
    specifier: str = ""
    extras: tuple[str, ...] = ()
    marker: str | None = None

    @property
    def extra(self) -> str | None:
        """The extra of the declaring release that activates this dependency, if any."""
        if self.marker is None:
            return None
        found = _EXTRA_IN_MARKER.search(self.marker)
        return canonical_name(found.group(1)) if found else None

    def applies_with_extras(self, requested: Collection[str]) -> bool:
        """Whether the dependency can apply when only `requested` extras are active: never
        for a marker that names other extras only (`extra == "test"`), always for one
        without any, and, to be safe, for any other use of `extra` in it."""
        if self.marker is None or "extra" not in self.marker:
            return True
        named = {canonical_name(e) for e in _EXTRA_IN_MARKER.findall(self.marker)}
        return not named or not named.isdisjoint(requested)

    @classmethod
    def from_requirement(cls, requirement: str | Requirement) -> Dependency:
        """Parse a PEP 508 string (raises packaging's InvalidRequirement)."""
        req = requirement if isinstance(requirement, Requirement) else Requirement(requirement)
        return cls(
            name=canonical_name(req.name),
            specifier=str(req.specifier),
            extras=tuple(sorted(canonical_name(e) for e in req.extras)),
            marker=str(req.marker) if req.marker is not None else None,
        )

    def requirement(self) -> Requirement:
        """This edge as a packaging Requirement, for evaluation."""
        extras = f"[{','.join(self.extras)}]" if self.extras else ""
        marker = f"; {self.marker}" if self.marker else ""
        return Requirement(f"{self.name}{extras}{self.specifier}{marker}")

    def marker_object(self) -> Marker | None:
        return Marker(self.marker) if self.marker else None


@dataclass(frozen=True, slots=True)
class DistributionFile:
    """One file of a release on its index, a wheel or an sdist: what a lock file names."""

    filename: str
    url: str | None = None
    sha256: str | None = None
    requires_python: str | None = None
    yanked: bool = False
    upload_time: str | None = None

    @property
    def is_wheel(self) -> bool:
        return self.filename.endswith(".whl")


@dataclass(frozen=True, slots=True)
class PackageVersion:
    """A release of a package on an index, with what its metadata says about it."""

    name: str
    version: str
    index_url: str = DEFAULT_INDEX_URL
    requires_python: str | None = None
    yanked: bool = False
    upload_time: str | None = None
    sha256: tuple[str, ...] = ()
    files: tuple[DistributionFile, ...] = ()
    """The release's files; empty for releases ingested from documents that lack them."""

    @property
    def key(self) -> VersionKey:
        return VersionKey(self.name, self.version, self.index_url)

    @property
    def parsed_version(self) -> Version:
        return Version(self.version)


@dataclass(frozen=True, slots=True)
class Release:
    """A PackageVersion together with the dependencies it declares: the unit of ingest."""

    version: PackageVersion
    dependencies: tuple[Dependency, ...] = field(default=())
