"""The real-world corpus (bench/corpus/) and what the realworld bench builds on it."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from packaging.requirements import Requirement

from analyzer_runner.metadata import parse_core_metadata
from analyzer_runner.project_page import JSON_TYPE, parse_project_page
from analyzer_runner.solver import dependency_entry
from bench.corpus_capture import CORPUS, REQUIREMENTS, SETS, read_roots
from bench.corpus_index import CorpusIndex, core_metadata, serving, wheel_files
from bench.stack_validity import check, releases
from thoth_graphql.domain import RuntimeEnvironment, marker_environment
from thoth_graphql.ingest.ingest import parse_all
from thoth_graphql.ingest.sources import read_documents

MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
ENVIRONMENT = marker_environment(
    RuntimeEnvironment(python_version="3.12", os_name="linux", platform="linux_x86_64")
)


def entry(name: str, version: str, **fields: object) -> dict[str, object]:
    return {"package_name": name, "package_version": version, "dependencies": [], **fields}


def document(*entries: dict[str, object]) -> dict[str, object]:
    return {"metadata": {"document_id": "d"}, "result": {"tree": list(entries)}}


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_every_captured_set_is_ingestible_and_as_the_manifest_says(name: str) -> None:
    path = CORPUS / MANIFEST[name]["file"]
    parsed = parse_all(read_documents(str(path)))
    assert len(parsed) == MANIFEST[name]["packages"]
    assert sum(len(d.releases) for d in parsed) == MANIFEST[name]["versions"]
    assert (REQUIREMENTS / SETS[name][0]).is_file()


def test_every_set_has_its_requirements_and_the_uv_license() -> None:
    assert (REQUIREMENTS / "LICENSE-MIT").is_file()
    assert (REQUIREMENTS / "LICENSE-APACHE").is_file()
    for requirements, _ in SETS.values():
        assert read_roots(REQUIREMENTS / requirements)


def test_served_metadata_reads_back_as_the_document_says() -> None:
    dependencies = [
        dependency_entry("numpy>=1.13; extra == 'array'"),
        dependency_entry("uvicorn[standard]<1,>=0.2; python_version >= '3.8'"),
    ]
    release = entry("dask", "2.10.1", requires_python=">=3.6", dependencies=dependencies)
    core = parse_core_metadata(core_metadata(release))
    assert (core.name, core.version, core.requires_python) == ("dask", "2.10.1", ">=3.6")
    assert [dependency_entry(r) for r in core.requires_dist] == dependencies
    assert b"Provides-Extra: array" in core_metadata(release)


def test_releases_without_a_wheel_for_the_target_are_served_as_a_pure_wheel() -> None:
    compatible = {"filename": "a-1-cp312-cp312-manylinux_2_17_x86_64.whl", "kind": "wheel"}
    other = {"filename": "a-1-cp312-cp312-win_amd64.whl", "kind": "wheel", "compatible": False}
    sdist = {"filename": "a-1.tar.gz", "kind": "sdist"}
    assert wheel_files(entry("a", "1", artifacts=[{**compatible, "compatible": True}])) == [
        compatible["filename"]
    ]
    assert wheel_files(entry("a", "1", artifacts=[other, sdist])) == [
        other["filename"],
        "a-1-py3-none-any.whl",
    ]
    assert wheel_files(entry("a", "1", artifacts=[other])) == [other["filename"]]


def test_the_loopback_index_serves_pep691_pages_and_pep658_files() -> None:
    artifacts = [{"filename": "a_b-1.0-py3-none-any.whl", "kind": "wheel", "compatible": True}]
    docs = [document(entry("A.B", "1.0", requires_python=">=3.8", artifacts=artifacts))]
    assert CorpusIndex(docs).page("missing") is None
    with serving(docs) as url, httpx.Client() as client:
        response = client.get(f"{url}/a-b/", headers={"Accept": JSON_TYPE})
        page = parse_project_page(
            response.content, response.headers["content-type"], str(response.url), "a-b"
        )
        [artifact] = page.artifacts
        assert artifact.core_metadata and artifact.requires_python == ">=3.8"
        metadata = client.get(artifact.metadata_url)
        assert parse_core_metadata(metadata.content).name == "A.B"
        assert client.get(f"{url}/nothing/").status_code == 404


def test_validity_walks_extras_and_markers_and_applies_requires_python_bounds() -> None:
    table = releases(
        [
            document(
                entry(
                    "app",
                    "1",
                    dependencies=[
                        dependency_entry("lib>=2; extra == 'fast'"),
                        dependency_entry("win; sys_platform == 'win32'"),
                    ],
                ),
                entry("lib", "1"),
                entry("lib", "2", requires_python=">=3.8,<3.12"),
                entry("lib", "3"),
            )
        ]
    )
    roots = [Requirement("app[fast]")]
    assert check({"app": "1", "lib": "3"}, roots, table, ENVIRONMENT).valid
    kinds = [v.kind for v in check({"app": "1", "lib": "1"}, roots, table, ENVIRONMENT).violations]
    assert kinds == ["specifier"]
    kinds = [v.kind for v in check({"app": "1", "lib": "2"}, roots, table, ENVIRONMENT).violations]
    assert kinds == ["requires-python"]
    kinds = [v.kind for v in check({"app": "1"}, roots, table, ENVIRONMENT).violations]
    assert kinds == ["missing"]
    assert check({"app": "1"}, [Requirement("app")], table, ENVIRONMENT).valid


def test_corpus_files_are_small() -> None:
    assert sum(p.stat().st_size for p in Path(CORPUS).glob("*.json.gz")) < 40 * 1024 * 1024
