"""Quarantine: results and markers graph-sync refuses, moved aside with the reason.

A refused object is copied to `quarantine/<key>` as `{key, reason, quarantined_at,
content}` and then deleted where it was, so no later pass (or rebuild) loads it and an
operator can still see what a runner wrote. The move is logged and counted.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter

from thoth_graphql.domain.timestamps import utc_timestamp
from thoth_objects.layout import quarantine_key
from thoth_objects.port import ObjectNotFound, ObjectStore, put_json

log = logging.getLogger(__name__)

QUARANTINED = Counter(
    "thoth_graphql_results_quarantined",
    "Results and completion markers graph-sync refused and moved to quarantine/.",
)


async def quarantine(objects: ObjectStore, key: str, reason: str) -> str:
    """Move `key` to quarantine with `reason`; the quarantine key. A key already gone is
    recorded with no content (another pass moved it, or the runner deleted it)."""
    try:
        content: str | None = (await objects.get(key)).decode("utf-8", errors="replace")
    except ObjectNotFound:
        content = None
    target = quarantine_key(key)
    record = {"key": key, "reason": reason, "quarantined_at": utc_timestamp(), "content": content}
    await put_json(objects, target, record)
    await objects.delete(key)
    QUARANTINED.inc()
    log.warning("graph-sync: %s quarantined as %s: %s", key, target, reason)
    return target
