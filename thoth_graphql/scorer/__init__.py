"""The stack scorer: pure, in memory, fed by a snapshot of a dependency closure."""

from thoth_graphql.scorer.lockfile import FORMATS as LOCKFILE_FORMATS
from thoth_graphql.scorer.recommend import DEFAULT_TIME_LIMIT_MS, recommend
from thoth_graphql.scorer.snapshot import EnvironmentView, Snapshot
from thoth_graphql.scorer.types import (
    AdviseRequest,
    AdviseResult,
    GapReason,
    Justification,
    JustificationKind,
    KnowledgeGap,
    LockedPackage,
    Observations,
    Reason,
    RecommendationType,
    Stack,
    Unsatisfiable,
)

__all__ = [
    "DEFAULT_TIME_LIMIT_MS",
    "LOCKFILE_FORMATS",
    "AdviseRequest",
    "AdviseResult",
    "EnvironmentView",
    "GapReason",
    "Justification",
    "JustificationKind",
    "KnowledgeGap",
    "LockedPackage",
    "Observations",
    "Reason",
    "RecommendationType",
    "Snapshot",
    "Stack",
    "Unsatisfiable",
    "recommend",
]
