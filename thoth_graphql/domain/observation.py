"""Observations about versions and stacks, each with the provenance it came from."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

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


@dataclass(frozen=True, slots=True)
class AffectedRange:
    """One OSV range of affected versions: introduced at, fixed at (exclusive)."""

    introduced: str | None
    fixed: str | None = None


@dataclass(frozen=True, slots=True)
class Advisory:
    """An OSV record about one package: which versions it affects and how badly."""

    id: str
    package: str
    ranges: tuple[AffectedRange, ...]
    versions: tuple[str, ...] = ()
    severity: float | None = None
    summary: str = ""
