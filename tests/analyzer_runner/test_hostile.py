"""Hostile sdists: every attack of a build backend fails or is killed, with a clear reason,
nothing leaks into the result, and the runner goes on working."""

from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

import pytest

from analyzer_runner.sandbox import Sandbox
from bench.package_index import PackageIndex
from bench.packages import hostile_sdist
from tests.analyzer_runner.conftest import SECRET, Ran, run
from thoth_objects import ObjectStore

SANDBOX_ENVIRONMENT = {
    "HOME",
    "LANG",
    "PATH",
    "PIP_DISABLE_PIP_VERSION_CHECK",
    "PIP_NO_CACHE_DIR",
    "PIP_NO_INDEX",
    "PIP_NO_INPUT",
    "PWD",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
    "TMPDIR",
}


async def attack(
    index: PackageIndex,
    store: ObjectStore,
    sandbox: Sandbox,
    name: str,
    source: str,
    limits: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Publish a hostile sdist, solve it, and return its one error entry."""
    hostile_sdist(index, name, source)
    ran = await run(
        store, sandbox, "SOLVER", {"package_name": name, "index_url": index.url}, limits
    )
    assert ran.record.status == "SUCCEEDED", ran.record.error
    assert ran.result["tree"] == [], "the attack worked: its metadata was accepted"
    [error] = ran.result["errors"]
    assert error["type"] == "metadata_build_failed"
    assert SECRET not in json.dumps(ran.document)
    return dict(error)


async def still_working(index: PackageIndex, store: ObjectStore, sandbox: Sandbox) -> Ran:
    """A benign sdist built right after an attack: the runner is unharmed."""
    hostile_sdist(index, "benign", "def attack():\n    return 'Requires-Dist: six'\n")
    ran = await run(store, sandbox, "SOLVER", {"package_name": "benign", "index_url": index.url})
    assert ran.result["errors"] == []
    [release] = ran.result["tree"]
    assert release["dependencies"][0]["package_name"] == "six"
    assert release["metadata_source"] == "sdist-build"
    return ran


def sandbox_processes(uid: int) -> list[int]:
    """PIDs running as the sandbox uid (none should outlive an analysis)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if re.search(rf"^Uid:\s+{uid}\s", status, re.MULTILINE):
                found.append(int(entry.name))
    return found


async def test_no_network_even_to_the_index_on_loopback(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    source = f"""
    def attack():
        import socket
        with socket.create_connection(("127.0.0.1", {index.port}), timeout=5) as connection:
            connection.sendall(b"GET /canary HTTP/1.0\\r\\n\\r\\n")
            connection.recv(100)
        return "Requires-Dist: reached-the-network"
    """
    error = await attack(index, store, sandbox, "phone-home", source)
    assert error["reason"].startswith("metadata build failed: ConnectionRefusedError")
    assert "/canary" not in index.requests
    await still_working(index, store, sandbox)


async def test_files_outside_the_tree_cannot_be_read(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox, data_dir: Path
) -> None:
    targets = [
        "/etc/shadow",
        str(data_dir / "secret.txt"),
        str(data_dir / "objects"),
        f"/proc/{os.getpid()}/environ",
        "/root/.aws/credentials",
    ]
    source = f"""
    def attack():
        leaked = []
        for path in {targets!r}:
            try:
                if os.path.isdir(path):
                    leaked += os.listdir(path)
                else:
                    with open(path, "rb") as handle:
                        leaked.append(handle.read(64).hex())
            except OSError as error:
                print("blocked:", path, type(error).__name__)
        if leaked:
            return "".join(f"Requires-Dist: leaked-{{x[:40]}}\\n" for x in leaked)
        raise PermissionError("nothing outside the tree was readable")
    """
    error = await attack(index, store, sandbox, "snoop", source)
    assert error["reason"] == (
        "metadata build failed: PermissionError: nothing outside the tree was readable"
    )
    for path in targets:
        assert f"blocked: {path} FileNotFoundError" in error["details"]
    assert SECRET.encode().hex() not in json.dumps(error)


async def test_the_runners_environment_is_not_visible(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == SECRET
    source = """
    def attack():
        raise RuntimeError("environment: " + " ".join(f"{k}={v}" for k, v in os.environ.items()))
    """
    error = await attack(index, store, sandbox, "nosy", source)
    dumped = error["reason"].split("environment: ", 1)[1]
    assert set(re.findall(r"(?:^| )([A-Z_]+)=", dumped)) == SANDBOX_ENVIRONMENT
    assert SECRET not in error["reason"]


async def test_nothing_outside_the_work_dir_can_be_written(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    token = secrets.token_hex(4)
    targets = [
        str(outside / "pwned"),
        f"/usr/pwned-{token}",
        "/etc/passwd",
        "/analysis/in/pwned",
        f"/tmp/pwned-{token}",  # allowed: the sandbox's own /tmp, gone afterwards
    ]
    source = f"""
    def attack():
        results = []
        for path in {targets!r}:
            try:
                with open(path, "a") as handle:
                    handle.write("pwned")
                results.append("wrote " + path)
            except OSError as error:
                results.append(type(error).__name__ + " " + path)
        raise RuntimeError("; ".join(results))
    """
    error = await attack(index, store, sandbox, "vandal", source)
    assert error["reason"] == (
        "metadata build failed: RuntimeError: "
        f"FileNotFoundError {outside / 'pwned'}; "
        f"OSError /usr/pwned-{token}; "
        "PermissionError /etc/passwd; "
        "OSError /analysis/in/pwned; "
        f"wrote /tmp/pwned-{token}"
    )
    assert_untouched(outside, token)


def assert_untouched(outside: Path, token: str) -> None:
    assert list(outside.iterdir()) == []
    assert not Path(f"/usr/pwned-{token}").exists()
    assert not Path(f"/tmp/pwned-{token}").exists()
    assert "pwned" not in Path("/etc/passwd").read_text()


async def test_a_fork_bomb_is_contained_and_killed(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    uid = sandbox.program_uid
    source = """
    def attack():
        while True:
            try:
                os.fork()
            except OSError:
                pass
    """
    limits = {"processes": 24, "wall_seconds": 3}
    error = await attack(index, store, sandbox, "forky", source, limits)
    assert error["reason"] == "metadata build killed after the wall-clock limit of 3 s"
    assert sandbox_processes(uid) == []
    await still_working(index, store, sandbox)


async def test_memory_beyond_the_limit_cannot_be_had(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    source = """
    def attack():
        hog = bytearray(2 * 1024 ** 3)
        return f"Requires-Dist: got-{len(hog)}"
    """
    limits = {"memory_bytes": 512 * 1024**2}
    error = await attack(index, store, sandbox, "hog", source, limits)
    assert error["reason"] == "metadata build failed: MemoryError: "


async def test_cpu_time_beyond_the_limit_is_stopped(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    source = """
    def attack():
        while True:
            pass
    """
    limits = {"cpu_seconds": 1, "wall_seconds": 30}
    error = await attack(index, store, sandbox, "spinner", source, limits)
    assert error["reason"] == "metadata build killed by SIGXCPU: CPU time limit of 1 s"


async def test_files_beyond_the_size_limit_cannot_be_written(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox
) -> None:
    source = """
    def attack():
        with open(os.path.join(os.environ["TMPDIR"], "big"), "wb") as handle:
            handle.write(b"x" * (8 * 1024 * 1024))
        return ""
    """
    limits = {"file_size_bytes": 1024 * 1024}
    error = await attack(index, store, sandbox, "filler", source, limits)
    assert error["reason"] == "metadata build failed: OSError: [Errno 27] File too large"


@pytest.mark.parametrize("mode", ["bwrap"])
async def test_the_sandbox_is_recorded_in_the_document(
    index: PackageIndex, store: ObjectStore, sandbox: Sandbox, mode: str
) -> None:
    ran = await still_working(index, store, sandbox)
    assert ran.document is not None
    recorded = ran.document["metadata"]["sandbox"]
    assert recorded["mode"] == mode
    assert recorded["network"] == "none"
    assert recorded["uid"] == sandbox.program_uid != 0
    assert recorded["limits"]["memory_bytes"] == 2 * 1024**3
