"""The wheel tags a target environment accepts, most preferred first (via packaging.tags).

packaging's own `sys_tags()` describes the running interpreter; a solver analysis asks
about another environment, so its manylinux tags are derived from the platform name and a
glibc ceiling instead of from the running C library.
"""

from __future__ import annotations

import re
from functools import lru_cache

from packaging import tags

from thoth_analysis_request.environment import Environment

# The newest glibc a target is assumed to have when its platform does not say.
DEFAULT_GLIBC = (2, 39)
_LEGACY_MANYLINUX = {(2, 17): "manylinux2014", (2, 12): "manylinux2010", (2, 5): "manylinux1"}
_LEGACY_ARCHES = {
    "manylinux2014": {"x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x"},
    "manylinux2010": {"x86_64", "i686"},
    "manylinux1": {"x86_64", "i686"},
}
_MANYLINUX = re.compile(r"manylinux_(\d+)_(\d+)_(\w+)")
_MACOS = re.compile(r"macosx_(\d+)_(\d+)_(\w+)")


def _manylinux(arch: str, glibc: tuple[int, int]) -> list[str]:
    oldest = 5 if arch in ("x86_64", "i686") else 17
    platforms: list[str] = []
    for minor in range(glibc[1], oldest - 1, -1):
        platforms.append(f"manylinux_2_{minor}_{arch}")
        legacy = _LEGACY_MANYLINUX.get((2, minor))
        if legacy and arch in _LEGACY_ARCHES[legacy]:
            platforms.append(f"{legacy}_{arch}")
    return platforms


def platform_tags(platform: str, glibc: tuple[int, int] = DEFAULT_GLIBC) -> list[str]:
    """Every platform tag a wheel may carry to run on `platform`, best first."""
    if platform == "any":
        return []
    manylinux = _MANYLINUX.fullmatch(platform)
    if manylinux:
        ceiling = (int(manylinux.group(1)), int(manylinux.group(2)))
        return [*_manylinux(manylinux.group(3), ceiling), f"linux_{manylinux.group(3)}"]
    if platform.startswith("linux_"):
        arch = platform.removeprefix("linux_")
        return [*_manylinux(arch, glibc), platform]
    macos = _MACOS.fullmatch(platform)
    if macos:
        version = (int(macos.group(1)), int(macos.group(2)))
        return list(tags.mac_platforms(version, macos.group(3)))
    return [platform]


@lru_cache(maxsize=64)
def _supported(python: tuple[int, int], platform: str) -> tuple[tags.Tag, ...]:
    platforms = platform_tags(platform)
    interpreter = f"cp{python[0]}{python[1]}"
    return (
        *tags.cpython_tags(python, platforms=platforms),
        *tags.compatible_tags(python, interpreter, platforms),
    )


def supported_tags(environment: Environment) -> tuple[tags.Tag, ...]:
    """The tags a CPython of this environment installs, most preferred first.

    Fields the environment leaves out are those of the runner's interpreter.
    """
    target = environment.with_host_defaults()
    assert target.platform is not None
    return _supported(target.python_tuple, target.platform)


def host_tags() -> tuple[tags.Tag, ...]:
    """The tags of the interpreter that runs builds inside the sandbox."""
    return tuple(tags.sys_tags())
