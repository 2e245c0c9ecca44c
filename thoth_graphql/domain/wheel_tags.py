"""The wheel tags a RuntimeEnvironment installs, most preferred first (packaging.tags).

An environment that names neither Python nor platform is the server's own interpreter,
as for markers. Otherwise the tags are derived from its Python version and platform tag,
with manylinux tags up to a glibc ceiling (the same rule the runner's analyzer_runner/tags.py
applies; the graph side does not import the runner).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import lru_cache

from packaging import tags
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from thoth_graphql.domain.environment import RuntimeEnvironment

# The newest glibc a target is assumed to have when its platform does not say.
GLIBC_CEILING = 39
_LEGACY = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}


def _platforms(platform: str) -> list[str]:
    if not platform.startswith("linux_"):
        return [platform]
    arch = platform.removeprefix("linux_")
    oldest = 5 if arch in ("x86_64", "i686") else 17
    found: list[str] = []
    for minor in range(GLIBC_CEILING, oldest - 1, -1):
        found.append(f"manylinux_2_{minor}_{arch}")
        if minor in _LEGACY and (minor == 17 or arch in ("x86_64", "i686")):
            found.append(f"{_LEGACY[minor]}_{arch}")
    return [*found, platform]


@lru_cache(maxsize=64)
def _tags(python: str | None, platform: str | None) -> tuple[tags.Tag, ...]:
    if python is None and platform is None:
        return tuple(tags.sys_tags())
    if python is None:
        version = sys.version_info[:2]
    else:
        major, minor, *_ = (int(p) for p in python.split("."))
        version = (major, minor)
    platforms = _platforms(platform) if platform else list(tags.platform_tags())
    interpreter = f"cp{version[0]}{version[1]}"
    return (
        *tags.cpython_tags(version, platforms=platforms),
        *tags.compatible_tags(version, interpreter, platforms),
    )


def supported_tags(environment: RuntimeEnvironment) -> tuple[tags.Tag, ...]:
    """The tags a CPython of this environment installs, most preferred first."""
    return _tags(environment.python_version, environment.platform)


def installs(filename: str, supported: Iterable[tags.Tag]) -> bool:
    """Whether the wheel `filename` installs where `supported` are the tags."""
    try:
        _, _, _, wheel_tags = parse_wheel_filename(filename)
    except InvalidWheelFilename:
        return False
    return not wheel_tags.isdisjoint(supported)
