"""A small ecosystem for the user's workflow tests (client, `advise`, the bot), and a real
`thoth-graphql serve` over it on a loopback port."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.demo_server import free_port, python_server

PYTHON = ("--python-version", "3.11", "--platform", "linux_x86_64")
"""The environment every workflow test asks for, so the answers do not depend on the
interpreter running the tests."""


def digest(name: str, version: str) -> str:
    """A made-up sha256 of the release's one file, the same in every run."""
    return hashlib.sha256(f"{name}=={version}".encode()).hexdigest()


def release(
    name: str, version: str, *dependencies: dict[str, Any], requires_python: str | None = None
) -> dict[str, Any]:
    return {
        "package_name": name,
        "package_version": version,
        "index_url": "https://pypi.org/simple",
        "requires_python": requires_python,
        "yanked": False,
        "sha256": [digest(name, version)],
        "dependencies": list(dependencies),
    }


def needs(name: str, specifier: str, marker: str | None = None) -> dict[str, Any]:
    return {"package_name": name, "specifier": specifier, "extras": [], "marker": marker}


RELEASES = [
    release(
        "dask",
        "2.9.0",
        needs("numpy", ">=1.13.0", "extra == 'array'"),
        needs("toolz", ">=0.7.3", "extra == 'array'"),
    ),
    release(
        "dask",
        "2.10.1",
        needs("numpy", ">=1.13.0", "extra == 'array'"),
        needs("toolz", ">=0.7.3", "extra == 'array'"),
    ),
    # The newest dask needs a Python newer than the tests ask for.
    release("dask", "2.11.0", requires_python=">=3.12"),
    release("numpy", "1.18.0"),
    release("numpy", "1.19.4"),
    release("toolz", "0.10.0"),
    release("toolz", "0.11.1"),
    release("legacy", "1.0", needs("numpy", "<1.0")),
]


def solver_documents() -> dict[str, Any]:
    return {
        "metadata": {
            "analyzer": "thoth-solver",
            "analyzer_version": "1.0",
            "datetime": "2026-01-01T00:00:00Z",
            "document_id": "workflow-graph",
        },
        "result": {"tree": RELEASES, "unresolved": [], "errors": []},
    }


def thoth(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`thoth-graphql ARGUMENTS` as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "thoth_graphql", *arguments],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
        check=False,
    )


def fill_data_dir(data_dir: Path) -> str:
    """The embedded graph in `data_dir` holding RELEASES; a new write token's secret."""
    document = data_dir.parent / f"{data_dir.name}-releases.json"
    document.write_text(json.dumps(solver_documents()))
    ingested = thoth("ingest", "--data-dir", str(data_dir), str(document))
    assert ingested.returncode == 0, ingested.stderr
    token = thoth("token", "create", "--data-dir", str(data_dir), "--name", "workflow")
    assert token.returncode == 0, token.stderr
    return token.stdout.strip()


@dataclass(frozen=True)
class WorkflowServer:
    url: str
    token: str
    data_dir: Path


@contextmanager
def workflow_server(folder: Path) -> Iterator[WorkflowServer]:
    """`thoth-graphql serve` over RELEASES, running no analyses (they stay QUEUED)."""
    data_dir = folder / "data"
    token = fill_data_dir(data_dir)
    port = free_port()
    command = [
        *("-m", "thoth_graphql", "serve", "--host", "127.0.0.1", "--port", str(port)),
        *("--data-dir", str(data_dir), "--workers", "0"),
    ]
    with python_server(command, port, folder / "serve.log") as url:
        yield WorkflowServer(url, token, data_dir)
