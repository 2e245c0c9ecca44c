"""Each SQLite version row keeps its dependency list as one JSON text, in step with the
`depends_on` edges: written at ingest, merged when a version gains edges, backfilled by
migration 6 for files written before, and read back as the closure's releases."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.contract.test_graph_store import OTHER_INDEX, release
from thoth_graphql.domain import Dependency
from thoth_graphql.domain.ordering import edge_order, newest_first
from thoth_graphql.store.json_text import dependencies_text
from thoth_graphql.store.sqlite import SqliteGraphStore
from thoth_graphql.store.sqlite.dependency_lists import DependencyReader
from thoth_graphql.store.sqlite.migrations import MIGRATIONS


def stored_lists(path: Path) -> dict[str, str | None]:
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute(
            "SELECT p.name || '==' || v.version, v.deps FROM package_version v "
            "JOIN package p ON p.id = v.package_id"
        )
        return dict(rows)


APP = release(
    "app",
    "1.0",
    "zope>=1; extra == 'test'",
    "six; python_version < '3'",
    "attrs[tests]>=19,<21",
    "six>=1.0",
)


async def test_a_written_version_keeps_its_edges_as_one_text_in_edge_order(
    tmp_path: Path,
) -> None:
    store = SqliteGraphStore(tmp_path / "g.sqlite3")
    await store.open()
    await store.write_releases([APP, release("six", "1.16.0"), release("attrs", "20.1")])
    closure = await store.load_closure(["app"])
    await store.close()
    expected = tuple(edge_order(APP.dependencies))
    assert stored_lists(tmp_path / "g.sqlite3") == {
        "app==1.0": dependencies_text(expected),
        "six==1.16.0": "[]",
        "attrs==20.1": "[]",
    }
    assert closure.releases["app"][0].dependencies == expected
    assert expected != APP.dependencies  # the order is the store's, not the document's


async def test_a_version_that_gains_edges_keeps_the_union(tmp_path: Path) -> None:
    store = SqliteGraphStore(tmp_path / "g.sqlite3")
    await store.open()
    await store.write_releases([release("app", "1.0", "six>=1.0", "attrs")])
    await store.write_releases([release("app", "1.0", "six>=1.0", "idna; os_name == 'nt'")])
    await store.write_releases([release("app", "1.0", "attrs")])  # nothing new
    closure = await store.load_closure(["app"])
    [edges] = await store.dependencies_of([APP.version.key])
    await store.close()
    union = tuple(
        edge_order(
            Dependency.from_requirement(r) for r in ("six>=1.0", "attrs", "idna; os_name == 'nt'")
        )
    )
    assert closure.releases["app"][0].dependencies == union == tuple(edges)
    assert stored_lists(tmp_path / "g.sqlite3")["app==1.0"] == dependencies_text(union)


async def test_a_version_5_file_gets_every_list_backfilled_from_its_edges(
    tmp_path: Path,
) -> None:
    path = tmp_path / "g.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.executescript("".join(MIGRATIONS[:5]))
        db.executemany("INSERT INTO package(id, name) VALUES (?, ?)", [(1, "app"), (2, "six")])
        db.executemany(
            "INSERT INTO package_version(id, package_id, version, index_url) VALUES (?, ?, ?, ?)",
            [(10, 1, "1.0", "https://pypi.org/simple"), (11, 1, "2.0", "https://pypi.org/simple")],
        )
        db.executemany(
            "INSERT INTO depends_on(version_id, package_id, specifier, extras, marker) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (11, 2, ">=1.0", "", ""),
                (11, 2, "", "a,b", 'extra == "test"'),
                (10, 2, "<1", "", ""),
            ],
        )
        db.execute("PRAGMA user_version = 5")
        db.commit()
    store = SqliteGraphStore(path)
    await store.open()
    closure = await store.load_closure(["app"])
    await store.close()
    new, old = closure.releases["app"]
    assert (new.version.version, old.version.version) == ("2.0", "1.0")
    assert new.dependencies == (
        Dependency("six", ">=1.0"),
        Dependency("six", "", ("a", "b"), 'extra == "test"'),
    )
    assert old.dependencies == (Dependency("six", "<1"),)
    assert closure.missing == {"six"}
    assert stored_lists(path) == {
        "app==1.0": dependencies_text(old.dependencies),
        "app==2.0": dependencies_text(new.dependencies),
    }


def test_each_distinct_text_and_row_is_decoded_once() -> None:
    reader = DependencyReader()
    six = Dependency("six", ">=1.0")
    one = dependencies_text([six, Dependency("attrs")])
    other = dependencies_text([six])
    assert reader.read(one) is reader.read(one)
    assert reader.read(one)[0] is reader.read(other)[0]
    assert reader.read(other) == (six,)
    assert reader.read("[]") == reader.read(None) == ()


async def test_a_closure_level_orders_releases_as_newest_first(tmp_path: Path) -> None:
    # By ranks of the distinct version texts: equal versions (1.0, 1.0.0) tie and the
    # index URL breaks the tie, as ordering.newest_first does.
    versions = ["1.9", "1.10", "2.0rc1", "1.0.post1", "1.0.0", "1.0a1"]
    releases = [release("lib", v) for v in versions]
    releases += [release("lib", "1.0", index_url=OTHER_INDEX), release("lib", "0.9", "app")]
    store = SqliteGraphStore(tmp_path / "graph.sqlite3")
    await store.open()
    try:
        await store.write_releases([*releases, APP])
        closure = await store.load_closure(["lib"])
    finally:
        await store.close()
    loaded = [(r.version.version, r.version.index_url) for r in closure.releases["lib"]]
    expected = newest_first(r.version for r in releases)
    assert loaded == [(v.version, v.index_url) for v in expected]
    assert loaded[:3] == [
        ("2.0rc1", expected[0].index_url),
        ("1.10", expected[0].index_url),
        ("1.9", expected[0].index_url),
    ]
