"""A project's requirements as its own files state them: pyproject.toml (dependencies,
optional dependencies, dependency groups), requirements.in/.txt, or a Pipfile."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from thoth_graphql.client.requirements_file import ProjectFileError, read_requirements_file

PROJECT_FILES = ("pyproject.toml", "requirements.in", "requirements.txt", "Pipfile")
"""Looked for in this order in a project directory."""


@dataclass(frozen=True, slots=True)
class Project:
    """The requirements to lock and the file they came from."""

    source: Path
    requirements: tuple[str, ...]
    constraints: tuple[str, ...] = ()


def find_project_file(directory: Path) -> Path:
    """The first of PROJECT_FILES in `directory` that states requirements."""
    for name in PROJECT_FILES:
        candidate = directory / name
        if not candidate.is_file():
            continue
        if name == "pyproject.toml" and "project" not in _toml(candidate):
            continue  # a pyproject.toml of tool settings only
        return candidate
    raise ProjectFileError(
        directory, f"no project file here (looked for {', '.join(PROJECT_FILES)})"
    )


def read_project(path: Path, *, extras: Sequence[str] = (), groups: Sequence[str] = ()) -> Project:
    """The requirements of the project file `path` (or of the one found in the directory
    `path`). `extras` select optional dependencies of pyproject.toml; `groups` select its
    dependency groups, or `dev` the Pipfile's dev-packages. Raises ProjectFileError."""
    if path.is_dir():
        path = find_project_file(path)
    if path.name == "pyproject.toml":
        return _pyproject(path, extras, groups)
    if path.name == "Pipfile":
        return _pipfile(path, groups)
    if extras or groups:
        raise ProjectFileError(path, "extras and groups need a pyproject.toml or a Pipfile")
    lines = read_requirements_file(path)
    if not lines.requirements:
        raise ProjectFileError(path, "states no requirement")
    return Project(path, tuple(lines.requirements), tuple(lines.constraints))


def _toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError as error:
        raise ProjectFileError(path, "no such file") from error
    except tomllib.TOMLDecodeError as error:
        # tomllib says where only in its message: "... (at line 3, column 7)".
        found = re.search(r"at line (\d+)", str(error))
        line = int(found.group(1)) if found else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise ProjectFileError(path, f"not valid TOML: {message}", line) from error


def _line_of(path: Path, text: str) -> int | None:
    """The line where `text` first appears in the file, to point at a bad entry."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    return None


def _checked(path: Path, texts: object, where: str) -> list[str]:
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise ProjectFileError(path, f"{where} must be a list of strings", _line_of(path, where))
    for text in texts:
        try:
            Requirement(text)
        except InvalidRequirement as error:
            raise ProjectFileError(
                path, f"{text!r} is not a PEP 508 requirement: {error}", _line_of(path, text)
            ) from error
    return list(texts)


def _pyproject(path: Path, extras: Sequence[str], groups: Sequence[str]) -> Project:
    document = _toml(path)
    project = document.get("project")
    if not isinstance(project, dict):
        raise ProjectFileError(path, "has no [project] table")
    requirements = _checked(path, project.get("dependencies", []), "dependencies")
    optional = project.get("optional-dependencies", {})
    for extra in extras:
        if extra not in optional:
            raise ProjectFileError(path, f"no optional dependencies {extra!r}")
        requirements += _checked(path, optional[extra], extra)
    table = document.get("dependency-groups", {})
    for group in groups:
        requirements += _group(path, table, group, ())
    if not requirements:
        raise ProjectFileError(path, "states no requirement", _line_of(path, "[project]"))
    return Project(path, tuple(dict.fromkeys(requirements)))


def _group(path: Path, table: dict[str, Any], name: str, seen: tuple[str, ...]) -> list[str]:
    """A PEP 735 dependency group with the groups it includes."""
    if name not in table:
        raise ProjectFileError(path, f"no dependency group {name!r}")
    if name in seen:
        raise ProjectFileError(path, f"dependency group {name!r} includes itself")
    found: list[str] = []
    for entry in table[name]:
        if isinstance(entry, dict) and "include-group" in entry:
            found += _group(path, table, str(entry["include-group"]), (*seen, name))
        else:
            found += _checked(path, [entry], name)
    return found


def _pipfile(path: Path, groups: Sequence[str]) -> Project:
    document = _toml(path)
    sections = ["packages"]
    for group in groups:
        if group != "dev":
            raise ProjectFileError(path, f"a Pipfile has no group {group!r}; only dev")
        sections.append("dev-packages")
    requirements = []
    for section in sections:
        for name, spec in document.get(section, {}).items():
            requirements.append(_pipfile_requirement(path, name, spec))
    if not requirements:
        raise ProjectFileError(path, "states no requirement", _line_of(path, "[packages]"))
    return Project(path, tuple(requirements))


def _pipfile_requirement(path: Path, name: str, spec: object) -> str:
    """A Pipfile entry (`name = "*"`, `">=1"` or a table) as a PEP 508 requirement."""
    extras: list[str] = []
    marker = ""
    if isinstance(spec, dict):
        for unsupported in ("git", "path", "file", "editable"):
            if unsupported in spec:
                raise ProjectFileError(
                    path,
                    f"{name}: a {unsupported} dependency cannot be locked by version",
                    _line_of(path, name),
                )
        extras = list(spec.get("extras", []))
        marker = str(spec.get("markers", ""))
        spec = spec.get("version", "*")
    if not isinstance(spec, str):
        raise ProjectFileError(path, f"{name}: version must be a string", _line_of(path, name))
    text = name + (f"[{','.join(extras)}]" if extras else "")
    text += "" if spec.strip() == "*" else spec.strip()
    text += f"; {marker}" if marker else ""
    try:
        Requirement(text)
    except InvalidRequirement as error:
        raise ProjectFileError(
            path, f"{name}: {text!r} is not a PEP 508 requirement: {error}", _line_of(path, name)
        ) from error
    return text
