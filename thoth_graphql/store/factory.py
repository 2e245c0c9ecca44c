"""Choosing the graph adapter from the command line: `--graph URL` or the data dir."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from thoth_graphql.store.port import GraphStore
from thoth_graphql.store.sqlite import SqliteGraphStore

GRAPH_FILE = "graph.sqlite3"


class UnsupportedGraphUrl(ValueError):
    pass


def graph_store(graph_url: str | None, data_dir: Path) -> GraphStore:
    """JanusGraph for a `ws://` or `wss://` Gremlin URL, else SQLite in the data dir."""
    if graph_url is None:
        return SqliteGraphStore(data_dir / GRAPH_FILE)
    scheme = urlparse(graph_url).scheme
    if scheme in ("ws", "wss"):
        from thoth_graphql.store.janusgraph import JanusGraphStore

        return JanusGraphStore(graph_url)
    if scheme == "sqlite":
        return SqliteGraphStore(Path(urlparse(graph_url).path))
    raise UnsupportedGraphUrl(
        f"--graph {graph_url!r}: expected a Gremlin Server URL such as "
        "ws://127.0.0.1:8182/gremlin (or sqlite:///path/graph.sqlite3)"
    )
