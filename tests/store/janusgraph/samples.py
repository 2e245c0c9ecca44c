"""Releases the JanusGraph adapter's tests write, and the counts read by walking the graph."""

from __future__ import annotations

from bench.janusgraph_server import gremlin_http
from thoth_graphql.domain import Dependency, PackageVersion, Release
from thoth_graphql.store.port import GraphCounts


def release(name: str, version: str, *requirements: str) -> Release:
    dependencies = tuple(Dependency.from_requirement(r) for r in requirements)
    return Release(PackageVersion(name, version), dependencies)


SAMPLE = [
    Release(
        PackageVersion(
            "dask", "2.10.1", requires_python=">=3.6", upload_time="2020-01-30T12:00:00Z"
        ),
        (
            Dependency.from_requirement("numpy>=1.13.0; extra == 'array'"),
            Dependency.from_requirement("toolz>=0.7.3; extra == 'array'"),
            Dependency.from_requirement("partd[complete]>=0.3.10; extra == 'complete'"),
        ),
    ),
    release("dask", "2.9.0", "numpy>=1.13.0"),
    release("numpy", "1.18.1"),
    Release(PackageVersion("numpy", "1.10.0", yanked=True, sha256=("a" * 64,))),
]


def scanned_counts(url: str) -> GraphCounts:
    """The counts by walking the graph, to check the counters the adapter keeps."""
    data = gremlin_http(
        url,
        "[g.V().hasLabel('Package').count().next(), g.V().hasLabel('PackageVersion').count()"
        ".next(), g.E().hasLabel('DEPENDS_ON').count().next(),"
        " g.V().hasLabel('Document').count().next()]",
    )
    return GraphCounts(*(int(item["@value"]) for item in data))  # type: ignore[index]
