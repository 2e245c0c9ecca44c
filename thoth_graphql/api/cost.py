"""The cost of a GraphQL document before it is validated: each operation's depth, fields and
aliases with its fragments expanded, every fragment measured once."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

MAX_DEPTH = 10
"""The deepest operation served (introspection fields, `__`-prefixed, do not count)."""
MAX_ALIASES = 30
"""The most aliased fields an operation may select, fragments expanded."""
MAX_FIELDS = 2000
"""The most fields an operation may select, fragments expanded (GraphiQL's introspection
query selects 229)."""


@dataclass(frozen=True, slots=True)
class Cost:
    """What one selection set selects once its fragments are expanded."""

    depth: int = 0
    fields: int = 0
    aliases: int = 0

    def __add__(self, other: Cost) -> Cost:
        # Counts are capped just past their limits: a fragment bomb multiplies them into
        # numbers of thousands of digits, which only need to be known as "too many".
        return Cost(
            max(self.depth, other.depth),
            min(self.fields + other.fields, MAX_FIELDS + 1),
            min(self.aliases + other.aliases, MAX_ALIASES + 1),
        )


class _Cycle(Exception):
    pass


class _Measure:
    """Measures selection sets, remembering each fragment's cost once it is known."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.known: dict[str, Cost] = {}
        self.open: set[str] = set()

    def selections(self, selection_set: SelectionSetNode) -> Cost:
        total = Cost()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection)
            elif isinstance(selection, InlineFragmentNode):
                total += self.selections(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
        return total

    def field(self, field: FieldNode) -> Cost:
        inner = Cost() if field.selection_set is None else self.selections(field.selection_set)
        introspection = field.name.value.startswith("__")
        nested = field.selection_set is not None and not introspection
        return Cost(
            inner.depth + 1 if nested else 0 if introspection else inner.depth,
            min(inner.fields + 1, MAX_FIELDS + 1),
            min(inner.aliases + (field.alias is not None), MAX_ALIASES + 1),
        )

    def fragment(self, name: str) -> Cost:
        known = self.known.get(name)
        if known is not None:
            return known
        definition = self.fragments.get(name)
        if definition is None:
            return Cost()  # validation names the unknown fragment
        if name in self.open:
            raise _Cycle(name)
        self.open.add(name)
        cost = self.known[name] = self.selections(definition.selection_set)
        self.open.discard(name)
        return cost


@dataclass(frozen=True, slots=True)
class Assessment:
    """Why the operations of a document are too costly to validate or run ([] if none is),
    and the most fields any of them selects."""

    refusals: list[GraphQLError]
    fields: int


def assess(document: DocumentNode) -> Assessment:
    """The cost of the operations of `document`, in time linear in the size of the
    document, whatever its fragments would expand to."""
    measure = _Measure(document)
    errors: list[GraphQLError] = []
    fields = 0
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        name = operation.name.value if operation.name else "anonymous"
        try:
            cost = measure.selections(operation.selection_set)
        except _Cycle as cycle:
            errors.append(GraphQLError(f"The fragment {cycle} spreads itself.", [operation]))
            break
        fields = max(fields, cost.fields)
        if cost.depth > MAX_DEPTH:
            errors.append(
                GraphQLError(f"'{name}' exceeds maximum operation depth of {MAX_DEPTH}", operation)
            )
        if cost.aliases > MAX_ALIASES:
            errors.append(
                GraphQLError(f"{name} has more than {MAX_ALIASES} aliases in total.", operation)
            )
        if cost.fields > MAX_FIELDS:
            errors.append(
                GraphQLError(
                    f"'{name}' selects more than {MAX_FIELDS} fields once its fragments "
                    "are expanded.",
                    operation,
                )
            )
    return Assessment(errors, fields)
