"""The small package graph the API tests serve, and a generator of many versions."""

from __future__ import annotations

from typing import Any

from thoth_graphql.domain import Dependency, PackageVersion, Release


def release(name: str, version: str, *requirements: str, **fields: Any) -> Release:
    return Release(
        PackageVersion(name, version, **fields),
        tuple(Dependency.from_requirement(r) for r in requirements),
    )


GRAPH = [
    release(
        "dask",
        "2.10.1",
        "numpy>=1.13.0; extra == 'array'",
        "partd[complete]>=0.3.10; extra == 'complete'",
        "toolz>=0.7.3",
        requires_python=">=3.6",
    ),
    release("dask", "2.9.0", "numpy>=1.13.0"),
    release("dask", "2.11.0rc1"),
    release("dask", "2.10.0"),
    release("numpy", "1.18.1", requires_python=">=3.5"),
    release("numpy", "1.10.0", yanked=True),
    release("numpy", "1.9.3"),
    release("toolz", "0.10.0"),
    release("partd", "1.1.0", "locket; extra == 'complete'"),
]


def many_versions(name: str, count: int) -> list[Release]:
    """A package with `count` versions, each declaring two dependencies."""
    return [
        release(name, f"1.{minor}.0", f"dep-a>={minor}", "dep-b; python_version >= '3.8'")
        for minor in range(count)
    ]
