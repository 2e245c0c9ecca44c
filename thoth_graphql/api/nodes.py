"""What every Node type shares: the Context behind a strawberry Info, and refusing the ids
of required nodes that are missing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import strawberry
from strawberry import relay

from thoth_graphql.api.context import Context
from thoth_graphql.api.errors import UserInputError

D = TypeVar("D")
N = TypeVar("N", bound=relay.Node)


def context_of(info: strawberry.Info) -> Context:
    context: Context = info.context
    return context


def required_nodes(nodes: list[N | None], node_ids: Sequence[str]) -> list[N | None]:
    """The nodes, or refuse the ids of the missing ones (for fields that must not be null)."""
    missing = [i for i, node in zip(node_ids, nodes, strict=True) if node is None]
    if missing:
        raise UserInputError(f"No object has the id {missing[0]!r}.")
    return nodes


def loaded_nodes(
    found: Sequence[D | None],
    node: Callable[[D], N],
    node_ids: Sequence[str],
    required: bool,
) -> list[N | None]:
    """The nodes made of what a loader `found` for `node_ids`; `required`: refuse the missing."""
    nodes = [None if item is None else node(item) for item in found]
    return required_nodes(nodes, node_ids) if required else nodes


def decode_node_id(value: relay.GlobalID, type_name: str, field: str) -> str:
    """The node id inside a global ID of `type_name`, or BAD_USER_INPUT at `field`."""
    if value.type_name != type_name:
        raise UserInputError(f"Not the id of a {type_name}: {value}.", field=field)
    return value.node_id
