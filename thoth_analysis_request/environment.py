"""Runtime environments as analyses see them: the target described by a request.

The field names are those of the documents' `environment` object (and of the graph's
RuntimeEnvironment), so a document's environment can be read back by graph-sync as is.
"""

from __future__ import annotations

import platform
import sys
import sysconfig
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any


class InvalidEnvironment(ValueError):
    """An environment description that cannot be used."""


@dataclass(frozen=True, slots=True)
class Environment:
    """The software and hardware a package is installed on; every field is optional."""

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

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Environment:
        """Read a document's `environment` object; unknown fields are an error."""
        if data is None:
            return cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidEnvironment(f"unknown environment fields {unknown}")
        values = dict(data)
        values["cpu_flags"] = tuple(values.get("cpu_flags") or ())
        for name, value in values.items():
            if name != "cpu_flags" and value is not None and not isinstance(value, str):
                raise InvalidEnvironment(f"environment field {name!r} must be a string")
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["cpu_flags"] = list(self.cpu_flags)
        return data

    @property
    def python_tuple(self) -> tuple[int, int]:
        """(major, minor) of `python_version`, e.g. (3, 11) for "3.11" or "3.11.7"."""
        if self.python_version is None:
            return sys.version_info[:2]
        try:
            major, minor = self.python_version.split(".")[:2]
            return int(major), int(minor)
        except ValueError:
            raise InvalidEnvironment(
                f"python_version {self.python_version!r} is not like '3.11'"
            ) from None

    def with_host_defaults(self) -> Environment:
        """This environment with python_version and platform taken from the runner's own
        interpreter where the request left them out."""
        host = host_environment()
        return replace(
            self,
            python_version=self.python_version or host.python_version,
            platform=self.platform or host.platform,
        )


def host_platform() -> str:
    """The platform tag of this interpreter, e.g. `linux_x86_64`."""
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


def host_environment() -> Environment:
    """The runner's own interpreter, platform and operating system."""
    try:
        release = platform.freedesktop_os_release()
    except OSError:
        release = {}
    return Environment(
        os_name=release.get("ID") or platform.system().lower() or None,
        os_version=release.get("VERSION_ID") or None,
        python_version=f"{sys.version_info.major}.{sys.version_info.minor}",
        platform=host_platform(),
    )
