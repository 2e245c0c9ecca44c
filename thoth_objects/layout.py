"""Where things live in the object store: requests, statuses, results, completions.

    requests/<analysis-id>.json            what to analyse (written by the API)
    status/<analysis-id>.json              RUNNING / SUCCEEDED / FAILED (written by runners)
    results/solver/<document-id>.json      solver documents
    results/inspection/<document-id>.json  inspection documents
    completed/<finished-at>-<analysis-id>.json  one marker per finished analysis, so a
                                           follower lists new results in time order
    dispatch/<analysis-id>.json            a dispatcher's ledger: attempts, who runs it
    quarantine/<key>                       a result or marker refused by graph-sync (who
                                           asked for it does not match), with the reason

Ids are limited to key-safe characters; a document id is derived from the analysis id,
so an analysis that is run again overwrites its own result instead of adding another.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

REQUESTS = "requests/"
STATUS = "status/"
RESULTS = "results/"
COMPLETED = "completed/"
DISPATCH = "dispatch/"
QUARANTINE = "quarantine/"
SOLVER = "solver"
INSPECTION = "inspection"
RESULT_KINDS = (SOLVER, INSPECTION)

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def check_id(identifier: str) -> str:
    """Return an analysis or document id if it is key-safe; raise ValueError otherwise."""
    if not _ID.fullmatch(identifier) or ".." in identifier:
        raise ValueError(
            f"invalid id {identifier!r}: use 1-128 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return identifier


def new_analysis_id(now: datetime | None = None) -> str:
    """A fresh id that sorts by creation time: `20260101T120000Z-3f9c2a1b`."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"


def request_key(analysis_id: str) -> str:
    return f"{REQUESTS}{check_id(analysis_id)}.json"


def status_key(analysis_id: str) -> str:
    return f"{STATUS}{check_id(analysis_id)}.json"


def dispatch_key(analysis_id: str) -> str:
    return f"{DISPATCH}{check_id(analysis_id)}.json"


def result_key(kind: str, document_id: str) -> str:
    """`results/<kind>/<document-id>.json`, kind being `solver` or `inspection`."""
    if kind not in RESULT_KINDS:
        raise ValueError(f"unknown result kind {kind!r}; expected one of {RESULT_KINDS}")
    return f"{RESULTS}{kind}/{check_id(document_id)}.json"


def completion_key(finished_at: datetime, analysis_id: str) -> str:
    """A marker key that sorts by finishing time (UTC, to the microsecond)."""
    moment = finished_at.astimezone(UTC)
    return f"{COMPLETED}{moment:%Y%m%dT%H%M%S.%fZ}-{check_id(analysis_id)}.json"


def analysis_id_of(key: str) -> str:
    """The analysis id in a request, status or dispatch key (`requests/<id>.json`)."""
    for prefix in (REQUESTS, STATUS, DISPATCH):
        if key.startswith(prefix) and key.endswith(".json"):
            return check_id(key[len(prefix) : -len(".json")])
    raise ValueError(f"{key!r} is not a request or status key")


def completion_analysis_id(key: str) -> str:
    """The analysis id in a completion marker's key (`completed/<finished-at>-<id>.json`)."""
    if not (key.startswith(COMPLETED) and key.endswith(".json")):
        raise ValueError(f"{key!r} is not a completion key")
    moment, dash, analysis_id = key[len(COMPLETED) : -len(".json")].partition("-")
    if not dash or not moment:
        raise ValueError(f"{key!r} is not a completion key")
    return check_id(analysis_id)


def completion_prefix(moment: datetime) -> str:
    """A key that sorts just before every completion marker of `moment` and later."""
    return f"{COMPLETED}{moment.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}"


def completion_time(key: str) -> datetime:
    """When the analysis of a completion marker finished."""
    stamp = key[len(COMPLETED) :].partition("-")[0]
    return datetime.strptime(stamp, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=UTC)


def quarantine_key(key: str) -> str:
    """Where a refused object is kept: `quarantine/<its key>`."""
    return f"{QUARANTINE}{key}"
