"""The domain model: what the knowledge graph holds, as plain typed Python."""

from thoth_graphql.domain.absence import NOT_FOUND_REASON, AbsentPackage
from thoth_graphql.domain.analysis import Analysis, AnalysisKind, AnalysisStatus
from thoth_graphql.domain.environment import RuntimeEnvironment, marker_environment
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
    DistributionFile,
    Package,
    PackageVersion,
    Release,
    VersionKey,
    canonical_name,
)
from thoth_graphql.domain.token import ApiToken, TokenScope

__all__ = [
    "DEFAULT_INDEX_URL",
    "NOT_FOUND_REASON",
    "AbsentPackage",
    "Advisory",
    "AffectedRange",
    "Analysis",
    "AnalysisKind",
    "AnalysisStatus",
    "ApiToken",
    "Dependency",
    "DistributionFile",
    "Installability",
    "ObservationSource",
    "Package",
    "PackageVersion",
    "Provenance",
    "Release",
    "RuntimeEnvironment",
    "StackObservation",
    "StackOutcome",
    "TokenScope",
    "VersionKey",
    "canonical_name",
    "marker_environment",
]
