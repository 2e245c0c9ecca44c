"""The Node.js tools under tools/ that tests run: installed from their lock files, then run.

Each tool folder pins its npm packages in package-lock.json. `npm ci` installs exactly that
(from npm's cache when it has the packages, so it also works offline once done); it runs
only when node_modules is missing or older than the lock file.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[2] / "tools"


def tool(name: str) -> Path:
    """The folder of the tool `name`, its locked packages installed."""
    folder = TOOLS / name
    installed = folder / "node_modules" / ".package-lock.json"
    lock = folder / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run(
            [_executable("npm"), "ci", "--prefer-offline", "--no-audit", "--no-fund"],
            cwd=folder,
            check=True,
            capture_output=True,
            timeout=600,
        )
    return folder


def run_node(
    name: str, script: str, *args: str, timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run `script` of the tool `name` with node; its output, whatever its exit code."""
    folder = tool(name)
    return subprocess.run(
        [_executable("node"), script, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _executable(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is needed (Node.js 20 and npm) to run tools/")
    return found
