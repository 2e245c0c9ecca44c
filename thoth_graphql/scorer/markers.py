"""Cached PEP 508 marker and requires-python evaluation for one RuntimeEnvironment."""

from __future__ import annotations

from functools import lru_cache

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from thoth_graphql.domain import RuntimeEnvironment, marker_environment


class MarkerEvaluator:
    """Evaluates markers for one environment, each (marker, extra) pair once."""

    __slots__ = ("_cache", "python", "undecidable", "values")

    def __init__(self, environment: RuntimeEnvironment) -> None:
        self.values = marker_environment(environment)
        self.python = Version(self.values["python_full_version"])
        self._cache: dict[tuple[str, str], bool] = {}
        self.undecidable: dict[str, str] = {}
        """Markers packaging cannot evaluate here -> why; their dependencies do not apply."""

    def holds(self, marker: str, extra: str = "") -> bool:
        """Whether `marker` is true here when the declaring release has `extra` active.

        A marker that cannot be evaluated (`implementation_name === "pypy"` compares with
        `===`, which packaging refuses for marker values; an unknown variable) is taken
        as false: the dependency is left out, as for a marker that does not hold, and the
        marker is noted in `undecidable` so that answers can say so."""
        key = (marker, extra)
        found = self._cache.get(key)
        if found is None:
            try:
                found = _parsed(marker).evaluate({**self.values, "extra": extra})
            except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName) as error:
                self.undecidable[marker] = str(error)
                found = False
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
