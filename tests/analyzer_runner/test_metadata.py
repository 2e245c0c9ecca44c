"""Core metadata from wheels and sdists, without running anything."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from packaging.version import Version

from analyzer_runner.metadata import (
    LEGACY_BUILD_SYSTEM,
    BuildSystem,
    InvalidMetadata,
    check_identity,
    parse_core_metadata,
    sdist_build_system,
    sdist_static_metadata,
    wheel_metadata,
)
from bench.package_index import metadata_text, sdist, wheel


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_core_metadata_fields() -> None:
    text = metadata_text("Dask", "2.10.1", ["toolz>=0.7.3", "numpy; extra == 'array'"], ">=3.6")
    metadata = parse_core_metadata(text.encode())
    assert (metadata.name, metadata.version, metadata.requires_python) == (
        "Dask",
        "2.10.1",
        ">=3.6",
    )
    assert metadata.requires_dist == ("toolz>=0.7.3", "numpy; extra == 'array'")
    assert check_identity(metadata, "dask", Version("2.10.1")) is metadata
    with pytest.raises(InvalidMetadata, match=r"expected dask 2\.10\.2"):
        check_identity(metadata, "dask", Version("2.10.2"))
    with pytest.raises(InvalidMetadata):
        parse_core_metadata(b"Metadata-Version: 2.1\n\n")


def test_wheel_metadata_is_read_from_the_dist_info() -> None:
    _, data, expected = wheel("dask", "1.0", requires=["six"])
    assert wheel_metadata(data) == expected
    with pytest.raises(InvalidMetadata, match="not a readable wheel"):
        wheel_metadata(b"not a zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a-1.dist-info/METADATA", "x")
        archive.writestr("b-1.dist-info/METADATA", "y")
    with pytest.raises(InvalidMetadata, match=r"2 \.dist-info/METADATA files"):
        wheel_metadata(buffer.getvalue())


@pytest.mark.parametrize(
    ("version", "dynamic", "static"),
    [("2.2", [], True), ("2.3", ["Description"], True), ("2.2", ["Requires-Dist"], False),
     ("2.4", ["requires-python"], False), ("2.1", [], False)],
)  # fmt: skip
def test_pep643_decides_whether_pkg_info_is_authoritative(
    tmp_path: Path, version: str, dynamic: list[str], static: bool
) -> None:
    pkg_info = metadata_text("a", "1.0", ["six"], metadata_version=version, dynamic=dynamic)
    name, data = sdist("a", "1.0", {"PKG-INFO": pkg_info})
    found = sdist_static_metadata(write(tmp_path, name, data))
    assert (found is not None) is static
    if found is not None:
        assert found.requires_dist == ("six",)


def test_build_system_of_an_sdist(tmp_path: Path) -> None:
    pyproject = '[build-system]\nrequires = ["hatchling>=1"]\nbuild-backend = "hatchling.build"\n'
    name, data = sdist("a", "1.0", {"pyproject.toml": pyproject})
    assert sdist_build_system(write(tmp_path, name, data)) == BuildSystem(
        ("hatchling>=1",), "hatchling.build"
    )
    name, data = sdist("b", "1.0", {"setup.py": "", "pyproject.toml": "[tool.black]\n"})
    assert sdist_build_system(write(tmp_path, name, data)) == LEGACY_BUILD_SYSTEM
    name, data = sdist("c", "1.0", {"pyproject.toml": "[build-system]\nrequires = 3\n"})
    with pytest.raises(InvalidMetadata, match="must be a list of strings"):
        sdist_build_system(write(tmp_path, name, data))
    with pytest.raises(InvalidMetadata, match="not a readable sdist"):
        sdist_build_system(write(tmp_path, "d-1.0.tar.gz", b"garbage"))
