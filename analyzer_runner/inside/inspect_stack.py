"""Inside the sandbox: install a locked stack into a fresh venv and run a script.

    python -S -B inspect_stack.py INPUTS OUTDIR PIP_WHEEL

INPUTS/artifacts holds the stack's files (fetched and hash-checked by the runner),
INPUTS/wheelhouse the build requirements of its sdists, INPUTS/script.py the optional
script. Phases: build (sdists to wheels), install, script; each writes OUTDIR/<phase>.log
and a line in OUTDIR/report.json, rewritten after every phase so a killed run still
tells how far it got.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import venv
from pathlib import Path
from typing import Any

PIP_OPTIONS = ["--no-index", "--no-deps", "--no-cache-dir", "--disable-pip-version-check"]


def write_report(outdir: Path, phases: list[dict[str, Any]]) -> None:
    temporary = outdir / ".report.json"
    temporary.write_text(json.dumps({"phases": phases}))
    os.replace(temporary, outdir / "report.json")


def run_phase(
    name: str, command: list[str], outdir: Path, phases: list[dict[str, Any]], cwd: Path
) -> bool:
    phases.append({"name": name, "exit_status": None, "signal": None, "duration_seconds": None})
    write_report(outdir, phases)
    started = time.monotonic()
    with open(outdir / f"{name}.log", "wb") as log:
        code = subprocess.call(  # noqa: S603 - our own command line, in the sandbox
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=cwd
        )
    phase = phases[-1]
    phase["duration_seconds"] = round(time.monotonic() - started, 6)
    if code < 0:
        phase["signal"] = -code
    else:
        phase["exit_status"] = code
    write_report(outdir, phases)
    return code == 0


def main(arguments: list[str]) -> int:
    inputs, outdir, pip_wheel = (Path(a) for a in arguments)
    scratch = Path(os.environ["TMPDIR"])
    environment = scratch / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(environment)
    python = str(environment / "bin" / "python")
    pip = [python, str(pip_wheel / "pip")]
    artifacts = sorted((inputs / "artifacts").iterdir())
    sdists = [a for a in artifacts if not a.name.endswith(".whl")]
    wheels = [a for a in artifacts if a.name.endswith(".whl")]
    phases: list[dict[str, Any]] = []
    work = scratch / "work"
    work.mkdir()
    if sdists:
        built = scratch / "built"
        command = [*pip, "wheel", *PIP_OPTIONS, "--find-links", str(inputs / "wheelhouse")]
        command += ["--wheel-dir", str(built), *map(str, sdists)]
        if not run_phase("build", command, outdir, phases, work):
            return 0
        wheels += sorted(built.glob("*.whl"))
    command = [*pip, "install", *PIP_OPTIONS, *map(str, wheels)]
    if not run_phase("install", command, outdir, phases, work):
        return 0
    script = inputs / "script.py"
    if script.is_file():
        run_phase("script", [python, str(script)], outdir, phases, work)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
