"""Where documents come from: files, folders (recursively), gzip files and stdin.

A file holds one JSON document or a JSON array of documents; each document gets a
source name (`path`, or `path[3]` inside an array) that errors and progress refer to.
No input is read past MAX_INPUT_BYTES, compressed or not: a small .json.gz can expand to
gigabytes.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from thoth_graphql.ingest.limits import MAX_INPUT_BYTES, size_text

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


def _too_large(label: str, compressed: bool = False) -> UnreadableSource:
    how = " when decompressed" if compressed else ""
    return UnreadableSource(
        f"{label}: larger than {size_text(MAX_INPUT_BYTES)}{how}; split it into smaller files"
    )


def _read_bytes(name: str) -> bytes:
    """The bytes of an input, never more than MAX_INPUT_BYTES of them in memory."""
    if name == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        if len(data) > MAX_INPUT_BYTES:
            raise _too_large("<stdin>")
        return data
    path = Path(name)
    try:
        if name.endswith(".gz"):
            with gzip.open(path, "rb") as handle:
                # read(n) decompresses at most n bytes, however much the file would give.
                data = handle.read(MAX_INPUT_BYTES + 1)
            if len(data) > MAX_INPUT_BYTES:
                raise _too_large(name, compressed=True)
            return data
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise _too_large(name)
        return path.read_bytes()
    except (OSError, EOFError) as error:
        raise UnreadableSource(f"{name}: cannot be read: {error}") from error


def _read_text(name: str) -> str:
    try:
        return _read_bytes(name).decode("utf-8")
    except UnicodeDecodeError as error:
        label = "<stdin>" if name == "-" else name
        raise UnreadableSource(f"{label}: cannot be read: {error}") from error


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
    except RecursionError as error:
        # The parser recurses once per level; no document is nested more than a few deep.
        raise UnreadableSource(
            f"{label}: JSON nested deeper than {sys.getrecursionlimit()} levels"
        ) from error
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield RawDocument(f"{label}[{i}]", item)
    else:
        yield RawDocument(label, data)
