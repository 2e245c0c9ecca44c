"""The JanusGraph adapter: a Gremlin client (client.py), one module per facet of the port,
and the store that assembles them (store.py)."""

from thoth_graphql.store.janusgraph.store import JanusGraphStore

__all__ = ["JanusGraphStore"]
