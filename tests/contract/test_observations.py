"""The GraphStore contract for stack and installability observations."""

from __future__ import annotations

from thoth_graphql.domain import (
    Installability,
    ObservationSource,
    Provenance,
    RuntimeEnvironment,
    StackObservation,
    StackOutcome,
    VersionKey,
)
from thoth_graphql.store.port import GraphStore, ObservationCursor, ObservationFilter

HERE = RuntimeEnvironment(os_name="fedora", os_version="40", python_version="3.11")
THERE = RuntimeEnvironment(os_name="ubuntu", os_version="24.04", python_version="3.12")
OTHER_INDEX = "https://index.example/simple"


def stack(
    day: int,
    outcome: StackOutcome = StackOutcome.SUCCESS,
    source: ObservationSource = ObservationSource.CI,
    environment: RuntimeEnvironment = HERE,
    **versions: str,
) -> StackObservation:
    packages = tuple(VersionKey(n, v) for n, v in sorted((versions or {"lib": "1.0"}).items()))
    return StackObservation(
        packages,
        environment,
        outcome,
        Provenance(source, f"doc-{day}", f"2026-01-{day:02d}T00:00:00Z"),
        message=f"day {day}",
        metrics={"performance": float(day), "duration_s": 1.5},
    )


async def test_stack_observations_round_trip_and_register_their_environment(
    store: GraphStore,
) -> None:
    seen = stack(3, StackOutcome.RUNTIME_FAILURE, numpy="1.18.1", dask="2.10.1")
    assert await store.record_stack_observations([seen]) == [True]
    assert await store.stack_observations([seen.key, "nope"]) == [seen, None]
    assert await store.environments([HERE.key]) == [HERE]


async def test_recording_is_idempotent_by_content_and_keeps_input_order(
    store: GraphStore,
) -> None:
    a, b = stack(1), stack(2)
    g0 = await store.generation()
    assert await store.record_stack_observations([a, b, a]) == [True, True, False]
    g1 = await store.generation()
    assert await store.record_stack_observations([b]) == [False]
    assert await store.generation() == g1 != g0
    assert await store.count_stack_observations(ObservationFilter()) == 2


async def test_observations_are_listed_newest_first_and_filtered(store: GraphStore) -> None:
    observations = [
        stack(1, numpy="1.18.1"),
        stack(2, StackOutcome.BUILD_FAILURE, numpy="1.9.3"),
        stack(3, StackOutcome.BUILD_FAILURE, ObservationSource.USER, THERE, dask="2.9.0"),
        stack(4, StackOutcome.SUCCESS, ObservationSource.INSPECTION, THERE, numpy="1.18.1"),
    ]
    await store.record_stack_observations(observations)

    async def days(where: ObservationFilter) -> list[str]:
        found = await store.list_stack_observations(where, 10)
        assert await store.count_stack_observations(where) == len(found)
        return [o.message for o in found]

    assert await days(ObservationFilter()) == ["day 4", "day 3", "day 2", "day 1"]
    assert await days(ObservationFilter(environment_key=THERE.key)) == ["day 4", "day 3"]
    assert await days(ObservationFilter(outcome=StackOutcome.BUILD_FAILURE)) == ["day 3", "day 2"]
    assert await days(ObservationFilter(source=ObservationSource.USER)) == ["day 3"]
    assert await days(ObservationFilter(package="numpy")) == ["day 4", "day 2", "day 1"]
    both = ObservationFilter(environment_key=HERE.key, outcome=StackOutcome.SUCCESS)
    assert await days(both) == ["day 1"]
    assert await days(ObservationFilter(package="nope")) == []


async def test_observation_pages_follow_each_other(store: GraphStore) -> None:
    # Two observations on the same day: the key breaks the tie.
    observations = [stack(day % 4 + 1, lib=f"1.{day}") for day in range(7)]
    await store.record_stack_observations(observations)
    expected = sorted(observations, key=lambda o: (o.provenance.observed_at, o.key), reverse=True)
    seen: list[StackObservation] = []
    after = None
    while page := await store.list_stack_observations(ObservationFilter(), 3, after):
        seen += page
        after = ObservationCursor(page[-1].provenance.observed_at, page[-1].key)
    assert seen == expected


async def test_installability_by_version(store: GraphStore) -> None:
    def seen(version: VersionKey, day: int, installable: bool) -> Installability:
        provenance = Provenance(ObservationSource.SOLVER, f"solver-{day}", f"2026-02-{day:02d}")
        error = None if installable else "no wheel for this platform"
        return Installability(version, HERE, installable, provenance, error)

    lib1 = VersionKey("lib", "1.0")
    elsewhere = VersionKey("lib", "1.0", OTHER_INDEX)
    older, newer, other = seen(lib1, 1, False), seen(lib1, 2, True), seen(elsewhere, 3, True)
    assert await store.record_installability([older, newer, other, older]) == [
        True,
        True,
        True,
        False,
    ]
    found = await store.installability_of([lib1, VersionKey("lib", "2.0"), elsewhere, lib1])
    assert found == [[newer, older], [], [other], [newer, older]]
    assert found[0][1].error == "no wheel for this platform"
    assert await store.environments([HERE.key]) == [HERE]
