"""A full disk: writes answer UNAVAILABLE naming the cause, and a bulk write is all or nothing.

The graph lives on a real, small tmpfs mounted for the test (root only), filled up by a
file beside it; the server and the CLI run as a user runs them.
"""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.demo_server import free_port, python_server
from tests.documents import solver_document

DISK_BYTES = 8 * 2**20
PACKAGES = 500


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A mounted tmpfs of DISK_BYTES, unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill the disk with a file but for `leave` bytes; returns it (deleting it frees the
    disk)."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        for size in (2**20, 2**16, 2**12, 1):
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError as error:
                assert error.errno == errno.ENOSPC
    os.truncate(filler, filler.stat().st_size - leave)
    return filler


# The batch below takes about 950 KiB of the graph's write-ahead log, its first 10,000
# edges (the first write group of a CLI ingest) about 640 KiB (as measured): with this much
# room, a batch written group by group would keep its first group.
ROOM = 800 * 2**10


def thoth(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "thoth_graphql", *args], capture_output=True, text=True, timeout=120
    )


def documents(prefix: str) -> list[dict[str, Any]]:
    """PACKAGES documents of one package each with many dependencies: several write groups."""
    result = []
    for i in range(PACKAGES):
        document = solver_document(f"{prefix}-{i}")
        release = document["result"]["tree"][0]
        release["package_name"] = f"{prefix}-{i}"
        release["dependencies"] = [
            {"package_name": f"{prefix}-dep-{j}", "specifier": f">={j}"} for j in range(30)
        ]
        document["result"]["tree"] = [release]
        result.append(document)
    return result


def package_exists(http: httpx.Client, name: str) -> bool:
    answer = http.post("/graphql", json={"query": f'{{ package(name: "{name}") {{ name }} }}'})
    return answer.json()["data"]["package"] is not None


INGEST = """
mutation ($documents: [JSON!]!) {
  ingestSolverDocuments(documents: $documents) { results { documentId status } }
}
"""


def test_a_full_disk_is_unavailable_named_and_writes_nothing(
    small_disk: Path, tmp_path: Path
) -> None:
    data_dir = small_disk / "data"
    made = thoth("token", "create", "--data-dir", str(data_dir), "--name", "writer")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    port = free_port()
    log = tmp_path / "serve.log"
    arguments = ["-m", "thoth_graphql", "serve", "--host", "127.0.0.1", "--port", str(port)]
    arguments += ["--data-dir", str(data_dir), "--workers", "0"]
    batch = documents("full")
    with python_server(arguments, port, log) as url, httpx.Client(base_url=url) as http:
        headers = {"Authorization": f"Bearer {secret}"}
        filler = fill(small_disk, leave=ROOM)
        answer = http.post(
            "/graphql",
            json={"query": INGEST, "variables": {"documents": batch}},
            headers=headers,
            timeout=60,
        ).json()
        [error] = answer["errors"]
        assert error["extensions"]["code"] == "UNAVAILABLE", error
        assert "full" in error["message"]
        assert answer["data"] is None

        # The CLI on the same full disk says so, and what it wrote: nothing.
        cli_batch = tmp_path / "cli.json"
        cli_batch.write_text(json.dumps(documents("cli")))
        cli = thoth("ingest", "--data-dir", str(data_dir), str(cli_batch))
        assert cli.returncode == 3, cli.stderr
        assert "Traceback" not in cli.stderr
        assert "database or disk is full" in cli.stderr
        [reported] = re.findall(r"(\d+) of 500 document\(s\) written", cli.stderr)
        cli_written = int(reported)

        filler.unlink()
        # Nothing of the refused call was kept: every package is absent...
        assert not any(package_exists(http, f"full-{i}") for i in range(PACKAGES))
        # ...and the CLI wrote exactly the documents it said it wrote, the first ones.
        present = [i for i in range(PACKAGES) if package_exists(http, f"cli-{i}")]
        assert present == list(range(cli_written))
        # ...and once there is room the same call writes it all.
        again = http.post(
            "/graphql",
            json={"query": INGEST, "variables": {"documents": batch}},
            headers=headers,
            timeout=60,
        ).json()
        assert "errors" not in again, again
        statuses = {r["status"] for r in again["data"]["ingestSolverDocuments"]["results"]}
        assert statuses == {"WRITTEN"}

    logged = log.read_text()
    assert "database or disk is full" in logged
    assert "cannot rollback" not in logged
