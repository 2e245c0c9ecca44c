"""A project's lock file: where it is and the version it pins for each package."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from thoth_graphql.client.requirements_file import ProjectFileError, read_requirements_file

LOCK_NAMES = ("pylock.toml", "requirements.txt")


def find_lock(source: Path) -> Path:
    """The lock beside the project file `source`: pylock.toml, or a requirements.txt that
    is not itself the input (pip-tools' requirements.in -> requirements.txt); a new
    pylock.toml when there is none."""
    for name in LOCK_NAMES:
        candidate = source.parent / name
        if candidate.is_file() and candidate.resolve() != source.resolve():
            return candidate
    return source.parent / LOCK_NAMES[0]


def read_pins(path: Path) -> dict[str, str]:
    """Canonical name to pinned version; empty when the lock does not exist yet."""
    if not path.exists():
        return {}
    if path.name.endswith(".toml"):
        return _pylock_pins(path)
    pins: dict[str, str] = {}
    for text in read_requirements_file(path).requirements:
        requirement = Requirement(text)
        exact = [s.version for s in requirement.specifier if s.operator in ("==", "===")]
        if len(exact) != 1:
            raise ProjectFileError(path, f"{text!r} is not pinned with ==; not a lock file")
        pins[canonicalize_name(requirement.name)] = exact[0]
    return pins


def _pylock_pins(path: Path) -> dict[str, str]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ProjectFileError(path, f"not valid TOML: {error}") from error
    pins: dict[str, str] = {}
    for package in document.get("packages", []):
        if not isinstance(package, dict) or "name" not in package or "version" not in package:
            raise ProjectFileError(path, "a [[packages]] entry without name and version")
        pins[canonicalize_name(str(package["name"]))] = str(package["version"])
    return pins
