"""Each recommendation type's objective, justifications, count and the time limit."""

from __future__ import annotations

import pytest

from bench.universe import release
from thoth_graphql.domain import (
    Advisory,
    AffectedRange,
    Installability,
    ObservationSource,
    Provenance,
    RuntimeEnvironment,
    StackObservation,
    StackOutcome,
    VersionKey,
)
from thoth_graphql.scorer import (
    AdviseRequest,
    AdviseResult,
    JustificationKind,
    Observations,
    RecommendationType,
    Snapshot,
    recommend,
)

HERE = RuntimeEnvironment(python_version="3.11", platform="linux_x86_64", cpu_family="6")
SEEN = Provenance(ObservationSource.CI, "ci-run-7", "2026-01-01T00:00:00Z")
SNAPSHOT = Snapshot.from_releases(
    [
        release("app", "2.0", "lib"),
        release("app", "1.0", "lib"),
        release("lib", "3.0"),
        release("lib", "2.0"),
        release("lib", "1.0"),
    ]
)


def ask(kind: RecommendationType, observations: Observations, **extra: object) -> AdviseResult:
    request = AdviseRequest(
        ("app",),
        environment=HERE,
        recommendation_type=kind,
        observations=observations,
        **extra,  # type: ignore[arg-type]
    )
    return recommend(SNAPSHOT, request)


def chosen(result: AdviseResult) -> dict[str, str]:
    return {p.name: p.version for p in result.stacks[0].packages}


def stack(outcome: StackOutcome, **versions: str) -> StackObservation:
    keys = tuple(VersionKey(n, v) for n, v in versions.items())
    return StackObservation(keys, HERE, outcome, SEEN)


def test_latest_takes_the_newest_and_says_so() -> None:
    result = ask(RecommendationType.LATEST, Observations())
    assert chosen(result) == {"app": "2.0", "lib": "3.0"}
    assert result.optimal
    [app, lib] = result.stacks[0].justifications
    assert (app.package, lib.package) == ("app", "lib")
    assert "newest release" in app.message


def test_stable_avoids_a_pair_seen_failing_and_explains_it() -> None:
    failures = tuple(stack(StackOutcome.RUNTIME_FAILURE, app="2.0", lib="3.0") for _ in range(3))
    good = (stack(StackOutcome.SUCCESS, app="2.0", lib="2.0"),)
    result = ask(RecommendationType.STABLE, Observations(stacks=failures + good))
    assert chosen(result) == {"app": "2.0", "lib": "2.0"}
    assert result.optimal
    lib = result.stacks[0].justifications[1].message
    assert "avoided 3.0" in lib and "ci-run-7" in lib


@pytest.mark.parametrize("kind", list(RecommendationType))
def test_no_type_picks_a_version_known_not_to_install(kind: RecommendationType) -> None:
    # pywin32==312 on linux: the solver recorded no wheel and no sdist for it. LATEST too
    # leaves it out, or pip would fail on the recommended stack.
    broken = Installability(VersionKey("lib", "3.0"), HERE, False, SEEN, error="no wheel")
    result = ask(kind, Observations(installability=(broken,)))
    assert chosen(result)["lib"] == "2.0"
    lib = result.stacks[0].justifications[1]
    assert lib.kind is JustificationKind.AVOIDED_NEWER
    assert "no wheel" in lib.message and "avoided 3.0" in lib.message


def test_security_avoids_affected_versions_when_it_can() -> None:
    advisory = Advisory("GHSA-1", "lib", (AffectedRange("2.5", None),), severity=7.5)
    result = ask(RecommendationType.SECURITY, Observations(advisories=(advisory,)))
    assert chosen(result) == {"app": "2.0", "lib": "2.0"}
    assert "GHSA-1" in result.stacks[0].justifications[1].message


def test_security_takes_the_least_severe_when_every_version_is_affected() -> None:
    advisories = (
        Advisory("A", "lib", (AffectedRange("0", "2.0"),), severity=9.0),
        Advisory("B", "lib", (AffectedRange("2.0", None),), severity=3.0),
    )
    result = ask(RecommendationType.SECURITY, Observations(advisories=advisories))
    assert chosen(result)["lib"] == "3.0"
    assert result.stacks[0].score == -3.0


