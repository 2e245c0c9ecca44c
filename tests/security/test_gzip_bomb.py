"""A compressed input that expands without bound is refused by name, within bounded memory."""

from __future__ import annotations

import gzip
import json
import resource
import subprocess
import sys
from pathlib import Path

from tests.documents import solver_document

# The command may use this much address space: enough for Python, its imports and an input
# at the size limit; far less than the bomb expands to.
ADDRESS_SPACE = 1536 * 2**20
BLOCK = 16 * 2**20


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def ingest(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "thoth_graphql", "ingest", *args],
        input=None if stdin is None else stdin.decode(),
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limited,
    )


def write_bomb(path: Path, expanded: int) -> None:
    """A .json.gz of `expanded` bytes of JSON whitespace, as gzip members of one block each:
    a few MB on disk."""
    member = gzip.compress(b" " * BLOCK, compresslevel=9)
    with path.open("wb") as out:
        for _ in range(expanded // BLOCK):
            out.write(member)


def test_a_gzip_bomb_is_refused_naming_the_file(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.json.gz"
    write_bomb(bomb, 4 * 2**30)
    assert bomb.stat().st_size < 8 * 2**20
    good = tmp_path / "good.json"
    good.write_text(json.dumps(solver_document("good")))

    result = ingest("--data-dir", str(tmp_path / "d"), str(good), str(bomb))

    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "MemoryError" not in result.stderr
    assert f"{bomb}: larger than 128 MiB when decompressed" in result.stderr
    assert not (tmp_path / "d" / "graph.sqlite3").exists()


def test_a_plain_file_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as out:
        out.truncate(129 * 2**20)  # sparse: no disk used
    result = ingest("--data-dir", str(tmp_path / "d"), str(big))
    assert result.returncode == 1, result.stderr[-2000:]
    assert f"{big}: larger than 128 MiB" in result.stderr


def test_stdin_over_the_limit_is_refused(tmp_path: Path) -> None:
    result = ingest("--data-dir", str(tmp_path / "d"), "-", stdin=b" " * (129 * 2**20))
    assert result.returncode == 1, result.stderr[-2000:]
    assert "<stdin>: larger than 128 MiB" in result.stderr
