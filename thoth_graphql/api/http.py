"""GraphQL over HTTP and WebSocket: strawberry's ASGI view, held to the GraphQL-over-HTTP spec.

Strawberry parses, validates and executes; this view decides the HTTP exchange around that
(docs/decisions/0003-graphql-over-http.md):

- The response's media type follows `Accept`: `application/graphql-response+json` when the
  client names it at least as high as `application/json`; `application/json` for legacy
  clients, wildcards and requests without `Accept`; 406 when neither is acceptable.
- With `application/graphql-response+json`, a request error (the document does not parse or
  validate, the variables do not coerce, no operation can be chosen) is answered 400 without
  `data`; a field error is still a 200. With `application/json`, every well-formed request
  is answered 200.
- Requests that are not well-formed GraphQL over HTTP (bad JSON, no `query`, a body that is
  not `application/json`) get a 4xx whatever the media type. Mutations are refused in a GET
  with 405 (`Allow: POST`); subscriptions are served over graphql-transport-ws only.
- Every refusal is a GraphQL response too: `errors`, each with `extensions.code`.
- Browsers asking for HTML get GraphiQL, whose assets this server serves itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError, OperationDefinitionNode, parse
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from thoth_graphql.api import limits
from thoth_graphql.api.context import Context
from thoth_graphql.api.errors import ErrorCode
from thoth_graphql.api.graphiql import ASSETS_PATH, content_security_policy, page
from thoth_graphql.api.schema import MAX_TOKENS, schema

if TYPE_CHECKING:
    # services imports this package's read cache: a name for the annotations only.
    from thoth_graphql.services import Services

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

BAD_REQUEST = "BAD_REQUEST"
"""The `extensions.code` of a request refused before GraphQL looked at it (wrong method,
media type or body shape), and of one naming no operation the server can run."""

_OPERATIONS_BY_METHOD = {
    "GET": frozenset({OperationType.QUERY}),
    "POST": frozenset({OperationType.QUERY, OperationType.MUTATION}),
}
_ALLOW = ", ".join(_OPERATIONS_BY_METHOD)
_JSON_RANGES = {JSON: 2, "application/*": 1, "*/*": 0}

# With application/graphql-response+json, request errors carrying these codes get their own
# status; every other request error is a 400. A TIMEOUT is the server's time limit running
# out, which the same request may not meet on a less busy server: a 503, not the client's 4xx.
_REQUEST_ERROR_STATUS = {
    ErrorCode.UNAUTHENTICATED.value: 401,
    ErrorCode.FORBIDDEN.value: 403,
    ErrorCode.INTERNAL_SERVER_ERROR.value: 500,
    ErrorCode.TIMEOUT.value: 503,
}


def negotiate(accept: str | None) -> str | None:
    """The media type to answer in, for this `Accept` header; None if neither is acceptable.

    `application/graphql-response+json` must be named; `application/json` may also be
    reached through `application/*` or `*/*`. Each takes the quality of the most specific
    range that matches it. An absent or empty header means `application/json`, as the
    graphql-http audit expects of servers during the spec's legacy period.
    """
    if accept is None or not accept.strip():
        return JSON
    graphql_q = 0.0
    json_q: dict[int, float] = {}  # by the specificity of the range that matched
    for item in accept.split(","):
        media_range, *parameters = item.split(";")
        media_range = media_range.strip().lower()
        q = _quality(parameters)
        if media_range == GRAPHQL_RESPONSE_JSON:
            graphql_q = max(graphql_q, q)
        elif media_range in _JSON_RANGES:
            specificity = _JSON_RANGES[media_range]
            json_q[specificity] = max(json_q.get(specificity, 0.0), q)
    best_json_q = json_q[max(json_q)] if json_q else 0.0
    if graphql_q > 0 and graphql_q >= best_json_q:
        return GRAPHQL_RESPONSE_JSON
    return JSON if best_json_q > 0 else None


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def is_request_error(result: ExecutionResult) -> bool:
    """Whether execution never started: a request error, whose response has no `data`.

    Field errors always carry the path of their field; errors raised before execution
    (parsing, validation, variable coercion) carry none.
    """
    errors = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


def status_of(result: ExecutionResult, media_type: str) -> int:
    """The HTTP status of a GraphQL response in `media_type`."""
    if media_type != GRAPHQL_RESPONSE_JSON or not is_request_error(result):
        return 200
    codes = {(error.extensions or {}).get("code") for error in result.errors or ()}
    for code, status in _REQUEST_ERROR_STATUS.items():
        if code in codes:
            return status
    return 400


class Refusal(Exception):
    """A request refused before execution, with its status and any headers it needs."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})

    def response(self, media_type: str) -> Response:
        body = {"errors": [{"message": self.message, "extensions": {"code": BAD_REQUEST}}]}
        response = Response(
            json.dumps(body, separators=(",", ":")),
            status_code=self.status,
            headers=self.headers,
            media_type=f"{media_type}; charset=utf-8",
        )
        response.headers.add_vary_header("Accept")
        return response


