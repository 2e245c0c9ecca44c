"""Lock files: requirements.txt with hashes when known, and PEP 751 pylock.toml."""

from __future__ import annotations

import tomllib

import pytest

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
