"""Stack inspections: install a locked stack in the sandbox, run a script, observe."""

from __future__ import annotations

import hashlib
from typing import Any

from analyzer_runner.sandbox import Sandbox
from bench.package_index import IndexFile, PackageIndex
from bench.packages import publish_tinybackend, tiny_sdist_files
from tests.analyzer_runner.conftest import Ran, run
from thoth_analysis_request.environment import host_environment
from thoth_graphql.domain import StackOutcome
from thoth_objects import ObjectStore

SCRIPT = """
import app, dep
print("hello from", app.VERSION, dep.VERSION)
print("THOTH_METRIC elapsed_ms=12.5")
print("THOTH_METRIC score = 3")
print("THOTH_METRIC broken=abc")
"""


def publish_stack(index: PackageIndex) -> None:
    index.add_wheel("app", "1.0", requires=["dep>=2"])
    index.add_wheel("dep", "2.0")


def stack(index: PackageIndex, *pins: str, **sha256: list[str]) -> list[dict[str, Any]]:
    packages = []
    for pin in pins:
        name, version = pin.split("==")
        entry: dict[str, Any] = {
            "package_name": name,
            "package_version": version,
            "index_url": index.url,
        }
        if name in sha256:
            entry["sha256"] = sha256[name]
        packages.append(entry)
    return packages


async def inspect(
    store: ObjectStore,
    sandbox: Sandbox,
    packages: list[dict[str, Any]],
    script: str | None = None,
    limits: dict[str, Any] | None = None,
    **more: Any,
) -> Ran:
    parameters = {"packages": packages, "script": script, **more}
    return await run(store, sandbox, "STACK_INSPECTION", parameters, limits)


