"""Packages the tests publish on their index: a tiny real build backend, and hostile sdists.

`tinybackend` is a PEP 517 backend (served as a wheel) that builds from
`[tool.tinybackend]` in pyproject.toml and needs `tinyhelper` (another wheel) to run,
so a build proves that build requirements and their dependencies reach the sandbox.

A hostile sdist has an in-tree backend whose metadata hook first runs an attack: if the
attack works, the metadata names a `leaked-...`/`reached-...` dependency; if it does not,
the hook raises, so the analysis records why.
"""

from __future__ import annotations

import textwrap

from bench.package_index import PackageIndex

TINYHELPER = """
def stamp(text):
    return text
"""

TINYBACKEND = '''
"""A tiny PEP 517 backend for tests."""
import os
import tomllib
import zipfile

import tinyhelper


def _config():
    with open("pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["tool"]["tinybackend"]


def _metadata(config):
    lines = ["Metadata-Version: 2.1", f"Name: {config['name']}", f"Version: {config['version']}"]
    if config.get("requires-python"):
        lines.append(f"Requires-Python: {config['requires-python']}")
    lines += [f"Requires-Dist: {d}" for d in config.get("dependencies", [])]
    return "\\n".join(lines) + "\\n\\n"


def _stem(config):
    return f"{config['name'].replace('-', '_')}-{config['version']}"


def get_requires_for_build_wheel(config_settings=None):
    return list(_config().get("dynamic-requires", []))


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    config = _config()
    for requirement in config.get("dynamic-requires", []):
        __import__(requirement.split(">")[0].split("=")[0].strip().replace("-", "_"))
    folder = f"{_stem(config)}.dist-info"
    os.makedirs(os.path.join(metadata_directory, folder))
    with open(os.path.join(metadata_directory, folder, "METADATA"), "w") as handle:
        handle.write(tinyhelper.stamp(_metadata(config)))
    return folder


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    config = _config()
    if config.get("fail-build"):
        raise RuntimeError("tinybackend: this package refuses to build")
    stem = _stem(config)
    files = {}
    for root, _, names in os.walk(config["package"]):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                files[path] = handle.read()
    files[f"{stem}.dist-info/METADATA"] = _metadata(config).encode()
    files[f"{stem}.dist-info/WHEEL"] = (
        b"Wheel-Version: 1.0\\nGenerator: tinybackend\\nRoot-Is-Purelib: true\\n"
        b"Tag: py3-none-any\\n"
    )
    record = [f"{path},," for path in files] + [f"{stem}.dist-info/RECORD,,"]
    files[f"{stem}.dist-info/RECORD"] = "\\n".join(record).encode()
    filename = f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return filename
'''


def publish_tinybackend(index: PackageIndex) -> None:
    """Put tinybackend 1.0 and its dependency tinyhelper 1.0 on the index."""
    index.add_wheel("tinyhelper", "1.0", files={"tinyhelper.py": TINYHELPER})
    index.add_wheel(
        "tinybackend",
        "1.0",
        requires=["tinyhelper>=1.0"],
        files={"tinybackend.py": TINYBACKEND},
    )


def tiny_sdist_files(
    name: str,
    version: str,
    *,
    dependencies: list[str] | None = None,
    requires_python: str | None = None,
    fail_build: bool = False,
    dynamic_requires: list[str] | None = None,
    module: str = "",
) -> dict[str, str | bytes]:
    """An sdist built by tinybackend, with a package `<name>` holding `module`."""
    package = name.replace("-", "_")
    lines = [
        "[build-system]",
        'requires = ["tinybackend>=1.0"]',
        'build-backend = "tinybackend"',
        "",
        "[tool.tinybackend]",
        f"name = {name!r}",
        f"version = {version!r}",
        f"package = {package!r}",
        f"dependencies = {dependencies or []!r}",
        f"dynamic-requires = {dynamic_requires or []!r}",
        f"fail-build = {'true' if fail_build else 'false'}",
    ]
    if requires_python:
        lines.append(f"requires-python = {requires_python!r}")
    return {"pyproject.toml": "\n".join(lines) + "\n", f"{package}/__init__.py": module}


HOSTILE_HEADER = """
import os

NAME, VERSION = {name!r}, {version!r}


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    extra = attack()
    folder = f"{{NAME}}-{{VERSION}}.dist-info"
    os.makedirs(os.path.join(metadata_directory, folder))
    with open(os.path.join(metadata_directory, folder, "METADATA"), "w") as handle:
        handle.write(f"Metadata-Version: 2.1\\nName: {{NAME}}\\nVersion: {{VERSION}}\\n")
        handle.write(f"{{extra}}\\n")
    return folder

"""


def hostile_sdist(index: PackageIndex, name: str, attack: str, version: str = "1.0") -> None:
    """Publish an sdist whose in-tree backend runs `attack` (source of `def attack()`)."""
    backend = HOSTILE_HEADER.format(name=name, version=version) + textwrap.dedent(attack)
    pyproject = (
        '[build-system]\nrequires = []\nbuild-backend = "hostile_backend"\nbackend-path = ["."]\n'
    )
    index.add_sdist(name, version, {"pyproject.toml": pyproject, "hostile_backend.py": backend})
