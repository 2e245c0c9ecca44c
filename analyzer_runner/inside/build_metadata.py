"""Inside the sandbox: unpack an sdist and ask its PEP 517 backend for the metadata.

    python -S -B build_metadata.py SDIST WHEELHOUSE OUTDIR

Writes OUTDIR/METADATA and OUTDIR/report.json ({"ok", "hook", "requires", "error"}).
The wheels in WHEELHOUSE (the build requirements, fetched by the runner) are unpacked
into a private build environment; no network and no index are used.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import site
import sys
import tarfile
import tempfile
import tomllib
import traceback
import zipfile
from pathlib import Path
from typing import Any

LEGACY_BACKEND = "setuptools.build_meta:__legacy__"


def extract(archive: Path, target: Path) -> Path:
    """Unpack an sdist safely (no absolute paths, no `..`, no links out) and return the
    project folder: the single top-level folder, as sdists have."""
    target.mkdir(parents=True)
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as handle:
            for name in handle.namelist():
                resolved = (target / name).resolve()
                if not resolved.is_relative_to(target.resolve()):
                    raise ValueError(f"sdist member {name!r} points outside its folder")
            handle.extractall(target)  # noqa: S202 - every member was checked above
    else:
        with tarfile.open(archive) as handle:
            handle.extractall(target, filter="data")
    entries = list(target.iterdir())
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else target


def install_wheel(wheel: Path, target: Path) -> None:
    """Unpack a wheel as an installer would for import: its root and *.data/*lib."""
    with zipfile.ZipFile(wheel) as handle:
        # zipfile drops absolute paths and `..` itself; this runs in the sandbox anyway.
        handle.extractall(target)  # noqa: S202
    for data in target.glob("*.data"):
        for scheme in ("purelib", "platlib"):
            folder = data / scheme
            if folder.is_dir():
                for item in folder.iterdir():
                    shutil.move(str(item), str(target / item.name))
        shutil.rmtree(data)


def load_backend(project: Path) -> Any:
    build_system: dict[str, Any] = {}
    pyproject = project / "pyproject.toml"
    if pyproject.is_file():
        build_system = tomllib.loads(pyproject.read_text()).get("build-system", {})
    reference = build_system.get("build-backend", LEGACY_BACKEND)
    for entry in reversed(build_system.get("backend-path", [])):
        path = (project / entry).resolve()
        if not path.is_relative_to(project.resolve()):
            raise ValueError(f"backend-path {entry!r} points outside the project")
        sys.path.insert(0, str(path))
    module_name, _, attribute = reference.partition(":")
    backend = importlib.import_module(module_name)
    for part in attribute.split(".") if attribute else ():
        backend = getattr(backend, part)
    return backend


def metadata_from_wheel(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as handle:
        names = handle.namelist()
        [name] = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
        return handle.read(name)


def build(sdist: Path, wheelhouse: Path, outdir: Path, report: dict[str, Any]) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="build-"))
    environment = scratch / "env"
    environment.mkdir()
    for wheel in sorted(wheelhouse.glob("*.whl")):
        install_wheel(wheel, environment)
    site.addsitedir(str(environment))
    project = extract(sdist, scratch / "src")
    os.chdir(project)
    sys.path.insert(0, str(project))
    backend = load_backend(project)
    if hasattr(backend, "get_requires_for_build_wheel"):
        report["requires"] = [str(r) for r in backend.get_requires_for_build_wheel({})]
    if hasattr(backend, "prepare_metadata_for_build_wheel"):
        report["hook"] = "prepare_metadata_for_build_wheel"
        folder = scratch / "metadata"
        folder.mkdir()
        name = backend.prepare_metadata_for_build_wheel(str(folder), {})
        metadata = (folder / name / "METADATA").read_bytes()
    else:
        report["hook"] = "build_wheel"
        folder = scratch / "wheel"
        folder.mkdir()
        name = backend.build_wheel(str(folder), {})
        metadata = metadata_from_wheel(folder / name)
    (outdir / "METADATA").write_bytes(metadata)
    report["ok"] = True


def main(arguments: list[str]) -> int:
    sdist, wheelhouse, outdir = (Path(a) for a in arguments)
    report: dict[str, Any] = {"ok": False, "hook": None, "requires": [], "error": None}
    try:
        build(sdist, wheelhouse, outdir, report)
    except BaseException as error:  # report everything, even SystemExit from a setup.py
        traceback.print_exc()
        report["error"] = f"{type(error).__name__}: {error}"[:2000]
    (outdir / "report.json").write_text(json.dumps(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
