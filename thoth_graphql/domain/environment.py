"""Runtime environments: where a stack is installed and run, and markers are evaluated."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from packaging.markers import default_environment


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


# platform tag prefix -> (sys_platform, platform_system, os_name)
_PLATFORMS = {
    "linux": ("linux", "Linux", "posix"),
    "manylinux": ("linux", "Linux", "posix"),
    "musllinux": ("linux", "Linux", "posix"),
    "macosx": ("darwin", "Darwin", "posix"),
    "win": ("win32", "Windows", "nt"),
    "win32": ("win32", "Windows", "nt"),
}
_MACHINES = ("x86_64", "aarch64", "arm64", "ppc64le", "s390x", "i686", "amd64")


def marker_environment(environment: RuntimeEnvironment) -> dict[str, str]:
    """The PEP 508 marker variables of an environment; what it leaves open is the server's."""
    values = {k: str(v) for k, v in default_environment().items()}
    if environment.python_version:
        parts = environment.python_version.split(".")
        full = ".".join(parts + ["0"] * (3 - len(parts))) if len(parts) < 3 else ".".join(parts)
        values["python_version"] = ".".join(parts[:2])
        values["python_full_version"] = full
        values["implementation_version"] = full
    if environment.platform:
        tag = environment.platform.lower()
        family = tag.split("_", 1)[0]
        if family in _PLATFORMS:
            sys_platform, system, os_name = _PLATFORMS[family]
            values.update(sys_platform=sys_platform, platform_system=system, os_name=os_name)
        for machine in _MACHINES:
            if tag.endswith(machine):
                values["platform_machine"] = "AMD64" if machine == "amd64" else machine
    return values
