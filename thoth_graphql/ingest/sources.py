"""Where documents come from: files, folders (recursively), gzip files and stdin.

A file holds one JSON document or a JSON array of documents; each document gets a
source name (`path`, or `path[3]` inside an array) that errors and progress refer to.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".json", ".json.gz")


@dataclass(frozen=True, slots=True)
class RawDocument:
    source: str
    data: object


class UnreadableSource(ValueError):
    """A path that is missing or does not hold JSON."""


def document_files(paths: Sequence[str]) -> list[str]:
    """Expand folders into their document files, in a stable order; keep `-` as is."""
    files: list[str] = []
    for raw in paths:
        if raw == "-":
            files.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            files.extend(
                str(p) for p in sorted(path.rglob("*")) if p.is_file() and p.name.endswith(SUFFIXES)
            )
        elif path.is_file():
            files.append(raw)
        else:
            raise UnreadableSource(f"{raw}: no such file or folder")
    return files


def _read_text(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    path = Path(name)
    try:
        if name.endswith(".gz"):
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                return handle.read()
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, EOFError) as error:
        raise UnreadableSource(f"{name}: cannot be read: {error}") from error


def read_documents(name: str) -> Iterator[RawDocument]:
    """The documents in one file (or stdin when name is `-`)."""
    label = "<stdin>" if name == "-" else name
    text = _read_text(name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableSource(
            f"{label}: not JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from error
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield RawDocument(f"{label}[{i}]", item)
    else:
        yield RawDocument(label, data)
