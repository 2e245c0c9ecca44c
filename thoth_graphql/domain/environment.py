"""Runtime environments: where a stack is installed and run, and markers are evaluated."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class RuntimeEnvironment:
    """The software and hardware a stack runs on; every field is optional."""

    os_name: str | None = None
    os_version: str | None = None
    python_version: str | None = None
    platform: str | None = None
    cpu_family: str | None = None
    cpu_model: str | None = None
    cpu_flags: tuple[str, ...] = ()
    gpu_model: str | None = None
    cuda_version: str | None = None
    cudnn_version: str | None = None

    @property
    def key(self) -> str:
        """A stable identity: the same description always gives the same key."""
        body = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(body.encode()).hexdigest()[:32]
