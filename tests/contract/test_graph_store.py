"""The GraphStore contract: every adapter passes all of it, with no skip list."""

from __future__ import annotations

from thoth_graphql.domain import (
    Dependency,
    DistributionFile,
    Package,
    PackageVersion,
    Release,
    RuntimeEnvironment,
    VersionKey,
)
from thoth_graphql.store.port import Closure, Dependent, DocumentRef, GraphStore

OTHER_INDEX = "https://index.example/simple"


def release(name: str, version: str, *deps: str, index_url: str | None = None) -> Release:
    pv = (
        PackageVersion(name, version)
        if index_url is None
        else PackageVersion(name, version, index_url=index_url)
    )
    return Release(pv, tuple(Dependency.from_requirement(d) for d in deps))


DASK = [
    Release(
        PackageVersion(
            "dask",
            "2.10.1",
            requires_python=">=3.6",
            yanked=False,
            upload_time="2020-01-30T12:00:00Z",
            sha256=("a" * 64, "b" * 64),
        ),
        (
            Dependency.from_requirement("numpy>=1.13.0; extra == 'array'"),
            Dependency.from_requirement("toolz>=0.7.3; extra == 'array'"),
            Dependency.from_requirement("cloudpickle>=0.2.1; extra == 'bag'"),
            Dependency.from_requirement("partd[complete]>=0.3.10; extra == 'complete'"),
            Dependency.from_requirement("toolz>=0.7.3; extra == 'bag'"),
        ),
    ),
    release("dask", "2.9.0", "numpy>=1.13.0"),
    release("dask", "2.10.0"),
    release("dask", "2.11.0rc1"),
    release("numpy", "1.18.1"),
    release("numpy", "1.9.3"),
    Release(PackageVersion("numpy", "1.10.0", yanked=True)),
]


async def test_a_new_store_is_empty(store: GraphStore) -> None:
    counts = await store.counts()
    assert (counts.packages, counts.versions, counts.dependencies, counts.documents) == (
        0,
        0,
        0,
        0,
    )
    assert await store.packages(["dask"]) == [None]
    assert await store.versions_of(["dask"]) == [[]]


async def test_releases_round_trip_with_every_field(store: GraphStore) -> None:
    await store.write_releases(DASK)
    [versions] = await store.versions_of(["dask"])
    newest_stable = versions[1]
    assert newest_stable == DASK[0].version
    [deps] = await store.dependencies_of([newest_stable.key])
    assert deps == [
        Dependency("cloudpickle", ">=0.2.1", (), 'extra == "bag"'),
        Dependency("numpy", ">=1.13.0", (), 'extra == "array"'),
        Dependency("partd", ">=0.3.10", ("complete",), 'extra == "complete"'),
        Dependency("toolz", ">=0.7.3", (), 'extra == "array"'),
        Dependency("toolz", ">=0.7.3", (), 'extra == "bag"'),
    ]
    assert [d.extra for d in deps] == ["bag", "array", "complete", "array", "bag"]
    [yanked] = [v for v in (await store.versions_of(["numpy"]))[0] if v.version == "1.10.0"]
    assert yanked.yanked is True
    assert yanked.requires_python is None
    assert yanked.sha256 == ()


async def test_versions_come_newest_first_in_pep440_order(store: GraphStore) -> None:
    await store.write_releases(DASK)
    dask, numpy = await store.versions_of(["dask", "numpy"])
    assert [v.version for v in dask] == ["2.11.0rc1", "2.10.1", "2.10.0", "2.9.0"]
    assert [v.version for v in numpy] == ["1.18.1", "1.10.0", "1.9.3"]


