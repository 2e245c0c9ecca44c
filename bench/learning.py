"""Learning from observations: a simulated world with hidden bad pairs of versions.

    .venv/bin/python -m bench.learning [--worlds N] [--seed S]

Each world has an application needing six packages of five versions each, any
combination installable; a hidden handful of version pairs break every stack that
contains them (new releases more often than old ones). An inspection of a stack fails
when it holds a bad pair. Two figures:

1. After 200 stack observations of uniformly random stacks, how often the stack that
   STABLE recommends fails, against LATEST's (goal: at most a tenth as often).
2. How many observations it takes until every bad pair has been seen failing and every
   other pair has been cleared by a success, when each next stack to inspect is the one
   TESTING recommends, against uniformly random stacks.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from bench.universe import release
from thoth_graphql.domain import (
    ObservationSource,
    Provenance,
    RuntimeEnvironment,
    StackObservation,
    StackOutcome,
    VersionKey,
)
from thoth_graphql.scorer import (
    AdviseRequest,
    Observations,
    RecommendationType,
    Snapshot,
    recommend,
)

PACKAGES = [f"p{i}" for i in range(6)]
VERSIONS = ["1.0", "2.0", "3.0", "4.0", "5.0"]
BAD_PAIRS = 4
HERE = RuntimeEnvironment(python_version="3.11", platform="linux_x86_64")
INSPECTION = Provenance(ObservationSource.INSPECTION, "simulation", "2026-01-01T00:00:00Z")
SNAPSHOT = Snapshot.from_releases(
    [release("app", "1.0", *PACKAGES)] + [release(p, v) for p in PACKAGES for v in VERSIONS]
)

Pair = frozenset[tuple[str, str]]


def bad_pairs(rng: random.Random) -> set[Pair]:
    """New releases break things more often: version weights 5:4:3:2:1, newest first."""
    found: set[Pair] = set()
    while len(found) < BAD_PAIRS:
        a, b = rng.sample(PACKAGES, 2)
        va, vb = rng.choices(VERSIONS, weights=[1, 2, 3, 4, 5], k=2)
        found.add(frozenset({(a, va), (b, vb)}))
    return found


def pairs_of(stack: dict[str, str]) -> set[Pair]:
    items = sorted(stack.items())
    return {frozenset({x, y}) for i, x in enumerate(items) for y in items[i + 1 :]}


def inspect(stack: dict[str, str], bad: set[Pair]) -> StackObservation:
    outcome = StackOutcome.RUNTIME_FAILURE if pairs_of(stack) & bad else StackOutcome.SUCCESS
    keys = tuple(VersionKey(n, v) for n, v in sorted(stack.items()))
    return StackObservation(keys, HERE, outcome, INSPECTION)


def random_stack(rng: random.Random) -> dict[str, str]:
    return {p: rng.choice(VERSIONS) for p in PACKAGES}


def recommended_versions(kind: RecommendationType, seen: list[StackObservation]) -> dict[str, str]:
    request = AdviseRequest(
        ("app",),
        environment=HERE,
        recommendation_type=kind,
        observations=Observations(stacks=tuple(seen)),
        time_limit_ms=1000,
    )
    [stack] = recommend(SNAPSHOT, request).stacks
    return {p.name: p.version for p in stack.packages if p.name != "app"}


def stable_against_latest(worlds: int, rng: random.Random) -> None:
    failed = {RecommendationType.STABLE: 0, RecommendationType.LATEST: 0}
    start = time.perf_counter()
    for _ in range(worlds):
        bad = bad_pairs(rng)
        seen = [inspect(random_stack(rng), bad) for _ in range(200)]
        for kind in failed:
            if pairs_of(recommended_versions(kind, seen)) & bad:
                failed[kind] += 1
    stable, latest = failed[RecommendationType.STABLE], failed[RecommendationType.LATEST]
    print(
        f"after 200 observations, over {worlds} worlds: LATEST's stack fails in {latest} "
        f"({latest / worlds:.0%}), STABLE's in {stable} ({stable / worlds:.0%}); "
        f"ratio {stable / max(latest, 1):.3f} (goal <= 0.1) [{time.perf_counter() - start:.1f} s]"
    )


def observations_to_learn(choose: str, bad: set[Pair], rng: random.Random, cap: int) -> int:
    """Observations until the suspects (pairs only ever seen failing) are exactly the bad
    pairs and every bad pair has been seen."""
    seen: list[StackObservation] = []
    failing: set[Pair] = set()
    cleared: set[Pair] = set()
    everything = {
        frozenset({(a, va), (b, vb)})
        for i, a in enumerate(PACKAGES)
        for b in PACKAGES[i + 1 :]
        for va in VERSIONS
        for vb in VERSIONS
    }
    while len(seen) < cap:
        if choose == "testing":
            stack = recommended_versions(RecommendationType.TESTING, seen)
        else:
            stack = random_stack(rng)
        observation = inspect(stack, bad)
        seen.append(observation)
        if observation.outcome is StackOutcome.SUCCESS:
            cleared |= pairs_of(stack)
        else:
            failing |= pairs_of(stack)
        suspects = (failing - cleared) | (everything - failing - cleared)
        if suspects == bad:
            return len(seen)
    return cap


def testing_against_random(worlds: int, rng: random.Random, cap: int) -> None:
    counts: dict[str, list[int]] = {"testing": [], "random": []}
    start = time.perf_counter()
    for _ in range(worlds):
        bad = bad_pairs(rng)
        for choose in counts:
            counts[choose].append(observations_to_learn(choose, bad, rng, cap))
    for choose, found in counts.items():
        print(
            f"{choose:>8}: observations until every bad pair is known, over {worlds} worlds: "
            f"median {statistics.median(found):.0f}, mean {statistics.mean(found):.1f}, "
            f"max {max(found)} (cap {cap})"
        )
    print(f"          [{time.perf_counter() - start:.1f} s]")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=100)
    parser.add_argument("--testing-worlds", type=int, default=10)
    parser.add_argument("--cap", type=int, default=600)
    parser.add_argument("--seed", type=int, default=4)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    stable_against_latest(arguments.worlds, rng)
    testing_against_random(arguments.testing_worlds, rng, arguments.cap)
