"""Core metadata (METADATA / PKG-INFO) and where to read it without running package code.

Wheels carry `*.dist-info/METADATA`; sdists carry `PKG-INFO`, which is authoritative
for Requires-Dist and Requires-Python when its Metadata-Version is 2.2 or newer and
neither field is listed as Dynamic (PEP 643). Archives are read member by member with
size caps and never extracted here; extraction happens inside the sandbox.
"""

from __future__ import annotations

import io
import tarfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from packaging.metadata import parse_email
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

MAX_MEMBER_BYTES = 16 * 1024 * 1024
# How far into a compressed sdist we look for PKG-INFO before giving up (zip bombs).
MAX_SCAN_BYTES = 512 * 1024 * 1024
MAX_MEMBERS = 20_000


class InvalidMetadata(ValueError):
    """Metadata that cannot be read, or that names another project or version."""


@dataclass(frozen=True, slots=True)
class CoreMetadata:
    """What the solver needs from a distribution's core metadata."""

    name: str
    version: str
    requires_dist: tuple[str, ...] = ()
    requires_python: str | None = None
    metadata_version: str = "1.0"
    dynamic: tuple[str, ...] = ()

    @property
    def static_dependencies(self) -> bool:
        """Whether an sdist's PKG-INFO may be trusted for dependencies (PEP 643)."""
        try:
            modern = Version(self.metadata_version) >= Version("2.2")
        except InvalidVersion:
            return False
        dynamic = {field.lower() for field in self.dynamic}
        return modern and not dynamic & {"requires-dist", "requires-python"}


def parse_core_metadata(data: bytes) -> CoreMetadata:
    """Read METADATA / PKG-INFO bytes."""
    raw, _ = parse_email(data)
    name, version = raw.get("name"), raw.get("version")
    if not name or not version:
        raise InvalidMetadata("metadata without Name or Version")
    return CoreMetadata(
        name=name,
        version=version,
        requires_dist=tuple(raw.get("requires_dist", ())),
        requires_python=raw.get("requires_python") or None,
        metadata_version=raw.get("metadata_version", "1.0"),
        dynamic=tuple(raw.get("dynamic", ())),
    )


def check_identity(metadata: CoreMetadata, name: str, version: Version) -> CoreMetadata:
    """Refuse metadata that describes another project or version than its file."""
    try:
        same_version = Version(metadata.version) == version
    except InvalidVersion:
        same_version = False
    if canonicalize_name(metadata.name) != canonicalize_name(name) or not same_version:
        raise InvalidMetadata(
            f"metadata names {metadata.name} {metadata.version}, expected {name} {version}"
        )
    return metadata


def metadata_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """The wheel's METADATA entry (the one `.dist-info` folder at its top), size-checked."""
    candidates = [
        info
        for info in archive.infolist()
        if info.filename.count("/") == 1 and info.filename.endswith(".dist-info/METADATA")
    ]
    if len(candidates) != 1:
        raise InvalidMetadata(f"wheel has {len(candidates)} .dist-info/METADATA files")
    [info] = candidates
    if info.file_size > MAX_MEMBER_BYTES:
        raise InvalidMetadata("METADATA is larger than 16 MiB")
    return info


def wheel_metadata(wheel: Path | bytes | IO[bytes]) -> bytes:
    """The METADATA file of a wheel (a path, its bytes, or a seekable binary file)."""
    source = io.BytesIO(wheel) if isinstance(wheel, bytes) else wheel
    try:
        with zipfile.ZipFile(source) as archive:
            return archive.read(metadata_member(archive))
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise InvalidMetadata(f"not a readable wheel: {error}") from error


def _sdist_members(path: Path, wanted: set[str]) -> dict[str, bytes]:
    """Members `<top>/<name>` of an sdist for the names in `wanted`, top-level only."""
    found: dict[str, bytes] = {}
    try:
        if path.name.endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    _, _, rest = info.filename.partition("/")
                    if rest in wanted and rest not in found and info.file_size <= MAX_MEMBER_BYTES:
                        found[rest] = archive.read(info)
            return found
        with tarfile.open(path, mode="r|*") as archive:
            for count, member in enumerate(archive):
                if count > MAX_MEMBERS or archive.offset > MAX_SCAN_BYTES:
                    break
                _, _, rest = member.name.partition("/")
                if rest in wanted and member.isfile() and member.size <= MAX_MEMBER_BYTES:
                    handle = archive.extractfile(member)
                    if handle is not None:
                        found.setdefault(rest, handle.read())
                if len(found) == len(wanted):
                    break
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as error:
        raise InvalidMetadata(f"not a readable sdist: {error}") from error
    return found


def sdist_static_metadata(path: Path) -> CoreMetadata | None:
    """The sdist's PKG-INFO when PEP 643 makes its dependencies authoritative."""
    members = _sdist_members(path, {"PKG-INFO"})
    if "PKG-INFO" not in members:
        return None
    try:
        metadata = parse_core_metadata(members["PKG-INFO"])
    except InvalidMetadata:
        return None
    return metadata if metadata.static_dependencies else None


@dataclass(frozen=True, slots=True)
class BuildSystem:
    """An sdist's `[build-system]`: what to install, and which backend to call."""

    requires: tuple[str, ...]
    backend: str
    legacy: bool = False


# What pip assumes for an sdist without pyproject.toml (or without [build-system]).
LEGACY_BUILD_SYSTEM = BuildSystem(
    ("setuptools>=40.8.0",), "setuptools.build_meta:__legacy__", legacy=True
)


def sdist_build_system(path: Path) -> BuildSystem:
    """Read `pyproject.toml`'s [build-system] out of an sdist (data only, no code)."""
    members = _sdist_members(path, {"pyproject.toml"})
    if "pyproject.toml" not in members:
        return LEGACY_BUILD_SYSTEM
    try:
        document: dict[str, Any] = tomllib.loads(members["pyproject.toml"].decode())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InvalidMetadata(f"pyproject.toml cannot be read: {error}") from error
    table = document.get("build-system")
    if not isinstance(table, dict) or "requires" not in table:
        return LEGACY_BUILD_SYSTEM
    requires = table["requires"]
    backend = table.get("build-backend", LEGACY_BUILD_SYSTEM.backend)
    if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
        raise InvalidMetadata("pyproject.toml: build-system.requires must be a list of strings")
    if not isinstance(backend, str):
        raise InvalidMetadata("pyproject.toml: build-system.build-backend must be a string")
    return BuildSystem(tuple(requires), backend)
