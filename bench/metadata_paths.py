"""Bytes, requests and time a solver analysis spends on metadata, per path (pep658, range,
whole wheel), for real wheels of this machine's interpreter and a botocore-shaped one.

    .venv/bin/python -m bench.metadata_paths

The wheels are served by the tests' loopback index: PEP 658 files, single HTTP ranges, or
neither (a server that ignores Range answers with the whole wheel).
"""

from __future__ import annotations

import asyncio
import ensurepip
import io
import random
import time
import zipfile
from pathlib import Path

from analyzer_runner.metadata import wheel_metadata
from analyzer_runner.runner import produce_document
from analyzer_runner.sandbox import Sandbox, SandboxMode, SandboxSettings
from bench.package_index import IndexFile, PackageIndex, serve, wheel
from thoth_analysis_request.document import SolverRequest
from thoth_objects.layout import new_analysis_id

MODES = {
    "pep658": {"pep658": True, "ranges": True},
    "range": {"pep658": False, "ranges": True},
    "wheel": {"pep658": False, "ranges": False},
}


def botocore_shaped() -> tuple[str, bytes]:
    """~5,000 members like botocore's data/ tree: a central directory of ~0.5 MB."""
    rng = random.Random(7)
    files = {
        f"botocore/data/service{n // 4}/2024-01-0{n % 4 + 1}/service-2.json": rng.randbytes(
            1_500
        ).hex()
        for n in range(5_000)
    }
    filename, data, _ = wheel("botocore", "1.35.0", requires=["jmespath<2"], files=files)
    return filename, data


def real_wheels() -> list[tuple[str, bytes]]:
    bundled = Path(ensurepip.__file__).parent / "_bundled"
    return [(p.name, p.read_bytes()) for p in sorted(bundled.glob("*.whl"))]


async def measure(filename: str, data: bytes, mode: str) -> tuple[str, int, int, float]:
    project = filename.split("-")[0]
    with serve(PackageIndex(**MODES[mode])) as index:  # type: ignore[arg-type]
        index.add(project, IndexFile(filename, data, metadata=wheel_metadata(data)))
        request = SolverRequest(new_analysis_id(), project, index_url=index.url)
        started = time.perf_counter()
        document = await produce_document(request, Sandbox(SandboxSettings(SandboxMode.NONE)))
        elapsed = time.perf_counter() - started
    [entry] = document["result"]["tree"]
    return entry["metadata_source"], entry["metadata_requests"], entry["metadata_bytes"], elapsed


def main() -> None:
    wheels = [*real_wheels(), botocore_shaped()]
    header = f"{'wheel':<44} {'size':>11} {'path':<7} {'requests':>8} {'bytes':>11}"
    print(f"{header} {'ratio':>7} {'ms':>6}")
    for filename, data in wheels:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = len(archive.infolist())
        for mode in MODES:
            source, requests, fetched, elapsed = asyncio.run(measure(filename, data, mode))
            assert source == mode, (filename, mode, source)
            print(
                f"{filename[:44]:<44} {len(data):>11,} {source:<7} {requests:>8} "
                f"{fetched:>11,} {fetched / len(data):>7.3%} {elapsed * 1000:>6.0f}"
            )
        print(f"{'':<44} ({members:,} members)")


if __name__ == "__main__":
    main()
