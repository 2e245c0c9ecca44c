"""Sets of versions as int bitsets: bit i is the i-th newest release of a package."""

from __future__ import annotations


def members(mask: int) -> list[int]:
    """The version numbers in a set, newest first."""
    if not mask:
        return []
    low = (mask & -mask).bit_length() - 1
    run = mask >> low
    if not run & (run + 1):
        # One run of consecutive versions (what `>=`, `<` and `<,>=` admit, and most
        # ranges the encoding writes): no need to look at each bit.
        return list(range(low, low + run.bit_length()))
    out: list[int] = []
    if mask.bit_length() <= 64:
        while mask:
            low = mask & -mask
            out.append(low.bit_length() - 1)
            mask ^= low
        return out
    # Wide sets (hubs have hundreds of releases): each step above costs a pass over the
    # whole int; finding the ones in its binary text is one pass in all.
    bits = bin(mask)[:1:-1]
    i = bits.find("1")
    while i >= 0:
        out.append(i)
        i = bits.find("1", i + 1)
    return out


def newest(mask: int) -> int:
    """The newest version in a non-empty set."""
    return (mask & -mask).bit_length() - 1
