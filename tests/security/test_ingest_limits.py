"""Ingest bounds what it stores and how deep it reads, and each run reports what it wrote."""

from __future__ import annotations

import asyncio
import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.documents import solver_document
from thoth_graphql.ingest.ingest import ingest_documents, parse_all
from thoth_graphql.ingest.osv import parse_osv_record
from thoth_graphql.ingest.solver_document import InvalidDocument
from thoth_graphql.ingest.sources import RawDocument
from thoth_graphql.store.sqlite import SqliteGraphStore


def thoth(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "thoth_graphql", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _set(document: dict[str, Any], path: tuple[str | int, ...], value: str) -> None:
    place: Any = document
    for part in path[:-1]:
        place = place[part]
    place[path[-1]] = value


HUGE = 50_000_000

OVERSIZED = [
    # (where, JSON path as reported, a valid but oversized value)
    (("result", "tree", 0, "package_name"), "$.result.tree[0].package_name", "a" * HUGE),
    (("result", "tree", 0, "package_version"), "$.result.tree[0].package_version",
     "1." * 500_000 + "0"),
    (("result", "tree", 0, "dependencies", 0, "package_name"),
     "$.result.tree[0].dependencies[0].package_name", "b" * 1_000_000),
    (("result", "tree", 0, "dependencies", 0, "specifier"),
     "$.result.tree[0].dependencies[0].specifier", ">=" + "1." * 500_000 + "0"),
    (("result", "tree", 0, "dependencies", 0, "marker"),
     "$.result.tree[0].dependencies[0].marker", "python_version >= '" + "x" * 1_000_000 + "'"),
    (("result", "tree", 0, "requires_python"), "$.result.tree[0].requires_python",
     ">=" + "3." * 500_000 + "0"),
]  # fmt: skip


@pytest.mark.parametrize(("where", "json_path", "value"), OVERSIZED, ids=lambda x: str(x)[:40])
def test_oversized_strings_are_refused_naming_file_and_path(
    tmp_path: Path, where: tuple[str | int, ...], json_path: str, value: str
) -> None:
    document = solver_document("huge")
    _set(document, where, value)
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(document))

    result = thoth("ingest", "--data-dir", str(tmp_path / "d"), str(path))

    assert result.returncode == 1, result.stdout
    assert f"{path}: not a valid solver document" in result.stderr
    assert f"{json_path}: " in result.stderr
    assert "characters, more than" in result.stderr
    assert len(result.stderr) < 4000  # the value is not echoed back
    assert not (tmp_path / "d" / "graph.sqlite3").exists()


@pytest.mark.parametrize(
    ("field", "json_path"),
    [("id", "$.id"), ("name", "$.affected[0].package.name"),
     ("version", "$.affected[0].versions[0]")],
)  # fmt: skip
def test_oversized_osv_strings_are_refused_by_path(field: str, json_path: str) -> None:
    """OSV records come through ingestAdvisories; their names and versions are bounded too."""
    record: dict[str, Any] = {
        "id": "PYSEC-2026-1",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "jinja2"}, "versions": ["1.0"]}],
    }
    huge = {"id": "PYSEC-" + "1" * 1_000_000, "name": "j" * 1_000_000,
            "version": "1." * 500_000 + "0"}[field]  # fmt: skip
    if field == "id":
        record["id"] = huge
    elif field == "name":
        record["affected"][0]["package"]["name"] = huge
    else:
        record["affected"][0]["versions"] = [huge]
    with pytest.raises(InvalidDocument) as raised:
        parse_osv_record(record, "records[0]")
    [fault] = raised.value.faults
    assert fault.path == json_path
    assert "characters, more than" in fault.message
    assert len(str(raised.value)) < 1000


def test_deeply_nested_json_is_a_clear_error_naming_the_file(tmp_path: Path) -> None:
    good = tmp_path / "a-good.json"
    good.write_text(json.dumps(solver_document("good")))
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)

    result = thoth("ingest", "--data-dir", str(tmp_path / "d"), str(good), str(deep))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "RecursionError" not in result.stderr
    assert f"{deep}: JSON nested deeper than" in result.stderr
    assert not (tmp_path / "d" / "graph.sqlite3").exists()


def _documents(count: int) -> list[RawDocument]:
    raw = []
    for i in range(count):
        document = copy.deepcopy(solver_document(f"doc-{i}"))
        document["result"]["tree"][0]["package_name"] = f"pkg-{i}"
        raw.append(RawDocument(f"doc-{i}", document))
    return raw


async def test_concurrent_ingests_report_exactly_what_each_wrote(tmp_path: Path) -> None:
    """Two writers (as two `ingest` processes are) of the same documents: each says it wrote
    only what it wrote, and together they wrote each document once."""
    documents = parse_all(_documents(300))
    first = SqliteGraphStore(tmp_path / "graph.sqlite3")
    second = SqliteGraphStore(tmp_path / "graph.sqlite3")
    await first.open()
    await second.open()
    try:
        a, b = await asyncio.gather(
            ingest_documents(first, documents), ingest_documents(second, documents)
        )
    finally:
        await first.close()
        await second.close()
    ids = [d.ref.document_id for d in documents]
    assert sorted(a.written + b.written) == sorted(ids)
    assert set(a.written).isdisjoint(b.written)
    assert sorted(a.written + a.skipped) == sorted(ids)
    assert sorted(b.written + b.skipped) == sorted(ids)
    assert a.changes.documents_created + b.changes.documents_created == len(ids)


def test_concurrent_cli_ingests_report_each_document_written_once(tmp_path: Path) -> None:
    path = tmp_path / "docs.json"
    path.write_text(json.dumps([r.data for r in _documents(2000)]))
    data_dir = str(tmp_path / "d")
    command = [sys.executable, "-m", "thoth_graphql", "ingest", "--data-dir", data_dir, str(path)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    written = [int(out.split(" document(s) written")[0].split()[-1]) for out in outputs]
    assert sum(written) == 2000, outputs
