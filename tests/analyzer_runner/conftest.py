"""Fixtures for the runner's tests: a local index, a sandbox, an object store, helpers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from analyzer_runner.runner import run_analysis
from analyzer_runner.sandbox import Sandbox, SandboxMode, SandboxSettings
from analyzer_runner.status import StatusRecord
from bench.package_index import PackageIndex, allow_loopback, serve
from tests.s3_server import s3_credentials, s3_server
from thoth_objects import LocalObjectStore, ObjectStore, get_json, put_json
from thoth_objects.layout import new_analysis_id, request_key

__all__ = ["s3_credentials", "s3_server"]

SCHEMAS = Path(__file__).resolve().parents[2] / "schema"
SECRET = "sekrit-do-not-leak-7f3a9c"


@cache
def validator(schema: str) -> Draft202012Validator:
    document = json.loads((SCHEMAS / schema).read_text())
    return Draft202012Validator(document, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(document: Any, schema: str) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator(schema).iter_errors(document)
    ]
    assert not errors, errors


@pytest.fixture
def index(monkeypatch: pytest.MonkeyPatch) -> Iterator[PackageIndex]:
    with serve(PackageIndex()) as running:
        allow_loopback(monkeypatch, running.url)
        yield running


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The runner's data dir, holding a secret file; the runner's env holds a secret too."""
    folder = tmp_path / "thoth-data"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("THOTH_TEST_TOKEN", SECRET)
    return folder


@pytest.fixture
async def store(data_dir: Path) -> AsyncIterator[ObjectStore]:
    opened = LocalObjectStore(data_dir / "objects")
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    return Sandbox(SandboxSettings(mode=SandboxMode.BWRAP))


@dataclass
class Ran:
    """An analysis the tests ran: its status record and result document."""

    record: StatusRecord
    document: dict[str, Any] | None
    request: dict[str, Any]

    @property
    def result(self) -> dict[str, Any]:
        assert self.document is not None, self.record.error
        result: dict[str, Any] = self.document["result"]
        return result


async def run(
    store: ObjectStore,
    sandbox: Sandbox,
    kind: str,
    parameters: dict[str, Any],
    limits: dict[str, Any] | None = None,
    scratch: Path | None = None,
) -> Ran:
    """Write a request, run it like the CLI does, read status and result back."""
    analysis_id = new_analysis_id()
    request = {"analysis_id": analysis_id, "kind": kind, "parameters": parameters}
    if limits:
        request["limits"] = limits
    assert_valid(request, "analysis-request.schema.json")
    await put_json(store, request_key(analysis_id), request)
    record = await run_analysis(store, request_key(analysis_id), sandbox, scratch=scratch)
    status = await get_json(store, f"status/{analysis_id}.json")
    assert_valid(status, "analysis-status.schema.json")
    assert StatusRecord.from_json(status) == record
    document = await get_json(store, record.result_key) if record.result_key else None
    if document is not None:
        schema = "solver" if kind == "SOLVER" else "inspection"
        assert_valid(document, f"{schema}-document.schema.json")
    return Ran(record, document, request)
