"""Metrics a script prints: lines `THOTH_METRIC <name>=<number>` anywhere in its output.

Names are 1-64 of letters, digits and `_.:-`, starting with a letter or `_`; values
are finite decimal numbers. A later line for the same name wins; at most 100 names.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

MAX_METRICS = 100
_LINE = re.compile(
    rb"^[ \t]*THOTH_METRIC[ \t]+([A-Za-z_][A-Za-z0-9_.:-]{0,63})[ \t]*=[ \t]*(\S+)[ \t\r]*$",
    re.MULTILINE,
)


def parse_metrics(output: bytes) -> dict[str, float]:
    """The metrics in a script's output; malformed lines are ignored."""
    metrics: dict[str, float] = {}
    for match in _LINE.finditer(output):
        name = match.group(1).decode()
        try:
            value = float(match.group(2))
        except ValueError:
            continue
        if not math.isfinite(value):
            continue
        if name in metrics or len(metrics) < MAX_METRICS:
            metrics[name] = value
    return metrics


def metrics_of_log(path: Path, max_bytes: int = 64 * 1024 * 1024) -> dict[str, float]:
    """The metrics in a log file, reading at most its last `max_bytes`."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - max_bytes))
            return parse_metrics(handle.read())
    except FileNotFoundError:
        return {}
