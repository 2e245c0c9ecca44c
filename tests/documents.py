"""Solver documents built for tests."""

from __future__ import annotations

from typing import Any


def solver_document(document_id: str = "solver-abc", **changes: Any) -> dict[str, Any]:
    """The example document of design.md, with top-level keys replaced by `changes`."""
    doc: dict[str, Any] = {
        "metadata": {
            "analyzer": "thoth-solver",
            "analyzer_version": "1.0",
            "datetime": "2026-01-01T00:00:00Z",
            "document_id": document_id,
        },
        "environment": {
            "python_version": "3.11",
            "platform": "linux_x86_64",
            "os_name": "fedora",
            "os_version": "40",
        },
        "result": {
            "tree": [
                {
                    "package_name": "Dask",
                    "package_version": "2.10.1",
                    "index_url": "https://index.example/simple",
                    "requires_python": ">=3.6",
                    "yanked": False,
                    "sha256": [],
                    "dependencies": [
                        {
                            "package_name": "numpy",
                            "specifier": ">=1.13.0",
                            "extras": [],
                            "marker": "extra == 'array'",
                        },
                        {"package_name": "toolz", "specifier": ">=0.7.3"},
                    ],
                },
                {"package_name": "numpy", "package_version": "1.18.1", "dependencies": []},
            ],
            "unresolved": [
                {"package_name": "foo", "version_spec": ">=2", "index_url": "x", "reason": "gone"}
            ],
            "errors": [],
        },
    }
    doc.update(changes)
    return doc
