"""Sets of versions as int bitsets: bit i is the i-th newest release of a package."""

from __future__ import annotations


def members(mask: int) -> list[int]:
    """The version numbers in a set, newest first."""
    out: list[int] = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def newest(mask: int) -> int:
    """The newest version in a non-empty set."""
    return (mask & -mask).bit_length() - 1
