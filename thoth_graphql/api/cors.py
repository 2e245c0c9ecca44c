"""Cross-origin access for browser applications: starlette's CORS middleware over an allow-list."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse, Response

ANY_ORIGIN = "*"

ALLOWED_METHODS = ("GET", "POST")
"""GraphQL over HTTP: queries by GET or POST, mutations by POST."""

ALLOWED_HEADERS = ("Authorization", "Content-Type", "X-Request-ID")
"""Beyond the CORS-safelisted ones: a bearer token, a JSON body, a client's request id."""

MAX_AGE_SECONDS = 600
"""How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours)."""


class InvalidOrigin(ValueError):
    """A configured origin that no browser would ever send as `Origin`."""


def origin(value: str) -> str:
    """`value` as a browser serialises it in `Origin`: scheme://host[:port], lower case.

    `*` stands for every origin. A path, query or trailing slash is refused rather than
    dropped, since an origin written with one would silently never match.
    """
    if value == ANY_ORIGIN:
        return value
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidOrigin(f"{value!r} is not an origin: write scheme://host[:port]")
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidOrigin(
            f"{value!r} is not an origin: no path (not even /), query or user, "
            "only scheme://host[:port]"
        )
    try:
        port = parts.port
    except ValueError as error:
        raise InvalidOrigin(f"{value!r} is not an origin: {error}") from error
    default_port = {"http": 80, "https": 443}[parts.scheme]
    netloc = (
        parts.netloc.lower() if port != default_port else parts.netloc.lower().rsplit(":", 1)[0]
    )
    return f"{parts.scheme}://{netloc}"


class AllowListCORS(CORSMiddleware):
    """Starlette's CORSMiddleware, which tells an origin it refuses nothing of the policy.

    Starlette answers a refused preflight with the allowed methods, headers and max age all
    the same; only `Vary` is kept here, so a refused origin learns nothing from the answer.
    """

    def preflight_response(self, request_headers: Headers) -> Response:
        if not self.is_allowed_origin(origin=request_headers["origin"]):
            return PlainTextResponse(
                "Disallowed CORS origin", status_code=400, headers={"Vary": "Origin"}
            )
        return super().preflight_response(request_headers)


def cors(origins: Sequence[str]) -> list[Middleware]:
    """The middleware letting browser applications on `origins` call the API; none for none.

    Credentials (cookies, HTTP authentication, client certificates) are never allowed: the
    API authenticates with bearer tokens a script sends in `Authorization` itself, and with
    credentials starlette would echo any origin back for `*`, letting every site act as the
    signed-in user.
    """
    if not origins:
        return []
    return [
        Middleware(
            AllowListCORS,
            allow_origins=[origin(o) for o in origins],
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            allow_credentials=False,
            max_age=MAX_AGE_SECONDS,
        )
    ]
