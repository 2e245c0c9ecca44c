"""Reading a project's lock: which file it is, and the versions it pins."""

from __future__ import annotations

from pathlib import Path

import pytest

from thoth_graphql.bot.lock import find_lock, read_pins
from thoth_graphql.client.requirements_file import ProjectFileError


def test_pylock_toml_comes_first_and_the_input_is_never_the_lock(tmp_path: Path) -> None:
    source = tmp_path / "requirements.txt"
    source.write_text("dask\n")
    assert find_lock(source) == tmp_path / "pylock.toml"  # a new one
    (tmp_path / "requirements.in").write_text("dask\n")
    assert find_lock(tmp_path / "requirements.in") == source
    (tmp_path / "pylock.toml").write_text('lock-version = "1.0"\n')
    assert find_lock(tmp_path / "requirements.in") == tmp_path / "pylock.toml"


def test_pins_of_a_requirements_lock_with_hashes(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text(
        "--index-url https://pypi.org/simple\n"
        "Dask==2.10.1 \\\n    --hash=sha256:aa\n"
        "toolz===0.11.1\n"
    )
    assert read_pins(lock) == {"dask": "2.10.1", "toolz": "0.11.1"}
    assert read_pins(tmp_path / "missing.txt") == {}


def test_pins_of_pylock_toml(tmp_path: Path) -> None:
    lock = tmp_path / "pylock.toml"
    lock.write_text(
        'lock-version = "1.0"\n[[packages]]\nname = "Py_Yaml"\nversion = "6.0"\n'
        '[[packages]]\nname = "toolz"\nversion = "0.11.1"\n'
    )
    assert read_pins(lock) == {"py-yaml": "6.0", "toolz": "0.11.1"}


def test_a_range_is_not_a_lock(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text("dask>=2\n")
    with pytest.raises(ProjectFileError, match="not pinned with ==; not a lock file"):
        read_pins(lock)