def test_performance_takes_the_fastest_observed_on_this_hardware() -> None:
    def timed(lib: str, value: float, cpu: str = "6") -> StackObservation:
        environment = RuntimeEnvironment(python_version="3.11", cpu_family=cpu)
        keys = (VersionKey("app", "2.0"), VersionKey("lib", lib))
        return StackObservation(
            keys, environment, StackOutcome.SUCCESS, SEEN, metrics={"performance": value}
        )

    seen = (timed("3.0", 10.0), timed("1.0", 30.0), timed("3.0", 99.0, cpu="7"))
    result = ask(RecommendationType.PERFORMANCE, Observations(stacks=seen))
    assert chosen(result)["lib"] == "1.0"


def test_testing_prefers_what_was_never_observed() -> None:
    seen = (stack(StackOutcome.SUCCESS, app="2.0", lib="3.0"),)
    result = ask(RecommendationType.TESTING, Observations(stacks=seen))
    assert chosen(result) == {"app": "1.0", "lib": "2.0"}


def test_count_gives_distinct_stacks_best_first() -> None:
    result = ask(RecommendationType.LATEST, Observations(), count=4)
    stacks = [tuple(sorted(chosen(AdviseResult(stacks=(s,))).items())) for s in result.stacks]
    assert stacks == [
        (("app", "2.0"), ("lib", "3.0")),
        (("app", "2.0"), ("lib", "2.0")),
        (("app", "2.0"), ("lib", "1.0")),
        (("app", "1.0"), ("lib", "3.0")),
    ]


def test_a_spent_time_limit_answers_without_claiming_optimality() -> None:
    failures = tuple(stack(StackOutcome.RUNTIME_FAILURE, app="2.0", lib="3.0") for _ in range(3))
    result = ask(RecommendationType.STABLE, Observations(stacks=failures), time_limit_ms=0)
    assert not result.optimal
    assert result.unsatisfiable is None


def test_security_reads_last_affected_as_an_inclusive_upper_bound() -> None:
    up_to_two = Advisory("GHSA-3", "lib", (AffectedRange("0", None, last_affected="2.0"),))
    result = ask(RecommendationType.SECURITY, Observations(advisories=(up_to_two,)))
    # Only 1.0 and 2.0 are affected: 3.0 is clean, so it costs nothing.
    assert chosen(result)["lib"] == "3.0"
    assert result.stacks[0].score == 0.0
    up_to_three = Advisory("GHSA-4", "lib", (AffectedRange("2.5", None, last_affected="3.0"),))
    result = ask(RecommendationType.SECURITY, Observations(advisories=(up_to_three,)))
    assert chosen(result)["lib"] == "2.0"


def test_a_justification_names_the_kind_and_the_records_behind_it() -> None:
    keys = (VersionKey("app", "2.0"), VersionKey("lib", "3.0"))
    failures = tuple(
        StackObservation(
            keys, HERE, StackOutcome.RUNTIME_FAILURE, Provenance(ObservationSource.CI, "ci", at)
        )
        for at in ("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
    )
    advisory = Advisory("GHSA-5", "lib", (AffectedRange("2.5", None),), severity=7.5)
    broken = Installability(VersionKey("lib", "2.0"), HERE, False, SEEN, error="no wheel")

    stable = ask(RecommendationType.STABLE, Observations(stacks=failures))
    lib = stable.stacks[0].justifications[1]
    assert (lib.package, lib.version, lib.kind) == ("lib", "2.0", JustificationKind.AVOIDED_NEWER)
    [reason] = lib.reasons
    assert (reason.version, reason.avoided) == ("3.0", True)
    assert reason.stack_observations == failures

    security = ask(
        RecommendationType.SECURITY, Observations(advisories=(advisory,), installability=(broken,))
    )
    lib = security.stacks[0].justifications[1]
    assert lib.version == "1.0" and lib.kind is JustificationKind.AVOIDED_NEWER
    by_version = {r.version: r for r in lib.reasons}
    assert by_version["3.0"].advisories == (advisory,)
    assert by_version["2.0"].installability == (broken,)

    latest = ask(RecommendationType.LATEST, Observations()).stacks[0].justifications
    assert [j.kind for j in latest] == [JustificationKind.NEWEST] * 2
    assert all(j.reasons == () for j in latest)


def test_a_release_only_the_requirements_keep_out_is_newest_allowed() -> None:
    result = recommend(SNAPSHOT, AdviseRequest(("app", "lib<3"), environment=HERE))
    lib = result.stacks[0].justifications[1]
    assert (lib.version, lib.kind) == ("2.0", JustificationKind.NEWEST_ALLOWED)
    assert "the request (lib<3)" in lib.message
