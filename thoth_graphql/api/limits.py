"""Request limits beyond the schema's validation rules: the size of a request body (an
ASGI middleware, answering 413 before the body is read whole) and the time one operation
may take (applied by the Schema, answering the error code TIMEOUT)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 4 * 1024 * 1024
"""The largest request body accepted (bulk ingest included)."""

TIME_LIMIT_SECONDS = 30.0
"""The longest one query or mutation may run; subscriptions are not limited."""


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """Refuses HTTP requests whose body is larger than `max_bytes` with 413."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except _TooLarge:
            # A chunked body without Content-Length grew too large while being read.
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = f"Request body larger than {self.max_bytes} bytes.".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
