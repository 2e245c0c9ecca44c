"""PEP 440 specifiers as questions about versions: which versions a specifier admits."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version


@lru_cache(maxsize=4096)
def specifier_set(text: str) -> SpecifierSet:
    """A parsed specifier (raises packaging's InvalidSpecifier)."""
    return SpecifierSet(text)


def admits(specifier: str, version: str) -> bool:
    """Whether `specifier` contains `version`, pre-releases included: the literal question,
    not pip's preference. Unreadable specifiers or versions admit nothing."""
    try:
        return specifier_set(specifier).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return False


def admits_any(specifier: str, versions: Iterable[str]) -> bool:
    """Whether `specifier` admits at least one of `versions`."""
    return any(admits(specifier, v) for v in versions)
