"""PEP 508 marker environments for a RuntimeEnvironment, and cached marker evaluation."""

from __future__ import annotations

from functools import lru_cache

from packaging.markers import Marker, default_environment
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from thoth_graphql.domain import RuntimeEnvironment

# platform tag prefix -> (sys_platform, platform_system, os_name)
_PLATFORMS = {
    "linux": ("linux", "Linux", "posix"),
    "manylinux": ("linux", "Linux", "posix"),
    "musllinux": ("linux", "Linux", "posix"),
    "macosx": ("darwin", "Darwin", "posix"),
    "darwin": ("darwin", "Darwin", "posix"),
    "win": ("win32", "Windows", "nt"),
    "windows": ("win32", "Windows", "nt"),
}


def marker_environment(environment: RuntimeEnvironment) -> dict[str, str]:
    """The marker variables for an environment; what it leaves open is the server's own."""
    values = {k: str(v) for k, v in default_environment().items()}
    if environment.python_version:
        full = environment.python_version
        parts = full.split(".")
        values["python_version"] = ".".join(parts[:2])
        values["python_full_version"] = full if len(parts) > 2 else f"{full}.0"
        values["implementation_version"] = values["python_full_version"]
    if environment.platform:
        tag = environment.platform.lower()
        family = tag.split("_", 1)[0]
        if family in _PLATFORMS:
            sys_platform, system, os_name = _PLATFORMS[family]
            values.update(sys_platform=sys_platform, platform_system=system, os_name=os_name)
        for machine in ("x86_64", "aarch64", "arm64", "ppc64le", "s390x", "i686", "amd64"):
            if tag.endswith(machine):
                values["platform_machine"] = "AMD64" if machine == "amd64" else machine
    return values


class MarkerEvaluator:
    """Evaluates markers for one environment, each (marker, extra) pair once."""

    __slots__ = ("_cache", "python", "values")

    def __init__(self, environment: RuntimeEnvironment) -> None:
        self.values = marker_environment(environment)
        self.python = Version(self.values["python_full_version"])
        self._cache: dict[tuple[str, str], bool] = {}

    def holds(self, marker: str, extra: str = "") -> bool:
        """Whether `marker` is true here when the declaring release has `extra` active."""
        key = (marker, extra)
        found = self._cache.get(key)
        if found is None:
            found = _parsed(marker).evaluate({**self.values, "extra": extra})
            self._cache[key] = found
        return found

    def python_allows(self, requires_python: str | None) -> bool:
        """Whether this interpreter satisfies a release's requires-python."""
        if not requires_python:
            return True
        return _python_allows(requires_python, self.python)


@lru_cache(maxsize=16384)
def _parsed(marker: str) -> Marker:
    return Marker(marker)


@lru_cache(maxsize=16384)
def _python_allows(requires_python: str, python: Version) -> bool:
    try:
        return SpecifierSet(requires_python).contains(python, prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        # Metadata we cannot read does not exclude a release (pip does the same).
        return True
