"""Times as the graph keeps them: UTC text to the second, so that text order is time order."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_timestamp(moment: datetime | None = None) -> str:
    """`2026-01-01T00:00:00Z` for `moment` (naive times are taken as UTC), or for now."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
