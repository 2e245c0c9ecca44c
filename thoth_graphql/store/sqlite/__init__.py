"""The embedded SQLite adapter: a client (client.py), one module per facet of the port, and
the store that assembles them (store.py)."""

from thoth_graphql.store.sqlite.store import SqliteGraphStore

__all__ = ["SqliteGraphStore"]
