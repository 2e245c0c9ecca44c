"""Request limits beyond the schema's validation rules: the size of a request body and of a
WebSocket message, the time a body may take to arrive (an ASGI middleware, answering 413 or
408 before the body is read whole), the time one operation may take (applied by the Schema,
answering the error code TIMEOUT) and the subscriptions a server holds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Generic, TypeVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

T = TypeVar("T")

MAX_BODY_BYTES = 4 * 1024 * 1024
"""The largest request body, or WebSocket message, accepted (bulk ingest included)."""

BODY_READ_SECONDS = 10.0
"""The longest a request body may take to arrive: a client trickling bytes holds a
connection and a task, so a thousand of them would hold the server."""

TIME_LIMIT_SECONDS = 30.0
"""The longest one query or mutation may run, over HTTP or WebSocket; a subscription gets
this long for its first result, then runs until it completes or its client leaves."""

MAX_OPERATIONS_PER_CONNECTION = 20
"""The most operations in flight on one WebSocket (strawberry counts subscriptions, queries
and mutations alike)."""

MAX_SUBSCRIPTIONS = 1000
"""The most subscriptions one server process holds open."""

MAX_ANONYMOUS_SUBSCRIPTIONS = 100
"""Of MAX_SUBSCRIPTIONS, the most held for clients without a valid token: anonymous clients
may follow analyses, but cannot take every slot from token holders."""


class SubscriptionSlots:
    """Counts the subscriptions a server holds, and refuses those beyond its limits."""

    def __init__(
        self, total: int = MAX_SUBSCRIPTIONS, anonymous: int = MAX_ANONYMOUS_SUBSCRIPTIONS
    ) -> None:
        self.total = total
        self.anonymous = anonymous
        self.held = 0
        self.held_anonymous = 0

    def take(self, anonymous: bool) -> bool:
        """Take a slot; False when none is left for this kind of client."""
        if self.held >= self.total or (anonymous and self.held_anonymous >= self.anonymous):
            return False
        self.held += 1
        self.held_anonymous += anonymous
        return True

    def give_back(self, anonymous: bool) -> None:
        self.held -= 1
        self.held_anonymous -= anonymous


subscription_slots = SubscriptionSlots()
"""The slots of this server process."""


class HeldSubscription(Generic[T]):
    """A subscription's events, holding its slot until they end, fail or are closed: also
    when closed before the first event, which the `finally` of a generator would miss."""

    def __init__(self, source: AsyncGenerator[T, None], slots: SubscriptionSlots, anonymous: bool):
        self.source = source
        self.slots = slots
        self.anonymous = anonymous
        self.released = False

    def __aiter__(self) -> HeldSubscription[T]:
        return self

    async def __anext__(self) -> T:
        try:
            return await anext(self.source)
        except BaseException:  # finished, failed or cancelled: the slot is free again
            self._release()
            raise

    async def aclose(self) -> None:
        self._release()
        await self.source.aclose()

    def _release(self) -> None:
        if not self.released:
            self.released = True
            self.slots.give_back(self.anonymous)


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


class BodyLimits:
    """Refuses HTTP requests whose body is larger than `max_bytes` with 413, or takes longer
    than `read_seconds` to arrive with 408; closes a WebSocket (1009) on a message larger
    than `max_bytes`."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = MAX_BODY_BYTES,
        read_seconds: float = BODY_READ_SECONDS,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_seconds = read_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send, 413, f"Request body larger than {self.max_bytes} bytes.")
            return
        received = 0
        body_done = False
        started = False
        deadline = asyncio.get_running_loop().time() + self.read_seconds

        async def limited_receive() -> Message:
            nonlocal received, body_done
            if body_done:  # then the app only listens for the client leaving: no deadline
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _TooSlow from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
                body_done = not message.get("more_body", False)
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
                await self._refuse(send, 413, f"Request body larger than {self.max_bytes} bytes.")
        except _TooSlow:
            if not started:
                await self._refuse(
                    send, 408, f"The request body did not arrive within {self.read_seconds:g} s."
                )

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        closed = False

        async def limited_receive() -> Message:
            nonlocal closed
            message = await receive()
            if message["type"] == "websocket.receive" and self._too_large(message):
                closed = True
                await send({"type": "websocket.close", "code": 1009, "reason": "Message too big"})
                return {"type": "websocket.disconnect", "code": 1009}
            return message

        async def guarded_send(message: Message) -> None:
            if not closed:  # what the app still sends for a connection closed here is dropped
                await send(message)

        await self.app(scope, limited_receive, guarded_send)

    def _too_large(self, message: Message) -> bool:
        data = message.get("bytes")
        if data is not None:
            return len(data) > self.max_bytes
        text: str = message.get("text") or ""
        # A character is 1 to 4 bytes in UTF-8: encode only when the length cannot tell.
        if len(text) * 4 <= self.max_bytes:
            return False
        return len(text) > self.max_bytes or len(text.encode()) > self.max_bytes

    async def _refuse(self, send: Send, status: int, message: str) -> None:
        body = message.encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
