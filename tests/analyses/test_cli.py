"""`thoth-graphql dispatch` and `graph-sync`: what they refuse before doing anything."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.thoth_processes import ROOT
from tests.documents import solver_document


def thoth(*arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "thoth_graphql", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        input=stdin,
        check=False,
    )


def test_jobs_need_an_s3_object_store(tmp_path: Path) -> None:
    done = thoth("dispatch", "--data-dir", str(tmp_path), "--kubernetes", "image:1")
    assert done.returncode == 2
    assert "--kubernetes needs an s3:// object store" in done.stderr


def test_a_rebuild_runs_once_into_an_empty_graph(tmp_path: Path) -> None:
    both = thoth("graph-sync", "--data-dir", str(tmp_path), "--follow", "--rebuild")
    assert both.returncode == 2
    document = json.dumps(solver_document())
    ingested = thoth("ingest", "--data-dir", str(tmp_path), "-", stdin=document)
    assert ingested.returncode == 0, ingested.stderr
    refused = thoth("graph-sync", "--data-dir", str(tmp_path), "--rebuild")
    assert refused.returncode == 2
    assert "--rebuild fills an empty graph" in refused.stderr
