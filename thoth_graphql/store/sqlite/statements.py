"""Building blocks of the statements every module of the embedded store runs: batches of
keys small enough for one statement, and their placeholders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

CHUNK = 900
"""Keys per statement: SQLite's default limit of host parameters is 32766; stay well below."""


def chunks(items: Sequence[T], size: int = CHUNK) -> list[Sequence[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def marks(n: int) -> str:
    return ",".join("?" * n)
