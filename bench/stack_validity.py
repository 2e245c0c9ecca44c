"""Whether a locked stack satisfies every requirement reachable from its roots (pip's rules).

Independent of the scorer: it reads the corpus' solver documents and packaging only.
Markers are evaluated for the environment with each requested extra of the declaring
package; a pinned release must exist in the corpus, match every specifier that reaches
it (pre-releases allowed: a pin names them) and admit the Python version by its whole
Requires-Python, upper bounds included (pip's rule; uv ignores upper bounds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version


@dataclass(frozen=True, slots=True)
class Violation:
    package: str
    kind: str
    """missing | specifier | requires-python | unknown-release"""
    message: str


@dataclass
class Verdict:
    violations: list[Violation] = field(default_factory=list)
    reached: set[str] = field(default_factory=set)

    @property
    def valid(self) -> bool:
        return not self.violations


def releases(documents: Iterable[Mapping[str, Any]]) -> dict[str, dict[Version, dict[str, Any]]]:
    """name -> version -> tree entry."""
    table: dict[str, dict[Version, dict[str, Any]]] = {}
    for document in documents:
        for entry in document["result"]["tree"]:
            name = canonicalize_name(entry["package_name"])
            table.setdefault(name, {})[Version(entry["package_version"])] = entry
    return table


def python_admits(requires_python: str | None, python: str) -> bool:
    return not requires_python or SpecifierSet(requires_python).contains(python, prereleases=True)


def check(
    pins: Mapping[str, str],
    roots: Iterable[Requirement],
    table: Mapping[str, Mapping[Version, Mapping[str, Any]]],
    environment: Mapping[str, str],
) -> Verdict:
    """Walk the requirements reachable from `roots` through the pinned releases."""
    verdict = Verdict()
    pinned = {canonicalize_name(n): Version(v) for n, v in pins.items()}
    python = environment["python_full_version"]
    extras: dict[str, set[str]] = {}
    queue: list[tuple[str, str, frozenset[str], str]] = []
    for root in roots:
        if root.marker is None or root.marker.evaluate({**environment, "extra": ""}):
            queue.append((root.name, str(root.specifier), frozenset(root.extras), "root"))
    seen: set[tuple[str, str, frozenset[str]]] = set()
    while queue:
        raw, specifier, wanted, by = queue.pop()
        name = canonicalize_name(raw)
        key = (name, specifier, wanted)
        if key in seen:
            continue
        seen.add(key)
        verdict.reached.add(name)
        version = pinned.get(name)
        if version is None:
            verdict.violations.append(
                Violation(name, "missing", f"{by} requires {name}{specifier}; not pinned")
            )
            continue
        if not SpecifierSet(specifier).contains(version, prereleases=True):
            verdict.violations.append(
                Violation(name, "specifier", f"{by} requires {name}{specifier}; pinned {version}")
            )
        entry = table.get(name, {}).get(version)
        if entry is None:
            verdict.violations.append(
                Violation(name, "unknown-release", f"{name}=={version} is not in the corpus")
            )
            continue
        if not python_admits(entry.get("requires_python"), python):
            verdict.violations.append(
                Violation(
                    name,
                    "requires-python",
                    f"{name}=={version} requires Python {entry['requires_python']}",
                )
            )
        active = extras.setdefault(name, set())
        active |= {canonicalize_name(e) for e in wanted}
        for dependency in entry.get("dependencies") or []:
            marker = dependency.get("marker")
            if marker is not None and not any(
                Marker(marker).evaluate({**environment, "extra": e}) for e in ("", *active)
            ):
                continue
            queue.append(
                (
                    dependency["package_name"],
                    dependency.get("specifier") or "",
                    frozenset(dependency.get("extras") or ()),
                    f"{name}=={version}",
                )
            )
    return verdict