async def test_batched_reads_answer_in_key_order_with_gaps(store: GraphStore) -> None:
    await store.write_releases(DASK)
    assert await store.packages(["numpy", "nope", "dask", "numpy"]) == [
        Package("numpy"),
        None,
        Package("dask"),
        Package("numpy"),
    ]
    versions = await store.versions_of(["nope", "numpy", "dask"])
    assert [len(v) for v in versions] == [0, 3, 4]
    keys = [
        VersionKey("numpy", "1.18.1"),
        VersionKey("dask", "2.9.0"),
        VersionKey("dask", "9.9.9"),
        VersionKey("dask", "2.9.0"),
    ]
    deps = await store.dependencies_of(keys)
    assert deps == [[], [Dependency("numpy", ">=1.13.0")], [], [Dependency("numpy", ">=1.13.0")]]


async def test_packages_named_only_as_dependencies_exist_without_versions(
    store: GraphStore,
) -> None:
    await store.write_releases([release("app", "1.0", "libfoo>=2")])
    assert await store.packages(["libfoo"]) == [Package("libfoo")]
    assert await store.versions_of(["libfoo"]) == [[]]


async def test_writing_twice_changes_nothing(store: GraphStore) -> None:
    doc = DocumentRef("solver-1", "thoth-solver", "1.0", "2026-01-01T00:00:00Z")
    first = await store.write_releases(DASK, [doc])
    assert (first.packages_created, first.versions_created) == (5, 7)
    assert (first.dependencies_created, first.documents_created) == (6, 1)
    counts = await store.counts()
    generation = await store.generation()

    second = await store.write_releases(DASK, [doc])
    assert not second.changed
    assert await store.counts() == counts
    assert await store.generation() == generation


async def test_generation_changes_on_every_write_that_changes_the_graph(
    store: GraphStore,
) -> None:
    g0 = await store.generation()
    await store.write_releases([release("a", "1.0")])
    g1 = await store.generation()
    await store.write_releases([release("a", "1.0", "b")])  # a new edge only
    g2 = await store.generation()
    await store.write_releases([release("a", "1.0", "b")])
    g3 = await store.generation()
    assert len({g0, g1, g2}) == 3
    assert g3 == g2


async def test_knowledge_writes_leave_the_queue_generation(store: GraphStore) -> None:
    g0 = await store.generations()
    await store.write_releases([release("a", "1.0", "b")])
    g1 = await store.generations()
    assert g1.knowledge != g0.knowledge and g1.queue == g0.queue
    assert await store.generation() == g1.knowledge


async def test_same_edge_under_different_markers_is_kept_apart(store: GraphStore) -> None:
    await store.write_releases(
        [
            release(
                "app",
                "1.0",
                "six; python_version < '3'",
                "six; sys_platform == 'win32'",
                "six>=1.0",
                "six[extra]>=1.0",
            )
        ]
    )
    [deps] = await store.dependencies_of([VersionKey("app", "1.0")])
    assert len(deps) == 4
    assert {(d.specifier, d.extras, d.marker) for d in deps} == {
        ("", (), 'python_version < "3"'),
        ("", (), 'sys_platform == "win32"'),
        (">=1.0", (), None),
        (">=1.0", ("extra",), None),
    }


async def test_versions_on_different_indexes_are_different_versions(store: GraphStore) -> None:
    await store.write_releases(
        [release("lib", "1.0", "a"), release("lib", "1.0", "b", index_url=OTHER_INDEX)]
    )
    [versions] = await store.versions_of(["lib"])
    assert {v.index_url for v in versions} == {OTHER_INDEX, "https://pypi.org/simple"}
    a, b = await store.dependencies_of(
        [VersionKey("lib", "1.0"), VersionKey("lib", "1.0", OTHER_INDEX)]
    )
    assert [d.name for d in a] == ["a"]
    assert [d.name for d in b] == ["b"]


async def test_dependents_are_the_reverse_edges(store: GraphStore) -> None:
    await store.write_releases(DASK)
    numpy, toolz, nothing = await store.dependents_of(["numpy", "toolz", "dask"])
    assert sorted((d.version.version, d.dependency.marker) for d in numpy) == [
        ("2.10.1", 'extra == "array"'),
        ("2.9.0", None),
    ]
    assert all(d.dependency.name == "numpy" for d in numpy)
    assert {d.version for d in toolz} == {VersionKey("dask", "2.10.1")}
    assert len(toolz) == 2
    assert nothing == []
    assert Dependent(VersionKey("dask", "2.9.0"), Dependency("numpy", ">=1.13.0")) in numpy


