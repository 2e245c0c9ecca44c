"""The analysis request document: what is written is read back as written, and bad
documents are refused with a reason naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.analyzer_runner.conftest import assert_valid
from thoth_analysis_request.document import (
    InspectionRequest,
    InvalidRequest,
    LockedPackage,
    SolverRequest,
    inspection_parameters,
    parse_request,
    request_document,
    solver_parameters,
)
from thoth_analysis_request.environment import Environment
from thoth_analysis_request.limits import Limits


def solver(**parameters: Any) -> dict[str, Any]:
    return {"analysis_id": "a-1", "kind": "SOLVER", "parameters": parameters}


def test_a_solver_request() -> None:
    data = solver(
        package_name="Dask",
        version_spec="2.10.1",
        index_url="https://index.example/simple/",
        environment={"python_version": "3.11", "cpu_flags": ["avx"]},
    )
    data["limits"] = {"wall_seconds": 30, "memory_bytes": 10**12}
    assert_valid(data, "analysis-request.schema.json")
    request = parse_request(data, ceiling=Limits())
    assert request == SolverRequest(
        "a-1",
        "dask",
        "2.10.1",
        "https://index.example/simple",
        Environment(python_version="3.11", cpu_flags=("avx",)),
        limits=Limits(wall_seconds=30.0),
    )
    assert isinstance(request, SolverRequest)
    assert str(request.specifier) == "==2.10.1"


def test_an_inspection_request() -> None:
    data = {
        "analysis_id": "a-2",
        "kind": "STACK_INSPECTION",
        "parameters": {
            "packages": [
                {"package_name": "Flask", "package_version": "2.0", "sha256": ["A" * 64]},
            ],
            "script": "print(1)",
        },
    }
    assert_valid(data, "analysis-request.schema.json")
    request = parse_request(data)
    assert isinstance(request, InspectionRequest)
    assert request.packages == (
        LockedPackage("flask", "2.0", "https://pypi.org/simple", ("a" * 64,)),
    )
    assert request.script == "print(1)"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([], "a request must be a JSON object"),
        ({"analysis_id": "../x", "kind": "SOLVER", "parameters": {}}, "invalid id"),
        ({"analysis_id": "a", "kind": "BUILD", "parameters": {}}, "kind must be"),
        ({"analysis_id": "a", "kind": "SOLVER"}, "parameters must be an object"),
        (solver(), "package_name is required"),
        (solver(package_name="a b"), "is not a valid project name"),
        (solver(package_name="a", version_spec="=>1"), "version_spec '=>1' is neither"),
        (solver(package_name="a", index_url="file:///etc"), "must be an http(s) URL"),
        (solver(package_name="a", max_versions=0), "max_versions must be a positive integer"),
        (solver(package_name="a", environment={"gpu": "x"}), "unknown environment fields"),
        ({**solver(package_name="a"), "limits": {"cpu_seconds": -1}}, "must be a positive"),
        ({"analysis_id": "a", "kind": "STACK_INSPECTION", "parameters": {"packages": []}},
         "packages must be a non-empty list"),
        ({"analysis_id": "a", "kind": "STACK_INSPECTION", "parameters": {"packages": [
            {"package_name": "a", "package_version": "1"},
            {"package_name": "A", "package_version": "2"}]}},
         "packages are locked more than once: ['a']"),
        ({"analysis_id": "a", "kind": "STACK_INSPECTION", "parameters": {"packages": [
            {"package_name": "a", "package_version": "1", "sha256": ["abc"]}]}},
         "packages[0].sha256 must hold hex SHA-256 digests"),
    ],
)  # fmt: skip
def test_bad_requests_are_refused_with_a_reason(data: Any, reason: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_request(data)
    assert reason in str(caught.value)


def test_a_written_solver_document_is_read_back_as_written() -> None:
    environment = Environment(python_version="3.12", cpu_flags=("avx2",))
    parameters = solver_parameters(
        "dask",
        ">=2,<3",
        "https://index.example/simple",
        {"python_version": "3.12", "cpu_flags": ["avx2"]},
        7,
    )
    document = request_document("a-2", "SOLVER", parameters, "2026-01-01T00:00:00Z")
    assert_valid(document, "analysis-request.schema.json")
    assert parse_request(document) == SolverRequest(
        "a-2", "dask", ">=2,<3", "https://index.example/simple", environment, 7
    )


def test_a_written_inspection_document_is_read_back_as_written() -> None:
    packages = (
        LockedPackage("flask", "2.0", "https://pypi.org/simple", ("b" * 64,)),
        LockedPackage("numpy", "1.26.4", "https://index.example/simple"),
    )
    parameters = inspection_parameters(packages, {}, "import flask")
    document = request_document("a-3", "STACK_INSPECTION", parameters)
    assert_valid(document, "analysis-request.schema.json")
    assert parse_request(document) == InspectionRequest("a-3", packages, script="import flask")
