"""Specs of analyses: every faulty field is named, and the request documents made of
valid ones are what the runner reads."""

from __future__ import annotations

import pytest

from bench.package_index import allow_loopback
from thoth_analysis_request.document import InspectionRequest, SolverRequest, parse_request
from thoth_graphql.analyses.requests import (
    MAX_SCRIPT_BYTES,
    InvalidSpec,
    check_request_document,
    inspection_spec,
    kind_of,
    request_document,
    solver_spec,
)
from thoth_graphql.domain import Analysis, RuntimeEnvironment

ENVIRONMENT = RuntimeEnvironment(
    python_version="3.11", platform="linux_x86_64", cpu_flags=("avx2",)
)


def analysis_of(spec: object) -> Analysis:
    assert not isinstance(spec, str)
    return Analysis(
        "20260101T000000Z-0a1b2c3d",
        kind_of(spec),  # type: ignore[arg-type]
        spec.parameters(),  # type: ignore[attr-defined]
        created_at="2026-01-01T00:00:00Z",
    )


@pytest.fixture(autouse=True)
def allowed_indexes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The indexes these requests name, allowed explicitly (the default is PyPI only)."""
    allow_loopback(monkeypatch, "http://127.0.0.1:1/simple", "https://x.example/simple")


@pytest.mark.parametrize("version_spec", [None, "2.10.1", ">=2,<3", "~=1.4", ""])
def test_a_solver_request_is_read_by_the_runner_as_asked(version_spec: str | None) -> None:
    spec = solver_spec("Dask", version_spec, "http://127.0.0.1:1/simple/", ENVIRONMENT, 5)
    assert (spec.package_name, spec.index_url) == ("dask", "http://127.0.0.1:1/simple")
    document = request_document(analysis_of(spec))
    check_request_document(document)
    read = parse_request(document)
    assert isinstance(read, SolverRequest)
    assert (read.package_name, read.version_spec, read.max_versions) == (
        "dask",
        version_spec or None,
        5,
    )
    assert read.environment.python_version == "3.11"
    assert read.environment.cpu_flags == ("avx2",)


def test_a_stack_inspection_request_is_read_by_the_runner_as_asked() -> None:
    digest = "A" * 64
    spec = inspection_spec(
        [("Dask", "2.10.1", None, [digest]), ("numpy", "1.18.01", "https://x.example/simple", [])],
        ENVIRONMENT,
        "print('hi')",
    )
    document = request_document(analysis_of(spec))
    check_request_document(document)
    read = parse_request(document)
    assert isinstance(read, InspectionRequest)
    assert [(p.name, p.version, p.index_url, p.sha256) for p in read.packages] == [
        ("dask", "2.10.1", "https://pypi.org/simple", ("a" * 64,)),
        ("numpy", "1.18.1", "https://x.example/simple", ()),
    ]
    assert read.script == "print('hi')"


def test_every_faulty_field_of_a_solver_spec_is_named() -> None:
    with pytest.raises(InvalidSpec) as caught:
        solver_spec("-no-", ">>2", "ftp://x", None, 0)
    assert [field for field, _ in caught.value.faults] == [
        "packageName",
        "versionSpec",
        "indexUrl",
        "maxVersions",
    ]


def test_every_faulty_field_of_an_inspection_spec_is_named() -> None:
    with pytest.raises(InvalidSpec) as caught:
        inspection_spec(
            [
                ("ok", "1.0", None, []),
                ("bad name!", "one", "file:///x", ["zz"]),
                ("OK", "2.0", None, []),
            ],
            None,
            "x" * (MAX_SCRIPT_BYTES + 1),
        )
    assert [field for field, _ in caught.value.faults] == [
        "packages[1].name",
        "packages[1].version",
        "packages[1].index",
        "packages[1].sha256",
        "packages[2].name",
        "script",
    ]
    assert "locked twice" in caught.value.faults[4][1]
    with pytest.raises(InvalidSpec, match="at least one package"):
        inspection_spec([])


def test_a_document_that_breaks_the_schema_is_a_bug_not_input() -> None:
    with pytest.raises(ValueError, match=r"analysis-request\.schema\.json"):
        check_request_document({"analysis_id": "a", "kind": "SOLVER", "parameters": {}})
