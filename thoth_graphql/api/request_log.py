"""Structured logs: one JSON object per line, each carrying the id of the request it was
written for. The request id comes from `X-Request-ID` when the client sends a sane one,
else it is made here; either way the response returns it.

Only what is listed in `ACCESS_FIELDS` is logged of a request: never its headers (which
carry bearer tokens) nor its body.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "x-request-id"
ACCESS_FIELDS = ("method", "path", "status", "duration_ms")
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
access_log = logging.getLogger("thoth_graphql.access")

# Attributes every LogRecord has; anything else was passed in `extra=` and is logged too.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, logger, message, request id,
    the fields passed in `extra=`, and the traceback if there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            {k: v for k, v in vars(record).items() if k not in _STANDARD and v is not None}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def stamp_request_ids() -> None:
    """Make every log record carry `request_id`: the id of the request it was written for
    (None outside requests), fixed when the record is made. Idempotent."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "stamps_request_ids", False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.request_id = request_id.get()
        return record

    make_record.stamps_request_ids = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)


def configure_logging(level: int = logging.INFO) -> None:
    """Send every log record (uvicorn's too) to stderr as JSON lines."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # uvicorn's access log repeats ours without the request id.
    logging.getLogger("uvicorn.access").disabled = True


class RequestLog:
    """Gives each HTTP request and WebSocket an id (in the logs and in `X-Request-ID`) and
    logs one access line per HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        sent = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        current = sent if _SANE_ID.match(sent) else uuid.uuid4().hex
        reset = request_id.set(current)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() != REQUEST_ID_HEADER.encode()
                ]
                headers.append((REQUEST_ID_HEADER.encode(), current.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id if scope["type"] == "http" else send)
        finally:
            if scope["type"] == "http":
                access_log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    },
                )
            request_id.reset(reset)
