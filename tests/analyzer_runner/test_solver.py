"""Solver analyses against the local index: metadata sources, selection, installability."""

from __future__ import annotations

import random
from typing import Any

import pytest

from analyzer_runner.sandbox import Sandbox
from bench.package_index import (
    IndexFile,
    PackageIndex,
    allow_loopback,
    metadata_text,
    serve,
    wheel,
)
from bench.packages import publish_tinybackend, tiny_sdist_files
from tests.analyzer_runner.conftest import run
from thoth_graphql.ingest import parse_solver_document
from thoth_objects import ObjectStore


def solver(index: PackageIndex, name: str, spec: str | None = None, **more: Any) -> dict[str, Any]:
    return {"package_name": name, "version_spec": spec, "index_url": index.url, **more}


async def test_pep658_metadata_is_read_without_downloading_files(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    index.add_wheel(
        "Dask",
        "2.10.1",
        requires=["numpy>=1.13.0; extra == 'array'", "toolz>=0.7.3"],
        requires_python=">=3.6",
    )
    index.add_wheel("dask", "2.9.0", requires=["toolz"])
    ran = await run(store, sandbox, "SOLVER", solver(index, "dask"))
    assert ran.record.status == "SUCCEEDED", ran.record.error
    tree = ran.result["tree"]
    assert [(r["package_version"], r["metadata_source"]) for r in tree] == [
        ("2.10.1", "pep658"),
        ("2.9.0", "pep658"),
    ]
    assert tree[0]["dependencies"] == [
        {
            "package_name": "numpy",
            "specifier": ">=1.13.0",
            "extras": [],
            "marker": 'extra == "array"',
        },
        {"package_name": "toolz", "specifier": ">=0.7.3", "extras": [], "marker": None},
    ]
    assert tree[0]["requires_python"] == ">=3.6"
    assert tree[0]["installable"] is True
    assert index.paths(".whl") == []
    assert len(index.paths(".metadata")) == 2
    doc = parse_solver_document(ran.document, "result")
    assert [r.version.version for r in doc.releases] == ["2.10.1", "2.9.0"]
    assert doc.ref.document_id == f"solver-{ran.record.analysis_id}"


async def test_without_pep658_the_wheel_metadata_is_read_by_range_from_an_html_index(
    store: ObjectStore, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve(PackageIndex(json_api=False, pep658=False)) as index:
        allow_loopback(monkeypatch, index.url)
        index.add_wheel("toolz", "0.7.3", requires=["six"])
        ran = await run(store, sandbox, "SOLVER", solver(index, "toolz"))
    [release] = ran.result["tree"]
    assert release["metadata_source"] == "range"
    assert release["dependencies"][0]["package_name"] == "six"
    wheel_path = "/files/toolz-0.7.3-py3-none-any.whl"
    # The page announces no PEP 658 file: the .metadata is tried (404), then a range.
    assert index.paths(".metadata") == [f"{wheel_path}.metadata"]
    assert index.range_requests == [(wheel_path, "bytes=-65536")]
    assert release["sha256"] == [index.projects["toolz"][0].digest]


async def test_an_sdist_with_static_pkg_info_is_read_without_a_build(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    # PEP 643: Metadata-Version 2.2 and Requires-Dist not Dynamic, so PKG-INFO is authoritative;
    # the setup.py would fail loudly if anything ran it.
    pkg_info = metadata_text("static", "1.0", ["attrs>=20"], ">=3.8", metadata_version="2.2")
    index.add_sdist("static", "1.0", {"PKG-INFO": pkg_info, "setup.py": "raise SystemExit('ran')"})
    ran = await run(store, sandbox, "SOLVER", solver(index, "static"))
    [release] = ran.result["tree"]
    assert release["metadata_source"] == "sdist-pkg-info"
    assert release["dependencies"][0]["package_name"] == "attrs"
    assert release["installable"] is True
    assert "builds from sdist static-1.0.tar.gz" in release["installability_reason"]


async def test_an_sdist_is_built_in_the_sandbox_with_its_build_requirements(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    publish_tinybackend(index)
    # Dynamic Requires-Dist in PKG-INFO: it must not be trusted, the backend is asked.
    files = tiny_sdist_files(
        "built", "2.0", dependencies=["requests>=2", "idna; python_version<'4'"]
    )
    files["PKG-INFO"] = metadata_text(
        "built", "2.0", ["wrong"], metadata_version="2.2", dynamic=["Requires-Dist"]
    )
    index.add_sdist("built", "2.0", files)
    ran = await run(store, sandbox, "SOLVER", solver(index, "built"))
    assert ran.result["errors"] == []
    [release] = ran.result["tree"]
    assert release["metadata_source"] == "sdist-build"
    assert [d["package_name"] for d in release["dependencies"]] == ["requests", "idna"]
    assert release["dependencies"][1]["marker"] == 'python_version < "4"'
    # The backend and its own dependency were fetched as wheels outside the sandbox.
    assert {p.rsplit("/", 1)[-1] for p in index.paths(".whl")} == {
        "tinybackend-1.0-py3-none-any.whl",
        "tinyhelper-1.0-py3-none-any.whl",
    }


async def test_requirements_a_backend_asks_for_at_build_time_are_fetched(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    publish_tinybackend(index)
    index.add_wheel("tinyextra", "1.0", files={"tinyextra.py": ""})
    index.add_sdist("dyn", "1.0", tiny_sdist_files("dyn", "1.0", dynamic_requires=["tinyextra>=1"]))
    ran = await run(store, sandbox, "SOLVER", solver(index, "dyn"))
    assert ran.result["errors"] == []
    assert ran.result["tree"][0]["metadata_source"] == "sdist-build"
    assert "/files/tinyextra-1.0-py3-none-any.whl" in index.paths()


async def test_a_legacy_setuptools_sdist_names_the_build_requirement_it_lacks(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    import ensurepip
    from pathlib import Path

    # The setuptools wheel bundled with Python 3.11; this index has no `wheel` project,
    # which setuptools 65 asks for when it builds metadata.
    [bundled] = (Path(ensurepip.__file__).parent / "_bundled").glob("setuptools-*.whl")
    index.add("setuptools", IndexFile(bundled.name, bundled.read_bytes()))
    setup = (
        "from setuptools import setup\n"
        "setup(name='legacy', version='1.0', install_requires=['six'])\n"
    )
    index.add_sdist("legacy", "1.0", {"setup.py": setup})
    ran = await run(store, sandbox, "SOLVER", solver(index, "legacy"))
    assert ran.result["tree"] == []
    [error] = ran.result["errors"]
    assert error["type"] == "metadata_build_failed"
    assert error["reason"] == "metadata build impossible: build requirement wheel: not on the index"
    assert f"/files/{bundled.name}" in index.paths()


def publish_versions(index: PackageIndex) -> None:
    for version in ("1.0", "1.5", "2.0", "2.1rc1", "3.0a1"):
        index.add_wheel("many", version)


async def selected(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox, spec: str | None, **more: Any
) -> list[str]:
    ran = await run(store, sandbox, "SOLVER", solver(index, "many", spec, **more))
    return [r["package_version"] for r in ran.result["tree"]]


async def test_versions_are_selected_by_version_specifier_or_all(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    publish_versions(index)
    assert await selected(index, store, sandbox, None) == ["3.0a1", "2.1rc1", "2.0", "1.5", "1.0"]
    assert await selected(index, store, sandbox, "1.5") == ["1.5"]
    assert await selected(index, store, sandbox, "==2.0") == ["2.0"]
    assert await selected(index, store, sandbox, ">=1.5,<3") == ["2.0", "1.5"]
    assert await selected(index, store, sandbox, ">=2.1rc1") == ["3.0a1", "2.1rc1"]
    assert await selected(index, store, sandbox, None, max_versions=2) == ["3.0a1", "2.1rc1"]


async def test_unknown_packages_and_versions_are_unresolved(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    publish_versions(index)
    unknown = await run(store, sandbox, "SOLVER", solver(index, "nothing-here", ">=1"))
    assert unknown.record.status == "SUCCEEDED"
    assert unknown.result["unresolved"] == [
        {
            "package_name": "nothing-here",
            "version_spec": ">=1",
            "index_url": index.url,
            "reason": "not found on the index",
        }
    ]
    missing = await run(store, sandbox, "SOLVER", solver(index, "many", ">=4"))
    assert missing.result["tree"] == []
    assert (
        missing.result["unresolved"][0]["reason"]
        == "no version matches '>=4' (5 versions on the index)"
    )
    assert parse_solver_document(missing.document, "x").unresolved == ("many",)
    # Only the index's 404 is a package known to be absent; "many" exists.
    assert parse_solver_document(missing.document, "x").absent == ()
    [absent] = parse_solver_document(unknown.document, "x").absent
    assert (absent.name, absent.index_url) == ("nothing-here", index.url)
    # Seen at the document's time, as the graph keeps times (UTC, to the second).
    assert absent.seen == unknown.document["metadata"]["datetime"][:19] + "Z"


async def test_installability_follows_wheel_tags_and_requires_python(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    index.add_wheel("native", "1.0", tag="cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64")
    index.add_wheel("native", "2.0", tag="py3-none-any", requires_python=">=3.12")
    linux = {"python_version": "3.11", "platform": "linux_x86_64", "os_name": "fedora"}
    windows = {"python_version": "3.11", "platform": "win_amd64"}
    on_linux = await run(store, sandbox, "SOLVER", solver(index, "native", environment=linux))
    on_windows = await run(store, sandbox, "SOLVER", solver(index, "native", environment=windows))
    assert on_linux.document is not None
    assert on_linux.document["environment"]["os_name"] == "fedora"
    linux_two, linux_one = on_linux.result["tree"]
    assert (linux_one["installable"], linux_two["installable"]) == (True, False)
    assert linux_one["installability_reason"].startswith("wheel native-1.0-cp311")
    assert linux_two["installability_reason"] == "requires Python >=3.12; the environment has 3.11"
    assert linux_one["artifacts"][0]["compatible"] is True
    windows_one = on_windows.result["tree"][1]
    assert windows_one["installable"] is False
    assert windows_one["installability_reason"].startswith("no wheel for cp311-cp311-win_amd64")
    assert windows_one["artifacts"][0]["compatible"] is False


async def test_yanked_versions_are_marked(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    index.add_wheel("yanky", "1.0", yanked=True, upload_time="2020-01-01T00:00:00Z")
    index.add_wheel("yanky", "1.1")
    ran = await run(store, sandbox, "SOLVER", solver(index, "yanky"))
    newer, older = ran.result["tree"]
    assert (newer["yanked"], older["yanked"]) == (False, True)
    assert older["upload_time"] == "2020-01-01T00:00:00Z"


async def test_files_that_do_not_match_their_hash_are_errors(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    # Metadata read by range cannot be checked against the wheel's hash; a whole one can.
    index.pep658, index.ranges = False, False
    good = index.add_wheel("tampered", "1.0")
    index.add_wheel("tampered", "2.0").sha256 = "0" * 64
    ran = await run(store, sandbox, "SOLVER", solver(index, "tampered"))
    assert ran.record.status == "SUCCEEDED"
    assert [r["package_version"] for r in ran.result["tree"]] == ["1.0"]
    assert ran.result["tree"][0]["sha256"] == [good.digest]
    [error] = ran.result["errors"]
    assert error["type"] == "hash_mismatch"
    assert error["artifact"] == "tampered-2.0-py3-none-any.whl"
    assert f"expected {'0' * 64}" in error["reason"]


async def test_lying_pep658_metadata_falls_back_to_the_wheel(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    liar = index.add_wheel("liar", "1.0", requires=["six"])
    liar.metadata = metadata_text("liar", "9.9").encode()
    ran = await run(store, sandbox, "SOLVER", solver(index, "liar"))
    [release] = ran.result["tree"]
    assert (release["metadata_source"], release["dependencies"][0]["package_name"]) == (
        "range",
        "six",
    )


async def test_a_wheel_whose_metadata_names_another_release_is_an_error(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    _, data, _ = wheel("liar", "9.9")
    index.add("liar", IndexFile("liar-1.0-py3-none-any.whl", data))
    ran = await run(store, sandbox, "SOLVER", solver(index, "liar"))
    assert ran.result["tree"] == []
    [error] = ran.result["errors"]
    assert error["type"] == "metadata_unavailable"
    assert error["reason"] == "metadata names liar 9.9, expected liar 1.0"


async def test_an_unreachable_index_fails_the_analysis(
    store: ObjectStore, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.janusgraph_server import free_port

    url = f"http://127.0.0.1:{free_port()}/simple"
    allow_loopback(monkeypatch, url)
    ran = await run(store, sandbox, "SOLVER", {"package_name": "x", "index_url": url})
    assert ran.record.status == "FAILED"
    assert ran.record.error is not None
    assert ran.record.error.startswith("the index could not be read:")
    assert ran.record.retryable
    assert ran.document is None


def _noise(size: int, seed: int) -> str:
    # Hex of random bytes: deflate keeps it above half its length, so the wheel stays large.
    return random.Random(seed).randbytes(size // 2).hex()


async def test_each_version_takes_the_cheapest_metadata_path_and_says_what_it_cost(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    # The machine's real index: .metadata files for some wheels, never announced on pages.
    index.advertise_metadata = False
    with_metadata = index.add_wheel("botox", "2.0", requires=["six"])
    range_only = index.add_wheel(
        "botox", "1.0", requires=["jmespath"], files={"botox/data.py": _noise(2_000_000, 1)}
    )
    range_only.serve_metadata = False
    ran = await run(store, sandbox, "SOLVER", solver(index, "botox"))
    newer, older = ran.result["tree"]
    assert newer["metadata_source"] == "pep658"
    assert with_metadata.metadata is not None
    assert (newer["metadata_requests"], newer["metadata_bytes"]) == (1, len(with_metadata.metadata))
    assert older["metadata_source"] == "range"
    assert older["dependencies"][0]["package_name"] == "jmespath"
    older_path = f"/files/{range_only.filename}"
    assert sorted(index.paths(".metadata")) == sorted(
        [f"/files/{with_metadata.filename}.metadata", f"{older_path}.metadata"]
    )
    assert [r for p, r in index.range_requests if p == older_path] == ["bytes=-65536"]
    assert [p for p, _ in index.range_requests] == [older_path]
    assert len(range_only.data) > 1_000_000
    # A 404 for the .metadata, then one suffix range: a few KiB, not the 1 MB wheel.
    assert older["metadata_requests"] == 2
    assert older["metadata_bytes"] == index.bytes_sent[older_path]
    assert older["metadata_bytes"] < len(range_only.data) / 10
    assert index.paths(".whl") == [older_path]  # the ranged GET, and no whole download
    assert ran.result["metadata_transfer"] == {
        "pep658": {"versions": 1, "requests": 1, "bytes": newer["metadata_bytes"]},
        "range": {"versions": 1, "requests": 2, "bytes": older["metadata_bytes"]},
    }


async def test_a_server_that_ignores_range_gives_the_whole_wheel(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    index.pep658, index.ranges = False, False
    big = index.add_wheel("botox", "1.0", files={"botox/data.py": _noise(2_000_000, 2)})
    ran = await run(store, sandbox, "SOLVER", solver(index, "botox"))
    [release] = ran.result["tree"]
    assert release["metadata_source"] == "wheel"
    path = f"/files/{big.filename}"
    assert index.range_requests == [(path, "bytes=-65536")]  # asked, and answered 200
    assert index.paths(".whl") == [path]  # that answer was used: no second download
    assert release["metadata_bytes"] == len(big.data)


async def test_a_broken_range_answer_falls_back_to_downloading_the_wheel(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    index.pep658 = False
    whole = index.add_wheel("botox", "1.0", requires=["six"])
    index.broken_ranges = True
    ran = await run(store, sandbox, "SOLVER", solver(index, "botox"))
    [release] = ran.result["tree"]
    assert (release["metadata_source"], release["dependencies"][0]["package_name"]) == (
        "wheel",
        "six",
    )
    assert index.paths(".whl") == [f"/files/{whole.filename}"] * 2


async def test_a_page_that_announces_pep658_files_is_believed_about_the_others(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    index.add_wheel("botox", "2.0")
    without = index.add_wheel("botox", "1.0", requires=["six"])
    without.serve_metadata = False  # nor announced: the page announces 2.0's
    ran = await run(store, sandbox, "SOLVER", solver(index, "botox"))
    newer, older = ran.result["tree"]
    assert (newer["metadata_source"], older["metadata_source"]) == ("pep658", "range")
    assert index.paths(".metadata") == ["/files/botox-2.0-py3-none-any.whl.metadata"]
    assert older["metadata_requests"] == 1
