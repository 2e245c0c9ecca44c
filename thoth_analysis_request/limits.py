"""Resource limits of a sandboxed run: CPU, memory, processes, file size, wall clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

GiB = 1024**3
MiB = 1024**2


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits of one sandboxed run."""

    cpu_seconds: int = 300
    memory_bytes: int = 2 * GiB
    processes: int = 128
    file_size_bytes: int = 1 * GiB
    open_files: int = 1024
    wall_seconds: float = 600.0
    tmp_bytes: int = 2 * GiB

    def within(self, ceiling: Limits) -> Limits:
        """These limits, none above the ceiling's."""
        return Limits(
            **{f.name: min(getattr(self, f.name), getattr(ceiling, f.name)) for f in fields(self)}
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], base: Limits | None = None) -> Limits:
        """`base` (default: the defaults) with the fields `data` names replaced."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown limits {unknown}; known: {sorted(known)}")
        for name, value in data.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"limit {name} must be a positive number")
        values: dict[str, Any] = {
            k: float(v) if k == "wall_seconds" else int(v) for k, v in data.items()
        }
        return replace(base or cls(), **values)
