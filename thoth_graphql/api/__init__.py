"""The GraphQL API: schema, per-request loaders and the ASGI app that serves them."""

from thoth_graphql.api.app import create_app
from thoth_graphql.api.schema import schema, sdl

__all__ = ["create_app", "schema", "sdl"]