class GraphQLEndpoint(GraphQL[Context, None]):
    """Strawberry's ASGI view, giving each request a fresh Context over one store."""

    def __init__(self, services: Services) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=limits.MAX_OPERATIONS_PER_CONNECTION,
        )
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        media_type = negotiate(request.headers.get("accept"))
        try:
            response = await self._respond(request, media_type)
        except Refusal as refusal:
            response = refusal.response(media_type or JSON)
        await response(scope, receive, send)

    async def _respond(self, request: Request, media_type: str | None) -> Response:
        if request.method not in _OPERATIONS_BY_METHOD:
            raise Refusal(405, "GraphQL is served over GET and POST.", {"Allow": _ALLOW})
        if self.should_render_graphql_ide(self.request_adapter_class(request)):
            return await self.render_graphql_ide(request)
        if media_type is None:
            raise Refusal(
                406,
                f"Responses are {GRAPHQL_RESPONSE_JSON} or {JSON}: accept either, "
                "or send no Accept header.",
            )
        request.state.graphql_media_type = media_type
        try:
            return await self.run(request)
        except HTTPException as error:
            raise Refusal(error.status_code, error.reason) from error

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(self.services, request=request, response=response)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = getattr(request.state, "graphql_media_type", JSON)
        # process_result sets its status, unless a resolver already did.
        request.state.graphql_sub_response = sub_response
        return sub_response

    async def render_graphql_ide(self, request: Request) -> Response:
        response = HTMLResponse(
            page(ASSETS_PATH), headers={"Content-Security-Policy": content_security_policy()}
        )
        response.headers.add_vary_header("Accept")
        return response

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return json.loads(data)
        except (ValueError, RecursionError) as error:  # bad JSON or UTF-8; nesting too deep
            raise HTTPException(400, "The request is not valid JSON in UTF-8.") from error

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        if request.method == "GET":
            return _graphql_request(self.parse_query_params(request.query_params))
        if not _is_utf8_json(request.content_type):
            raise Refusal(415, f"Send the request as {JSON} in UTF-8.", {"Accept-Post": JSON})
        return _graphql_request(self.parse_json(await request.get_body()))

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        if request_data.operation_name is None and _operation_count(request_data.query or "") > 1:
            # Strawberry would run the first one; the GraphQL spec's GetOperation refuses.
            return _request_error("Name the operation to run in `operationName`.")
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=_OPERATIONS_BY_METHOD[request_adapter.method],
                operation_extensions=request_data.extensions,
            )
        except MissingQueryError as error:
            raise Refusal(400, "The request has no GraphQL document in `query`.") from error
        except CannotGetOperationTypeError as error:
            return _request_error(error.as_http_error_reason())
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.MUTATION:
                raise Refusal(
                    405, "Mutations are served over POST only.", {"Allow": "POST"}
                ) from error
            return _request_error(
                "Subscriptions are served over WebSocket (graphql-transport-ws) at this URL."
            )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if is_request_error(result):
            # The GraphQL spec: a response to a request error has no `data` entry.
            response.pop("data", None)
        sub_response: Response = request.state.graphql_sub_response
        if sub_response.status_code is None:
            sub_response.status_code = status_of(result, sub_response.media_type or JSON)
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = f"{sub_response.media_type}; charset=utf-8"
        response.headers.add_vary_header("Accept")
        return response


def _is_utf8_json(content_type: str | None) -> bool:
    media_type, parameters = parse_content_type(content_type or "")
    # Media types are case-insensitive (RFC 9110 8.3.1): `Application/JSON` is JSON.
    return media_type.lower() == JSON and parameters.get("charset", "utf-8").lower() in (
        "utf-8",
        "utf8",
    )


def _graphql_request(params: object) -> GraphQLRequestData:
    """The GraphQL-over-HTTP request in decoded parameters, or refuse them with a 400."""
    if isinstance(params, list):
        raise HTTPException(400, "Batches are not accepted: send one operation per request.")
    if not isinstance(params, dict):
        raise HTTPException(400, "The request must be a JSON object with `query`.")
    query, variables = params.get("query"), params.get("variables")
    operation_name, extensions = params.get("operationName"), params.get("extensions")
    if not isinstance(query, str):
        raise HTTPException(400, "`query` must be a string holding a GraphQL document.")
    if not isinstance(variables, dict | None):
        raise HTTPException(400, "`variables`, if given, must be an object.")
    if not isinstance(operation_name, str | None):
        raise HTTPException(400, "`operationName`, if given, must be a string.")
    if not isinstance(extensions, dict | None):
        raise HTTPException(400, "`extensions`, if given, must be an object.")
    return GraphQLRequestData(query, variables, operation_name, extensions)


def _operation_count(query: str) -> int:
    """The number of operations in a document; 0 if it does not parse (execution says why)."""
    return _short_operation_count(query) if len(query) <= 4096 else _parsed_operation_count(query)


# Only short documents are cached, so the cache holds at most 256 x 4 KiB of client text.
@lru_cache(maxsize=256)
def _short_operation_count(query: str) -> int:
    return _parsed_operation_count(query)


def _parsed_operation_count(query: str) -> int:
    try:
        document = parse(query, no_location=True, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return 0
    return sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)


def _request_error(message: str) -> ExecutionResult:
    return ExecutionResult(
        data=None, errors=[GraphQLError(message, extensions={"code": BAD_REQUEST})]
    )
