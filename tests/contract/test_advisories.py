"""The GraphStore contract for advisories: upserted by (OSV id, package), read in batches."""

from __future__ import annotations

from dataclasses import replace

from thoth_graphql.domain import Advisory, AffectedRange
from thoth_graphql.store.port import AdvisoryKey, GraphStore

NUMPY = Advisory(
    "PYSEC-2021-856",
    "numpy",
    (AffectedRange("0", "1.22.0"), AffectedRange("1.23.0", None, last_affected="1.23.2")),
    versions=("1.21.0", "1.21.1"),
    severity=7.5,
    summary="Buffer overflow in numpy",
)
DASK = Advisory("GHSA-aaaa-bbbb-cccc", "dask", (AffectedRange("2.0", "2.10.0"),))
# One OSV record can affect several packages: one advisory for each.
SHARED = Advisory("GHSA-2222-3333-4444", "numpy", (AffectedRange(None, "1.0"),), severity=None)
SHARED_DASK = replace(SHARED, package="dask")


async def test_advisories_round_trip_with_every_field(store: GraphStore) -> None:
    assert await store.write_advisories([NUMPY, DASK]) == [True, True]
    keys = [
        AdvisoryKey(NUMPY.id, "numpy"),
        AdvisoryKey(NUMPY.id, "dask"),
        AdvisoryKey(DASK.id, "dask"),
    ]
    assert await store.advisories(keys) == [NUMPY, None, DASK]


async def test_writing_is_idempotent_and_a_new_text_replaces_the_old(store: GraphStore) -> None:
    await store.write_advisories([NUMPY])
    g1 = await store.generation()
    assert await store.write_advisories([NUMPY]) == [False]
    assert await store.generation() == g1
    revised = replace(NUMPY, severity=9.8, summary="Revised")
    assert await store.write_advisories([revised]) == [True]
    assert await store.generation() != g1
    assert await store.advisories([AdvisoryKey(NUMPY.id, "numpy")]) == [revised]
    assert await store.count_advisories() == 1


async def test_advisories_of_packages_in_batches(store: GraphStore) -> None:
    await store.write_advisories([NUMPY, DASK, SHARED, SHARED_DASK])
    numpy, nothing, dask = await store.advisories_of(["numpy", "toolz", "dask"])
    assert numpy == [SHARED, NUMPY]
    assert nothing == []
    assert dask == [SHARED_DASK, DASK]


async def test_advisories_are_listed_by_id_then_package(store: GraphStore) -> None:
    await store.write_advisories([NUMPY, DASK, SHARED, SHARED_DASK])
    everything = await store.list_advisories(None, 10)
    assert everything == [SHARED_DASK, SHARED, DASK, NUMPY]
    page1 = await store.list_advisories(None, 2)
    page2 = await store.list_advisories(None, 2, AdvisoryKey(page1[-1].id, page1[-1].package))
    assert page1 + page2 == everything
    assert await store.list_advisories("numpy", 10) == [SHARED, NUMPY]
    assert await store.count_advisories("numpy") == 2
    assert await store.count_advisories() == 4
