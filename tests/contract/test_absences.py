"""The GraphStore contract for packages the index answered "not found" for: every adapter
keeps the latest sighting per name, and a closure tells them from unknown packages."""

from __future__ import annotations

from tests.contract.test_graph_store import release
from thoth_graphql.domain import AbsentPackage
from thoth_graphql.store.port import GraphStore

INDEX = "https://pypi.org/simple"


def absent(name: str, seen: str, document_id: str = "doc-1") -> AbsentPackage:
    return AbsentPackage(name, f"{seen}T00:00:00Z", INDEX, document_id)


async def test_absences_round_trip_in_key_order(store: GraphStore) -> None:
    gone, lost = absent("gone", "2025-05-01"), absent("lost", "2025-04-01", "doc-2")
    assert await store.record_absences([gone, lost]) == [True, True]
    assert await store.absences_of(["lost", "nope", "gone", "lost"]) == [lost, None, gone, lost]
    # An absence is no package: the package graph does not list it.
    assert await store.packages(["gone"]) == [None]
    assert (await store.counts()).packages == 0


async def test_the_latest_sighting_is_kept(store: GraphStore) -> None:
    first = absent("gone", "2025-05-01")
    assert await store.record_absences([first]) == [True]
    assert await store.record_absences([first]) == [False]
    assert await store.record_absences([absent("gone", "2025-01-01", "doc-0")]) == [False]
    assert await store.absences_of(["gone"]) == [first]
    later = absent("gone", "2025-06-01", "doc-9")
    # Within one call too, whatever the order: the later sighting stays.
    assert await store.record_absences([later, absent("gone", "2025-02-01")]) == [True, False]
    assert await store.absences_of(["gone"]) == [later]


async def test_a_recorded_absence_moves_the_generation_and_a_repeat_does_not(
    store: GraphStore,
) -> None:
    before = await store.generation()
    await store.record_absences([absent("gone", "2025-05-01")])
    moved = await store.generation()
    assert moved > before
    await store.record_absences([absent("gone", "2025-05-01")])
    assert await store.generation() == moved


async def test_a_closure_tells_absent_packages_from_unknown_ones(store: GraphStore) -> None:
    await store.write_releases(
        [
            release("app", "1.0", "web", "gone>=1"),
            release("web", "1.0", "ghost", "lost"),
        ]
    )
    gone, lost = absent("gone", "2025-05-01"), absent("lost", "2025-05-02")
    await store.record_absences([gone, lost, absent("elsewhere", "2025-05-03")])
    closure = await store.load_closure(["app"])
    assert set(closure.releases) == {"app", "web"}
    assert closure.absent == {"gone": gone, "lost": lost}
    assert closure.missing == {"ghost"}
    # The same read that loads a level's releases tells its absences: no read more.
    assert closure.round_trips == closure.depth == 3


async def test_releases_win_over_an_absence_seen_before_or_after(store: GraphStore) -> None:
    await store.record_absences([absent("back", "2025-01-01")])
    await store.write_releases([release("app", "1.0", "back", "kept"), release("back", "2.0")])
    await store.write_releases([release("kept", "1.0")])
    await store.record_absences([absent("kept", "2025-06-01")])
    closure = await store.load_closure(["app"])
    assert closure.absent == {} and closure.missing == set()
    assert [r.version.version for r in closure.releases["back"]] == ["2.0"]
    assert [r.version.version for r in closure.releases["kept"]] == ["1.0"]
    # The sighting stays recorded, with its date; the releases are the knowledge used.
    assert await store.absences_of(["kept"]) == [absent("kept", "2025-06-01")]
    assert [[v.version for v in vs] for vs in await store.versions_of(["kept"])] == [["1.0"]]


async def test_a_closure_reads_no_absences_when_every_name_has_releases(
    store: GraphStore,
) -> None:
    await store.write_releases([release("a", "1.0", "b"), release("b", "1.0")])
    closure = await store.load_closure(["a"])
    assert closure.round_trips == closure.depth == 2