async def test_a_stack_that_installs_and_runs(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    publish_stack(index)
    ran = await inspect(store, sandbox, stack(index, "app==1.0", "dep==2.0"), SCRIPT)
    assert ran.record.status == "SUCCEEDED", ran.record.error
    result = ran.result
    assert (result["outcome"], result["exit_status"], result["signal"]) == ("SUCCESS", 0, None)
    assert StackOutcome(result["outcome"]) is StackOutcome.SUCCESS
    assert result["message"] == "installed and the script succeeded"
    assert result["metrics"] == {"elapsed_ms": 12.5, "score": 3.0}
    assert "hello from 1.0 2.0" in result["output_tail"]
    assert [p["name"] for p in result["phases"]] == ["install", "script"]
    assert result["duration_seconds"] > 0
    assert result["total_duration_seconds"] >= result["duration_seconds"]
    assert ran.document is not None
    assert [(p["package_name"], p["artifact"]) for p in ran.document["stack"]] == [
        ("app", "app-1.0-py3-none-any.whl"),
        ("dep", "dep-2.0-py3-none-any.whl"),
    ]
    assert ran.document["stack"][0]["sha256"] == index.projects["app"][0].digest
    assert ran.document["script"] == {
        "sha256": hashlib.sha256(SCRIPT.encode()).hexdigest(),
        "size": len(SCRIPT.encode()),
    }
    host = host_environment()
    assert ran.document["environment"]["python_version"] == host.python_version
    assert ran.document["environment"]["platform"] == host.platform


async def test_without_a_script_installing_is_the_test(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    publish_stack(index)
    ran = await inspect(
        store,
        sandbox,
        stack(index, "dep==2.0"),
        environment={"python_version": host_environment().python_version, "gpu_model": "T4"},
    )
    result = ran.result
    assert (result["outcome"], result["message"]) == ("SUCCESS", "installed")
    assert [p["name"] for p in result["phases"]] == ["install"]
    assert (result["duration_seconds"], result["metrics"]) == (None, {})
    assert ran.document is not None
    assert ran.document["script"] is None
    assert ran.document["environment"]["gpu_model"] == "T4"


async def test_a_failing_script_is_a_runtime_failure(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    publish_stack(index)
    script = "print('THOTH_METRIC before=1')\nraise ValueError('boom')\n"
    ran = await inspect(store, sandbox, stack(index, "dep==2.0"), script)
    result = ran.result
    assert (result["outcome"], result["exit_status"]) == ("RUNTIME_FAILURE", 1)
    assert result["message"] == "script failed (exit status 1): ValueError: boom"
    assert "Traceback" in result["output_tail"]
    assert result["metrics"] == {"before": 1.0}


async def test_the_script_has_no_network(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    publish_stack(index)
    script = (
        "import urllib.request\n"
        f"urllib.request.urlopen('http://127.0.0.1:{index.port}/canary', timeout=5)\n"
    )
    ran = await inspect(store, sandbox, stack(index, "dep==2.0"), script)
    assert ran.result["outcome"] == "RUNTIME_FAILURE"
    assert "Connection refused" in ran.result["message"]
    assert "/canary" not in index.requests


async def test_a_script_that_never_ends_is_killed(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    publish_stack(index)
    script = "import time\nprint('started', flush=True)\nwhile True:\n    time.sleep(1)\n"
    ran = await inspect(store, sandbox, stack(index, "dep==2.0"), script, {"wall_seconds": 6})
    result = ran.result
    assert (result["outcome"], result["timed_out"], result["exit_status"]) == (
        "RUNTIME_FAILURE",
        True,
        None,
    )
    assert result["message"] == "script failed (killed after the wall-clock limit of 6 s): started"
    assert result["signal"] is None


async def test_a_broken_wheel_is_an_install_failure(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    index.add("broken", IndexFile("broken-1.0-py3-none-any.whl", b"not a zip file"))
    ran = await inspect(store, sandbox, stack(index, "broken==1.0"), "print('never')")
    result = ran.result
    assert (result["outcome"], result["exit_status"]) == ("INSTALL_FAILURE", 1)
    assert result["message"].startswith("install failed (exit status 1): ")
    assert [p["name"] for p in result["phases"]] == ["install"]


async def test_what_cannot_be_fetched_is_an_install_failure_without_a_sandbox(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    index.add_wheel("winonly", "1.0", tag="cp311-cp311-win_amd64")
    missing = await inspect(store, sandbox, stack(index, "nowhere==1.0"))
    assert missing.result["outcome"] == "INSTALL_FAILURE"
    assert missing.result["message"] == "nowhere is not on the index"
    wrong_version = await inspect(store, sandbox, stack(index, "winonly==2.0"))
    assert wrong_version.result["message"] == "winonly==2.0 is not on the index"
    foreign = await inspect(store, sandbox, stack(index, "winonly==1.0"))
    assert foreign.result["message"].startswith("winonly==1.0: no wheel for cp311-")
    assert foreign.result["phases"] == []


async def test_sdists_are_built_in_the_sandbox_and_can_fail_to_build(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    publish_tinybackend(index)
    index.add_sdist("fromsrc", "1.0", tiny_sdist_files("fromsrc", "1.0", module="X = 42\n"))
    index.add_sdist("nobuild", "1.0", tiny_sdist_files("nobuild", "1.0", fail_build=True))
    script = "import fromsrc\nprint('THOTH_METRIC x', '=', fromsrc.X)\n"
    built = await inspect(store, sandbox, stack(index, "fromsrc==1.0"), script)
    assert built.result["outcome"] == "SUCCESS", built.result["output_tail"]
    assert [p["name"] for p in built.result["phases"]] == ["build", "install", "script"]
    assert built.result["metrics"] == {"x": 42.0}
    failed = await inspect(store, sandbox, stack(index, "nobuild==1.0"), script)
    assert failed.result["outcome"] == "BUILD_FAILURE"
    assert failed.result["message"].startswith("build failed (exit status 1)")
    assert "this package refuses to build" in failed.result["output_tail"]


async def test_artifacts_must_match_the_locked_hashes(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    publish_stack(index)
    good = index.projects["dep"][0].digest
    ok = await inspect(store, sandbox, stack(index, "dep==2.0", dep=[good.upper(), "1" * 64]))
    assert ok.result["outcome"] == "SUCCESS"
    bad = await inspect(store, sandbox, stack(index, "dep==2.0", dep=["1" * 64]))
    assert bad.record.status == "FAILED"
    assert bad.record.error == (
        f"sha256 mismatch for dep-2.0-py3-none-any.whl: got {good}, the lock allows ['{'1' * 64}']"
    )
    assert bad.document is None
    assert not bad.record.retryable


async def test_an_environment_this_runner_cannot_be_is_refused(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    publish_stack(index)
    ran = await inspect(
        store, sandbox, stack(index, "dep==2.0"), environment={"python_version": "3.6"}
    )
    assert ran.record.status == "FAILED"
    python = host_environment().python_version
    assert ran.record.error == f"the request asks for Python 3.6; this runner runs Python {python}"
    other = await inspect(
        store, sandbox, stack(index, "dep==2.0"), environment={"platform": "win_amd64"}
    )
    assert other.record.error is not None
    assert other.record.error.startswith("the request asks for platform win_amd64")
