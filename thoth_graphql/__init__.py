"""thoth-graphql: a recommendation engine for Python application stacks, served over GraphQL."""

__version__ = "0.1.0"