async def test_known_documents(store: GraphStore) -> None:
    env = RuntimeEnvironment(os_name="fedora", os_version="40", python_version="3.11")
    await store.write_releases([release("a", "1")], [DocumentRef("doc-1", environment=env)])
    await store.write_releases([], [DocumentRef("doc-2")])
    assert await store.known_documents(["doc-1", "doc-3", "doc-2"]) == {"doc-1", "doc-2"}
    assert await store.known_documents([]) == set()


async def test_search_packages_by_prefix_pages_by_name(store: GraphStore) -> None:
    names = ["pytest", "pytest-mock", "pytest-cov", "pyyaml", "py", "requests"]
    await store.write_releases([release(n, "1.0") for n in names])
    page1 = await store.search_packages("pytest", first=2)
    assert [p.name for p in page1] == ["pytest", "pytest-cov"]
    page2 = await store.search_packages("pytest", first=2, after=page1[-1].name)
    assert [p.name for p in page2] == ["pytest-mock"]
    everything = await store.search_packages("", first=100)
    assert [p.name for p in everything] == sorted(names)


async def test_closure_has_every_reachable_release_and_names_the_missing(
    store: GraphStore,
) -> None:
    await store.write_releases(
        [
            release("app", "1.0", "web>=1", "db"),
            release("app", "2.0", "web>=2"),
            release("web", "1.0", "util"),
            release("web", "2.0", "util>=2", "ghost"),
            release("db", "1.0"),
            release("util", "1.0"),
            release("util", "2.0"),
            release("unrelated", "1.0", "util"),
        ]
    )
    closure = await store.load_closure(["app"])
    assert set(closure.releases) == {"app", "web", "db", "util"}
    assert closure.missing == {"ghost"}
    assert [r.version.version for r in closure.releases["app"]] == ["2.0", "1.0"]
    [web2] = [r for r in closure.releases["web"] if r.version.version == "2.0"]
    assert [d.name for d in web2.dependencies] == ["ghost", "util"]
    assert closure.version_count == 7
    assert closure.edge_count == 6


async def test_a_closure_release_has_every_edge_any_write_gave_it_in_edge_order(
    store: GraphStore,
) -> None:
    await store.write_releases([release("app", "1.0", "web>=1", "db; os_name == 'nt'")])
    await store.write_releases([release("app", "1.0", "db", "web>=1", "cache[redis]")])
    await store.write_releases([release("app", "1.0", "db")])
    closure = await store.load_closure(["app"])
    [edges] = await store.dependencies_of([VersionKey("app", "1.0")])
    [app] = closure.releases["app"]
    assert [(d.name, d.specifier, d.extras, d.marker) for d in app.dependencies] == [
        ("cache", "", ("redis",), None),
        ("db", "", (), None),
        ("db", "", (), 'os_name == "nt"'),
        ("web", ">=1", (), None),
    ]
    assert list(app.dependencies) == edges
    assert closure.missing == {"cache", "db", "web"}


async def closure_agrees_with_the_element_reads(store: GraphStore, roots: list[str]) -> Closure:
    """The closure of `roots`, checked against versions_of and dependencies_of: a closure
    answers the same versions, newest first, with the same dependency lists."""
    closure = await store.load_closure(roots)
    for name, releases in closure.releases.items():
        [versions] = await store.versions_of([name])
        assert [r.version for r in releases] == versions
        edges = await store.dependencies_of([v.key for v in versions])
        assert [list(r.dependencies) for r in releases] == edges
    return closure


