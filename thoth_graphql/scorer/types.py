"""The scorer's vocabulary: what an advise request asks and what its result answers."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from thoth_graphql.domain import (
    Advisory,
    DistributionFile,
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
    files: tuple[DistributionFile, ...] = ()
    """Every file of the release; empty when the graph has none (older solver documents)."""


class JustificationKind(enum.Enum):
    """The main reason a package has its version."""

    NEWEST = "NEWEST"
    """The newest release usable in the environment."""
    NEWEST_ALLOWED = "NEWEST_ALLOWED"
    """The newest release the requirements on the package allow."""
    AVOIDED_NEWER = "AVOIDED_NEWER"
    """Newer allowed releases were avoided for what is known about them (see reasons)."""
    INCOMPATIBLE_NEWER = "INCOMPATIBLE_NEWER"
    """Newer allowed releases cannot be combined with the packages decided before it."""


@dataclass(frozen=True, slots=True)
class Reason:
    """What is known about one release that counted in the choice, and where it comes from."""

    version: str
    avoided: bool
    """The release was left out (True), or is the chosen one and this is a note on it."""
    message: str
    stack_observations: tuple[StackObservation, ...] = ()
    advisories: tuple[Advisory, ...] = ()
    installability: tuple[Installability, ...] = ()


@dataclass(frozen=True, slots=True)
class Justification:
    """Why a package has its version: a sentence, its kind, and the evidence behind it."""

    package: str
    message: str
    kind: JustificationKind = JustificationKind.NEWEST
    version: str = ""
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class Stack:
    """A fully locked set of versions that satisfies every requirement from the roots."""

    packages: tuple[LockedPackage, ...]
    score: float
    justifications: tuple[Justification, ...]
    environment: RuntimeEnvironment = field(default_factory=RuntimeEnvironment)
    """Where the stack is to run: a pylock.toml names the wheels that install there."""

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


class GapReason(enum.Enum):
    """Why the graph could not judge something an answer depends on."""

    UNKNOWN_PACKAGE = "UNKNOWN_PACKAGE"
    """The graph knows no release of the package: it has not been solved yet."""


@dataclass(frozen=True, slots=True)
class KnowledgeGap:
    """Something the graph does not know that could change the answer, and what reached it."""

    package: str
    reason: GapReason
    requirement: str
    """The requirement that names it, as declared."""
    required_by: str
    """The release that declares the requirement (`name==version`)."""


@dataclass(frozen=True, slots=True)
class AdviseResult:
    """The answer: best stacks first, or why there is none, and whether it is proven."""

    stacks: tuple[Stack, ...] = ()
    unsatisfiable: Unsatisfiable | None = None
    unresolved: tuple[str, ...] = ()
    optimal: bool = False
    missing: tuple[str, ...] = ()
    """Canonical names of required packages the graph does not know (to be solved)."""
    proven: bool = False
    """Whether the engine finished within the time limit: the stacks are the best, or no
    stack exists, over what the graph knows (`optimal` adds `complete` to that)."""
    complete: bool = True
    """Whether the answer holds however the gaps are filled: nothing the graph does not
    know could change it. `optimal` is only true when this is."""
    gaps: tuple[KnowledgeGap, ...] = ()
    """What the graph does not know that could change the answer (without duplicates)."""
    notes: tuple[str, ...] = ()
    """What the answer leaves out and why: dependency markers that cannot be evaluated
    here (their dependencies were taken not to apply), a closure still loading."""
    explored: int = field(default=0, compare=False)
    """Search nodes visited or SAT questions asked (for benches; not part of the answer,
    so it is left out of comparisons: a warm engine asks fewer)."""
