"""Evidence from observations, tallied per release and per pair of releases."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from thoth_graphql.domain import RuntimeEnvironment, StackObservation, StackOutcome, VersionKey
from thoth_graphql.scorer.snapshot import Snapshot

K = TypeVar("K")

Release = tuple[int, int]
"""A release in a snapshot: (package id, version number)."""

_SOFTWARE = ("python_version", "os_name", "os_version", "platform")
_HARDWARE = ("cpu_family", "cpu_model", "gpu_model", "cuda_version")


def same_environment(
    observed: RuntimeEnvironment, asked: RuntimeEnvironment, hardware: bool = False
) -> bool:
    """Whether an observation applies: every field both environments state agrees."""
    fields = _SOFTWARE + _HARDWARE if hardware else _SOFTWARE
    for name in fields:
        a, b = getattr(observed, name), getattr(asked, name)
        if a is None or b is None:
            continue
        if name == "python_version":
            a, b = ".".join(a.split(".")[:2]), ".".join(b.split(".")[:2])
        if a != b:
            return False
    return True


def release_of(snapshot: Snapshot, key: VersionKey) -> Release | None:
    """The snapshot release an observation names, if the snapshot has it."""
    package = snapshot.packages.get(key.name)
    if package is None:
        return None
    position = package.position(key.version, key.index_url)
    if position is None:
        position = package.position(key.version)
    return None if position is None else (package.id, position)


EXAMPLES = 3
"""How many observations a tally keeps as examples (for justifications)."""


@dataclass(slots=True)
class Tally:
    """Successes and failures of one release or one pair of releases."""

    failures: int = 0
    successes: int = 0
    failed: list[StackObservation] = field(default_factory=list)
    """Up to EXAMPLES of the failed observations, in the order they were read."""
    seen: list[StackObservation] = field(default_factory=list)
    """Up to EXAMPLES of the observations of any outcome."""

    @property
    def observed(self) -> int:
        return self.failures + self.successes

    @property
    def risk(self) -> float:
        """Probability that this combination breaks a stack (docs/advise.md).

        Any successful stack that contains it shows it does not break one by itself, so
        only combinations seen in failures and never in a success carry risk; one
        pseudo-success keeps a single failure from counting as certainty.
        """
        if self.successes:
            return 0.0
        return self.failures / (self.failures + 1)

    @property
    def cost(self) -> float:
        """-log(1 - risk): additive over the parts of a stack."""
        return -math.log1p(-self.risk)

    @property
    def labels(self) -> str:
        """The failed examples by document (or outcome), for a sentence."""
        return ", ".join(label(o) for o in self.failed)


def label(observation: StackObservation) -> str:
    """How a sentence names an observation: its document, else its outcome."""
    return observation.provenance.document_ref or observation.outcome.value


@dataclass(slots=True)
class StackEvidence:
    """Stack observations that apply to one environment, counted per release and pair."""

    singles: dict[Release, Tally] = field(default_factory=dict)
    pairs: dict[tuple[Release, Release], Tally] = field(default_factory=dict)
    metrics: dict[Release, list[float]] = field(default_factory=dict)
    measured: dict[Release, list[StackObservation]] = field(default_factory=dict)
    """Up to EXAMPLES of the observations behind each release's metric values."""

    @classmethod
    def tally(
        cls,
        snapshot: Snapshot,
        observations: Iterable[StackObservation],
        environment: RuntimeEnvironment,
        metric: str | None = None,
        hardware: bool = False,
    ) -> StackEvidence:
        evidence = cls()
        for observation in observations:
            if not same_environment(observation.environment, environment, hardware):
                continue
            releases = sorted(
                {r for k in observation.packages if (r := release_of(snapshot, k)) is not None}
            )
            failed = observation.outcome is not StackOutcome.SUCCESS
            for i, first in enumerate(releases):
                evidence._count(evidence.singles, first, failed, observation)
                for second in releases[i + 1 :]:
                    evidence._count(evidence.pairs, (first, second), failed, observation)
            if metric is not None and not failed and metric in observation.metrics:
                for release in releases:
                    evidence.metrics.setdefault(release, []).append(observation.metrics[metric])
                    examples = evidence.measured.setdefault(release, [])
                    if len(examples) < EXAMPLES:
                        examples.append(observation)
        return evidence

    @staticmethod
    def _count(table: dict[K, Tally], key: K, failed: bool, observation: StackObservation) -> None:
        tally = table.get(key)
        if tally is None:
            tally = table[key] = Tally()
        if failed:
            tally.failures += 1
            if len(tally.failed) < EXAMPLES:
                tally.failed.append(observation)
        else:
            tally.successes += 1
        if len(tally.seen) < EXAMPLES:
            tally.seen.append(observation)
