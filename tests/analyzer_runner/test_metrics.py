"""The metric line format: `THOTH_METRIC <name>=<number>`."""

from __future__ import annotations

from analyzer_runner.metrics import MAX_METRICS, parse_metrics


def test_metric_lines() -> None:
    output = b"""starting
THOTH_METRIC elapsed_ms=12.5
  THOTH_METRIC score = 3\r
THOTH_METRIC gpu.util:max=-1e3
THOTH_METRIC score=4
THOTH_METRIC bad=abc
THOTH_METRIC inf=inf
THOTH_METRIC 9lives=1
THOTH_METRIC two=1 2
say THOTH_METRIC inline=1
THOTH_METRIC
split=1
"""
    assert parse_metrics(output) == {"elapsed_ms": 12.5, "score": 4.0, "gpu.util:max": -1000.0}


def test_at_most_a_hundred_names() -> None:
    output = b"".join(b"THOTH_METRIC m%d=%d\n" % (i, i) for i in range(150))
    metrics = parse_metrics(output + b"THOTH_METRIC m0=7\n")
    assert len(metrics) == MAX_METRICS
    assert metrics["m0"] == 7.0
    assert "m120" not in metrics
