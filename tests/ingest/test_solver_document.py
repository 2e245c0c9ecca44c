"""Reading and refusing solver documents."""

from __future__ import annotations

import copy

import pytest

from tests.documents import solver_document
from thoth_graphql.domain import Dependency, DistributionFile, RuntimeEnvironment, VersionKey
from thoth_graphql.ingest.solver_document import InvalidDocument, parse_solver_document


def test_reads_the_design_example() -> None:
    doc = parse_solver_document(solver_document(), "example.json")
    assert doc.ref.document_id == "solver-abc"
    assert doc.ref.environment == RuntimeEnvironment(
        os_name="fedora", os_version="40", python_version="3.11", platform="linux_x86_64"
    )
    dask, numpy = doc.releases
    assert dask.version.key == VersionKey("dask", "2.10.1", "https://index.example/simple")
    assert dask.version.requires_python == ">=3.6"
    assert dask.dependencies == (
        Dependency("numpy", ">=1.13.0", (), 'extra == "array"'),
        Dependency("toolz", ">=0.7.3"),
    )
    assert numpy.version.index_url == "https://pypi.org/simple"
    assert doc.unresolved == ("foo",)
    assert doc.absent == ()  # "gone" is not the index's "not found"
    assert doc.edge_count == 2


def test_only_the_index_not_found_reason_is_an_absence() -> None:
    data = solver_document()
    data["parameters"] = {"index_url": "https://other.example/simple"}
    data["result"]["unresolved"] = [
        {"package_name": "Gone.Pkg", "reason": "not found on the index"},
        {"package_name": "old", "reason": "no version matches '>=9' (3 versions on the index)"},
        {
            "package_name": "here",
            "index_url": "https://x.example/simple",
            "reason": "not found on the index",
        },
    ]
    data["metadata"]["datetime"] = "2025-05-31T23:00:00-02:00"
    doc = parse_solver_document(data, "x")
    assert doc.unresolved == ("gone-pkg", "old", "here")
    assert [(a.name, a.seen, a.index_url, a.document_id) for a in doc.absent] == [
        ("gone-pkg", "2025-06-01T01:00:00Z", "https://other.example/simple", "solver-abc"),
        ("here", "2025-06-01T01:00:00Z", "https://x.example/simple", "solver-abc"),
    ]


def test_an_absence_needs_the_document_time() -> None:
    data = solver_document()
    del data["metadata"]["datetime"]
    data["result"]["unresolved"][0]["reason"] = "not found on the index"
    assert fault_paths(data) == ["$.metadata.datetime"]
    data["result"]["unresolved"][0]["reason"] = "no files (0 versions on the index)"
    assert parse_solver_document(data, "x").absent == ()


def test_versions_are_stored_in_normal_form() -> None:
    data = solver_document()
    data["result"]["tree"][1]["package_version"] = "1.0-dev"
    assert parse_solver_document(data, "x").releases[1].version.version == "1.0.dev0"


def fault_paths(data: object) -> list[str]:
    with pytest.raises(InvalidDocument) as caught:
        parse_solver_document(data, "bad.json")
    assert str(caught.value).startswith("bad.json: not a valid solver document")
    return [f.path for f in caught.value.faults]


def test_missing_required_fields_are_named_with_their_path() -> None:
    data = solver_document()
    del data["metadata"]["document_id"]
    del data["result"]["tree"][1]["package_version"]
    assert fault_paths(data) == ["$.metadata", "$.result.tree[1]"]


def test_wrong_types_are_named_with_their_path() -> None:
    data = solver_document()
    data["result"]["tree"][0]["dependencies"][1]["extras"] = "security"
    data["result"]["tree"][0]["yanked"] = "no"
    assert sorted(fault_paths(data)) == [
        "$.result.tree[0].dependencies[1].extras",
        "$.result.tree[0].yanked",
    ]


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("package_version", "not a version", "$.result.tree[0].package_version"),
        ("requires_python", ">=three", "$.result.tree[0].requires_python"),
        ("package_name", "-dash-", "$.result.tree[0].package_name"),
    ],
)
def test_pep440_faults_in_releases(field: str, value: str, path: str) -> None:
    data = solver_document()
    data["result"]["tree"][0][field] = value
    assert fault_paths(data) == [path]


@pytest.mark.parametrize(
    ("field", "value"),
    [("specifier", "=>1.0"), ("marker", "python_version >>> '3'"), ("package_name", "a b")],
)
def test_pep508_faults_in_dependencies(field: str, value: str) -> None:
    data = solver_document()
    data["result"]["tree"][0]["dependencies"][0][field] = value
    assert fault_paths(data) == [f"$.result.tree[0].dependencies[0].{field}"]


def test_every_fault_is_reported_not_only_the_first() -> None:
    data = solver_document()
    data["result"]["tree"][0]["package_version"] = "???"
    data["result"]["tree"][1]["package_version"] = "!!!"
    assert len(fault_paths(data)) == 2


def test_a_document_that_is_not_an_object() -> None:
    assert fault_paths([1, 2]) == ["$"]


def test_the_input_is_not_modified() -> None:
    data = solver_document()
    before = copy.deepcopy(data)
    parse_solver_document(data, "x")
    assert data == before


def test_release_files_are_read_and_documents_without_them_still_ingest() -> None:
    data = solver_document()
    wheel = "dask-2.10.1-py3-none-any.whl"
    data["result"]["tree"][0]["artifacts"] = [
        {
            "filename": wheel,
            "kind": "wheel",
            "url": f"https://files.example/{wheel}",
            "sha256": "a" * 64,
            "requires_python": ">=3.6",
            "yanked": False,
            "upload_time": "2020-01-30T12:00:00Z",
            "compatible": True,
        },
        {"filename": "dask-2.10.1.tar.gz", "kind": "sdist"},  # the runner before urls
    ]
    dask, numpy = parse_solver_document(data, "x").releases
    assert dask.version.files == (
        DistributionFile(
            wheel,
            f"https://files.example/{wheel}",
            "a" * 64,
            ">=3.6",
            False,
            "2020-01-30T12:00:00Z",
        ),
        DistributionFile("dask-2.10.1.tar.gz"),
    )
    assert numpy.version.files == ()
    data["result"]["tree"][0]["artifacts"][0]["url"] = ""
    assert fault_paths(data) == ["$.result.tree[0].artifacts[0].url"]
