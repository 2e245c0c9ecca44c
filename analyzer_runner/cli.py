"""The runner's command line: `python -m analyzer_runner run <request-key> --objects URL`.

Exit status: 0 the analysis SUCCEEDED, 1 it FAILED (the status record says why), 2 bad
usage, 3 the object store could not be used (nothing was recorded; retry later).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from analyzer_runner.runner import run_analysis
from analyzer_runner.sandbox import Sandbox, SandboxMode, SandboxSettings, SandboxUnavailable
from analyzer_runner.status import SUCCEEDED
from thoth_objects.port import ObjectStoreError
from thoth_objects.url import open_object_store

EXIT_SUCCEEDED, EXIT_FAILED, EXIT_USAGE, EXIT_STORE = 0, 1, 2, 3


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m analyzer_runner", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the analysis a request describes")
    run.add_argument("request_key", help="e.g. requests/<analysis-id>.json")
    run.add_argument(
        "--objects",
        default=os.environ.get("THOTH_OBJECTS"),
        help="object store URL: a folder, file://..., or s3://bucket/prefix?endpoint_url=...",
    )
    run.add_argument(
        "--sandbox",
        choices=[m.value for m in SandboxMode],
        help="override THOTH_SANDBOX: 'none' only where the runner already is a sandbox",
    )
    run.add_argument("--scratch", type=Path, help="folder for job workspaces (default: TMPDIR)")
    run.add_argument("--force", action="store_true", help="run even if it already succeeded")
    return main


async def _run(arguments: argparse.Namespace) -> int:
    settings = SandboxSettings.from_environ()
    if arguments.sandbox:
        settings = replace(settings, mode=SandboxMode(arguments.sandbox))
    sandbox = Sandbox(settings)
    async with open_object_store(arguments.objects) as store:
        record = await run_analysis(
            store, arguments.request_key, sandbox, scratch=arguments.scratch, force=arguments.force
        )
    print(f"{record.analysis_id} {record.status}" + (f": {record.error}" if record.error else ""))
    return EXIT_SUCCEEDED if record.status == SUCCEEDED else EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("analyzer_runner").setLevel(logging.INFO)
    if not arguments.objects:
        print("error: --objects (or THOTH_OBJECTS) is required", file=sys.stderr)
        return EXIT_USAGE
    try:
        return asyncio.run(_run(arguments))
    except (ValueError, SandboxUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ObjectStoreError as error:
        print(f"error: the object store cannot be used: {error}", file=sys.stderr)
        return EXIT_STORE
