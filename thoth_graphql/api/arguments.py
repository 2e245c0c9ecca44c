"""Bounds on the size of an operation's arguments, written in its document (checked when it
is validated) or passed as variables: every string and list, each refusal naming its path."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
    visit,
)
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from thoth_graphql.api.errors import UserInputError

MAX_NAME_LENGTH = 200
"""The longest package name (or name prefix) taken: far beyond any real one, and short
enough that no name can carry a payload into keys, logs and the object store."""
MAX_STRING_LENGTH = 256 * 1024
"""The longest string argument of any other kind (a stack inspection's script is the
longest real one)."""
MAX_LIST_LENGTH = 10_000
"""The most items of any list argument (per-field limits may be lower)."""

NAME_FIELDS = frozenset({"name", "packageName", "package", "prefix"})
"""The arguments and input fields that hold a package name, or a part of one."""


def _limit(key: str) -> int:
    return MAX_NAME_LENGTH if key in NAME_FIELDS else MAX_STRING_LENGTH


def _value_faults(value: Any, path: str, key: str) -> Iterator[tuple[str, str]]:
    """Oversized strings and lists in a decoded variable value."""
    if isinstance(value, str):
        if len(value) > _limit(key):
            yield path, f"at most {_limit(key)} characters; got {len(value)}."
    elif isinstance(value, list):
        if len(value) > MAX_LIST_LENGTH:
            yield path, f"at most {MAX_LIST_LENGTH} items; got {len(value)}."
            return
        for i, item in enumerate(value):
            yield from _value_faults(item, f"{path}[{i}]", key)
    elif isinstance(value, Mapping):
        for name, item in value.items():
            yield from _value_faults(item, f"{path}.{name}", str(name))


def _literal_faults(node: ValueNode, path: str, key: str) -> Iterator[tuple[str, str]]:
    """Oversized strings and lists written in the document."""
    if isinstance(node, StringValueNode):
        if len(node.value) > _limit(key):
            yield path, f"at most {_limit(key)} characters; got {len(node.value)}."
    elif isinstance(node, ListValueNode):
        if len(node.values) > MAX_LIST_LENGTH:
            yield path, f"at most {MAX_LIST_LENGTH} items; got {len(node.values)}."
            return
        for i, item in enumerate(node.values):
            yield from _literal_faults(item, f"{path}[{i}]", key)
    elif isinstance(node, ObjectValueNode):
        for field in node.fields:
            name = field.name.value
            yield from _literal_faults(field.value, f"{path}.{name}", name)


class _Arguments(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.faults: list[tuple[str, str]] = []

    def enter_field(self, node: FieldNode, *_: object) -> None:
        for argument in node.arguments or ():
            name = argument.name.value
            path = f"{node.name.value}.{name}"
            self.faults.extend(_literal_faults(argument.value, path, name))


def _refusal(faults: list[tuple[str, str]]) -> UserInputError:
    field, message = faults[0]
    return UserInputError(f"{field}: {message}", field=field, faults=faults[:20])


def written_refusals(document: DocumentNode) -> list[GraphQLError]:
    """BAD_USER_INPUT if an argument written in `document` is over its bound; else [].
    (A property of the document alone: validated, and cached, with it.)"""
    arguments = _Arguments()
    visit(document, arguments)
    return [_refusal(arguments.faults)] if arguments.faults else []


class ArgumentBounds(SchemaExtension):
    """Refuses an operation whose variables hold an oversized value before it runs:
    BAD_USER_INPUT with the variable's path in `extensions.field` (and every fault in
    `extensions.faults`)."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        faults = [
            fault
            for name, value in (execution.variables or {}).items()
            for fault in _value_faults(value, f"${name}", name)
        ]
        if faults:
            execution.result = ExecutionResult(data=None, errors=[_refusal(faults)])  # no run
        yield
