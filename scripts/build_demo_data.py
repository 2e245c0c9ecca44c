"""Convert resolvelib's real PyPI snapshots into the solver documents shipped for `--demo`.

Usage: python scripts/build_demo_data.py [SNAPSHOT_DIR] [OUT_DIR]
(defaults: ../shared/external/resolvelib/index and thoth_graphql/demo).

Each snapshot maps project -> version -> {"dependencies": [PEP 508 strings]}; every
project becomes one solver document with id `resolvelib-<snapshot>-<project>`. A
version that is not PEP 440, or a dependency string that is not PEP 508, goes to the
document's `errors` list instead of its tree (two versions and one string in all).
The output is deterministic (sorted, gzip mtime 0) so rebuilding changes no bytes.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version


def dependency(requirement: str) -> dict[str, Any]:
    req = Requirement(requirement)
    return {
        "package_name": req.name,
        "specifier": str(req.specifier),
        "extras": sorted(req.extras),
        "marker": str(req.marker) if req.marker else None,
    }


def document(snapshot: str, project: str, versions: dict[str, Any]) -> dict[str, Any]:
    tree: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    for version in sorted(versions, key=_sort_key):
        try:
            Version(version)
            deps = [dependency(d) for d in versions[version]["dependencies"]]
        except (InvalidVersion, InvalidRequirement) as error:
            errors.append({"package_version": version, "details": str(error).splitlines()[0]})
            continue
        tree.append({"package_name": project, "package_version": version, "dependencies": deps})
    day = snapshot.split("-", 1)[1][:10]
    return {
        "metadata": {
            "analyzer": "resolvelib-snapshot",
            "analyzer_version": "py2index",
            "datetime": f"{day}T00:00:00Z",
            "document_id": f"resolvelib-{snapshot}-{project}",
        },
        "result": {"tree": tree, "unresolved": [], "errors": errors},
    }


def _sort_key(version: str) -> tuple[int, Any]:
    try:
        return (0, Version(version))
    except InvalidVersion:
        return (1, version)


def main(argv: list[str]) -> None:
    source = Path(argv[1] if len(argv) > 1 else "../shared/external/resolvelib/index")
    out = Path(argv[2] if len(argv) > 2 else "thoth_graphql/demo")
    for path in sorted(source.glob("pypi-*.json")):
        snapshot = path.stem
        index = json.loads(path.read_text())
        docs = [
            document(snapshot, project, versions)
            for project, versions in sorted(index.items())
            if isinstance(versions, dict)
        ]
        body = json.dumps(docs, separators=(",", ":"), sort_keys=True).encode()
        target = out / f"{snapshot}.json.gz"
        with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            gz.write(body)
        print(f"{target}: {len(docs)} documents, {target.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv)
