"""Ingest as a library call, over every store adapter."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.documents import solver_document
from thoth_graphql.domain import VersionKey
from thoth_graphql.ingest import ingest_paths
from thoth_graphql.ingest.ingest import InvalidDocuments
from thoth_graphql.ingest.sources import UnreadableSource
from thoth_graphql.store.port import GraphStore


def write(path: Path, data: object) -> str:
    path.write_text(json.dumps(data))
    return str(path)


async def test_ingest_writes_what_the_document_says(store: GraphStore, tmp_path: Path) -> None:
    report = await ingest_paths(store, [write(tmp_path / "a.json", solver_document())])
    assert report.written == ["solver-abc"]
    assert report.changes.versions_created == 2
    [deps] = await store.dependencies_of(
        [VersionKey("dask", "2.10.1", "https://index.example/simple")]
    )
    assert [(d.name, d.specifier, d.extra) for d in deps] == [
        ("numpy", ">=1.13.0", "array"),
        ("toolz", ">=0.7.3", None),
    ]


async def test_reingest_changes_nothing(store: GraphStore, tmp_path: Path) -> None:
    path = write(tmp_path / "a.json", solver_document())
    await ingest_paths(store, [path])
    counts, generation = await store.counts(), await store.generation()
    again = await ingest_paths(store, [path])
    assert again.skipped == ["solver-abc"]
    assert not again.changes.changed
    assert await store.counts() == counts
    assert await store.generation() == generation


async def test_same_releases_under_a_new_document_id_add_only_the_document(
    store: GraphStore, tmp_path: Path
) -> None:
    await ingest_paths(store, [write(tmp_path / "a.json", solver_document("one"))])
    report = await ingest_paths(store, [write(tmp_path / "b.json", solver_document("two"))])
    assert report.written == ["two"]
    assert (report.changes.versions_created, report.changes.dependencies_created) == (0, 0)
    assert report.changes.documents_created == 1


async def test_a_bad_document_among_good_ones_writes_nothing(
    store: GraphStore, tmp_path: Path
) -> None:
    bad = solver_document("bad")
    bad["result"]["tree"][0]["dependencies"][0]["specifier"] = ">>1"
    paths = [
        write(tmp_path / "1-good.json", solver_document("good")),
        write(tmp_path / "2-bad.json", bad),
    ]
    with pytest.raises(InvalidDocuments) as caught:
        await ingest_paths(store, paths)
    assert "2-bad.json" in str(caught.value)
    assert "$.result.tree[0].dependencies[0].specifier" in str(caught.value)
    counts = await store.counts()
    assert (counts.packages, counts.versions, counts.documents) == (0, 0, 0)


async def test_folders_arrays_and_gzip(sqlite_store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / "deep").mkdir(parents=True)
    write(folder / "one.json", solver_document("one"))
    (folder / "ignored.txt").write_text("not a document")
    with gzip.open(folder / "deep" / "many.json.gz", "wt") as handle:
        json.dump([solver_document("two"), solver_document("three")], handle)
    report = await ingest_paths(sqlite_store, [str(folder)])
    assert sorted(report.written) == ["one", "three", "two"]


async def test_unreadable_inputs_name_the_file(sqlite_store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(UnreadableSource, match=r"missing\.json: no such file"):
        await ingest_paths(sqlite_store, [str(tmp_path / "missing.json")])
    broken = tmp_path / "broken.json"
    broken.write_text('{"metadata": ')
    with pytest.raises(UnreadableSource, match=r"broken.json: not JSON: .* line 1"):
        await ingest_paths(sqlite_store, [str(broken)])
