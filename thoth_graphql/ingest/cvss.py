"""CVSS v3 base scores from vector strings, as OSV records carry them (CVSS 3.0 and 3.1)."""

from __future__ import annotations

import math

_WEIGHTS: dict[str, dict[str, float]] = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "C": {"H": 0.56, "L": 0.22, "N": 0.0},
    "I": {"H": 0.56, "L": 0.22, "N": 0.0},
    "A": {"H": 0.56, "L": 0.22, "N": 0.0},
}
_PRIVILEGES = {"U": {"N": 0.85, "L": 0.62, "H": 0.27}, "C": {"N": 0.85, "L": 0.68, "H": 0.5}}


def _round_up(value: float) -> float:
    """CVSS 3.1's Roundup: the smallest number of one decimal not below `value`."""
    scaled = round(value * 100_000)
    if scaled % 10_000 == 0:
        return scaled / 100_000.0
    return (math.floor(scaled / 10_000) + 1) / 10.0


def base_score(vector: str) -> float:
    """The base score of a `CVSS:3.x/AV:../AC:../...` vector (raises ValueError)."""
    prefix, *parts = vector.strip().split("/")
    if prefix not in ("CVSS:3.0", "CVSS:3.1"):
        raise ValueError(f"not a CVSS v3 vector: {vector!r}")
    metrics = dict(part.split(":", 1) for part in parts if ":" in part)
    try:
        scope = metrics["S"]
        weights = {name: _WEIGHTS[name][metrics[name]] for name in _WEIGHTS}
        privileges = _PRIVILEGES[scope][metrics["PR"]]
    except KeyError as error:
        raise ValueError(f"incomplete CVSS v3 vector: {vector!r}") from error
    iss = 1 - (1 - weights["C"]) * (1 - weights["I"]) * (1 - weights["A"])
    changed = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
    impact = 6.42 * iss if scope == "U" else changed
    exploitability = 8.22 * weights["AV"] * weights["AC"] * privileges * weights["UI"]
    if impact <= 0:
        return 0.0
    total = impact + exploitability if scope == "U" else 1.08 * (impact + exploitability)
    return _round_up(min(total, 10.0))
