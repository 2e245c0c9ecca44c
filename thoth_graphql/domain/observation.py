"""Observations about versions and stacks, each with the provenance it came from."""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from packaging.version import InvalidVersion, Version

from thoth_graphql.domain.environment import RuntimeEnvironment
from thoth_graphql.domain.package import VersionKey


class ObservationSource(enum.Enum):
    CI = "CI"
    CD = "CD"
    USER = "USER"
    INSPECTION = "INSPECTION"
    SOLVER = "SOLVER"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an observation came from: its source, the document, and when."""

    source: ObservationSource
    document_ref: str
    observed_at: str


@dataclass(frozen=True, slots=True)
class Installability:
    """Whether a version installs in an environment, and the error when it does not."""

    version: VersionKey
    environment: RuntimeEnvironment
    installable: bool
    provenance: Provenance
    error: str | None = None

    @property
    def key(self) -> str:
        """A stable identity: the same statement from the same document gives the same key."""
        return content_key(self)


class StackOutcome(enum.Enum):
    SUCCESS = "SUCCESS"
    BUILD_FAILURE = "BUILD_FAILURE"
    INSTALL_FAILURE = "INSTALL_FAILURE"
    RUNTIME_FAILURE = "RUNTIME_FAILURE"


@dataclass(frozen=True, slots=True)
class StackObservation:
    """A locked set of versions seen in an environment, and how it went."""

    packages: tuple[VersionKey, ...]
    environment: RuntimeEnvironment
    outcome: StackOutcome
    provenance: Provenance
    message: str = ""
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """A stable identity: recording the same observation again changes nothing."""
        return content_key(self)


@dataclass(frozen=True, slots=True)
class AffectedRange:
    """One OSV range of affected versions: introduced at, fixed at (exclusive)."""

    introduced: str | None
    fixed: str | None = None
    last_affected: str | None = None
    """The last affected version (inclusive), for records that know no fix."""

    def includes(self, version: Version) -> bool:
        """Whether the range holds `version`, in plain PEP 440 order (OSV's ECOSYSTEM
        ranges), so a pre-release of the fixed version is still affected."""
        try:
            if version < Version(self.introduced or "0"):
                return False
            if self.fixed:
                return version < Version(self.fixed)
            if self.last_affected:
                return version <= Version(self.last_affected)
        except InvalidVersion:
            return False  # a bound we cannot read includes nothing
        return True


@dataclass(frozen=True, slots=True)
class Advisory:
    """An OSV record about one package: which versions it affects and how badly."""

    id: str
    package: str
    ranges: tuple[AffectedRange, ...]
    versions: tuple[str, ...] = ()
    severity: float | None = None
    summary: str = ""

    def affects(self, version: Version | str) -> bool:
        """Whether the record's ranges or listed versions include `version`."""
        try:
            wanted = version if isinstance(version, Version) else Version(version)
        except InvalidVersion:
            return version in self.versions
        for listed in self.versions:
            try:
                if Version(listed) == wanted:
                    return True
            except InvalidVersion:
                continue
        return any(r.includes(wanted) for r in self.ranges)


def content_key(observation: Installability | StackObservation) -> str:
    """The SHA-256 (first 32 hex digits) of an observation's canonical JSON."""
    body = json.dumps(asdict(observation), sort_keys=True, separators=(",", ":"), default=_plain)
    return hashlib.sha256(body.encode()).hexdigest()[:32]


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"cannot encode {type(value).__name__}")
