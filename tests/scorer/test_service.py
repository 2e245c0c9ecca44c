"""The advise service over the embedded store: one closure load, cached per generation."""

from __future__ import annotations

from pathlib import Path

from bench.universe import DEMO, ENVIRONMENT, resolvelib_case
from thoth_graphql.advise_service import AdviseService, roots_of
from thoth_graphql.ingest import ingest_paths
from thoth_graphql.scorer import AdviseRequest
from thoth_graphql.store.sqlite import SqliteGraphStore


def service_roots(request: AdviseRequest) -> list[str]:
    return [name for name, _ in roots_of(request.requirements)]


async def test_cheroot_through_the_store_and_the_cache(tmp_path: Path) -> None:
    store = SqliteGraphStore(tmp_path / "graph.sqlite3")
    await store.open()
    try:
        await ingest_paths(store, [str(DEMO / "pypi-2020-11-17-cheroot.json.gz")])
        service = AdviseService(store)
        case = resolvelib_case("cheroot")
        request = AdviseRequest(tuple(case["requested"]), environment=ENVIRONMENT)
        before = store.round_trips
        first = await service.advise(request)
        trips = store.round_trips - before
        again = await service.advise(request)
        assert first == again and first.optimal
        assert {p.name: p.version for p in first.stacks[0].packages}["pytest"] == "3.10.1"
        assert service.closures_loaded == 1
        # One generation read, one load_closure (one trip per level of depth, which also
        # tells the packages the index does not have from unknown ones) and one
        # installability read (LATEST too leaves out what is known not to install).
        roots = roots_of(request.requirements)
        closure = await store.load_closure([name for name, _ in roots], dict(roots))
        assert trips == 1 + closure.round_trips + 1
        assert closure.round_trips == closure.depth
        assert service.observations_loaded == 1
        unknown = await service.advise(AdviseRequest(("no-such-package",)))
        assert unknown.stacks == () and unknown.unresolved[0].startswith("no-such-package:")
    finally:
        await store.close()


async def test_cached_snapshots_are_bounded_by_the_releases_they_hold(tmp_path: Path) -> None:
    from thoth_graphql.domain import PackageVersion, Release

    store = SqliteGraphStore(tmp_path / "graph.sqlite3")
    await store.open()
    try:
        await store.write_releases(
            [Release(PackageVersion(f"p{i}", f"{v}.0")) for i in range(3) for v in range(1, 5)]
        )
        service = AdviseService(store, releases_kept=8)  # two snapshots of 4 releases
        for name in ("p0", "p1", "p2"):
            await service.snapshot([name])
        assert service.closures_loaded == 3
        await service.snapshot(["p2"])  # newest: still cached
        await service.snapshot(["p1"])  # within the budget: still cached
        assert service.closures_loaded == 3
        await service.snapshot(["p0"])  # dropped to make room for p2
        assert service.closures_loaded == 4

        tiny = AdviseService(store, releases_kept=1)  # smaller than any one snapshot
        await tiny.snapshot(["p0"])
        await tiny.snapshot(["p0"])
        assert tiny.closures_loaded == 1  # the newest is kept even when it alone is larger
    finally:
        await store.close()


async def test_release_files_count_in_the_snapshot_budget(tmp_path: Path) -> None:
    from thoth_graphql.domain import DistributionFile, PackageVersion, Release

    files = tuple(DistributionFile(f"f{n}.whl") for n in range(4))
    store = SqliteGraphStore(tmp_path / "graph.sqlite3")
    await store.open()
    try:
        await store.write_releases(
            [
                Release(PackageVersion(f"p{i}", f"{v}.0", files=files))
                for i in range(2)
                for v in range(1, 5)
            ]
        )
        service = AdviseService(store, releases_kept=8)  # 4 releases with 16 files: 8
        p0 = await service.snapshot(["p0"])
        assert (p0.release_count, p0.weight) == (4, 8)
        await service.snapshot(["p1"])
        await service.snapshot(["p0"])  # without files both would fit; with them, p0 went
        assert service.closures_loaded == 3
    finally:
        await store.close()
