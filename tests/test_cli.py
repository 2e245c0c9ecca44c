"""The `thoth-graphql` command as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.documents import solver_document


def thoth(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "thoth_graphql", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def graph_counts(data_dir: Path) -> tuple[int, int, int]:
    with sqlite3.connect(data_dir / "graph.sqlite3") as db:
        row = db.execute(
            "SELECT (SELECT count(*) FROM package), (SELECT count(*) FROM package_version),"
            " (SELECT count(*) FROM depends_on)"
        ).fetchone()
    return (row[0], row[1], row[2])


def test_ingest_then_reingest(tmp_path: Path) -> None:
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps(solver_document()))
    first = thoth("ingest", "--data-dir", str(tmp_path / "d"), str(doc))
    assert first.returncode == 0, first.stderr
    assert "1 document(s) written" in first.stdout
    assert "created 3 packages, 2 versions, 2 dependency edges" in first.stdout
    before = graph_counts(tmp_path / "d")

    second = thoth("ingest", "--data-dir", str(tmp_path / "d"), str(doc))
    assert second.returncode == 0, second.stderr
    assert "0 document(s) written, 1 already known" in second.stdout
    assert graph_counts(tmp_path / "d") == before


def test_ingest_from_stdin(tmp_path: Path) -> None:
    result = thoth(
        "ingest", "--data-dir", str(tmp_path / "d"), "-", stdin=json.dumps(solver_document())
    )
    assert result.returncode == 0, result.stderr
    assert graph_counts(tmp_path / "d") == (3, 2, 2)


def test_a_malformed_document_exits_non_zero_and_writes_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(solver_document("good")))
    bad_doc = solver_document("bad")
    bad_doc["result"]["tree"][1]["package_version"] = "one point two"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(bad_doc))

    result = thoth("ingest", "--data-dir", str(tmp_path / "d"), str(good), str(bad))
    assert result.returncode == 1
    assert f"{bad}: not a valid solver document" in result.stderr
    assert "$.result.tree[1].package_version: 'one point two' is not a PEP 440 version" in (
        result.stderr
    )
    assert "nothing was written" in result.stderr
    assert not (tmp_path / "d" / "graph.sqlite3").exists()


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    result = thoth("ingest", "--data-dir", str(tmp_path / "d"), str(tmp_path / "nope.json"))
    assert result.returncode == 1
    assert "nope.json: no such file or folder" in result.stderr


def test_a_bad_graph_url_is_a_usage_error(tmp_path: Path) -> None:
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps(solver_document()))
    result = thoth("ingest", "--graph", "http://example", str(doc))
    assert result.returncode == 2
    assert "expected a Gremlin Server URL" in result.stderr


def test_token_create_prints_a_token_once_and_stores_its_hash(tmp_path: Path) -> None:
    from thoth_graphql.domain.token import hash_secret

    result = thoth("token", "create", "--data-dir", str(tmp_path / "d"), "--name", "ci")
    assert result.returncode == 0, result.stderr
    secret = result.stdout.strip()
    assert secret.startswith("thoth_")
    assert "shown only this once" in result.stderr
    assert secret not in result.stderr
    with sqlite3.connect(tmp_path / "d" / "graph.sqlite3") as db:
        rows = db.execute("SELECT token_hash, name, scope FROM api_token").fetchall()
    assert rows == [(hash_secret(secret), "ci", "WRITE")]


def test_token_create_takes_the_admin_scope_and_refuses_others(tmp_path: Path) -> None:
    admin = thoth("token", "create", "--data-dir", str(tmp_path / "d"), "--scope", "admin")
    assert admin.returncode == 0, admin.stderr
    with sqlite3.connect(tmp_path / "d" / "graph.sqlite3") as db:
        assert db.execute("SELECT scope FROM api_token").fetchall() == [("ADMIN",)]
    other = thoth("token", "create", "--data-dir", str(tmp_path / "d"), "--scope", "root")
    assert other.returncode == 2
