"""pip requirements files (requirements.txt, requirements.in): requirements and
constraints, following -r/-c includes, each checked as PEP 508 with its file and line."""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement


class ProjectFileError(Exception):
    """A project file that cannot be used; names the file and, when known, the line."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(slots=True)
class RequirementLines:
    """What a requirements file and its includes hold, in the order read."""

    requirements: list[str] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)


# Options that take a value and matter to pip, not to which versions are chosen.
_GLOBAL_OPTIONS = frozenset(
    {
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "--trusted-host",
        "--no-binary",
        "--only-binary",
        "--prefer-binary",
        "--pre",
        "--no-index",
        "--require-hashes",
        "--use-feature",
    }
)
_PER_REQUIREMENT = re.compile(r"\s+(--hash|--config-settings|--global-option)[=\s]\S+")
# pip expands ${NAME} (upper case, digits, underscore) from the environment.
_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)\}")
# A comment starts at a `#` at the start of a line or after whitespace (a URL may hold `#`).
_COMMENT = re.compile(r"(^|\s+)#.*$")


def read_requirements_file(path: Path) -> RequirementLines:
    """Every requirement and constraint of `path` and what it includes (-r, -c), with
    paths relative to the including file. Raises ProjectFileError naming file and line."""
    found = RequirementLines()
    _read(path, found, constraint=False, seen=())
    return found


def _logical_lines(path: Path) -> list[tuple[int, str]]:
    """Lines with comments gone and backslash continuations joined, each with the number
    of the physical line it starts on."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ProjectFileError(path, "no such file") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ProjectFileError(path, f"cannot be read: {error}") from error
    lines: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _COMMENT.sub("", raw)
        start, before = pending if pending is not None else (number, "")
        if line.endswith("\\"):
            pending = (start, before + line[:-1])
            continue
        pending = None
        lines.append((start, before + line))
    if pending is not None:
        lines.append(pending)
    return lines


def _read(path: Path, found: RequirementLines, constraint: bool, seen: tuple[Path, ...]) -> None:
    resolved = path.resolve()
    if resolved in seen:
        raise ProjectFileError(path, "includes itself (through -r or -c)")
    for number, line in _logical_lines(path):
        line = _VARIABLE.sub(lambda m: os.environ.get(m.group(1), m.group(0)), line).strip()
        if not line:
            continue
        if line.startswith("-"):
            _option(path, number, line, found, constraint, (*seen, resolved))
            continue
        text = _PER_REQUIREMENT.sub("", " " + line).strip()
        try:
            Requirement(text)
        except InvalidRequirement as error:
            raise ProjectFileError(
                path, f"{text!r} is not a PEP 508 requirement: {error}", number
            ) from error
        (found.constraints if constraint else found.requirements).append(text)


def _option(
    path: Path,
    number: int,
    line: str,
    found: RequirementLines,
    constraint: bool,
    seen: tuple[Path, ...],
) -> None:
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise ProjectFileError(path, f"cannot be split into words: {error}", number) from error
    name, _, value = words[0].partition("=")
    if len(name) > 2 and name[:2] in ("-r", "-c", "-e", "-i", "-f") and not value:
        name, value = name[:2], name[2:]  # pip takes `-rbase.txt` as `-r base.txt`
    if not value and len(words) > 1:
        value = words[1]
    if name in ("-r", "--requirement", "-c", "--constraint"):
        if not value:
            raise ProjectFileError(path, f"{name} needs a file name", number)
        included = path.parent / value
        # Requirements included from a constraints file are constraints too, as in pip.
        as_constraint = constraint or name in ("-c", "--constraint")
        try:
            _read(included, found, as_constraint, seen)
        except ProjectFileError as error:
            if error.path == included and error.line is None:
                raise ProjectFileError(path, f"{name} {value}: {error.message}", number) from error
            raise
        return
    if name in ("-e", "--editable"):
        raise ProjectFileError(path, "editable requirements cannot be locked by version", number)
    if name not in _GLOBAL_OPTIONS:
        raise ProjectFileError(path, f"unknown option {name}", number)