async def test_a_closure_has_the_versions_of_every_write_of_a_package(store: GraphStore) -> None:
    await store.write_releases([release("app", "1.0", "web>=1"), release("app", "2.0")])
    await store.write_releases(
        [
            release("app", "3.0", "web>=3", "db"),
            release("app", "1.0", "cache", index_url=OTHER_INDEX),
            release("web", "1.0"),
        ]
    )
    closure = await closure_agrees_with_the_element_reads(store, ["app"])
    app = closure.releases["app"]
    assert [(r.version.version, r.version.index_url) for r in app] == [
        ("3.0", "https://pypi.org/simple"),
        ("2.0", "https://pypi.org/simple"),
        ("1.0", "https://pypi.org/simple"),
        ("1.0", OTHER_INDEX),
    ]
    names = [[d.name for d in r.dependencies] for r in app]
    assert names == [["db", "web"], [], ["web"], ["cache"]]
    assert closure.missing == {"db", "cache"}


async def test_a_closure_sees_dependencies_and_files_a_later_write_adds(store: GraphStore) -> None:
    await store.write_releases(
        [release("app", "1.0"), release("app", "2.0", "web"), Release(DASK[0].version)]
    )
    before = await closure_agrees_with_the_element_reads(store, ["app", "dask"])
    assert [r.dependencies for r in before.releases["app"]] == [(Dependency("web"),), ()]
    assert [r.version.files for r in before.releases["dask"]] == [()]

    # A later document restates 2.0 with one more dependency and gives 1.0 its first one;
    # another gives dask its files.
    await store.write_releases(
        [release("app", "2.0", "web", "db>=2"), release("app", "1.0", "web<2")]
    )
    await store.write_releases([with_files(DASK[0].version, FILES)])
    after = await closure_agrees_with_the_element_reads(store, ["app", "dask"])
    assert [r.dependencies for r in after.releases["app"]] == [
        (Dependency("db", ">=2"), Dependency("web")),
        (Dependency("web", "<2"),),
    ]
    assert [r.version.files for r in after.releases["dask"]] == [FILES]
    [dask] = after.releases["dask"]
    assert dask.version == with_files(DASK[0].version, FILES).version


async def test_a_closure_keeps_every_version_of_a_large_write_of_one_package(
    store: GraphStore,
) -> None:
    releases = [release("big", f"1.{i}", *(["dep"] if i % 3 else [])) for i in range(250)]
    await store.write_releases([*releases, release("dep", "1.0")])
    closure = await closure_agrees_with_the_element_reads(store, ["big"])
    assert [r.version.version for r in closure.releases["big"]] == [
        f"1.{i}" for i in reversed(range(250))
    ]
    assert sum(1 for r in closure.releases["big"] if not r.dependencies) == 84


async def test_a_closure_follows_only_the_extras_something_requests(store: GraphStore) -> None:
    await store.write_releases(
        [
            release("app", "1.0", "web", "pytest; extra == 'test'", "app[docs]; extra == 'all'"),
            release("app", "2.0", "web", "sphinx; extra == 'docs'"),
            release("web", "1.0", "util[speed]", "lint; extra == 'dev'"),
            release("util", "1.0", "cython; extra == 'speed'", "mypy; extra == 'dev'"),
            release("pytest", "1.0"),
            release("sphinx", "1.0"),
            release("cython", "1.0"),
            release("lint", "1.0"),
            release("mypy", "1.0"),
        ]
    )
    plain = await store.load_closure(["app"], {})
    # util[speed] is requested by web, so cython comes; no test, docs or dev tools.
    assert set(plain.releases) == {"app", "web", "util", "cython"}
    # app[all] requests app[docs] of itself: sphinx too, but still not pytest.
    everything = await store.load_closure(["app"], {"app": ["all"]})
    assert set(everything.releases) == {"app", "web", "util", "cython", "sphinx"}
    # Without a statement of extras, every dependency is followed, as before.
    every = await store.load_closure(["app"])
    assert {"pytest", "sphinx", "lint", "mypy"} <= set(every.releases)


