"""The scorer's vocabulary: what an advise request asks and what its result answers."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from thoth_graphql.domain import (
    Advisory,
    Installability,
    RuntimeEnvironment,
    StackObservation,
)


class RecommendationType(enum.Enum):
    """The objective a stack is chosen for (docs/advise.md gives each as a formula)."""

    LATEST = "LATEST"
    STABLE = "STABLE"
    SECURITY = "SECURITY"
    PERFORMANCE = "PERFORMANCE"
    TESTING = "TESTING"


@dataclass(frozen=True, slots=True)
class Observations:
    """What is known about versions and stacks, as plain domain objects."""

    stacks: tuple[StackObservation, ...] = ()
    installability: tuple[Installability, ...] = ()
    advisories: tuple[Advisory, ...] = ()


@dataclass(frozen=True, slots=True)
class AdviseRequest:
    """One question: which locked stack should these requirements run, here, and why."""

    requirements: tuple[str, ...]
    constraints: tuple[str, ...] = ()
    environment: RuntimeEnvironment = field(default_factory=RuntimeEnvironment)
    recommendation_type: RecommendationType = RecommendationType.LATEST
    count: int = 1
    time_limit_ms: int | None = None
    observations: Observations = field(default_factory=Observations)
    performance_metric: str = "performance"
    """The StackObservation metric PERFORMANCE maximises (higher is better)."""


@dataclass(frozen=True, slots=True)
class LockedPackage:
    """One package of a stack: the version chosen and where it comes from."""

    name: str
    version: str
    index: str
    extras: tuple[str, ...] = ()
    sha256: tuple[str, ...] = ()
    requires_python: str | None = None
    yanked: bool = False


@dataclass(frozen=True, slots=True)
class Justification:
    """Why a package has its version: a sentence, and the package it is about."""

    package: str
    message: str


@dataclass(frozen=True, slots=True)
class Stack:
    """A fully locked set of versions that satisfies every requirement from the roots."""

    packages: tuple[LockedPackage, ...]
    score: float
    justifications: tuple[Justification, ...]

    def lockfile(self, format: str = "requirements.txt") -> str:
        """The stack rendered as a lock file: `requirements.txt` or `pylock.toml`."""
        from thoth_graphql.scorer.lockfile import render

        return render(self, format)


@dataclass(frozen=True, slots=True)
class Unsatisfiable:
    """No stack exists: a message and the chains of requirements that clash."""

    message: str
    conflicts: tuple[str, ...]
    packages: tuple[str, ...] = ()
    """The canonical names of the packages whose requirements clash."""


@dataclass(frozen=True, slots=True)
class AdviseResult:
    """The answer: best stacks first, or why there is none, and whether it is proven."""

    stacks: tuple[Stack, ...] = ()
    unsatisfiable: Unsatisfiable | None = None
    unresolved: tuple[str, ...] = ()
    optimal: bool = False
    explored: int = 0
    """Search nodes visited (for benches and tests; not part of the GraphQL contract)."""
