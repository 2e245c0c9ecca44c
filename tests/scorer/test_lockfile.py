"""Lock files: requirements.txt with hashes when known, and PEP 751 pylock.toml."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

import pytest

from thoth_graphql.domain import DistributionFile, RuntimeEnvironment
from thoth_graphql.scorer import LockedPackage, Stack

STACK = Stack(
    packages=(
        LockedPackage("attrs", "20.3.0", "https://pypi.org/simple", sha256=("a" * 64,)),
        LockedPackage(
            "six",
            "1.15.0",
            "https://pypi.org/simple",
            sha256=("b" * 64, "c" * 64),
            requires_python=">=2.7",
        ),
    ),
    score=0.0,
    justifications=(),
)


def test_requirements_txt_pins_and_hashes() -> None:
    text = STACK.lockfile("requirements.txt")
    assert "attrs==20.3.0 \\\n    --hash=sha256:" + "a" * 64 in text
    assert text.count("--hash=sha256:") == 3
    assert "--index-url https://pypi.org/simple" in text


def test_requirements_txt_without_every_hash_has_none() -> None:
    partial = Stack((STACK.packages[0], LockedPackage("six", "1.15.0", "https://x/simple")), 0, ())
    text = partial.lockfile("requirements.txt")
    assert "--hash" not in text and "six==1.15.0" in text
    assert "--extra-index-url https://x/simple" in text


def test_pylock_toml_is_pep_751_shaped() -> None:
    data = tomllib.loads(STACK.lockfile("pylock.toml"))
    assert data["lock-version"] == "1.0"
    assert [(p["name"], p["version"]) for p in data["packages"]] == [
        ("attrs", "20.3.0"),
        ("six", "1.15.0"),
    ]
    assert data["packages"][1]["requires-python"] == ">=2.7"
    assert data["packages"][1]["tool"]["thoth"]["sha256"] == ["b" * 64, "c" * 64]


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"pylock\.toml"):
        STACK.lockfile("poetry.lock")


UPLOADED = "2024-06-16T10:00:00Z"
LINUX = RuntimeEnvironment(python_version="3.11", platform="linux_x86_64")
NUMPY_FILES = tuple(
    DistributionFile(name, f"https://files.example/{name}", digest, ">=3.9", False, UPLOADED)
    for name, digest in [
        ("numpy-2.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "1" * 64),
        ("numpy-2.0.0-cp311-cp311-win_amd64.whl", "2" * 64),
        ("numpy-2.0.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "3" * 64),
        ("numpy-2.0.0.tar.gz", "4" * 64),
    ]
)


def numpy_stack(*files: DistributionFile) -> Stack:
    numpy = LockedPackage(
        "numpy", "2.0.0", "https://pypi.org/simple", sha256=("4" * 64,), files=files
    )
    return Stack((numpy,), 0.0, (), environment=LINUX)


def test_pylock_toml_names_the_sdist_and_the_wheels_of_the_environment() -> None:
    [numpy] = tomllib.loads(numpy_stack(*NUMPY_FILES).lockfile("pylock.toml"))["packages"]
    [wheel] = numpy["wheels"]
    assert wheel["name"] == NUMPY_FILES[0].filename
    assert wheel["url"] == NUMPY_FILES[0].url
    assert wheel["hashes"] == {"sha256": "1" * 64}
    assert wheel["upload-time"] == datetime(2024, 6, 16, 10, tzinfo=UTC)
    assert numpy["sdist"]["name"] == "numpy-2.0.0.tar.gz"
    assert "tool" not in numpy


def test_pylock_toml_without_files_is_as_before_and_says_it_cannot_install() -> None:
    text = STACK.lockfile("pylock.toml")
    assert text.count("# not installable from this lock") == 2
    assert all("wheels" not in p and "sdist" not in p for p in tomllib.loads(text)["packages"])


def test_files_without_url_or_hash_are_left_out_of_pylock_toml() -> None:
    bare = DistributionFile(NUMPY_FILES[0].filename)
    [numpy] = tomllib.loads(numpy_stack(bare).lockfile("pylock.toml"))["packages"]
    assert "wheels" not in numpy and "sdist" not in numpy


def test_requirements_txt_hashes_every_file_of_the_release() -> None:
    text = numpy_stack(*NUMPY_FILES).lockfile("requirements.txt")
    assert text.count("--hash=sha256:") == 4
    assert f"--hash=sha256:{'2' * 64}" in text  # the Windows wheel too: pip chooses
