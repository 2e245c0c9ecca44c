"""Sandbox start-up overhead and solver analyses per minute against a local index.

    .venv/bin/python -m bench.sandbox [--runs 30] [--analyses 20]

Prints, in one run:
- start-up of one sandboxed program, bwrap against none (the baseline): `/bin/true` and
  `python -S -c pass`, median and 90th percentile, and bwrap's overhead per analysis;
- solver analyses per minute through the whole runner (request in the object store,
  index on loopback, result and status written back), for a package whose metadata the
  index serves (PEP 658, no sandbox) and for one whose sdist must be built in the
  sandbox, with bwrap and with none.

Needs bubblewrap (Debian's `bubblewrap`); the index is the tests' loopback index.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from analyzer_runner.runner import run_analysis
from analyzer_runner.sandbox import Sandbox, SandboxMode, SandboxSettings
from analyzer_runner.workspace import Workspace
from bench.package_index import PackageIndex, serve
from bench.packages import publish_tinybackend, tiny_sdist_files
from thoth_analysis_request.limits import Limits
from thoth_objects import LocalObjectStore, put_json
from thoth_objects.layout import new_analysis_id, request_key

MODES = (SandboxMode.BWRAP, SandboxMode.NONE)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def startup(sandbox: Sandbox, argv: list[str], runs: int, scratch: Path) -> list[float]:
    """Wall-clock seconds of `runs` sandboxed runs of a program that does nothing."""
    times: list[float] = []
    for _ in range(runs):
        workspace = Workspace.create(scratch, "bench")
        started = time.perf_counter()
        outcome = await sandbox.run(argv, workspace, Limits(wall_seconds=60))
        times.append(time.perf_counter() - started)
        assert outcome.ok, outcome.tail()
        workspace.remove()
    return times


async def analyses_per_minute(
    sandbox: Sandbox, index: PackageIndex, package: str, count: int, scratch: Path
) -> float:
    store = LocalObjectStore(scratch / f"objects-{package}-{sandbox.settings.mode.value}")
    await store.open()
    started = time.perf_counter()
    for attempt in range(count + 1):
        if attempt == 1:  # the first one warms caches up and is not counted
            started = time.perf_counter()
        analysis_id = new_analysis_id()
        request = {
            "analysis_id": analysis_id,
            "kind": "SOLVER",
            "parameters": {"package_name": package, "index_url": index.url},
        }
        await put_json(store, request_key(analysis_id), request)
        record = await run_analysis(store, request_key(analysis_id), sandbox, scratch=scratch)
        assert record.status == "SUCCEEDED", record.error
    return count / (time.perf_counter() - started) * 60


def publish(index: PackageIndex) -> None:
    index.add_wheel("fromindex", "1.0", requires=["six>=1", "attrs; python_version>'3'"])
    publish_tinybackend(index)
    index.add_sdist("fromsdist", "1.0", tiny_sdist_files("fromsdist", "1.0", dependencies=["six"]))


async def main(runs: int, analyses: int) -> None:
    sandboxes = {mode: Sandbox(SandboxSettings(mode=mode)) for mode in MODES}
    python = sandboxes[SandboxMode.BWRAP].settings.python
    with tempfile.TemporaryDirectory(prefix="thoth-bench-") as folder:
        scratch = Path(folder)
        print(f"sandbox start-up, {runs} runs each (median / p90, ms)")
        medians: dict[tuple[str, SandboxMode], float] = {}
        for label, argv in (
            ("/bin/true", ["/bin/true"]),
            ("python -S", [python, "-S", "-c", "pass"]),
        ):
            for mode, sandbox in sandboxes.items():
                times = await startup(sandbox, argv, runs, scratch)
                medians[(label, mode)] = statistics.median(times)
                print(
                    f"  {label:<10} {mode.value:<5} {statistics.median(times) * 1000:7.1f}"
                    f" / {percentile(times, 0.9) * 1000:7.1f}"
                )
            overhead = medians[(label, SandboxMode.BWRAP)] - medians[(label, SandboxMode.NONE)]
            ratio = medians[(label, SandboxMode.BWRAP)] / medians[(label, SandboxMode.NONE)]
            print(f"  {label:<10} bwrap overhead {overhead * 1000:.1f} ms ({ratio:.2f}x none)")
        with serve(PackageIndex()) as index:
            publish(index)
            print(f"solver analyses per minute, {analyses} sequential analyses each")
            for package, what in (("fromindex", "PEP 658 metadata"), ("fromsdist", "sdist build")):
                rates = {}
                count = analyses if package == "fromindex" else max(1, analyses // 2)
                for mode, sandbox in sandboxes.items():
                    rates[mode] = await analyses_per_minute(sandbox, index, package, count, scratch)
                    print(f"  {what:<17} {mode.value:<5} {rates[mode]:8.0f} /min")
                ratio = rates[SandboxMode.BWRAP] / rates[SandboxMode.NONE]
                print(f"  {what:<17} bwrap/none {ratio:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--analyses", type=int, default=20)
    options = parser.parse_args()
    asyncio.run(main(options.runs, options.analyses))
