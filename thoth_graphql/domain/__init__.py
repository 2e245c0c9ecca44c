"""The domain model: what the knowledge graph holds, as plain typed Python."""

from thoth_graphql.domain.analysis import Analysis, AnalysisKind, AnalysisStatus
from thoth_graphql.domain.environment import RuntimeEnvironment
from thoth_graphql.domain.observation import (
    Advisory,
    AffectedRange,
    Installability,
    ObservationSource,
    Provenance,
    StackObservation,
    StackOutcome,
)
from thoth_graphql.domain.package import (
    DEFAULT_INDEX_URL,
    Dependency,
    Package,
    PackageVersion,
    Release,
    VersionKey,
    canonical_name,
)

__all__ = [
    "DEFAULT_INDEX_URL",
    "Advisory",
    "AffectedRange",
    "Analysis",
    "AnalysisKind",
    "AnalysisStatus",
    "Dependency",
    "Installability",
    "ObservationSource",
    "Package",
    "PackageVersion",
    "Provenance",
    "Release",
    "RuntimeEnvironment",
    "StackObservation",
    "StackOutcome",
    "VersionKey",
    "canonical_name",
]
