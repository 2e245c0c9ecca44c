"""The runtime environment a stack is asked for: given field by field, or this interpreter's."""

from __future__ import annotations

import dataclasses
import platform
import sysconfig
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RuntimeEnvironment:
    """Where a stack will run; a field left None is left to the server to fill."""

    python_version: str | None = None
    platform: str | None = None
    os_name: str | None = None
    os_version: str | None = None
    cpu_family: str | None = None
    cpu_model: str | None = None
    gpu_model: str | None = None
    cuda_version: str | None = None
    cudnn_version: str | None = None

    @classmethod
    def current(cls) -> RuntimeEnvironment:
        """This interpreter: its Python version and platform tag (as pip names it)."""
        tag = sysconfig.get_platform().replace("-", "_").replace(".", "_")
        return cls(python_version=platform.python_version(), platform=tag)

    def to_input(self) -> dict[str, Any]:
        """The RuntimeEnvironmentInput of the API, with the fields that are set."""
        words = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {_camel(name): value for name, value in words.items() if value is not None}


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)
