"""Lock files of solved releases install for real: pylock.toml with uv, requirements.txt
with pip's hash-checking mode, each into a fresh venv from the loopback index only."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from analyzer_runner.runner import produce_document
from analyzer_runner.sandbox import Sandbox, SandboxMode, SandboxSettings
from bench.package_index import PackageIndex, allow_loopback, metadata_text, serve
from thoth_analysis_request.document import SolverRequest
from thoth_graphql.advise_service import AdviseService, server_environment
from thoth_graphql.ingest import ingest_documents, parse_solver_document
from thoth_graphql.scorer import AdviseRequest, Stack
from thoth_graphql.store.sqlite import SqliteGraphStore
from thoth_objects.layout import new_analysis_id

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
UPLOADED = "2024-01-02T03:04:05Z"


def publish(index: PackageIndex) -> None:
    # As the machine's index: .metadata files for some wheels, announced for none.
    index.advertise_metadata = False
    index.add_wheel("app", "1.0", requires=["lib>=1"], upload_time=UPLOADED)
    newest = index.add_wheel("app", "2.0", requires=["lib>=2"], upload_time=UPLOADED)
    newest.serve_metadata = False  # its metadata is read by range requests
    index.add_wheel("lib", "1.0", upload_time=UPLOADED)
    index.add_wheel("lib", "2.0", upload_time=UPLOADED)
    index.add_wheel("lib", "2.0", tag="cp27-cp27m-win32")  # installs nowhere near here
    pkg_info = metadata_text("lib", "2.0", metadata_version="2.2")
    index.add_sdist("lib", "2.0", {"PKG-INFO": pkg_info, "lib/__init__.py": "VERSION = '2.0'\n"})


@pytest.fixture
def index(monkeypatch: pytest.MonkeyPatch) -> Iterator[PackageIndex]:
    with serve(PackageIndex()) as running:
        allow_loopback(monkeypatch, running.url)
        publish(running)
        yield running


async def solved_stack(index: PackageIndex, store: SqliteGraphStore) -> Stack:
    sandbox = Sandbox(SandboxSettings(mode=SandboxMode.NONE))  # nothing is built
    documents = []
    for name in ("app", "lib"):
        request = SolverRequest(new_analysis_id(), name, index_url=index.url)
        document = await produce_document(request, sandbox)
        documents.append(parse_solver_document(document, name))
    app = documents[0].releases[0].version
    assert app.version == "2.0"
    assert {f.filename for f in app.files} == {"app-2.0-py3-none-any.whl"}
    await ingest_documents(store, documents)
    result = await AdviseService(store).advise(
        AdviseRequest(("app",), environment=server_environment())
    )
    [stack] = result.stacks
    assert [(p.name, p.version) for p in stack.packages] == [("app", "2.0"), ("lib", "2.0")]
    return stack


def clean_env(home: Path) -> dict[str, str]:
    """No proxies, no user configuration, no cache: the loopback index is all there is."""
    return {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(home),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_CACHE": "1",
        "UV_NO_CONFIG": "1",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_CACHE_DIR": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
    }


def run(command: list[str | Path], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], env=env, capture_output=True, text=True, timeout=300
    )


def installed(python: Path, env: dict[str, str]) -> str:
    done = run([python, "-c", "import app, lib; print(app.VERSION, lib.VERSION)"], env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


async def test_pylock_toml_installs_with_uv(
    index: PackageIndex, sqlite_store: SqliteGraphStore, tmp_path: Path
) -> None:
    stack = await solved_stack(index, sqlite_store)
    text = stack.lockfile("pylock.toml")
    lock = tomllib.loads(text)
    app, lib = lock["packages"]
    assert [w["name"] for w in lib["wheels"]] == ["lib-2.0-py3-none-any.whl"]
    assert lib["sdist"]["name"] == "lib-2.0.tar.gz"
    assert (
        app["wheels"][0]["url"] == f"http://127.0.0.1:{index.port}/files/app-2.0-py3-none-any.whl"
    )
    assert app["wheels"][0]["upload-time"].isoformat() == "2024-01-02T03:04:05+00:00"
    (tmp_path / "pylock.toml").write_text(text)

    env = clean_env(tmp_path)
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", "--without-pip", venv], env).returncode == 0
    command: list[str | Path] = [BIN / "uv", "pip", "install", "--python", venv / "bin" / "python"]
    command += ["--index-url", index.url, "-r", tmp_path / "pylock.toml"]
    done = run(command, env)
    assert done.returncode == 0, done.stderr
    assert installed(venv / "bin" / "python", env) == "2.0 2.0"
    assert "/files/app-2.0-py3-none-any.whl" in index.paths(".whl")

    # The lock's hashes are checked: a wrong one fails the install.
    wrong = text.replace(app["wheels"][0]["hashes"]["sha256"], "0" * 64)
    (tmp_path / "pylock.toml").write_text(wrong)
    fresh = tmp_path / "fresh"
    assert run([sys.executable, "-m", "venv", "--without-pip", fresh], env).returncode == 0
    command[4] = fresh / "bin" / "python"
    failed = run(command, env)
    assert failed.returncode != 0
    assert "hash" in failed.stderr.lower(), failed.stderr


async def test_requirements_txt_installs_with_pip_require_hashes(
    index: PackageIndex, sqlite_store: SqliteGraphStore, tmp_path: Path
) -> None:
    stack = await solved_stack(index, sqlite_store)
    text = stack.lockfile("requirements.txt")
    # Every file of lib 2.0: both wheels and the sdist.
    lib_hashes = re.findall(r"sha256:([0-9a-f]{64})", text.split("lib==2.0")[1])
    assert sorted(lib_hashes) == sorted(f.digest for f in index.projects["lib"][1:])
    (tmp_path / "requirements.txt").write_text(text)

    env = clean_env(tmp_path)
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", venv], env).returncode == 0
    python = venv / "bin" / "python"
    command: list[str | Path] = [python, "-m", "pip", "install", "--require-hashes"]
    command += ["--index-url", index.url, "-r", tmp_path / "requirements.txt"]
    done = run(command, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert installed(python, env) == "2.0 2.0"

    wrong = text
    for digest in lib_hashes:
        wrong = wrong.replace(digest, "0" * 64)
    (tmp_path / "requirements.txt").write_text(wrong)
    run([python, "-m", "pip", "uninstall", "-y", "lib"], env)
    failed = run(command, env)
    assert failed.returncode != 0
    assert "THESE PACKAGES DO NOT MATCH THE HASHES" in failed.stdout + failed.stderr
