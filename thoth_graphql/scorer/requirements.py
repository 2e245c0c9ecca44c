"""Root requirements and constraints of a request, read against a snapshot view."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from packaging.requirements import InvalidRequirement, Requirement

from thoth_graphql.domain import canonical_name
from thoth_graphql.scorer.snapshot import EnvironmentView, PackageIndex


@dataclass(frozen=True, slots=True)
class RootDemand:
    """A requirement (or constraint) of the request on one package of the snapshot."""

    package: PackageIndex
    bits: int
    names_pre: bool
    pinned: bool
    extras: tuple[str, ...]
    text: str


@dataclass(slots=True)
class Demands:
    """The request read against a view: what is required, what limits, what is unknown."""

    roots: list[RootDemand] = field(default_factory=list)
    limits: list[RootDemand] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """Canonical names of required packages the snapshot does not know."""


@lru_cache(maxsize=4096)
def _parse(text: str) -> Requirement:
    return Requirement(text)


def read_demands(
    view: EnvironmentView, requirements: tuple[str, ...], constraints: tuple[str, ...]
) -> Demands:
    """Parse PEP 508 requirements and constraints; unknown or unusable ones are unresolved.

    Requirements whose marker is false in the environment are left out, as pip does.
    Constraints only narrow the versions of a package something else requires.
    """
    demands = Demands()
    for text, target in [(t, demands.roots) for t in requirements] + [
        (t, demands.limits) for t in constraints
    ]:
        try:
            requirement = _parse(text)
        except InvalidRequirement as error:
            demands.unresolved.append(f"{text}: not a PEP 508 requirement ({error})")
            continue
        if requirement.marker is not None and not view.markers.holds(str(requirement.marker)):
            continue
        if requirement.url:
            demands.unresolved.append(f"{text}: direct URL requirements are not supported")
            continue
        name = canonical_name(requirement.name)
        package = view.snapshot.packages.get(name)
        if package is None and target is demands.limits:
            continue  # a constraint never adds a package, so an unknown one limits nothing
        if package is None:
            demands.missing.append(name)
            demands.unresolved.append(
                f"{name}: not in the knowledge graph; request a solver analysis for it"
            )
            continue
        match = package.matching(str(requirement.specifier))
        target.append(
            RootDemand(
                package=package,
                bits=match.bits,
                names_pre=match.names_pre,
                pinned=match.pinned,
                extras=tuple(sorted(canonical_name(e) for e in requirement.extras)),
                text=text.strip(),
            )
        )
    return demands
