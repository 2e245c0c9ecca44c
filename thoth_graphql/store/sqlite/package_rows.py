"""How the package graph's rows read back: the versions of packages, the extras of edges
(what the package graph and the closure reads share)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from thoth_graphql.domain import PackageVersion
from thoth_graphql.store.json_text import ReleaseDecoder
from thoth_graphql.store.sqlite.statements import chunks, marks


def extras_text(extras: tuple[str, ...]) -> str:
    return ",".join(extras)


def extras_tuple(text: str) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()


def versions_by_name(
    db: sqlite3.Connection, names: Sequence[str]
) -> dict[str, list[PackageVersion]]:
    decoder = ReleaseDecoder()
    found: dict[str, list[PackageVersion]] = {}
    for part in chunks(list(names)):
        rows = db.execute(
            "SELECT p.name, v.version, v.index_url, v.requires_python, v.yanked, "
            "v.upload_time, v.sha256, v.files "
            "FROM package_version v JOIN package p ON p.id = v.package_id "
            f"WHERE p.name IN ({marks(len(part))})",
            part,
        )
        for columns in rows:
            release = decoder.version(*columns)
            found.setdefault(release.name, []).append(release)
    return found