async def test_closure_round_trips_follow_depth_not_size(store: GraphStore) -> None:
    wide = [release("hub", "1.0", *[f"leaf{i}" for i in range(150)])]
    wide += [release(f"leaf{i}", "1.0", "base") for i in range(150)]
    wide += [release("base", "1.0")]
    chain = [release(f"c{i}", "1.0", f"c{i + 1}") for i in range(3)] + [release("c3", "1.0")]
    await store.write_releases(wide + chain)

    wide_closure = await store.load_closure(["hub"])
    chain_closure = await store.load_closure(["c0"])
    assert len(wide_closure.releases) == 152
    assert len(chain_closure.releases) == 4
    assert wide_closure.depth == 3
    assert chain_closure.depth == 4
    assert wide_closure.round_trips <= wide_closure.depth + 1
    assert chain_closure.round_trips <= chain_closure.depth + 1


async def test_bulk_writes_of_many_releases(store: GraphStore) -> None:
    releases = [release(f"p{i}", f"{j}.0", f"p{i + 1}>={j}") for i in range(60) for j in range(5)]
    report = await store.write_releases(releases)
    assert report.versions_created == 300
    assert report.dependencies_created == 300
    assert report.packages_created == 61
    counts = await store.counts()
    assert (counts.packages, counts.versions, counts.dependencies) == (61, 300, 300)


async def test_one_write_can_carry_many_documents(store: GraphStore) -> None:
    documents = [DocumentRef(f"doc-{i}") for i in range(5)]
    report = await store.write_releases([release("a", "1.0", "b")], documents)
    assert report.documents_created == 5
    assert await store.known_documents([d.document_id for d in documents]) == {
        d.document_id for d in documents
    }
    again = await store.write_releases([release("a", "1.0", "b")], documents)
    assert not again.changed


FILES = (
    DistributionFile(
        "dask-2.10.1-py3-none-any.whl",
        "https://files.example/dask-2.10.1-py3-none-any.whl",
        "a" * 64,
        ">=3.6",
        False,
        "2020-01-30T12:00:00Z",
    ),
    DistributionFile("dask-2.10.1.tar.gz", "https://files.example/dask-2.10.1.tar.gz", "b" * 64),
)


def with_files(version: PackageVersion, files: tuple[DistributionFile, ...]) -> Release:
    return Release(
        PackageVersion(
            version.name,
            version.version,
            version.index_url,
            version.requires_python,
            version.yanked,
            version.upload_time,
            version.sha256,
            files,
        )
    )


async def test_release_files_round_trip_to_versions_and_closures(store: GraphStore) -> None:
    await store.write_releases([with_files(DASK[0].version, FILES), release("numpy", "1.0")])
    [[dask]] = await store.versions_of(["dask"])
    assert dask.files == FILES
    assert dask.files[1] == DistributionFile(FILES[1].filename, FILES[1].url, "b" * 64)
    closure = await store.load_closure(["dask", "numpy"])
    assert [r.version.files for r in closure.releases["dask"]] == [FILES]
    assert [r.version.files for r in closure.releases["numpy"]] == [()]


async def test_files_fill_in_a_version_stored_without_them_once(store: GraphStore) -> None:
    without = DASK[0].version
    await store.write_releases([Release(without)])
    generation = await store.generation()
    added = await store.write_releases([with_files(without, FILES)])
    assert (added.versions_created, added.files_added, added.changed) == (0, 1, True)
    assert await store.generation() != generation
    assert (await store.versions_of(["dask"]))[0][0].files == FILES
    # Known files stay: neither a document without files nor one with others replaces them.
    again = await store.write_releases([Release(without), with_files(without, FILES[:1])])
    assert not again.changed
    assert (await store.versions_of(["dask"]))[0][0].files == FILES


async def test_a_write_names_the_documents_it_recorded_and_no_others(store: GraphStore) -> None:
    """How concurrent ingests each report only what they wrote."""
    first = await store.write_releases([], [DocumentRef("doc-1"), DocumentRef("doc-2")])
    assert first.documents_written == ("doc-1", "doc-2")
    second = await store.write_releases(
        [release("a", "1.0")], [DocumentRef("doc-2"), DocumentRef("doc-3")]
    )
    assert second.documents_written == ("doc-3",)
    assert (second.documents_created, (first + second).documents_written) == (
        1,
        ("doc-1", "doc-2", "doc-3"),
    )
