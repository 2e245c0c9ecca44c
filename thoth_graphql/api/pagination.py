"""Relay pagination: page-size limits and opaque cursors, refused as BAD_USER_INPUT."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from strawberry import relay

from thoth_graphql.api.errors import UserInputError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

T = TypeVar("T")
N = TypeVar("N", bound=relay.Node)


def page_size(first: int | None) -> int:
    """The number of items a page holds for `first`, or refuse it."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0:
        raise UserInputError(f"`first` must not be negative, got {first}.")
    if first > MAX_PAGE_SIZE:
        raise UserInputError(f"`first` must be at most {MAX_PAGE_SIZE}, got {first}.")
    return first


def encode_cursor(kind: str, *parts: str) -> str:
    """An opaque cursor naming a position in a list of `kind`."""
    body = json.dumps([kind, *parts], separators=(",", ":"))
    return base64.urlsafe_b64encode(body.encode()).decode()


def decode_cursor(cursor: str, kind: str, arity: int) -> tuple[str, ...]:
    """The parts `encode_cursor(kind, ...)` was given, or refuse a malformed cursor."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, UnicodeError, ValueError):
        decoded = None
    if (
        not isinstance(decoded, list)
        or len(decoded) != arity + 1
        or decoded[0] != kind
        or not all(isinstance(part, str) for part in decoded[1:])
    ):
        raise UserInputError(f"`after` is not a cursor of this list: {cursor!r}.")
    return tuple(decoded[1:])


def page_info(
    edges: Sequence[relay.Edge[Any]], *, previous: bool, following: bool
) -> relay.PageInfo:
    """The PageInfo of a page of `edges`."""
    return relay.PageInfo(
        has_next_page=following,
        has_previous_page=previous,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )


def fetched_page(
    found: Sequence[T],
    size: int,
    after: str | None,
    kind: str,
    cursor: Callable[[T], tuple[str, ...]],
    node: Callable[[T], N],
) -> tuple[list[relay.Edge[N]], relay.PageInfo]:
    """The edges and PageInfo of a page of `kind` after `after`, from up to `size` + 1 items
    `found` (the one past `size` only tells that a next page follows)."""
    edges = [
        relay.Edge(cursor=encode_cursor(kind, *cursor(item)), node=node(item))
        for item in found[:size]
    ]
    return edges, page_info(edges, previous=after is not None, following=len(found) > size)
