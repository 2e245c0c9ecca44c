"""Error codes clients can rely on, and the policy that keeps internal errors private."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionResult

from thoth_graphql.store.port import StoreUnavailable


class ErrorCode(enum.StrEnum):
    """The `extensions.code` of every error in a response."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    FORBIDDEN = "FORBIDDEN"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    NOT_FOUND = "NOT_FOUND"
    RATE_LIMITED = "RATE_LIMITED"
    TIMEOUT = "TIMEOUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    UNAVAILABLE = "UNAVAILABLE"


class CodedError(GraphQLError):
    """An error meant for the client, with its code in `extensions.code`."""

    def __init__(self, code: ErrorCode, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": code.value, **extensions})


class UserInputError(CodedError):
    """A request argument the server refuses: shown to the client as BAD_USER_INPUT.

    `field` is the path of the faulty input field (e.g. `input.packages[2].version`),
    `faults` every fault found when there are several; both go to `extensions`.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        faults: Sequence[tuple[str, str]] = (),
    ) -> None:
        extensions: dict[str, Any] = {}
        if field is not None:
            extensions["field"] = field
        if faults:
            extensions["faults"] = [{"field": f, "message": m} for f, m in faults]
        super().__init__(ErrorCode.BAD_USER_INPUT, message, **extensions)


def is_internal(error: GraphQLError) -> bool:
    """Whether an error came from a bug or an outage rather than from the request.

    Errors that graphql-core raises itself (parsing, validation) have no original
    error; errors meant for clients are GraphQLErrors. Anything else is internal.
    """
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def error_code(error: GraphQLError) -> ErrorCode:
    """The code of an error that was not given one where it was raised."""
    if isinstance(error, GraphQLSyntaxError):
        return ErrorCode.GRAPHQL_PARSE_FAILED
    if isinstance(error.original_error, StrawberryInputCoercionError):
        return ErrorCode.BAD_USER_INPUT
    if is_internal(error):
        return ErrorCode.INTERNAL_SERVER_ERROR
    return ErrorCode.GRAPHQL_VALIDATION_FAILED


class ErrorPolicy(MaskErrors):
    """Masks internal errors (they are logged, not sent) and gives every error a code."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_internal, error_message="Internal server error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if isinstance(error.original_error, StoreUnavailable):
            # Not the client's fault nor a bug: it may try again later. The database's own
            # words and the file's path stay in the log (`detail`, with the traceback).
            return GraphQLError(
                str(error.original_error),
                nodes=error.nodes,
                path=error.path,
                extensions={"code": ErrorCode.UNAVAILABLE.value},
            )
        masked = super().anonymise_error(error)
        masked.extensions = {"code": ErrorCode.INTERNAL_SERVER_ERROR.value}
        return masked

    def on_operation(self) -> Iterator[None]:
        yield from super().on_operation()
        result = self.execution_context.result
        if isinstance(result, (GraphQLExecutionResult, ExecutionResult)) and result.errors:
            for error in result.errors:
                if "code" not in (error.extensions or {}):
                    error.extensions = {
                        **(error.extensions or {}),
                        "code": error_code(error).value,
                    }
